"""A queue or blob trigger whose path names a %setting% the app does not define: `funcls run`
says which function will not be triggered and why, and serves the rest of the app. QA: the
run ended with an internal error (BindingExpressionError from the trigger manager), so the
Run lens failed for every function of the app, HTTP ones included."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.runner.runner_process import RunningApp

pytestmark = pytest.mark.slow

APP = """import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="ping")
def ping(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("pong")


@app.queue_trigger(arg_name="msg", queue_name="%RESTOCK_QUEUE%", connection="AzureWebJobsStorage")
def restock(msg: func.QueueMessage) -> None:
    pass


@app.blob_trigger(arg_name="blob", path="%UPLOADS%/{name}", connection="AzureWebJobsStorage")
def uploaded(blob: func.InputStream) -> None:
    pass
"""


def test_the_other_functions_run_and_the_console_names_the_setting(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    app = tmp_path / "unresolved"
    app.mkdir()
    (app / "function_app.py").write_text(APP)
    (app / "host.json").write_text(json.dumps({"version": "2.0"}))
    settings = {"IsEncrypted": False, "Values": {"FUNCTIONS_WORKER_RUNTIME": "python"}}
    (app / "local.settings.json").write_text(json.dumps(settings))
    running = run_app(app, "--no-reload")
    running.wait_for_log("ready in")
    answer = running.get("/api/ping")
    assert (answer.status_code, answer.text) == (200, "pong")
    log = running.wait_for_log("'uploaded' will not be triggered")
    assert (
        "'restock' will not be triggered: '%RESTOCK_QUEUE%' does not resolve to a value; add "
        "'RESTOCK_QUEUE' to local.settings.json Values"
    ) in log, log
    assert "'%UPLOADS%' does not resolve to a value" in log, log
    assert "internal error" not in log and "Traceback" not in log, log
    assert running.process.poll() is None
