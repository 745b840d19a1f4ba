"""A request that arrives while a crashed app process is being replaced waits for the
replacement and is answered by it, as the host holds invocations while its worker restarts
(WorkerFunctionInvoker.DelayUntilFunctionDispatcherInitializedOrShutdown), instead of being
refused with 503 "the app is restarting" when the replacement takes over half a second to
load (funcls/runner/pool.py, WorkerPool._held_until_ready).

The app's import sleeps in every process after the first (a marker file tells), so the
replacement is slow on any machine, on the hand-off path and on the reference path."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.runner.runner_process import start_run

pytestmark = pytest.mark.slow

SLOW_APP = """import os
import pathlib
import time

import azure.functions as func

MARK = pathlib.Path(__file__).with_name("loaded-once")
if MARK.exists():
    time.sleep(2.0)  # the replacement after a crash loads slowly
MARK.touch()

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello")
def hello(req: func.HttpRequest) -> str:
    return f"hello from {os.getpid()}"


@app.route(route="exits")
def exits(req: func.HttpRequest) -> str:
    os._exit(3)
"""


def make_app(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "function_app.py").write_text(SLOW_APP)
    (root / "host.json").write_text(json.dumps({"version": "2.0"}))
    (root / "local.settings.json").write_text(
        json.dumps({"IsEncrypted": False, "Values": {"AzureWebJobsStorage": ""}})
    )
    return root


@pytest.mark.parametrize("front", [(), ("--no-http-front",)], ids=["handoff", "reference"])
def test_a_request_during_a_slow_restart_waits_for_the_new_app_process(
    tmp_path: Path, front: tuple[str, ...]
) -> None:
    app = make_app(tmp_path / "app")
    running = start_run(app, "--no-reload", *front)
    try:
        first = running.wait_for("/api/hello")
        assert first.status_code == 200
        crashed = running.get("/api/exits", timeout=30)
        assert crashed.status_code == 500
        assert "exited with code 3" in crashed.text
        # At once, on a new connection: no app process is ready for about two seconds.
        with httpx.Client(timeout=30) as client:
            answer = client.get(f"{running.url}/api/hello")
        assert answer.status_code == 200, (answer.text, running.log())
        assert answer.text.startswith("hello from ")
        assert answer.text != first.text  # the replacement answered
        log = running.wait_for_log("is ready")
        assert "starting a new one" in log
        assert "the app is restarting" not in running.log()
    finally:
        running.stop()
