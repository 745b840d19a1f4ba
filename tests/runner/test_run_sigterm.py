"""`funcls run` stopped with SIGTERM (as the VS Code extension stops it) stops as on Ctrl+C:
its app processes end, .funcls/run.json goes, and the console says so."""

from __future__ import annotations

import http.server
import json
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from funcls.runner.client import running_url
from funcls.runner.statefile import pid_alive, write_state
from tests.runner.runner_process import RunningApp

pytestmark = pytest.mark.slow


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            # A zombie is gone too: it runs nothing more.
            if Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z"):
                return True
        except OSError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_stops_the_run_as_ctrl_c_does(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp], stop: signal.Signals
) -> None:
    app_dir = app_copy("v2-app")
    running = run_app(app_dir)
    assert running.get("/api/products/1").status_code == 200
    state_file = app_dir / ".funcls" / "run.json"
    assert json.loads(state_file.read_text())["pid"] == running.process.pid
    processes = children(running.process.pid)
    assert processes, "the run has app processes"

    running.process.send_signal(stop)
    assert running.process.wait(20) == 0
    assert not state_file.exists()
    assert [p for p in processes if not gone(p)] == []
    shown = "stopped (SIGTERM)" if stop == signal.SIGTERM else "stopped:"
    assert shown in running.log().splitlines()[-1], running.log()


def test_a_run_json_of_a_dead_process_is_not_a_running_app(tmp_path: Path) -> None:
    # What a run killed with SIGKILL leaves, its port now answered by another process of the
    # same app: `funcls invoke` takes a live pid to be the run, not an old file.
    class Status(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"app": str(tmp_path)}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Status)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        write_state(str(tmp_path), {"pid": os.getpid(), "url": url, "state": "running"})
        assert running_url(str(tmp_path)) == url  # the same file, a live pid: running
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        assert not pid_alive(pid)
        write_state(str(tmp_path), {"pid": pid, "url": url, "state": "running"})
        assert running_url(str(tmp_path)) is None
    finally:
        server.shutdown()
        server.server_close()
