"""Connection timeouts of the HTTP front (issue 17: a client that never finished its headers
held its connection for good; one that connected and sent nothing too), and its answer to a
bug of its own.

The front's protocol class serves a small ASGI app through a real uvicorn server on a
loopback socket, with short timeouts; raw sockets play the slow clients.
"""

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

HEADER_TIMEOUT = 0.6
KEEP_ALIVE = 1


async def hello(scope: dict[str, Any], receive: Any, send: Any) -> None:
    assert scope["type"] == "http"
    if scope["path"] == "/slow":
        await asyncio.sleep(HEADER_TIMEOUT * 2.5)
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]}
    )
    await send({"type": "http.response.body", "body": b"hi"})


@pytest.fixture
def port() -> Iterator[int]:
    protocol = front_protocol(None, header_timeout=HEADER_TIMEOUT)
    with serving(hello, protocol, log_level="warning", timeout_keep_alive=KEEP_ALIVE) as address:
        yield address[1]


def read_until_closed(sock: socket.socket, limit: float) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and when it did."""
    started = time.monotonic()
    sock.settimeout(limit)
    received = b""
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            return received, time.monotonic() - started
        received += chunk


def test_headers_that_never_end_get_408_and_the_connection_closed(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # no blank line: the headers go on
        received, after = read_until_closed(sock, 5)
    assert received.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert b"connection: close\r\n" in received
    assert received.endswith(b"the request headers did not arrive within 0.6s\n")
    assert HEADER_TIMEOUT * 0.8 < after < HEADER_TIMEOUT + 2


def test_trickled_headers_do_not_reset_the_header_timeout(port: int) -> None:
    """One byte every 0.1 s keeps a connection busy but never completes the request."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        started = time.monotonic()
        sock.sendall(b"GET / HTTP/1.1\r\n")
        closed = False
        for byte in b"X-Slow: " + b"a" * 60:
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                closed = True
                break
            time.sleep(0.1)
            if time.monotonic() - started > HEADER_TIMEOUT + 1.5:
                break
        if not closed:
            received, _ = read_until_closed(sock, 5)
            assert received.startswith(b"HTTP/1.1 408 ")
        assert time.monotonic() - started < HEADER_TIMEOUT + 2


def test_a_connection_that_sends_nothing_is_closed_after_the_keep_alive_timeout(
    port: int,
) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        received, after = read_until_closed(sock, 5)
    assert received == b""  # closed without an answer: there was no request
    assert KEEP_ALIVE * 0.8 < after < KEEP_ALIVE + 2


def test_complete_requests_are_served_and_idle_keep_alive_closes(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        for _ in range(3):
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            sock.settimeout(5)
            answer = b""
            while not answer.endswith(b"hi"):
                chunk = sock.recv(4096)
                assert chunk, answer
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 200 OK\r\n") and answer.endswith(b"hi")
            time.sleep(HEADER_TIMEOUT + 0.2)  # idle between requests is not a header timeout
        received, after = read_until_closed(sock, 5)
    assert received == b""
    assert after < KEEP_ALIVE + 2


class BrokenInvoker:
    """Fault injection: the hot path's call into the invoker raises (a bug)."""

    def start_plain(self, *args: Any) -> bool:
        raise RuntimeError("injected")


def test_a_bug_in_the_hot_path_answers_500_and_closes() -> None:
    settings = HostSettings(root="/nowhere")
    state = RunState(RunOptions(app_dir="/nowhere"), settings, BrokenInvoker())  # type: ignore[arg-type]
    description = {
        "name": "hello",
        "bindings": [
            {"type": "httpTrigger", "direction": "in", "name": "req", "route": "hello"},
            {"type": "http", "direction": "out", "name": "$return"},
        ],
    }
    state.routes = [build_function(description, "api", {})]
    state.version = 1
    app = RunnerApp(state)
    with (
        serving(app, front_protocol(Front(app))) as address,
        socket.create_connection(address) as client,
    ):
        client.sendall(b"GET /api/hello HTTP/1.1\r\nHost: x\r\n\r\n")
        received, _ = read_until_closed(client, 5)
    assert received.startswith(b"HTTP/1.1 500 Internal Server Error\r\n")
    assert received.endswith(b"connection: close\r\n\r\nInternal Server Error")


def test_the_408_waits_for_a_response_still_being_made(port: int) -> None:
    """A slow request, then the start of a pipelined one that never ends: the slow one's
    answer comes whole, then the 408."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n")
        received, _ = read_until_closed(sock, 10)
    first, _, rest = received.partition(b"\r\n\r\nhi")
    assert first.startswith(b"HTTP/1.1 200 OK\r\n")
    assert rest.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
