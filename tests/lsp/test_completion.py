"""Completion end to end, for every recorded client (snippets only where the client takes
them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.accept import accept, honours_ranges, shown
from tests.lsp.support import RecordingClient, offset_of, position, uri

pytestmark = pytest.mark.asyncio(loop_scope="module")
K = types.CompletionItemKind
CURSOR = "‸"


def takes_snippets(client: LanguageClient) -> bool:
    caps = client.capabilities
    item = caps.text_document.completion.completion_item if caps and caps.text_document else None  # type: ignore[union-attr]
    return bool(item and item.snippet_support)


def honours(client: LanguageClient) -> bool:
    """Whether the recorded client replaces an item's textEdit range (Neovim's omnifunc does
    not)."""
    assert isinstance(client, RecordingClient)
    return honours_ranges(client.recorded)


async def complete(
    client: LanguageClient, path: Path, text: str, trigger: str | None = None
) -> list[types.CompletionItem]:
    """Open ``path`` with ``text`` (the cursor marked ‸), complete there, close it again;
    ``trigger``: the client asks by itself after typing that character."""
    at = text.index(CURSOR)
    text = text.replace(CURSOR, "", 1)
    line = text.count("\n", 0, at)
    pos = types.Position(line, at - (text.rfind("\n", 0, at) + 1))
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri(path), "json", 1, text))
    )
    context = (
        types.CompletionContext(types.CompletionTriggerKind.TriggerCharacter, trigger)
        if trigger
        else types.CompletionContext(types.CompletionTriggerKind.Invoked)
    )
    try:
        result = await client.text_document_completion_async(
            types.CompletionParams(types.TextDocumentIdentifier(uri(path)), pos, context=context)
        )
    finally:
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri(path)))
        )
    assert offset_of(text, pos) == at
    items = result.items if isinstance(result, types.CompletionList) else list(result or [])
    return sorted(items, key=lambda i: (i.sort_text or "", i.label))


def resolves(client: LanguageClient, what: str = "documentation") -> bool:
    """Whether the client's completionItem/resolve fills ``what`` in."""
    caps = client.capabilities
    item = caps.text_document.completion.completion_item if caps and caps.text_document else None  # type: ignore[union-attr]
    support = item.resolve_support if item else None
    return bool(support and what in (support.properties or []))


async def documentation(client: LanguageClient, item: types.CompletionItem) -> str:
    """The item's documentation, asking completionItem/resolve when the list left it out."""
    if item.documentation is None and item.data is not None:
        item = await client.completion_item_resolve_async(item)
    doc = item.documentation
    assert doc is not None
    return doc if isinstance(doc, str) else doc.value


def by_label(items: list[types.CompletionItem], label: str) -> types.CompletionItem:
    return next(i for i in items if i.label == label)


def rng(line: int, start: int, end: int) -> types.Range:
    return types.Range(types.Position(line, start), types.Position(line, end))


async def test_function_json_properties_of_the_type_required_first(
    client: LanguageClient, workspace: Path
) -> None:
    path = workspace / "v1-app" / "process_order" / "function.json"
    text = '{"bindings": [{"type": "queueTrigger", "‸"}]}'
    items = await complete(client, path, text)
    assert [i.label for i in items] == ["direction", "name", "queueName", "connection", "dataType"]
    item = by_label(items, "queueName")
    snippet = takes_snippets(client)
    lazy = resolves(client)
    assert item == types.CompletionItem(
        label="queueName",
        kind=K.Property,
        detail="queueTrigger · required",
        documentation=None if lazy else item.documentation,
        data={"doc": ["property", "queueTrigger", "queueName"]} if lazy else None,
        sort_text="1queuename",
        insert_text_format=types.InsertTextFormat.Snippet if snippet and honours(client) else None,
        # After the typed quote; the closing quote the editor added is replaced by a client
        # that honours the range, and kept by Neovim's omnifunc (so it gets the bare key).
        text_edit=types.TextEdit(
            range=rng(0, 40, 41), new_text='queueName": "$1"' if snippet else 'queueName": ""'
        )
        if honours(client)
        else types.TextEdit(range=rng(0, 40, 40), new_text="queueName"),
    )
    assert (await documentation(client, item)).startswith(
        "`queueName` · Queue storage trigger · required\n\n"
    )
    connection = by_label(items, "connection")
    # Storage accounts only: ServiceBusConnection's Endpoint=sb:// cannot serve a queue.
    expected = 'connection": "${1:AzureWebJobsStorage}"'  # one choice: a placeholder
    if not honours(client):
        expected = "connection"
    elif not snippet:
        expected = 'connection": "AzureWebJobsStorage"'
    assert connection.text_edit.new_text == expected  # type: ignore[union-attr]


