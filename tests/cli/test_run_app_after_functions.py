"""`funcls run --functions a b APP_DIR`: the folder after the names is the app (QA as a new
user: `--functions` takes every word after it, as `func start --functions a b` does, and the
run then looked for an app in the current folder, which held two: "name one of them")."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx

APP = """
import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="one")
def one(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("one")


@app.route(route="two")
def two(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("two")
"""


def write_app(folder: Path) -> Path:
    folder.mkdir()
    (folder / "host.json").write_text('{"version": "2.0"}')
    (folder / "function_app.py").write_text(APP)
    return folder


def test_the_folder_after_the_function_names_is_the_app(tmp_path: Path) -> None:
    app = write_app(tmp_path / "shop")
    write_app(tmp_path / "other")
    command = [sys.executable, "-m", "funcls", "run", "--port", "0", "--no-reload"]
    process = subprocess.Popen(
        [*command, "--functions", "one", "shop"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        state_file = app / ".funcls" / "run.json"
        deadline = time.monotonic() + 60
        port = None
        while port is None and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()[0]
            try:
                state = json.loads(state_file.read_text())
                port = state["port"] if state.get("pid") == process.pid else None
            except (OSError, ValueError):
                time.sleep(0.05)
        assert port is not None, "funcls run did not start"
        assert httpx.get(f"http://127.0.0.1:{port}/api/one", timeout=30).text == "one"
        assert httpx.get(f"http://127.0.0.1:{port}/api/two", timeout=30).status_code == 404
    finally:
        process.terminate()
        process.wait(20)
    # A last name that is no app's folder stays a function name.
    named = subprocess.run(
        [*command, "--functions", "one", "nosuch"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert named.returncode == 2
    assert "'.' holds 2 apps (other, shop); name one of them" in named.stderr
