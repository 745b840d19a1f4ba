"""Hover and completion in a binding below a string left open on its own line inside the
bindings array, for every recorded client: they answer as in the complete document. The
tolerant reader resumed an object on the next line after such a string but an array skipped
to the next ',' at its depth, inside the binding below, so that binding was lost (no hover, no
completion, and the rules did not see it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from tests.lsp.support import RecordingClient, change_doc, open_doc, uri

CURSOR = "‸"
FUNCTION_JSON = (
    "{\n"
    '  "bindings": [\n'
    "    {\n"
    '      "type": "httpTrigger",\n'
    '      "direction": "in",\n'
    '      "name": "req",\n'
    '      "methods": ["get"]\n'
    "    },\n"
    "    {\n"
    '      "type": "blob",\n'
    '      "direction": "in",\n'
    '      "name": "doc",\n'
    '      "path": "docs/x.json",\n'
    '      "connection": "AzureWebJobsStorage"\n'
    "    },\n"
    "    {\n"
    '      "type": "http",\n'
    '      "direction": "out",\n'
    '      "name": "$return"\n'
    "    }\n"
    "  ]\n"
    "}\n"
)
# The line typed between the first two bindings: a lone '"', a binding's first name begun.
TYPED = {"lone quote": '    "', "half-typed name": '    "typ'}


def _with_line(line: str) -> str:
    return FUNCTION_JSON.replace("    },\n    {\n", "    },\n" + line + "\n    {\n", 1)


# Places in the bindings below the broken line: (needle, characters into it) for hover;
# completion at ‸.
HOVERS = [('"blob"', 2), ('"path"', 2), ('"connection"', 3), ('"$return"', 2)]
COMPLETIONS = ['"connection": "‸AzureWebJobsStorage"', '"type": "‸blob"', '"direction": "‸out"']


def _position(text: str, needle: str, into: int) -> types.Position:
    at = text.index(needle) + into
    return types.Position(text.count("\n", 0, at), at - (text.rfind("\n", 0, at) + 1))


async def _answers(client: RecordingClient, path: Path, text: str, version: int) -> list[object]:
    change_doc(client, path, text, version)
    doc = types.TextDocumentIdentifier(uri(path))
    found: list[object] = []
    for needle, into in HOVERS:
        found.append(
            await client.text_document_hover_async(
                types.HoverParams(doc, _position(text, needle, into))
            )
        )
    for marked in COMPLETIONS:
        at = marked.index(CURSOR)
        pos = _position(text, marked.replace(CURSOR, ""), at)
        result = await client.text_document_completion_async(types.CompletionParams(doc, pos))
        items = result.items if isinstance(result, types.CompletionList) else result or []
        found.append(sorted(items, key=lambda i: (i.sort_text or "", i.label)))
    return found


@pytest.mark.parametrize("case", list(TYPED))
async def test_answers_in_the_bindings_below_are_those_of_the_complete_document(
    editing_client: RecordingClient, fresh_workspace: Path, case: str
) -> None:
    path = fresh_workspace / "v1-app" / "get_product" / "function.json"
    # The complete document has spaces where the line is typed: the same lines and columns.
    complete = _with_line(" " * len(TYPED[case]))
    open_doc(editing_client, path, complete, 1)
    expected = await _answers(editing_client, path, complete, 2)
    assert all(expected), expected  # each place answers in the complete document
    got = await _answers(editing_client, path, _with_line(TYPED[case]), 3)
    assert got == expected
