"""The ▶ Run lens of an HTTP function says what a click sends: with an entry in
funcls.inputs.json, that entry's method and path (QA in code-server: '▶ Run GET /api/hello'
sent the saved POST /api/hello?name=Ada). The server watches funcls.inputs.json and asks the
client for its lenses again when it changes, on disk or in an editor. Through a real server."""

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
    span,
    start,
    uri,
    wait_for,
    write_app,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]

APP = """import azure.functions as func

app = func.FunctionApp()


@app.route(route="hello", methods=["GET", "POST"])
def hello(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("hi " + req.params.get("name", ""))


@app.queue_trigger(arg_name="msg", queue_name="orders", connection="AzureWebJobsStorage")
def on_order(msg: func.QueueMessage) -> None:
    pass
"""


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: RecordingClient, tmp_path: Path):
    write_app(tmp_path / "ws" / "app", APP)
    await start(lsp_client, "visual-studio-code", tmp_path / "ws")
    yield
    await lsp_client.shutdown_session()


async def _run_title(client: RecordingClient, script: Path, at: str = "hello(") -> str:
    line = span(script, at).start.line
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri(script)))
    )
    titles = [
        lens.command.title
        for lens in lenses or []
        if lens.command and lens.range.start.line == line and lens.command.title.startswith("▶")
    ]
    assert len(titles) == 1, titles
    return titles[0]


async def test_the_run_lens_says_what_the_saved_input_sends(
    client: RecordingClient, tmp_path: Path
) -> None:
    app = tmp_path / "ws" / "app"
    script = app / "function_app.py"
    open_doc(client, script)
    await wait_for(lambda: client.diagnostics.get(uri(script)) is not None)
    # Without a saved input: the sample, with the query parameter the code reads.
    assert await _run_title(client, script) == "▶ Run GET /api/hello?name=sample"
    # The server registered a watcher of the saved inputs.
    globs = [
        w["globPattern"]
        for r in client.registrations
        if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
        for w in r.register_options["watchers"]  # a dict: the client does not structure it
    ]
    assert "**/funcls.inputs.json" in globs

    # Saved on disk (Run with input…, or another editor): the client reports the file.
    inputs = app / "funcls.inputs.json"
    saved = {"hello": {"method": "post", "query": {"name": "Ada"}, "body": "x"}}
    inputs.write_text(json.dumps(saved))
    refreshes = client.lens_refreshes
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=uri(inputs), type=types.FileChangeType.Created)]
        )
    )
    await wait_for(lambda: client.lens_refreshes > refreshes)
    assert await _run_title(client, script) == "▶ Run POST /api/hello?name=Ada (saved input)"
    # A queue function without an entry sends a sample: its lens says nothing more.
    assert await _run_title(client, script, "on_order(") == "▶ Run"

    # Edited in the editor, not saved: the lens follows the buffer.
    open_doc(client, inputs)
    refreshes = client.lens_refreshes
    edited = {"hello": {"method": "GET", "path": "/api/hello?name=Bo"}}
    change_doc(client, inputs, json.dumps(edited), 2)
    await wait_for(lambda: client.lens_refreshes > refreshes)
    assert await _run_title(client, script) == "▶ Run GET /api/hello?name=Bo (saved input)"

    # A queue function's entry (its message): the lens says the click sends it.
    edited["on_order"] = {"body": '{"id": "x1"}'}
    refreshes = client.lens_refreshes
    change_doc(client, inputs, json.dumps(edited), 3)
    await wait_for(lambda: client.lens_refreshes > refreshes)
    assert await _run_title(client, script, "on_order(") == "▶ Run (saved input)"

    # An entry that cannot be sent (query is not an object): the route's title, the run says why.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri(inputs), version=4),
            content_changes=[
                types.TextDocumentContentChangeWholeDocument('{"hello": {"query": "name=Ada"}}')
            ],
        )
    )
    await wait_for(lambda: client.lens_refreshes > refreshes + 1)
    assert await _run_title(client, script) == "▶ Run GET /api/hello"
