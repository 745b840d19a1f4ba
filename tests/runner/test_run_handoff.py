"""Keep-alive connections handed to the app process (funcls/runner/handoff.py,
funcls/runner/worker/handed.py), on by default (FUNCLS_HTTP_HANDOFF=1 set anyway).

Every test speaks raw HTTP/1.1 over one loopback socket, waits for each answer before the
next request (so that the runner hands the connection over after its first hot answer),
and checks that the app process holds the connection (a socket more in its /proc fd list)
where that is the point. Bytes are compared with `--no-http-front` (the reference path)
once the date, invocation ids and pids are masked.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.runner.runner_process import RunningApp, start_run

pytestmark = pytest.mark.slow

HANDOFF = {"FUNCLS_HTTP_HANDOFF": "1"}

APP = """import ctypes
import logging
import os
import time

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello", methods=["GET", "POST", "HEAD"])
def hello(req: func.HttpRequest) -> str:
    return "{greeting}"


@app.route(route="pid")
def pid(req: func.HttpRequest) -> str:
    return str(os.getpid())


@app.route(route="echo/{{word}}", methods=["POST", "GET"])
def echo(req: func.HttpRequest) -> func.HttpResponse:
    text = "|".join(
        [req.method, req.url, req.route_params["word"], req.get_body().decode(),
         str(req.params.get("q"))]
    )
    return func.HttpResponse(text, status_code=201, headers={{"X-Custom": "yes"}})


@app.route(route="logs")
def logs(req: func.HttpRequest) -> str:
    logging.info("a line from the function")
    return "logged"


@app.route(route="fails")
def fails(req: func.HttpRequest) -> str:
    raise ValueError("broken on purpose")


@app.route(route="exits")
def exits(req: func.HttpRequest) -> str:
    os._exit(3)


@app.route(route="segfault")
def segfault(req: func.HttpRequest) -> str:
    ctypes.string_at(0)
    return "unreachable"


@app.route(route="hangs")
def hangs(req: func.HttpRequest) -> str:
    time.sleep(60)
    return "late"


@app.route(route="sleeps")
def sleeps(req: func.HttpRequest) -> str:
    time.sleep(0.5)
    return "slept"


