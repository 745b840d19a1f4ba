"""Smoke test of `funcls run` on every supported Python: 3.10, 3.11 (the dev venv), 3.12 and
3.13 (with azure-functions 2.x). Each version gets a cached virtual environment with funcls
installed (editable, so it runs this checkout) and the azure-functions its markers pick."""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.runner.runner_process import REPO, RunningApp
from tests.support.ci import tool_missing

pytestmark = pytest.mark.slow

VERSIONS = ["3.10", "3.11", "3.12", "3.13"]
CACHE = Path(os.environ.get("FUNCLS_TEST_VENVS", Path.home() / ".cache" / "funcls" / "test-venvs"))


def find_python(version: str) -> str | None:
    if sys.version_info[:2] == tuple(int(p) for p in version.split(".")):
        return sys.executable
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = sorted(glob.glob(f"{root}/versions/{version}.*/bin/python"))
    if candidates:
        return candidates[-1]
    found = shutil.which(f"python{version}")
    return found if found and "/shims/" not in found else None


def venv_python(version: str) -> str:
    """A venv for this version with this checkout of funcls installed; built once, reused."""
    python = find_python(version)
    if python is None:
        tool_missing(
            f"no Python {version} on this machine (looked on PATH and in ~/.pyenv); "
            "every supported version must run"
        )
    if python == sys.executable:
        return python
    key = hashlib.sha256((str(REPO) + (REPO / "pyproject.toml").read_text()).encode()).hexdigest()
    venv = CACHE / f"py{version}-{key[:12]}"
    marker = venv / "funcls-installed"
    if not marker.exists():
        shutil.rmtree(venv, ignore_errors=True)
        venv.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=300)
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-e", str(REPO)],
            check=True,
            timeout=900,
        )
        marker.write_text("ok\n")
    return str(venv / "bin" / "python")


@pytest.mark.parametrize("version", VERSIONS)
def test_sample_runs_on_python(
    version: str,
    app_copy: Callable[[str], Path],
    run_app: Callable[..., RunningApp],
) -> None:
    python = venv_python(version)
    library = subprocess.run(
        [python, "-c", "import azure.functions as f; print(f.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert library.startswith("2." if version == "3.13" else "1.")
    running = run_app(app_copy("v2-app"), "--no-reload", python=python)
    status = running.get("/admin/host/status").json()
    assert f"python {version}." in status["versionDetails"]
    assert f"azure-functions {library}" in status["versionDetails"]
    assert running.get("/api/products/2").json()["id"] == 2
    order = running.post("/api/orders", json={"items": [{"product": 1, "qty": 2}]}).json()
    receipt = running.wait_for(f"/api/orders/{order['id']}/receipt").json()
    assert receipt["lines"] == [{"product": 1, "qty": 2}]
    invoked = subprocess.run(
        [
            python,
            "-m",
            "funcls",
            "invoke",
            "payment_received",
            str(running.app_dir),
            "--input",
            "{}",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert json.loads(invoked.stdout)["ok"] is True, invoked.stderr
