"""Hover and completion below a one-line object with a string left open, for every recorded
client: they answer as in the complete document. The tolerant reader took the quote opening the
next property name for the string's end (``"authLevel": "anon, "methods": …``), or the
object's ``}`` at the line's end for the string's text (``"anon},``), and skipped the objects
below up to the next ','; completion below took the cursor for a place inside that string."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from tests.lsp.support import RecordingClient, change_doc, open_doc, uri

CURSOR = "‸"
FUNCTION_JSON = (
    "{\n"
    '  "bindings": [\n'
    '    {"type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "anonymous", '
    '"methods": ["get"]},\n'
    '    {"type": "http", "direction": "out", "name": "$return"},\n'
    '    {"type": "blob", "direction": "in", "name": "doc", "path": "docs/x.json", '
    '"connection": "AzureWebJobsStorage"}\n'
    "  ]\n"
    "}\n"
)
HOST_JSON = (
    "{\n"
    '  "version": "2.0",\n'
    '  "logging": {"logLevel": {"default": "Information"}},\n'
    '  "extensions": {\n'
    '    "queues": {"maxDequeueCount": 3}\n'
    "  }\n"
    "}\n"
)
HALF_TYPED = {
    # the quote of the next name closed the half-typed value
    "function.json value before a name": (
        "get_product/function.json",
        FUNCTION_JSON,
        FUNCTION_JSON.replace('"anonymous", "methods"', '"anon, "methods"'),
    ),
    # the object's '}' at the line's end was read as the value's text
    "function.json value at the line's end": (
        "get_product/function.json",
        FUNCTION_JSON,
        FUNCTION_JSON.replace('"anonymous", "methods": ["get"]},', '"anon},'),
    ),
    "host.json value at the line's end": (
        "host.json",
        HOST_JSON,
        HOST_JSON.replace('"Information"}},', '"Inf}},'),
    ),
    "host.json name left open": (
        "host.json",
        HOST_JSON,
        HOST_JSON.replace('{"logLevel"', '{"fileLog "logLevel"'),
    ),
}
# Places below the broken line: (needle, characters into it) for hover; completion at ‸.
HOVERS = {
    "get_product/function.json": [('"blob"', 2), ('"path"', 2), ('"connection"', 3)],
    "host.json": [('"extensions"', 3), ('"maxDequeueCount"', 4)],
}
COMPLETIONS = {
    "get_product/function.json": [('"connection": "‸AzureWebJobsStorage"'), ('"direction": "‸in"')],
    "host.json": [('{"‸maxDequeueCount"')],
}


def _position(text: str, needle: str, into: int) -> types.Position:
    at = text.rindex(needle) + into
    return types.Position(text.count("\n", 0, at), at - (text.rfind("\n", 0, at) + 1))


async def _answers(
    client: RecordingClient, path: Path, relative: str, text: str, version: int
) -> list[object]:
    change_doc(client, path, text, version)
    doc = types.TextDocumentIdentifier(uri(path))
    found: list[object] = []
    for needle, into in HOVERS[relative]:
        found.append(
            await client.text_document_hover_async(
                types.HoverParams(doc, _position(text, needle, into))
            )
        )
    for marked in COMPLETIONS[relative]:
        at = marked.index(CURSOR)
        pos = _position(text, marked.replace(CURSOR, ""), at)
        result = await client.text_document_completion_async(types.CompletionParams(doc, pos))
        items = result.items if isinstance(result, types.CompletionList) else result or []
        found.append(sorted(items, key=lambda i: (i.sort_text or "", i.label)))
    return found


@pytest.mark.parametrize("case", list(HALF_TYPED))
async def test_answers_below_are_those_of_the_complete_document(
    editing_client: RecordingClient, fresh_workspace: Path, case: str
) -> None:
    relative, complete, half_typed = HALF_TYPED[case]
    path = fresh_workspace / "v1-app" / relative
    open_doc(editing_client, path, complete, 1)
    expected = await _answers(editing_client, path, relative, complete, 2)
    assert all(expected), expected  # each place answers in the complete document
    got = await _answers(editing_client, path, relative, half_typed, 3)
    assert got == expected
