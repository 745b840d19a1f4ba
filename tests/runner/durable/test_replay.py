"""The replay matcher (funcls/runner/durable/replay.py) on histories built by hand, and with
the orchestrator state the real SDK produces for them."""

from __future__ import annotations

import json
import warnings
from datetime import datetime, timedelta, timezone
from typing import Any

import azure.durable_functions as df
import pytest

from funcls.runner.durable.history import EventType, event
from funcls.runner.durable.replay import NonDeterminismError, plan_episode, retry_delay

NOW = datetime(2026, 12, 5, 2, 0, tzinfo=timezone.utc)


def _sdk_state(
    orchestrator: Any, history: list[dict[str, Any]], input_text: str = "null"
) -> dict[str, Any]:
    """What the real SDK answers for this history (df.Orchestrator.create's handle)."""
    handle = df.Orchestrator.create(orchestrator)
    context = {
        "history": history,
        "instanceId": "i",
        "isReplaying": False,
        "parentInstanceId": None,
        "input": input_text,
        "upperSchemaVersion": 0,
    }
    with warnings.catch_warnings():
        # azure.functions' df_loads asks for an expected_type (a DeprecationWarning the
        # app process shows but the test settings turn into an error)
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            state: dict[str, Any] = json.loads(handle(json.dumps(context)))
        except Exception as error:  # the SDK raises with the state after $OutOfProcData$:
            state = json.loads(str(error).partition("$OutOfProcData$:")[2])
    return state


def _start() -> list[dict[str, Any]]:
    return [
        event(EventType.ORCHESTRATOR_STARTED, moment=NOW),
        event(EventType.EXECUTION_STARTED, moment=NOW, Name="o", Version="", Input="null"),
    ]


def two_steps(context: df.DurableOrchestrationContext):  # type: ignore[no-untyped-def]
    a = yield context.call_activity("first", 1)
    b = yield context.call_activity("second", a)
    return [a, b]


def other_first_step(context: df.DurableOrchestrationContext):  # type: ignore[no-untyped-def]
    a = yield context.call_activity("renamed", 1)
    return a


def timer_first(context: df.DurableOrchestrationContext):  # type: ignore[no-untyped-def]
    yield context.create_timer(context.current_utc_datetime + timedelta(seconds=5))
    return None


def no_steps(context: df.DurableOrchestrationContext):  # type: ignore[no-untyped-def]
    return "done"
    yield  # a generator that schedules nothing


def test_first_episode_schedules_the_first_activity() -> None:
    history = _start()
    plan = plan_episode(history, _sdk_state(two_steps, history), "i", NOW)
    assert [(w.kind, w.task_id, w.name, w.input) for w in plan.work] == [
        ("activity", 0, "first", "1")
    ]
    assert [e["EventType"] for e in plan.events] == [EventType.TASK_SCHEDULED]
    assert not plan.done and plan.error is None


def test_a_replay_schedules_only_what_is_new_and_completes() -> None:
    history = [
        *_start(),
        event(EventType.TASK_SCHEDULED, 0, NOW, Name="first", Version="", Input="1"),
        event(EventType.ORCHESTRATOR_COMPLETED, moment=NOW),
        event(EventType.ORCHESTRATOR_STARTED, moment=NOW),
        event(EventType.TASK_COMPLETED, moment=NOW, TaskScheduledId=0, Result="10"),
    ]
    plan = plan_episode(history, _sdk_state(two_steps, history), "i", NOW)
    assert [(w.task_id, w.name, w.input) for w in plan.work] == [(1, "second", "10")]
    history += [
        *plan.events,
        event(EventType.ORCHESTRATOR_COMPLETED, moment=NOW),
        event(EventType.ORCHESTRATOR_STARTED, moment=NOW),
        event(EventType.TASK_COMPLETED, moment=NOW, TaskScheduledId=1, Result="20"),
    ]
    plan = plan_episode(history, _sdk_state(two_steps, history), "i", NOW)
    assert plan.work == [] and plan.done and plan.output == [10, 20]


def _after_first_activity() -> list[dict[str, Any]]:
    return [
        *_start(),
        event(EventType.TASK_SCHEDULED, 0, NOW, Name="first", Version="", Input="1"),
        event(EventType.ORCHESTRATOR_COMPLETED, moment=NOW),
        event(EventType.ORCHESTRATOR_STARTED, moment=NOW),
    ]


def test_a_renamed_activity_is_the_extension_s_non_determinism_error() -> None:
    history = _after_first_activity()
    with pytest.raises(NonDeterminismError) as raised:
        plan_episode(history, _sdk_state(other_first_step, history), "i", NOW)
    assert str(raised.value) == (
        "Non-Deterministic workflow detected: A previous execution of this orchestration "
        "scheduled an activity task with sequence number 0 named 'first', but the current "
        "orchestration replay instead scheduled an activity task named 'renamed' with this "
        "sequence number.  Was a change made to the orchestrator code after this instance "
        "had already started running?"
    )


def test_another_kind_of_task_at_the_same_number() -> None:
    history = _after_first_activity()
    with pytest.raises(NonDeterminismError) as raised:
        plan_episode(history, _sdk_state(timer_first, history), "i", NOW)
    assert "scheduled an activity task with sequence number 0 named 'first', but the " in str(
        raised.value
    )
    assert "instead produced a CreateTimerOrchestratorAction action" in str(raised.value)


def test_a_task_the_replay_no_longer_schedules() -> None:
    history = _after_first_activity()
    state = {"isDone": False, "actions": [], "output": None}
    with pytest.raises(NonDeterminismError) as raised:
        plan_episode(history, state, "i", NOW)
    assert "scheduled an activity task with sequence ID 0 and name 'first' (version ''), but " in (
        str(raised.value)
    )
    assert "hasn't (yet?) scheduled this task" in str(raised.value)


def test_an_orchestrator_without_tasks_is_done_at_once() -> None:
    history = _start()
    plan = plan_episode(history, _sdk_state(no_steps, history), "i", NOW)
    assert plan.done and plan.output == "done" and plan.work == []


@pytest.mark.parametrize(
    ("options", "attempt", "millis"),
    [
        ({"firstRetryIntervalInMilliseconds": 100}, 1, 100),
        ({"firstRetryIntervalInMilliseconds": 100, "backoffCoefficient": 2}, 3, 400),
        (
            {
                "firstRetryIntervalInMilliseconds": 100,
                "backoffCoefficient": 10,
                "maxRetryIntervalInMilliseconds": 1500,
            },
            3,
            1500,
        ),
    ],
)
def test_retry_delays(options: dict[str, Any], attempt: int, millis: int) -> None:
    assert retry_delay(options, attempt) == timedelta(milliseconds=millis)
