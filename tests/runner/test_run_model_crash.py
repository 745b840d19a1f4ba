"""`funcls run` when the model's loader crashes (issue 17): a bug in funcls' static reading of
the app must not stop an app that Python imports fine. The run says what failed and where,
reads host.json and local.settings.json alone, serves the app as the worker loads it, and its
exit code claims no findings.

The crash is injected (as the kill tests inject SIGKILL): every input that crashed the loader
so far is fixed and kept by tests/fuzz, so a wrapper replaces the v2 indexer's walk with one
that raises, then runs the real `funcls` command line in the same process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.runner.runner_process import REPO, RunningApp

WRAPPER = """
import sys

import funcls.model.v2.indexer as indexer


def crash(self):
    raise RecursionError("maximum recursion depth exceeded (injected by the test)")


indexer.V2Indexer.run = crash
from funcls.cli import main

sys.exit(main(sys.argv[1:]))
"""

APP = """import os

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello")
def hello(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("hello " + os.environ.get("GREETING", "(no setting)"))
"""


def start(tmp_path: Path, app: Path, *args: str) -> RunningApp:
    wrapper = tmp_path / "crashing_funcls.py"
    wrapper.write_text(WRAPPER)
    log_path = tmp_path / "run.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO)}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, str(wrapper), "run", str(app), "--port", "0", *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=str(REPO),
        )
    running = RunningApp(app, process, log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"funcls run exited with {process.returncode}:\n{running.log()}")
        try:
            state = json.loads((app / ".funcls" / "run.json").read_text("utf-8"))
        except (OSError, ValueError):
            state = None
        if state and state.get("pid") == process.pid:
            running.url = f"http://127.0.0.1:{state['port']}"
            return running
        time.sleep(0.05)
    running.stop()
    raise AssertionError(f"funcls run did not start:\n{running.log()}")


def test_run_starts_the_app_after_a_crash_in_model_loading(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "local.settings.json").write_text(
        json.dumps({"Values": {"FUNCTIONS_WORKER_RUNTIME": "python", "GREETING": "from settings"}})
    )
    (app / "function_app.py").write_text(APP)
    running = start(tmp_path, app, "--no-reload")
    try:
        answer = running.wait_for("/api/hello")
        assert answer.text == "hello from settings"  # local.settings.json was still read
        log = running.wait_for_log("could not read the app")
        assert "RecursionError: maximum recursion depth exceeded (injected by the test)" in log
        assert "funcls/model/" in log and ".py:" in log  # where it failed
        assert str(app) in log  # which app
        assert "Traceback" not in log
        assert "static check is skipped" in log
    finally:
        running.client.close()
        running.process.send_signal(signal.SIGINT)
        code = running.process.wait(20)
    assert code == 0, running.log()  # not 1, the code of "findings"


def test_a_plain_run_exits_0_too(tmp_path: Path) -> None:
    """The exit code the crashed run is compared with."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "function_app.py").write_text(APP)
    command = [sys.executable, "-m", "funcls", "run", str(app), "--port", "0", "--no-reload"]
    process = subprocess.Popen(
        command, cwd=str(REPO), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while not (app / ".funcls" / "run.json").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        port = json.loads((app / ".funcls" / "run.json").read_text())["port"]
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/hello").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(20) == 0
