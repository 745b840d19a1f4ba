"""Hover on a plain value in host.json, for every recorded client: the schema's text of its
key, over the value's range (it was an empty range at the cursor, found in Neovim on the
extension bundle's version)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import position, span, uri

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.mark.parametrize(
    ("value", "starts"),
    [('"[4.*, 5.0.0)"', "Range of bundle versions"), ('"2.0"', "The host.json schema version")],
)
async def test_hover_on_a_value_spans_the_value(
    client: LanguageClient, workspace: Path, value: str, starts: str
) -> None:
    host = workspace / "v2-app" / "host.json"
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri(host)), position(host, value, 3))
    )
    assert hover is not None
    assert hover.range == span(host, value)
    text = hover.contents.value if isinstance(hover.contents, types.MarkupContent) else ""
    assert starts in text
