"""The protocol as the LSP specification states it, through a real client process (pytest-lsp
launching ``funcls --stdio``): requests before ``initialize`` and after ``shutdown``, a client
answering ``workspace/configuration`` with ``null``, an error or not at all, changes to a
document never opened, invalid and out-of-range positions, CR-only line breaks and an
expression too deep for Python's parser (issue 17)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.protocol import JsonRPCRequestMessage

from funcls.checks import CheckConfig, check_app
from funcls.model.loader import load_app
from funcls.model.source import Source
from tests.lsp.support import (
    CONFIG,
    RecordingClient,
    change_doc,
    make_workspace,
    open_doc,
    position,
    start,
    uri,
    wait_for,
)

BAD_BINDING = '    {"type": "noSuchBinding", "direction": "in", "name": "x"},\n'
BAD_ROUTE = (
    '\n\n@app.route(route="a//b")\n'
    "def doubled(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("x")\n'
)


async def raw_request(client: RecordingClient, method: str, params: Any) -> Any:
    """Send a request as written (plain JSON, possibly invalid), past pytest-lsp's checks
    and lsprotocol's types."""
    msg_id = str(uuid.uuid4())
    future: Future[Any] = Future()
    client.protocol._request_futures[msg_id] = future
    client.protocol._send_data(
        JsonRPCRequestMessage(id=msg_id, method=method, params=params, jsonrpc="2.0")
    )
    return await asyncio.wait_for(asyncio.wrap_future(future), 10)


async def launch() -> RecordingClient:
    client = await CONFIG.start()
    assert isinstance(client, RecordingClient)
    return client


async def stop(client: RecordingClient) -> None:
    try:
        await client.shutdown_session()
    finally:
        await client.stop()


def published(client: RecordingClient, path: Path, version: int) -> list[types.Diagnostic]:
    found = [p for p in client.published if p.uri == uri(path) and p.version == version]
    return found[-1].diagnostics if found else []


async def diagnostics_at(
    client: RecordingClient, path: Path, version: int
) -> list[types.Diagnostic]:
    found = await wait_for(
        lambda: [p for p in client.published if p.uri == uri(path) and p.version == version]
    )
    return list(found[-1].diagnostics)


def checker_codes(root: Path, path: Path) -> list[str]:
    """What ``funcls check`` reports for ``path`` (its text on disk)."""
    findings = check_app(load_app(str(root), Source()), CheckConfig())
    return sorted(f.code for f in findings if f.path == str(path))


def errors_logged(client: RecordingClient) -> list[str]:
    return [m.message for m in client.log_messages if m.type == types.MessageType.Error]


async def test_requests_before_initialize_get_32002_and_early_documents_get_diagnostics(
    tmp_path: Path,
) -> None:
    folder = make_workspace(tmp_path / "ws")
    config = folder / "v1-app" / "heartbeat" / "function.json"
    config.write_text(
        config.read_text().replace('"bindings": [\n', '"bindings": [\n' + BAD_BINDING)
    )
    client = await launch()
    try:
        # pytest-lsp's own methods refuse to send before initialize: use the protocol.
        hover = {"textDocument": {"uri": uri(config)}, "position": {"line": 0, "character": 0}}
        with pytest.raises(JsonRpcException) as e:
            await raw_request(client, types.TEXT_DOCUMENT_HOVER, hover)
        assert e.value.code == types.ErrorCodes.ServerNotInitialized
        assert "before initialize" in e.value.message
        item = types.TextDocumentItem(uri(config), "json", 7, config.read_text())
        client.protocol.notify(types.TEXT_DOCUMENT_DID_OPEN, types.DidOpenTextDocumentParams(item))
        await start(client, "visual-studio-code", folder)
        shown = await diagnostics_at(client, config, 7)
        assert sorted(str(d.code) for d in shown) == checker_codes(folder / "v1-app", config)
        assert shown, "the broken binding gives at least one finding"
    finally:
        await stop(client)


