"""Load errors name the user's file and line, and show only the user's frames: a broken
function.json, a signature the worker refuses, a module that fails to import."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.runner.runner_process import RunningApp

pytestmark = pytest.mark.slow

HTTP_BINDINGS = [
    {"type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "anonymous"},
    {"type": "http", "direction": "out", "name": "$return"},
]


def v1_app(root: Path) -> Path:
    (root / "host.json").parent.mkdir(parents=True)
    (root / "host.json").write_text('{"version": "2.0"}')
    for name, source in {
        "good": "def main(req):\n    return 'good'\n",
        "refused": "\n\ndef main(req) -> None:\n    return None\n",
        "broken_json": "def main(req):\n    return 'never'\n",
        "bad_import": "import helper_missing_here\n\n\ndef main(req):\n    return 'never'\n",
    }.items():
        (root / name).mkdir()
        (root / name / "__init__.py").write_text(source)
        (root / name / "function.json").write_text(json.dumps({"bindings": HTTP_BINDINGS}))
    (root / "broken_json" / "function.json").write_text('{"bindings": [\n  {"type": \n')
    return root


def test_v1_load_errors_say_where(tmp_path: Path, run_app: Callable[..., RunningApp]) -> None:
    running = run_app(v1_app(tmp_path / "app"), "--no-reload")
    assert running.get("/api/good").text == "good"
    text = running.get("/api/nothing-here").text
    assert 'refused: refused/__init__.py:3: Python return annotation "NoneType"' in text
    assert "broken_json: broken_json/function.json:3:1: function.json is not valid JSON" in text
    assert "ModuleNotFoundError: No module named 'helper_missing_here'" in text
    assert f'File "{tmp_path / "app" / "bad_import" / "__init__.py"}", line 1' in text
    # Only the user's frames: not funcls' loader, not the import system, not the json module.
    for noise in ("funcls/runner/worker", "<frozen importlib", "json/decoder.py", "importlib/"):
        assert noise not in text
        assert noise not in running.log()


def test_v2_import_error_shows_only_user_frames(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "helpers.py").write_text("def shout(s)\n    return s\n")
    (app / "function_app.py").write_text(
        "import azure.functions as func\nfrom helpers import shout\n\napp = func.FunctionApp()\n"
    )
    running = run_app(app, "--no-reload")
    text = running.get("/api/x").text
    assert running.get("/api/x").status_code == 404
    assert f'File "{app / "function_app.py"}", line 2, in <module>' in text
    assert f'File "{app / "helpers.py"}", line 1' in text
    assert "SyntaxError: expected ':'" in text
    assert "funcls/runner/worker" not in text
    assert "<frozen importlib" not in text
