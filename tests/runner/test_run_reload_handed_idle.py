"""A reload while the old app process still runs a request: a keep-alive connection handed to
that process and idle at the save is not served by the old code.

From the save on, the old app processes take no new invocation (d81f9d4): the runner holds
what comes to it until the new code is loaded. But an idle keep-alive connection handed to the
old process is read by that process itself, and the runner only told it to stop once its
requests under way had ended (WorkerProcess.stop waits for them before Shutdown): meanwhile a
request on that connection was answered at once by the old code. The old process now stops
taking requests on its handed connections as soon as the stop begins; the connection comes
back to the runner on the process's exit, and its request is answered by the new code."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.runner.runner_process import start_run
from tests.runner.test_run_handoff import HANDOFF, app_pids, held_by_app

pytestmark = pytest.mark.slow

APP = """import time

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello")
def hello(req: func.HttpRequest) -> str:
    return "{version}"


@app.route(route="slow")
def slow(req: func.HttpRequest) -> str:
    time.sleep(2)
    return "slow {version}"
"""


def test_an_idle_handed_connection_is_not_served_by_the_old_code_during_a_reload(
    tmp_path: Path,
) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "function_app.py").write_text(APP.format(version="old code"))
    (app / "host.json").write_text(json.dumps({"version": "2.0"}))
    (app / "local.settings.json").write_text(
        json.dumps({"IsEncrypted": False, "Values": {"AzureWebJobsStorage": ""}})
    )
    running = start_run(app, env=HANDOFF)
    idle = httpx.Client(timeout=30)
    busy = httpx.Client(timeout=30)
    try:
        running.wait_for("/api/hello")
        for _ in range(3):  # answered by the front, then handed to the app process
            assert idle.get(f"{running.url}/api/hello").text == "old code"
            assert busy.get(f"{running.url}/api/hello").text == "old code"
        assert held_by_app(running, 2), running.log()
        old = app_pids(running)
        slow: list[str] = []
        thread = threading.Thread(
            target=lambda: slow.append(busy.get(f"{running.url}/api/slow").text)
        )
        thread.start()
        time.sleep(0.3)  # the old process is inside the slow request
        (app / "function_app.py").write_text(APP.format(version="new code"))
        running.wait_for_log("reloading")
        answer = idle.get(f"{running.url}/api/hello")
        thread.join(30)
        assert slow == ["slow old code"]  # under way at the save: the old code ends it
        assert (answer.status_code, answer.text) == (200, "new code"), (old, running.log())
    finally:
        idle.close()
        busy.close()
        running.stop()
