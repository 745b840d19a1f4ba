"""Create .venv from requirements.txt, clicked in code-server, in a workspace of two apps: the
.venv is made (python -m venv, then pip from the package index) in the folder of the app that
asked, and from then on that app runs in it — found there, by the extension (its checks, Start
the app, F5) and by the language server's warm app (the Run lens) — while funcls.interpreter
stays as it was, the interpreter of the other app and of the server. Run Again then runs the
function in the .venv, and the .venv has the debugger.

QA (first hours of new users): the setting changed at once, the server restarted with a .venv
not yet made and stopped ("could not run … ENOENT"), leaving no lenses or problems until a
restart; the first F5 then asked to install debugpy; and Create .venv in one app of a two-app
workspace wrote funcls.interpreter for the whole workspace, so the other app ran in a .venv
holding the first one's requirements, not its own.

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

V1_HEARTBEAT = "v1-app/heartbeat/__init__.py"


def v1_heartbeat_line(ws: Path) -> int:
    lines = (ws / V1_HEARTBEAT).read_text().splitlines()
    return lines.index("def main(timer: func.TimerRequest, status: func.Out[str]) -> None:") + 1


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("ws")
    for app in ("v2-app", "v1-app"):
        shutil.copytree(REPO / "samples" / app, ws / app)
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
            "expect": "funcls cannot run the app 'v2-app'",
        },
        {
            "id": "venv",
            "kind": "notificationFlow",
            "expect": "funcls cannot run the app 'v2-app'",
            "action": "Create .venv from requirements.txt",
            "thenExpect": "Created ",
            "then": "Run Again",
            "thenWaitMs": 300_000,
            "function": "heartbeat",
        },
        # The server still answers: the lens is there.
        {
            "id": "lensAfter",
            "kind": "codeLens",
            "file": "v2-app/function_app.py",
            "lines": [heartbeat_line(app / "function_app.py")],
            "expect": "▶ Run",
        },
        # The other app has no .venv: it runs with funcls.interpreter, which lacks its
        # requirements, and the notification says so — for that app, with that interpreter.
        {
            "id": "otherApp",
            "kind": "runLens",
            "file": V1_HEARTBEAT,
            "line": v1_heartbeat_line(workspace),
            "title": "▶ Run",
            "expect": "funcls cannot run the app 'v1-app'",
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
        f"Created {venv_python} with the app's requirements; funcls runs this app with it"
        " (a .venv in the app's folder comes before funcls.interpreter)."
    ), session.explain("the notification after the .venv was made", seen)
    panel = seen["panel"]
    assert panel["tab"].startswith("✓ heartbeat"), session.explain("the result panel", panel)
    # The language server's warm app (the Run lens) ran in the app's .venv.
    logs = "\n".join(p.read_text() for p in session.funcls_logs())
    assert f"[v2-app] starting: {venv_python} -m funcls run {workspace / 'v2-app'} " in logs, (
        session.explain("the output channel", logs)
    )
    # The .venv can debug the app (F5) with nothing more to install.
    has = subprocess.run(
        [str(venv_python), "-c", "import azure.functions, uvicorn, debugpy, azure.storage.queue"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert has.returncode == 0, has.stderr


def test_the_setting_stays_and_the_other_app_keeps_its_interpreter(
    session: Session, workspace: Path, bare_python: Path
) -> None:
    workspace_settings = workspace / ".vscode" / "settings.json"
    if workspace_settings.exists():
        assert "funcls.interpreter" not in json.loads(workspace_settings.read_text())
    seen = session.step("otherApp")
    *_, message = seen["notification"].splitlines()
    assert message.startswith(
        f"funcls cannot run the app 'v1-app' with {bare_python}: it lacks azure-functions,"
    ), session.explain("the other app's notification", seen)
    assert not (workspace / "v1-app" / ".venv").exists()


def test_the_server_never_ran_a_venv_not_yet_made(session: Session, bare_python: Path) -> None:
    logs = "\n".join(p.read_text() for p in session.funcls_logs())
    assert "ENOENT" not in logs, session.explain("the output channel", logs)
    # The server kept its interpreter: started once, with the setting's.
    starts = [line for line in logs.splitlines() if " -m funcls --stdio (" in line]
    assert len(starts) == 1, session.explain("the server's starts", starts)
    assert f"{bare_python} -m funcls --stdio (setting funcls.interpreter" in starts[0]
    lenses = session.step("lensAfter")["lenses"]
    assert any(lens["text"].startswith("▶ Run") for lens in lenses), session.explain(
        "the lenses after the restart", lenses
    )
