"""HTTP streaming in the app process: functions of an app that imports a web extension
(`azurefunctions-extensions-http-fastapi`) get the extension's `Request` and answer with its
responses (`StreamingResponse`, `JSONResponse`, …, or a plain value FastAPI serialises).

How the Python worker does it (azure_functions_worker/http_v2.py, `initialize_http_server`,
and `_handle__invocation_request` in dispatcher.py): when the base extension's
`HttpV2FeatureChecker.http_v2_enabled()` says a web extension was imported, it builds the
extension's `WebApp` with one catch-all route, serves it with the extension's `WebServer`
(uvicorn) on a loopback port, and the host proxies every HTTP request there with the header
`x-ms-invocation-id`. The route hands the request to the invocation (an `HttpCoordinator`
keyed by invocation id), which syncs the route parameters into it, calls the function with
it in place of `func.HttpRequest`, and hands the returned value (or the exception) back to
the route, which returns it to FastAPI.

Here the same `WebApp` and catch-all route are called as an ASGI app once per invocation,
without a socket: the request body arrives in frames from the runner (`HttpRequest`,
`HttpDisconnect` of funcls/runner/messages.py) and the response leaves as the app sends it
(`HttpStart`, `HttpBody`, then `HttpEnd`), so each chunk of a streamed response reaches the
client as it is produced.
An invocation without a stream (a by-hand run) gets its whole body at once, and its
response is collected and returned as an ordinary HTTP result.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from funcls.runner.messages import (
    HttpBody,
    HttpDisconnect,
    HttpEnd,
    HttpRequest,
    HttpResponseData,
    HttpStart,
    Invoke,
    Message,
    Result,
)

from . import context as ctx
from .invoke import ProcessExit, exit_code, exit_failure, failure, finish, prepare
from .loader import FunctionInfo

INVOCATION_HEADER = b"x-ms-invocation-id"  # the worker's X_MS_INVOCATION_ID

Send = Callable[[Message], None]
RunInPool = Callable[..., Awaitable[Any]]


class Exchange:
    """One request/response of a streamed invocation, inside the app process."""

    def __init__(self, invocation_id: str, streamed: bool, body: bytes) -> None:
        loop = asyncio.get_running_loop()
        self.id = invocation_id
        self.streamed = streamed
        self.incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        if not streamed:
            self.incoming.put_nowait({"type": "http.request", "body": body, "more_body": False})
        self.request: asyncio.Future[Any] = loop.create_future()
        self.response: asyncio.Future[Any] = loop.create_future()
        self.failed = False  # the function failed: the runner answers with its own 500
        self.task: asyncio.Task[None] | None = None
        # A by-hand run's response, collected.
        self.status = 500
        self.headers: list[tuple[str, str]] = []
        self.body: list[bytes] = []

    def respond(self, value: Any) -> None:
        if isinstance(value, BaseException):
            self.failed = True
        if not self.response.done():
            self.response.set_result(value)

    def collected(self) -> HttpResponseData:
        return {
            "status": self.status,
            "headers": self.headers,
            "cookies": [],
            "body": b"".join(self.body),
        }


class StreamServer:
    """The extension's web app with the worker's catch-all route, and the exchanges of the
    invocations in flight."""

    def __init__(self, base: Any, send: Send) -> None:
        self.base = base
        self.send = send
        self.exchanges: dict[str, Exchange] = {}
        module = importlib.import_module(base.ModuleTrackerMeta.get_module())
        web_app = module.WebApp()
        request_type = base.RequestTrackerMeta.get_request_type()
        exchanges = self.exchanges

        async def catch_all(request: Any) -> Any:
            invocation_id = request.headers.get(INVOCATION_HEADER.decode())
            exchange = exchanges.get(invocation_id or "")
            if exchange is None:
                raise ValueError(f"no invocation {invocation_id} waits for this request")
            if not exchange.request.done():
                exchange.request.set_result(request)
            response = await exchange.response
            if isinstance(response, BaseException):
                raise response
            return response

        # FastAPI reads the parameter's type from the signature: the extension's request type
        # (a real class here, not a string from postponed annotations).
        catch_all.__annotations__ = {"request": request_type, "return": Any}
        web_app.route(catch_all)
        self.asgi = web_app.get_app()

    def open(self, message: Invoke, trigger: str) -> Exchange:
        """Start the ASGI call of an invocation (before its first body frame is fed)."""
        http = _http(message, trigger)
        streamed = message.stream
        body_wire = http.get("body") or (None, b"")
        body = body_wire[1] if isinstance(body_wire[1], bytes) else str(body_wire[1]).encode()
        exchange = Exchange(message.id, streamed, b"" if streamed else body)
        self.exchanges[exchange.id] = exchange
        scope = _scope(http, message.id)
        ctx.current_invocation.set(message.id)
        exchange.task = asyncio.get_running_loop().create_task(self._call(exchange, scope))
        return exchange

    def feed(self, message: HttpRequest | HttpDisconnect) -> None:
        """A frame of a request body from the runner (or the client's disconnect)."""
        exchange = self.exchanges.get(message.id)
        if exchange is None:
            return
        if isinstance(message, HttpDisconnect):
            exchange.incoming.put_nowait({"type": "http.disconnect"})
        else:
            exchange.incoming.put_nowait(
                {"type": "http.request", "body": message.body, "more_body": message.more}
            )

    async def _call(self, exchange: Exchange, scope: dict[str, Any]) -> None:
        error = ""

        async def receive() -> dict[str, Any]:
            return await exchange.incoming.get()

        async def send(event: dict[str, Any]) -> None:
            self._relay(exchange, event)

        try:
            await self.asgi(scope, receive, send)
        except Exception as exc:
            if not exchange.failed:
                # What uvicorn logs for the worker's web server (the function itself
                # succeeded: its value could not be sent, e.g. a pydantic model that fails
                # validation).
                logging.getLogger("uvicorn.error").error(
                    "Exception in ASGI application\n%s: %s", type(exc).__name__, exc
                )
            error = f"{type(exc).__name__}: {exc}"
        finally:
            self.exchanges.pop(exchange.id, None)
            if exchange.streamed:
                self.send(HttpEnd(exchange.id, error))
            if not exchange.request.done():
                exchange.request.set_exception(
                    RuntimeError(f"the request did not reach the function ({error or 'no route'})")
                )

    def _relay(self, exchange: Exchange, event: dict[str, Any]) -> None:
        if exchange.failed:
            return  # the runner answers a failed invocation itself
        kind = event.get("type")
        if kind == "http.response.start":
            status = int(event.get("status", 200))
            headers = [(bytes(k), bytes(v)) for k, v in event.get("headers") or []]
            if exchange.streamed:
                self.send(HttpStart(exchange.id, status, headers))
            else:
                exchange.status = status
                exchange.headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers]
        elif kind == "http.response.body":
            body = bytes(event.get("body", b""))
            more = bool(event.get("more_body", False))
            if exchange.streamed:
                if body or not more:
                    self.send(HttpBody(exchange.id, body, more))
            else:
                exchange.body.append(body)


