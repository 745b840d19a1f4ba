"""A keep-alive connection whose request is under way in an old app process when a save lands:
once the reload is acknowledged (run.json back to ``running``), the next request on that
connection is answered by the new code, not by the old process finishing the slow one.

Two ways the next request can come: sent after the slow answer (the old process stops reading
its handed connections when its stop begins, 9c2a2bd), or pipelined behind the slow request in
the same packet, already read by the old process with it: that one was answered by the old code
after the save was acknowledged (the handed connection's loop served every request it had read);
it now goes back to the runner, which holds it for the new code as the host's
HostAvailabilityCheckMiddleware holds a request while the script host restarts."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.runner.runner_process import RunningApp, start_run
from tests.runner.test_run_handoff import HANDOFF, Client, held_by_app, request

pytestmark = pytest.mark.slow

APP = """import time

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello")
def hello(req: func.HttpRequest) -> str:
    return "{version}"


@app.route(route="slow")
def slow(req: func.HttpRequest) -> str:
    time.sleep(float(req.params.get("s", "2")))
    return "slow {version}"
"""

PATHS = [((), HANDOFF), (("--no-http-front",), {})]
IDS = ["handoff", "reference"]


def make_app(root: Path) -> Path:
    root.mkdir()
    (root / "function_app.py").write_text(APP.format(version="old code"))
    (root / "host.json").write_text(json.dumps({"version": "2.0"}))
    (root / "local.settings.json").write_text(
        json.dumps({"IsEncrypted": False, "Values": {"AzureWebJobsStorage": ""}})
    )
    return root


def run_state(app: Path) -> dict[str, object]:
    return dict(json.loads((app / ".funcls" / "run.json").read_text("utf-8")))


def save_and_wait_for_the_reload(running: RunningApp, app: Path) -> None:
    """Save the new code and return once run.json says it is loaded (the save acknowledged)."""
    loads = run_state(app)["loads"]
    (app / "function_app.py").write_text(APP.format(version="new code"))
    deadline = time.monotonic() + 30
    while True:
        state = run_state(app)
        if state["state"] == "running" and state["loads"] == loads + 1:  # type: ignore[operator]
            return
        assert time.monotonic() < deadline, (state, running.log())
        time.sleep(0.02)


@pytest.mark.parametrize(("front", "env"), PATHS, ids=IDS)
def test_the_next_request_on_a_busy_keep_alive_connection_gets_the_new_code(
    tmp_path: Path, front: tuple[str, ...], env: dict[str, str]
) -> None:
    app = make_app(tmp_path / "app")
    running = start_run(app, *front, env=env)
    client = httpx.Client(timeout=60)
    try:
        running.wait_for("/api/hello")
        for _ in range(3):  # answered by the front, then handed to the app process
            assert client.get(f"{running.url}/api/hello").text == "old code"
        if not front:
            assert held_by_app(running, 1), running.log()
        slow: list[str] = []
        thread = threading.Thread(
            target=lambda: slow.append(client.get(f"{running.url}/api/slow").text)
        )
        thread.start()
        time.sleep(0.5)  # the old process is inside the slow request
        save_and_wait_for_the_reload(running, app)
        thread.join(60)
        assert slow == ["slow old code"], running.log()  # under way at the save
        answer = client.get(f"{running.url}/api/hello")
        assert (answer.status_code, answer.text) == (200, "new code"), running.log()
    finally:
        client.close()
        running.stop()


@pytest.mark.parametrize(("front", "env"), PATHS, ids=IDS)
def test_a_request_pipelined_behind_a_busy_one_gets_the_new_code(
    tmp_path: Path, front: tuple[str, ...], env: dict[str, str]
) -> None:
    app = make_app(tmp_path / "app")
    running = start_run(app, *front, env=env)
    client = Client(running)
    try:
        running.wait_for("/api/hello")
        # The front resolves /api/slow once, so the connection is handed with its route and
        # the app process serves the slow request itself.
        assert running.get("/api/slow?s=0").text == "slow old code"
        for _ in range(3):  # answered by the front, then handed to the app process
            assert client.ask(request("GET", "/api/hello")).endswith(b"old code")
        if not front:
            assert held_by_app(running, 1), running.log()
        client.sock.settimeout(60)
        # One packet: the old process reads both, runs the slow one, and the save lands.
        client.send(request("GET", "/api/slow") + request("GET", "/api/hello"))
        time.sleep(0.5)
        save_and_wait_for_the_reload(running, app)
        first = client.read_answer()
        second = client.read_answer()
        assert first.startswith(b"HTTP/1.1 200") and first.endswith(b"slow old code"), first
        assert second.startswith(b"HTTP/1.1 200") and second.endswith(b"\r\n\r\nnew code"), (
            second,
            running.log(),
        )
    finally:
        client.close()
        running.stop()


@pytest.mark.parametrize(("front", "env"), PATHS, ids=IDS)
def test_a_request_still_running_past_the_reload_s_drain_says_why_it_failed(
    tmp_path: Path, front: tuple[str, ...], env: dict[str, str]
) -> None:
    """A reload gives the requests under way in the old app process 5 s; one still running
    then fails with the front's 500, which says the reload stopped the process (before: 'the
    app process (pid N) exited with code 0', as if it had crashed)."""
    app = make_app(tmp_path / "app")
    running = start_run(app, *front, env=env)
    client = httpx.Client(timeout=60)
    try:
        running.wait_for("/api/hello")
        assert client.get(f"{running.url}/api/slow?s=0").text == "slow old code"
        for _ in range(3):  # answered by the front, then handed to the app process
            assert client.get(f"{running.url}/api/hello").text == "old code"
        if not front:
            assert held_by_app(running, 1), running.log()
        slow: list[httpx.Response] = []
        thread = threading.Thread(
            target=lambda: slow.append(client.get(f"{running.url}/api/slow?s=8"))
        )
        thread.start()
        time.sleep(0.5)  # the old process is inside the slow request
        save_and_wait_for_the_reload(running, app)
        thread.join(60)
        assert slow and slow[0].status_code == 500, running.log()
        assert "the app process (pid " in slow[0].text, slow[0].text
        assert "was stopped because a saved file reloads the app; requests under way had 5s" in (
            slow[0].text
        ), slow[0].text
        assert "because a saved file reloads the app" in running.log()
        answer = client.get(f"{running.url}/api/hello")
        assert (answer.status_code, answer.text) == (200, "new code"), running.log()
    finally:
        client.close()
        running.stop()
