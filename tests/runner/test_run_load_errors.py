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


def test_function_json_as_the_host_reads_it(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    # Json.NET accepts comments and trailing commas; a folder without scriptFile runs its
    # only script (main.py here), as the host picks it; an installed package wins over an
    # app folder of the same name, as with the worker's sys.path.
    app = tmp_path / "app"
    (app / "lenient").mkdir(parents=True)
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "lenient" / "function.json").write_text(
        "{\n"
        "  // an HTTP function\n"
        '  "bindings": [\n'
        '    {"type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "anonymous",},\n'
        '    {"type": "http", "direction": "out", "name": "$return"}, /* the answer */\n'
        "  ],\n"
        "}\n"
    )
    (app / "lenient" / "main.py").write_text(
        "import certifi\n\n\ndef main(req):\n    return certifi.__file__\n"
    )
    (app / "certifi").mkdir()
    (app / "certifi" / "__init__.py").write_text("")
    running = run_app(app, "--no-reload")
    answer = running.get("/api/lenient")
    assert answer.status_code == 200, answer.text
    assert not answer.text.startswith(str(app)), answer.text
    assert answer.text.endswith("__init__.py")


def test_v1_folder_with_no_clear_script_says_what_to_do(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    app = tmp_path / "app"
    (app / "two").mkdir(parents=True)
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "two" / "function.json").write_text(
        '{"bindings": [{"type": "httpTrigger", "direction": "in", "name": "req"}]}'
    )
    (app / "two" / "a.py").write_text("def main(req):\n    return 'a'\n")
    (app / "two" / "b.py").write_text("def main(req):\n    return 'b'\n")
    running = run_app(app, "--no-reload")
    running.wait_for_log(
        'cannot tell which file of two/ is the function\'s script: add "scriptFile"'
    )
