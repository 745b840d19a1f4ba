"""Durable entities (`df.Entity` through `@app.entity_trigger`): called and signalled from an
orchestration, signalled and read by the client, state kept across calls."""

from __future__ import annotations

import time

import httpx

from tests.runner.durable.conftest import Durable


def test_an_orchestration_signals_and_calls_an_entity(durable_run: Durable) -> None:
    done = durable_run.wait(durable_run.start("counter_orchestration", {"key": "orch"}))
    assert done["runtimeStatus"] == "Completed", done["output"]
    assert done["output"]["value"] == 6  # the signal (add 5) ran before the call (add 1)
    assert "the counter refuses to fail" in done["output"]["failure"]
    state = durable_run.running.get("/api/counter/orch").json()
    assert state == {"exists": True, "state": 6}


def test_the_client_signals_and_reads_an_entity(durable_run: Durable) -> None:
    assert durable_run.running.get("/api/counter/fresh").json() == {
        "exists": False,
        "state": None,
    }
    for amount in (2, 3, 4):
        assert durable_run.running.post("/api/counter/fresh", content=str(amount)).status_code == (
            202
        )
    deadline = time.monotonic() + 20
    state: dict[str, object] = {}
    while time.monotonic() < deadline:
        state = durable_run.running.get("/api/counter/fresh").json()
        if state.get("state") == 9:
            break
        time.sleep(0.02)
    assert state == {"exists": True, "state": 9}
    # The public API reads it too, and signals it.
    base = durable_run.running.url + "/runtime/webhooks/durabletask/entities/counter/fresh"
    assert httpx.get(base).json() == 9
    assert httpx.post(base, params={"op": "reset"}).status_code == 202
    deadline = time.monotonic() + 20
    while httpx.get(base).json() != 0:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert httpx.get(base.replace("fresh", "never-used")).status_code == 404
    log = durable_run.running.log()
    assert "Executing 'Functions.counter' (Reason='EntityTrigger (entity @counter@fresh" in log


def test_the_banner_lists_entities(durable_run: Durable) -> None:
    assert "  entities: counter\n" in durable_run.running.log()
