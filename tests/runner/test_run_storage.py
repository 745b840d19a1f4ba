"""Queue, blob and timer triggers end to end, on the embedded store and on a real Azurite."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from funcls.runner.storage import (
    ContainerNotFoundError,
    QueueNotFoundError,
    StorageBackend,
    open_backend,
)
from tests.runner.runner_process import RunningApp

pytestmark = pytest.mark.slow


@dataclass
class Storage:
    kind: str
    env: dict[str, str]
    connection: str | None

    def open(self, app_dir: Path) -> StorageBackend:
        force = "embedded" if self.connection is None else "azure"
        backend, _ = open_backend(self.connection, app_dir, force=force)  # type: ignore[arg-type]
        return backend


@pytest.fixture(params=["embedded", pytest.param("azurite", marks=pytest.mark.azurite)])
def storage(request: pytest.FixtureRequest) -> Storage:
    if request.param == "embedded":
        return Storage("embedded", {}, None)
    azurite = request.getfixturevalue("runner_azurite")
    connection = azurite.connection_string
    return Storage("azurite", {"AzureWebJobsStorage": connection}, connection)


@pytest.fixture
def storage_app(
    storage: Storage,
    app_copy: Callable[[str], Path],
    run_app: Callable[..., RunningApp],
) -> Iterator[tuple[RunningApp, StorageBackend]]:
    app_dir = app_copy("storage_v2")
    running = run_app(app_dir, "--no-reload", env=storage.env)
    backend = storage.open(app_dir)
    try:
        yield running, backend
    finally:
        backend.close()


def wait_until(check: Callable[[], object], timeout: float = 20.0, what: str = "") -> object:
    """Poll ``check`` until it is truthy; a queue or container that does not exist yet (the
    function has not written to it) counts as "not yet"."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = check()
        except (QueueNotFoundError, ContainerNotFoundError):
            value = None
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def blob_text(backend: StorageBackend, container: str, name: str) -> str | None:
    if not backend.blobs.exists(container, name):
        return None
    return backend.blobs.get(container, name).content.decode()


def test_banner_names_the_backend(
    storage: Storage, storage_app: tuple[RunningApp, StorageBackend]
) -> None:
    running, _ = storage_app
    expected = "embedded store" if storage.kind == "embedded" else "127.0.0.1"
    line = next(x for x in running.log().splitlines() if "AzureWebJobsStorage:" in x)
    assert expected in line


def test_queue_output_trigger_blob_output_and_blob_input(
    storage_app: tuple[RunningApp, StorageBackend],
) -> None:
    running, backend = storage_app
    assert running.post("/jobs", content=json.dumps({"job": "alpha"})).status_code == 202
    response = running.wait_for("/results/alpha")
    assert response.text == "alpha done after 1 attempt(s)"
    assert blob_text(backend, "results", "alpha.txt") == "alpha done after 1 attempt(s)"
    assert backend.queues.approximate_count("jobs") == 0
    assert running.get("/results/missing").status_code == 404


def test_failing_message_goes_to_poison_after_max_dequeue_count(
    storage_app: tuple[RunningApp, StorageBackend],
) -> None:
    running, backend = storage_app
    backend.queues.create_queue("jobs")
    backend.queues.put("jobs", json.dumps({"job": "bad", "fail": True}))
    log = running.wait_for_log("moving it to queue 'jobs-poison'")
    assert "job bad asked to fail (attempt 1)" in log
    assert "job bad asked to fail (attempt 2)" in log
    assert "MaxDequeueCount of 2" in log
    poisoned = wait_until(lambda: backend.queues.peek("jobs-poison"), what="the poison queue")
    assert [json.loads(m.text) for m in poisoned] == [{"job": "bad", "fail": True}]  # type: ignore[attr-defined]
    # move_to_poison puts the copy first, then deletes the original
    wait_until(lambda: backend.queues.approximate_count("jobs") == 0, what="the delete")


def test_blob_trigger_feeds_the_name_to_the_output_path(
    storage_app: tuple[RunningApp, StorageBackend],
) -> None:
    running, backend = storage_app
    backend.blobs.create_container("inbox")
    backend.blobs.put("inbox", "greeting.txt", b"hello blob")
    backend.blobs.put("inbox", "ignored.csv", b"not matched")
    text = wait_until(lambda: blob_text(backend, "outbox", "greeting-upper.txt"), what="outbox")
    assert text == "HELLO BLOB"
    log = running.wait_for_log("copied inbox/greeting.txt (10 bytes)")
    assert log.count("Executed 'Functions.shout_blob' (Succeeded") == 1
    backend.blobs.put("inbox", "greeting.txt", b"changed")
    assert wait_until(
        lambda: blob_text(backend, "outbox", "greeting-upper.txt") == "CHANGED", what="rerun"
    )
    assert not backend.blobs.exists("outbox", "ignored-upper.txt")


def test_timer_fires_on_its_schedule(storage_app: tuple[RunningApp, StorageBackend]) -> None:
    running, backend = storage_app
    backend.queues.create_queue("ticks")
    backend.queues.clear("ticks")  # Azurite is shared by the session's tests
    ticks = wait_until(
        lambda: (m := backend.queues.peek("ticks", 32)) and len(m) >= 2 and m,
        timeout=15,
        what="two timer runs",
    )
    assert all(json.loads(m.text) == {"past_due": False} for m in ticks)  # type: ignore[attr-defined]
    running.wait_for_log("Executed 'Functions.tick' (Succeeded")


