"""HTTP connections the runner handed to this app process (`funcls/runner/handoff.py`).

The runner keeps accepting; after it has answered a request for a plain HTTP function on a
keep-alive connection with nothing more to read, it passes the connection's descriptor here
(SCM_RIGHTS over a Unix seqpacket socket) and keeps its own copy. A thread per connection
then reads requests, calls the function in this process and writes the response itself: no
frame to the runner and back per request. What it writes is what the runner's front writes
(`funcls/runner/http_bytes.py`, shared).

Crash isolation: each request is marked in the connection table (`handoff_table.py`) with
plain stores; when this process dies the runner answers a request that has no response yet
with the host's 500 on its copy of the connection. The console lines of the invocations
(Executing/Executed) go to the runner batched (main.Channel: a batch leaves 50 ms after the
last one, sent by the serving thread as a request ends, or by the events thread when requests
stop) and before any other frame, so that the app's own log lines keep their order after
them.

Anything this process does not serve itself — a route it was not given, keys that do not
pass, chunked or partial bodies, `Expect`, `Upgrade`, HTTP/1.0, `Connection` other than
keep-alive, `X-Forwarded-Proto`, a body over the limit, anything the strict parser here does
not accept — goes back to the runner with the bytes read and not answered (messages.Back);
the runner's front answers it (and may hand the connection over again later).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import mmap
import os
import re
import select
import socket
import threading
import time
from email.utils import formatdate
from typing import Any

from funcls.runner import handoff_table as table
from funcls.runner import trace_context, wire
from funcls.runner.http_bytes import (
    Response,
    authorized,
    bad_response_text,
    cors_headers,
    encode_response,
    failed_text,
    failure_lines,
    http_response,
    new_invocation_id,
    parse_query,
    plain_response,
    presented_key,
    response_problem,
    text_response,
)
from funcls.runner.messages import Back, Closed, Conn, Invoke, Result, Setup

from .invoke import ProcessExit, builds_http_request, http_request, run_async, run_sync
from .threads import start_helper

READ_SIZE = 1 << 16
METHODS = frozenset((b"GET", b"POST", b"PUT", b"DELETE", b"PATCH", b"HEAD"))
_TARGET = re.compile(rb"/[!-~]*")  # origin-form, visible ASCII only
# Header lines, each `name: value` and its CRLF: the name a token, no control character but
# tab in the value (RFC 9110 field-value; what the runner's parser refuses too).
_HEADER_LINES = re.compile(rb"(?:[!#$%&'*+.^_`|~0-9A-Za-z-]+:[^\x00-\x08\x0a-\x1f\x7f]*\r\n)*")
# Requests with these headers go back to the runner (its parser and uvicorn's bookkeeping
# handle them): bodies in chunks, 100-continue, protocol switches, the proxy middleware.
_NOT_HERE = frozenset(("transfer-encoding", "expect", "upgrade", "x-forwarded-proto"))
NO_RETRY = {"count": 0, "max": 0}
NO_TRACE: dict[str, Any] = {}  # for a function without a context parameter (never read)
ARM = select.EPOLLIN | select.EPOLLONESHOT
BATCH = 64  # ready connections a lone serving thread takes from one epoll_wait
TEND_EVERY = 0.01  # seconds between looks at a request that may be stalled
STALL = 0.02  # seconds every serving thread spent in its request before one more may start
SWEEP_EVERY = 1.0  # seconds between looks for connections idle past the keep-alive timeout
STALLED_AFTER = 0.1  # seconds of serving threads computing without an answer


class Route:
    __slots__ = (
        "auth",
        "direct",
        "function",
        "http_outputs",
        "info",
        "number",
        "params",
        "return_binding",
        "trigger",
    )

    def __init__(self, raw: tuple[Any, ...]) -> None:
        (
            _method,
            _path,
            self.function,
            self.number,
            self.trigger,
            self.params,
            self.auth,
            outputs,
            self.return_binding,
        ) = raw
        self.http_outputs = frozenset(outputs)
        # This process's function (looked up on the first request) and whether its request
        # object is built directly (invoke.builds_http_request).
        self.info: Any = None
        self.direct = False


class Served:
    """The hand-off socket, the table, the routes the runner gave, and every connection.

    Connections wait in one epoll set, each registered one-shot: a thread that takes a
    ready connection owns it until it re-arms it, reads its requests and runs the function
    itself (no hand-off between threads). One thread serves while requests are quick. When
    every thread is inside a request and the latest of those requests started STALL ago, and a
    serving thread waits (sleep, I/O, a lock) or they have computed for STALLED_AFTER,
    another one starts, up to the invocation pool's size (PYTHON_THREADPOOL_THREAD_COUNT), so
    that as many plain functions run at once as the thread pool allows. (Wall time alone
    would start threads whenever the machine's load delays the serving one; several threads
    taking turns at the GIL cost more than one.)"""

    def __init__(self, worker: Any, address: str, token: bytes) -> None:
        """``worker``: the process's main.Worker (its channel, functions, loop, pool)."""
        self.worker = worker
        self.channel = worker.channel
        self.routes: dict[tuple[bytes, bytes], Route] = {}
        self.setup: Setup | None = None
        self.table: mmap.mmap | None = None
        self.gate = threading.Lock()  # guards the counts and each connection's flags
        self.stopping = False
        self.busy = 0  # connections reading or answering a request now
        self.idle = 0  # threads waiting for a ready connection
        self.threads = 0
        self.tend_asleep = False  # _tend waits for a request to start (tend_wake)
        self.tend_wake = threading.Event()
        self.answered = 0  # requests taken and done (or given back) so far
        self.size = worker.pool.size
        self.connections: dict[int, Connection] = {}  # by descriptor
        # Connections epoll reported ready, taken by a thread along with the one it serves
        # (_serve_forever); disarmed (one-shot) until served.
        self.ready: collections.deque[Connection] = collections.deque()
        self.epoll = select.epoll()
        # Responses a client does not read fast enough, finished by one writer thread so
        # that a serving thread never waits on a client (writers: EPOLLOUT, one-shot).
        self.writers: select.epoll | None = None
        self.writing = 0  # connections with a response parked there
        self._date: tuple[int, list[tuple[bytes, bytes]]] = (0, [])
        # What invocation_trace reads of the settings (os.environ.get costs 0.7 µs a call).
        variable = "APPLICATIONINSIGHTS_ENABLE_AGENT"
        self.environment = {variable: os.environ.get(variable, "")}
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.connect(address)
        self.sock.sendall(token)
        start_helper(self._receive, "funcls-handoff")
        start_helper(self._tend, "funcls-handoff-tend")

    # -- from the runner ----------------------------------------------------------------------

    def _receive(self) -> None:
        while True:
            try:
                data, fds, _flags, _address = socket.recv_fds(self.sock, 1 << 22, 4)
            except OSError:
                return
            if not data:
                for fd in fds:
                    os.close(fd)
                return
            message = wire.decode(data[wire.HEADER.size :])
            if isinstance(message, Setup) and fds:
                self.setup = message
                trace_context.HOST_INSTANCE_ID = message.host_instance
                self.table = mmap.mmap(fds[0], message.slots * table.SIZE)
                os.close(fds[0])
            elif isinstance(message, Conn) and (not fds or self.setup is None):
                # The kernel dropped the descriptor (EMFILE: this process is at its limit of
                # open files; recvmsg sets MSG_CTRUNC), or the table's earlier: the runner
                # still holds the connection and stopped reading it. Give it back, else its
                # client hangs.
                for fd in fds:
                    os.close(fd)
                self.channel.send(Back(message.conn, b""))
            elif isinstance(message, Conn):
                if message.reset:
                    self.routes = {}
                routes = dict(self.routes)
                for raw in message.routes:
                    routes[(raw[0], raw[1])] = Route(raw)
                self.routes = routes  # replaced whole: serving threads read it unlocked
                self._add(Connection(self, message.conn, message.slot, fds[0]))
            else:
                for fd in fds:
                    os.close(fd)

    def _add(self, connection: Connection) -> None:
        with self.gate:
            self.connections[connection.fd] = connection
            start = self.threads == 0
            if start:
                self.threads += 1
        self.epoll.register(connection.fd, ARM)
        if start:
            self._start_thread()

    def _start_thread(self) -> None:
        # Named as the invocation pool's threads (functions may read their thread's name).
        name = f"funcls-invoke_h{self.threads - 1}"
        threading.Thread(target=self._serve_forever, name=name, daemon=True).start()

    # -- serving ------------------------------------------------------------------------------

    def _serve_forever(self) -> None:
        gate = self.gate
        epoll = self.epoll
        ready = self.ready
        connections = self.connections
        thread = threading.get_native_id()
        while True:
            connection: Connection | None
            try:
                connection = ready.popleft()
            except IndexError:
                with gate:
                    self.idle += 1
                try:
                    # A lone serving thread takes every ready connection at once (one
                    # epoll_wait for many requests under load, as an event loop does);
                    # with several, each takes one, so that none holds a ready
                    # connection while another thread waits.
                    events = epoll.poll(-1, BATCH if self.threads == 1 else 1)
                except OSError:
                    events = []
                with gate:
                    self.idle -= 1
                    if self.stopping:
                        return
                    taken = [connections.get(fd) for fd, _event in events]
                    for other in taken[1:]:
                        if other is not None:
                            other.queued = True
                if not taken:
                    continue
                connection = taken[0]
                if len(taken) > 1:
                    # Any thread takes these before it waits again (tend starts one when
                    # this one is held by a function that blocks).
                    ready.extend(other for other in taken[1:] if other is not None)
            if connection is None:
                continue
            with gate:
                if self.stopping:
                    return
                connection.queued = False
                if connection.closed or connection.busy:
                    continue
                connection.since = time.monotonic()
                connection.busy = True
                connection.thread = thread
                self.busy += 1
                if self.tend_asleep:  # the first request after a quiet spell
                    self.tend_asleep = False
                    self.tend_wake.set()
            keep = False
            try:
                keep = connection.step()
            except Exception as error:  # a bug here: give the connection back, not hang
                connection.give_back(b"", error)
            finally:
                with gate:
                    connection.busy = False
                    connection.since = time.monotonic()
                    self.busy -= 1
                    self.answered += 1
            if keep:
                try:
                    epoll.modify(connection.fd, ARM)
                except OSError:
                    connection.close()
            elif connection.pending is not None and not connection.closed:
                self.park(connection)

    def _tend(self) -> None:
        """Start another serving thread when every one has been inside a request for a
        while; close connections idle past the keep-alive timeout (as uvicorn does).

        Timed by the requests themselves, not a fixed tick: it looks again when the latest
        request could first count as stalled (STALL after it started: about 50 looks a
        second under load, each taking the interpreter from the serving thread), and with
        no request under way it sleeps until one starts (`_serve_forever` wakes it) or the
        next sweep of idle connections (SWEEP_EVERY)."""
        sweep = 0.0
        answered = -1
        suspects: set[tuple[int, float]] = set()  # (thread, its request's start) seen asleep
        # (thread, its request's start) -> the thread's CPU time when first seen in it
        computed: dict[tuple[int, float], float | None] = {}
        while True:
            setup = self.setup
            if setup is None:
                time.sleep(TEND_EVERY)
                continue
            now = time.monotonic()
            start = False
            delay = STALL
            idle: list[Connection] = []
            with self.gate:
                if self.stopping:
                    return
                # Every thread inside a request and the latest of them started STALL ago
                # or more: a function blocks (under load requests end and start all the
                # time, and one thread is cheaper than several taking turns at the GIL).
                if self.busy and not self.idle and self.threads < self.size:
                    busy = [c for c in self.connections.values() if c.busy]
                    age = now - max((c.since for c in busy), default=now)
                    if age >= STALL:
                        # Asleep in the same request at two looks in a row (a thread waiting
                        # for the GIL, a moment, looks asleep at one look too), or computing
                        # for STALLED_AFTER of CPU time in it: waiting for a CPU, as under
                        # the machine's load, is neither (another thread would not help).
                        asleep = {(c.thread, c.since) for c in busy if _waiting(c.thread)}
                        start = not asleep.isdisjoint(suspects)
                        suspects = asleep
                        computing = {}
                        for c in busy:
                            key = (c.thread, c.since)
                            used = _cpu_time(c.thread)
                            computing[key] = began = computed.get(key, used)
                            if used is None or began is None:  # no /proc: wall time
                                start = start or now - c.since >= STALLED_AFTER
                            elif used - began >= STALLED_AFTER - STALL:
                                start = True
                        computed = computing
                        if start:
                            self.threads += 1
                            suspects = set()
                            computed = {}
                        else:
                            delay = TEND_EVERY  # look again soon
                    else:
                        delay = STALL - age
                        suspects = set()
                        computed = {}
                else:
                    suspects = set()
                    computed = {}
                quiet = not self.busy and self.answered == answered
                answered = self.answered
                if now - sweep > SWEEP_EVERY:
                    sweep = now
                    for connection in self.connections.values():
                        if (
                            not connection.busy
                            and not connection.queued
                            and connection.pending is None
                            and now - connection.since > setup.keep_alive
                        ):
                            connection.closed = True
                            idle.append(connection)
                if quiet:
                    self.tend_asleep = True
            if start:
                self._start_thread()
            for connection in idle:
                connection.close()
            if quiet:  # nothing answered since the last look: until a request starts
                self.tend_wake.wait(SWEEP_EVERY)
                self.tend_wake.clear()
            else:
                time.sleep(max(delay, 0.001))

    def drain(self) -> None:
        """Start no more requests (the requests under way go on): a stop has begun. A request
        that comes on an idle connection stays unread in its socket, and the runner takes the
        connection back when this process exits."""
        with self.gate:
            self.stopping = True

    def stop(self, drain: float) -> None:
        """Start no more requests; wait (up to ``drain`` seconds) for those under way. The
        runner then takes the idle connections back (nothing of them was read)."""
        with self.gate:
            self.stopping = True
        deadline = time.monotonic() + drain
        while (self.busy or self.writing) and time.monotonic() < deadline:
            time.sleep(0.005)

    def park(self, connection: Connection) -> None:
        """A response the client's socket did not take whole: the writer thread sends the
        rest when the socket has room. The connection reads nothing more meanwhile (not
        re-armed), so a client that never reads holds one response, as uvicorn's flow
        control holds it (it stops reading a connection whose transport's buffer is full)."""
        with self.gate:
            self.writing += 1
            start = self.writers is None
            if start:
                self.writers = select.epoll()
        assert self.writers is not None
        if start:
            start_helper(self._write_forever, "funcls-handoff-writer")
        self.writers.register(connection.fd, select.EPOLLOUT | select.EPOLLONESHOT)

    def _write_forever(self) -> None:
        writers = self.writers
        assert writers is not None
        while True:
            try:
                events = writers.poll(-1, 16)
            except OSError:
                return
            for fd, _event in events:
                connection = self.connections.get(fd)
                if connection is None or connection.pending is None:
                    with contextlib.suppress(OSError, ValueError):
                        writers.unregister(fd)
                    continue
                if not connection.write_more():
                    with contextlib.suppress(OSError, ValueError):
                        writers.modify(fd, select.EPOLLOUT | select.EPOLLONESHOT)

    def date(self, wall: float) -> list[tuple[bytes, bytes]]:
        """uvicorn's default headers as the runner sets them (the date, made once a second;
        ``wall``: time.time() now). The list is shared: read it, do not change it."""
        now = int(wall)
        if self._date[0] != now:
            self._date = (now, [(b"date", formatdate(now, usegmt=True).encode())])
        return self._date[1]


