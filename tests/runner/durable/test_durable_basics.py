"""Function chaining, fan-out/fan-in and failures, end to end: a v2 `df.DFApp` app run by
`funcls run`, started through its HTTP starter (the real SDK's DurableOrchestrationClient
calling the runner back), followed through the check-status URLs with a plain HTTP client."""

from __future__ import annotations

import json

import httpx

from tests.runner.durable.conftest import Durable


def test_the_banner_lists_orchestrations_and_activities(durable_run: Durable) -> None:
    log = durable_run.running.log()
    assert "Durable Functions (embedded engine, state in .funcls/durable/):" in log
    assert "  orchestrations: hello_chain, fan_out, failing_activity," in log
    assert "  activities: job_done, say_hello, square, slow_square, explode, flaky" in log
    assert "Not runnable here" not in log


def test_function_chaining(durable_run: Durable) -> None:
    urls = durable_run.start("hello_chain")
    done = durable_run.wait(urls, showHistory="true", showHistoryOutput="true")
    assert done["runtimeStatus"] == "Completed"
    assert done["output"] == ["Hello Tokyo!", "Hello Seattle!", "Hello London!"]
    assert done["name"] == "hello_chain" and done["instanceId"] == urls["id"]
    assert done["createdTime"].endswith("Z") and done["lastUpdatedTime"] >= done["createdTime"]
    kinds = [e["EventType"] for e in done["historyEvents"]]
    assert kinds == ["ExecutionStarted", *["TaskCompleted"] * 3, "ExecutionCompleted"]
    results = [e["Result"] for e in done["historyEvents"] if e["EventType"] == "TaskCompleted"]
    assert results == done["output"]
    assert {e.get("FunctionName") for e in done["historyEvents"][1:4]} == {"say_hello"}
    log = durable_run.running.log()
    iid = urls["id"]
    assert f"durable: orchestration 'hello_chain' instance {iid} started" in log
    assert f"durable: orchestration 'hello_chain' instance {iid} completed in" in log
    for task in range(3):
        assert f"instance {iid}, task {task})" in log  # each activity's invocation


def test_fan_out_fan_in_of_50_activities(durable_run: Durable) -> None:
    urls = durable_run.start("fan_out", {"count": 50})
    done = durable_run.wait(urls)
    assert done["runtimeStatus"] == "Completed", done
    assert done["output"] == sum(n * n for n in range(50))
    assert done["input"] == {"count": 50}
    log = durable_run.running.log()
    assert (
        log.count(
            f"Executing 'Functions.square' (Reason='ActivityTrigger (orchestration 'fan_out' instance {urls['id']}"
        )
        == 50
    )


def test_a_failing_activity_fails_the_orchestration_with_its_message(durable_run: Durable) -> None:
    done = durable_run.wait(durable_run.start("failing_activity"))
    assert done["runtimeStatus"] == "Failed"
    assert "Orchestrator function 'failing_activity' failed" in done["output"]
    assert (
        "Activity function 'explode' failed: RuntimeError: activity exploded: kaboom"
        in (done["output"])
    )


def test_an_activity_failure_can_be_caught(durable_run: Durable) -> None:
    done = durable_run.wait(durable_run.start("caught_failure"))
    assert done["runtimeStatus"] == "Completed"
    assert done["output"].startswith(
        "recovered: Activity function 'explode' failed: RuntimeError: activity exploded: caught"
    )


def test_a_failing_orchestrator_is_failed_with_its_message(durable_run: Durable) -> None:
    urls = durable_run.start("failing_orchestrator")
    done = durable_run.wait(urls)
    assert done["runtimeStatus"] == "Failed"
    assert done["output"] == (
        "Orchestrator function 'failing_orchestrator' failed: bad value after Hello Oslo!"
    )
    log = durable_run.running.log()
    assert f"instance {urls['id']} failed: Orchestrator function 'failing_orchestrator'" in log


def test_the_client_reads_status_through_the_runner(durable_run: Durable) -> None:
    urls = durable_run.start("hello_chain")
    durable_run.wait(urls)
    answer = durable_run.running.get(f"/api/status/{urls['id']}")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"status": "Completed"}


def test_unknown_instances_and_orchestrators(durable_run: Durable) -> None:
    base = durable_run.running.url + "/runtime/webhooks/durabletask"
    missing = httpx.get(f"{base}/instances/no-such-instance")
    assert missing.status_code == 404
    unknown = httpx.post(f"{base}/orchestrators/no_such_orchestrator", json={"a": 1})
    assert unknown.status_code == 400
    assert "The function 'no_such_orchestrator' doesn't exist" in unknown.json()["Message"]
    # The SDK's start_new raises the extension's message: the starter fails with it.
    failed = durable_run.running.post("/api/orchestrators/no_such_orchestrator")
    assert failed.status_code == 500


def test_start_with_an_instance_id_through_the_public_api(durable_run: Durable) -> None:
    base = durable_run.running.url + "/runtime/webhooks/durabletask"
    started = httpx.post(f"{base}/orchestrators/fan_out/my-fixed-id", json={"count": 3})
    assert started.status_code == 202
    urls = started.json()
    assert urls["id"] == "my-fixed-id"
    done = durable_run.wait(urls)
    assert (done["runtimeStatus"], done["output"]) == ("Completed", 5)
    listed = httpx.get(f"{base}/instances", params={"instanceIdPrefix": "my-fixed"}).json()
    assert [i["instanceId"] for i in listed] == ["my-fixed-id"]
    assert json.dumps(listed[0]["input"]) == '{"count": 3}'
