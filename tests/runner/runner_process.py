"""Start a real `funcls run` on a free loopback port and talk to it over HTTP."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
APPS = Path(__file__).resolve().parent / "apps"
SAMPLES = REPO / "samples"
START_TIMEOUT = 60.0


def copy_app(source: Path, target: Path) -> Path:
    """A private copy of an app (runs write .funcls/ into the app; reload tests edit it)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".funcls", "__pycache__"))
    return target


class RunningApp:
    def __init__(self, app_dir: Path, process: subprocess.Popen[bytes], log_path: Path) -> None:
        self.app_dir = app_dir
        self.process = process
        self.log_path = log_path
        self.url = ""
        self.client = httpx.Client(timeout=30.0)

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")

    def wait_for_log(self, text: str, timeout: float = 20.0, count: int = 1) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            log = self.log()
            if log.count(text) >= count:
                return log
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"{text!r} did not appear {count}x in the log:\n{self.log()}")

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.request(method, self.url + path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def wait_for(
        self, path: str, status: int = 200, timeout: float = 20.0, method: str = "GET"
    ) -> httpx.Response:
        deadline = time.monotonic() + timeout
        last: httpx.Response | None = None
        while time.monotonic() < deadline:
            try:
                last = self.request(method, path)
                if last.status_code == status:
                    return last
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        detail = f"{last.status_code} {last.text!r}" if last is not None else "no answer"
        raise AssertionError(f"{path} never answered {status} (last: {detail})\n{self.log()}")

    def stop(self) -> None:
        self.client.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def start_run(
    app_dir: Path,
    *args: str,
    env: dict[str, str] | None = None,
    python: str | None = None,
    log_path: Path | None = None,
    new_session: bool = False,
) -> RunningApp:
    """new_session: run it as a terminal runs a command, leader of its own process group
    (a terminal's Ctrl+C signals the whole group)."""
    command = [python or sys.executable, "-m", "funcls", "run", str(app_dir), "--port", "0", *args]
    log_path = log_path or app_dir.parent / f"{app_dir.name}-run.log"
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=full_env,
            cwd=str(REPO),
            start_new_session=new_session,
        )
    running = RunningApp(app_dir, process, log_path)
    state_file = app_dir / ".funcls" / "run.json"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"funcls run exited with {process.returncode}:\n{running.log()}")
        try:
            state = json.loads(state_file.read_text("utf-8"))
        except (OSError, ValueError):
            state = None
        if state and state.get("pid") == process.pid:
            running.url = f"http://127.0.0.1:{state['port']}"
            return running
        time.sleep(0.02)
    running.stop()
    raise AssertionError(f"funcls run did not start within {START_TIMEOUT}s:\n{running.log()}")


def funcls_invoke(*args: str) -> subprocess.CompletedProcess[str]:
    """`funcls invoke ARGS` in a fresh process, from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "funcls", "invoke", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=str(REPO),
    )
