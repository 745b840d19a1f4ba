"""Opening a workspace in code-server with no funcls.interpreter and no Python extension: the
language server starts with python3 on PATH, never with a virtual environment it finds in the
workspace folder or in an app folder. Before, it took the workspace's `.venv`, else the first
app's (client-vscode/src/python.ts findWorkspaceVenv), so that environment's python (and the
startup hooks, .pth files, of the packages installed in it) ran as the folder opened, before
any Run. Each app's `.venv` runs that app only (Start the app, F5, the Run lens).

Uses the tools of ``tests/clients/vscode/setup.sh``; outside CI a missing tool skips it, with
``CI=true`` it fails.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clients.test_vscode_no_python import heartbeat_line
from tests.clients.vscode.session import REPO, Session, find_tools, vscode_session

pytestmark = [pytest.mark.editor, pytest.mark.slow]


def recording_venv(venv: Path, marker: Path) -> None:
    """A virtual environment whose python notes each start in ``marker``, then runs this
    test's own Python (so a server started with it would still work, and be seen)."""
    python = venv / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\necho "$0 $*" >> {marker}\nexec {sys.executable} "$@"\n')
    python.chmod(0o755)
    (venv / "pyvenv.cfg").write_text(f"home = {Path(sys.executable).parent}\nversion = 3.11.7\n")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    ws = tmp_path_factory.mktemp("ws")
    marker = tmp_path_factory.mktemp("marker") / "ran.txt"
    shutil.copytree(REPO / "samples" / "v2-app", ws / "v2-app")
    recording_venv(ws / ".venv", marker)
    recording_venv(ws / "v2-app" / ".venv", marker)
    return ws, marker


@pytest.fixture(scope="module")
def session(
    workspace: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Session]:
    tools = find_tools()
    tmp = tmp_path_factory.mktemp("vscode")
    ws, _ = workspace
    steps = [
        # The server analysed the app: its lens is there.
        {
            "id": "lens",
            "kind": "codeLens",
            "file": "v2-app/function_app.py",
            "lines": [heartbeat_line(ws / "v2-app" / "function_app.py")],
            "expect": "▶ Run",
        },
    ]
    with vscode_session(tools, tmp, ws, steps, []) as s:
        yield s


def test_the_server_starts_with_python_on_path_and_runs_no_workspace_venv(
    session: Session, workspace: tuple[Path, Path]
) -> None:
    _, marker = workspace
    lenses = session.step("lens")["lenses"]
    assert any(lens["text"].startswith("▶ Run") for lens in lenses), session.explain(
        "the lenses", lenses
    )
    logs = "\n".join(p.read_text() for p in session.funcls_logs())
    starts = [line for line in logs.splitlines() if " -m funcls --stdio (" in line]
    assert starts, session.explain("the server's starts", logs)
    assert all("(python on PATH, bundled funcls)" in line for line in starts), session.explain(
        "the server's starts", starts
    )
    assert not marker.exists(), session.explain("a workspace venv ran", marker.read_text())
