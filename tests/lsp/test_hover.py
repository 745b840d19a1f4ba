"""Hover end to end, for every recorded client."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import position, span, uri

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def hover_at(
    client: LanguageClient, path: Path, needle: str, offset: int = 1
) -> types.Hover | None:
    return await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri(path)), position(path, needle, offset))
    )


def markdown(value: str) -> types.MarkupContent:
    return types.MarkupContent(kind=types.MarkupKind.Markdown, value=value)


async def test_http_route_as_local_url(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "v2-app" / "function_app.py"
    result = await hover_at(client, path, '"products/{id:int}"', 3)
    assert result == types.Hover(
        contents=markdown(
            "**HTTP route** of `get_product`\n\n"
            "GET http://localhost:7071/api/products/{id:int}\n\n"
            "The prefix `/api` is the host's default: host.json sets no `extensions.http.routePrefix`; "
            'set it to change the URL of every route (`""` for none).\n\n'
            "Anyone may call it (authLevel `anonymous`)."
        ),
        range=span(path, '"products/{id:int}"'),
    )


async def test_v1_route_and_methods(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "v1-app" / "create_order" / "function.json"
    result = await hover_at(client, path, '"orders"', 2)
    assert result == types.Hover(
        contents=markdown(
            "**HTTP route** of `create_order`\n\n"
            "POST http://localhost:7071/api/orders\n\n"
            "The prefix `/api` is the host's default: host.json sets no `extensions.http.routePrefix`; "
            'set it to change the URL of every route (`""` for none).\n\n'
            "Anyone may call it (authLevel `anonymous`)."
        ),
        range=span(path, '"orders"'),
    )


async def test_timer_schedule_in_words_and_next_runs(
    client: LanguageClient, workspace: Path
) -> None:
    path = workspace / "v2-app" / "function_app.py"
    result = await hover_at(client, path, '"0 */5 * * * *"', 3)
    assert result is not None and result.range == span(path, '"0 */5 * * * *"')
    text = result.contents.value  # type: ignore[union-attr]
    head, times = text.split("Next runs (UTC):\n")
    assert head == "**Timer schedule** `0 */5 * * * *`\n\nRuns every 5 minutes, at second 0.\n\n"
    runs = times.splitlines()
    assert len(runs) == 5
    assert all(re.fullmatch(r"- \d{4}-\d\d-\d\d \d\d:\d[05]:00", r) for r in runs), runs


async def test_connection_value_is_masked(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "v2-app" / "orders_bp.py"
    result = await hover_at(client, path, '"ServiceBusConnection"', 4)
    assert result == types.Hover(
        contents=markdown(
            "**App setting** `ServiceBusConnection`\n\n"
            "`Endpoint=sb://example-namespace.servicebus.windows.net/;"
            "SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=••••••`\n\n"
            "from local.settings.json `Values`\n\n"
            "Used by: `payment_received` (connection)"
        ),
        range=span(path, '"ServiceBusConnection"'),
    )


async def test_percent_setting_shows_its_value(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "v1-app" / "payment_received" / "function.json"
    result = await hover_at(client, path, "%PAYMENTS_QUEUE%", 3)
    assert result == types.Hover(
        contents=markdown(
            "**App setting** `PAYMENTS_QUEUE`\n\n`payments`\n\nfrom local.settings.json `Values`"
            "\n\nUsed by: `payment_received` (queueName)"
        ),
        range=span(path, '"%PAYMENTS_QUEUE%"'),
    )


async def test_parameter_shows_the_binding_that_feeds_it(
    client: LanguageClient, workspace: Path
) -> None:
    path = workspace / "v2-app" / "orders_bp.py"
    result = await hover_at(client, path, "msg: func.QueueMessage", 1)
    assert result == types.Hover(
        contents=markdown(
            "```python\nmsg: func.QueueMessage\n```\n\n"
            "Fed by the Queue storage trigger (`queueTrigger`) binding `msg` (in).\n\n"
            "- `queueName`: `orders`\n- `connection`: `AzureWebJobsStorage`\n\n"
            "Runs the function for each message added to an Azure Storage queue."
        ),
        range=types.Range(position(path, "msg: func"), position(path, "msg: func", 3)),
    )


async def test_binding_type_from_the_catalogue(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "v1-app" / "heartbeat" / "function.json"
    result = await hover_at(client, path, '"timerTrigger"', 3)
    assert result is not None and result.range == span(path, '"timerTrigger"')
    text = result.contents.value  # type: ignore[union-attr]
    assert text.startswith(
        "**Timer trigger** `timerTrigger` · in\n\nRuns the function on a schedule."
    )
    assert "Required: `schedule`" in text


async def test_decorator_and_its_argument(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "v2-app" / "orders_bp.py"
    result = await hover_at(client, path, "queue_trigger", 3)
    assert result is not None and result.range == span(path, "queue_trigger")
    text = result.contents.value  # type: ignore[union-attr]
    assert text.startswith(
        "```python\n@bp.queue_trigger(arg_name, queue_name, connection, data_type=…, **kwargs)\n```"
    )
    arg = await hover_at(client, path, 'arg_name="msg"', 2)
    assert arg is not None
    assert arg.contents.value.startswith("`arg_name` of `@queue_trigger` · required")  # type: ignore[union-attr]


async def test_queue_name_lists_producers_and_consumers(
    client: LanguageClient, workspace: Path
) -> None:
    path = workspace / "v2-app" / "orders_bp.py"
    needle = 'queue_name="orders", connection="AzureWebJobsStorage")\ndef'
    result = await hover_at(client, path, needle, 14)
    assert result == types.Hover(
        contents=markdown(
            "**Storage queue** `orders`\n\nWritten by: `create_order` (queue)\n\n"
            "Read by: `process_order` (queueTrigger)"
        ),
        range=types.Range(position(path, needle, 11), position(path, needle, 19)),
    )


async def test_nothing_outside_an_app(client: LanguageClient, workspace: Path) -> None:
    stray = workspace / "notes.py"
    stray.write_text("x = 1\n")
    result = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri(stray)), types.Position(0, 0))
    )
    assert result is None


async def test_decorator_being_typed_with_an_unterminated_string(
    client: LanguageClient, workspace: Path
) -> None:
    """'@app.route(route="products/{id' (a string and the call left open): the syntax error
    drops the def from the model, and hover answered null on 'route' and 'app.route' (QA in
    Neovim). It answers from the decorator read as if closed: the keyword's and the
    decorator's catalogue texts over the same ranges as on the whole line (the decorator
    without the local URL only the model resolves), the keyword's on its value, and the app
    object."""
    path = workspace / "v2-app" / "function_app.py"
    whole = path.read_text()
    line = '@app.route(route="products/{id:int}", methods=["GET"])'
    typed = '@app.route(route="products/{id'
    doc = types.TextDocumentIdentifier(uri(path))

    async def hovers() -> list[types.Hover | None]:
        # app, route (the method), route=, and the value being typed
        at = [position(path, line, n) for n in (2, 7, 13, 22)]
        return [await client.text_document_hover_async(types.HoverParams(doc, p)) for p in at]

    intact = await hovers()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(doc.uri, "python", 1, whole.replace(line, typed))
        )
    )
    try:
        obj, method, keyword, value = await hovers()
    finally:
        client.text_document_did_close(types.DidCloseTextDocumentParams(doc))
    assert all(h is not None for h in intact)
    # On the value: the keyword's text over the string typed (the whole line's answers the
    # route as a local URL, which only the model resolves).
    assert value is not None and value.contents == keyword.contents  # type: ignore[union-attr]
    at = position(path, line, line.index('"'))
    assert value.range == types.Range(at, types.Position(at.line, len(typed)))
    assert keyword == intact[2]
    assert method is not None and method.range == intact[1].range  # type: ignore[union-attr]
    assert method.contents.value.startswith("```python\n@app.route(route=…")  # type: ignore[union-attr]
    assert intact[1].contents.value.startswith(method.contents.value + "\n\n---\n\n")  # type: ignore[union-attr]
    assert "localhost:7071" not in method.contents.value  # type: ignore[union-attr]
    start = intact[0].range.start  # type: ignore[union-attr]
    # The decorator as typed: to the end of its line.
    assert obj is not None and obj.range == types.Range(
        start, types.Position(start.line, len(typed))
    )
    assert obj.contents.value.startswith("**FunctionApp** `app` (function_app.py:19)")  # type: ignore[union-attr]
