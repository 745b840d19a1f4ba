"""A decorator being typed read as if it were closed (lsp/decorator_repair.py)."""

from __future__ import annotations

import pytest

from funcls.lsp.decorator_repair import repaired_decorator
from funcls.model.locations import Position

HEAD = "import azure.functions as func\n\napp = func.FunctionApp()\n\n"
DEF = "\ndef get(req):\n    return None\n"


@pytest.mark.parametrize(
    ("typed", "keywords"),
    [
        ('@app.route(route="products/{id', {"route": "products/{id"}),
        ("@app.route(route='a', methods=[\"GET\"", {"route": "a", "methods": None}),
        ('@app.route(\n    route="a",\n    methods=["GET', {"route": "a", "methods": None}),
        ('@app.route(route="""a', {"route": "a"}),
        ('@app.route(route="a#b', {"route": "a#b"}),  # '#' inside a string is no comment
        ('@app.route(route="a\\"b', {"route": 'a"b'}),
    ],
)
def test_a_decorator_being_typed_reads_as_if_closed(typed: str, keywords: dict) -> None:
    text = HEAD + typed + DEF
    last = HEAD.count("\n") + typed.count("\n")
    repair = repaired_decorator("/app/function_app.py", text, Position(last, 3))
    assert repair is not None and repair.first == HEAD.count("\n")
    (d,) = repair.module.functions[0].decorators
    assert d.chain == ["app", "route"]
    got = {k.name: k.value.const for k in d.keywords}
    assert got == keywords
    # Columns are the file's: the method name where it is typed.
    assert d.method_range.start == Position(0, 5)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (HEAD + '@app.route(route="a")' + DEF, HEAD.count("\n") + 1),  # the def's line
        (HEAD + "x = (1,\n", HEAD.count("\n")),  # no decorator
        (HEAD + '@app.route(route="a"' + DEF, 0),  # above it
    ],
)
def test_outside_a_decorator_nothing(text: str, line: int) -> None:
    assert repaired_decorator("/app/function_app.py", text, Position(line, 0)) is None
