"""`funcls index` as a user runs it: a real process, real output, real exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def funcls(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "funcls", *args], capture_output=True, text=True, cwd=cwd, timeout=60
    )


def test_json_output_has_the_documented_shape(tmp_path: Path) -> None:
    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    (tmp_path / "function_app.py").write_text(
        "import azure.functions as func\napp = func.FunctionApp()\n\n"
        "@app.route(route='hi', methods=['GET'])\ndef hi(req):\n    return 'hi'\n"
    )
    out = funcls("index", str(tmp_path), "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    app = data["apps"][0]
    assert app["root"] == str(tmp_path) and app["model"] == "v2"
    fn = app["functions"][0]
    assert fn["name"] == "hi" and fn["scriptFile"] == "function_app.py"
    assert fn["bindings"] == [
        {
            "type": "httpTrigger",
            "direction": "in",
            "name": "req",
            "route": "hi",
            "methods": ["get"],
            "authLevel": "function",
        },
        {"type": "http", "direction": "out", "name": "$return"},
    ]


def test_text_output_lists_functions(tmp_path: Path) -> None:
    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    (tmp_path / "function_app.py").write_text(
        "import azure.functions as func\napp = func.FunctionApp()\n\n"
        "@app.route(route='hi/{id}')\ndef hi(req):\n    return 'hi'\n"
    )
    out = funcls("index", str(tmp_path))
    assert out.returncode == 0
    assert "hi  [httpTrigger] ALL /api/hi/{id}  (function_app.py:5)" in out.stdout


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "path '{p}' does not exist"),
        ("file", "'{p}' is a file; funcls reads whole apps: give the folder of an app"),
        ("empty", "no Azure Functions app under '{p}'"),
    ],
)
def test_errors_are_one_line_and_exit_2(tmp_path: Path, setup: str, message: str) -> None:
    p = tmp_path / "target"
    if setup == "file":
        p.write_text("x")
    elif setup == "empty":
        p.mkdir()
    out = funcls("index", str(p))
    assert out.returncode == 2
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and message.format(p=p) in lines[0]
