"""Shared by the real-editor tests (Neovim, Emacs): finding the editor, isolated home folders,
a copy of the sample apps with one deliberate problem."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.ci import tool_missing

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SERVER = [PYTHON, "-m", "funcls", "--stdio"]


def require(tool: str, package: str) -> str:
    """The editor's executable. Missing: a failure in CI (``CI=true``), a skip elsewhere."""
    found = shutil.which(tool)
    if found:
        return found
    tool_missing(f"{tool} is not installed (apt-get install -y {package})")


def isolated_env(tmp: Path) -> dict[str, str]:
    """The environment with XDG folders and HOME in ``tmp``: no user configuration leaks in."""
    env = dict(os.environ)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        folder = tmp / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    env["HOME"] = str(home)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def sample_app(tmp: Path) -> Path:
    """A copy of the v2 sample whose queue trigger's ``arg_name`` has no parameter (AZF200)."""
    app = tmp / "v2-app"
    shutil.copytree(REPO / "samples" / "v2-app", app)
    bp = app / "orders_bp.py"
    bp.write_text(bp.read_text().replace('arg_name="msg"', 'arg_name="msgs"'))
    return app


def line_of(path: Path, needle: str) -> tuple[int, int]:
    """Zero-based (line, column) of ``needle``."""
    for i, line in enumerate(path.read_text().split("\n")):
        col = line.find(needle)
        if col >= 0:
            return i, col
    raise AssertionError(f"{needle!r} not in {path}")


def run_emacs_batch(
    emacs: str, elisp: str, app: Path, tmp: Path, values: dict[str, str] | None = None
) -> dict[str, object]:
    """Run ``elisp`` in ``emacs --batch`` from ``app`` with an isolated home, after putting in
    its placeholders: ROOT (the app folder, with a trailing slash), OUT (the file the script
    writes its JSON result to), PYTHON (this interpreter) and ``values`` (written as they are).
    Asserts Emacs exited 0 and returns the result it wrote ({} when it wrote none)."""
    out = tmp / "result.json"
    placeholders = {
        "ROOT": json.dumps(str(app) + "/"),
        "OUT": json.dumps(str(out)),
        "PYTHON": json.dumps(PYTHON),
        **(values or {}),
    }
    for name, value in placeholders.items():
        elisp = elisp.replace(name, value)
    script = tmp / "test.el"
    script.write_text(elisp, encoding="utf-8")
    run = subprocess.run(
        [emacs, "--batch", "-l", str(script)],
        env=isolated_env(tmp),
        cwd=app,
        capture_output=True,
        text=True,
        timeout=180,
    )
    result = json.loads(out.read_text()) if out.exists() else {}
    assert run.returncode == 0, (run.stdout[-3000:], run.stderr[-3000:], result)
    return result