def test_timer_missed_while_stopped_runs_past_due(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    app_dir = app_copy("storage_v2")
    (app_dir / ".funcls").mkdir()
    missed = datetime.now(timezone.utc) - timedelta(minutes=5)
    (app_dir / ".funcls" / "timers.json").write_text(
        json.dumps({"tick": {"last": None, "next": missed.isoformat()}})
    )
    running = run_app(app_dir, "--no-reload")
    running.wait_for_log("missed its run")
    backend, _ = open_backend(None, app_dir, force="embedded")
    try:
        first = wait_until(lambda: backend.queues.peek("ticks"), what="the past-due run")
        assert json.loads(first[0].text) == {"past_due": True}  # type: ignore[index]
    finally:
        backend.close()


def test_v2_sample_order_flow(
    storage: Storage, app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    app_dir = app_copy("v2-app")
    running = run_app(app_dir, "--no-reload", env=storage.env)
    assert running.get("/api/products/2").json()["name"] == "Filter papers, 100 pcs"
    assert running.get("/api/products/9").status_code == 404
    order = running.post("/api/orders", json={"items": [{"product": 1, "qty": 2}]}).json()
    receipt = running.wait_for(f"/api/orders/{order['id']}/receipt").json()
    assert receipt["lines"] == [{"product": 1, "qty": 2}]
    backend = storage.open(app_dir)
    try:
        backend.blobs.create_container("uploads")
        backend.blobs.put("uploads", "spring.csv", b"name,price\nbeans,18.5\npapers,3.2\n")
        summary = wait_until(
            lambda: blob_text(backend, "processed", "spring.csv.json"), what="summary"
        )
        assert json.loads(str(summary))["cheapest"] == 3.2
    finally:
        backend.close()


def test_v1_sample_order_flow(
    storage: Storage, app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    app_dir = app_copy("v1-app")
    running = run_app(app_dir, "--no-reload", env=storage.env)
    assert running.get("/api/products/3").json()["name"] == "Hand grinder"
    order = running.post("/api/orders", json={"items": [{"product": 3}]}).json()
    receipt = running.wait_for(f"/api/orders/{order['id']}/receipt").json()
    assert receipt["lines"] == [{"product": 3, "qty": 1}]
    assert "payment_received: Service Bus trigger" in running.log()


BATCH_APP = """
import asyncio
import logging

import azure.functions as func

app = func.FunctionApp()
running = 0


@app.queue_trigger(arg_name="msg", queue_name="work", connection="AzureWebJobsStorage")
async def slow(msg: func.QueueMessage) -> None:
    global running
    running += 1
    logging.info("started %s with %d running", msg.get_body().decode(), running)
    try:
        await asyncio.sleep(float(msg.get_body().decode()))
    finally:
        running -= 1
"""


def test_new_batch_threshold_fetches_before_the_batch_ends(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    # batchSize 2, newBatchThreshold 1: once one of the first two messages is done, the next
    # batch starts beside the one still running, so three run at once and never more.
    app_dir = tmp_path / "batches"
    app_dir.mkdir()
    (app_dir / "function_app.py").write_text(BATCH_APP)
    (app_dir / "host.json").write_text(
        json.dumps(
            {
                "version": "2.0",
                "extensions": {"queues": {"batchSize": 2, "newBatchThreshold": 1}},
            }
        )
    )
    (app_dir / "local.settings.json").write_text(
        json.dumps(
            {
                "IsEncrypted": False,
                "Values": {
                    "FUNCTIONS_WORKER_RUNTIME": "python",
                    "AzureWebJobsStorage": "UseDevelopmentStorage=true",
                },
            }
        )
    )
    backend, _ = open_backend(None, app_dir, force="embedded")
    try:
        backend.queues.create_queue("work")
        for seconds in ("1.5", "0.1", "1.5", "0.1"):
            backend.queues.put("work", seconds.encode())
        running = run_app(app_dir, "--no-reload", "--storage", "embedded")
        log = running.wait_for_log("started", count=4, timeout=30)
        counts = [
            int(line.rsplit("with ", 1)[1].split()[0])
            for line in log.splitlines()
            if "started " in line and " running" in line
        ]
        assert max(counts) == 3, log
    finally:
        backend.close()


def test_a_run_by_hand_says_which_store_it_used(
    storage: Storage, storage_app: tuple[RunningApp, StorageBackend]
) -> None:
    """The run result names the store of each connection setting as the runner opened it
    (the result panel showed a guess from local.settings.json: 'Azurite, or the embedded store
    while Azurite does not answer')."""
    running, _ = storage_app
    result = running.post(
        "/admin/funcls/invoke/submit", json={"method": "POST", "body": '{"job": "by-hand"}'}
    ).json()
    assert result["ok"] is True, result
    [store] = result["stores"]
    assert (store["setting"], store["store"]) == ("AzureWebJobsStorage", storage.kind)
    if storage.kind == "azurite":
        assert store["description"].startswith("Azurite at http://127.0.0.1:"), store
    else:
        assert store["description"].startswith("embedded store at "), store
        assert "(no storage connection setting)" in store["description"], store
    # A blob input's store as well.
    plain = running.post("/admin/funcls/invoke/result", json={"path": "/results/by-hand"}).json()
    assert [(s["setting"], s["store"]) for s in plain["stores"]] == [
        ("AzureWebJobsStorage", storage.kind)
    ]


def test_a_run_by_hand_says_azurite_did_not_answer(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    """Azurite configured but not listening: the result says the embedded store and why."""
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    connection = (
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;"
        f"QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;"
        f"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1"
    )
    running = run_app(
        app_copy("storage_v2"), "--no-reload", env={"AzureWebJobsStorage": connection}
    )
    result = running.post(
        "/admin/funcls/invoke/submit", json={"method": "POST", "body": '{"job": "x"}'}
    ).json()
    [store] = result["stores"]
    assert store["store"] == "embedded", store
    assert f"Azurite not reachable at http://127.0.0.1:{port}" in store["description"], store
    assert "a2V5" not in json.dumps(result)  # the key is never shown
