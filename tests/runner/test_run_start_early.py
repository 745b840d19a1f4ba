"""Requests that reach `funcls run` before its app has loaded wait for the load, as the host
holds them (HostAvailabilityCheckMiddleware: up to 30 s, then 503 "Function host is not
running."), instead of finding no function (issue 16: command to first HTTP 200)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from funcls.runner.host.availability import NOT_RUNNING, AwaitInitialized, waits_for_host
from tests.runner.runner_process import REPO
from tests.support.azurite import free_port

SLOW_APP = """import time

import azure.functions as func

time.sleep({delay})  # a slow import: the port answers long before the functions exist

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello", methods=["GET"])
def hello(req: func.HttpRequest) -> str:
    return "hello after the load"
"""


def _slow_app(root: Path, delay: float) -> Path:
    root.mkdir()
    (root / "host.json").write_text('{"version": "2.0"}')
    (root / "function_app.py").write_text(SLOW_APP.format(delay=delay))
    return root


def _connect(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.01)
    raise AssertionError(f"nothing listened on port {port}")


def test_a_request_sent_while_the_app_loads_is_answered_by_its_function(tmp_path: Path) -> None:
    app = _slow_app(tmp_path / "app", delay=2.0)
    port = free_port()
    log_path = tmp_path / "run.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "funcls", "run", str(app), "--port", str(port), "--no-reload"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            cwd=str(REPO),
        )
    try:
        _connect(port, time.monotonic() + 60)
        sent = time.monotonic()
        # The app's import sleeps 2 s: the port listens well before the function exists.
        assert not (app / ".funcls" / "run.json").exists(), log_path.read_text()
        response = httpx.get(f"http://127.0.0.1:{port}/api/hello", timeout=60)
        assert (response.status_code, response.text) == (200, "hello after the load")
        assert time.monotonic() - sent > 0.5  # it waited for the load
        # The Executed line is printed after the response is written (and a handed
        # connection's lines come in batches): wait for it rather than race it.
        executed = "Executed 'Functions.hello' (Succeeded"
        deadline = time.monotonic() + 10
        while executed not in log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert executed in log_path.read_text()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def test_which_requests_wait_for_the_host() -> None:
    # Every request but the admin API's; of that, only running a function (RequiresRunningHost).
    assert waits_for_host("GET", "/api/hello")
    assert waits_for_host("GET", "/")
    assert waits_for_host("POST", "/runtime/webhooks/durabletask/orchestrators/hello")
    assert waits_for_host("POST", "/admin/functions/hello")
    assert waits_for_host("POST", "/admin/Functions/hello")
    assert not waits_for_host("GET", "/admin/functions/hello")
    assert waits_for_host("POST", "/admin/funcls/invoke/hello")  # funcls invoke, the Run lens
    assert not waits_for_host("GET", "/admin/host/ping")
    assert not waits_for_host("GET", "/admin")


class _App:
    """The ASGI app behind: records what reached it and answers 200."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.paths.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


async def _call(app: AwaitInitialized, method: str, path: str) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    await app({"type": "http", "method": method, "path": path}, receive, send)
    return sent


def test_held_requests_go_on_when_the_app_has_loaded_and_admin_ones_do_not_wait() -> None:
    async def run() -> None:
        inner = _App()
        initialized = asyncio.Event()
        front = AwaitInitialized(inner, initialized)
        held = asyncio.create_task(_call(front, "GET", "/api/hello"))
        ping = await _call(front, "GET", "/admin/host/ping")
        assert ping[0]["status"] == 200 and inner.paths == ["/admin/host/ping"]
        await asyncio.sleep(0.05)
        assert not held.done() and front.held == 1
        initialized.set()
        await front.answered(5.0)
        assert held.done() and front.held == 0
        assert (await held)[0]["status"] == 200
        assert inner.paths == ["/admin/host/ping", "/api/hello"]

    asyncio.run(run())


def test_a_request_held_past_the_hosts_timeout_gets_503() -> None:
    async def run() -> None:
        inner = _App()
        front = AwaitInitialized(inner, asyncio.Event(), timeout=0.1)
        sent = await _call(front, "GET", "/api/hello")
        assert sent[0]["status"] == 503
        assert sent[1]["body"] == NOT_RUNNING == b"Function host is not running."
        assert inner.paths == [] and front.held == 0

    asyncio.run(run())


def _worker_pids(app: Path) -> list[int]:
    """App processes (funcls.runner.worker) started for ``app``, from /proc."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"funcls.runner.worker" in cmdline and str(app).encode() in cmdline:
            pids.append(int(entry))
    return pids


def test_a_port_in_use_is_refused_before_any_app_process_starts(tmp_path: Path) -> None:
    app = _slow_app(tmp_path / "app", delay=0)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "funcls", "run", str(app), "--port", str(port)],
            capture_output=True,
            text=True,
            cwd=str(REPO),
            timeout=60,
        )
    assert done.returncode == 2, done.stderr
    assert f"port {port} is in use; stop what uses it or pass --port" in done.stderr
    assert _worker_pids(app) == []
    assert not (app / ".funcls" / "run.json").exists()


def test_a_websocket_handshake_is_still_refused(tmp_path: Path) -> None:
    """The WebSocket protocol is imported on the first upgrade only; the handshake is still
    refused (the runner accepts no WebSocket: uvicorn answers an error status, as before),
    and HTTP goes on working."""
    from tests.runner.runner_process import start_run

    app = _slow_app(tmp_path / "app", delay=0)
    run = start_run(app, "--no-reload")
    try:
        port = int(run.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(
                b"GET /api/hello HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                b"Sec-WebSocket-Version: 13\r\n\r\n"
            )
            answer = sock.recv(4096)
        status = answer.split(b"\r\n", 1)[0]
        assert status.startswith((b"HTTP/1.1 4", b"HTTP/1.1 5")), answer
        assert b"upgrade" not in answer.lower(), answer
        assert run.get("/api/hello").text == "hello after the load"
        assert "start-up timeline" not in run.log()  # only with FUNCLS_START_TIMELINE
    finally:
        run.stop()


def test_the_start_up_timeline_is_printed_when_asked(tmp_path: Path) -> None:
    from tests.runner.runner_process import start_run

    app = _slow_app(tmp_path / "app", delay=0)
    run = start_run(app, "--no-reload", env={"FUNCLS_START_TIMELINE": "1"})
    try:
        log = run.wait_for_log("start-up timeline")
        line = next(t for t in log.splitlines() if "start-up timeline" in t)
        steps = line.split("(ms since funcls run began): ", 1)[1].split(", ")
        names = [s.rsplit(" ", 1)[0] for s in steps]
        times = [int(s.rsplit(" ", 1)[1]) for s in steps]
        assert names == [
            "app process started",
            "settings read",
            "runner imported",
            "app loaded",
            "held requests answered",
            "banner printed",
        ]
        assert times == sorted(times) and times[0] >= 0
        assert run.get("/api/hello").text == "hello after the load"
    finally:
        run.stop()
