"""Quick fixes of the v2 structure rules in every recorded client: AZF307's 'Register bp in
function_app.py' on a blueprint module the app never registers (the edit lands in
function_app.py, the same text `funcls check --fix` writes), after which the blueprint's error
is gone; and AZF510's 'Remove 'api/' from the route', offered but not preferred."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from funcls.cli import main
from tests.lsp.support import (
    CLIENTS,
    CONFIG,
    RecordingClient,
    apply_workspace_edit,
    start,
    uri,
    wait_for,
)

CAK = types.CodeActionKind
HOST = (
    '{\n  "version": "2.0",\n  "extensionBundle": {\n'
    '    "id": "Microsoft.Azure.Functions.ExtensionBundle",\n'
    '    "version": "[4.*, 5.0.0)"\n  }\n}\n'
)
SCRIPT = (
    "import azure.functions as func\n\n"
    "app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)\n\n\n"
    '@app.route(route="api/stock/{sku}")\n'
    "def stock(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse(req.route_params["sku"])\n'
)
ORDERS = (
    "import azure.functions as func\n\nbp = func.Blueprint()\n\n\n"
    '@bp.route(route="orders/{id:int}")\n'
    "def orders(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse(req.route_params["id"])\n'
)


def write(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "host.json").write_text(HOST)
    (folder / "function_app.py").write_text(SCRIPT)
    (folder / "orders.py").write_text(ORDERS)
    (folder / "requirements.txt").write_text("azure-functions\n")
    return folder


@pytest_lsp.fixture(config=CONFIG, params=CLIENTS)
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest, tmp_path: Path):
    write(tmp_path / "ws" / "shop")
    await start(lsp_client, request.param, tmp_path / "ws")
    yield
    await lsp_client.shutdown_session()


def _of(client: RecordingClient, path: Path, code: str) -> list[types.Diagnostic]:
    return [d for d in client.diagnostics.get(uri(path), []) if d.code == code]


async def _actions(
    client: RecordingClient, path: Path, diagnostic: types.Diagnostic
) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri(path)),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    return [
        a
        for a in result or []
        if isinstance(a, types.CodeAction) and a.diagnostics and a.diagnostics[0] == diagnostic
    ]


async def test_register_the_blueprint(client: RecordingClient, tmp_path: Path) -> None:
    shop = tmp_path / "ws" / "shop"
    orders, script = shop / "orders.py", shop / "function_app.py"
    (diagnostic,) = await wait_for(lambda: _of(client, orders, "AZF307"), 30.0)
    (action,) = await _actions(client, orders, diagnostic)
    assert action.title == "Register bp in function_app.py"
    assert (action.kind, action.is_preferred) == (CAK.QuickFix, True)
    assert action.edit is not None
    assert apply_workspace_edit(action.edit) == [script]
    # What `funcls check --fix` writes into a copy of the app made before the edit.
    copy = write(tmp_path / "copy")
    assert main(["check", "--fix", "--select", "AZF307", "-q", str(copy)]) == 0
    assert script.read_text() == (copy / "function_app.py").read_text()
    assert script.read_text() == SCRIPT.replace(
        "import azure.functions as func\n",
        "import azure.functions as func\nfrom orders import bp as orders_bp\n",
    ).replace("AuthLevel.ANONYMOUS)\n", "AuthLevel.ANONYMOUS)\napp.register_functions(orders_bp)\n")
    shutil.rmtree(copy)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri(script), types.FileChangeType.Changed)]
        )
    )
    await wait_for(
        lambda: uri(orders) in client.diagnostics and not _of(client, orders, "AZF307"), 30.0
    )


async def test_remove_the_doubled_prefix(client: RecordingClient, tmp_path: Path) -> None:
    script = tmp_path / "ws" / "shop" / "function_app.py"
    (diagnostic,) = await wait_for(lambda: _of(client, script, "AZF510"), 30.0)
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    (action,) = await _actions(client, script, diagnostic)
    assert action.title == "Remove 'api/' from the route"
    assert (action.kind, action.is_preferred) == (CAK.QuickFix, None)
    assert action.edit is not None
    assert apply_workspace_edit(action.edit) == [script]
    assert script.read_text() == SCRIPT.replace('"api/stock/{sku}"', '"stock/{sku}"')


async def test_an_unregistered_blueprint_s_own_mistake_is_shown(
    client: RecordingClient, tmp_path: Path
) -> None:
    # A module added while the server runs; its blueprint is not registered yet, and its
    # function reads a route parameter its route lacks: shown beside AZF307 (before: AZF307
    # alone, the mistake only once registered).
    refunds = tmp_path / "ws" / "shop" / "refunds.py"
    refunds.write_text(
        ORDERS.replace("orders", "refunds").replace('route_params["id"]', 'route_params["rid"]')
    )
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri(refunds), types.FileChangeType.Created)]
        )
    )
    await wait_for(lambda: _of(client, refunds, "AZF307"), 30.0)
    (diagnostic,) = await wait_for(lambda: _of(client, refunds, "AZF509"), 30.0)
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert "reads route parameter 'rid'" in diagnostic.message
    assert not _of(client, refunds, "AZF400")
