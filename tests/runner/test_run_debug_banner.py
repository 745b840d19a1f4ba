"""`funcls run --debug`'s banner line for the debugger: an editor that attaches by itself
(VS Code's F5 sets FUNCLS_DEBUG_CLIENT) is named; from a terminal the line asks the user to
attach one. QA in code-server: after F5 had attached, the Debug Console said "attach your
editor's Python debugger there". The extension finds the port in "debugpy listens on
HOST:PORT", which both keep."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.runner.runner_process import RunningApp
from tests.support.azurite import free_port

pytestmark = pytest.mark.slow

APP = """import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="ping")
def ping(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("pong")
"""


@pytest.mark.parametrize(
    ("client", "tail"),
    [
        ("VS Code's debugger (F5)", "VS Code's debugger (F5) attaches to it"),
        (None, "attach your editor's Python debugger there"),
    ],
)
def test_the_banner_names_the_editor_that_attaches(
    tmp_path: Path, run_app: Callable[..., RunningApp], client: str | None, tail: str
) -> None:
    app = tmp_path / "dbg"
    app.mkdir()
    (app / "function_app.py").write_text(APP)
    (app / "host.json").write_text(json.dumps({"version": "2.0"}))
    port = free_port()
    env = {"FUNCLS_DEBUG_CLIENT": client} if client is not None else {}
    running = run_app(app, "--no-reload", "--debug", str(port), env=env)
    running.wait_for_log(f"Debugger: debugpy listens on 127.0.0.1:{port}; {tail}")
    other = "attach your editor's" if client is not None else "attaches to it"
    assert other not in running.log()
