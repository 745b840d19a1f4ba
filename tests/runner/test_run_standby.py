"""Reloads and restarts through standby app processes (funcls/runner/pool.py): with reload on,
a process with the interpreter and azure-functions already imported waits for the next
generation; a save loads the new code in it, and one whose settings no longer match (a
changed local.settings.json) is discarded for a fresh process."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from tests.runner.runner_process import RunningApp

APP = """import os

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
VERSION = "{version}"


@app.route(route="who")
def who(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(f"{{VERSION}} {{os.getpid()}} {{os.environ.get('GREETING', '-')}}")
"""


def _app(root: Path) -> Path:
    root.mkdir()
    (root / "host.json").write_text('{"version": "2.0"}')
    (root / "function_app.py").write_text(APP.format(version="v1"))
    return root


def _standby(runner: int, *used: int, timeout: float = 20.0) -> int:
    """The pid of the run's standby app process, once it has started (a process started as
    a standby keeps `--standby` in its command line once it serves: ``used`` are those)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == runner and b"--standby" in cmdline and int(entry) not in used:
                return int(entry)
        time.sleep(0.05)
    raise AssertionError("no standby app process started")


def _answer(running: RunningApp, version: str, timeout: float = 20.0) -> list[str]:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = running.get("/api/who").text
        if text.startswith(version + " "):
            return text.split(" ")
        time.sleep(0.02)
    raise AssertionError(f"never answered {version}: last {text!r}\n{running.log()}")


def _gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not os.path.exists(f"/proc/{pid}"):
            return True
        time.sleep(0.05)
    return False


def test_a_save_loads_the_new_code_in_the_standby_process(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    app = _app(tmp_path / "app")
    running = run_app(app)
    _, first, _ = _answer(running, "v1")
    spare = _standby(running.process.pid)
    assert spare != int(first)
    (app / "function_app.py").write_text(APP.format(version="v2"))
    _, second, _ = _answer(running, "v2")
    assert int(second) == spare
    # and a new standby waits for the next save
    after = _standby(running.process.pid, spare)
    (app / "function_app.py").write_text(APP.format(version="v3"))
    assert int(_answer(running, "v3")[1]) == after


def test_a_standby_with_other_settings_is_discarded(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    app = _app(tmp_path / "app")
    running = run_app(app)
    _answer(running, "v1")
    spare = _standby(running.process.pid)
    (app / "local.settings.json").write_text(json.dumps({"Values": {"GREETING": "hello"}}))
    (app / "function_app.py").write_text(APP.format(version="v2"))
    _, pid, greeting = _answer(running, "v2")
    assert greeting == "hello"
    assert int(pid) != spare
    assert _gone(spare), "the standby process with the old settings still runs"
