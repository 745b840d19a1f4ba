"""The table an app process keeps of the HTTP connections handed to it (`handoff.py`).

A file both processes map (the runner creates it and passes its descriptor over the hand-off
socket); one slot per handed connection. The app process writes a slot with plain stores —
no system call — when a request starts, when its response starts to be written and when it
is done; the runner reads it when the app process dies (which connections had a request
without an answer) and for functionTimeout (since when a request runs). The runner writes
one byte: that the connection is to be closed after the response under way (graceful stop).
"""

from __future__ import annotations

import struct

IDLE = 0  # between requests: nothing of the connection read and not answered
RUNNING = 1  # a request was read, its response not yet begun
WRITING = 2  # its response is being written
READING = 3  # bytes are being read and parsed (the runner cannot tell what was consumed)

HEAD = 1  # flags: the request is a HEAD (the answer has no body)
MORE = 2  # flags: bytes past the request were read (pipelined), held by the app process

# state, close-after-response (runner), flags, pad, function number, start (monotonic),
# start (wall clock), invocation id, the request's Origin header (for CORS on the host's 500)
SLOT = struct.Struct("<BBBxIdd36s64s")
SIZE = 128
ORIGIN_MAX = 64
assert SLOT.size <= SIZE


def offset(slot: int) -> int:
    return slot * SIZE


class Entry:
    """One slot as the runner reads it."""

    __slots__ = ("flags", "function", "id", "monotonic", "origin", "release", "state", "wall")

    def __init__(self, raw: tuple[int, int, int, int, float, float, bytes, bytes]) -> None:
        self.state, self.release, self.flags, self.function = raw[0], raw[1], raw[2], raw[3]
        self.monotonic, self.wall = raw[4], raw[5]
        self.id = raw[6].rstrip(b"\0").decode("ascii", "replace")
        self.origin = raw[7].rstrip(b"\0").decode("latin-1")


def read(table: bytes | bytearray | memoryview | object, slot: int) -> Entry:
    return Entry(SLOT.unpack_from(table, offset(slot)))  # type: ignore[arg-type]
