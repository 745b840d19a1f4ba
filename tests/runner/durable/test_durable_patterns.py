"""Durable timers, external events (human interaction with a timeout race), terminate,
purge, custom status, sub-orchestrations, continue_as_new and retries, end to end through
the management URLs of `create_check_status_response` and a plain HTTP client."""

from __future__ import annotations

import time

import httpx

from tests.runner.durable.conftest import Durable


def _event_url(urls: dict[str, str], name: str) -> str:
    return urls["sendEventPostUri"].replace("{eventName}", name)


def _wait_for_status(durable: Durable, urls: dict[str, str], status: str) -> dict[str, object]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        body: dict[str, object] = durable.status(urls).json()
        if body["runtimeStatus"] == status:
            return body
        time.sleep(0.02)
    raise AssertionError(f"{urls['id']} never became {status}")


def test_an_external_event_wins_the_race_against_a_timer(durable_run: Durable) -> None:
    urls = durable_run.start("approval", {"timeout": 30})
    waiting = _wait_for_status(durable_run, urls, "Running")
    deadline = time.monotonic() + 20
    while waiting["customStatus"] != "waiting for approval" and time.monotonic() < deadline:
        waiting = durable_run.status(urls).json()
    assert waiting["customStatus"] == "waiting for approval"
    raised = httpx.post(_event_url(urls, "Approval"), json="yes")
    assert raised.status_code == 202
    done = durable_run.wait(urls, showHistory="true", showHistoryOutput="true")
    assert (done["runtimeStatus"], done["output"]) == ("Completed", "approved: yes")
    assert done["customStatus"] == "decided"
    raised = [e for e in done["historyEvents"] if e["EventType"] == "EventRaised"]
    assert raised[0]["FunctionName"] == "Approval" and raised[0]["Input"] == "yes"
    assert any(e["EventType"] == "TimerCreated" for e in done["historyEvents"])
    # The instance is done: an event for it is gone (410), as the extension answers.
    assert httpx.post(_event_url(urls, "Approval"), json="again").status_code == 410


def test_the_timer_wins_when_no_event_comes(durable_run: Durable) -> None:
    started = time.monotonic()
    urls = durable_run.start("approval", {"timeout": 0.5})
    done = durable_run.wait(urls, showHistory="true")
    assert time.monotonic() - started >= 0.5
    assert (done["runtimeStatus"], done["output"]) == ("Completed", "timed out")
    assert done["customStatus"] == "timed out"
    assert [e["EventType"] for e in done["historyEvents"]].count("TimerFired") == 1


def test_terminate_then_purge(durable_run: Durable) -> None:
    urls = durable_run.start("wait_forever")
    _wait_for_status(durable_run, urls, "Running")
    terminate = urls["terminatePostUri"].replace("{text}", "no%20longer%20needed")
    assert httpx.post(terminate).status_code == 202
    done = durable_run.wait(urls)
    assert (done["runtimeStatus"], done["output"]) == ("Terminated", "no longer needed")
    assert httpx.post(terminate).status_code == 410
    purged = httpx.delete(urls["purgeHistoryDeleteUri"])
    assert (purged.status_code, purged.json()) == (200, {"instancesDeleted": 1})
    assert durable_run.status(urls).status_code == 404
    assert httpx.delete(urls["purgeHistoryDeleteUri"]).status_code == 404
    log = durable_run.running.log()
    assert f"instance {urls['id']} terminated: no longer needed" in log


def test_a_running_instance_is_not_purged(durable_run: Durable) -> None:
    urls = durable_run.start("wait_forever")
    _wait_for_status(durable_run, urls, "Running")
    refused = httpx.delete(urls["purgeHistoryDeleteUri"])
    assert refused.status_code == 409
    assert "terminate it before purging" in refused.json()["Message"]
    httpx.post(urls["terminatePostUri"].replace("{text}", "done"))
    durable_run.wait(urls)


