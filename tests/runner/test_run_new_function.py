"""Functions made by ``funcls new`` run: the runner serves a new HTTP function (v2 and v1), and
``funcls invoke`` runs every template's function to success."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from funcls.model.catalogue.templates import TEMPLATES
from tests.runner.runner_process import REPO, RunningApp, funcls_invoke

pytestmark = pytest.mark.slow


def funcls_new(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "funcls", "new", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(REPO),
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("v1", [False, True], ids=["v2", "v1"])
def test_runner_serves_a_new_http_function(
    tmp_path: Path, run_app: Callable[..., RunningApp], v1: bool
) -> None:
    app = tmp_path / "app"
    funcls_new("app", str(app), *(["--v1"] if v1 else []))
    funcls_new(
        "function",
        str(app),
        "--trigger",
        "http",
        "--name",
        "hello",
        "--setting",
        "route=greet/{who?}",
        *(["--v1"] if v1 else []),
    )
    running = run_app(app, "--no-reload")
    # The route's parameter is what the new function reads (a query parameter of the same
    # name is not: QA in code-server, route hello/{name} answered from ?name=).
    answer = running.get("/api/greet/Ada?name=query")
    assert (answer.status_code, answer.text) == (200, "Hello, Ada!")
    assert running.post("/api/greet?name=query").text == "Hello, world!"
    assert running.request("DELETE", "/api/greet").status_code == 404  # GET and POST only
    running.wait_for_log("hello handled a request for Ada")


def test_invoke_runs_every_template(tmp_path: Path) -> None:
    app = tmp_path / "app"
    funcls_new("app", str(app))
    for t in TEMPLATES:
        funcls_new("function", str(app), "--trigger", t.id, "--name", "f_" + t.id.replace("-", "_"))
    for t in TEMPLATES:
        name = "f_" + t.id.replace("-", "_")
        done = funcls_invoke(name, str(app), "--format", "text")
        assert done.returncode == 0, f"{name}:\n{done.stdout}\n{done.stderr}"
        assert f"INFO {name}" in done.stdout, done.stdout
