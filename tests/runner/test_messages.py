"""The typed messages between the runner and its app processes (funcls/runner/messages.py):
every class crosses a real socket pair through wire.py and comes back equal, with bytes and
nested Wire values intact; a frame that is no message is refused with a clear error."""

from __future__ import annotations

import asyncio
import dataclasses
import pickle
import socket

import pytest

from funcls.runner import messages, wire

SAMPLES: list[messages.Message] = [
    messages.Invoke(
        "id-1",
        "hello",
        {"req": ("http", {"method": "GET", "body": ("bytes", b"\x00\xff")})},
        {"sys": ("json", '{"a": 1}')},
        {"traceparent": "00-abc-def-01", "tracestate": "", "attributes": {}},
        {"count": 0, "max": 0},
        stream=True,
    ),
    messages.HttpRequest("id-1", b"chunk", True),
    messages.HttpDisconnect("id-1"),
    messages.Shutdown(),
    messages.Drain(),
    messages.Load(),
    messages.Ready(42, "3.11.7", "1.26.0", [{"name": "hello"}], [], debugger=""),
    messages.Log(None, "INFO", "root", "outside an invocation", 1.5),
    messages.Result(
        "id-1",
        True,
        0.25,
        ("http", {"status": 201, "headers": [("X-A", "1")], "cookies": [], "body": b"hi"}),
        {"out": ("string", "queued")},
    ),
    messages.Result("id-2", False, 0.0, error={"type": "E", "message": "m", "traceback": ""}),
    messages.HttpStart("id-1", 200, [(b"content-type", b"text/plain")]),
    messages.HttpBody("id-1", b"first", True),
    messages.HttpEnd("id-1", "the app process exited"),
    messages.Handoff("\0funcls-handoff-1-ab", b"token"),
    messages.Setup(16, {}, ["http://x"], False, 30.0, 1000, "http", "127.0.0.1:7071", "abc"),
    messages.Conn(
        1, 0, True, [(b"GET", b"/api/hello", "hello", 0, "req", {}, "anonymous", ["$return"], True)]
    ),
    messages.Back(1, b"GET /api/nope HTTP/1.1\r\n\r\n"),
    messages.Closed(1),
    messages.Served(
        [("s", "id-1", "hello", 1.5), ("f", "id-1", "hello", True, 0.001, "", 1.6, "")]
    ),
]


def test_every_message_class_has_a_sample_and_a_distinct_tag() -> None:
    classes = {type(m) for m in SAMPLES}
    declared = {
        c
        for c in vars(messages).values()
        if isinstance(c, type) and dataclasses.is_dataclass(c) and hasattr(c, "TAG")
    }
    assert classes == declared
    assert len({c.TAG for c in declared}) == len(declared)


def test_messages_cross_a_socket_pair_unchanged() -> None:
    left, right = socket.socketpair()
    with left, right:
        left.sendall(b"".join(wire.encode(m) for m in SAMPLES))
        left.shutdown(socket.SHUT_WR)
        stream = right.makefile("rb")
        received = []
        while (message := wire.read_blocking(stream)) is not None:
            received.append(message)
    assert received == SAMPLES
    assert received[0].args["req"][1]["body"] == ("bytes", b"\x00\xff")


def test_the_asyncio_reader_reads_the_same_frames() -> None:
    async def read_all() -> list[messages.Message]:
        left, right = socket.socketpair()
        reader, writer = await asyncio.open_unix_connection(sock=right)
        left.sendall(b"".join(wire.encode(m) for m in SAMPLES))
        left.close()
        out = []
        while (message := await wire.read_message(reader)) is not None:
            out.append(message)
        writer.close()
        return out

    assert asyncio.run(read_all()) == SAMPLES


def test_frames_carry_plain_tuples_not_classes() -> None:
    """The app process may run another Python: nothing but data is pickled."""
    result = next(m for m in SAMPLES if isinstance(m, messages.Result))
    body = wire.encode(result)[wire.HEADER.size :]
    assert b"funcls" not in body
    assert pickle.loads(body)[0] == messages.Result.TAG


def test_recv_blocking_reads_nothing_past_its_frame() -> None:
    """A standby app process reads its Load frame so; later frames stay in the socket."""
    left, right = socket.socketpair()
    with left, right:
        left.sendall(wire.encode(messages.Load()) + wire.encode(messages.Shutdown()))
        assert wire.recv_blocking(right) == messages.Load()
        assert wire.read_blocking(right.makefile("rb")) == messages.Shutdown()


@pytest.mark.parametrize(
    "data", [(99, "x"), (), (messages.Result.TAG,), (messages.Shutdown.TAG, "extra")]
)
def test_a_frame_that_is_no_message_is_refused(data: tuple[object, ...]) -> None:
    with pytest.raises(ValueError, match="not a runner message"):
        wire.decode(pickle.dumps(data))
