"""HTTP functions of an app that streams (a web extension such as
`azurefunctions-extensions-http-fastapi` is imported): the request body goes to the app
process frame by frame as the client sends it, and the response comes back to the client
chunk by chunk as the function's app produces it (funcls/runner/worker/http_stream.py).

The host does this by proxying the request to the worker's own web server; here the frames
travel on the app process's channel. A failed invocation is answered as any other (500 with
the error), the app process crashing or running past functionTimeout mid-response cuts the
connection (the status line is already gone), and a body past the size limit gets 413.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from funcls.runner.functions import RunFunction
from funcls.runner.host.http_trigger import (
    NO_BODY_STATUS,
    Response,
    http_payload,
    outcome_response,
    text_response,
)
from funcls.runner.invocation import Outcome
from funcls.runner.messages import HttpBody, HttpEnd, HttpStart
from funcls.runner.state import RunState
from funcls.runner.streams import Frame, HttpExchange, InvocationEnded

Headers = list[tuple[bytes, bytes]]
# Hop-by-hop headers the app's framing decides; uvicorn writes its own.
_HOP = {b"transfer-encoding", b"connection", b"keep-alive"}


class ResponseCut(Exception):
    """The response started and could not be finished: raised to uvicorn, which closes the
    connection (the client sees a short response). The console already says why."""


def _not_a_cut(record: logging.LogRecord) -> bool:
    """uvicorn logs an exception out of the app with its traceback; a cut is not a bug."""
    return not (record.exc_info and isinstance(record.exc_info[1], ResponseCut))


logging.getLogger("uvicorn.error").addFilter(_not_a_cut)


async def serve_streamed(
    state: RunState,
    fn: RunFunction,
    params: dict[str, str],
    scope: dict[str, Any],
    receive: Any,
    send: Any,
    extra: Headers,
    headers: dict[str, str],
    query: dict[str, str],
    url: str,
) -> None:
    limit = state.options.max_body
    length = headers.get("content-length")
    if length and length.isdigit() and int(length) > limit:
        await _whole(send, _too_large(limit), extra)
        return
    method = str(scope["method"]).upper()
    payload = http_payload(
        method, url, headers, query, params, b"", binding_data=fn.uses_binding_data
    )
    exchange = HttpExchange()
    invocation = asyncio.ensure_future(
        state.invoker.invoke(
            fn,
            payload.data,
            payload.metadata,
            payload.binding_data,
            "This function was programmatically called via the host APIs.",
            exchange=exchange,
        )
    )
    # The invocation's end is a frame too: the relay waits on one queue.
    invocation.add_done_callback(lambda _: exchange.frames.put_nowait(InvocationEnded()))
    pump = asyncio.ensure_future(_pump(exchange, receive, limit))
    try:
        await _relay(state, fn.name, exchange, invocation, send, extra, limit)
    finally:
        pump.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await pump


async def _pump(exchange: HttpExchange, receive: Any, limit: int) -> None:
    """The client's body, then its disconnect, to the app process as they come."""
    await exchange.attached.wait()
    size = 0
    while not exchange.ended:
        message = await receive()
        if message["type"] == "http.disconnect":
            exchange.client_gone = True
            exchange.disconnect()
            return
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            exchange.too_large = True
            exchange.disconnect()
            return
        exchange.send_body(chunk, bool(message.get("more_body", False)))


async def _relay(
    state: RunState,
    name: str,
    exchange: HttpExchange,
    invocation: asyncio.Future[Outcome],
    send: Any,
    extra: Headers,
    limit: int,
) -> None:
    frame: Frame
    start: HttpStart
    # Until the response starts: a failed invocation is answered here, as any other.
    while True:
        frame = await exchange.frames.get()
        if isinstance(frame, HttpStart) and not exchange.too_large:
            start = frame
            break
        if isinstance(frame, InvocationEnded) and not exchange.too_large and _succeeded(invocation):
            continue  # the function returned; its response follows
        if isinstance(frame, (InvocationEnded, HttpEnd)) or exchange.too_large:
            outcome = await invocation
            if exchange.too_large:
                await _whole(send, _too_large(limit), extra)
                return
            if not outcome.ok:  # the function failed: its 500 is the runner's, as any other
                await _whole(send, outcome_response(outcome, state.invoker.console.say), extra)
                return
            # The function returned, but its response ended before it started (the app
            # process went away, or the extension's app sent nothing).
            error = (
                frame.error if isinstance(frame, HttpEnd) else ""
            ) or "the app sent no response"
            state.invoker.console.say(f"the response of '{name}' ended before it started: {error}")
            text = (
                f"500 Internal Server Error: function '{name}' returned, but its response "
                f"ended before it started (invocation {outcome.invocation_id}): {error}\n"
            )
            await _whole(send, text_response(500, text), extra)
            return
    headers = [(k, v) for k, v in start.headers if k.lower() not in _HOP]
    await send(
        {"type": "http.response.start", "status": start.status, "headers": [*headers, *extra]}
    )
    finished = False
    while True:
        frame = await exchange.frames.get()
        if isinstance(frame, HttpBody) and not finished:
            body, more, frame = _coalesce(exchange, frame)
            await send({"type": "http.response.body", "body": body, "more_body": more})
            finished = not more
            if isinstance(frame, HttpEnd):
                exchange.frames.put_nowait(frame)  # seen by the next turn of the loop
        elif isinstance(frame, HttpEnd):
            if not finished:
                # The app process crashed, or the response ran past functionTimeout: the
                # status line is gone, so the connection is cut (the client sees a short
                # response), as a proxy does.
                if exchange.client_gone and not frame.error:
                    return  # the client went away; the app stopped its response
                error = frame.error or "the app ended its response early"
                state.invoker.console.say(f"the streamed response of '{name}' was cut: {error}")
                raise ResponseCut(error)
            break
    with contextlib.suppress(Exception):
        await invocation


def _succeeded(invocation: asyncio.Future[Outcome]) -> bool:
    return invocation.exception() is None and invocation.result().ok


def _coalesce(exchange: HttpExchange, frame: HttpBody) -> tuple[bytes, bool, Frame]:
    """The body of ``frame`` and of the body frames already waiting behind it, as one write:
    chunks produced together leave together (as the host's proxy writes them), and no chunk
    waits for one not produced yet. Returns the body, whether more follows, and the frame
    that ended the run (the last body frame, or an http_end taken from the queue)."""
    parts = [frame.body]
    more = frame.more
    last: Frame = frame
    while more and not exchange.frames.empty():
        following = exchange.frames.get_nowait()
        last = following
        if not isinstance(following, HttpBody):
            break
        parts.append(following.body)
        more = following.more
    return b"".join(parts), more, last


def _too_large(limit: int) -> Response:
    body = f"413 Payload Too Large: the limit is {limit} bytes\n".encode()
    return 413, [(b"content-type", b"text/plain; charset=utf-8")], body


async def _whole(send: Any, response: Response, extra: Headers) -> None:
    status, headers, body = response
    all_headers = [*headers, *extra]
    if status not in NO_BODY_STATUS:
        all_headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": all_headers})
    await send({"type": "http.response.body", "body": body})