async def test_requests_after_shutdown_get_invalid_request(tmp_path: Path) -> None:
    folder = make_workspace(tmp_path / "ws")
    client = await launch()
    try:
        await start(client, "neovim@v0.7.0", folder)
        await client.shutdown_async(None)
        script = folder / "v2-app" / "function_app.py"
        with pytest.raises(JsonRpcException) as e:
            await asyncio.wait_for(
                client.text_document_hover_async(
                    types.HoverParams(
                        types.TextDocumentIdentifier(uri(script)), types.Position(0, 0)
                    )
                ),
                10,
            )
        assert e.value.code == types.ErrorCodes.InvalidRequest
        assert "shut down" in e.value.message
        client.exit(None)
        await asyncio.wait_for(client.stop(), 10)
    finally:
        await client.stop()


async def _never(params: Any) -> Any:
    await asyncio.sleep(3600)  # an answer that never comes


def _fails(params: Any) -> Any:
    raise RuntimeError("this client's settings store is broken")


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        (lambda params: None, "could not be read"),
        (_fails, "broken"),
        (_never, "no answer in time"),
    ],
    ids=["null", "error", "no-answer"],
)
async def test_configuration_answered_badly_falls_back_to_defaults(
    tmp_path: Path, answer: Callable[[Any], Any], why: str
) -> None:
    folder = make_workspace(tmp_path / "ws")
    script = folder / "v2-app" / "function_app.py"
    client = await launch()
    client.protocol.fm.features[types.WORKSPACE_CONFIGURATION] = answer
    try:
        await start(client, "visual-studio-code", folder)  # waits for "indexed": not frozen
        warned = [
            m.message for m in client.log_messages if "workspace/configuration failed" in m.message
        ]
        assert len(warned) == 1 and why in warned[0], client.log_messages
        text = script.read_text() + BAD_ROUTE
        open_doc(client, script, text, version=3)
        assert "AZF502" in [d.code for d in await diagnostics_at(client, script, 3)]
        hover = await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri(script)), position(script, "route="))
        )
        assert hover is not None
    finally:
        # The client's own handler still waits (pygls' client cannot fail a task on stop).
        for key, pending in list(client.protocol._request_futures.items()):
            if isinstance(pending, asyncio.Task):
                pending.cancel()
                client.protocol._request_futures.pop(key)
        await stop(client)


async def test_did_change_for_a_document_never_opened_is_ignored(tmp_path: Path) -> None:
    folder = make_workspace(tmp_path / "ws")
    script = folder / "v2-app" / "function_app.py"
    client = await launch()
    try:
        await start(client, "emacs", folder)
        change_doc(client, script, "garbage(", 2)
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri(script)))
        )
        await wait_for(lambda: any("never opened" in m.message for m in client.log_messages))
        assert errors_logged(client) == []
        open_doc(client, script, script.read_text() + BAD_ROUTE, version=5)
        assert "AZF502" in [d.code for d in await diagnostics_at(client, script, 5)]
    finally:
        await stop(client)


async def test_edits_in_a_folder_whose_uri_is_percent_encoded_are_applied(
    tmp_path: Path,
) -> None:
    # VS Code sends a '+' or a space of a path as %2B / %20; pygls keeps the document under its
    # unquoted URI. The check of didChange looked for the quoted one, so every edit there was
    # dropped as 'never opened' (QA in code-server, 'JohnServo24+fastapi-azure-functions-poc').
    folder = make_workspace(tmp_path / "my apps+1")
    script = folder / "v2-app" / "function_app.py"
    assert "%20" in uri(script) and "%2B" in uri(script)
    client = await launch()
    try:
        await start(client, "visual-studio-code", folder)
        open_doc(client, script, script.read_text(), version=1)
        await diagnostics_at(client, script, 1)
        change_doc(client, script, script.read_text() + BAD_ROUTE, 2)
        assert "AZF502" in [d.code for d in await diagnostics_at(client, script, 2)]
        assert not any("never opened" in m.message for m in client.log_messages)
    finally:
        await stop(client)


