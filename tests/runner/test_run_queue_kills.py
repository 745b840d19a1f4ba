"""SIGKILL at random points while `funcls run` works through a queue (issue 17), on the
embedded store and on a real Azurite: no message is lost, duplicate deliveries are counted
(each comes from a kill: the run died after the function finished and before the delete),
and every poison message ends in `<queue>-poison` after maxDequeueCount (5) attempts.

The app (tests/runner/apps/queue_kills) notes each delivery in a file. The runner is killed
with its app processes (SIGKILL to its process group) after a random number of deliveries and
a random extra delay, then started again; the messages the dead run held come back when their
lease ends (FUNCLS_QUEUE_LEASE_SECONDS, 4 s here instead of the host's 10 minutes)."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from funcls.runner.storage import QueueNotFoundError, StorageBackend, open_backend
from funcls.runner.triggers.queue import LEASE_ENV, processing_visibility
from tests.runner.runner_process import RunningApp, start_run

pytestmark = pytest.mark.slow

# The embedded store delivers far faster than Azurite: a kill point counted in lines still lets
# a run on it deliver ~300 more while a loaded machine schedules the test (kills at
# [349, 829, 1133, 1435, 1768, 2072] at load 15), so it gets more messages than the 6 kills use.
NORMAL_BY_STORE = {"embedded": 3000, "azurite": 2000}
POISON = 8
KILLS = 6
LEASE_S = 4
MAX_DEQUEUE = 5  # the app's host.json
BATCH = 16


@pytest.fixture(params=["embedded", pytest.param("azurite", marks=pytest.mark.azurite)])
def connection(request: pytest.FixtureRequest) -> str | None:
    if request.param == "embedded":
        return None
    return str(request.getfixturevalue("runner_azurite").connection_string)


def lines(log: Path) -> list[str]:
    try:
        return log.read_text().splitlines()
    except FileNotFoundError:
        return []


def wait_for_lines(log: Path, count: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(lines(log)) >= count:
            return True
        time.sleep(0.01)
    return False


def kill_group(running: RunningApp) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(running.process.pid, signal.SIGKILL)
    running.process.wait(30)
    running.client.close()


def test_sigkill_during_queue_processing_loses_nothing(
    connection: str | None,
    app_copy: Callable[[str], Path],
    run_app: Callable[..., RunningApp],
    tmp_path: Path,
) -> None:
    normal = NORMAL_BY_STORE["azurite" if connection else "embedded"]
    app = app_copy("queue_kills")
    log = tmp_path / "deliveries.log"
    env = {"KILL_LOG": str(log), "FUNCLS_QUEUE_LEASE_SECONDS": str(LEASE_S)}
    if connection is not None:
        env["AzureWebJobsStorage"] = connection
    backend: StorageBackend
    backend, _ = open_backend(connection, app, force="azure" if connection else "embedded")
    rng = random.Random(20261205)
    poison = set(rng.sample(range(normal + POISON), POISON))
    try:
        backend.queues.create_queue("work")
        for n in range(normal + POISON):
            backend.queues.put("work", json.dumps({"n": n, "poison": n in poison}))

        kills: list[int] = []  # messages done when each kill was sent
        for _ in range(KILLS):
            running = start_run(app, "--no-reload", env=env, new_session=True)
            try:
                # Killed at a random point once this run has noted a random number of lines
                # (starts, dones, failures: the kill may land inside a function). Counted, not
                # timed: a sleep let a run deliver ~400 messages before its kill on a loaded
                # machine, and six such runs finished the queue before the last kill.
                seen = len(lines(log))
                assert wait_for_lines(log, seen + rng.randint(1, 120), timeout=60), running.log()
            finally:
                kill_group(running)
            kills.append(len({x for x in lines(log) if x.startswith("done ")}))

        # Every kill hit a run with work left (the last one too).
        assert kills == sorted(set(kills)) and kills[-1] < normal, kills
        started = time.monotonic()
        final = run_app(app, "--no-reload", env=env)

        def settled() -> bool:
            noted = lines(log)
            done = {int(x.split()[1]) for x in noted if x.startswith("done ")}
            try:
                poisoned = backend.queues.peek("work-poison", 32)
            except QueueNotFoundError:
                poisoned = []
            return (
                len(done) == normal
                and len({json.loads(m.text)["n"] for m in poisoned}) == POISON
                and backend.queues.approximate_count("work") == 0
            )

        deadline = time.monotonic() + 120
        while not settled():
            assert time.monotonic() < deadline, f"not settled:\n{final.log()[-3000:]}"
            time.sleep(0.1)
        drained_s = time.monotonic() - started

        noted = lines(log)
        done = Counter(int(x.split()[1]) for x in noted if x.startswith("done "))
        starts = [tuple(map(int, x.split()[1:])) for x in noted if x.startswith("start ")]
        lost = sorted(set(range(normal + POISON)) - poison - set(done))
        duplicates = sum(done.values()) - len(done)
        assert lost == []
        assert not set(done) & poison
        # Every duplicate comes from a kill: at most the messages one run holds (a batch and
        # the next one fetched at the threshold) per kill.
        assert duplicates <= KILLS * (BATCH + BATCH // 2)
        poisoned = backend.queues.peek("work-poison", 32)
        assert sorted({json.loads(m.text)["n"] for m in poisoned}) == sorted(poison)
        attempts = Counter(n for n, _ in starts if n in poison)
        counts = {n: sorted(c for m, c in starts if m == n) for n in poison}
        for n in poison:
            # Never run beyond maxDequeueCount; a kill may cut an attempt short (counted by the
            # queue, maybe not noted), so fewer noted attempts are possible.
            assert max(counts[n]) <= MAX_DEQUEUE, (n, counts[n])
            assert 1 <= attempts[n] <= MAX_DEQUEUE
        print(
            f"\n[{'azurite' if connection else 'embedded'}] {normal + POISON} messages, "
            f"{KILLS} SIGKILLs with {kills} messages done: lost {len(lost)}, "
            f"duplicate deliveries {duplicates}, poison {len(poisoned)} copies of {POISON} "
            f"(noted attempts {sorted(attempts.values())}), final run settled in "
            f"{drained_s:.1f} s (lease {LEASE_S} s)"
        )
    finally:
        backend.close()


def test_the_lease_is_the_host_s_unless_shortened() -> None:
    assert processing_visibility({}) == 600
    assert processing_visibility({LEASE_ENV: "4"}) == 4
    for bad in ("0", "-3", "abc", "²", "", "1.5"):
        assert processing_visibility({LEASE_ENV: bad}) == 600