def _scope(http: dict[str, Any], invocation_id: str) -> dict[str, Any]:
    url = urlsplit(str(http.get("url") or "/"))
    headers = [
        (str(k).lower().encode("latin-1"), str(v).encode("latin-1"))
        for k, v in (http.get("headers") or {}).items()
        if str(k).lower() != INVOCATION_HEADER.decode()
    ]
    headers.append((INVOCATION_HEADER, invocation_id.encode()))
    port = url.port or (443 if url.scheme == "https" else 80)
    return {
        "type": "http",
        # Before 2.4, Starlette's StreamingResponse listens for the client's disconnect and
        # stops the generator (the runner forwards it as http_disconnect).
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": str(http.get("method") or "GET").upper(),
        "scheme": url.scheme or "http",
        "path": url.path or "/",
        "raw_path": (url.path or "/").encode("latin-1", "replace"),
        "query_string": url.query.encode("latin-1", "replace"),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 0),
        "server": (url.hostname or "127.0.0.1", port),
    }


def _call_sync(info: FunctionInfo, invocation_id: str, args: dict[str, Any]) -> Any:
    ctx.invocation_local.invocation_id = invocation_id
    try:
        return info.func(**args)
    finally:
        ctx.flush_prints(invocation_id)
        ctx.invocation_local.invocation_id = None


async def run_streamed(
    server: StreamServer,
    exchange: Exchange,
    info: FunctionInfo,
    message: Invoke,
    run_in_pool: RunInPool,
) -> Result:
    """One invocation of an HTTP function of a streaming app, as the worker runs it;
    ``exchange`` is its request, opened (server.open) when the invocation arrived."""
    start = time.perf_counter()
    trigger = info.http_trigger or ""
    ctx.current_invocation.set(message.id)
    try:
        request = await exchange.request
        params = {k: str(v) for k, v in (_http(message, trigger).get("params") or {}).items()}
        server.base.RequestTrackerMeta.get_synchronizer().sync_route_params(request, params)
        args, outs = prepare(info, message, {trigger: request})
        if info.is_async:
            returned = await info.func(**args)
        else:
            returned = await run_in_pool(_call_sync, info, message.id, args)
        result = finish(info, message, outs, returned, start, encode_return=False)
        exchange.respond(returned)
    except SystemExit as exc:
        exchange.respond(exc)
        code = exit_code(exc)
        raise ProcessExit(code, exit_failure(message, exc, code, start)) from None
    except (Exception, asyncio.CancelledError) as exc:
        exchange.respond(exc)
        return failure(message, exc, start)
    if not exchange.streamed and exchange.task is not None:
        await exchange.task
        result.returned = ("http", exchange.collected())
    return result


def _http(message: Invoke, trigger: str) -> dict[str, Any]:
    kind, value = message.args.get(trigger) or (None, None)
    return value if kind == "http" and isinstance(value, dict) else {}