async def test_invalid_and_out_of_range_positions_are_answered(tmp_path: Path) -> None:
    folder = make_workspace(tmp_path / "ws")
    script = folder / "v2-app" / "function_app.py"
    config = folder / "v1-app" / "heartbeat" / "function.json"
    client = await launch()
    try:
        await start(client, "neovim@v0.11.0", folder)
        for path in (script, config):
            open_doc(client, path)
            doc = types.TextDocumentIdentifier(uri(path))
            for pos in (
                types.Position(10_000, 0),
                types.Position(0, 10_000),
                types.Position(2**31 - 1, 2**31 - 1),
            ):
                far = types.Range(pos, pos)
                answers = await asyncio.wait_for(
                    asyncio.gather(
                        client.text_document_hover_async(types.HoverParams(doc, pos)),
                        client.text_document_completion_async(types.CompletionParams(doc, pos)),
                        client.text_document_definition_async(types.DefinitionParams(doc, pos)),
                        client.text_document_references_async(
                            types.ReferenceParams(
                                context=types.ReferenceContext(include_declaration=True),
                                text_document=doc,
                                position=pos,
                            )
                        ),
                        client.text_document_code_action_async(
                            types.CodeActionParams(doc, far, types.CodeActionContext([]))
                        ),
                    ),
                    20,
                )
                assert answers[0] is None and answers[2] in (None, [])
            for bad in ({"line": -1, "character": 0}, {"line": 0, "character": 2**31}):
                with pytest.raises(JsonRpcException) as e:
                    await raw_request(
                        client,
                        types.TEXT_DOCUMENT_HOVER,
                        {"textDocument": {"uri": uri(path)}, "position": bad},
                    )
                assert e.value.code == types.ErrorCodes.InvalidParams
                assert "textDocument/hover" in e.value.message
        hover = await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri(script)), position(script, "route="))
        )
        assert hover is not None  # still serving
        assert errors_logged(client) == []
    finally:
        await stop(client)


async def test_cr_only_line_breaks_read_as_the_same_lines(tmp_path: Path) -> None:
    folder = make_workspace(tmp_path / "ws")
    script = folder / "v2-app" / "function_app.py"
    text = script.read_text() + BAD_ROUTE
    at = position(script, 'methods=["GET"]', len('methods=["'))
    client = await launch()
    try:
        await start(client, "visual-studio-code", folder)
        doc = types.TextDocumentIdentifier(uri(script))
        open_doc(client, script, text.replace("\n", "\r"), version=1)
        cr = await diagnostics_at(client, script, 1)
        cr_items = await client.text_document_completion_async(types.CompletionParams(doc, at))
        change_doc(client, script, text, 2)
        lf = await diagnostics_at(client, script, 2)
        lf_items = await client.text_document_completion_async(types.CompletionParams(doc, at))
        assert "AZF502" in [d.code for d in lf]
        assert cr == lf
        assert lf_items is not None and lf_items.items  # HTTP methods
        assert cr_items == lf_items
        assert errors_logged(client) == []
    finally:
        await stop(client)


async def test_an_expression_too_deep_for_python_is_a_finding(tmp_path: Path) -> None:
    folder = make_workspace(tmp_path / "ws")
    script = folder / "v2-app" / "function_app.py"
    text = script.read_text()
    deep = text + "\nTOTAL = " + " + ".join(["1"] * 20_000) + "\n"
    client = await launch()
    try:
        await start(client, "visual-studio-code", folder)
        open_doc(client, script, deep, version=4)
        shown = await diagnostics_at(client, script, 4)
        line = len(text.split("\n"))
        assert [(d.code, d.range.start.line) for d in shown if d.code == "AZF603"] == [
            ("AZF603", line)
        ]
        assert any("nests too deeply" in d.message for d in shown)
        symbols = await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(types.TextDocumentIdentifier(uri(script)))
        )
        assert symbols is not None
        assert errors_logged(client) == []
    finally:
        await stop(client)
