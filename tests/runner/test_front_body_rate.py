"""The HTTP front's request body rate (issue 17: a request body that trickled in held its
connection for good). As Kestrel in front of the Functions host: after a grace period the
body must arrive at a minimum average rate or the request gets 408 and the connection closes;
time the app is not reading (a 100-continue not yet sent) is not held against the client.

The front's protocol class serves small ASGI apps (and, for the hot path, a RunnerApp whose
invoker must never be reached) through a real uvicorn server on a loopback socket, with a
short grace period; raw sockets play the slow clients."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from funcls.runner.config import HostSettings, RunOptions
from funcls.runner.functions import build_function
from funcls.runner.host.app import RunnerApp
from funcls.runner.host.front import Front, front_protocol
from funcls.runner.state import RunState
from tests.runner.front_server import serving

GRACE = 0.5
RATE = 240.0


async def echo(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answers with the number of body bytes read; /late reads only after 1.5 s, /just-before
    just before the body clock's third check (it checks every GRACE while the app waits)."""
    assert scope["type"] == "http"
    if scope["path"] == "/late":
        await asyncio.sleep(GRACE * 3)
    if scope["path"] == "/just-before":
        await asyncio.sleep(GRACE * 2.8)
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    body = str(size).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


@pytest.fixture
def port() -> Iterator[int]:
    with serving(echo, front_protocol(None, body_grace=GRACE, min_body_rate=RATE)) as address:
        yield address[1]


def trickle(sock: socket.socket, head: bytes, total: int, step: int, pause: float) -> bytes:
    """Send the head, then the body `step` bytes every `pause` s; everything answered."""
    sock.sendall(head)
    sent = 0
    sock.settimeout(0)
    received = b""
    while sent < total:
        try:
            sock.sendall(b"x" * min(step, total - sent))
        except OSError:
            break
        sent += step
        time.sleep(pause)
        try:
            chunk = sock.recv(4096)
            if not chunk:
                return received
            received += chunk
        except BlockingIOError:
            pass
    sock.settimeout(5)
    while not (received.startswith(b"HTTP/1.1 200") and received.endswith(str(total).encode())):
        try:
            chunk = sock.recv(4096)
        except (TimeoutError, ConnectionResetError):
            return received
        if not chunk:
            return received
        received += chunk
    return received


def post(path: str, length: int, extra: bytes = b"") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n".encode()
        + extra
        + b"\r\n"
    )


def test_a_trickled_body_gets_408_and_the_connection_closed(port: int) -> None:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        # 5 bytes every 0.1 s is 50 bytes/s, far below 240 bytes/s.
        received = trickle(sock, post("/", 2000), 2000, 5, 0.1)
    assert received.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), received
    assert received.endswith(b"the request body arrived slower than 240 bytes/s\n")
    assert time.monotonic() - started < GRACE + 4  # long before the 40 s the body would take


def test_a_slow_body_above_the_rate_is_served(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        # 100 bytes every 0.1 s is about 1,000 bytes/s, for 1.5 s: past the grace period.
        received = trickle(sock, post("/", 1500), 1500, 100, 0.1)
    assert received.startswith(b"HTTP/1.1 200 OK\r\n"), received
    assert received.endswith(b"1500")


@pytest.mark.parametrize("path", ["/late", "/just-before"])
def test_time_before_the_100_continue_is_not_counted(port: int, path: str) -> None:
    """The app reads the body only after 1.5 s (three grace periods): the client, waiting for
    100 Continue as it should, is not the slow one. /just-before: the app reads 0.1 s before
    the clock's check, which judged the whole interval since the previous check and answered
    408 right after the 100 Continue (a full CI run under load, with /late). The client
    sends 0.2 s after the 100 Continue (1,500 bytes/s, well above the minimum rate), as a
    client on a loaded machine did."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(post(path, 300, b"Expect: 100-continue\r\n"))
        sock.settimeout(10)
        interim = sock.recv(4096)
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n", interim
        time.sleep(0.2)
        sock.sendall(b"y" * 300)
        answer = b""
        while not answer.endswith(b"300"):
            chunk = sock.recv(4096)
            assert chunk, answer
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")


class UnreachableInvoker:
    """The hot path must never invoke a function whose body did not arrive."""

    def __init__(self) -> None:
        self.calls = 0

    def start_plain(self, *args: Any) -> bool:
        self.calls += 1
        raise AssertionError("invoked with an incomplete body")


def test_the_hot_path_gives_the_same_408() -> None:
    invoker = UnreachableInvoker()
    state = RunState(RunOptions(app_dir="/nowhere"), HostSettings(root="/nowhere"), invoker)  # type: ignore[arg-type]
    state.routes = [
        build_function(
            {
                "name": "hello",
                "bindings": [
                    {"type": "httpTrigger", "direction": "in", "name": "req", "route": "hello"},
                    {"type": "http", "direction": "out", "name": "$return"},
                ],
            },
            "api",
            {},
        )
    ]
    state.version = 1
    app = RunnerApp(state)
    front = Front(app)
    assert front.route(b"POST", b"/api/hello") is not None  # the hot path takes it
    protocol = front_protocol(front, body_grace=GRACE, min_body_rate=RATE)
    with serving(app, protocol) as address, socket.create_connection(address) as client:
        received = trickle(client, post("/api/hello", 2000), 2000, 5, 0.1)
    assert received.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), received
    assert invoker.calls == 0
