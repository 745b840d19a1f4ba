"""Static analysis of one module: names, values, annotations, ranges, syntax-error recovery."""

from __future__ import annotations

import textwrap

import pytest

from funcls.model.locations import Range
from funcls.model.python.module import analyse_module


def analyse(src: str):  # type: ignore[no-untyped-def]
    return analyse_module("/app/function_app.py", textwrap.dedent(src))


def test_imports_and_aliases_resolve_to_qualified_names() -> None:
    m = analyse(
        """
        import azure.functions as func
        import azure.durable_functions
        from azure.functions import FunctionApp, AuthLevel as AL
        from azure import functions as azf
        from .blueprints import bp
        from . import helpers
        """
    )
    assert m.imports == {
        "func": "azure.functions",
        "azure": "azure",
        "FunctionApp": "azure.functions.FunctionApp",
        "AL": "azure.functions.AuthLevel",
        "azf": "azure.functions",
        "bp": ".blueprints.bp",
        "helpers": ".helpers",
    }


@pytest.mark.parametrize(
    ("annotation", "qualname"),
    [
        ("func.HttpRequest", "azure.functions.HttpRequest"),
        ("func.Out[func.HttpResponse]", "azure.functions.Out[azure.functions.HttpResponse]"),
        ("typing.List[func.EventHubEvent]", "typing.List[azure.functions.EventHubEvent]"),
        ("List[str]", "typing.List[str]"),
        ("list[bytes]", "list[bytes]"),
        ("typing.Optional[str]", "typing.Optional[str]"),
        ("str | None", "typing.Optional[str]"),
        ("'func.Context'", "azure.functions.Context"),
        ("HttpRequest", "azure.functions.HttpRequest"),
        ("azure.functions.QueueMessage", "azure.functions.QueueMessage"),
        ("MyModel", None),
    ],
)
def test_annotations_are_normalised(annotation: str, qualname: str | None) -> None:
    m = analyse(
        f"""
        import typing
        from typing import List
        import azure.functions
        import azure.functions as func
        from azure.functions import HttpRequest

        def main(x: {annotation}):
            pass
        """
    )
    fn = m.function("main")
    assert fn is not None
    ann = fn.params[0].annotation
    assert ann is not None and ann.qualname == qualname


def test_constant_values_are_resolved_only_when_simple() -> None:
    m = analyse(
        """
        import os
        import azure.functions as func
        BASE = "orders"
        NAME = BASE + "-in"
        FULL = f"{NAME}-x"
        LEVEL = func.AuthLevel.ANONYMOUS
        FROM_ENV = os.environ["X"]
        """
    )
    assert m.constants["NAME"].const == "orders-in"
    assert m.constants["FULL"].const == "orders-in-x"
    assert m.constants["LEVEL"].qualname == "azure.functions.AuthLevel.ANONYMOUS"
    assert "FROM_ENV" not in m.constants


def test_decorators_keep_ranges_and_values() -> None:
    m = analyse(
        """
        import azure.functions as func
        app = func.FunctionApp()

        @app.queue_trigger(arg_name="msg", queue_name="orders",
                           connection="AzureWebJobsStorage")
        def handle(msg: func.QueueMessage) -> None:
            pass
        """
    )
    fn = m.function("handle")
    assert fn is not None
    dec = fn.decorators[0]
    assert dec.chain == ["app", "queue_trigger"]
    assert dec.method_range == Range.of(4, 5, 4, 18)
    kw = {k.name: k for k in dec.keywords}
    assert kw["queue_name"].value.const == "orders"
    assert kw["queue_name"].name_range == Range.of(4, 35, 4, 45)
    assert fn.name_range == Range.of(6, 4, 6, 10)
    assert m.app_creations[0].var == "app" and m.app_creations[0].kind == "FunctionApp"


def test_non_ascii_columns_are_code_points() -> None:
    m = analyse(
        """
        import azure.functions as func
        app = func.FunctionApp()
        @app.route(route="café/ü")
        def h(req): pass
        """
    )
    fn = m.function("h")
    assert fn is not None
    assert fn.decorators[0].keywords[0].value.range == Range.of(3, 17, 3, 25)


def test_syntax_error_keeps_the_rest_and_reports_the_position() -> None:
    m = analyse(
        """
        import azure.functions as func
        app = func.FunctionApp()

        @app.route(route="one")
        def one(req):
            return 1

        @app.route(route="two")
        def two(req):
            x = (

        @app.route(route="three")
        def three(req):
            return 3
        """
    )
    assert m.partial
    assert [p.kind for p in m.problems] == ["python-syntax"]
    names = [f.name for f in m.functions]
    assert "one" in names and "three" in names and "two" in names


def test_nested_and_method_decorations_are_marked() -> None:
    m = analyse(
        """
        import azure.functions as func
        app = func.FunctionApp()

        def factory():
            @app.route()
            def inner(req): pass

        class Handlers:
            @app.route()
            def method(self, req): pass
        """
    )
    scopes = {f.name: f.scope for f in m.functions}
    assert scopes["inner"] == "function" and scopes["method"] == "class"


def test_null_bytes_do_not_crash() -> None:
    m = analyse_module("/app/x.py", "x = 1\x00\n")
    assert m.problems and m.problems[0].kind == "python-syntax"
