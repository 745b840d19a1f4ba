"""Completion from the pure function, one row per situation."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import client_capabilities

from funcls.lsp import completion
from funcls.lsp.context import ClientFeatures, Context, ignores_edit_ranges, make_context
from funcls.lsp.jsonctx import json_context
from funcls.model.locations import LineIndex
from funcls.model.workspace import Workspace

CURSOR = "‸"


def complete(ctx: Context, path: Path, marked: str) -> list[tuple[str, str]]:
    at = marked.index(CURSOR)
    text = marked.replace(CURSOR, "")
    ctx.source.open(str(path), 99, text)
    try:
        result = completion.complete(ctx, str(path), LineIndex(text).position(at))
    finally:
        ctx.source.close(str(path))
    items = sorted(result.items if result else [], key=lambda i: (i.sort_text or "", i.label))
    return [(i.label, i.text_edit.new_text) for i in items]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("file", "marked", "expected"),
    [
        (
            "v1-app/heartbeat/function.json",
            '{"bindings": [{"type": "timerTrigger", "direction": "in", "name": "timer", "‸"}]}',
            [
                # After the typed quote (the edit starts there); dataType's "undefined" is no value.
                ("schedule", 'schedule": "$1"'),
                ("dataType", 'dataType": "${1|string,binary,stream|}"'),
                ("runOnStartup", 'runOnStartup": ${1|false,true|}'),
                ("useMonitor", 'useMonitor": ${1|false,true|}'),
            ],
        ),
        (
            "v1-app/heartbeat/function.json",
            '{"bindings": [{"type": "timerTrigger", "direction": ‸}]}',
            [("in", '"in"')],
        ),
        (
            "v1-app/heartbeat/function.json",
            '{"bindings": [{"type": "httpTrigger", "authLevel": "a‸"}]}',
            [("admin", 'admin"'), ("anonymous", 'anonymous"'), ("function", 'function"')],
        ),
        (
            "v1-app/heartbeat/function.json",
            '{"bindings": [{"type": "blob", "direction": "out", "path": "‸"}]}',
            [
                ("processed/", 'processed/$1"'),
                ("receipts/", 'receipts/$1"'),
                ("status/", 'status/$1"'),
                ("uploads/", 'uploads/$1"'),
            ],
        ),
        (
            "v1-app/heartbeat/function.json",
            '{"bindings": [{"type": "timerTrigger", "runOnStartup": ‸}]}',
            [("false", "false"), ("true", "true")],
        ),
        (
            "v1-app/heartbeat/function.json",
            '{"bindings": [{"type": "blob", "direction": "out", "name": "x"} "‸"]}',
            [],
        ),
        (
            "v2-app/local.settings.json",
            '{"IsEncrypted": false, "Values": {"FUNCTIONS_WORKER_RUNTIME": "‸"}}',
            [("python", 'python"')],
        ),
    ],
)
def test_json(
    ctx: Context, samples: Path, file: str, marked: str, expected: list[tuple[str, str]]
) -> None:
    assert complete(ctx, samples / file, marked)[: len(expected) or None] == expected


def test_a_new_key_after_a_value_brings_its_comma(ctx: Context, samples: Path) -> None:
    path = samples / "v1-app" / "heartbeat" / "function.json"
    text = '{"bindings": [{"type": "timerTrigger" "‸"}]}'
    ctx.source.open(str(path), 99, text.replace(CURSOR, ""))
    try:
        result = completion.complete(ctx, str(path), LineIndex(text).position(text.index(CURSOR)))
    finally:
        ctx.source.close(str(path))
    assert result is not None
    item = next(i for i in result.items if i.label == "schedule")
    (comma,) = item.additional_text_edits or []
    assert comma.new_text == "," and comma.range.start.character == len(
        '{"bindings": [{"type": "timerTrigger"'
    )


@pytest.mark.parametrize(
    ("marked", "expected"),
    [
        (
            '@app.route(route="x", ‸)\ndef f(req): pass',
            [  # req is the route's default trigger name: no parameter is left to suggest
                ("trigger_arg_name=", 'trigger_arg_name="$1"'),
                ("trigger_extra_fields=", "trigger_extra_fields={$1}"),
                ("methods=", "methods=[$1]"),
            ],
        ),
        (
            '@app.timer_trigger(arg_name="t", schedule="‸")\ndef f(t): pass',
            [("0 */5 * * * *", '0 */5 * * * *"')],  # after the opening quote
        ),
        (
            '@app.blob_output(arg_name="o", path="r‸")\ndef f(o): pass',
            [("processed/", 'processed/"')],
        ),
        (
            '@app.timer_trigger(arg_name="t", schedule="x", run_on_startup=‸)',
            [("True", "True"), ("False", "False")],
        ),
        ('@app.route(methods=["‸"])', [("GET", 'GET"'), ("POST", 'POST"')]),
        # methods takes a list: a bare member or string fails the import (TypeError: not
        # iterable; KeyError 'G' for "GET"), so the value outside a list is a list.
        (
            '@app.route(route="x", methods=‸)',
            [("[func.HttpMethod.GET]", "[func.HttpMethod.GET]")],
        ),
        ('@app.route(route="x", methods="‸")', []),
        ("@app.route(methods=[‸])", [("func.HttpMethod.POST", "func.HttpMethod.POST")]),
        ("@nope.route(‸)", []),
    ],
)
def test_python(ctx: Context, samples: Path, marked: str, expected: list[tuple[str, str]]) -> None:
    path = samples / "v2-app" / "function_app.py"
    head = "import azure.functions as func\n\napp = func.FunctionApp()\n\n"
    got = complete(ctx, path, head + marked)
    for row in expected:
        assert row in got
    if not expected:
        assert got == []


def test_plain_text_clients_get_no_snippets(index: Workspace, samples: Path) -> None:
    plain = make_context(index, "utf-16", ClientFeatures(snippets=False))
    path = samples / "v2-app" / "orders_bp.py"
    text = path.read_text().replace("def payment_received(", "@bp.‸\ndef payment_received(", 1)
    assert ("queue_trigger", "queue_trigger") in complete(plain, path, text)


@pytest.mark.parametrize(
    ("head", "offered"),
    [
        ("import azure.functions as func\n\napp = func.FunctionApp()\n\n", False),
        ("import azure.durable_functions as df\n\napp = df.DFApp()\n\n", True),
    ],
)
def test_decorators_are_those_of_the_objects_class(
    ctx: Context, samples: Path, head: str, offered: bool
) -> None:
    # durable_openai_agent_orchestrator exists only on df.DFApp / df.Blueprint.
    path = samples / "v2-app" / "function_app.py"
    labels = [label for label, _ in complete(ctx, path, head + "@app.‸\ndef f(req): pass")]
    assert "route" in labels and "orchestration_trigger" in labels
    assert ("durable_openai_agent_orchestrator" in labels) is offered


@pytest.mark.parametrize(
    ("recorded", "ignores"),
    [
        ("visual-studio-code", False),
        ("emacs", False),
        ("neovim@v0.6.1", True),
        ("neovim@v0.7.0", True),
        ("neovim@v0.9.1", True),
        ("neovim@v0.11.0", True),
    ],
)
def test_clients_whose_completion_ignores_edit_ranges(recorded: str, ignores: bool) -> None:
    caps = client_capabilities(recorded)
    completion_caps = caps.text_document.completion if caps.text_document else None
    item = completion_caps.completion_item if completion_caps else None
    assert ignores_edit_ranges(item) is ignores


def test_nvim_cmp_honours_edit_ranges() -> None:
    # What cmp-nvim-lsp's default_capabilities() declares for completion items.
    item = types.ClientCompletionItemOptions(
        snippet_support=True,
        commit_characters_support=True,
        preselect_support=True,
        insert_replace_support=True,
        deprecated_support=True,
    )
    assert ignores_edit_ranges(item) is False


@pytest.mark.parametrize(
    ("marked", "trigger", "answers"),
    [
        ('{"‸', '"', True),  # a quote that opens a key
        ('{"type": "‸', '"', True),  # …or a value
        ('{"type": "http"‸', '"', False),  # a quote that closes a string
        ('{"bindings": [‸', "[", False),
        ('{"path": "out/‸', "/", True),
        ('{"queueName": "%‸', "%", True),  # opens a setting expression
        ('{"queueName": "%Q%‸', "%", False),  # …or closes one
        ('{"path": "in/%‸', "%", True),  # …anywhere in the string
        ('{"path": "in/%D%/%‸', "%", True),
        ('{"path": "in/%D%‸', "%", False),
        ("{‸", ",", False),
    ],
)
def test_trigger_characters_answered_only_where_they_open_something(
    marked: str, trigger: str, answers: bool
) -> None:
    offset = marked.index(CURSOR)
    text = marked.replace(CURSOR, "")
    assert completion.typed_opens(json_context(text, offset), offset, trigger) is answers


@pytest.mark.parametrize(
    ("marked", "expected"),
    [
        # A key typed between two members brings the ',' after its value (Emacs QA: the
        # completed member left "expected ',' or '}'" on the next line).
        (
            '{"bindings": [{"type": "blob", "direction": "out",\n  "‸\n  "name": "o"}]}',
            'path": "",',
        ),
        (
            '{"bindings": [{"type": "blob", "direction": "out",\n  ‸\n  "name": "o"}]}',
            '"path": "",',
        ),
        # Before the closing brace: none.
        ('{"bindings": [{"type": "blob", "direction": "out", "name": "o",\n  "‸\n}]}', 'path": ""'),
        # Editing a key that already has its value: the key alone (to its closing quote).
        ('{"bindings": [{"type": "blob", "direction": "out", "pa‸": "x", "name": "o"}]}', 'path"'),
    ],
)
def test_a_key_between_members_brings_the_comma_after_it(
    index: Workspace, samples: Path, marked: str, expected: str
) -> None:
    plain = make_context(index, "utf-16", ClientFeatures(snippets=False))
    path = samples / "v1-app" / "process_order" / "function.json"
    got = dict(complete(plain, path, marked))
    assert got["path"] == expected, got


@pytest.mark.parametrize(("snippets", "script"), [(True, "handlers.py"), (False, "__init__.py")])
def test_an_empty_function_json_gets_its_skeleton(
    index: Workspace, samples: Path, snippets: bool, script: str
) -> None:
    # A function folder made by hand: nothing was offered until '{' and a quote were typed.
    ctx = make_context(index, "utf-16", ClientFeatures(snippets=snippets))
    folder = "create_order" if script == "handlers.py" else "process_order"
    path = samples / "v1-app" / folder / "function.json"
    ctx.source.open(str(path), 99, "")
    try:
        result = completion.complete(ctx, str(path), LineIndex("").position(0))
    finally:
        ctx.source.close(str(path))
    assert result is not None
    (skeleton,) = result.items
    assert isinstance(skeleton.text_edit, types.TextEdit)
    if snippets:
        assert skeleton.insert_text_format == types.InsertTextFormat.Snippet
        assert skeleton.text_edit.new_text == (
            f'{{\n  "scriptFile": "${{1:{script}}}",\n  "bindings": [\n    $0\n  ]\n}}'
        )
    else:
        assert skeleton.text_edit.new_text == f'{{"scriptFile": "{script}", "bindings": []}}'
