"""AZF607 and AZF608 in the editor (pytest-lsp against the real server, every recorded
client, pushed or pulled): a name missing from a standard-library module and a circular import
that fails are shown where the failing import names them, and go away with the edit that
fixes them."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from tests.lsp.support import RecordingClient, change_doc, open_doc, until_code, uri


def _span(text: str, line_text: str, name: str) -> types.Range:
    line = text.split("\n").index(line_text)
    column = line_text.index(name)
    return types.Range(types.Position(line, column), types.Position(line, column + len(name)))


async def test_a_name_missing_from_the_standard_library_then_fixed(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    app = fresh_workspace / "v2-app" / "function_app.py"
    text = app.read_text().replace("import json\n", "import json\nfrom json import lodas\n", 1)
    open_doc(editing_client, app, text, version=1)
    shown = await until_code(editing_client, app, "AZF607", bool)
    assert [(d.range, d.severity) for d in shown] == [
        (_span(text, "from json import lodas", "lodas"), types.DiagnosticSeverity.Error)
    ]
    assert shown[0].message.startswith(
        "'lodas' is imported from the standard-library module 'json' by function_app.py line "
    )
    assert shown[0].message.endswith("; did you mean 'loads'?")
    change_doc(editing_client, app, text.replace("lodas", "loads"), version=2)
    await until_code(editing_client, app, "AZF607", lambda ds: ds == [])


async def test_a_circular_import_that_fails_then_fixed(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    # orders_bp.py takes PRODUCTS from function_app.py, which imports orders_bp above the
    # line that binds PRODUCTS.
    app = fresh_workspace / "v2-app" / "function_app.py"
    bp = fresh_workspace / "v2-app" / "orders_bp.py"
    text = "from function_app import PRODUCTS  # noqa: F401\n" + bp.read_text()
    open_doc(editing_client, bp, text, version=1)
    shown = await until_code(editing_client, bp, "AZF608", bool)
    assert [(d.range, d.severity) for d in shown] == [
        (
            _span(text, "from function_app import PRODUCTS  # noqa: F401", "PRODUCTS"),
            types.DiagnosticSeverity.Error,
        )
    ]
    app_text = app.read_text().split("\n")
    importing = app_text.index("from orders_bp import bp as orders") + 1
    binding = app_text.index("PRODUCTS = {") + 1
    assert shown[0].message.startswith(
        "'PRODUCTS' is imported from function_app.py while function_app.py is still running "
        f"its import on line {importing} (a circular import: function_app.py -> orders_bp.py "
        f"-> function_app.py), and function_app.py binds 'PRODUCTS' only on line {binding}"
    )
    related = shown[0].related_information
    if related is not None:  # clients without relatedInformation get them in the message
        assert [(r.location.uri, r.location.range.start.line) for r in related] == [
            (uri(app), importing - 1),
            (uri(app), binding - 1),
        ]
    # Without that import (the saved text): gone.
    change_doc(editing_client, bp, bp.read_text(), version=2)
    await until_code(editing_client, bp, "AZF608", lambda ds: ds == [])
