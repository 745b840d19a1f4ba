"""Install and go, when it cannot go: code-server with the packaged extension and an
interpreter setting that names no Python. The user gets one notification that says which
interpreter was tried, why it failed and what to do — not the language client's cascade of
toasts — and setting a working interpreter (a fresh venv without funcls) starts the bundled
server without a window reload.

Uses the tools of ``tests/clients/vscode/setup.sh``; outside CI a missing tool skips it, with
``CI=true`` it fails.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.clients.vscode.session import REPO, Session, find_tools, run, vscode_session

pytestmark = [pytest.mark.editor, pytest.mark.slow]

MISSING = "/nonexistent/python3"


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv without funcls: only the bundled server can serve it."""
    venv = tmp_path_factory.mktemp("bare-venv")
    run([sys.executable, "-m", "venv", str(venv)], venv)
    python = venv / "bin" / "python"
    lacks = subprocess.run(
        [str(python), "-c", "import funcls"], cwd=venv, capture_output=True, check=False
    )
    assert lacks.returncode != 0, f"{python} should not have funcls installed"
    return python


def heartbeat_line(script: Path) -> int:
    lines = script.read_text().splitlines()
    return (
        lines.index("def heartbeat(timer: func.TimerRequest, status: func.Out[str]) -> None:") + 1
    )


@pytest.fixture(scope="module")
def session(bare_python: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    tools = find_tools()
    tmp = tmp_path_factory.mktemp("vscode")
    ws = tmp_path_factory.mktemp("ws")
    shutil.copytree(REPO / "samples" / "v2-app", ws / "v2-app")
    steps = [
        {"id": "notifications", "kind": "notifications", "waitMs": 15_000},
        # The window stays open while the probe changes the setting and the server starts.
        {"id": "pause", "kind": "pause", "waitMs": 45_000},
        # The bundled server runs, but this venv cannot run the app: Run says what it lacks.
        {
            "id": "run",
            "kind": "runLens",
            "file": "v2-app/function_app.py",
            "line": heartbeat_line(ws / "v2-app" / "function_app.py"),
            "title": "▶ Run",
            "expect": "funcls cannot run the app",
        },
        # Install into This Interpreter (pip, from the package index), then Run Again: the
        # function runs and its result shows.
        {
            "id": "install",
            "kind": "notificationFlow",
            "expect": "funcls cannot run the app",
            "action": "Install into This Interpreter",
            "thenExpect": "Installed ",
            "then": "Run Again",
            "thenWaitMs": 300_000,
            "function": "heartbeat",
        },
    ]
    queries: list[dict[str, Any]] = [
        # After the driver has read the notifications: a working interpreter, no reload.
        {
            "id": "fix",
            "kind": "configure",
            "waitMs": 30_000,
            "setting": "funcls.interpreter",
            "value": [str(bare_python)],
        },
        {
            "id": "commands",
            "kind": "commands",
            "prefix": "funcls.",
            "includes": ["funcls.runFunction"],
        },
    ]
    settings: dict[str, object] = {"funcls.interpreter": [MISSING]}
    with vscode_session(tools, tmp, ws, steps, queries, settings) as s:
        yield s


def test_one_notification_names_the_interpreter_and_the_fix(session: Session) -> None:
    items = session.step("notifications")["items"]
    ours = [i for i in items if "funcls" in i.lower() or "server" in i.lower()]
    assert len(ours) == 1, session.explain("notifications about the server", items)
    [text] = ours
    # The notification's text: its source, its buttons, then the message.
    *head, message = text.splitlines()
    assert head == [
        "Source: funcls — Azure Functions for Python",
        "Select Interpreter",
        "Open Settings",
        "Show Log",
    ], session.explain("the notification", text)
    assert message == (
        f"funcls needs Python 3.10 or newer and could not run {MISSING}"
        f" (setting funcls.interpreter, bundled funcls): spawn {MISSING} ENOENT."
        " Select an interpreter (Python extension) or set funcls.interpreter."
    ), session.explain("the notification", text)


def test_setting_a_working_interpreter_starts_the_bundled_server(
    session: Session, bare_python: Path
) -> None:
    assert "funcls.runFunction" in session.probed("commands")
    logs = "\n".join(p.read_text() for p in session.funcls_logs())
    assert f"{bare_python} -m funcls --stdio (setting funcls.interpreter, bundled funcls)" in logs
    assert "can run the server" in logs, session.explain("the output channel", logs)


def test_running_the_app_says_what_the_interpreter_lacks_and_offers_the_fixes(
    session: Session, bare_python: Path
) -> None:
    seen = session.step("run")
    ours = [n for n in seen["notifications"] if "cannot run the app" in n]
    assert len(ours) == 1, session.explain("notifications about running the app", seen)
    *head, message = ours[0].splitlines()
    assert head == [
        "Source: funcls — Azure Functions for Python",
        "Install into This Interpreter",
        "Create .venv from requirements.txt",
        "Select Interpreter",
    ], session.explain("the notification's actions", ours)
    assert message == (
        f"funcls cannot run the app 'v2-app' with {bare_python}: it lacks azure-functions, uvicorn,"
        # v2-app's queue and blob functions use AzureWebJobsStorage, set to Azurite: the
        # runner reaches it with the Azure SDKs (without them, the embedded store).
        " httptools, watchfiles, azure-storage-queue, azure-storage-blob. To run it, install the app's requirements.txt and those packages into it,"
        " create a"
        " .venv from requirements.txt, or select another interpreter."
    ), session.explain("the notification", ours)


def test_install_into_this_interpreter_then_run_again_runs_the_function(
    session: Session, bare_python: Path
) -> None:
    seen = session.step("install")
    *_, message = seen["answer"].splitlines()
    assert message == (
        "Installed azure-functions, uvicorn, httptools, watchfiles, azure-storage-queue,"
        " azure-storage-blob, the requirements of v2-app"
        f" into {bare_python}."
    ), session.explain("the notification after pip", seen)
    panel = seen["panel"]
    assert panel["tab"].startswith("✓ heartbeat"), session.explain("the result panel", panel)
    assert "timerTrigger" in panel["text"], session.explain("the result panel", panel)
    has = subprocess.run(
        [str(bare_python), "-c", "import azure.functions, uvicorn, httptools, watchfiles"],
        capture_output=True,
        check=False,
    )
    assert has.returncode == 0, has.stderr
