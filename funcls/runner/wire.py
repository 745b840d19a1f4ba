"""Frames between the runner and its app processes: a 4-byte big-endian length, then a pickle
of one message of `funcls/runner/messages.py` as `messages.to_tuple` makes it.

Both ends are funcls (the app process runs `funcls.runner.worker`, which imports only the
standard library, this module, `messages.py` and azure-functions), so pickle is safe here and
is the fastest codec the standard library has; it carries plain tuples, never the classes.
"""

from __future__ import annotations

import asyncio
import pickle
import socket
import struct
from typing import Any

from funcls.runner.messages import Message, from_tuple, to_tuple

HEADER = struct.Struct(">I")
MAX_FRAME = 1 << 30
PROTOCOL = pickle.HIGHEST_PROTOCOL


def encode(message: Message) -> bytes:
    body = pickle.dumps(to_tuple(message), protocol=PROTOCOL)
    return HEADER.pack(len(body)) + body


def decode(body: bytes) -> Message:
    return from_tuple(pickle.loads(body))


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
    return decode(body)


def read_blocking(stream: Any) -> Message | None:
    """The next message from a buffered binary stream (socket.makefile("rb")), or None."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    body = stream.read(size)
    if len(body) < size:
        return None
    return decode(body)


def recv_blocking(sock: socket.socket) -> Message | None:
    """The next message read straight from a socket, nothing past it (no read-ahead buffer);
    None when the other end closed the connection."""
    header = _recv_exactly(sock, HEADER.size)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    body = _recv_exactly(sock, size)
    return None if body is None else decode(body)


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
