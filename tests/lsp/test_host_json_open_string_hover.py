"""Hover in a half-typed host.json, for every recorded client: on the key below a string left
open (``"version": "2.0`` with no closing quote) or below a member whose value is not typed
yet (``"version":``), the hover names that key over its range. It named the key above, or
nothing: the tolerant reader took the next line's key for the value, or skipped the member
below the open string (found in Emacs QA)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from tests.lsp.support import RecordingClient, change_doc, open_doc, uri

HOST = (
    '{\n  "version": "2.0",\n  "logging": {\n    "logLevel": {"default": "Information"}\n  },\n'
    '  "extensions": {\n    "queues": {"maxDequeueCount": 3}\n  }\n}\n'
)
HALF_TYPED = {
    "open value": HOST.replace('"2.0",', '"2.0'),
    "open key": HOST.replace('"2.0",\n', '"2.0",\n  "exte\n'),
    "no value yet": HOST.replace('"version": "2.0",', '"version":'),
}


@pytest.mark.parametrize("case", list(HALF_TYPED))
async def test_hover_names_the_key_under_the_cursor(
    editing_client: RecordingClient, fresh_workspace: Path, case: str
) -> None:
    path = fresh_workspace / "v1-app" / "host.json"
    open_doc(editing_client, path, HOST, 1)
    text = HALF_TYPED[case]
    change_doc(editing_client, path, text, 2)
    line = text.split("\n").index('  "logging": {')
    hover = await editing_client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri(path)), types.Position(line, 5))
    )
    assert hover is not None
    assert hover.range == types.Range(types.Position(line, 2), types.Position(line, 11))
    assert isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.value.startswith("`logging`")
