"""One `funcls run` per app: a second run of the same folder refuses, naming the first (its
pid, its URL, how to stop it), and leaves the first and its run.json alone; a run killed with
SIGKILL leaves a stale run.json, and the next run takes over (QA: two `funcls run --port 0`
of one app both fired its timers and took its queue messages, the second overwrote run.json).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from funcls.runner.statefile import write_state
from tests.runner.runner_process import REPO, RunningApp

pytestmark = pytest.mark.slow


def second_run(app_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "funcls", "run", str(app_dir), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(REPO),
    )


def state(app_dir: Path) -> dict[str, object]:
    data = json.loads((app_dir / ".funcls" / "run.json").read_text("utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("editor", [False, True])
def test_a_second_run_of_the_app_refuses_and_names_the_first(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp], editor: bool
) -> None:
    app_dir = app_copy("v2-app")
    # --parent-pid: how the language server starts its warm app.
    first = run_app(app_dir, *(["--parent-pid", str(os.getpid())] if editor else []))
    first.wait_for("/api/products/1")
    url = state(app_dir)["url"]
    pid = first.process.pid
    refused = second_run(app_dir)
    assert refused.returncode == 2, refused
    how = (
        f", started by your editor's funcls language server) at {url}; "
        if editor
        else f") at {url}; "
    )
    stop = (
        f"'Stop the app' in the editor's Functions view, or `kill {pid}`"
        if editor
        else f"Ctrl+C in its terminal, or `kill {pid}`"
    )
    assert refused.stderr == (
        f"funcls: error: funcls run is already running the app {app_dir} (pid {pid}{how}"
        "a second run would fire its timers and take its queue messages too. Use that one "
        "(`funcls invoke NAME`, the Run lens and HTTP calls go to it), or stop it first: "
        f"{stop}\n"
    ), refused.stderr
    assert refused.stdout == ""
    # The first run serves on, and run.json still says where it is.
    assert state(app_dir)["pid"] == first.process.pid
    assert first.get("/api/products/1").status_code == 200
    assert first.process.poll() is None


def test_a_run_killed_with_sigkill_is_taken_over(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    app_dir = app_copy("v2-app")
    first = run_app(app_dir, new_session=True)
    first.wait_for("/api/products/1")
    os.killpg(first.process.pid, signal.SIGKILL)  # no clean-up: run.json stays
    first.process.wait(10)
    assert state(app_dir)["pid"] == first.process.pid
    second = run_app(app_dir)  # waits for run.json to name it
    assert second.process.pid != first.process.pid
    assert second.get("/api/products/1").status_code == 200


def test_after_a_clean_stop_the_next_run_starts(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    app_dir = app_copy("v2-app")
    first = run_app(app_dir)
    first.wait_for("/api/products/1")
    first.stop()
    deadline = time.monotonic() + 10
    while (app_dir / ".funcls" / "run.json").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    second = run_app(app_dir)
    assert second.get("/api/products/1").status_code == 200


STATUS_SERVER = """import http.server, json, sys

class Status(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"app": sys.argv[1]}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Status)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


def test_a_live_run_without_the_lock_is_asked_over_http(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    """A run.json naming a live process that holds no lock (a run of an older funcls): the
    run asks its admin API; one that answers for this app is running it, one that does not
    (a reused pid) is not, and the new run takes over."""
    app_dir = app_copy("v2-app")
    server = subprocess.Popen(
        [sys.executable, "-c", STATUS_SERVER, str(app_dir)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        url = f"http://localhost:{server.stdout.readline().strip()}"
        write_state(str(app_dir), {"pid": server.pid, "url": url, "state": "running"})
        refused = second_run(app_dir)
        assert refused.returncode == 2, refused
        assert f"(pid {server.pid}) at {url}; a second run" in refused.stderr, refused.stderr
        assert f"Ctrl+C in its terminal, or `kill {server.pid}`\n" in refused.stderr
        assert state(app_dir)["pid"] == server.pid
    finally:
        server.kill()
        server.wait(10)
    # Its pid alive but nothing of this app at its URL: not a run of the app.
    write_state(str(app_dir), {"pid": os.getpid(), "url": url, "state": "running"})
    second = run_app(app_dir)
    assert second.get("/api/products/1").status_code == 200
