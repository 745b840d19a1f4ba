"""code-server with ``funcls.importStrategy: fromEnvironment`` (the server from the
interpreter's own funcls install) and an app whose own virtual environment, ``env/``, has the
app's libraries but no funcls. The language server's warm app (the Run lens) put the server's
funcls on that environment's PYTHONPATH (warm_app.with_funcls); Start the app and F5, which the
extension starts itself, did not: ``env/bin/python -m funcls run`` stopped at once with "No
module named funcls". Now the extension adds the folder the server's interpreter imports funcls
from, last on PYTHONPATH (client-vscode/src/python.ts withFunclsHome), and both work. The app's
environment is ``env/``: the name the checks knew and the extension did not
(funcls/model/appvenv.py).

Uses the tools of ``tests/clients/vscode/setup.sh``; outside CI a missing tool skips it, with
``CI=true`` it fails.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from funcls.runner.statefile import state_path
from tests.clients.test_vscode_no_python import heartbeat_line
from tests.clients.vscode.session import (
    REPO,
    Session,
    find_tools,
    free_port,
    run,
    vscode_session,
)

pytestmark = [pytest.mark.editor, pytest.mark.slow]

LIBS = ["azure-functions", "uvicorn", "httptools", "watchfiles", "debugpy"]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """v2-app with its own env/: the app's run-time libraries and the debugger, no funcls."""
    ws = tmp_path_factory.mktemp("ws")
    app = ws / "v2-app"
    shutil.copytree(
        REPO / "samples" / "v2-app", app, ignore=shutil.ignore_patterns("__pycache__", ".funcls")
    )
    run([sys.executable, "-m", "venv", str(app / "env")], app)
    python = app / "env" / "bin" / "python"
    run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *LIBS], app)
    lacks = subprocess.run(
        [str(python), "-c", "import funcls"], cwd="/", capture_output=True, check=False
    )
    assert lacks.returncode != 0, f"{python} should not have funcls installed"
    return ws


@pytest.fixture(scope="module")
def run_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def session(
    workspace: Path, run_port: int, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Session]:
    tools = find_tools()
    tmp = tmp_path_factory.mktemp("vscode")
    script = workspace / "v2-app" / "function_app.py"
    product_line = next(
        i
        for i, text in enumerate(script.read_text().splitlines(), 1)
        if "product_id = int(" in text
    )
    url = f"http://127.0.0.1:{run_port}/api/products/2"
    steps: list[dict[str, Any]] = [
        {
            "id": "startApp",
            "kind": "startApp",
            "file": "v2-app/function_app.py",
            "command": "funcls: Start the app in a terminal (funcls run)",
            "url": url,
            "stateFile": str(state_path(str(workspace / "v2-app"))),
        },
        {
            "id": "debug",
            "kind": "debug",
            "app": "v2-app",
            "file": "v2-app/function_app.py",
            "line": product_line,
            "command": "funcls: Debug the app (F5)",
            "url": url,
        },
        # The Run lens: the server's warm app in env/, as before.
        {
            "id": "run",
            "kind": "lensPanel",
            "file": "v2-app/function_app.py",
            "line": heartbeat_line(script),
            "title": "▶ Run",
            "function": "heartbeat",
        },
    ]
    settings: dict[str, object] = {
        # The repository's venv: funcls installed (editable), the server's own.
        "funcls.interpreter": [str(REPO / ".venv" / "bin" / "python")],
        "funcls.importStrategy": "fromEnvironment",
        "funcls.runArgs": ["--port", str(run_port), "--no-reload"],
    }
    with vscode_session(tools, tmp, workspace, steps, [], settings) as s:
        yield s


def logs(session: Session) -> str:
    return "\n".join(p.read_text() for p in session.funcls_logs())


def test_the_server_runs_from_the_interpreter_s_own_funcls(session: Session) -> None:
    starts = [line for line in logs(session).splitlines() if " -m funcls --stdio (" in line]
    assert starts, session.explain("the server's starts", logs(session))
    assert all(line.endswith("(setting funcls.interpreter)") for line in starts), session.explain(
        "the server's starts", starts
    )


def test_start_the_app_runs_in_the_app_s_env_without_funcls(
    session: Session, workspace: Path
) -> None:
    seen = session.step("startApp")
    answer = seen["answer"]
    assert answer["status"] == 200, session.explain("the app started from the palette", seen)
    assert json.loads(answer["body"])["id"] == 2, session.explain("the product", seen)
    app = workspace / "v2-app"
    started = f"starting the app: {app / 'env' / 'bin' / 'python'} -m funcls run {app} --port"
    assert started in logs(session), session.explain("the output channel", logs(session))


def test_f5_debugs_the_app_in_its_env_without_funcls(session: Session, workspace: Path) -> None:
    seen = session.step("debug")
    assert seen["waitingWhilePaused"] is True, session.explain("the request did not wait", seen)
    answered = seen["answered"]
    assert answered is not None and answered["status"] == 200, session.explain("continue", seen)
    assert json.loads(answered["body"])["id"] == 2
    app = workspace / "v2-app"
    debugged = f"debugging the app: {app / 'env' / 'bin' / 'python'} -m funcls run {app} --debug"
    assert debugged in logs(session), session.explain("the output channel", logs(session))


def test_the_run_lens_runs_in_the_app_s_env(session: Session) -> None:
    panel = session.step("run")["panel"]
    assert panel["tab"].startswith("✓ heartbeat"), session.explain("the result panel", panel)