async def test_function_json_type_value_brings_its_required_properties(
    client: LanguageClient, workspace: Path
) -> None:
    path = workspace / "v1-app" / "process_order" / "function.json"
    text = '{\n  "bindings": [\n    {\n      "type": "‸"\n    }\n  ]\n}'
    items = await complete(client, path, text)
    item = by_label(items, "queueTrigger")
    if not honours(client):
        assert item.text_edit == types.TextEdit(range=rng(3, 15, 15), new_text="queueTrigger")
    elif takes_snippets(client):
        assert item.text_edit == types.TextEdit(
            range=rng(3, 15, 16),
            # "msg" is the entry function's parameter that no binding of the opened text names.
            new_text='queueTrigger",\n      "direction": "in",\n      "name": "${1:msg}",\n'
            '      "queueName": "$2"',
        )
    else:
        assert item.text_edit == types.TextEdit(range=rng(3, 15, 16), new_text='queueTrigger"')
    assert item.kind == K.Class and item.detail == "Queue storage trigger"
    assert {"httpTrigger", "blob", "serviceBusTrigger", "cosmosDBTrigger"} <= {
        i.label for i in items
    }


async def test_function_json_connection_names_from_local_settings(
    client: LanguageClient, workspace: Path
) -> None:
    path = workspace / "v1-app" / "process_order" / "function.json"
    text = '{"bindings": [{"type": "queueTrigger", "connection": "Az‸"}]}'
    items = await complete(client, path, text)
    close = '"' if honours(client) else ""  # the closing quote is replaced, or kept
    # Not ServiceBusConnection: a Service Bus namespace's connection string (Endpoint=sb://)
    # cannot serve a storage queue.
    assert [(i.label, i.text_edit.new_text, i.filter_text) for i in items] == [  # type: ignore[union-attr]
        ("AzureWebJobsStorage", f"AzureWebJobsStorage{close}", None),
    ]
    # From after the opening quote to the closing quote (or to the cursor).
    assert items[0].text_edit.range == rng(0, 54, 57 if close else 56)  # type: ignore[union-attr]
    assert items[0].detail == "UseDevelopmentStorage=true"


async def test_function_json_return_and_enum_values(
    client: LanguageClient, workspace: Path
) -> None:
    path = workspace / "v1-app" / "get_product" / "function.json"
    out = await complete(
        client, path, '{"bindings": [{"type": "http", "direction": "out", "name": "‸"}]}'
    )
    # main(req) has no binding in the opened text: req is offered after $return.
    assert [(i.label, i.detail) for i in out] == [
        ("$return", "the function's return value"),
        ("req", "parameter req: func.HttpRequest"),
    ]
    methods = await complete(
        client, path, '{"bindings": [{"type": "httpTrigger", "methods": ["g‸"]}]}'
    )
    assert "get" in [i.label for i in methods] and "post" in [i.label for i in methods]
    level = await complete(client, path, '{"bindings": [{"type": "httpTrigger", "authLevel": ‸}]}')
    assert [i.label for i in level] == ["admin", "anonymous", "function"] or sorted(
        i.label for i in level
    ) == ["admin", "anonymous", "function"]


async def test_function_json_script_file_and_entry_point(
    client: LanguageClient, workspace: Path
) -> None:
    path = workspace / "v1-app" / "create_order" / "function.json"
    scripts = await complete(client, path, '{"scriptFile": "‸", "bindings": []}')
    assert [i.label for i in scripts] == ["handlers.py"]
    entries = await complete(
        client, path, '{"scriptFile": "handlers.py", "entryPoint": "‸", "bindings": []}'
    )
    assert [(i.label, i.detail) for i in entries] == [("handle", "def handle(req, order_queue)")]


