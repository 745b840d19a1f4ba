"""The app does not see the packages that sit beside funcls outside its interpreter.

The VS Code extension runs funcls from its bundled libraries (PYTHONPATH=bundled/libs, which
also hold pygls, jedi, attrs…): before funcls/runner/worker/app_path.py, `funcls run` left that
folder on the app process's path, so an app importing a bundled package it never listed ran
locally and would fail in Azure (found in the first-hour QA in code-server). Here a folder
laid out as the bundle (funcls plus one other module) is on PYTHONPATH, as the extension puts it.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.runner.runner_process import REPO, start_run

APP = """\
import importlib.util
import os
import sys

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="where")
def where(req: func.HttpRequest) -> func.HttpResponse:
    found = importlib.util.find_spec("bundled_only") is not None
    funcls_from = os.path.dirname(os.path.dirname(sys.modules["funcls"].__file__))
    return func.HttpResponse(f"{funcls_from} {found} {os.environ.get('PYTHONPATH', '')}")
"""


def test_a_package_beside_funcls_is_not_importable_by_the_app(tmp_path: Path) -> None:
    libs = tmp_path / "libs"
    libs.mkdir()
    os.symlink(REPO / "funcls", libs / "funcls")
    (libs / "bundled_only.py").write_text("VALUE = 1\n")
    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "requirements.txt").write_text("azure-functions\n")
    (app / "function_app.py").write_text(APP)
    other = tmp_path / "elsewhere"
    other.mkdir()
    running = start_run(app, env={"PYTHONPATH": os.pathsep.join([str(libs), str(other)])})
    try:
        answer = running.wait_for("/api/where")
        # funcls ran from the bundle-like folder (the app process could not have started
        # otherwise), the app cannot import what else is there, and its PYTHONPATH (which its
        # own child processes inherit) keeps the user's other entry only.
        assert answer.text == f"{libs} False {other}"
    finally:
        running.stop()
