"""Document and workspace symbols, the Run function code lens and the command behind it."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import position, span, uri

pytestmark = pytest.mark.asyncio(loop_scope="module")
SK = types.SymbolKind


def hierarchical(client: LanguageClient) -> bool:
    caps = client.capabilities
    sym = caps.text_document.document_symbol if caps and caps.text_document else None
    return bool(sym and sym.hierarchical_document_symbol_support)


async def test_document_symbols_are_functions_and_their_bindings(
    client: LanguageClient, workspace: Path
) -> None:
    main = workspace / "v2-app" / "function_app.py"
    result = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(uri(main)))
    )
    assert result is not None
    if not hierarchical(client):
        assert all(isinstance(s, types.SymbolInformation) for s in result)
        names = [(s.name, s.kind, s.container_name) for s in result]  # type: ignore[union-attr]
        assert ("app", SK.Object, None) in names
        assert ("get_product", SK.Function, None) in names
        assert ("timer", SK.Event, "heartbeat") in names
        return
    top = [(s.name, s.kind, s.detail) for s in result]  # type: ignore[union-attr]
    assert top == [
        ("app", SK.Object, "FunctionApp"),
        ("get_product", SK.Function, "httpTrigger /api/products/{id:int}"),
        ("heartbeat", SK.Function, "timerTrigger"),
        ("summarise_price_list", SK.Function, "blobTrigger"),
    ]
    heartbeat = result[2]
    assert isinstance(heartbeat, types.DocumentSymbol)
    assert heartbeat.selection_range == types.Range(
        position(main, "def heartbeat", 4), position(main, "def heartbeat", 13)
    )
    assert [(c.name, c.kind, c.detail) for c in heartbeat.children or []] == [
        ("status", SK.Field, "blob · out"),
        ("timer", SK.Event, "timerTrigger · in"),
    ]


async def test_document_symbols_of_function_json_and_settings(
    client: LanguageClient, workspace: Path
) -> None:
    config = workspace / "v1-app" / "get_receipt" / "function.json"
    result = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(uri(config)))
    )
    assert result is not None
    names = [s.name for s in result]
    assert names[0] == "get_receipt"
    if hierarchical(client):
        children = result[0].children or []  # type: ignore[union-attr]
        assert [(c.name, c.detail) for c in children] == [
            ("req", "httpTrigger · in"),
            ("receipt", "blob · in"),
            ("$return", "http · out"),
        ]
    settings = workspace / "v2-app" / "local.settings.json"
    values = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(uri(settings)))
    )
    details = {s.name: getattr(s, "detail", None) for s in values or []}
    assert "ServiceBusConnection" in details
    if hierarchical(client):
        assert details["ServiceBusConnection"].endswith("SharedAccessKey=••••••")  # type: ignore[union-attr]


async def test_workspace_symbols_find_functions_routes_and_queues(
    client: LanguageClient, workspace: Path
) -> None:
    result = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="orders"))
    found = {(s.name, s.kind, s.container_name) for s in result or []}
    assert ("POST /api/orders", SK.Interface, "create_order") in found
    assert ("Storage queue orders", SK.Event, "v2-app") in found
    assert ("Storage queue orders", SK.Event, "v1-app") in found
    route = next(
        s
        for s in result or []
        if s.name == "GET /api/orders/{id}/receipt" and s.location.uri.endswith(".py")
    )  # type: ignore[union-attr]
    bp = workspace / "v2-app" / "orders_bp.py"
    assert route.location == types.Location(uri(bp), span(bp, '"orders/{id}/receipt"'))  # type: ignore[union-attr]
    names = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="sumprice"))
    assert sorted((s.name, s.container_name) for s in names or []) == [
        ("summarise_price_list", "v1-app"),
        ("summarise_price_list", "v2-app"),
    ]


async def test_run_lenses_on_every_function(client: LanguageClient, workspace: Path) -> None:
    bp = workspace / "v2-app" / "orders_bp.py"
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(types.TextDocumentIdentifier(uri(bp)))
    )
    root = str(workspace / "v2-app")
    runs = [lens for lens in lenses or [] if lens.command and lens.command.title.startswith("▶")]
    assert runs == [
        types.CodeLens(
            range=types.Range(
                position(bp, f"def {name}", 4), position(bp, f"def {name}", 4 + len(name))
            ),
            command=types.Command(
                title=title, command="funcls.runFunction", arguments=(root, name)
            ),
        )
        for name, title in (
            ("create_order", "▶ Run POST /api/orders"),
            ("process_order", "▶ Run"),
            ("get_receipt", "▶ Run GET /api/orders/sample/receipt"),
            ("payment_received", "▶ Run"),
        )
    ]
    config = workspace / "v1-app" / "heartbeat" / "function.json"
    found = await client.text_document_code_lens_async(
        types.CodeLensParams(types.TextDocumentIdentifier(uri(config)))
    )
    args = (str(workspace / "v1-app"), "heartbeat")
    start = position(config, "{", 0, nth=1)
    assert list(found or []) == [
        types.CodeLens(
            range=types.Range(start, start),
            command=types.Command(title="▶ Run", command="funcls.runFunction", arguments=args),
        ),
        types.CodeLens(
            range=types.Range(start, start),
            command=types.Command(
                title="Run with input…", command="funcls.runWithInput", arguments=args
            ),
        ),
    ]
