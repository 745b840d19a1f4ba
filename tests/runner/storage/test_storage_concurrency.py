"""Competing consumers never receive the same visible message, whether they are threads sharing
one backend, threads with a backend each, or separate processes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from funcls.runner.storage import QueueService
from tests.runner.storage.harness import Store
from tests.support.azurite import REPO_ROOT

MESSAGES = 120


def _fill(queues: QueueService, queue: str) -> set[str]:
    queues.create_queue(queue)
    return {queues.put(queue, f"m{i}").id for i in range(MESSAGES)}


def _drain(queues: QueueService, queue: str, batch: int, into: list[str]) -> None:
    """Receive (without deleting, hidden for a minute) until the queue shows nothing."""
    while True:
        got = queues.receive(queue, max_messages=batch, visibility_timeout=60)
        if not got:
            return
        into.extend(m.id for m in got)
        time.sleep(0.001)  # let the other consumers in between two batches


def _assert_each_received_once(expected: set[str], per_consumer: list[list[str]]) -> None:
    counts = Counter(mid for ids in per_consumer for mid in ids)
    assert [mid for mid, n in counts.items() if n > 1] == []
    assert set(counts) == expected
    busy = sum(1 for ids in per_consumer if ids)
    assert busy >= 2, "only one consumer received anything: the test proved little"


@pytest.mark.parametrize("shared", [True, False], ids=["one-backend", "backend-each"])
def test_threads_never_share_a_message(store: Store, shared: bool) -> None:
    first = store.open()
    queue = store.name("q")
    expected = _fill(first.queues, queue)
    consumers = 4
    backends = [first if shared else store.open() for _ in range(consumers)]
    received: list[list[str]] = [[] for _ in range(consumers)]
    start = threading.Barrier(consumers)

    def consume(index: int) -> None:
        start.wait()
        _drain(backends[index].queues, queue, 3, received[index])

    threads = [threading.Thread(target=consume, args=(i,)) for i in range(consumers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    _assert_each_received_once(expected, received)


_CONSUMER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from funcls.runner.storage import open_backend
    app, connection, queue, ready, go = sys.argv[1:6]
    backend, _ = open_backend(connection or None, Path(app),
                              force="azure" if connection else "embedded")
    Path(ready).touch()
    while not Path(go).exists():  # start together, whatever the import times were
        time.sleep(0.002)
    ids = []
    while True:
        got = backend.queues.receive(queue, max_messages=2, visibility_timeout=60)
        if not got:
            break
        ids.extend(m.id for m in got)
        time.sleep(0.005)  # some work per batch, as a function invocation would do
    backend.close()
    print(json.dumps(ids))
    """
)


def test_processes_never_share_a_message(store: Store, tmp_path: Path) -> None:
    queue = store.name("q")
    expected = _fill(store.open().queues, queue)
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _CONSUMER,
                str(store.app_dir),
                store.connection or "",
                queue,
                str(tmp_path / f"ready-{n}"),
                str(go),
            ],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{n}").exists() for n in range(2)):
        assert time.monotonic() < deadline, "consumers did not start"
        assert all(worker.poll() is None for worker in workers), "a consumer died"
        time.sleep(0.01)
    go.touch()
    outputs = [worker.communicate(timeout=120)[0] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0]
    _assert_each_received_once(expected, [json.loads(out) for out in outputs])