class Connection:
    def __init__(self, served: Served, conn: int, slot: int, fd: int) -> None:
        self.served = served
        self.conn = conn
        self.slot = slot
        self.offset = table.offset(slot)
        self.sock = socket.socket(fileno=fd)
        # Non-blocking, as the runner's asyncio transport has it: O_NONBLOCK belongs to the
        # open file both descriptors share, so a blocking socket here would make the
        # runner's writes block its event loop once the connection is given back.
        self.sock.setblocking(False)
        self.fd = fd
        self.busy = False
        self.queued = False  # taken from epoll, waiting in Served.ready to be served
        self.thread = 0  # the native id of the thread serving it while busy
        self.closed = False
        self.since = time.monotonic()  # when it last started or ended a request
        # The unsent end of a response (Served.park), whether the connection stays open after
        # it, and the bytes read after its request (pipelined: given back once it is sent).
        self.pending: memoryview | None = None
        self.pending_keep = False
        self.rest = b""

    def step(self) -> bool:
        """Read and answer what arrived; False when the connection left this process."""
        table_map = self.served.table
        assert table_map is not None
        # Marked before the read: should this process die before the request is marked
        # running, the runner closes the connection rather than take it back with the
        # request's bytes gone (its client would wait for the keep-alive timeout).
        table_map[self.offset] = table.READING
        try:
            data = self.sock.recv(READ_SIZE)
        except BlockingIOError:  # nothing after all (epoll said readable): wait again
            table_map[self.offset] = table.IDLE
            if table_map[self.offset + 1]:  # graceful server stop meanwhile
                self.close()
                return False
            return True
        except OSError:
            data = b""
        if not data:
            self.close()
            return False
        return self._serve(data)

    def _forget(self) -> None:
        served = self.served
        with served.gate:
            self.closed = True
            served.connections.pop(self.fd, None)
        with contextlib.suppress(OSError, ValueError):
            served.epoll.unregister(self.fd)

    def close(self) -> None:
        self._forget()
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self.served.channel.send(Closed(self.conn))

    def give_back(self, data: bytes, error: Exception | None = None) -> None:
        self._forget()
        self.sock.close()
        self.served.channel.send(Back(self.conn, data))

    def _serve(self, data: bytes) -> bool:
        """Answer every complete request in ``data``; False when the connection has left
        this process (given back or closed) or waits for the writer thread (parked)."""
        while data:
            try:
                request = self._parse(data)
            except Exception:  # a gap in the parser: the runner's front has the last word
                request = None
            if request is None:
                self.give_back(data)
                return False
            used, keep_alive = self._answer(*request, more=len(data) > request[0])
            data = data[used:]
            if data and self.pending is None and keep_alive:
                if self.served.stopping:
                    # Pipelined behind a request that ran into a reload: the old code must
                    # not answer it once the save is loaded; the runner holds it for the
                    # new code (as it holds a request read after the stop began).
                    self.give_back(data)
                    return False
                assert self.served.table is not None
                self.served.table[self.offset] = table.READING  # pipelined: parsed next
            if self.pending is not None:  # the client is not reading: the writer finishes
                self.rest = data  # parked by the serving thread once it let go of it
                return False
            if not keep_alive:
                self.close()
                return False
        return True

    def _parse(self, data: bytes) -> tuple[Any, ...] | None:
        """The parts of the first request in ``data`` when this process serves it, else
        None (the runner will)."""
        end = data.find(b"\r\n\r\n")
        if end < 0:
            return None
        first = data.find(b"\r\n")
        parts = data[:first].split(b" ")
        if len(parts) != 3 or parts[2] != b"HTTP/1.1" or parts[0] not in METHODS:
            return None
        method, target = parts[0], parts[1]
        if not _TARGET.fullmatch(target) or b"#" in target:
            return None
        raw_path, _, query_bytes = target.partition(b"?")
        served = self.served
        route = served.routes.get((method, raw_path))
        if route is None:
            return None
        headers = header_fields(data[first + 2 : end + 2])
        if headers is None:
            return None
        if "connection" in headers and headers["connection"].lower() != "keep-alive":
            return None
        if not _NOT_HERE.isdisjoint(headers):
            return None
        setup = served.setup
        assert setup is not None
        length_text = headers.get("content-length", "0")
        # isascii: str.isdigit() takes latin-1 superscripts (b"\xb2") that int() refuses
        if not (length_text.isascii() and length_text.isdigit()):
            return None
        length = int(length_text)
        if length > setup.max_body or len(data) < end + 4 + length:
            return None
        query = parse_query(query_bytes) if query_bytes else {}
        if setup.keys and not authorized(route.auth, presented_key(query, headers), setup.keys):
            return None
        origin = headers.get("origin", "")
        if len(origin.encode("latin-1")) > table.ORIGIN_MAX:
            return None
        info = route.info
        if info is None:
            info = served.worker.functions.get(route.function)
            if info is None:
                return None
            route.direct = builds_http_request(info)
            route.info = info
        if info.http_stream:
            return None
        body = data[end + 4 : end + 4 + length]
        return end + 4 + length, method, raw_path, query_bytes, query, headers, body, route, info

    def _answer(
        self,
        used: int,
        method: bytes,
        raw_path: bytes,
        query_bytes: bytes,
        query: dict[str, str],
        headers: dict[str, str],
        body: bytes,
        route: Route,
        info: Any,
        *,
        more: bool = False,
    ) -> tuple[int, bool]:
        served = self.served
        setup = served.setup
        assert setup is not None and served.table is not None
        path = raw_path.decode("ascii")
        if "%" in path:
            from urllib.parse import unquote

            path = unquote(path)
        host = headers.get("host", setup.default_host)
        url = f"{setup.scheme}://{host}{path}"
        if query_bytes:
            url = f"{url}?{query_bytes.decode('latin-1')}"
        name = route.function
        method_text = method.decode("ascii")
        invocation_id = new_invocation_id()
        # The trace context only reaches a function through its `context` parameter.
        trace = (
            trace_context.invocation_trace(name, served.environment, headers)
            if info.requires_context
            else NO_TRACE
        )
        given: dict[str, Any] | None = None
        if route.direct:
            request = http_request(method_text, url, headers, query, route.params, body)
            given = {route.trigger: request}
            message = Invoke(invocation_id, name, {}, {}, trace, NO_RETRY)
        else:
            trigger = (
                "http",
                {
                    "method": method_text,
                    "url": url,
                    "headers": headers,
                    "query": query,
                    "params": route.params,
                    "body": ("bytes", body),
                },
            )
            message = Invoke(invocation_id, name, {route.trigger: trigger}, {}, trace, NO_RETRY)
        origin = headers.get("origin", "")
        head = method == b"HEAD"
        wall = time.time()
        start = time.perf_counter()
        # The slot is filled while it still says READING and only then marked RUNNING, by a
        # store of its one state byte: pack_into writes field by field, so the runner's
        # functionTimeout watch (and its crash answer) could read RUNNING beside the start
        # time and invocation id of an empty slot, take the request for 15 hours old and
        # stop the app process (a fresh-clone run: "ran past functionTimeout (1800s)", Id=).
        table.SLOT.pack_into(
            served.table,
            self.offset,
            table.READING,
            0,
            (table.HEAD if head else 0) | (table.MORE if more else 0),
            route.number,
            time.monotonic(),
            wall,
            invocation_id.encode(),
            origin.encode("latin-1"),
        )
        served.table[self.offset] = table.RUNNING
        channel = served.channel
        channel.add(("s", invocation_id, name, wall))
        exit_code: int | None = None
        try:
            if info.is_async:
                result = asyncio.run_coroutine_threadsafe(
                    run_async(info, message, given), served.worker.loop
                ).result()
            else:
                result = run_sync(info, message, given)
        except ProcessExit as exit_:
            result, exit_code = exit_.result, exit_.code
        duration = time.perf_counter() - start
        response, detail, note = _response(route, invocation_id, result)
        channel.add(("f", invocation_id, name, result.ok, duration, detail, wall + duration, note))
        cors = cors_headers(origin, setup.cors_origins, setup.cors_credentials)
        table_map = served.table
        # The runner's graceful stop asked for the connection to end after this answer: as
        # uvicorn's shutdown() of a connection under a request, it says `connection: close`.
        release = bool(table_map[self.offset + 1])
        defaults = served.date(wall + duration)
        data, keep_alive = encode_response(response, defaults, cors, not release, head)
        table_map[self.offset] = table.WRITING
        try:
            # Never wait on the client here: what its socket does not take now is parked
            # for the writer thread (a client that does not read would hold this thread).
            sent = self.sock.send(data)
        except BlockingIOError:
            sent = 0
        except OSError:
            sent = len(data)
            keep_alive = False
        if sent < len(data):
            self.pending = memoryview(data)[sent:]
            self.pending_keep = keep_alive
        else:
            keep_alive = self._written(keep_alive)
        channel.due(wall + duration)  # the console events, once their batch is old enough
        if exit_code is not None:
            served.worker.stop(exit_code)
        return used, keep_alive

    def _written(self, keep_alive: bool) -> bool:
        """A response fully sent: the slot idle again; whether the connection stays."""
        table_map = self.served.table
        assert table_map is not None
        table_map[self.offset] = table.IDLE
        if table_map[self.offset + 1]:  # asked while the answer was being written
            keep_alive = False
        return keep_alive

    def write_more(self) -> bool:
        """The writer thread: send what the socket takes of the parked response; True
        when the connection is done with it (its next request awaited, given back, or
        closed), False to wait for room again."""
        pending = self.pending
        assert pending is not None
        keep_alive = self.pending_keep
        try:
            sent = self.sock.send(pending)
        except BlockingIOError:
            return False
        except OSError:
            sent = len(pending)
            keep_alive = False
        if sent < len(pending):
            self.pending = pending[sent:]
            return False
        self.pending = None
        served = self.served
        with served.gate:
            served.writing -= 1
            self.since = time.monotonic()
        with contextlib.suppress(OSError, ValueError):
            assert served.writers is not None
            served.writers.unregister(self.fd)
        rest, self.rest = self.rest, b""
        if not self._written(keep_alive):
            self.close()
        elif rest:  # pipelined behind it: the runner's front answers those
            self.give_back(rest)
        else:
            try:
                served.epoll.modify(self.fd, ARM)
            except OSError:
                self.close()
        return True


