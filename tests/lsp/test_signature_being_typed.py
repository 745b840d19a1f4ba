"""Hover on the parameters of a v1 entry function whose signature is being typed
(``def main(msg: func.QueueMessage, `` with no closing parenthesis yet), for every recorded
client: the parameters typed so far, and the code below that reads them, answer as they do in
the finished def (before, the syntax error dropped the def and hover answered nothing);
completion offers the parameters still missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import position, uri

pytestmark = pytest.mark.asyncio(loop_scope="module")

SIGNATURE = "def main(msg: func.QueueMessage, receipt: func.Out[str]) -> None:"
TYPED = "def main(msg: func.QueueMessage, "


async def answers(
    client: LanguageClient, path: Path, text: str
) -> tuple[list[types.Hover | None], list[str]]:
    doc = types.TextDocumentIdentifier(uri(path))
    lines = text.split("\n")

    def at(needle: str, offset: int) -> types.Position:
        i = text.index(needle) + offset
        return types.Position(text.count("\n", 0, i), i - (text.rfind("\n", 0, i) + 1))

    hovers = [
        await client.text_document_hover_async(types.HoverParams(doc, at(needle, 1)))
        for needle in ("msg: func", "msg.get_json()", "msg.dequeue_count")
    ]
    line = next(i for i, t in enumerate(lines) if t.startswith("def main("))
    end = types.Position(line, len(TYPED))
    found = await client.text_document_completion_async(types.CompletionParams(doc, end))
    items = found.items if isinstance(found, types.CompletionList) else found or []
    return hovers, [i.label for i in items]


async def test_hover_and_completion_while_the_signature_is_typed(
    client: LanguageClient, workspace: Path
) -> None:
    path = workspace / "v1-app" / "process_order" / "__init__.py"
    whole = path.read_text()
    assert SIGNATURE in whole
    typed = whole.replace(SIGNATURE, TYPED)
    intact, _ = answers_intact = await answers(client, path, whole)
    assert all(h is not None for h in intact), answers_intact
    doc = types.TextDocumentIdentifier(uri(path))
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(doc.uri, "python", 1, typed))
    )
    try:
        hovers, labels = await answers(client, path, typed)
    finally:
        client.text_document_did_close(types.DidCloseTextDocumentParams(doc))
    # The same answers, at the same places (only the signature's end changed).
    assert hovers == intact
    assert hovers[0] is not None
    assert hovers[0].range == types.Range(position(path, "msg: func"), position(path, ": func"))
    assert labels == ["receipt: func.Out[str]"]
