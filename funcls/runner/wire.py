"""Frames between the runner and its app processes: a 4-byte big-endian length, then a pickle.

Both ends are funcls (the app process runs `funcls.runner.worker`, which imports only the
standard library, this module and azure-functions), so pickle is safe here and is the
fastest codec the standard library has for the small dicts we send. Values that cross the
wire are plain data: str, bytes, int, float, bool, None, lists, tuples and dicts.

Messages are dicts with an "op":
- runner -> worker: `invoke` (id, function, args, metadata, trace, stream), `shutdown`;
  for a streamed HTTP invocation (funcls/runner/streams.py) `http_request` (id, body, more)
  and `http_disconnect` (id);
- worker -> runner: `ready` (functions, errors), `log` (id, level, logger, message),
  `result` (id, ok, error, returned, outputs, duration), `fatal` (message); for a streamed
  HTTP invocation `http_start` (id, status, headers), `http_body` (id, body, more) and
  `http_end` (id, error).
"""

from __future__ import annotations

import asyncio
import pickle
import socket
import struct
from typing import Any

HEADER = struct.Struct(">I")
MAX_FRAME = 1 << 30
PROTOCOL = pickle.HIGHEST_PROTOCOL

Message = dict[str, Any]


def encode(message: Message) -> bytes:
    body = pickle.dumps(message, protocol=PROTOCOL)
    return HEADER.pack(len(body)) + body


async def read_message(reader: asyncio.StreamReader) -> Message | None:
    """The next message, or None when the other end closed the connection."""
    try:
        header = await reader.readexactly(HEADER.size)
        (size,) = HEADER.unpack(header)
        if size > MAX_FRAME:
            raise ValueError(f"frame of {size} bytes is larger than {MAX_FRAME}")
        body = await reader.readexactly(size)
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    message: Message = pickle.loads(body)
    return message


def send_blocking(sock: socket.socket, message: Message) -> None:
    sock.sendall(encode(message))


def recv_blocking(sock: socket.socket) -> Message | None:
    header = _recv_exactly(sock, HEADER.size)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    body = _recv_exactly(sock, size)
    if body is None:
        return None
    message: Message = pickle.loads(body)
    return message


def read_blocking(stream: Any) -> Message | None:
    """The next message from a buffered binary stream (socket.makefile("rb")), or None."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    body = stream.read(size)
    if len(body) < size:
        return None
    message: Message = pickle.loads(body)
    return message


def _recv_exactly(sock: socket.socket, size: int) -> bytes | None:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
