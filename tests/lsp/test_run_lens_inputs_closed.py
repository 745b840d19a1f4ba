"""The ▶ Run lens's title follows funcls.inputs.json when its editor closes without saving:
the saved input a click sends is the disk's again, so the server asks the client for its
lenses again (workspace/codeLens/refresh), as it does for a change in the buffer (d9a1633).
Through a real server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types

from tests.lsp.support import (
    CONFIG,
    RecordingClient,
    change_doc,
    open_doc,
    start,
    uri,
    wait_for,
    write_app,
)
from tests.lsp.test_run_lens_saved_input import APP, _run_title

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: RecordingClient, tmp_path: Path):
    write_app(tmp_path / "ws" / "app", APP)
    saved = {"hello": {"method": "post", "query": {"name": "Ada"}}}
    (tmp_path / "ws" / "app" / "funcls.inputs.json").write_text(json.dumps(saved))
    await start(lsp_client, "visual-studio-code", tmp_path / "ws")
    yield
    await lsp_client.shutdown_session()


async def test_closing_an_unsaved_inputs_buffer_gives_the_disk_title_back(
    client: RecordingClient, tmp_path: Path
) -> None:
    app = tmp_path / "ws" / "app"
    script = app / "function_app.py"
    inputs = app / "funcls.inputs.json"
    open_doc(client, script)
    await wait_for(lambda: client.diagnostics.get(uri(script)) is not None)
    on_disk = "▶ Run POST /api/hello?name=Ada (saved input)"
    assert await _run_title(client, script) == on_disk

    open_doc(client, inputs)
    refreshes = client.lens_refreshes
    edited = {"hello": {"method": "GET", "path": "/api/hello?name=Bo"}}
    change_doc(client, inputs, json.dumps(edited), 2)
    await wait_for(lambda: client.lens_refreshes > refreshes)
    assert await _run_title(client, script) == "▶ Run GET /api/hello?name=Bo (saved input)"

    # Closed without saving (Don't Save): a click sends the disk's entry again.
    refreshes = client.lens_refreshes
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri(inputs)))
    )
    await wait_for(lambda: client.lens_refreshes > refreshes)
    assert await _run_title(client, script) == on_disk
