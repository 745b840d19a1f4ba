"""Where host.json sets a route's prefix, found as ``App.route_prefix`` reads it: its keys
ignoring case, as the host does (``"Extensions": {"Http": {"RoutePrefix": …}}`` sets it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funcls.lsp.host_links import route_prefix_location, trigger_section_location
from funcls.model.appmodel import App
from funcls.model.loader import load_app
from funcls.model.locations import Location, Range
from funcls.model.source import Source


def app_with(root: Path, host: dict[str, object]) -> App:
    root.mkdir()
    (root / "host.json").write_text(json.dumps(host, indent=2) + "\n")
    (root / "function_app.py").write_text(
        "import azure.functions as func\n\napp = func.FunctionApp()\n\n\n"
        '@app.route(route="ping")\ndef ping(req: func.HttpRequest) -> func.HttpResponse:\n'
        '    return func.HttpResponse("pong")\n'
    )
    return load_app(str(root), Source())


def place(path: str, text: list[str], key: str) -> Location:
    line = next(i for i, t in enumerate(text) if key in t)
    column = text[line].index(key)
    return Location(path, Range.of(line, column, line, column + len(key)))


@pytest.mark.parametrize(
    ("host", "key"),
    [
        ({"version": "2.0", "Extensions": {"Http": {"RoutePrefix": "shop"}}}, '"RoutePrefix"'),
        ({"version": "2.0", "Extensions": {"Queues": {}}}, '"Extensions"'),
        ({"version": "2.0"}, None),
    ],
    ids=["other case", "no http", "nothing"],
)
def test_the_route_prefix_ignoring_case(
    tmp_path: Path, host: dict[str, object], key: str | None
) -> None:
    app = app_with(tmp_path / "app", host)
    path = str(tmp_path / "app" / "host.json")
    text = (tmp_path / "app" / "host.json").read_text().split("\n")
    if key is None:
        assert route_prefix_location(app) == Location(path, Range.point(0, 0))
        return
    assert route_prefix_location(app) == place(path, text, key)
    if key == '"RoutePrefix"':
        assert app.route_prefix == "shop"
        trigger = app.functions[0].trigger
        assert trigger is not None
        assert trigger_section_location(app, trigger) == place(path, text, '"Http"')
