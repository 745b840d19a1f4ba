"""Handing keep-alive HTTP connections to the app processes (issue 16), with crash isolation.

The runner keeps accepting and answers the first request of a connection itself (the front,
`host/front.py`). Once it has answered a request for a plain HTTP function and the
connection is idle (nothing more read, nothing pipelined), it passes the connection's
descriptor to an app process (`socket.send_fds` over a Unix seqpacket socket, once per
connection) and stops reading it, keeping its own copy. The app process then serves the
connection's requests itself (`worker/handed.py`): no frame per request between the two
processes.

What the runner still does for those connections:

- It gets them back (messages.Back, with the bytes the app process read and did not answer)
  for every request the app process does not serve itself, and answers those through its
  front as before; it may hand the connection over again afterwards.
- When the app process dies, it reads the connection table (`handoff_table.py`): a request
  that was started and not yet answered gets the host's 500 — the bytes the front answers
  when an app process dies under a request — on the runner's copy of the connection, then
  it is closed, as is one whose response was being written. The idle connections come back
  to the runner, after a graceful stop (reload, a restart of the set: keep-alive clients see
  the new code on their next request) or a crash (a request sent meanwhile is answered).
- functionTimeout: it scans the table and, for a request running past the timeout, answers
  as the front does (500 FunctionTimeout) and kills the app process, as the pool does.
- The console: the app process reports the invocations it ran (messages.Served, batched);
  the runner prints their Executing/Executed lines with the moments they happened.
- A graceful server stop closes idle handed connections and asks the app process to close
  the busy ones after their response (the table's release byte).

On by default; FUNCLS_HTTP_HANDOFF=0 in the environment of `funcls run` turns it off (every
request then crosses both processes), and `--no-http-front` turns it off with the front.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import secrets
import socket
import sys
import tempfile
import time
from typing import TYPE_CHECKING, Any

from funcls.runner import handoff_table as table
from funcls.runner import trace_context, wire
from funcls.runner.functions import crash_in
from funcls.runner.http_bytes import (
    cors_headers,
    encode_response,
    failed_text,
    failure_lines,
    text_response,
)
from funcls.runner.messages import Back, Closed, Conn, Handoff, Message, Served, Setup
from funcls.runner.pool import WorkerProcess, describe_exit

if TYPE_CHECKING:
    import asyncio

    from funcls.runner.functions import RunFunction

# host/front.py's Front and FrontProtocol (it imports this module, not the other way round).
Front = Any
FrontProtocol = Any

ENV = "FUNCLS_HTTP_HANDOFF"
SLOTS = 4096  # connections one app process may hold
WATCH_EVERY = 0.1  # seconds at least between functionTimeout scans (and to the first one)
WATCH_AT_MOST = 1.0  # seconds at most between them (a reload may shorten functionTimeout)


def enabled() -> bool:
    """On unless FUNCLS_HTTP_HANDOFF is 0/false/no (then every request crosses the two
    processes as before; `--no-http-front` turns it off with the front)."""
    if not sys.platform.startswith("linux"):
        return False  # abstract Unix sockets, SO_PEERCRED and epoll: Linux only
    return os.environ.get(ENV, "").strip().lower() not in ("0", "false", "no")


class Link:
    """One app process's side: its hand-off socket, its table, the routes it was given and
    the connections it holds."""

    def __init__(self, worker: WorkerProcess, sock: socket.socket) -> None:
        self.worker = worker
        self.sock = sock
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed with the link)
        os.ftruncate(self.file.fileno(), SLOTS * table.SIZE)
        self.table = mmap.mmap(self.file.fileno(), SLOTS * table.SIZE)
        self.free = list(range(SLOTS - 1, -1, -1))
        self.version = -1  # the route cache's version the app process has
        self.sent: set[tuple[bytes, bytes]] = set()
        self.conns: dict[int, tuple[FrontProtocol, int]] = {}  # conn -> (protocol, slot)
        self.started: set[str] = set()  # invocations whose Executing line was printed
        self.answered: set[int] = set()  # conns the runner answered (functionTimeout)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()
        with contextlib.suppress(BufferError, ValueError):
            self.table.close()
        self.file.close()


class Handoffs:
    """Every app process's link, and the connections handed over."""

    def __init__(self, front: Front, reason: str) -> None:
        self.front = front
        self.state = front.state
        self.reason = reason
        self.address = f"\0funcls-handoff-{os.getpid()}-{secrets.token_hex(8)}"
        self.token = secrets.token_bytes(16)
        self.listener: socket.socket | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.links: dict[WorkerProcess, Link] = {}
        self.asked: set[WorkerProcess] = set()
        self.next_conn = 0
        self.numbers: dict[str, int] = {}
        self.names: list[str] = []
        self.watching = False
        self.keep_alive = 5.0  # uvicorn's timeout_keep_alive, from the first protocol
        self.waiting: list[FrontProtocol] = []  # idle connections no app process could take

    # -- linking app processes ------------------------------------------------------------------

    def _listen(self, loop: asyncio.AbstractEventLoop) -> None:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        listener.bind(self.address)
        listener.listen(64)
        listener.setblocking(False)
        self.listener = listener
        self.loop = loop
        loop.add_reader(listener.fileno(), self._accept)

    def _accept(self) -> None:
        assert self.listener is not None and self.loop is not None
        try:
            sock, _ = self.listener.accept()
        except OSError:
            return
        sock.setblocking(False)
        self.loop.add_reader(sock.fileno(), self._hello, sock)

    def _hello(self, sock: socket.socket) -> None:
        """The app process's token; its pid from the socket's peer credentials."""
        assert self.loop is not None
        self.loop.remove_reader(sock.fileno())
        try:
            token = sock.recv(64)
            creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
        except OSError:
            sock.close()
            return
        pid = int.from_bytes(creds[:4], "little", signed=True)
        worker = next((w for w in self.asked if w.pid == pid), None)
        if token != self.token or worker is None or not worker.alive:
            sock.close()
            return
        self.asked.discard(worker)
        link = Link(worker, sock)
        options = self.state.options
        settings = self.state.settings
        setup = Setup(
            SLOTS,
            dict(self.state.keys or {}),
            list(settings.cors_origins),
            bool(settings.cors_credentials),
            self.keep_alive,
            int(options.max_body),
            "http",
            f"{options.host}:{options.port}",
            trace_context.HOST_INSTANCE_ID,
        )
        try:
            socket.send_fds(sock, [wire.encode(setup)], [link.file.fileno()])
        except OSError:
            link.close()
            return
        self.links[worker] = link
        worker.on_handed = lambda message: self._received(link, message)
        worker.busy_elsewhere = lambda: self._busy(link)
        worker.exited.add_done_callback(lambda _: self._gone(link))
        waiting, self.waiting = self.waiting, []
        for protocol in waiting:
            protocol.offer_soon()

    def _choose(self) -> Link | None:
        """The linked app process holding the fewest connections; app processes not yet
        linked are asked to connect (they take connections from the next offer on)."""
        best: Link | None = None
        if len(self.asked) > 64:
            self.asked = {w for w in self.asked if w.alive}
        for worker in self.front.state.invoker.pool.workers:
            if not worker.alive or worker.stopping or not worker.ready.done():
                continue
            if worker.ready.exception() is not None:
                continue
            link = self.links.get(worker)
            if link is None:
                if worker not in self.asked:
                    self.asked.add(worker)
                    worker.post(Handoff(self.address, self.token))
                continue
            if link.free and (best is None or len(link.conns) < len(best.conns)):
                best = link
        return best

    # -- handing over -------------------------------------------------------------------------

    def offer(self, protocol: FrontProtocol) -> bool:
        """Hand an idle keep-alive connection to an app process; False when none takes it
        now (the runner keeps serving it)."""
        if self.listener is None:
            self.keep_alive = float(protocol.timeout_keep_alive)
            self._listen(protocol.loop)
        link = self._choose()
        if link is None:
            if self.asked and len(self.waiting) < 1024:
                self.waiting.append(protocol)  # offered again once an app process links
            return False
        slot = link.free.pop()
        start = table.offset(slot)
        link.table[start : start + table.SIZE] = bytes(table.SIZE)
        self.next_conn += 1
        conn = self.next_conn
        reset, routes, keys = self._routes(link)
        sock = protocol.transport.get_extra_info("socket")
        try:
            socket.send_fds(
                link.sock, [wire.encode(Conn(conn, slot, reset, routes))], [sock.fileno()]
            )
        except OSError:  # its socket is full or gone: keep the connection here
            link.free.append(slot)
            return False
        if reset:  # only once the app process has them
            link.sent = set()
            link.version = self.front.cache_version
        link.sent.update(keys)
        link.conns[conn] = (protocol, slot)
        protocol.handed = (self, link, conn)
        protocol.transport.pause_reading()
        timer = protocol.timeout_keep_alive_task
        if timer is not None:
            timer.cancel()
            protocol.timeout_keep_alive_task = None
        if self.state.settings.function_timeout is not None and not self.watching:
            self.watching = True
            protocol.loop.call_later(WATCH_EVERY, self._watch)
        return True

    def _routes(self, link: Link) -> tuple[bool, list[tuple[Any, ...]], list[tuple[bytes, bytes]]]:
        """The hot routes the app process does not have yet (all of them after a change of
        the functions)."""
        front = self.front
        reset = link.version != front.cache_version
        routes: list[tuple[Any, ...]] = []
        keys: list[tuple[bytes, bytes]] = []
        for key, found in front.cached_routes():
            if found is None or (not reset and key in link.sent):
                continue
            fn, params = found
            number = self.numbers.get(fn.name)
            if number is None:
                number = self.numbers[fn.name] = len(self.names)
                self.names.append(fn.name)
            outputs = [b.name for b in fn.outputs() if b.kind == "http"]
            has_return = "$return" in fn.view.by_name()
            routes.append(
                (*key, fn.name, number, fn.trigger.name, params, fn.auth_level, outputs, has_return)
            )
            keys.append(key)
        return reset, routes, keys

    # -- from the app process -----------------------------------------------------------------

    def _received(self, link: Link, message: Message) -> None:
        if isinstance(message, Served):
            # Which invocations have their Executing line and not yet their Executed line
            # (a crash or a timeout answers those: _answer), then the lines themselves.
            started = link.started
            for event in message.events:
                if event[0] == "s":
                    started.add(event[1])
                else:
                    started.discard(event[1])
            self.state.invoker.console.replay(message.events, self.reason)
            return
        if isinstance(message, Back):
            held = link.conns.pop(message.conn, None)
            if held is not None:
                link.free.append(held[1])
                self._take_back(held[0], message.data)
        elif isinstance(message, Closed):
            held = link.conns.pop(message.conn, None)
            if held is not None:
                link.free.append(held[1])
                held[0].handed = None
                held[0].transport.close()

    def _take_back(self, protocol: FrontProtocol, data: bytes) -> None:
        protocol.handed = None
        transport = protocol.transport
        if transport.is_closing():
            return
        transport.resume_reading()
        if data:
            protocol.data_received(data)
        else:
            protocol.timeout_keep_alive_task = protocol.loop.call_later(
                protocol.timeout_keep_alive, protocol.timeout_keep_alive_handler
            )

    def _busy(self, link: Link) -> bool:
        return any(link.table[table.offset(slot)] != table.IDLE for _, slot in link.conns.values())

    # -- failures -----------------------------------------------------------------------------

    def _answer(self, link: Link, conn: int, entry: table.Entry, error: dict[str, str]) -> None:
        """The host's 500 for a request the app process will not answer (as the front
        answers a hot request whose app process died or timed out)."""
        protocol, _ = link.conns[conn]
        link.answered.add(conn)
        console = self.state.invoker.console
        name = self.names[entry.function] if entry.function < len(self.names) else "?"
        if entry.id not in link.started:
            console.started(name, entry.id, self.reason, entry.wall)
        duration = max(0.0, time.monotonic() - entry.monotonic)
        console.finished(name, entry.id, False, duration, "\n".join(failure_lines(error)))
        settings = self.state.settings
        cors = cors_headers(entry.origin or None, settings.cors_origins, settings.cors_credentials)
        data, _ = encode_response(
            text_response(500, failed_text(name, entry.id, error)),
            protocol.server_state.default_headers,
            cors,
            self._kept(entry),
            bool(entry.flags & table.HEAD),
        )
        if not protocol.transport.is_closing():
            protocol.transport.write(data)

    def _kept(self, entry: table.Entry) -> bool:
        """Whether a connection whose request the runner answers (its app process died or
        timed out) stays open: not when the app process held a pipelined request behind
        it (lost with the process), nor while the run stops."""
        return not entry.flags & table.MORE and not self.state.invoker.pool.closing

    def _watch(self) -> None:
        """functionTimeout for requests on handed connections."""
        timeout = self.state.settings.function_timeout
        assert self.loop is not None
        if timeout is None or not any(link.conns for link in self.links.values()):
            self.watching = False
            return
        now = time.monotonic()
        # The next scan when the oldest request running now reaches the timeout (one that
        # starts after this scan cannot reach it before now + timeout; the app process writes
        # the start from the same clock), or within WATCH_AT_MOST: the runner no longer wakes
        # ten times a second while connections are handed.
        due = now + timeout
        for link in list(self.links.values()):
            for conn, (_, slot) in list(link.conns.items()):
                entry = table.read(link.table, slot)
                if entry.state != table.RUNNING or conn in link.answered:
                    continue
                if now - entry.monotonic < timeout:
                    due = min(due, entry.monotonic + timeout)
                    continue
                error = {
                    "type": "FunctionTimeout",
                    "message": f"the function ran past functionTimeout ({timeout:g}s) "
                    "and was stopped",
                    "traceback": "",
                }
                self._answer(link, conn, entry, error)
                name = self.names[entry.function] if entry.function < len(self.names) else "?"
                link.worker.kill(
                    f"function '{name}' ran past functionTimeout ({timeout:g}s); "
                    f"the app process (pid {link.worker.pid}) was stopped"
                )
        self.loop.call_later(min(max(due - now, WATCH_EVERY), WATCH_AT_MOST), self._watch)

    def _function(self, number: int) -> RunFunction | None:
        """The function of a handed request's slot (``entry.function``)."""
        return self.state.function(self.names[number]) if number < len(self.names) else None

    def _gone(self, link: Link) -> None:
        """The app process ended: answer, close or take back each of its connections."""
        worker = link.worker
        self.links.pop(worker, None)
        code = worker.exited.result() if not worker.exited.cancelled() else None
        reason = worker.kill_reason or f"the app process (pid {worker.pid}) {describe_exit(code)}"
        closing = self.state.invoker.pool.closing
        for conn, (protocol, slot) in list(link.conns.items()):
            entry = table.read(link.table, slot)
            if entry.state == table.RUNNING:
                if conn not in link.answered:
                    message = reason
                    fn = self._function(entry.function)
                    if worker.kill_reason is None and fn is not None:
                        message = crash_in(reason, fn, self.state.settings.root)
                    error = {"type": "WorkerCrashed", "message": message, "traceback": ""}
                    self._answer(link, conn, entry, error)
                if self._kept(entry):
                    # Answered 500 keep-alive, as the front answers (and Kestrel keeps the
                    # connection of a failed invocation): the client's next request there is
                    # the runner's. The app process read nothing past this request (no MORE),
                    # and its epoll registration is one-shot: nothing of it was read since.
                    # Closed instead, a client that sent its next request (the one behind a
                    # functionTimeout) got a connection reset.
                    self._take_back(protocol, b"")
                    continue
            elif entry.state == table.IDLE and not closing:  # (READING: closed)
                # Between requests, after a graceful stop or a crash alike: a request the
                # client sent meanwhile is still unread in the socket, and the runner
                # answers it (the next app process), as the reference path would. Closed,
                # the client got a reset. A connection the app process was reading from
                # (READING: what it consumed is unknown) is closed, as one being written.
                self._take_back(protocol, b"")
                continue
            protocol.handed = None
            protocol.transport.close()
        link.conns.clear()
        link.close()

    def release(self, protocol: FrontProtocol) -> None:
        """uvicorn's graceful shutdown of a handed connection: closed now when idle, after
        its response otherwise (as uvicorn's own shutdown of a connection)."""
        handed = protocol.handed
        if handed is None:
            return
        link, conn = handed[1], handed[2]
        held = link.conns.get(conn)
        if held is None:
            return
        start = table.offset(held[1])
        # The flag first, then the state: the app process writes the state, then reads the
        # flag, so one of the two sees the other and the connection is closed either way.
        link.table[start + 1] = 1
        if link.table[start] == table.IDLE:
            with contextlib.suppress(OSError):
                fd = protocol.transport.get_extra_info("socket").fileno()
                copy = socket.socket(fileno=os.dup(fd))
                copy.shutdown(socket.SHUT_RDWR)
                copy.close()
