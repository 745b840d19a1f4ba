"""Reading LSP messages from a byte stream that may be wrong (issue 17).

pygls' stdio reader (``pygls.io_.run_async``) trusts ``Content-Length``: a length far larger
than the body blocks it until that many bytes arrive (the next messages are swallowed into
the body), ``Content-Length: 99999999999`` asks the buffered reader for 93 GiB, and a length
a few bytes too long makes the body invalid and eats the start of the next header, after
which the stream never recovers. Malformed JSON was logged and never answered.

:class:`Framer` splits the stream itself and recovers:

* a body that holds one complete JSON value followed (after white space) by the next
  ``Content-Length`` header is cut there: the declared length was too long;
* a body whose declared length has not arrived after a pause (:data:`PAUSE_S`) but is
  already a complete JSON value is taken as it is (a client that sends a wrong length and
  waits for the answer);
* a length above :data:`MAX_BODY` is not believed: the body ends where the JSON value ends;
* bytes before a header that are no header (what a too-short length leaves) are dropped;
* a body that is not JSON gets the JSON-RPC "Parse error" (-32700) answer, one that is JSON
  but no message (an array, a number, an object without ``jsonrpc``) "Invalid Request"
  (-32600), both with ``id: null`` as JSON-RPC 2.0 §5 says.

A complete JSON value is a whole message: bytes after it inside the declared length could
only make the body invalid, so cutting there loses nothing a correct client sent.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, BinaryIO

log = logging.getLogger(__name__)

MAX_BODY = 256 * 1024 * 1024  # a larger Content-Length is not believed
MAX_HEADER = 64 * 1024  # bytes without a blank line are not a header
PAUSE_S = 0.5  # silence after which a complete value ends a body still short of its length
CHUNK = 64 * 1024

_LENGTH = re.compile(rb"content-length[ \t]*:[ \t]*([0-9]+)", re.IGNORECASE)
_HEADER_START = re.compile(rb"content-length", re.IGNORECASE)
_WHITE = b" \t\r\n"
_DECODER = json.JSONDecoder()


class Framer:
    """Feed bytes in, take message bodies out (:meth:`next_body`); pure, no I/O."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.length: int | None = None  # declared length of the body being read
        self.in_body = False
        self.scanned = 0  # how far the body was searched for a following header
        self.notes: list[str] = []  # what was repaired, for the log

    def feed(self, data: bytes) -> None:
        self.buf += data

    def waiting_for_body(self) -> bool:
        return self.in_body

    def next_body(self, paused: bool = False) -> bytes | None:
        """The next message body, or None until more bytes arrive."""
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
    """(end of the first JSON value, end of the white space after it) when ``data`` starts
    with a complete JSON object or array; None otherwise."""
    text = data.decode("utf-8", "surrogateescape")
    i = 0
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    if i >= len(text) or text[i] not in "{[":
        return None
    try:
        _, end = _DECODER.raw_decode(text, i)
    except ValueError:
        return None
    rest = end
    while rest < len(text) and text[rest] in " \t\r\n":
        rest += 1
    value_end = len(text[:end].encode("utf-8", "surrogateescape"))
    rest_end = value_end + len(text[end:rest])
    return value_end, rest_end


def _cut_before_header(body: bytes) -> tuple[bytes, int] | None:
    """When ``body`` is one JSON value and then the next message's header, (the value, the
    number of bytes before that header)."""
    if _HEADER_START.search(body) is None:
        return None
    whole = _complete_value(body)
    if whole is None:
        return None
    value_end, rest = whole
    if rest < len(body) and _HEADER_START.match(body, rest):
        return body[:value_end], rest
    return None


def answer_error(protocol: Any, code: int, message: str, msg_id: Any = None) -> None:
    protocol._send_data(
        {"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}}
    )


def dispatch(protocol: Any, body: bytes) -> None:
    """Decode one body and hand it to the protocol; answer what cannot be handled."""
    try:
        message = json.loads(body, object_hook=protocol.structure_message)
    except (ValueError, RecursionError) as error:  # JSONDecodeError, UnicodeDecodeError
        detail = str(error).splitlines()[0][:200]
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
    if version is not None and version != "2.0":  # (an Undecodable has none: handled below)
        # pygls dropped such a message with a log line; a request then waited for ever.
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


async def run_framed(
    stop_event: threading.Event,
    stdin: BinaryIO,
    protocol: Any,
    executor: ThreadPoolExecutor | None,
    error_handler: Callable[[Exception, type], Any] | None = None,
) -> None:
    """The read loop: bytes from ``stdin`` through a :class:`Framer` to ``protocol``."""
    from pygls.exceptions import JsonRpcException

    loop = asyncio.get_running_loop()
    read: Callable[[int], bytes] = getattr(stdin, "read1", None) or stdin.read
    framer = Framer()
    pending: asyncio.Future[bytes] | None = None
    pause_checked = False
    while not stop_event.is_set():
        while True:
            body = framer.next_body()
            for note in framer.notes:
                log.warning("LSP stream: %s", note)
            framer.notes.clear()
            if body is None:
                break
            pause_checked = False
            try:
                dispatch(protocol, body)
            except Exception as exc:
                log.exception("Unable to handle message")
                if error_handler:
                    error_handler(exc, JsonRpcException)
        if pending is None:
            pending = loop.run_in_executor(executor, read, CHUNK)
        timeout = PAUSE_S if framer.waiting_for_body() and not pause_checked else None
        done, _ = await asyncio.wait({pending}, timeout=timeout)
        if not done:
            pause_checked = True
            body = framer.next_body(paused=True)
            for note in framer.notes:
                log.warning("LSP stream: %s", note)
            framer.notes.clear()
            if body is not None:
                pause_checked = False
                try:
                    dispatch(protocol, body)
                except Exception as exc:
                    log.exception("Unable to handle message")
                    if error_handler:
                        error_handler(exc, JsonRpcException)
            continue
        data = pending.result()
        pending = None
        if not data:
            break
        pause_checked = False
        framer.feed(data)


def serve_stdio(server: Any, stdin: BinaryIO | None, stdout: BinaryIO | None) -> None:
    """What pygls' ``_start_io_async`` does, with :func:`run_framed` as the reader."""
    from pygls.io_ import StdoutWriter

    server._stop_event = threading.Event()
    server.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
    try:
        asyncio.run(
            run_framed(
                server._stop_event,
                stdin or sys.stdin.buffer,
                server.protocol,
                server.thread_pool,
                server.report_server_error,
            )
        )
    except BrokenPipeError:
        log.error("Connection to the client is lost! Shutting down the server.")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()
