"""Create .venv from requirements.txt, clicked in code-server: the .venv is made (python -m
venv, then pip from the package index) before it becomes funcls.interpreter, so the language
server restarts with an interpreter that exists; Run Again then runs the function in it, and
the .venv has the debugger. QA (first hour of a new user): the setting changed at once, the
server restarted with a .venv not yet made and stopped ("could not run … ENOENT"), leaving no
lenses or problems until a restart; and the first F5 then asked to install debugpy.

Uses the tools of ``tests/clients/vscode/setup.sh``; outside CI a missing tool skips it, with
``CI=true`` it fails.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clients.test_vscode_no_python import bare_python, heartbeat_line
from tests.clients.vscode.session import REPO, Session, find_tools, vscode_session

pytestmark = [pytest.mark.editor, pytest.mark.slow]

__all__ = ["bare_python"]  # the fixture, shared with test_vscode_no_python


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("ws")
    shutil.copytree(REPO / "samples" / "v2-app", ws / "v2-app")
    return ws


@pytest.fixture(scope="module")
def session(
    bare_python: Path, workspace: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Session]:
    tools = find_tools()
    tmp = tmp_path_factory.mktemp("vscode")
    app = workspace / "v2-app"
    steps = [
        {
            "id": "run",
            "kind": "runLens",
            "file": "v2-app/function_app.py",
            "line": heartbeat_line(app / "function_app.py"),
            "title": "▶ Run",
            "expect": "funcls cannot run the app",
        },
        {
            "id": "venv",
            "kind": "notificationFlow",
            "expect": "funcls cannot run the app",
            "action": "Create .venv from requirements.txt",
            "thenExpect": "Created ",
            "then": "Run Again",
            "thenWaitMs": 300_000,
            "function": "heartbeat",
        },
        # The server, restarted with the new .venv, still answers: the lens is there.
        {
            "id": "lensAfter",
            "kind": "codeLens",
            "file": "v2-app/function_app.py",
            "lines": [heartbeat_line(app / "function_app.py")],
            "expect": "▶ Run",
        },
    ]
    settings: dict[str, object] = {"funcls.interpreter": [str(bare_python)]}
    with vscode_session(tools, tmp, workspace, steps, [], settings) as s:
        yield s


def test_create_venv_then_run_again_runs_the_function_in_it(
    session: Session, workspace: Path
) -> None:
    venv_python = workspace / "v2-app" / ".venv" / "bin" / "python"
    seen = session.step("venv")
    *actions, message = seen["answer"].splitlines()
    assert actions == ["Source: funcls — Azure Functions for Python", "Run Again"], session.explain(
        "the notification after the .venv was made", seen
    )
    assert message == (
        f"Created {venv_python} with the app's requirements; funcls now runs the app with it"
        " (funcls.interpreter)."
    ), session.explain("the notification after the .venv was made", seen)
    panel = seen["panel"]
    assert panel["tab"].startswith("✓ heartbeat"), session.explain("the result panel", panel)
    settings = json.loads((workspace / ".vscode" / "settings.json").read_text())
    assert settings["funcls.interpreter"] == [str(venv_python)]
    # The .venv can debug the app (F5) with nothing more to install.
    has = subprocess.run(
        [str(venv_python), "-c", "import azure.functions, uvicorn, debugpy, azure.storage.queue"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert has.returncode == 0, has.stderr


def test_the_server_never_ran_a_venv_not_yet_made(session: Session) -> None:
    logs = "\n".join(p.read_text() for p in session.funcls_logs())
    assert "ENOENT" not in logs, session.explain("the output channel", logs)
    assert ".venv/bin/python -m funcls --stdio (setting funcls.interpreter" in logs, (
        session.explain("the output channel", logs)
    )
    lenses = session.step("lensAfter")["lenses"]
    assert any(lens["text"].startswith("▶ Run") for lens in lenses), session.explain(
        "the lenses after the restart", lenses
    )
