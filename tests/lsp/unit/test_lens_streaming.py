"""The Run lens of an app that imports the HTTP streaming extension: before Python 3.13 the
runner refuses its HTTP functions without PYTHON_ENABLE_INIT_INDEXING=1 (as the worker would
never answer them), so the lens says so instead of offering ▶ Run (AZF410 gives the fix)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from lsprotocol import types

from funcls.lsp.code_lens import SHOW_REASON_COMMAND, function_commands
from funcls.lsp.run_function import streaming_refusal
from funcls.model.appmodel import App
from funcls.model.loader import load_app
from funcls.model.source import Source

APP = """import azure.functions as func
from azurefunctions.extensions.http.fastapi import Request, StreamingResponse

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="stream", methods=["GET"])
async def stream(req: Request) -> StreamingResponse:
    return StreamingResponse(iter([b"a"]))


@app.timer_trigger(arg_name="timer", schedule="0 */5 * * * *")
def tick(timer: func.TimerRequest) -> None:
    pass
"""
PLAIN_APP = APP.replace(
    "from azurefunctions.extensions.http.fastapi import Request, StreamingResponse\n", ""
)
BEFORE_313 = pytest.mark.skipif(sys.version_info >= (3, 13), reason="3.13+ needs no setting")


def make_app(root: Path, values: dict[str, str], script: str = APP) -> App:
    root.mkdir()
    (root / "host.json").write_text('{"version": "2.0"}')
    (root / "function_app.py").write_text(script)
    (root / "local.settings.json").write_text(json.dumps({"Values": values}))
    return load_app(str(root), Source())


def titles(app: App, name: str) -> list[str]:
    fn = app.function(name)
    assert fn is not None
    return [c.title for c in function_commands(app, fn)]


@BEFORE_313
def test_without_the_setting_the_http_lens_says_why_it_cannot_run(tmp_path: Path) -> None:
    app = make_app(tmp_path / "app", {"FUNCTIONS_WORKER_RUNTIME": "python"})
    fn = app.function("stream")
    assert fn is not None
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    why = (
        "HTTP streaming needs PYTHON_ENABLE_INIT_INDEXING=1; function_app.py imports the "
        f"streaming extension, which the Python worker serves on Python {version} only with "
        'that app setting; add "PYTHON_ENABLE_INIT_INDEXING": "1" to the Values of '
        "local.settings.json (AZF410 offers the fix)"
    )
    assert function_commands(app, fn) == [
        types.Command(
            title=f"⊘ Not runnable here: {why[:59]}…",
            command=SHOW_REASON_COMMAND,
            arguments=[f"'stream' cannot run locally: {why}"],
        )
    ]
    # Only HTTP functions: the worker runs the timer as before.
    assert titles(app, "tick") == ["▶ Run", "Run with input…"]


@pytest.mark.parametrize("value", ["1", "true", "True", "y"])
def test_with_the_setting_true_the_lens_runs(tmp_path: Path, value: str) -> None:
    app = make_app(tmp_path / "app", {"PYTHON_ENABLE_INIT_INDEXING": value})
    assert titles(app, "stream") == ["▶ Run GET /api/stream", "Run with input…", "Open in browser"]


def test_with_the_setting_false_the_extension_is_off_and_the_lens_runs(tmp_path: Path) -> None:
    # The runner then serves func.HttpRequest functions without the extension.
    app = make_app(tmp_path / "app", {"PYTHON_ENABLE_INIT_INDEXING": "false"})
    assert streaming_refusal(app, (3, 11)) is None


@BEFORE_313
def test_an_app_without_the_extension_runs(tmp_path: Path) -> None:
    app = make_app(tmp_path / "app", {}, PLAIN_APP)
    assert titles(app, "stream")[0] == "▶ Run GET /api/stream"


def test_python_3_13_needs_no_setting(tmp_path: Path) -> None:
    app = make_app(tmp_path / "app", {})
    assert streaming_refusal(app, (3, 13)) is None
    assert streaming_refusal(app, (3, 12)) is not None


def with_venv(root: Path, name: str, cfg: str) -> None:
    """An app's own environment as app_python finds it: an executable bin/python (never run
    here: a script that would fail the test if it were) and its pyvenv.cfg."""
    python = root / name / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\necho ran >&2\nexit 1\n")
    python.chmod(0o755)
    (root / name / "pyvenv.cfg").write_text(cfg)


@pytest.mark.parametrize(
    ("name", "cfg", "refused_on"),
    [
        # python -m venv (Lib/venv/__init__.py writes "version")
        (".venv", "home = /usr/bin\nversion = 3.13.1\n", None),
        (".venv", "home = /usr/bin\nversion = 3.11.9\n", "3.11"),
        # virtualenv and uv write "version_info"
        ("venv", "home = /usr/bin\nimplementation = CPython\nversion_info = 3.13.0\n", None),
        ("venv", "home = /usr/bin\nversion_info = 3.12.7.final.0\n", "3.12"),
    ],
)
def test_the_refusal_asks_the_version_of_the_app_s_own_environment(
    tmp_path: Path, name: str, cfg: str, refused_on: str | None
) -> None:
    """The app's .venv/venv runs the app (warm_app.app_python), so its Python decides, not
    the server's: a 3.13 environment needs no setting, a 3.11 one does, whatever runs the
    server. Read from pyvenv.cfg, never by running the environment's python."""
    root = tmp_path / "app"
    app = make_app(root, {})
    with_venv(root, name, cfg)
    why = streaming_refusal(app)
    if refused_on is None:
        assert why is None
    else:
        assert why is not None and f"serves on Python {refused_on} only" in why
        fn = app.function("stream")
        assert fn is not None
        assert titles(app, "stream")[0].startswith("⊘ Not runnable here: HTTP streaming needs")


def test_an_environment_without_its_python_or_version_is_not_the_app_s(tmp_path: Path) -> None:
    """No executable python: app_python does not pick the folder, so neither does the version;
    a pyvenv.cfg without a version leaves the server's Python deciding, as before."""
    root = tmp_path / "app"
    app = make_app(root, {})
    (root / ".venv").mkdir()
    (root / ".venv" / "pyvenv.cfg").write_text("version = 3.13.0\n")
    server = streaming_refusal(app, sys.version_info[:2])
    assert streaming_refusal(app) == server
    with_venv(root, "venv", "home = /usr/bin\n")
    assert streaming_refusal(app) == server
