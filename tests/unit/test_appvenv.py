"""One rule for an app's own virtual environment (funcls/model/appvenv.py): the checks (its
packages, AZF410's Python version), the Run lens and the warm app (the interpreter that runs the
app) and the VS Code extension (Start the app, F5: client-vscode/src/python.ts) pick the same
folder. Before, AZF410 read ``env/`` too while the lens and the extension knew only ``.venv`` and
``venv``: an app in ``env/`` on Python 3.13 had no AZF410 finding and a lens refusing to run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from funcls.lsp.run_function import streaming_refusal
from funcls.lsp.warm_app import app_python
from funcls.model.appvenv import VENV_NAMES, app_python_version, app_venv
from funcls.model.distributions import find_site_packages
from funcls.model.loader import load_app
from funcls.model.source import SKIP_DIRS, Source
from funcls.runner.reload import IGNORED_DIRS
from tests.checks.support import check, codes

REPO = Path(__file__).resolve().parents[2]

STREAMING_APP = """import azure.functions as func
from azurefunctions.extensions.http.fastapi import Request, StreamingResponse

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="stream", methods=["GET"])
async def stream(req: Request) -> StreamingResponse:
    return StreamingResponse(iter([b"a"]))
"""


def make_venv(root: Path, name: str, version: str, runs: bool = True) -> Path:
    """A virtual environment's layout (never run: its python fails the test if it is)."""
    venv = root / name
    site = venv / "lib" / f"python{version}" / "site-packages"
    site.mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text(f"home = /usr/bin\nversion = {version}.1\n")
    if runs:
        python = venv / "bin" / "python"
        python.parent.mkdir()
        python.write_text("#!/bin/sh\necho ran >&2\nexit 1\n")
        python.chmod(0o755)
    return venv


def test_the_extension_tries_the_same_names_in_the_same_order() -> None:
    text = (REPO / "client-vscode" / "src" / "python.ts").read_text(encoding="utf-8")
    found = re.search(r"APP_VENV_NAMES: readonly string\[\] = \[([^\]]*)\]", text)
    assert found is not None, "APP_VENV_NAMES is gone from client-vscode/src/python.ts"
    assert tuple(json.loads(f"[{found[1]}]")) == VENV_NAMES == (".venv", "venv", "env")


def test_the_index_and_the_reload_leave_every_venv_folder_out() -> None:
    assert set(VENV_NAMES) <= SKIP_DIRS
    assert set(VENV_NAMES) <= IGNORED_DIRS


@pytest.mark.parametrize(
    ("venvs", "chosen"),
    [
        ([".venv", "venv", "env"], ".venv"),
        (["venv", "env"], "venv"),
        (["env"], "env"),
        ([], None),
    ],
)
def test_the_first_of_venv_venv_env_is_the_app_s(
    tmp_path: Path, venvs: list[str], chosen: str | None
) -> None:
    for i, name in enumerate(venvs):
        make_venv(tmp_path, name, f"3.{10 + i}")
    expected = None if chosen is None else str(tmp_path / chosen)
    assert app_venv(str(tmp_path)) == expected
    assert app_python(str(tmp_path), "server-python") == (
        "server-python" if chosen is None else str(tmp_path / chosen / "bin" / "python")
    )
    # The checks read the packages and the version of that same environment.
    site = find_site_packages(str(tmp_path))
    if chosen is None:
        assert site is None
        assert app_python_version(str(tmp_path)) is None
    else:
        assert site == str(tmp_path / chosen / "lib" / "python3.10" / "site-packages")
        assert app_python_version(str(tmp_path)) == (3, 10)


def test_a_folder_whose_python_cannot_run_is_passed_over(tmp_path: Path) -> None:
    """.venv copied from another system (no bin/python): env/ runs the app, and the checks
    read env/'s packages, not .venv's (before: .venv's, while the app ran elsewhere)."""
    make_venv(tmp_path, ".venv", "3.13", runs=False)
    make_venv(tmp_path, "env", "3.11")
    assert app_venv(str(tmp_path)) == str(tmp_path / "env")
    assert app_python_version(str(tmp_path)) == (3, 11)
    assert find_site_packages(str(tmp_path)) == str(
        tmp_path / "env" / "lib" / "python3.11" / "site-packages"
    )


def test_the_version_comes_from_lib_when_pyvenv_cfg_names_none(tmp_path: Path) -> None:
    make_venv(tmp_path, "env", "3.12")
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    assert app_python_version(str(tmp_path)) == (3, 12)


@pytest.mark.parametrize(("version", "finding"), [("3.13", False), ("3.11", True)])
def test_azf410_and_the_run_lens_agree_on_an_app_in_env(
    tmp_path: Path, version: str, finding: bool
) -> None:
    """An app running in env/: on 3.13 neither AZF410 nor the lens asks for the setting;
    on 3.11 both do (the lens took the server's Python before, whatever env/ was)."""
    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    (tmp_path / "function_app.py").write_text(STREAMING_APP)
    (tmp_path / "requirements.txt").write_text(
        "azure-functions\nazurefunctions-extensions-http-fastapi\n"
    )
    (tmp_path / "local.settings.json").write_text(
        json.dumps({"Values": {"FUNCTIONS_WORKER_RUNTIME": "python"}})
    )
    make_venv(tmp_path, "env", version)
    assert ("AZF410" in codes(check(tmp_path))) is finding
    refusal = streaming_refusal(load_app(str(tmp_path), Source()))
    if finding:
        assert refusal is not None and f"on Python {version} only" in refusal
    else:
        assert refusal is None
