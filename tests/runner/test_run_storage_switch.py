"""A save of local.settings.json that points AzureWebJobsStorage at Azurite moves a running
`funcls run` off the embedded store (and back), saying which store it uses."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from funcls.runner.storage import open_backend
from tests.runner.runner_process import RunningApp

pytestmark = [pytest.mark.slow, pytest.mark.azurite]


def settings(app_dir: Path, connection: str) -> None:
    (app_dir / "local.settings.json").write_text(
        json.dumps(
            {
                "IsEncrypted": False,
                "Values": {"FUNCTIONS_WORKER_RUNTIME": "python", "AzureWebJobsStorage": connection},
            }
        )
    )


def result(running: RunningApp, job: str) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        response = running.get(f"/results/{job}")
        if response.status_code == 200:
            return response.text
        time.sleep(0.1)
    raise AssertionError(f"no result for {job}:\n{running.log()}")


def test_changed_storage_connection_switches_the_store(
    app_copy: Callable[[str], Path],
    run_app: Callable[..., RunningApp],
    runner_azurite: object,
) -> None:
    connection: str = runner_azurite.connection_string  # type: ignore[attr-defined]
    app_dir = app_copy("storage_v2")
    job = f"switch-{time.time_ns()}"  # Azurite is shared by the session's tests
    running = run_app(app_dir)
    assert running.post("/jobs", content=json.dumps({"job": f"{job}-a"})).status_code == 202
    assert result(running, f"{job}-a") == f"{job}-a done after 1 attempt(s)"

    settings(app_dir, connection)
    line = running.wait_for_log("AzureWebJobsStorage changed: storage is now ")
    assert "127.0.0.1" in line.split("AzureWebJobsStorage changed:")[-1].splitlines()[0]
    running.wait_for_log("reloaded:")
    assert running.post("/jobs", content=json.dumps({"job": f"{job}-b"})).status_code == 202
    # The queue trigger and the blob output ran on Azurite: the result is there, not in the
    # embedded store (the run's own GET reads it from the store now in use).
    assert result(running, f"{job}-b") == f"{job}-b done after 1 attempt(s)"
    azurite, _ = open_backend(connection, app_dir, force="azure")
    embedded, _ = open_backend(None, app_dir, force="embedded")
    try:
        assert azurite.blobs.exists("results", f"{job}-b.txt")
        assert not embedded.blobs.exists("results", f"{job}-b.txt")
        assert embedded.blobs.exists("results", f"{job}-a.txt")
    finally:
        azurite.close()
        embedded.close()

    settings(app_dir, "")
    running.wait_for_log("AzureWebJobsStorage changed: storage is now embedded store")
    running.wait_for_log("reloaded:", count=2)
    assert result(running, f"{job}-a") == f"{job}-a done after 1 attempt(s)"