def test_sub_orchestrations(durable_run: Durable) -> None:
    urls = durable_run.start("parent")
    done = durable_run.wait(urls, showHistory="true")
    assert done["runtimeStatus"] == "Completed"
    assert done["output"] == {
        "chain": ["Hello Tokyo!", "Hello Seattle!", "Hello London!"],
        "squares": 0 + 1 + 4 + 9,
    }
    kinds = [e["EventType"] for e in done["historyEvents"]]
    assert kinds.count("SubOrchestrationInstanceCompleted") == 2
    children = httpx.get(
        durable_run.running.url + "/runtime/webhooks/durabletask/instances",
        params={"instanceIdPrefix": urls["id"] + ":"},
    ).json()
    assert sorted(c["name"] for c in children) == ["fan_out", "hello_chain"]
    assert {c["runtimeStatus"] for c in children} == {"Completed"}


def test_continue_as_new_restarts_with_the_new_input(durable_run: Durable) -> None:
    urls = durable_run.start("counter_loop", 0)
    done = durable_run.wait(urls, showHistory="true")
    assert (done["runtimeStatus"], done["output"], done["input"]) == ("Completed", 3, 3)
    # The history is the last execution's only.
    started = [e for e in done["historyEvents"] if e["EventType"] == "ExecutionStarted"]
    assert [e["Input"] for e in started] == [3]
    log = durable_run.running.log()
    assert log.count(f"instance {urls['id']} continued as new") == 3


def test_retries_until_an_attempt_succeeds(durable_run: Durable) -> None:
    urls = durable_run.start("with_retry")
    done = durable_run.wait(urls, showHistory="true")
    assert (done["runtimeStatus"], done["output"]) == ("Completed", "succeeded on attempt 3")
    kinds = [e["EventType"] for e in done["historyEvents"]]
    assert kinds.count("TaskFailed") == 2 and kinds.count("TimerFired") == 2
    assert kinds.count("TaskCompleted") == 1


def test_retries_give_up_after_max_attempts(durable_run: Durable) -> None:
    urls = durable_run.start("retry_exhausted")
    done = durable_run.wait(urls, showHistory="true")
    assert done["runtimeStatus"] == "Failed"
    assert (
        "Activity function 'explode' failed: RuntimeError: activity exploded: always"
        in (done["output"])
    )
    kinds = [e["EventType"] for e in done["historyEvents"]]
    # Two attempts, each followed by a retry timer (DurableTask.Core waits one more timer
    # after the last attempt before it gives up).
    assert kinds.count("TaskFailed") == 2 and kinds.count("TimerFired") == 2


def test_the_monitor_pattern(durable_run: Durable) -> None:
    done = durable_run.wait(durable_run.start("monitor"), showHistory="true")
    assert (done["runtimeStatus"], done["output"]) == ("Completed", {"checks": 3})
    assert done["customStatus"] == {"checks": 3}
    kinds = [e["EventType"] for e in done["historyEvents"]]
    assert kinds.count("TimerFired") == 2 and kinds.count("TaskCompleted") == 3


def test_call_http_makes_a_real_request(durable_run: Durable) -> None:
    url = durable_run.running.url + "/api/ping?n=7"
    done = durable_run.wait(durable_run.start("http_caller", {"url": url}))
    assert done["runtimeStatus"] == "Completed", done["output"]
    assert done["output"] == {"status": 200, "content": "pong 7"}
    # A URL nobody answers fails the task, and the orchestration with it.
    failed = durable_run.wait(durable_run.start("http_caller", {"url": "http://127.0.0.1:9/x"}))
    assert failed["runtimeStatus"] == "Failed"
    assert "call_http failed" in failed["output"]


def test_suspend_holds_events_until_resume(durable_run: Durable) -> None:
    urls = durable_run.start("approval", {"timeout": 60})
    _wait_for_status(durable_run, urls, "Running")
    suspend = urls["suspendPostUri"].replace("{text}", "lunch")
    assert httpx.post(suspend).status_code == 202
    _wait_for_status(durable_run, urls, "Suspended")
    assert httpx.post(_event_url(urls, "Approval"), json="later").status_code == 202
    time.sleep(0.3)
    held = durable_run.status(urls)
    assert held.status_code == 202 and held.json()["runtimeStatus"] == "Suspended"
    assert httpx.post(urls["resumePostUri"].replace("{text}", "back")).status_code == 202
    done = durable_run.wait(urls, showHistory="true")
    assert (done["runtimeStatus"], done["output"]) == ("Completed", "approved: later")
    kinds = [e["EventType"] for e in done["historyEvents"]]
    assert kinds.index("ExecutionSuspended") < kinds.index("ExecutionResumed")
    log = durable_run.running.log()
    assert f"instance {urls['id']} suspended: lunch" in log
    assert f"instance {urls['id']} resumed: back" in log
    assert httpx.post(suspend).status_code == 410


