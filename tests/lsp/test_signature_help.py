"""Signature help end to end, for every recorded client: while a decorator's arguments are
typed (the document changed and not saved), the decorator's parameters with the one being
written. Before, the server declared no signatureHelpProvider and answered nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import change_doc, open_doc, uri

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_parameters_while_a_decorator_is_typed(
    client: LanguageClient, workspace: Path
) -> None:
    path = workspace / "v2-app" / "function_app.py"
    text = path.read_text()
    open_doc(client, path, text)
    typed = '@app.blob_input(arg_name="doc", path="docs/{name}", '
    new = text + "\n\n" + typed + "\n"
    change_doc(client, path, new, 2)
    line = new.count("\n") - 1
    result = await client.text_document_signature_help_async(
        types.SignatureHelpParams(
            types.TextDocumentIdentifier(uri(path)),
            types.Position(line, len(typed)),
            context=types.SignatureHelpContext(
                trigger_kind=types.SignatureHelpTriggerKind.TriggerCharacter,
                is_retrigger=False,
                trigger_character=" ",
            ),
        )
    )
    label = "@app.blob_input(arg_name, path, connection, data_type, **kwargs)"

    def span(name: str) -> tuple[int, int]:
        return (label.index(name), label.index(name) + len(name))

    assert result is not None
    (sig,) = result.signatures
    assert sig.label == label
    assert [p.label for p in sig.parameters or []] == [
        span(n) for n in ("arg_name", "path", "connection", "data_type", "**kwargs")
    ]
    assert result.active_parameter == sig.active_parameter == 2  # connection, still missing
    docs = [p.documentation for p in sig.parameters or []]
    assert all(isinstance(d, types.MarkupContent) and d.value for d in docs), docs
    assert isinstance(sig.documentation, types.MarkupContent)
    assert sig.documentation.value.startswith("Reads a blob")

    # Outside the call: nothing (the client closes its signature window).
    outside = await client.text_document_signature_help_async(
        types.SignatureHelpParams(
            types.TextDocumentIdentifier(uri(path)), types.Position(line - 3, 0)
        )
    )
    assert outside is None
    change_doc(client, path, text, 3)
