"""`funcls run` in an environment without httptools (an app's own venv with plain `uvicorn`):
the app still answers, through uvicorn's h11 protocol, and the console says what is missing
and how to install it. Before, every run ended in an internal error (host/front.py imports
httptools)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.runner.runner_process import RunningApp

pytestmark = pytest.mark.slow

APP = """
import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello")
def hello(req: func.HttpRequest) -> str:
    return "hello " + req.params.get("name", "world")
"""

# A package shadowing httptools that fails to import as a missing module does.
MISSING = "raise ImportError(\"No module named 'httptools'\", name='httptools')\n"


def test_runs_without_httptools(tmp_path: Path, run_app: Callable[..., RunningApp]) -> None:
    shadow = tmp_path / "shadow" / "httptools"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text(MISSING)
    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "function_app.py").write_text(APP)
    running = run_app(app, "--no-reload", env={"PYTHONPATH": str(tmp_path / "shadow")})
    answer = running.wait_for("/api/hello?name=h11")
    assert answer.text == "hello h11"
    log = running.log()
    assert "httptools is not installed" in log
    assert "pip install httptools" in log
    assert "internal error" not in log