def test_a_timer_of_an_earlier_execution_does_not_reach_the_next(durable_run: Durable) -> None:
    started = time.monotonic()
    urls = durable_run.start("restart_race")
    _wait_for_status(durable_run, urls, "Running")
    assert httpx.post(_event_url(urls, "poke"), json=0).status_code == 202
    durable_run.running.wait_for_log(f"instance {urls['id']} continued as new")
    time.sleep(max(0.0, 2.0 - (time.monotonic() - started)))  # round 0's timer has fired
    assert durable_run.status(urls).json()["runtimeStatus"] == "Running"
    assert httpx.post(_event_url(urls, "poke"), json=1).status_code == 202
    done = durable_run.wait(urls)
    assert done["output"] == {"round": 1, "winner": "poke"}


def test_the_sdk_client_manages_instances_through_the_runner(durable_run: Durable) -> None:
    run = durable_run.running
    approval = durable_run.start("approval", {"timeout": 60})
    _wait_for_status(durable_run, approval, "Running")
    raised = run.post(
        "/api/manage/raise", params={"id": approval["id"], "event": "Approval"}, json="by client"
    )
    assert raised.status_code == 202, raised.text
    waited = run.post("/api/manage/wait", params={"id": approval["id"]})
    # The SDK writes a string output as the body as it is (not as JSON).
    assert (waited.status_code, waited.text) == (200, "approved: by client")
    forever = durable_run.start("wait_forever")
    _wait_for_status(durable_run, forever, "Running")
    assert run.post("/api/manage/suspend", params={"id": forever["id"]}).status_code == 202
    _wait_for_status(durable_run, forever, "Suspended")
    assert run.post("/api/manage/resume", params={"id": forever["id"]}).status_code == 202
    _wait_for_status(durable_run, forever, "Running")
    assert run.post("/api/manage/terminate", params={"id": forever["id"]}).status_code == 202
    done = durable_run.wait(forever)
    assert (done["runtimeStatus"], done["output"]) == ("Terminated", "terminate by the client")
    listed = run.post("/api/manage/list").json()
    assert listed[forever["id"]] == "Terminated" and listed[approval["id"]] == "Completed"
    purged = run.post("/api/manage/purge", params={"id": forever["id"]})
    assert purged.json() == {"deleted": 1}
    assert forever["id"] not in run.post("/api/manage/list").json()


def test_a_sub_orchestration_with_retry(durable_run: Durable) -> None:
    urls = durable_run.start("parent_with_retry")
    done = durable_run.wait(urls, showHistory="true")
    assert (done["runtimeStatus"], done["output"]) == ("Completed", "succeeded on attempt 3")
    kinds = [e["EventType"] for e in done["historyEvents"]]
    assert kinds.count("SubOrchestrationInstanceFailed") == 2
    reasons = [
        e.get("Reason")
        for e in done["historyEvents"]
        if e["EventType"] == "SubOrchestrationInstanceFailed"
    ]
    assert all(
        str(r).startswith("Sub-orchestration 'child_calls_flaky' failed: ") for r in reasons
    ), reasons
    assert kinds.count("SubOrchestrationInstanceCompleted") == 1
    children = httpx.get(
        durable_run.running.url + "/runtime/webhooks/durabletask/instances",
        params={"instanceIdPrefix": urls["id"] + ":"},
    ).json()
    assert sorted(c["runtimeStatus"] for c in children) == ["Completed", "Failed", "Failed"]


def test_a_fan_out_runs_its_activities_in_parallel(durable_run: Durable) -> None:
    started = time.monotonic()
    done = durable_run.wait(durable_run.start("slow_fan_out", {"count": 12}))
    assert done["output"] == sum(n * n for n in range(12))
    # 12 activities of 0.2 s each: one after the other would take 2.4 s
    assert time.monotonic() - started < 2.0
