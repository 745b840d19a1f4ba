"""Completion after the ``{`` of a binding expression in function.json, for every recorded
client: the names the function's trigger supplies (route parameters first), the ``sys``
properties and the built-ins, each closing the expression. QA in Neovim: after
``"path": "docs/{`` the items were the app's container names (``receipts/``…), which
replaced the whole path."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.accept import accept, honours_ranges
from tests.lsp.support import RecordingClient, offset_of, uri

pytestmark = pytest.mark.asyncio(loop_scope="module")
CURSOR = "‸"
HEAD = (
    '{\n  "bindings": [\n'
    '    {"type": "httpTrigger", "direction": "in", "name": "req", "route": "orders/{id}/r"},\n'
)


async def _complete(
    client: LanguageClient, path: Path, marked: str, language: str = "json"
) -> tuple[str, int, list[types.CompletionItem]]:
    at = marked.index(CURSOR)
    text = marked.replace(CURSOR, "", 1)
    line = text.count("\n", 0, at)
    pos = types.Position(line, at - (text.rfind("\n", 0, at) + 1))
    assert offset_of(text, pos) == at
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri(path), language, 1, text))
    )
    try:
        result = await client.text_document_completion_async(
            types.CompletionParams(types.TextDocumentIdentifier(uri(path)), pos)
        )
    finally:
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri(path)))
        )
    items = result.items if isinstance(result, types.CompletionList) else list(result or [])
    return text, at, sorted(items, key=lambda i: (i.sort_text or "", i.label))


@pytest.mark.parametrize(
    ("typed", "label", "result"),
    [
        # typed on one line, the string left open (jsonctx reads the binding as its own)
        ('"path": "docs/{‸', "id", '"path": "docs/{id}'),
        ('"path": "docs/{i‸', "id", '"path": "docs/{id}'),
        ('"path": "docs/{‸.json", "connection": "AzureWebJobsStorage"}', "id", None),
        ('"path": "docs/{‸}.json"}', "id", '"path": "docs/{id}.json"}'),
        ('"path": "docs/{D‸', "DateTime", '"path": "docs/{DateTime}'),
    ],
)
async def test_the_trigger_s_names_after_a_brace(
    client: RecordingClient, workspace: Path, typed: str, label: str, result: str | None
) -> None:
    path = workspace / "v1-app" / "get_receipt" / "function.json"
    marked = HEAD + '    {"type": "blob", "direction": "in", "name": "receipt", ' + typed
    text, cursor, items = await _complete(client, path, marked)
    assert [(i.label, i.detail) for i in items] == [
        ("id", "the route parameter {id}"),
        ("Query", "the query-string parameters (use {Query.name})"),
        ("Headers", "the request headers (use {Headers.name})"),
        ("sys.MethodName", "the name of the function"),
        ("sys.UtcNow", "the current UTC date and time"),
        ("sys.RandGuid", "a new random GUID"),
        (
            "rand-guid",
            "a new random GUID, e.g. {rand-guid} → 50710cb5-84b9-4d87-9d83-a03d6976a682",
        ),
        (
            "DateTime",
            "the current UTC date and time (DateTime.UtcNow); add :format for a .NET format "
            "string, e.g. {DateTime:yyyy-MM-dd}",
        ),
    ]
    got = accept(text, cursor, items, label, honours_ranges(client.recorded))
    head = text[: text.index('"path"')]
    if result is None:  # text after the name: only the name and its '}' go in
        assert got == head + '"path": "docs/{id}.json", "connection": "AzureWebJobsStorage"}'
    else:
        assert got == head + result


async def test_a_trigger_s_own_braces_get_nothing(client: RecordingClient, workspace: Path) -> None:
    """In a trigger's path, '{' opens a capture: a free name, nothing to offer (the app's
    container names replaced the whole path)."""
    path = workspace / "v1-app" / "get_receipt" / "function.json"
    marked = '{\n  "bindings": [\n    {"type": "blobTrigger", "name": "b", "path": "up/{‸'
    _text, _cursor, items = await _complete(client, path, marked)
    assert items == []


@pytest.mark.parametrize(
    ("typed", "result"),
    [
        ('path="docs/{‸', 'path="docs/{id}'),
        ('path="docs/{‸}.json")', 'path="docs/{id}.json")'),
    ],
)
async def test_a_v2_decorator_s_names_after_a_brace(
    client: RecordingClient, workspace: Path, typed: str, result: str
) -> None:
    """The same in a decorator being typed (the module does not parse): the trigger is read
    from the def's decorators, as written."""
    path = workspace / "v2-app" / "function_app.py"
    head = path.read_text() + '\n\n@app.route(route="items/{id}")\n@app.blob_input(arg_name="doc", '
    text, cursor, items = await _complete(client, path, head + typed, "python")
    assert [i.label for i in items] == [
        "id",
        "Query",
        "Headers",
        "sys.MethodName",
        "sys.UtcNow",
        "sys.RandGuid",
        "rand-guid",
        "DateTime",
    ]
    assert accept(text, cursor, items, "id", honours_ranges(client.recorded)) == head + result


@pytest.mark.parametrize(
    ("typed", "labels", "label", "result"),
    [
        ('"path": "docs/{sys.U‸', ["MethodName", "UtcNow", "RandGuid"], "UtcNow", "{sys.UtcNow}"),
        ('"path": "docs/{rand-g‸', ["guid"], "guid", "{rand-guid}"),
        ('"path": "docs/{Query.‸', [], None, None),
    ],
)
async def test_a_name_typed_past_a_dot_goes_on_from_there(
    client: RecordingClient,
    workspace: Path,
    typed: str,
    labels: list[str],
    label: str | None,
    result: str | None,
) -> None:
    """eglot 1.9 filters labels against the symbol before the cursor, where '.' and '-' are
    punctuation: after ``{sys.U`` the items are labelled and replace from after the '.'
    (tests/clients/test_emacs.py picks them in a real eglot)."""
    path = workspace / "v1-app" / "get_receipt" / "function.json"
    marked = HEAD + '    {"type": "blob", "direction": "in", "name": "receipt", ' + typed
    text, cursor, items = await _complete(client, path, marked)
    assert [i.label for i in items] == labels
    if label is not None:
        got = accept(text, cursor, items, label, honours_ranges(client.recorded))
        assert got == text[: text.index("{", text.index('"path"'))] + result


@pytest.mark.parametrize(
    ("typed", "labels", "result"),
    [
        ('path="docs/{sys.U‸', ["MethodName", "UtcNow", "RandGuid"], 'path="docs/{sys.UtcNow}'),
        # a '.' typed before in the string: not an enum member chain (func.AuthLevel.)
        ('path="v1.0/%PAY‸', ["PAYMENTS_QUEUE"], 'path="v1.0/%PAYMENTS_QUEUE%"'),
    ],
)
async def test_a_v2_string_with_a_dot_completes_its_expression(
    client: RecordingClient, workspace: Path, typed: str, labels: list[str], result: str
) -> None:
    """A quoted value with a '.' before the cursor was read as an enum member chain
    (``func.AuthLevel.``): no item (Emacs QA: ``{sys.U``)."""
    path = workspace / "v2-app" / "function_app.py"
    head = path.read_text() + '\n\n@app.route(route="items/{id}")\n@app.blob_input(arg_name="doc", '
    text, cursor, items = await _complete(client, path, head + typed, "python")
    assert [i.label for i in items] == labels
    label = labels[1 if len(labels) > 1 else 0]
    assert accept(text, cursor, items, label, honours_ranges(client.recorded)) == head + result
