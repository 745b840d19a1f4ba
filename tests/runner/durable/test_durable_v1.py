"""A v1 (function.json) durable app: an orchestrationClient starter, an orchestrator made with
df.Orchestrator.create, an activity and an entity made with df.Entity.create; and
`funcls invoke ORCHESTRATOR --input JSON`."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.runner.durable.conftest import Durable
from tests.runner.runner_process import REPO


def test_a_v1_app_runs_orchestrations_activities_and_entities(
    durable_started: Callable[..., Durable],
) -> None:
    durable = durable_started("durable_v1", "--no-reload")
    running = durable.running
    log = running.log()
    assert "  orchestrations: Greetings\n" in log and "  entities: Tally\n" in log
    started = running.post("/api/start/Greetings", json=["Alan", "Barbara", "Edsger"])
    assert started.status_code == 202, started.text
    done = durable.wait(started.json())
    assert done["runtimeStatus"] == "Completed", done["output"]
    assert done["output"] == {
        "greetings": ["Good morning, Alan", "Good morning, Barbara", "Good morning, Edsger"],
        "total": 3,
    }
    again = durable.wait(running.post("/api/start/Greetings").json())
    assert again["output"]["total"] == 5  # the entity kept its state
    entity = httpx.get(f"{running.url}/runtime/webhooks/durabletask/entities/Tally/greetings")
    assert entity.json() == 5


def test_funcls_invoke_runs_an_orchestration_to_its_output(
    durable_app: Callable[[str], Path],
) -> None:
    app = durable_app("durable_v1")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "funcls",
            "invoke",
            "Greetings",
            str(app),
            "--input",
            '["Lin"]',
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=str(REPO),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert result["ok"] is True
    assert json.loads(result["returnValue"]) == {"greetings": ["Good morning, Lin"], "total": 1}


def test_funcls_invoke_of_a_starter_without_a_run_says_to_start_one(
    durable_app: Callable[[str], Path],
) -> None:
    # From the QA pass: a fresh app process has no HTTP API for the SDK's client to call
    # back, and the starter failed with "InvalidUrlClientError: orchestrators/…".
    app = durable_app("durable_v2")
    done = subprocess.run(
        [sys.executable, "-m", "funcls", "invoke", "http_start", str(app)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=str(REPO),
    )
    assert done.returncode != 0, done.stdout + done.stderr
    assert "takes a durable client" in done.stderr, done.stdout + done.stderr
    assert f"funcls run {app}" in done.stderr