@app.route(route="nothing")
def nothing(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(status_code=204)


@app.route(route="closing")
def closing(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("bye", headers={{"Connection": "close"}})


@app.route(route="secret", auth_level=func.AuthLevel.FUNCTION)
def secret(req: func.HttpRequest) -> str:
    return "the secret"


@app.route(route="put", methods=["POST"])
@app.queue_output(arg_name="msg", queue_name="out", connection="AzureWebJobsStorage")
def put(req: func.HttpRequest, msg: func.Out[str]) -> str:
    msg.set("queued")
    return "put"
"""
KEYS = {"master": "master-key-for-tests", "function": "function-key-for-tests"}


def make_app(root: Path, greeting: str = "Hello, world", timeout: str = "00:00:03") -> Path:
    root.mkdir(parents=True)
    (root / "function_app.py").write_text(APP.format(greeting=greeting))
    (root / "host.json").write_text(json.dumps({"version": "2.0", "functionTimeout": timeout}))
    (root / "local.settings.json").write_text(
        json.dumps({"IsEncrypted": False, "Values": {"AzureWebJobsStorage": ""}})
    )
    (root / ".funcls").mkdir()
    (root / ".funcls" / "keys.json").write_text(json.dumps(KEYS))
    return root


def port_of(running: RunningApp) -> int:
    return int(running.url.rsplit(":", 1)[1])


class Client:
    """One raw HTTP/1.1 connection; `ask` sends a request and reads its whole answer."""

    def __init__(self, running: RunningApp) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port_of(running)), timeout=15)
        self.buffer = b""

    def send(self, raw: bytes) -> None:
        self.sock.sendall(raw)

    def read_answer(self, head: bool = False) -> bytes:
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError(f"closed before an answer: {self.buffer!r}")
            self.buffer += chunk
        end = self.buffer.index(b"\r\n\r\n") + 4
        found = re.search(rb"content-length: (\d+)", self.buffer[:end], re.IGNORECASE)
        length = 0 if head or found is None else int(found.group(1))
        while len(self.buffer) < end + length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError(f"closed inside an answer: {self.buffer!r}")
            self.buffer += chunk
        answer, self.buffer = self.buffer[: end + length], self.buffer[end + length :]
        return answer

    def ask(self, raw: bytes, head: bool = False) -> bytes:
        self.send(raw)
        answer = self.read_answer(head)
        time.sleep(0.05)  # the runner hands the connection over once it is idle
        return answer

    def closed(self) -> bool:
        """Whether the server closed the connection (within a few seconds)."""
        self.sock.settimeout(5)
        try:
            return self.sock.recv(1) == b""
        except (ConnectionResetError, TimeoutError):
            return False

    def close(self) -> None:
        self.sock.close()


def request(method: str, target: str, *headers: str, body: bytes = b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1".encode(), b"Host: handoff.test"]
    lines += [h.encode() for h in headers]
    if body:
        lines.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def masked(raw: bytes) -> bytes:
    raw = re.sub(rb"date: [^\r]*\r\n", b"date: <date>\r\n", raw)
    raw = re.sub(rb"\(pid \d+\)", b"(pid <pid>)", raw)
    raw = re.sub(rb"content-length: \d+", b"content-length: <n>", raw)  # the pid's digits
    return re.sub(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", b"<id>", raw)


def app_pids(running: RunningApp) -> list[int]:
    children = Path(f"/proc/{running.process.pid}/task/{running.process.pid}/children")
    return [int(p) for p in children.read_text().split()]


def tcp_sockets(pid: int) -> int:
    """The TCP connections a process holds (sockets in /proc/PID/fd that /proc/net/tcp
    lists as established)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "01":  # ESTABLISHED
            inodes.add(fields[9])
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:[") and target[8:-1] in inodes:
            count += 1
    return count


def held_by_app(running: RunningApp, count: int = 1, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sum(tcp_sockets(pid) for pid in app_pids(running)) >= count:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningApp, RunningApp]]:
    base = tmp_path_factory.mktemp("handoff")
    args = ("--no-reload", "--enforce-auth", "--max-request-body", "1000", "--storage")
    handed = start_run(make_app(base / "handed"), *args, "embedded", env=HANDOFF)
    asgi = start_run(make_app(base / "asgi"), *args, "embedded", "--no-http-front")
    try:
        for running in (handed, asgi):
            running.wait_for("/api/hello")
        yield handed, asgi
    finally:
        handed.stop()
        asgi.stop()


SEQUENCES: dict[str, list[bytes]] = {
    "keep-alive GET, HEAD, POST, query, route, 204": [
        request("GET", "/api/hello"),
        request("GET", "/api/hello"),
        request("HEAD", "/api/hello"),
        request("POST", "/api/hello", body=b"ignored"),
        request("GET", "/api/hello?x=1&x=2"),
        request("POST", "/api/echo/a%20b?q=1&q=2&r=", body=b"payload"),
        request("GET", "/api/nothing"),
        request("GET", "/api/hello"),
    ],
    "mixed: hot, 404, hot, queue output, hot, admin, keys, hot": [
        request("GET", "/api/hello"),
        request("GET", "/api/hello"),
        request("GET", "/api/nope"),
        request("GET", "/api/hello"),
        request("POST", "/api/put", body=b"x"),
        request("GET", "/api/hello"),
        request("GET", "/admin/functions/nope", f"x-functions-key: {KEYS['master']}"),
        request("GET", "/api/hello"),
        request("GET", "/api/secret"),
        request("GET", f"/api/secret?code={KEYS['function']}"),
        request("GET", "/api/secret", f"x-functions-key: {KEYS['master']}"),
        request("GET", "/api/hello"),
    ],
    "bodies the app process gives back: chunked, over the limit, 100-continue": [
        request("GET", "/api/hello"),
        request("POST", "/api/echo/c", "Transfer-Encoding: chunked")
        + b"2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n",
        request("GET", "/api/hello"),
        request("POST", "/api/echo/big", body=b"z" * 1001),
    ],
    "CORS preflight, an Origin, a failing function, then more": [
        request("GET", "/api/hello"),
        request("OPTIONS", "/api/hello", "Origin: http://x", "Access-Control-Request-Method: GET"),
        request("GET", "/api/hello", "Origin: http://x"),
        request("GET", "/api/fails"),
        request("GET", "/api/hello"),
    ],
}


@pytest.mark.parametrize("name", list(SEQUENCES))
def test_handed_connections_answer_as_the_reference_path(
    runs: tuple[RunningApp, RunningApp], name: str
) -> None:
    _handed, _asgi = runs
    answers: list[list[bytes]] = []
    for running in runs:
        client = Client(running)
        try:
            answers.append(
                [masked(client.ask(raw, head=raw.startswith(b"HEAD"))) for raw in SEQUENCES[name]]
            )
        finally:
            client.close()
    assert answers[0] == answers[1]
    assert all(a.startswith(b"HTTP/1.1 ") for a in answers[0])


def test_the_app_process_holds_a_keep_alive_connection(
    runs: tuple[RunningApp, RunningApp],
) -> None:
    handed, _ = runs
    before = sum(tcp_sockets(pid) for pid in app_pids(handed))
    client = Client(handed)
    try:
        assert client.ask(request("GET", "/api/hello")).endswith(b"Hello, world")
        assert held_by_app(handed, before + 1)
        for _ in range(20):
            assert client.ask(request("GET", "/api/hello")).endswith(b"Hello, world")
        # A request it gives back (404) and the next hot one: the connection comes back
        assert client.ask(request("GET", "/api/nope")).startswith(b"HTTP/1.1 404 ")
        assert client.ask(request("GET", "/api/hello")).endswith(b"Hello, world")
        assert held_by_app(handed, before + 1)
        # Connection: close from the function: the connection ends after the answer
        answer = client.ask(request("GET", "/api/closing"))
        assert answer.endswith(b"bye") and client.closed()
    finally:
        client.close()


def test_console_lines_keep_their_order(runs: tuple[RunningApp, RunningApp]) -> None:
    handed, _ = runs
    client = Client(handed)
    try:
        client.ask(request("GET", "/api/hello"))
        assert held_by_app(handed)
        answer = client.ask(request("GET", "/api/logs"))
        assert answer.endswith(b"logged")
    finally:
        client.close()
    log = handed.wait_for_log("Executed 'Functions.logs' (Succeeded")
    lines = [line for line in log.splitlines() if "Functions.logs" in line or "a line from" in line]
    assert [re.sub(r"^\[[^]]*\] ", "", line).split(" (")[0] for line in lines[-3:]] == [
        "Executing 'Functions.logs'",
        "a line from the function",
        "Executed 'Functions.logs'",
    ]
    assert re.search(r"^\[\d{4}-\d\d-\d\dT[\d:.]+Z\] Executing 'Functions\.logs' ", log, re.M)


@pytest.fixture
def alone(tmp_path: Path) -> Iterator[tuple[RunningApp, RunningApp]]:
    """A run of its own (the crash tests kill its app process) and a reference run."""
    handed = start_run(make_app(tmp_path / "handed"), "--no-reload", env=HANDOFF)
    reference = start_run(make_app(tmp_path / "front"), "--no-reload")
    try:
        handed.wait_for("/api/hello")
        reference.wait_for("/api/hello")
        yield handed, reference
    finally:
        handed.stop()
        reference.stop()


@pytest.mark.parametrize(
    ("path", "exception"),
    [
        ("/api/exits", "WorkerCrashed: the app process (pid <pid>) exited with code 3"),
        ("/api/segfault", "WorkerCrashed: the app process (pid <pid>) was killed by SIGSEGV"),
        ("/api/hangs", "FunctionTimeout: the function ran past functionTimeout (3s)"),
    ],
)
def test_a_crash_on_a_handed_connection_gets_the_hosts_answer(
    alone: tuple[RunningApp, RunningApp], path: str, exception: str
) -> None:
    handed, _reference = alone
    answers = []
    for running in alone:
        # A route goes with a handed connection once the runner's front has resolved it:
        # a first call (on a connection of its own) makes the one below the app process's.
        first = Client(running)
        try:
            first.ask(request("GET", path))
        finally:
            first.close()
        running.wait_for("/api/hello")
        client = Client(running)
        try:
            client.ask(request("GET", "/api/hello"))
            if running is handed:
                assert held_by_app(handed)
            client.send(request("GET", path))
            answers.append(masked(client.read_answer()))
            # The 500 said keep-alive, and the connection is kept: the next request on it,
            # sent at once, is answered by the new app process (the runner closed a handed
            # one, and the client got a reset; behind a functionTimeout the front gave it
            # to the app process being killed).
            assert client.ask(request("GET", "/api/hello")).endswith(b"Hello, world")
        finally:
            client.close()
    assert answers[0] == answers[1]
    assert answers[0].startswith(b"HTTP/1.1 500 Internal Server Error\r\n")
    assert exception.encode() in answers[0]
    # the port stays; a new connection is served by the new app process
    assert handed.wait_for("/api/hello").text == "Hello, world"
    name = path.rsplit("/", 1)[1]
    if exception.startswith("WorkerCrashed"):
        # The process ended by itself: the answer names the function it was running, and
        # where it is (runner16: on a handed connection too).
        assert f" while running '{name}' (function_app.py:".encode() in answers[0]
    handed.wait_for_log(f"Executed 'Functions.{name}' (Failed")
    assert "starting a new one" in handed.wait_for_log("is ready")


def test_a_raise_keeps_the_handed_connection(alone: tuple[RunningApp, RunningApp]) -> None:
    handed, _ = alone
    client = Client(handed)
    try:
        client.ask(request("GET", "/api/hello"))
        assert held_by_app(handed)
        answer = client.ask(request("GET", "/api/fails"))
        assert answer.startswith(b"HTTP/1.1 500 ") and b"ValueError: broken on purpose" in answer
        assert client.ask(request("GET", "/api/hello")).endswith(b"Hello, world")
    finally:
        client.close()
    log = handed.wait_for_log("Exception: ValueError: broken on purpose")
    assert "Stack: Traceback" in log


def test_a_handed_connection_across_a_reload(tmp_path: Path) -> None:
    app = make_app(tmp_path / "app", greeting="before")
    running = start_run(app, env=HANDOFF)
    try:
        running.wait_for("/api/hello")
        client = Client(running)
        assert client.ask(request("GET", "/api/hello")).endswith(b"before")
        assert held_by_app(running)
        (app / "function_app.py").write_text(APP.format(greeting="after"))
        deadline = time.monotonic() + 20
        answer = b""
        while time.monotonic() < deadline:
            answer = client.ask(request("GET", "/api/hello"))  # the same connection
            if answer.endswith(b"after"):
                break
            time.sleep(0.1)
        assert answer.endswith(b"after"), running.log()
        # A request sent during the reload waited in the runner's ASGI path for the new code
        # (test_run_reload_hold.py); the next plain answer of the front hands it over again.
        assert client.ask(request("GET", "/api/hello")).endswith(b"after")
        assert held_by_app(running)  # handed over again, to the new app process
        assert client.ask(request("GET", "/api/hello")).endswith(b"after")
        client.close()
    finally:
        running.stop()


def test_connections_are_spread_over_app_processes(tmp_path: Path) -> None:
    app = make_app(tmp_path / "app")
    running = start_run(app, "--no-reload", env={**HANDOFF, "FUNCTIONS_WORKER_PROCESS_COUNT": "2"})
    clients: list[Client] = []
    try:
        running.wait_for("/api/hello")
        for _ in range(2):  # the first connections ask both app processes to link
            warm = Client(running)
            warm.ask(request("GET", "/api/hello"))
            warm.close()
        time.sleep(0.3)
        pids = set()
        for _ in range(4):
            client = Client(running)
            clients.append(client)
            client.ask(request("GET", "/api/hello"))
            pids.add(client.ask(request("GET", "/api/pid")).rsplit(b"\r\n", 1)[1])
        assert len(pids) == 2
        assert all(held_by_app(running) for _ in range(1))
        assert [tcp_sockets(pid) > 0 for pid in app_pids(running)] == [True, True]
    finally:
        for client in clients:
            client.close()
        running.stop()


def test_graceful_stop_closes_handed_connections(tmp_path: Path) -> None:
    app = make_app(tmp_path / "app")
    running = start_run(app, "--no-reload", env=HANDOFF)
    try:
        running.wait_for("/api/hello")
        client = Client(running)
        client.ask(request("GET", "/api/hello"))
        assert held_by_app(running)
        started = time.monotonic()
        running.process.send_signal(signal.SIGINT)
        assert client.closed()
        running.process.wait(10)
        assert time.monotonic() - started < 4  # not the 5 s grace: nothing was running
        client.close()
    finally:
        running.stop()


def test_handoff_off_keeps_every_connection_in_the_runner(tmp_path: Path) -> None:
    running = start_run(make_app(tmp_path / "app"), "--no-reload", env={"FUNCLS_HTTP_HANDOFF": "0"})
    try:
        running.wait_for("/api/hello")
        client = Client(running)
        for _ in range(3):
            assert client.ask(request("GET", "/api/hello")).endswith(b"Hello, world")
        assert not held_by_app(running, timeout=0.5)
        client.close()
    finally:
        running.stop()


def test_blocking_functions_on_handed_connections_run_at_once(
    runs: tuple[RunningApp, RunningApp],
) -> None:
    """Four connections held by the app process, each asking for a function that sleeps
    0.5 s at the same moment: more serving threads start (the thread pool's size allows
    six), so they end together rather than one after another."""
    handed, _ = runs
    before = sum(tcp_sockets(pid) for pid in app_pids(handed))
    clients = [Client(handed) for _ in range(4)]
    try:
        for client in clients:
            client.ask(request("GET", "/api/hello"))
        assert held_by_app(handed, before + 4)
        started = time.monotonic()
        for client in clients:
            client.send(request("GET", "/api/sleeps"))
        answers = [client.read_answer() for client in clients]
        assert all(a.endswith(b"slept") for a in answers)
        assert time.monotonic() - started < 1.5  # one after another: 2 s
    finally:
        for client in clients:
            client.close()


def test_graceful_stop_lets_a_handed_request_finish(tmp_path: Path) -> None:
    app = make_app(tmp_path / "app")
    running = start_run(app, "--no-reload", env=HANDOFF)
    try:
        running.wait_for("/api/hello")
        client = Client(running)
        client.ask(request("GET", "/api/hello"))
        assert held_by_app(running)
        client.send(request("GET", "/api/sleeps"))
        time.sleep(0.2)  # the function is sleeping
        running.process.send_signal(signal.SIGINT)
        answer = client.read_answer()
        assert answer.endswith(b"slept")
        assert b"connection: close\r\n" in answer  # as uvicorn answers during its shutdown
        assert client.closed()
        running.process.wait(10)
        client.close()
        assert "Executed 'Functions.sleeps' (Succeeded" in running.log()
    finally:
        running.stop()
