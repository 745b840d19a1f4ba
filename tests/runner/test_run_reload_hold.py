"""Requests and invokes that arrive while `funcls run` reloads a saved app wait for the new
code, as the Functions host holds requests while its script host restarts after a file
change (HostAvailabilityCheckMiddleware awaits DelayUntilHostReady); before, the old app
processes answered them until the new ones were ready.

The app's import sleeps in every load after the first (a marker file tells), so a reload
takes over a second on any machine: requests fired once the runner has seen the save (its
console says "reloading") land inside it. They come as new connections, on a keep-alive
connection the runner had handed to the old app process, through the admin API (the Run
lens's path) and through `funcls invoke`; every one must be answered by the new code, or,
when the saved code does not load, by the load error naming the file and line."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from funcls.lsp.warm_app import runner_seen, saved_since_seen
from tests.runner.runner_process import RunningApp, funcls_invoke, start_run

pytestmark = pytest.mark.slow

APP = """import pathlib
import time

import azure.functions as func

MARK = pathlib.Path(__file__).with_name("loaded-once")
if MARK.exists():
    time.sleep({delay})  # every load after the first is slow
MARK.touch()

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello")
def hello(req: func.HttpRequest) -> str:
    return "{version}"
"""


def make_app(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "function_app.py").write_text(APP.format(delay=1.5, version="old code"))
    (root / "host.json").write_text(json.dumps({"version": "2.0"}))
    (root / "local.settings.json").write_text(
        json.dumps({"IsEncrypted": False, "Values": {"AzureWebJobsStorage": ""}})
    )
    return root


def run_state(app: Path) -> dict[str, object]:
    return dict(json.loads((app / ".funcls" / "run.json").read_text("utf-8")))


def fire_during_reload(running: RunningApp, keep_alive: httpx.Client) -> list[tuple[str, str]]:
    """(what, answer) of requests of every kind, sent at once."""
    url = running.url

    def new_connection() -> tuple[str, str]:
        with httpx.Client(timeout=60) as client:
            answer = client.get(f"{url}/api/hello")
        return "new connection", f"{answer.status_code} {answer.text}"

    def handed() -> tuple[str, str]:
        answer = keep_alive.get(f"{url}/api/hello")
        return "keep-alive", f"{answer.status_code} {answer.text}"

    def admin() -> tuple[str, str]:
        with httpx.Client(timeout=60) as client:
            answer = client.post(f"{url}/admin/funcls/invoke/hello", json={})
        if answer.status_code != 200:
            return "admin invoke", f"{answer.status_code} {answer.text}"
        result = answer.json()
        return "admin invoke", f"{result.get('status')} {result.get('body')}"

    def cli() -> tuple[str, str]:
        done = funcls_invoke("hello", str(running.app_dir), "--format", "json")
        return "funcls invoke", done.stdout + done.stderr

    calls: list[Callable[[], tuple[str, str]]] = [new_connection] * 4 + [handed, admin, cli]
    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(call) for call in calls]
        return [future.result() for future in futures]


@pytest.mark.parametrize("front", [(), ("--no-http-front",)], ids=["handoff", "reference"])
def test_requests_during_a_reload_are_answered_by_the_new_code(
    tmp_path: Path, front: tuple[str, ...]
) -> None:
    app = make_app(tmp_path / "app")
    running = start_run(app, *front)
    try:
        with httpx.Client(timeout=60) as keep_alive:
            for _ in range(3):  # answered by the front, then handed to the app process
                assert keep_alive.get(f"{running.url}/api/hello").text == "old code"
            time.sleep(0.3)
            assert run_state(app)["state"] == "running"
            loads = run_state(app)["loads"]
            (app / "function_app.py").write_text(APP.format(delay=1.5, version="new code"))
            running.wait_for_log("reloading")
            state = run_state(app)
            assert state["state"] == "reloading", state
            assert state["changed"] == ["function_app.py"]
            status = running.get("/admin/host/status").json()
            assert status["reloading"] is True and status["state"] == "Starting"
            answers = fire_during_reload(running, keep_alive)
        for what, answer in answers:
            expected = "new code" if what == "funcls invoke" else "200 new code"
            assert expected in answer, (what, answer, running.log())
        state = run_state(app)
        assert state["state"] == "running" and state["loads"] == loads + 1  # type: ignore[operator]
        assert running.get("/admin/host/status").json()["reloading"] is False
    finally:
        running.stop()


BROKEN = """import pathlib
import time

import azure.functions as func

MARK = pathlib.Path(__file__).with_name("loaded-once")
time.sleep(1.5)

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
app.route(route="hello")(lambda req: 1 / 0
"""


def test_requests_during_a_reload_that_fails_get_the_load_error(tmp_path: Path) -> None:
    app = make_app(tmp_path / "app")
    running = start_run(app)
    try:
        with httpx.Client(timeout=60) as keep_alive:
            assert keep_alive.get(f"{running.url}/api/hello").text == "old code"
            (app / "function_app.py").write_text(BROKEN)
            running.wait_for_log("reloading")
            answers = fire_during_reload(running, keep_alive)
        for what, answer in answers:
            assert "old code" not in answer, (what, answer)
            assert "function_app.py" in answer and "line 10" in answer, (what, answer)
        assert run_state(app)["state"] == "running"
        assert run_state(app)["errors"]
    finally:
        running.stop()


def test_a_reload_that_does_not_load_in_time_answers_a_clear_503(tmp_path: Path) -> None:
    app = make_app(tmp_path / "app")
    running = start_run(app, env={"FUNCLS_LOAD_WAIT_SECONDS": "1.5"})
    try:
        assert running.wait_for("/api/hello").text == "old code"
        (app / "function_app.py").write_text(APP.format(delay=30, version="new code"))
        running.wait_for_log("reloading")
        started = time.monotonic()
        answer = running.get("/api/hello", timeout=60)
        waited = time.monotonic() - started
        assert answer.status_code == 503, answer.text
        assert answer.text.startswith("Function host is not running.")
        assert "reloading after a change in function_app.py" in answer.text
        assert 1.0 <= waited < 10, waited
    finally:
        running.stop()


@pytest.mark.parametrize("reload", [True, False], ids=["reload", "no-reload"])
def test_the_language_server_waits_for_the_runner_to_see_a_save_in_run_json(
    tmp_path: Path, reload: bool
) -> None:
    """The Run lens's wait after a save (funcls/lsp/run_commands.caught_up) reads the runner's
    state, not its console: it ends once run.json's ``seen`` covers the save, when the runner
    already holds invokes for the new code; a run without reload is not waited for."""
    app = make_app(tmp_path / "app")
    running = start_run(app, *(() if reload else ("--no-reload",)))
    script = str(app / "function_app.py")
    try:
        assert running.wait_for("/api/hello").text == "old code"
        assert not saved_since_seen(str(app), {script})
        time.sleep(0.05)  # a save after the load, on any file system's clock granularity
        (app / "function_app.py").write_text(APP.format(delay=1.5, version="new code"))
        assert saved_since_seen(str(app), {script}) is reload
        started = time.monotonic()
        assert asyncio.run(runner_seen(str(app), {script}, 10.0))
        assert time.monotonic() - started < 5.0
        if reload:
            state = run_state(app)
            assert state["state"] == "reloading" or state["loads"] == 2, state
            assert running.post("/admin/funcls/invoke/hello", json={}).json()["body"] == "new code"
    finally:
        running.stop()
