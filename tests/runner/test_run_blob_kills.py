"""SIGKILL while `funcls run` writes blobs (issue 17), on the embedded store and on a real
Azurite: a reader sees the old or the new content of a blob, never a partial one.

The app (tests/runner/apps/blob_kills) writes a 4 MiB blob whose every byte is the version it
was asked for; the test keeps asking for new versions, kills the runner with its app
processes (SIGKILL to its process group) at a seeded random moment, and reads the blob: its
length must be 4 MiB and all its bytes one version that was asked for."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from funcls.runner.storage import BlobNotFoundError, ContainerNotFoundError, open_backend
from tests.runner.runner_process import RunningApp, start_run

pytestmark = pytest.mark.slow

KILLS = 5
SIZE = 4 * 1024 * 1024


@pytest.fixture(params=["embedded", pytest.param("azurite", marks=pytest.mark.azurite)])
def connection(request: pytest.FixtureRequest) -> str | None:
    if request.param == "embedded":
        return None
    return str(request.getfixturevalue("runner_azurite").connection_string)


def writer(
    running: RunningApp, first: int, asked: list[int], answered: list[int], stop: threading.Event
) -> None:
    """POST new versions until the run dies (or ``stop``); ``asked`` gets each version sent,
    ``answered`` each one the run answered (written)."""
    with httpx.Client(timeout=10.0) as client:
        version = first
        while not stop.is_set():
            asked.append(version)
            try:
                client.post(f"{running.url}/api/write/{version}").raise_for_status()
            except httpx.HTTPError:
                return
            answered.append(version)
            version += 1


def test_sigkill_during_blob_writes_never_tears_a_blob(
    connection: str | None, app_copy: Callable[[str], Path], tmp_path: Path
) -> None:
    app = app_copy("blob_kills")
    env = {"AzureWebJobsStorage": connection} if connection is not None else {}
    backend, _ = open_backend(connection, app, force="azure" if connection else "embedded")
    rng = random.Random(20261205)
    asked: list[int] = []
    answered: list[int] = []
    seen: list[int] = []
    in_flight = 0  # kills that came while a write was asked and not answered
    began = time.monotonic()
    try:
        for kill in range(KILLS):
            running = start_run(app, "--no-reload", env=env, new_session=True)
            stop = threading.Event()
            thread = threading.Thread(
                target=writer, args=(running, len(asked) + 1, asked, answered, stop)
            )
            try:
                running.wait_for("/admin/host/status")
                thread.start()
                # Killed at a random moment once at least one write of this run began.
                deadline = time.monotonic() + 20
                while len(asked) <= kill and time.monotonic() < deadline:
                    time.sleep(0.005)
                time.sleep(rng.uniform(0.05, 0.6))
            finally:
                in_flight += bool(asked) and (not answered or asked[-1] != answered[-1])
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(running.process.pid, signal.SIGKILL)
                running.process.wait(30)
                stop.set()
                thread.join(15)
                running.client.close()
            try:
                blob = backend.blobs.get("snap", "latest.bin").content
            except (BlobNotFoundError, ContainerNotFoundError):
                continue  # killed before the first write finished: no blob is fine
            assert len(blob) == SIZE, (kill, len(blob))
            values = set(blob)
            assert len(values) == 1, (kill, sorted(values)[:10])
            (value,) = values
            assert value in {v % 251 + 1 for v in asked}, (kill, value)
            seen.append(value)
        assert seen, "no write ever completed before a kill"
        assert in_flight >= KILLS // 2, f"only {in_flight} kills came during a write"
        print(
            f"\n[{'azurite' if connection else 'embedded'}] {KILLS} SIGKILLs during "
            f"{len(asked)} writes of {SIZE // 1024 // 1024} MiB ({in_flight} kills during a "
            f"write, {len(answered)} writes answered): {len(seen)} reads after a "
            f"kill, each whole (versions {seen}), {time.monotonic() - began:.1f} s"
        )
    finally:
        backend.close()