async def test_host_json_from_the_schema(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "v1-app" / "host.json"
    items = await complete(client, path, '{"version": "2.0", "‸"}')
    labels = {i.label for i in items}
    assert {"extensionBundle", "logging", "functionTimeout", "extensions"} <= labels
    assert "version" not in labels
    version = await complete(client, path, '{"version": "‸"}')
    assert [i.label for i in version] == ["2.0"]


async def test_local_settings_offers_settings_the_bindings_read(
    client: LanguageClient, workspace: Path
) -> None:
    path = workspace / "v2-app" / "local.settings.json"
    items = await complete(client, path, '{"Values": {"FUNCTIONS_WORKER_RUNTIME": "python", "‸"}}')
    first = items[:3]
    assert [(i.label, i.detail) for i in first] == [
        ("AzureWebJobsStorage", "used by create_order, get_receipt, heartbeat"),
        ("PAYMENTS_QUEUE", "used by payment_received"),
        ("ServiceBusConnection", "used by payment_received"),
    ]
    assert "FUNCTIONS_WORKER_RUNTIME" not in {i.label for i in items}


async def test_python_decorators_after_the_blueprint_variable(
    client: LanguageClient, workspace: Path
) -> None:
    path = workspace / "v2-app" / "orders_bp.py"
    text = path.read_text().replace("def payment_received(", "@bp.‸\ndef payment_received(", 1)
    items = await complete(client, path, text)
    item = by_label(items, "queue_trigger")
    line = text[: text.index("‸")].count("\n")
    snippet = takes_snippets(client)
    lazy = resolves(client)
    signature = "@bp.queue_trigger(arg_name, queue_name, connection, data_type=…, **kwargs)"
    assert item == types.CompletionItem(
        label="queue_trigger",
        kind=K.Method,
        detail=signature,
        documentation=None if lazy else item.documentation,
        data={"doc": ["decorator", "queue_trigger", "bp"]} if lazy else None,
        sort_text="002queue_trigger",  # after route and timer_trigger
        insert_text_format=types.InsertTextFormat.Snippet if snippet else None,
        text_edit=types.TextEdit(
            range=rng(line, 4, 4),
            new_text='queue_trigger(arg_name="$1", queue_name="$2", '
            'connection="${3|AzureWebJobsStorage|}")$0'
            if snippet
            else "queue_trigger",
        ),
    )
    assert (await documentation(client, item)).startswith(f"```python\n{signature}\n```")
    assert {"route", "blob_output", "timer_trigger", "service_bus_queue_output"} <= {
        i.label for i in items
    }


async def test_python_keywords_values_and_enums_in_a_decorator_call(
    client: LanguageClient, workspace: Path
) -> None:
    path = workspace / "v2-app" / "orders_bp.py"
    source = path.read_text()
    keywords = await complete(
        client, path, source.replace('@bp.queue_trigger(arg_name="msg", ', "@bp.queue_trigger(‸", 1)
    )
    assert [i.label for i in keywords] == ["arg_name=", "data_type="]
    names = await complete(client, path, source.replace('arg_name="msg"', 'arg_name="‸"', 1))
    assert [i.label for i in names] == ["msg"]
    at = position(path, 'arg_name="msg"', 10)  # after the opening quote
    if honours(client):  # up to and with the closing quote
        assert names[0].text_edit == types.TextEdit(
            range=types.Range(at, types.Position(at.line, at.character + 1)), new_text='msg"'
        )
    else:  # Neovim's omnifunc keeps the closing quote: the bare word
        assert names[0].text_edit == types.TextEdit(range=types.Range(at, at), new_text="msg")
    queues = await complete(
        client,
        path,
        source.replace(
            'queue_name="orders", connection="AzureWebJobsStorage")\n@bp.blob',
            'queue_name="o‸", connection="AzureWebJobsStorage")\n@bp.blob',
            1,
        ),
    )
    assert [(i.label, i.detail) for i in queues] == [("orders", "used by create_order")]
    levels = await complete(
        client,
        path,
        source.replace(
            '@bp.route(route="orders", methods=["POST"])',
            '@bp.route(route="orders", auth_level=‸)',
            1,
        ),
    )
    assert [i.label for i in levels] == [
        "func.AuthLevel.ADMIN",
        "func.AuthLevel.ANONYMOUS",
        "func.AuthLevel.FUNCTION",
    ]
    members = await complete(client, path, source + "\nlevel = func.AuthLevel.‸\n")
    assert [(i.label, i.detail) for i in members] == [
        ("ADMIN", 'AuthLevel.ADMIN → "admin"'),
        ("ANONYMOUS", 'AuthLevel.ANONYMOUS → "anonymous"'),
        ("FUNCTION", 'AuthLevel.FUNCTION → "function"'),
    ]
    connections = await complete(
        client, path, source.replace('connection="ServiceBusConnection"', 'connection="‸"', 1)
    )
    # The Service Bus trigger's: not the storage account's UseDevelopmentStorage=true.
    assert [i.label for i in connections] == ["ServiceBusConnection"]


async def test_v1_parameters_named_after_the_bindings(
    client: LanguageClient, workspace: Path
) -> None:
    path = workspace / "v1-app" / "get_receipt" / "__init__.py"
    text = path.read_text().replace("def main(req: func.HttpRequest, receipt: str)", "def main(‸)")
    items = await complete(client, path, text)
    assert [(i.label, i.detail) for i in items] == [
        ("req: func.HttpRequest, receipt: func.InputStream", "every binding of function.json"),
        ("req: func.HttpRequest", "httpTrigger (in)"),
        ("receipt: func.InputStream", "blob (in)"),
    ]


async def complete_text(
    client: LanguageClient, path: Path, text: str, trigger: str | None = None
) -> tuple[str, int, list[types.CompletionItem]]:
    """The text without the cursor mark, the cursor's offset and the items there."""
    return text.replace(CURSOR, "", 1), text.index(CURSOR), await complete(client, path, text)


@pytest.mark.parametrize(
    ("file", "text", "label", "honoured", "omnifunc"),
    [
        # A quote typed: the key with its value; an editor-added closing quote is kept by
        # Neovim's omnifunc, which then inserts the bare key.
        ("v1-app/host.json", '{"‸', "version", '{"version": "2.0"', '{"version": "2.0"'),
        ("v1-app/host.json", '{"‸"}', "version", '{"version": "2.0"}', '{"version"}'),
        (
            "v1-app/process_order/function.json",
            '{"bindings": [{"type": "queueTrigger", "queu‸',
            "queueName",
            '{"bindings": [{"type": "queueTrigger", "queueName": ""',
            '{"bindings": [{"type": "queueTrigger", "queueName": ""',
        ),
        (
            "v1-app/process_order/function.json",
            '{"bindings": [{"type": "queueTrigger", "queu‸"}]}',
            "queueName",
            '{"bindings": [{"type": "queueTrigger", "queueName": ""}]}',
            '{"bindings": [{"type": "queueTrigger", "queueName"}]}',
        ),
        (
            "v1-app/process_order/function.json",
            '{"bindings": [{"type": "queueTrigger", "connection": "Az‸',
            "AzureWebJobsStorage",
            '{"bindings": [{"type": "queueTrigger", "connection": "AzureWebJobsStorage"',
            '{"bindings": [{"type": "queueTrigger", "connection": "AzureWebJobsStorage"',
        ),
        (
            "v1-app/process_order/function.json",
            '{"bindings": [{"type": "queueTrigger", "direction": "‸"}]}',
            "in",
            '{"bindings": [{"type": "queueTrigger", "direction": "in"}]}',
            '{"bindings": [{"type": "queueTrigger", "direction": "in"}]}',
        ),
    ],
)
async def test_json_completion_inserts_right_whether_the_range_is_honoured_or_not(
    client: LanguageClient,
    workspace: Path,
    file: str,
    text: str,
    label: str,
    honoured: str,
    omnifunc: str,
) -> None:
    plain, cursor, items = await complete_text(client, workspace / file, text)
    assert label in shown(plain, cursor, items, honours(client))
    assert accept(plain, cursor, items, label, honours(client)) == (
        honoured if honours(client) else omnifunc
    )
    # Without a closing quote after the cursor, the same items are right either way.
    if plain[cursor : cursor + 1] != '"':
        assert accept(plain, cursor, items, label, not honours(client)) == honoured


async def test_the_key_being_edited_is_offered_too(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "v1-app" / "process_order" / "function.json"
    text = '{"bindings": [{"type": "queueTrigger", "‸queueName": "orders", "connection": ""}]}'
    plain, cursor, items = await complete_text(client, path, text)
    labels = [i.label for i in items]
    assert "queueName" in labels and "connection" not in labels and "type" not in labels
    if honours(client):  # the key is replaced by itself
        assert accept(plain, cursor, items, "queueName", True) == plain
    host = workspace / "v1-app" / "host.json"
    items = await complete(client, host, '{"‸version": "2.0", "logging": {}}')
    assert "version" in [i.label for i in items] and "logging" not in [i.label for i in items]


async def test_no_popup_when_a_typed_quote_closes_a_string(
    client: LanguageClient, workspace: Path
) -> None:
    path = workspace / "v1-app" / "process_order" / "function.json"
    closing = '{"bindings": [{"type": "queueTrigger"‸\n}]}'
    # Enter right after the closing quote would have accepted a new key and a comma.
    assert await complete(client, path, closing, trigger='"') == []
    assert [i.label for i in await complete(client, path, closing)][:1] == ["direction"]
    opening = '{"bindings": [{"type": "queueTrigger", "‸'
    assert "direction" in [i.label for i in await complete(client, path, opening, trigger='"')]
    assert await complete(client, path, '{"bindings": [‸', trigger="[") == []


async def test_data_type_is_never_completed_as_undefined(
    client: LanguageClient, workspace: Path
) -> None:
    path = workspace / "v1-app" / "process_order" / "function.json"
    keys = await complete(client, path, '{"bindings": [{"type": "queueTrigger", "dataT‸')
    edit = by_label(keys, "dataType").text_edit
    assert edit is not None and "undefined" not in edit.new_text
    values = await complete(client, path, '{"bindings": [{"type": "queueTrigger", "dataType": "‸')
    assert sorted(i.label for i in values) == ["binary", "stream", "string"]


async def test_decorators_ranked_by_use(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "v2-app" / "function_app.py"
    source = path.read_text()
    at = source.index("@app.")
    items = await complete(client, path, source[:at] + "@app.‸\n" + source[at:])
    labels = [i.label for i in items]
    assert labels[:4] == ["route", "timer_trigger", "queue_trigger", "blob_trigger"]
    assert labels.index("assistant_skill_trigger") > labels.index("cosmos_db_output")
    assert len(labels) == len(set(labels)) > 50  # every decorator is still offered


@pytest.mark.parametrize("typed", ["", "m"])
async def test_python_string_values_insert_right_either_way(
    client: LanguageClient, workspace: Path, typed: str
) -> None:
    path = workspace / "v2-app" / "orders_bp.py"
    source = path.read_text()
    marked = source.replace('arg_name="msg"', f'arg_name="{typed}‸"', 1)
    plain, cursor, items = await complete_text(client, path, marked)
    assert "msg" in shown(plain, cursor, items, honours(client))
    assert accept(plain, cursor, items, "msg", honours(client)) == source


@pytest.mark.parametrize("tail", ["", "%"])
@pytest.mark.parametrize("typed", ["%", "%PAY"])
async def test_percent_completes_an_app_setting_expression(
    client: LanguageClient, workspace: Path, typed: str, tail: str
) -> None:
    """'%' typed in a queue name opens a setting expression: the settings a name can come
    from (found in Neovim: '%PAY' offered only the queue names in use, 'orders', which
    replaced it), not the runtime's or the connections; the closing '%' is not doubled. The
    items name the setting alone, as typed after the '%' (eglot filters labels against the
    symbol before the cursor)."""
    want = "%PAYMENTS_QUEUE%"
    fn_json = workspace / "v1-app" / "process_order" / "function.json"
    v1 = fn_json.read_text().replace('"queueName": "orders"', f'"queueName": "{typed}‸{tail}"')
    bp = workspace / "v2-app" / "orders_bp.py"
    v2 = bp.read_text().replace(
        'queue_name="orders", connection=', f'queue_name="{typed}‸{tail}", connection=', 1
    )
    for path, marked in ((fn_json, v1), (bp, v2)):
        plain, cursor, items = await complete_text(client, path, marked)
        assert [(i.label, i.detail) for i in items] == [(want[1:-1], f"{want} = payments")]
        assert want[1:-1] in shown(plain, cursor, items, honours(client))
        accepted = accept(plain, cursor, items, want[1:-1], honours(client))
        assert accepted == marked.replace(f"{typed}‸{tail}", want)


@pytest.mark.parametrize(
    ("before", "typed", "tail"),
    [
        ("in/", "%PAY", ""),  # at the end of the string: the closing '%' and quote
        ("in/", "%PAY", "%/{name}"),  # before the rest of the path: the name alone
        ("in/", "%", "/{name}"),
        ("in/%PAYMENTS_QUEUE%/", "%P", ""),  # a second expression
    ],
)
async def test_percent_in_the_middle_of_a_string_completes_a_setting(
    client: LanguageClient, workspace: Path, before: str, typed: str, tail: str
) -> None:
    """The host reads '%Name%' anywhere in a binding's string (found in Neovim: 'in/%Sto'
    offered the container names in use, which replaced the whole path, and a connection
    starting '%' nothing a client kept): the settings, the range after the '%' up to the end
    of the name, the rest of the string kept."""
    fn_json = workspace / "v1-app" / "process_order" / "function.json"
    v1 = fn_json.read_text().replace(
        '"path": "receipts/{id}.json"', f'"path": "{before}{typed}‸{tail}"'
    )
    fa = workspace / "v2-app" / "function_app.py"
    v2 = fa.read_text().replace('path="status/heartbeat.json"', f'path="{before}{typed}‸{tail}"', 1)
    want = "PAYMENTS_QUEUE"
    tail_after = tail.removeprefix("%")
    for path, marked in ((fn_json, v1), (fa, v2)):
        plain, cursor, items = await complete_text(client, path, marked)
        assert [(i.label, i.detail) for i in items] == [(want, f"%{want}% = payments")]
        assert want in shown(plain, cursor, items, honours(client))
        accepted = accept(plain, cursor, items, want, honours(client))
        assert accepted == marked.replace(f"{typed}‸{tail}", f"%{want}%{tail_after}")


@pytest.mark.parametrize("typed", ["%", "%PAY"])
async def test_percent_opening_a_connection_completes_an_indirect_setting(
    client: LanguageClient, workspace: Path, typed: str
) -> None:
    """connection="%Name%": the host reads the whole expression as the setting whose value
    names the connection's setting (azure-webjobs-sdk TryResolveWholeString), so a '%' there
    completes the settings as in a queue name (it offered the connection names with a range
    starting at the '%', which VS Code's filter of '%Az' against 'AzureWebJobsStorage' hid)."""
    bp = workspace / "v2-app" / "orders_bp.py"
    marked = bp.read_text().replace(
        'connection="ServiceBusConnection"', f'connection="{typed}‸"', 1
    )
    plain, cursor, items = await complete_text(client, bp, marked)
    assert [i.label for i in items] == ["PAYMENTS_QUEUE"]
    accepted = accept(plain, cursor, items, "PAYMENTS_QUEUE", honours(client))
    assert accepted == marked.replace(f"{typed}‸", "%PAYMENTS_QUEUE%")


async def test_percent_asks_by_itself_only_where_it_opens_a_setting_expression(
    client: LanguageClient, workspace: Path
) -> None:
    """'%' is a trigger character: the settings pop up as it opens an expression, not as it
    closes one (an Enter ending the line would accept the popup) nor in a format string."""
    fn_json = workspace / "v1-app" / "process_order" / "function.json"
    bp = workspace / "v2-app" / "orders_bp.py"
    v2 = bp.read_text()
    for path, marked, labels in (
        (fn_json, '{"bindings": [{"type": "queueTrigger", "queueName": "%‸', ["PAYMENTS_QUEUE"]),
        (fn_json, '{"bindings": [{"type": "queueTrigger", "queueName": "%Q%‸', []),
        (bp, v2.replace('queue_name="orders"', 'queue_name="%‸"', 1), ["PAYMENTS_QUEUE"]),
        (bp, v2.replace('queue_name="orders"', 'queue_name="%Q%‸"', 1), []),
        (bp, v2.replace('"Order %s queued', '"Order %‸s queued', 1), []),
    ):
        items = await complete(client, path, marked, trigger="%")
        assert [i.label for i in items] == labels, marked[marked.index("‸") - 20 :][:30]
