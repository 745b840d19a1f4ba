"""New app… (v1) and New function… from the Command Palette of code-server, on an empty folder,
as a new user goes: the app's functions are function.json folders, never a function_app.py; they
pass `funcls check` with no finding and run.

QA in code-server: the first New function… in a v1 app just made by New app… wrote a decorated
function into a new function_app.py — the Functions view's model of an app without functions is
"none", which New function took for v2 — and the app was a v2 app from then on. Now an app
without functions and without a function_app.py is asked for its programming model.

Uses the tools of ``tests/clients/vscode/setup.sh``; outside CI a missing tool skips it, with
``CI=true`` it fails.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clients.test_vscode import bare_python
from tests.clients.vscode.session import REPO, Session, find_tools, vscode_session

pytestmark = [pytest.mark.editor, pytest.mark.slow]

__all__ = ["bare_python"]  # the fixture: a venv with the apps' run-time libraries, no funcls


def new_function(
    name: str, trigger: str, answers: list[list[str | None]]
) -> list[list[str | None]]:
    return [
        ["New function: trigger", trigger],
        [f"New function: {trigger}", name],
        *([f"New function {name}: {setting}", value] for setting, value in answers),
    ]


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("empty-ws")


@pytest.fixture(scope="module")
def session(
    ws: Path, bare_python: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Session]:
    tools = find_tools()
    tmp = tmp_path_factory.mktemp("vscode")
    http = [["route", None], ["methods", "GET"], ["auth_level", "anonymous"]]
    steps = [
        # The palette lists the extension's commands once the extension host has read them.
        {"id": "pause", "kind": "pause", "waitMs": 30_000},
        {
            "id": "newApp",
            "kind": "newFunction",
            "command": "funcls: New app…",
            "answers": [
                ["New app: folder", "New folder in"],
                ["New app: a new folder", "legacy"],
                ["New app: programming model", "v1"],
            ],
            "shows": "host.json",
        },
        # From legacy/host.json, which New app… opened: the app of the active file.
        {
            "id": "newPing",
            "kind": "newFunction",
            "command": "funcls: New function…",
            "answers": [
                ["New function: programming model of legacy", "v1"],
                *new_function("ping", "HTTP trigger", http),
            ],
            "shows": "__init__.py",
        },
        # The app has a v1 function now: no question.
        {
            "id": "newBeat",
            "kind": "newFunction",
            "command": "funcls: New function…",
            "answers": new_function("beat", "Timer trigger", [["schedule", None]]),
            "shows": "__init__.py",
        },
        {"id": "view", "kind": "view", "app": "legacy", "expect": "beat"},
        {"id": "run", "kind": "viewAction", "app": "legacy", "function": "ping", "action": "Run"},
    ]
    settings: dict[str, object] = {"funcls.interpreter": [str(bare_python)]}
    with vscode_session(tools, tmp, ws, steps, [], settings) as s:
        yield s


def test_new_function_in_a_new_v1_app_writes_function_json_folders(
    session: Session, ws: Path
) -> None:
    app = ws / "legacy"
    for step in ("newApp", "newPing", "newBeat"):
        session.step(step)
    assert (app / "ping" / "function.json").is_file()
    assert (app / "beat" / "function.json").is_file()
    assert not (app / "function_app.py").exists(), session.explain(
        "a v2 script in the v1 app", (app / "function_app.py").read_text()
    )
    rows = session.step("view")["rows"]
    [legacy] = [r for r in rows if r["name"] == "legacy"]
    assert legacy["tooltip"].endswith("v1 app, 2 functions"), session.explain("the view", rows)


def test_what_the_templates_wrote_passes_the_check_and_runs(session: Session, ws: Path) -> None:
    check = subprocess.run(
        [sys.executable, "-m", "funcls", "check", str(ws / "legacy")],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.strip() == "No problems found in 1 app.", check.stdout
    panel = session.step("run")["panel"]
    assert panel["tab"].startswith("✓ ping"), session.explain("the result panel", panel)
    assert panel["status"] == "200 OK", session.explain("the result panel", panel)
