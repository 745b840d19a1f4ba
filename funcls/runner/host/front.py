"""The HTTP front of `funcls run`: the hot path without ASGI, and connection timeouts.

uvicorn's httptools protocol, with two changes (issue 16, issue 17):

- A request for a plain HTTP function (no input or non-HTTP output bindings, no streaming,
  not under /admin or the durable API, no CORS preflight, keys passing) is served straight
  from the parser's callbacks: routed through a cache keyed by (method, path), its invoke
  frame built from the parsed bytes, the app process's result turned into the response bytes
  and written, with no ASGI scope, receive/send coroutines or task. Everything else — and
  everything the hot path cannot answer itself (404, 401, 413 by Content-Length, a restart
  under way) — goes to `RunnerApp` through uvicorn unchanged, so both paths answer the same
  bytes (`tests/runner/test_run_front.py` compares them).
- Timeouts uvicorn lacks: a connection that sends nothing is closed after the keep-alive
  timeout (uvicorn arms it only after a response), and one whose request headers do not
  complete within HEADER_TIMEOUT gets 408 and is closed, as Kestrel's
  `KestrelServerLimits.RequestHeadersTimeout` (30 s) does in front of the Functions host;
  before, a client that never finished its headers held its connection for good. A request
  body must arrive at MIN_BODY_RATE on average after BODY_GRACE (Kestrel's
  `MinRequestBodyDataRate`), else 408 too.

Pipelining, keep-alive, `Expect: 100-continue`, HEAD, `Connection: close` and graceful
shutdown go through uvicorn's own bookkeeping: a hot request takes uvicorn's place as the
protocol's `cycle` (the attributes uvicorn reads of a cycle, nothing more).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from funcls.runner.durable.runtime import PATHS as DURABLE_PATHS
from funcls.runner.handoff import Handoffs
from funcls.runner.handoff import enabled as handoff_enabled
from funcls.runner.host.app import RunnerApp
from funcls.runner.host.http_trigger import (
    Response,
    http_payload,
    outcome_response,
    text_response,
)
from funcls.runner.http_bytes import (
    authorized,
    cors_headers,
    encode_response,
    parse_query,
    presented_key,
)
from funcls.runner.invocation import Outcome, is_plain_http

if TYPE_CHECKING:
    from funcls.runner.functions import RunFunction

_LOG = logging.getLogger("uvicorn.error")
HEADER_TIMEOUT = 30.0  # seconds: Kestrel's RequestHeadersTimeout default
# Kestrel's MinRequestBodyDataRate default (KestrelServerLimits in dotnet/aspnetcore): a
# request body must arrive at 240 bytes/s on average once a 5 s grace period has passed, else
# the request ends with 408 (RequestRejectionReason.RequestBodyTimeout). Like Kestrel, time
# during which the app is not reading (flow control, a 100-continue not yet sent) is not counted.
MIN_BODY_RATE = 240.0  # bytes per second
BODY_GRACE = 5.0  # seconds
REASON = "This function was programmatically called via the host APIs."
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
TIMEOUT_408 = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\ncontent-length: %d\r\n\r\n%s"
)

# (function, route parameters) for a path below the prefix, or None when the hot path does
# not take it (the RunnerApp answers).
Route = tuple["RunFunction", dict[str, str]] | None


class Front:
    """What the hot path knows of the run: the ASGI app (its route matching and state) and
    the route cache for the current set of functions."""

    def __init__(self, app: RunnerApp) -> None:
        self.app = app
        self.state = app.state
        self._version = -1
        self._routes: dict[tuple[bytes, bytes], Route] = {}
        # Idle keep-alive connections handed to app processes (handoff.py), when on.
        self.handoffs: Handoffs | None = Handoffs(self, REASON) if handoff_enabled() else None

    @property
    def cache_version(self) -> int:
        return self._version

    def cached_routes(self) -> list[tuple[tuple[bytes, bytes], Route]]:
        """The routes looked up since the functions last changed (None: not hot)."""
        return list(self._routes.items())

    def route(self, method: bytes, raw_path: bytes) -> Route:
        """The plain HTTP function for a method and raw path (no query), if the hot path
        may serve it; answers are cached per set of functions."""
        state = self.state
        if state.version != self._version:
            self._routes.clear()
            self._version = state.version
        key = (method, raw_path)
        try:
            return self._routes[key]
        except KeyError:
            pass
        found = self._find(method.decode("latin-1"), raw_path.decode("latin-1"))
        if len(self._routes) > 4096:
            self._routes.clear()
        self._routes[key] = found
        return found

    def _find(self, method: str, raw: str) -> Route:
        if method == "OPTIONS" or raw == "/admin" or raw.startswith(("/admin/", *DURABLE_PATHS)):
            return None
        if self.state.reloading is not None:
            # A reload is under way (the runner bumps the version, so this cache is new): the
            # RunnerApp's availability check holds the request for the new code.
            return None
        prefix = self.state.settings.route_prefix
        if prefix:
            lead = "/" + prefix.lower()
            lowered = raw.lower()
            if not (lowered == lead or lowered.startswith(lead + "/")):
                return None
            raw = raw[len(lead) :]
        found = self.app._match(method, raw)
        if found is None:
            return None
        fn, params = found
        if fn.disabled or not is_plain_http(fn):
            return None
        return fn, params


def front_protocol(
    front: Front | None,
    header_timeout: float = HEADER_TIMEOUT,
    body_grace: float = BODY_GRACE,
    min_body_rate: float = MIN_BODY_RATE,
) -> type[FrontProtocol]:
    """The protocol class for uvicorn's Config(http=…), bound to a run's front (None: no
    hot path, only the timeouts)."""
    return type(
        "BoundFrontProtocol",
        (FrontProtocol,),
        {
            "front": front,
            "header_timeout": header_timeout,
            "body_grace": body_grace,
            "min_body_rate": min_body_rate,
        },
    )


class FrontProtocol(HttpToolsProtocol):
    front: Front | None = None
    header_timeout: float = HEADER_TIMEOUT
    body_grace: float = BODY_GRACE
    min_body_rate: float = MIN_BODY_RATE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (Handoffs, its link, connection number) while an app process holds the connection
        self.handed: tuple[Handoffs, Any, int] | None = None
        self.header_timer: asyncio.TimerHandle | None = None
        self.in_headers = False  # a request has begun and its headers are not complete
        self.body_timer: asyncio.TimerHandle | None = None
        self.in_body = False  # headers complete, the body's end not yet read
        self.body_since = 0.0  # when the body rate's clock last (re)started
        self.body_bytes = 0  # body bytes read since then
        self.body_unread = False  # the app was not reading at the clock's last check

    # -- timeouts -----------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # uvicorn arms its keep-alive timeout only after a response: a connection that never
        # sends a byte would stay open for good.
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler
        )

    def shutdown(self) -> None:
        if self.handed is not None:
            self.handed[0].release(self)
        else:
            super().shutdown()

    def offer_soon(self) -> None:
        """After a hot response: hand the connection to an app process if it is idle then
        (checked once the parser's callbacks for what was read have all run)."""
        if self.front is not None and self.front.handoffs is not None and self.handed is None:
            self.loop.call_soon(self._offer)

    def _offer(self) -> None:
        front = self.front
        cycle = self.cycle
        if (
            front is None
            or front.handoffs is None
            or self.handed is not None
            or self.in_headers
            or self.in_body
            or self.pipeline
            or self.flow.read_paused
            or self.transport.is_closing()
            # A response still in the transport's buffer (a slow reader): the app process
            # would write its next answer before the rest of it. The next answer offers again.
            or self.transport.get_write_buffer_size()
            or (cycle is not None and not cycle.response_complete)
            or (cycle is not None and not cycle.keep_alive)
        ):
            return
        front.handoffs.offer(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        self._cancel_body_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.in_headers and self.header_timer is None:
            self.header_timer = self.loop.call_later(self.header_timeout, self._headers_late)
        # Only a body that spans reads gets a clock: a request read whole in one costs nothing.
        if self.in_body and self.body_timer is None and not self.transport.is_closing():
            self.body_unread = False
            self._restart_body_clock()

    def _restart_body_clock(self) -> None:
        self.body_since = self.loop.time()
        self.body_bytes = 0
        self.body_timer = self.loop.call_later(self.body_grace, self._body_check)

    def _cancel_body_timer(self) -> None:
        if self.body_timer is not None:
            self.body_timer.cancel()
            self.body_timer = None

    def _body_check(self) -> None:
        self.body_timer = None
        if not self.in_body or self.transport.is_closing():
            return
        cycle = self.cycle
        if self.flow.read_paused or getattr(cycle, "waiting_for_100_continue", False):
            self.body_unread = True
            self._restart_body_clock()  # the app is not reading: not the client's delay
            return
        if self.body_unread:
            # The app began reading since the last check (it sent the 100 Continue, or read
            # again): the client gets a whole grace from now, not what was left of the
            # interval. A 100 Continue sent just before a check was followed by the 408 at
            # once (tests/runner/test_front_body_rate.py, seen in a full CI run under load).
            self.body_unread = False
            self._restart_body_clock()
            return
        elapsed = self.loop.time() - self.body_since
        if self.body_bytes >= self.min_body_rate * elapsed:
            self.body_timer = self.loop.call_later(1.0, self._body_check)
            return
        self.in_body = False
        if cycle is not None:
            cycle.disconnected = True
            cycle.message_event.set()  # a function waiting for the body sees the disconnect
        self._timed_out(
            f"the request body arrived slower than {self.min_body_rate:g} bytes/s",
            answer=cycle is None or not getattr(cycle, "response_started", False),
        )

    def _cancel_header_timer(self) -> None:
        if self.header_timer is not None:
            self.header_timer.cancel()
            self.header_timer = None

    def _headers_late(self) -> None:
        self.header_timer = None
        if self.transport.is_closing() or not self.in_headers:
            return
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            # A pipelined request's headers wait behind a response still being made: the
            # 408 must not cut into it. Look again later.
            self.header_timer = self.loop.call_later(self.header_timeout, self._headers_late)
            return
        self._timed_out(f"the request headers did not arrive within {self.header_timeout:g}s")

    def _timed_out(self, reason: str, answer: bool = True) -> None:
        """Close the connection, first answering 408 with the reason unless a response to the
        request has already begun."""
        if answer:
            body = f"408 Request Timeout: {reason}\n".encode()
            self.transport.write(TIMEOUT_408 % (len(body), body))
        self.transport.close()

    # -- parser callbacks ---------------------------------------------------------------------

    def on_message_begin(self) -> None:
        # What uvicorn's on_message_begin resets, without its ASGI scope: that is built only
        # for a request the RunnerApp answers (_asgi_scope).
        self.in_headers = True
        self.url = b""
        self.expect_100_continue = False
        self.headers = []

    def _asgi_scope(self) -> None:
        """uvicorn's scope for this request, from its own on_message_begin, keeping what the
        parser has read so far (the scope's header list is self.headers)."""
        url, headers, expect = self.url, self.headers, self.expect_100_continue
        super().on_message_begin()
        self.url, self.expect_100_continue = url, expect
        self.headers.extend(headers)

    def on_headers_complete(self) -> None:
        self.in_headers = False
        self._cancel_header_timer()
        self.in_body = True
        front = self.front
        if front is not None:
            cycle = self._hot_cycle(front)
            if cycle is not None:
                existing = self.cycle
                self.cycle = cycle  # type: ignore[assignment]
                if existing is None or existing.response_complete:
                    cycle.begin()
                else:  # pipelined: uvicorn starts it when the previous response is done
                    self.flow.pause_reading()
                    self.pipeline.appendleft((cycle, self.app))  # type: ignore[arg-type]
                return
        self._asgi_scope()
        super().on_headers_complete()

    def _start_asgi_task(self, cycle: Any, app: Any) -> None:
        if isinstance(cycle, HotCycle):
            cycle.begin()
        else:
            super()._start_asgi_task(cycle, app)

    def on_body(self, body: bytes) -> None:
        self.body_bytes += len(body)
        cycle = self.cycle
        if isinstance(cycle, HotCycle):
            cycle.feed(body)
        else:
            super().on_body(body)

    def on_message_complete(self) -> None:
        self.in_body = False
        self._cancel_body_timer()
        cycle = self.cycle
        if isinstance(cycle, HotCycle):
            cycle.complete()
        else:
            super().on_message_complete()

    def _hot_cycle(self, front: Front) -> HotCycle | None:
        """A HotCycle for this request, or None when the RunnerApp is to answer it."""
        parser = self.parser
        if parser.should_upgrade():
            return None
        method = parser.get_method()
        url = httptools.parse_url(self.url)
        raw_path: bytes = url.path
        routed = front.route(method, raw_path)
        if routed is None:
            return None
        headers: dict[str, str] = {}
        for raw_name, raw_value in self.headers:
            name = raw_name.decode("latin-1")
            value = raw_value.decode("latin-1")
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        if "x-forwarded-proto" in headers:
            return None  # uvicorn's proxy headers middleware may change the scheme: the app
        state = front.state
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > state.options.max_body:
            return None  # 413 before the body, from the RunnerApp
        fn, params = routed
        query_bytes: bytes = url.query or b""
        query = parse_query(query_bytes) if query_bytes else {}
        if state.keys and not authorized(fn.auth_level, presented_key(query, headers), state.keys):
            return None  # 401 from the RunnerApp
        path = raw_path.decode("ascii")
        if "%" in path:
            path = unquote(path)
        host = headers.get("host", f"{state.options.host}:{state.options.port}")
        qs = query_bytes.decode("latin-1")
        full_url = f"{self.scheme}://{host}{path}" + (f"?{qs}" if qs else "")
        http_version = parser.get_http_version()
        keep_alive = http_version != "1.0" and parser.should_keep_alive()
        return HotCycle(
            self,
            front,
            fn,
            method.decode("ascii"),
            full_url,
            headers,
            query,
            params,
            keep_alive,
        )


class HotCycle:
    """One request to a plain HTTP function, from its headers to its response bytes.

    It stands in for uvicorn's RequestResponseCycle on the protocol: uvicorn reads
    `response_complete`, `keep_alive`, `disconnected` and `message_event.set()` of it."""

    __slots__ = (
        "chunks",
        "complete_body",
        "disconnected",
        "fn",
        "front",
        "headers",
        "keep_alive",
        "message_event",
        "method",
        "params",
        "protocol",
        "query",
        "response_complete",
        "size",
        "started",
        "too_large",
        "url",
        "waiting_for_100_continue",
    )

    def __init__(
        self,
        protocol: FrontProtocol,
        front: Front,
        fn: RunFunction,
        method: str,
        url: str,
        headers: dict[str, str],
        query: dict[str, str],
        params: dict[str, str],
        keep_alive: bool,
    ) -> None:
        self.protocol = protocol
        self.front = front
        self.fn = fn
        self.method = method
        self.url = url
        self.headers = headers
        self.query = query
        self.params = params
        self.keep_alive = keep_alive
        self.chunks: list[bytes] = []
        self.size = 0
        self.complete_body = False
        self.started = False
        self.too_large = False
        self.disconnected = False
        self.response_complete = False
        self.message_event = _NoEvent
        self.waiting_for_100_continue = protocol.expect_100_continue

    # -- request ------------------------------------------------------------------------------

    def begin(self) -> None:
        """Its turn on the connection has come (at once, or after a pipelined one)."""
        self.started = True
        if self.too_large:
            self._too_large()
            return
        if self.waiting_for_100_continue:
            # As uvicorn when the app first reads the body (the RunnerApp reads it at once).
            self.waiting_for_100_continue = False
            if not self.protocol.transport.is_closing():
                self.protocol.transport.write(CONTINUE)
        if self.complete_body:
            self._invoke()

    def feed(self, chunk: bytes) -> None:
        if self.response_complete or self.too_large:
            return
        self.chunks.append(chunk)
        self.size += len(chunk)
        if self.size > self.front.state.options.max_body:
            # As RunnerApp.read_body: 413 as soon as the body passes the limit; the rest of
            # it is read and dropped.
            self.too_large = True
            self.chunks = []
            if self.started:
                self._too_large()

    def complete(self) -> None:
        self.complete_body = True
        if self.started and not self.too_large and not self.response_complete:
            self._invoke()

    def _too_large(self) -> None:
        limit = self.front.state.options.max_body
        self._respond(text_response(413, f"413 Payload Too Large: the limit is {limit} bytes\n"))

    def _invoke(self) -> None:
        try:
            self._start()
        except Exception as error:  # a bug here must answer, as uvicorn does for the app
            self._failed(error)

    def _start(self) -> None:
        fn = self.fn
        state = self.front.state
        payload = http_payload(
            self.method,
            self.url,
            self.headers,
            self.query,
            self.params,
            self.chunks[0] if len(self.chunks) == 1 else b"".join(self.chunks),
            binding_data=fn.uses_binding_data,
        )
        if not state.invoker.start_plain(fn, payload.data, REASON, self._finished):
            # No app process can take it now (loading, restarting): the coroutine path
            # waits for one as the RunnerApp's requests do.
            task = asyncio.get_running_loop().create_task(self._invoke_waiting(payload))
            tasks = self.protocol.tasks
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    async def _invoke_waiting(self, payload: Any) -> None:
        try:
            outcome = await self.front.state.invoker.invoke(
                self.fn, payload.data, payload.metadata, payload.binding_data, REASON
            )
        except Exception as error:
            self._failed(error)
            return
        self._finished(outcome)

    # -- response -----------------------------------------------------------------------------

    def _finished(self, outcome: Outcome) -> None:
        try:
            response = outcome_response(outcome, self.front.state.invoker.console.say)
            data = self._encode(response)
        except Exception as error:
            self._failed(error)
            return
        self._write(data)

    def _failed(self, error: Exception) -> None:
        """What uvicorn answers when the ASGI app raises before its response: the traceback
        in its error log, 500 and the connection closed."""
        _LOG.error("Exception in the HTTP front", exc_info=error)
        self.keep_alive = False
        self._write(
            b"".join(
                (
                    STATUS_LINE[500],
                    *(name + b": " + value + b"\r\n" for name, value in self._defaults()),
                    b"content-type: text/plain; charset=utf-8\r\ncontent-length: 21\r\n"
                    b"connection: close\r\n\r\nInternal Server Error",
                )
            )
        )

    def _defaults(self) -> list[tuple[bytes, bytes]]:
        defaults: list[tuple[bytes, bytes]] = self.protocol.server_state.default_headers
        return defaults

    def _respond(self, response: Response) -> None:
        self._write(self._encode(response))

    def _write(self, data: bytes) -> None:
        if self.response_complete:
            return
        self.response_complete = True
        protocol = self.protocol
        transport = protocol.transport
        if not self.disconnected and not transport.is_closing():
            transport.write(data)
            if not self.keep_alive:
                transport.close()
        protocol.on_response_complete()
        protocol.offer_soon()

    def _encode(self, response: Response) -> bytes:
        """The bytes uvicorn writes for the RunnerApp's `_send` of the same response: its
        default headers (date), the response's, CORS, then content-length."""
        state = self.front.state
        cors = cors_headers(
            self.headers.get("origin"), state.settings.cors_origins, state.settings.cors_credentials
        )
        data, self.keep_alive = encode_response(
            response, self._defaults(), cors, self.keep_alive, self.method == "HEAD"
        )
        return data


class _NoEventType:
    """uvicorn sets its cycle's message event when the connection is lost; a hot cycle waits
    for no event."""

    __slots__ = ()

    def set(self) -> None:
        pass


_NoEvent = _NoEventType()