def header_fields(block: bytes) -> dict[str, str] | None:
    """The header lines of a request (``block``: each line with its CRLF) by lower-case
    name, the values of a repeated name joined by ", "; None when a line is not
    `token: value` or a value has a control character other than tab (the runner's front
    answers those). One match checks every line, then one decode: cheaper than a check
    and a decode per line."""
    headers: dict[str, str] = {}
    if not block:
        return headers
    if not _HEADER_LINES.fullmatch(block):
        return None
    for line in block[:-2].decode("latin-1").split("\r\n"):
        name, _, value = line.partition(":")
        name = name.lower()
        value = value.strip(" \t")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def _response(route: Route, invocation_id: str, result: Result) -> tuple[Any, str, str]:
    """The response, the Executed line's detail and a note for the console, as the runner's
    front makes them of the same result (Invoker.start_plain, outcome_response)."""
    name = route.function
    if not result.ok:
        error = result.error or {}
        return (
            text_response(500, failed_text(name, invocation_id, error)),
            "\n".join(failure_lines(error)),
            "",
        )
    http: Any = None
    plain: Response | None = None  # a value that is no HttpResponse, as it is sent
    returned = False
    outputs = result.outputs
    value = result.returned
    if value is not None and value[0] is not None:
        if route.return_binding:
            outputs = {**outputs, "$return": value}
        else:
            returned = True
    for output, wire_value in outputs.items():
        if output in route.http_outputs:
            if wire_value[0] == "http":
                http, plain = wire_value[1], None
            else:
                http, plain = None, plain_response(wire_value)
        elif output == "$return":
            returned = True
    if plain is not None:
        return plain, "", ""
    if http is None:
        return ((200 if returned else 204), [], b""), "", ""
    problem = response_problem(http)
    if problem is not None:
        text = bad_response_text(name, invocation_id, problem)
        return (
            text_response(500, text),
            "",
            text.removeprefix("500 Internal Server Error: ").rstrip(),
        )
    return http_response(http), "", ""


def _cpu_time(thread: int) -> float | None:
    """A thread's time on a CPU so far (s; /proc/self/task/<tid>/schedstat), or None."""
    try:
        with open(f"/proc/self/task/{thread}/schedstat", "rb") as stat:
            return int(stat.read().split()[0]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


def _waiting(thread: int) -> bool:
    """Whether a thread of this process is asleep (blocked in a call) rather than running or
    waiting for a CPU: /proc/self/task/<tid>/stat, the state after the command's ')'."""
    try:
        with open(f"/proc/self/task/{thread}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1][1:2] not in (b"R", b"")
    except (OSError, IndexError):
        return True  # no /proc (not Linux): wall time decides, as a blocked thread would
