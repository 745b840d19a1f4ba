"""v1 bindings as v2 decorators, and the conversion plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from funcls.lsp.convert.app import KEEP, REMOVE, check_conversion, plan_app_conversion
from funcls.lsp.convert.render import ConversionError, decorator_call, decorators_for, py_literal
from funcls.lsp.convert.v1 import plan_conversion, plan_removal
from funcls.model.appmodel import Binding, Value
from funcls.model.locations import Range
from funcls.model.workspace import Workspace

R = Range.point(0, 0)


def binding(type_: str, direction: str, name: str, **props: object) -> Binding:
    b = Binding(type_, direction, name, "/f/function.json", R)
    b.properties = {k: Value(v, R) for k, v in props.items()}
    return b


@pytest.mark.parametrize(
    ("b", "expected"),
    [
        (
            binding(
                "queueTrigger", "in", "msg", queueName="orders", connection="AzureWebJobsStorage"
            ),
            '@app.queue_trigger(arg_name="msg", queue_name="orders", connection="AzureWebJobsStorage")',
        ),
        (
            binding("blob", "out", "$return", path="out/{name}", dataType="binary"),
            '@app.blob_output(arg_name="$return", path="out/{name}", data_type=func.DataType.BINARY)',
        ),
        (
            binding("timerTrigger", "in", "t", schedule="0 0 * * * *", runOnStartup=True),
            '@app.timer_trigger(arg_name="t", schedule="0 0 * * * *", run_on_startup=True)',
        ),
        (
            binding(
                "eventHubTrigger", "in", "e", eventHubName="hub", connection="C", cardinality="many"
            ),
            '@app.event_hub_message_trigger(arg_name="e", event_hub_name="hub", connection="C", '
            "cardinality=func.Cardinality.MANY)",
        ),
        (  # a property the decorator lacks goes through its **kwargs
            binding("queue", "out", "q", queueName="a", connection="C", customThing="x"),
            '@app.queue_output(arg_name="q", queue_name="a", connection="C", custom_thing="x")',
        ),
        (  # no decorator for the type: the generic one
            binding("redisPubSubTrigger", "in", "m", connection="R", channel="c"),
            '@app.generic_trigger(arg_name="m", type="redisPubSubTrigger", connection="R", channel="c")',
        ),
    ],
)
def test_decorator_call(b: Binding, expected: str) -> None:
    assert decorator_call(b, "app", "func") == expected


def test_http_pair_becomes_one_route() -> None:
    trig = binding(
        "httpTrigger",
        "in",
        "request",
        route="a/{id}",
        methods=["get", "post"],
        authLevel="anonymous",
    )
    out = binding("http", "out", "$return")
    assert decorators_for([out, trig], "bp", "af", "function") == [
        '@bp.route(route="a/{id}", methods=["GET", "POST"], auth_level=af.AuthLevel.ANONYMOUS, '
        'trigger_arg_name="request")'
    ]
    plain = binding("httpTrigger", "in", "req")
    assert decorators_for([plain, out], "app", "func", "anonymous") == [
        "@app.route(auth_level=func.AuthLevel.FUNCTION)"  # the host's default, not the app's
    ]


def test_keys_that_cannot_be_keywords_are_refused() -> None:
    with pytest.raises(ConversionError, match="property 'IsSessionsEnabled'"):
        decorator_call(
            binding("queue", "out", "q", queueName="a", IsSessionsEnabled=True), "app", "func"
        )


def test_literals() -> None:
    assert py_literal({"a": [1, True, None, "é"]}) == '{"a": [1, True, None, "é"]}'


def test_plans_on_the_v1_sample(tmp_path: Path) -> None:
    from tests.lsp.support import make_workspace

    ws = make_workspace(tmp_path)
    index = Workspace([str(ws)])
    index.index_all()
    app = index.app_for_path(str(ws / "v1-app"))
    assert app is not None
    fn = app.function("get_product")
    assert fn is not None and plan_removal(app, fn, index.source) is None  # nothing converted
    plan = plan_conversion(app, fn, index.source)
    assert plan.problem is None
    assert [(op.kind, Path(op.path).name) for op in plan.ops] == [("create", "function_app.py")]
    (edit,) = plan.edits
    assert edit.new_text.startswith(
        "import logging\nimport azure.functions as func\nfrom shared import catalog"
    )
    assert (
        '@app.route(auth_level=func.AuthLevel.ANONYMOUS, methods=["GET"], route="products/{id:int}")\ndef get_product(req: func.HttpRequest)'
        in edit.new_text
    )


def _v1_app(tmp_path: Path) -> tuple[Workspace, Path]:
    from tests.lsp.support import make_workspace

    ws = make_workspace(tmp_path)
    index = Workspace([str(ws)])
    index.index_all()
    return index, ws / "v1-app"


@pytest.mark.parametrize(("folders", "removed"), [(REMOVE, "folder"), (KEEP, "function.json")])
def test_app_plan_converts_every_function_in_one_edit(
    tmp_path: Path, folders: str, removed: str
) -> None:
    index, root = _v1_app(tmp_path)
    app = index.app_for_path(str(root))
    assert app is not None
    plan = plan_app_conversion(app, index.source, folders)
    assert plan is not None and plan.problem is None
    (edit,) = plan.edits  # one edit: the whole new function_app.py
    assert edit.new_text == plan.content
    names = sorted(f.name for f in app.functions)
    assert [plan.content.count(f"def {n}(") for n in names] == [1] * len(names)
    deletes = sorted(op.path for op in plan.ops if op.kind == "delete")
    if removed == "folder":
        assert deletes == sorted(str(root / n) for n in names)
    else:
        assert deletes == sorted(str(root / n / "function.json") for n in names)
    assert check_conversion(app, index.source, plan) is None


def test_app_plan_refuses_a_name_defined_twice(tmp_path: Path) -> None:
    index, root = _v1_app(tmp_path)
    for name in ("get_product", "heartbeat"):
        script = root / name / "__init__.py"
        script.write_text(script.read_text() + f"\n\nLIMIT = '{name}'\n")
    index.index_all()
    app = index.app_for_path(str(root))
    assert app is not None
    plan = plan_app_conversion(app, index.source)
    assert plan is not None and plan.edits == [] and plan.ops == []
    assert plan.problem is not None and plan.problem.startswith(
        "'LIMIT' would be defined twice in function_app.py"
    )
