"""Ctrl+C twice while a request runs: the second press ends the wait for the request, which is
answered its 500 (saying why), and the stop runs to its end: the app processes end, run.json
goes, the console says so, exit code 0. QA: the second press closed the request's connection
without an answer and left run.json behind (asyncio's runner raised KeyboardInterrupt in the
middle of the stop). The host does not cut its stop short on a second Ctrl+C either (Core
Tools' CancelKeyHandler, ASP.NET Core's WebHostLifetime: see Run.hurry)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.runner.runner_process import REPO, RunningApp

pytestmark = pytest.mark.slow

SLOW_APP = """\
import time

import azure.functions as func

app = func.FunctionApp()


@app.route(route="slow", auth_level=func.AuthLevel.ANONYMOUS)
def slow(req: func.HttpRequest) -> func.HttpResponse:
    time.sleep(60)
    return func.HttpResponse("done")
"""

STOPPING = "stopping: 1 invocation(s) under way get up to 7s to finish (Ctrl+C again stops sooner)"


FRONTS = [
    pytest.param((), id="hot-path"),
    # Through uvicorn's ASGI cycle, as every function but a plain HTTP one.
    pytest.param(("--no-http-front",), id="asgi"),
]


def slow_run(
    tmp_path: Path, run_app: Callable[..., RunningApp], front: tuple[str, ...]
) -> tuple[RunningApp, threading.Thread, list[object]]:
    app_dir = tmp_path / "slow"
    app_dir.mkdir()
    (app_dir / "host.json").write_text('{"version": "2.0"}')
    (app_dir / "function_app.py").write_text(SLOW_APP)
    running = run_app(app_dir, "--no-reload", *front, new_session=True)
    running.wait_for_log("ready in")
    assert (app_dir / ".funcls" / "run.json").exists()
    answers: list[object] = []

    def call() -> None:
        try:
            answers.append(running.get("/api/slow", timeout=30))
        except httpx.HTTPError as error:
            answers.append(error)

    caller = threading.Thread(target=call)
    caller.start()
    running.wait_for_log("Executing 'Functions.slow'")
    return running, caller, answers


def answered(caller: threading.Thread, answers: list[object], why: str) -> None:
    caller.join(10)
    (response,) = answers
    assert isinstance(response, httpx.Response), response  # not a closed connection
    assert response.status_code == 500, response.text
    # The run's 500, not uvicorn's bare 'Internal Server Error' after a cancel.
    assert f"was stopped because {why}; requests under way had " in response.text, response.text


def stopped_cleanly(running: RunningApp) -> None:
    log = running.log()
    assert "Executed 'Functions.slow' (Failed" in log
    assert "stopped: the app's processes have ended" in log, log
    assert "Traceback" not in log and "KeyboardInterrupt" not in log, log
    assert not (running.app_dir / ".funcls" / "run.json").exists()  # the stop ran to its end


@pytest.mark.parametrize("front", FRONTS)
@pytest.mark.parametrize(
    "second_after",
    [
        pytest.param(0.3, id="during-the-server-grace"),
        # uvicorn's grace is 5 s; then the runner waits 2 s more for the app processes.
        pytest.param(5.6, id="during-the-app-processes-drain"),
    ],
)
def test_a_second_ctrl_c_answers_the_request_and_ends_the_stop(
    tmp_path: Path,
    run_app: Callable[..., RunningApp],
    second_after: float,
    front: tuple[str, ...],
) -> None:
    running, caller, answers = slow_run(tmp_path, run_app, front)
    began = time.monotonic()
    os.killpg(running.process.pid, signal.SIGINT)  # what a terminal's Ctrl+C does
    running.wait_for_log(STOPPING, timeout=2)
    time.sleep(second_after)
    os.killpg(running.process.pid, signal.SIGINT)
    pressed = time.monotonic()
    assert running.process.wait(20) == 0
    ended = time.monotonic()
    answered(caller, answers, "funcls run was stopped with Ctrl+C twice")
    assert ended - pressed < 2.5, (ended - pressed, running.log())
    assert ended - began < 7, ended - began  # sooner than the grace of one press
    assert (
        "Ctrl+C again: 1 invocation(s) under way are stopped now and answered 500" in running.log()
    )
    stopped_cleanly(running)


@pytest.mark.parametrize("front", FRONTS)
def test_after_the_grace_of_one_ctrl_c_the_request_gets_the_run_s_500(
    tmp_path: Path, run_app: Callable[..., RunningApp], front: tuple[str, ...]
) -> None:
    """QA: through the ASGI cycle, uvicorn's grace timeout cancelled the request: a bare
    'Internal Server Error' and a CancelledError traceback on the console."""
    running, caller, answers = slow_run(tmp_path, run_app, front)
    began = time.monotonic()
    os.killpg(running.process.pid, signal.SIGINT)
    running.wait_for_log(STOPPING, timeout=2)
    assert running.process.wait(20) == 0
    took = time.monotonic() - began
    answered(caller, answers, "funcls run is stopping")
    assert 6 <= took <= 9.5, took
    stopped_cleanly(running)


HANGING_IMPORT = """\
import time

import azure.functions as func

time.sleep(600)  # an import that hangs: a database that does not answer, say

app = func.FunctionApp()
"""


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


@pytest.mark.parametrize(
    ("stop", "sigint_ignored"),
    [
        pytest.param(signal.SIGINT, False, id="SIGINT"),
        pytest.param(signal.SIGTERM, False, id="SIGTERM"),
        # A script's `funcls run &`: a shell without job control starts it with SIGINT
        # ignored, and SIGTERM (which the run turned into a SIGINT) stopped nothing.
        pytest.param(signal.SIGTERM, True, id="SIGTERM-with-SIGINT-ignored"),
    ],
)
def test_a_stop_while_the_app_loads_ends_its_app_process(
    tmp_path: Path, stop: signal.Signals, sigint_ignored: bool
) -> None:
    """QA: Ctrl+C while the app's import hung ended the run, and its app process (a session
    of its own, out of the terminal's group) stayed, in its import, under init."""
    app_dir = tmp_path / "hangs"
    app_dir.mkdir()
    (app_dir / "host.json").write_text('{"version": "2.0"}')
    (app_dir / "function_app.py").write_text(HANGING_IMPORT)
    console = tmp_path / "console.txt"
    with console.open("wb") as out:  # a file: an app process left behind keeps a pipe open
        run = subprocess.Popen(
            [sys.executable, "-m", "funcls", "run", str(app_dir), "--port", "0"],
            cwd=str(REPO),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=ignore_sigint if sigint_ignored else None,
        )
    app_processes: list[int] = []
    try:
        deadline = time.monotonic() + 30
        while not (app_processes := children(run.pid)):
            assert run.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(1)  # the app process is in its import
        os.killpg(run.pid, stop)
        assert run.wait(20) == 0
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in app_processes):
            assert time.monotonic() < deadline, f"app process {app_processes} outlived the run"
            time.sleep(0.05)
        assert "the app's processes have ended" in console.read_text()
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait(10)
        for pid in app_processes:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def alive(pid: int) -> bool:
    try:
        # A zombie runs nothing more.
        return not Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except OSError:
        return False
