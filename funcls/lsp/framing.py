"""Reading LSP messages from a byte stream that may be wrong (issue 17), on stdio and TCP.

pygls' reader (``pygls.io_.run_async``) trusts ``Content-Length``: a length far larger than
the body blocks it until that many bytes arrive (the following messages are swallowed into the
body), ``Content-Length: 99999999999`` asks the buffered reader for 93 GiB and the server
dies, and a length a few bytes too long makes the body invalid and eats the start of the next
header, after which the stream never recovers. Malformed JSON is logged and never answered.

:class:`Framer` splits the stream itself and recovers:

* a body holding one complete JSON value followed (after white space) by the next
  ``Content-Length`` header is cut there: the declared length was too long;
* a body still short of its declared length after a pause (:data:`PAUSE_S`) in which nothing
  arrived, but already one complete JSON value, is taken as it is (a client that sent a wrong
  length and waits for the answer);
* a length above :data:`MAX_BODY` is not believed: the body ends where its JSON value ends;
* bytes before a header that are no header (what a too-short length leaves) are dropped;
* a body that is not JSON gets "Parse error" (-32700), a JSON value that is no message (an
  array, a number, an object without ``jsonrpc``) "Invalid Request" (-32600), both with
  ``id: null`` as JSON-RPC 2.0 section 5 says (the message's own id when it has one).

A complete JSON value is a whole message: bytes after it inside the declared length could
only make the body invalid, so cutting there loses nothing a correct client sent.

**Ordering.** :func:`run_framed` hands every message to the protocol on the event loop, one
per loop turn (:func:`next_turn`), as pygls' reader does implicitly: it awaits a thread for
each header line and body, so between two messages the loop always runs what the first one
scheduled — the first step of a coroutine handler and zero-delay timers such as the
re-indexing ``didOpen`` schedules (``FunclsServer.schedule(path, 0)``). The first version of
this reader (commit 7756457) handled all messages of one read back to back in a single turn;
``didOpen`` followed at once by ``completion`` then completed against the app indexed from
disk, because the re-indexing timer had not run yet (3 of 3 parallel runs of
``tests/lsp/test_completion.py`` failed; with one turn per message, 0 of 3).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import sys
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, BinaryIO

log = logging.getLogger(__name__)

MAX_BODY = 256 * 1024 * 1024  # a larger Content-Length is not believed
MAX_HEADER = 64 * 1024  # this many bytes without a blank line are no header
PAUSE_S = 0.5  # silence after which a complete value ends a body still short of its length
CHUNK = 64 * 1024
MAX_CHUNKS_AHEAD = 64  # stdin chunks read ahead of the loop (4 MiB), then the reader waits

_LENGTH = re.compile(rb"content-length[ \t]*:[ \t]*([0-9]+)", re.IGNORECASE)
_HEADER_START = re.compile(rb"content-length", re.IGNORECASE)
_WHITE = b" \t\r\n"
_DECODER = json.JSONDecoder()


class Framer:
    """Feed bytes in (:meth:`feed`), take message bodies out (:meth:`next_body`). No I/O;
    what it repaired is in :attr:`notes` for the caller to log."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.length: int | None = None  # declared length of the body being read (None: unusable)
        self.in_body = False
        self.scanned = 0  # how far the body was searched for a following header
        self.notes: list[str] = []

    def feed(self, data: bytes) -> None:
        self.buf += data

    def waiting_for_body(self) -> bool:
        return self.in_body

    def next_body(self, paused: bool = False) -> bytes | None:
        """The next message body, or None until more bytes arrive. ``paused``: nothing
        arrived for :data:`PAUSE_S` (a body short of its length may end now)."""
        while True:
            if not self.in_body:
                if not self._read_header():
                    return None
                continue
            return self._read_body(paused)

    # -- headers ---------------------------------------------------------------------------
    def _read_header(self) -> bool:
        buf = self.buf
        start = 0
        while start < len(buf) and buf[start] in _WHITE:
            start += 1
        end = buf.find(b"\r\n\r\n", start)
        if end < 0:
            if len(buf) - start > MAX_HEADER:
                last = _last_header_start(buf, start)
                drop = last if last is not None and last > start else len(buf)
                self.notes.append(f"dropped {drop} bytes that are no LSP header")
                del buf[:drop]
            elif start:
                del buf[:start]
            return False
        block = bytes(buf[start:end])
        del buf[: end + 4]
        matches = list(_LENGTH.finditer(block))
        if not matches:
            self.notes.append(f"dropped a header without Content-Length ({len(block)} bytes)")
            return True  # the caller loops: look for the next header
        match = matches[-1]
        if match.start() > 0 and not block[: match.start()].endswith(b"\n"):
            self.notes.append(
                f"dropped {match.start()} bytes before a Content-Length header (the previous "
                "message's declared length was too short)"
            )
        digits = match.group(1)
        value = int(digits) if len(digits) <= 12 else MAX_BODY + 1
        if value > MAX_BODY:
            self.notes.append(
                f"Content-Length {digits[:20].decode()} is over {MAX_BODY} bytes; the body "
                "is read up to the end of its JSON value"
            )
            self.length = None
        else:
            self.length = value
        self.in_body = True
        self.scanned = 0
        return True

    # -- bodies ----------------------------------------------------------------------------
    def _read_body(self, paused: bool) -> bytes | None:
        buf = self.buf
        length = self.length
        if length is not None and len(buf) >= length:
            body = bytes(buf[:length])
            cut = _cut_before_header(body)
            if cut is not None:
                self.notes.append(
                    f"Content-Length {length} was {length - cut[1]} bytes too long; the next "
                    "header was found after the message"
                )
                return self._take(cut[0], cut[1])
            return self._take(body, length)
        # Not all declared bytes yet: a following header or a pause may end the body early.
        # Only the new bytes are searched (16 back: a header split between two reads).
        found = _HEADER_START.search(buf, max(0, self.scanned - 16))
        self.scanned = len(buf)
        if found is not None or paused:
            whole = _complete_value(bytes(buf))
            if whole is not None:
                value_end, rest = whole
                what = ""
                if found is not None and rest == found.start():
                    what = "the next header arrived before it"
                elif paused and rest == len(buf):
                    what = "nothing more arrived"
                if what:
                    declared = "over the limit" if length is None else f"{length}"
                    self.notes.append(
                        f"a body declared {declared} bytes long ended after {value_end} "
                        f"bytes ({what}); taken as it is"
                    )
                    return self._take(bytes(buf[:value_end]), rest)
        if length is None and len(buf) > MAX_BODY:
            self.notes.append(f"dropped {len(buf)} bytes of a body without a usable length")
            self.buf.clear()
            self.in_body = False
        return None

    def _take(self, body: bytes, consumed: int) -> bytes:
        del self.buf[:consumed]
        self.in_body = False
        self.length = None
        self.scanned = 0
        return body


