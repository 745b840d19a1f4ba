"""An editor started inside an app: the workspace root is a v1 function folder
(``cd app/get_product && nvim __init__.py``, eglot on a file with no VCS around it) or a v2
app's blueprints/ folder. The server walks up to the app's host.json and serves that app:
diagnostics and hover on the opened file, as when the app's root is the workspace."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from lsprotocol import types

from tests.lsp.support import (
    CLIENTS,
    CONFIG,
    SAMPLES,
    RecordingClient,
    position,
    shown_code,
    span,
    start,
    uri,
)

# A read of a parameter the route (products/{id:int}) does not declare: AZF509 on this file.
V1_READ = 'req.route_params["id"]'
V1_BAD_READ = 'req.route_params["pid"]'

V2_SCRIPT = """import azure.functions as func

from blueprints.shop import bp

app = func.FunctionApp()
app.register_functions(bp)
"""
V2_BLUEPRINT = """import azure.functions as func

bp = func.Blueprint()


@bp.route(route="items/{sku}", auth_level=func.AuthLevel.ANONYMOUS)
def get_item(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(req.route_params["pid"])
"""


def v1_function_folder(tmp: Path) -> Path:
    app = tmp / "v1-app"
    shutil.copytree(SAMPLES / "v1-app", app)
    script = app / "get_product" / "__init__.py"
    script.write_text(script.read_text().replace(V1_READ, V1_BAD_READ))
    return script


def v2_blueprints_folder(tmp: Path) -> Path:
    app = tmp / "shop"
    (app / "blueprints").mkdir(parents=True)
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "requirements.txt").write_text("azure-functions\n")
    (app / "function_app.py").write_text(V2_SCRIPT)
    (app / "blueprints" / "__init__.py").write_text("")
    script = app / "blueprints" / "shop.py"
    script.write_text(V2_BLUEPRINT)
    return script


@pytest.mark.parametrize("caps", CLIENTS)
@pytest.mark.parametrize("make", [v1_function_folder, v2_blueprints_folder])
@pytest.mark.parametrize("root", ["script's folder", "elsewhere"])
async def test_the_app_above_the_workspace_folder_is_served(
    tmp_path: Path, caps: str, make: object, root: str
) -> None:
    """The workspace folder is the script's own folder (found when the server starts) or an
    unrelated one (found when the script is opened)."""
    assert callable(make)
    script: Path = make(tmp_path)
    folder = script.parent
    if root == "elsewhere":
        folder = tmp_path / "notes"
        folder.mkdir()
    client = await CONFIG.start()
    assert isinstance(client, RecordingClient)
    await start(client, caps, folder)  # rootUri and the only workspace folder
    try:
        text = script.read_text()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri(script), "python", 1, text))
        )
        found = await _shown_azf509(client, script)
        assert [d.range for d in found] == [span(script, "pid")]
        hover = await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri(script)), position(script, "pid"))
        )
        assert hover is not None
        value = hover.contents.value  # type: ignore[union-attr]
        function, declared = ("get_product", "id") if "v1" in str(script) else ("get_item", "sku")
        assert value.startswith(
            f"`pid` is not a parameter of the route of `{function}` "
            f"(its parameters: `{{{declared}}}`)"
        ), value
    finally:
        await client.shutdown_session()
        await client.stop()


async def _shown_azf509(client: RecordingClient, path: Path) -> list[types.Diagnostic]:
    """The AZF509 diagnostics the client shows for ``path`` once it shows any (a deadline
    for a server that never serves the app, not a speed limit)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + 60.0
    while loop.time() < end:
        found = await shown_code(client, path, "AZF509")
        if found:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"no AZF509 shown for {path}")
