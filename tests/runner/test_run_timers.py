"""Timer triggers as the host runs them: five-field cron read as classic cron, and many
timers firing in the same second without racing on the schedule status file."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.runner.runner_process import RunningApp

pytestmark = pytest.mark.slow

TIMERS = 6


def _app(tmp_path: Path, source: str) -> Path:
    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "function_app.py").write_text(source)
    return app


def test_five_field_cron_runs_as_classic_cron(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    app = _app(
        tmp_path,
        "import azure.functions as func\n"
        "app = func.FunctionApp()\n"
        "@app.timer_trigger(schedule='*/2 * * * *', arg_name='timer')\n"
        "def every_other_minute(timer: func.TimerRequest) -> None:\n"
        "    pass\n",
    )
    running = run_app(app, "--no-reload")
    status = app / ".funcls" / "timers.json"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not status.exists():
        time.sleep(0.05)
    entry = json.loads(status.read_text("utf-8"))["every_other_minute"]
    next_run = datetime.fromisoformat(entry["next"])
    now = datetime.now(timezone.utc)
    # minute first: every other minute at second 0, never every second
    assert (next_run.second, next_run.minute % 2) == (0, 0)
    assert 0 < (next_run - now).total_seconds() <= 121
    time.sleep(2.5)
    assert "stopped" not in running.log()
    assert "ScheduleError" not in running.log()


def test_timers_firing_in_the_same_second_do_not_race(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    functions = "".join(
        f"@app.timer_trigger(schedule='* * * * * *', arg_name='timer')\n"
        f"def tick{n}(timer: func.TimerRequest) -> None:\n"
        "    pass\n"
        for n in range(TIMERS)
    )
    app = _app(tmp_path, "import azure.functions as func\napp = func.FunctionApp()\n" + functions)
    running = run_app(app, "--no-reload")
    for n in range(TIMERS):
        running.wait_for_log(f"Executed 'Functions.tick{n}' (Succeeded", timeout=20, count=3)
    log = running.log()
    assert "stopped" not in log, log
    assert "past due" not in log, log
    status = json.loads((app / ".funcls" / "timers.json").read_text("utf-8"))
    assert sorted(status) == sorted(f"tick{n}" for n in range(TIMERS))