def _last_header_start(buf: bytearray, start: int) -> int | None:
    found = None
    for m in _HEADER_START.finditer(buf, start):
        found = m.start()
    return found


def _complete_value(data: bytes) -> tuple[int, int] | None:
    """(end of the first JSON value, end of the white space after it), in bytes, when
    ``data`` starts with a complete JSON object or array; None otherwise."""
    text = data.decode("utf-8", "surrogateescape")
    i = 0
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    if i >= len(text) or text[i] not in "{[":
        return None
    try:
        _, end = _DECODER.raw_decode(text, i)
    except (ValueError, RecursionError):
        return None
    rest = end
    while rest < len(text) and text[rest] in " \t\r\n":
        rest += 1
    value_end = len(text[:end].encode("utf-8", "surrogateescape"))
    return value_end, value_end + (rest - end)


def _cut_before_header(body: bytes) -> tuple[bytes, int] | None:
    """When ``body`` is one JSON value and then the start of the next message's header: (the
    value, the number of bytes before that header)."""
    if _HEADER_START.search(body) is None:
        return None
    whole = _complete_value(body)
    if whole is None:
        return None
    value_end, rest = whole
    if rest < len(body) and _HEADER_START.match(body, rest):
        return body[:value_end], rest
    return None


# -- messages ------------------------------------------------------------------------------
def answer_error(protocol: Any, code: int, message: str, msg_id: Any = None) -> None:
    protocol._send_data(
        {"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}}
    )


def dispatch(protocol: Any, body: bytes) -> None:
    """Decode one body and hand it to the protocol; answer what cannot be handled."""
    try:
        message = json.loads(body, object_hook=protocol.structure_message)
    except (ValueError, RecursionError) as error:  # JSONDecodeError, UnicodeDecodeError
        detail = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        answer_error(protocol, -32700, f"Parse error: the message is not valid JSON ({detail})")
        return
    # structure_message turns every object holding "jsonrpc" into a message object; what
    # stays a dict, a list or a scalar is no message.
    if isinstance(message, (dict, list, str, int, float, bool)) or message is None:
        msg_id = message.get("id") if isinstance(message, dict) else None
        if not isinstance(msg_id, (str, int)) or isinstance(msg_id, bool):
            msg_id = None
        answer_error(
            protocol,
            -32600,
            'Invalid Request: an LSP message is a JSON object with "jsonrpc": "2.0" '
            f"(got {type(message).__name__})",
            msg_id,
        )
        return
    version = getattr(message, "jsonrpc", None)
    if version is not None and version != "2.0":  # (funcls' Undecodable has none)
        # pygls drops such a message with a log line; a request then waits for ever.
        msg_id = getattr(message, "id", None)
        if getattr(message, "method", None) is not None and msg_id is not None:
            answer_error(
                protocol,
                -32600,
                f'Invalid Request: "jsonrpc" must be "2.0", not {version!r}',
                msg_id,
            )
        else:
            log.warning("dropped a message with jsonrpc %r", version)
        return
    protocol.handle_message(message)


async def next_turn() -> None:
    """Return after the event loop has run everything ready now, zero-delay timers included.

    A future resolved by a zero-delay timer: timers due now go to the ready queue in the same
    loop turn, and the waiting coroutine resumes only in a later turn (a future's callbacks
    are scheduled, never called in place)."""
    loop = asyncio.get_running_loop()
    turn: asyncio.Future[None] = loop.create_future()
    loop.call_later(0, _resolve, turn)
    await turn


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


ErrorHandler = Callable[[Exception, type], Any]


async def run_framed(
    stop_event: threading.Event,
    read: Callable[[], Awaitable[bytes]],
    protocol: Any,
    error_handler: ErrorHandler | None = None,
    deliver: Callable[[bytes], Awaitable[None]] | None = None,
) -> None:
    """The read loop: chunks from ``read()`` (``b""`` at the end) through a :class:`Framer`
    to ``protocol``, one message per loop turn. With ``deliver`` every body goes to it instead
    (``startup.EarlyStart``: the server is still being imported); it handles its own errors,
    and what it raises ends the loop."""
    framer = Framer()
    pending: asyncio.Future[bytes] | None = None
    pause_checked = False

    def log_notes() -> None:
        for note in framer.notes:
            log.warning("LSP stream: %s", note)
        framer.notes.clear()

    async def handle(body: bytes) -> None:
        if deliver is not None:
            await deliver(body)
        else:
            try:
                dispatch(protocol, body)
            except Exception as exc:
                log.exception("Unable to handle message")
                if error_handler:
                    from pygls.exceptions import JsonRpcException

                    error_handler(exc, JsonRpcException)
        await next_turn()

    while not stop_event.is_set():
        body = framer.next_body()
        log_notes()
        if body is not None:
            pause_checked = False
            await handle(body)
            continue
        if pending is None:
            pending = asyncio.ensure_future(read())
        timeout = PAUSE_S if framer.waiting_for_body() and not pause_checked else None
        done, _ = await asyncio.wait({pending}, timeout=timeout)
        if not done:  # a pause inside a body: it may be complete already
            pause_checked = True
            body = framer.next_body(paused=True)
            log_notes()
            if body is not None:
                pause_checked = False
                await handle(body)
            continue
        data = pending.result()
        pending = None
        if not data:
            break
        pause_checked = False
        framer.feed(data)
    if pending is not None:
        pending.cancel()


# -- transports ----------------------------------------------------------------------------
class StdinChunks:
    """Reads stdin on a daemon thread (a blocked read must not keep the process alive after
    ``exit``), at most :data:`MAX_CHUNKS_AHEAD` chunks ahead of the event loop."""

    def __init__(self, stdin: BinaryIO, loop: asyncio.AbstractEventLoop) -> None:
        self.stdin = stdin
        self.loop = loop
        self.queue: asyncio.Queue[bytes] = asyncio.Queue()
        self.slots = threading.Semaphore(MAX_CHUNKS_AHEAD)
        threading.Thread(target=self._pump, name="funcls-stdin", daemon=True).start()

    def _pump(self) -> None:
        read = self._reader()
        while True:
            self.slots.acquire()
            try:
                data = read(CHUNK)
            except (OSError, ValueError):
                data = b""
            try:
                self.loop.call_soon_threadsafe(self.queue.put_nowait, data)
            except RuntimeError:  # the loop is closed: the server is gone
                return
            if not data:
                return

    def _reader(self) -> Callable[[int], bytes]:
        """``os.read`` on the descriptor when there is one: a thread blocked in the buffered
        reader holds its lock, and the interpreter aborts at exit when it cannot take it
        ("could not acquire lock for <_io.BufferedReader name='<stdin>'>", exit status -6
        after ``exit`` while the client kept stdin open)."""
        try:
            fd = self.stdin.fileno()
        except (AttributeError, OSError, ValueError):
            return getattr(self.stdin, "read1", None) or self.stdin.read
        # Nothing reads the server's stdin before this thread, so its buffer is empty.
        return lambda size: os.read(fd, size)

    async def read(self) -> bytes:
        data = await self.queue.get()
        self.slots.release()
        return data


Deliver = Callable[[bytes], Awaitable[None]]
# A transport's session: given how to write raw bytes and how to attach the server once it is
# built (its writer and stop event), what receives each message body (startup.EarlyStart).
Session = Callable[[Callable[[bytes], None], Callable[[Any], None]], Deliver]


def serve_stdio(
    session: Session, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None
) -> int:
    """What pygls' ``_start_io_async`` does, with :func:`run_framed` as the reader and
    ``session`` receiving the messages (it builds the server when it is imported). Returns
    the exit code (``exit`` after ``shutdown``: 0; without: 1; end of input: 0)."""
    stop_event = threading.Event()
    out = stdout or sys.stdout.buffer
    built: list[Any] = []

    def write(data: bytes) -> None:
        out.write(data)
        out.flush()

    def attach(server: Any) -> None:
        from pygls.io_ import StdoutWriter

        server._stop_event = stop_event
        server.protocol.set_writer(StdoutWriter(out))
        built.append(server)

    async def main() -> None:
        chunks = StdinChunks(stdin or sys.stdin.buffer, asyncio.get_running_loop())
        await run_framed(stop_event, chunks.read, None, deliver=session(write, attach))

    return _run(main, built)


def serve_tcp(
    session: Session,
    host: str,
    port: int,
    listening: Callable[[list[str]], None] | None = None,
) -> int:
    """Serve one client on ``host:port`` with :func:`run_framed`; ``listening`` is told the
    bound addresses (``--port 0`` picks a free port). A second client while the first is
    connected is closed at once: the server holds one session's documents."""
    stop_event = threading.Event()
    built: list[Any] = []

    async def main() -> None:
        finished = asyncio.Event()
        busy = False
        tcp: asyncio.Server | None = None

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal busy
            if busy:
                log.warning("refused a second LSP client %s", writer.get_extra_info("peername"))
                writer.close()
                return
            busy = True

            async def read() -> bytes:
                try:
                    return await reader.read(CHUNK)
                except OSError:  # reset by the client
                    return b""

            def attach(server: Any) -> None:
                server._stop_event = stop_event
                server._server = tcp
                server.protocol.set_writer(writer)
                built.append(server)

            deliver = session(writer.write, attach)
            try:
                await run_framed(stop_event, read, None, deliver=deliver)
            finally:
                finished.set()

        tcp = await asyncio.start_server(connection, host, port)
        if listening is not None:
            listening([_address(s.getsockname()) for s in tcp.sockets])
        async with tcp:
            await finished.wait()

    return _run(main, built, listener=True)


def _run(
    main: Callable[[], Coroutine[Any, Any, None]], built: list[Any], listener: bool = False
) -> int:
    """Run the server's loop until it ends; the exit code (``exit`` after ``shutdown``: 0;
    without: 1; the client gone: 0). ``built``: the server, once there is one. ``listener``:
    the TCP listener is closed with the loop."""
    code = 0
    try:
        asyncio.run(main())
    except (BrokenPipeError, ConnectionResetError):
        log.error("Connection to the client is lost! Shutting down the server.")
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 0
    except KeyboardInterrupt:
        pass
    finally:
        for server in built:
            if listener:
                server._server = None  # closed by asyncio.run already
            server.shutdown()
    return code


def _address(sockname: Any) -> str:
    host, port = sockname[0], sockname[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
