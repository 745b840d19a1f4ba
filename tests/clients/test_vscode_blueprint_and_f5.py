"""Two things a new user tripped over in code-server (QA on a fresh profile with the v2 sample):

- **New function…** with the blueprint module ``orders_bp.py`` open wrote the function into
  function_app.py; now it asks where, the open blueprint module first, and writes it there
  under ``@bp``.
- **F5**: the Functions view said "v2-app stopped" (and the status bar named no URL) for the
  whole debug session until a first Run, as the extension asked for the app's status once,
  before the app's HTTP server was up; now the row says "running on …" while the session runs.
- **New function…**'s auth_level pick offered and sent 'function' in the sample, whose
  FunctionApp sets ANONYMOUS: the new route needed a key where every other one answers without.
  Now the app's level is the default.
- **F5, Shift+F5, F5**: each run left its "funcls debug: v2-app" terminal behind, one more per
  run; now a new run replaces the ended one's.

Uses the tools of ``tests/clients/vscode/setup.sh``; outside CI a missing tool skips it, with
``CI=true`` it fails.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.clients.vscode.session import REPO, Session, find_tools, free_port, vscode_session

pytestmark = [pytest.mark.editor, pytest.mark.slow]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("ws")
    shutil.copytree(
        REPO / "samples" / "v2-app",
        ws / "v2-app",
        ignore=shutil.ignore_patterns("__pycache__", ".funcls"),
    )
    return ws


@pytest.fixture(scope="module")
def session(workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    tools = find_tools()
    tmp = tmp_path_factory.mktemp("vscode")
    run_port = free_port()
    script = workspace / "v2-app" / "function_app.py"
    product_line = next(
        i
        for i, text in enumerate(script.read_text().splitlines(), 1)
        if "product_id = int(" in text
    )
    steps: list[dict[str, Any]] = [
        {
            "id": "newFunction",
            "kind": "newFunction",
            "file": "v2-app/orders_bp.py",
            "command": "funcls: New function…",
            "answers": [
                ["New function: trigger", "HTTP trigger"],
                ["New function: where in v2-app?", "orders_bp.py"],
                ["New function: HTTP trigger", "ping"],
                ["New function ping: route", None],
                ["New function ping: methods", None],
                ["New function ping: auth_level", None],
            ],
            "shows": "orders_bp.py",
        },
        {
            "id": "debug",
            "kind": "debug",
            "app": "v2-app",
            "file": "v2-app/function_app.py",
            "line": product_line,
            "command": "funcls: Debug the app (F5)",
            "url": f"http://127.0.0.1:{run_port}/api/products/2",
            "viewWhileDebugging": True,
            "again": True,
        },
    ]
    settings: dict[str, object] = {
        "funcls.interpreter": [str(REPO / ".venv" / "bin" / "python")],
        "funcls.runArgs": ["--port", str(run_port), "--no-reload"],
        "terminal.integrated.tabs.hideCondition": "never",  # the tabs list every terminal
    }
    with vscode_session(tools, tmp, workspace, steps, [], settings) as s:
        yield s


def test_new_function_goes_into_the_open_blueprint_module(
    session: Session, workspace: Path
) -> None:
    session.step("newFunction")
    app = workspace / "v2-app"
    blueprint = (app / "orders_bp.py").read_text()
    assert "@bp.route(" in blueprint and "def ping(req: func.HttpRequest)" in blueprint, (
        session.explain("orders_bp.py", blueprint[-600:])
    )
    assert "def ping(" not in (app / "function_app.py").read_text()
    # The pick's default (Enter) is the app's http_auth_level, ANONYMOUS, not 'function'.
    ping = blueprint[blueprint.index("def ping(") - 200 :]
    assert "auth_level=func.AuthLevel.ANONYMOUS" in ping, session.explain("ping", ping)
    assert "AuthLevel.FUNCTION" not in blueprint


def test_the_view_shows_the_debugged_app_running(session: Session) -> None:
    seen = session.step("debug")
    answered = seen["answered"]
    assert answered is not None and answered["status"] == 200, session.explain("continue", seen)
    assert json.loads(answered["body"])["id"] == 2
    assert seen["duringSession"].startswith("running on http://"), session.explain(
        "the app's row while debugging", seen
    )
    # Ending the session stops the app (9e86539).
    assert seen["afterEnd"].startswith("stopped"), session.explain("after Shift+F5", seen)


def test_f5_again_replaces_the_ended_run_s_terminal(session: Session) -> None:
    again = session.step("debug")["again"]
    debug_terminals = [t for t in again["terminals"] if "funcls debug: v2-app" in t]
    assert len(debug_terminals) == 1, session.explain("the terminals after F5 again", again)
    assert again["afterSecondEnd"].startswith("stopped"), session.explain("second Shift+F5", again)
