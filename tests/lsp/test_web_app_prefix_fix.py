"""AZF411's quick fix in every recorded client: a FastAPI app behind an AsgiFunctionApp under
the host's default route prefix ('api//{*route}', which the host refuses) gets an error on the
line that makes the web app, and its fix writes "routePrefix": "" under extensions.http into
host.json; once host.json changes the error is gone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import (
    CLIENTS,
    CONFIG,
    RecordingClient,
    apply_workspace_edit,
    position,
    start,
    uri,
    wait_for,
)

CAK = types.CodeActionKind
HOST = '{\n  "version": "2.0"\n}\n'
FASTAPI_APP = """import azure.functions as func
from fastapi import FastAPI

api = FastAPI()


@api.get("/todo/{item}")
async def todo(item: str):
    return {"item": item}


app = func.AsgiFunctionApp(app=api, http_auth_level=func.AuthLevel.ANONYMOUS)
"""


@pytest_lsp.fixture(config=CONFIG, params=CLIENTS)
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest, tmp_path: Path):
    web = tmp_path / "ws" / "web"
    web.mkdir(parents=True)
    (web / "host.json").write_text(HOST)
    (web / "function_app.py").write_text(FASTAPI_APP)
    (web / "requirements.txt").write_text("azure-functions\nfastapi\n")
    await start(lsp_client, request.param, tmp_path / "ws")
    yield
    await lsp_client.shutdown_session()


def _azf411(client: RecordingClient, path: Path) -> list[types.Diagnostic]:
    return [d for d in client.diagnostics.get(uri(path), []) if d.code == "AZF411"]


async def test_the_fix_empties_the_route_prefix(client: RecordingClient, tmp_path: Path) -> None:
    web = tmp_path / "ws" / "web"
    script, host = web / "function_app.py", web / "host.json"
    (diagnostic,) = await wait_for(lambda: _azf411(client, script), 30.0)
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.range.start == position(script, "func.AsgiFunctionApp(")
    assert "'api//{*route}'" in diagnostic.message
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri(script)),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    actions = [a for a in result or [] if isinstance(a, types.CodeAction)]
    (fix,) = [a for a in actions if a.diagnostics and a.diagnostics[0].code == "AZF411"]
    assert fix.title == 'Set "routePrefix": "" under extensions.http in host.json'
    assert (fix.kind, fix.is_preferred) == (CAK.QuickFix, True)
    assert fix.edit is not None
    assert apply_workspace_edit(fix.edit) == [host]
    assert host.read_text() == (
        '{\n  "version": "2.0",\n  "extensions": {\n    "http": {\n'
        '      "routePrefix": ""\n    }\n  }\n}\n'
    )
    assert json.loads(host.read_text())["extensions"]["http"]["routePrefix"] == ""
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri(host), types.FileChangeType.Changed)]
        )
    )
    await wait_for(lambda: uri(script) in client.diagnostics and not _azf411(client, script), 30.0)
