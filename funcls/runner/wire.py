"""Frames between the runner and its app processes: a 4-byte big-endian length, then a pickle
of one message of `funcls/runner/messages.py` as `messages.to_tuple` makes it.

Both ends are funcls (the app process runs `funcls.runner.worker`, which imports only the
standard library, this module, `messages.py` and azure-functions), so pickle is safe here and
is the fastest codec the standard library has; it carries plain tuples, never the classes.
"""

from __future__ import annotations

import asyncio
import pickle
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
