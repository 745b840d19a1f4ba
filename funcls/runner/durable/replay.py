"""What one orchestrator episode asks for, matched against the instance's history.

The SDK answers every episode with *all* the actions of the execution so far (replay schema
V1: one list per `yield`), not only the new ones. As the extension's out-of-process shim replays
them into the Durable Task Framework, each action that creates a task takes the next sequence
number (activities, timers, sub-orchestrations, entity messages; waiting for an external event
takes none), and an action whose number is already in the history is the same task replayed.
Actions with numbers not in the history are new: they become scheduling events and work for the
engine. An action that differs from the history at the same number, or a scheduled task the
replay no longer produces, is the Durable Task Framework's non-determinism error (wording of
`TaskOrchestrationContext.HandleTaskScheduledEvent` in DurableTask.Core).

Retries (`call_activity_with_retry`, `call_sub_orchestrator_with_retry`) follow DurableTask.Core's
RetryInterceptor, which the SDK mirrors (`RetryAbleTask` in models/Task.py): attempt n takes a
number, a failure then takes one for a timer of `firstRetryInterval × backoff^(n-1)` (capped at
`maxRetryInterval`), and when that timer fires the next attempt is scheduled, until
`maxNumberOfAttempts`; after the last failed attempt one more timer runs, then the failure
reaches the orchestrator.
"""

from __future__ import annotations

import json
from dataclasses import field
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Any

from funcls.model.fastclass import dataclass
from funcls.runner.durable.history import (
    SCHEDULING,
    Event,
    EventType,
    completion_key,
    event,
    execution_of,
    timestamp,
)

NONDETERMINISM = "Non-Deterministic workflow detected: "
CHANGED = (
    "Was a change made to the orchestrator code after this instance had already started running?"
)
HTTP_ACTIVITY = "BuiltIn::HttpActivity"


class ActionType(IntEnum):
    """`azure/durable_functions/models/actions/ActionType.py`."""

    CALL_ACTIVITY = 0
    CALL_ACTIVITY_WITH_RETRY = 1
    CALL_SUB_ORCHESTRATOR = 2
    CALL_SUB_ORCHESTRATOR_WITH_RETRY = 3
    CONTINUE_AS_NEW = 4
    CREATE_TIMER = 5
    WAIT_FOR_EXTERNAL_EVENT = 6
    CALL_ENTITY = 7
    CALL_HTTP = 8
    SIGNAL_ENTITY = 9
    WHEN_ANY = 11
    WHEN_ALL = 12


# DurableTask.Core's names for the actions, used in its non-determinism messages.
DTFX_ACTION = {
    EventType.TASK_SCHEDULED: "ScheduleTaskOrchestratorAction",
    EventType.TIMER_CREATED: "CreateTimerOrchestratorAction",
    EventType.SUB_ORCHESTRATION_INSTANCE_CREATED: "CreateSubOrchestrationAction",
    EventType.EVENT_SENT: "SendEventOrchestratorAction",
}
TASK_WORDS = {
    EventType.TASK_SCHEDULED: "an activity task",
    EventType.TIMER_CREATED: "a timer task",
    EventType.SUB_ORCHESTRATION_INSTANCE_CREATED: "a sub-orchestration task",
    EventType.EVENT_SENT: "an event",
}


class NonDeterminismError(Exception):
    """The replay produced other tasks than the history holds."""


@dataclass
class Work:
    """Something the engine starts after the episode is saved."""

    kind: str  # "activity", "timer", "orchestration", "entity"
    task_id: int
    name: str = ""
    input: str | None = None  # JSON text
    fire_at: datetime | None = None
    instance_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    events: list[Event] = field(default_factory=list)
    work: list[Work] = field(default_factory=list)
    done: bool = False
    output: Any = None
    error: str | None = None
    continue_as_new: str | None = None  # the next execution's input (JSON text)
    custom_status: Any = None


def flatten(actions: Any) -> list[dict[str, Any]]:
    """The atomic actions in the order the SDK produced them (V1 nests one list per yield;
    V2/V3 compound actions carry theirs in `compoundActions`)."""
    flat: list[dict[str, Any]] = []
    if isinstance(actions, list):
        for item in actions:
            flat.extend(flatten(item))
    elif isinstance(actions, dict):
        kind = actions.get("actionType")
        if kind in (ActionType.WHEN_ALL, ActionType.WHEN_ANY):
            flat.extend(flatten(actions.get("compoundActions") or []))
        else:
            flat.append(actions)
    return flat


def retry_delay(options: dict[str, Any], attempt: int) -> timedelta:
    """DurableTask.Core RetryInterceptor.ComputeNextDelay for attempt 1, 2, …"""
    first = float(options.get("firstRetryIntervalInMilliseconds") or 0)
    coefficient = float(options.get("backoffCoefficient") or 1)
    delay = first * coefficient ** (attempt - 1)
    cap = float(options.get("maxRetryIntervalInMilliseconds") or 0)
    if cap > 0:
        delay = min(delay, cap)
    return timedelta(milliseconds=delay)


class _Matcher:
    def __init__(self, history: list[Event], instance_id: str, now: datetime) -> None:
        self.instance_id = instance_id
        self.now = now
        self.scheduled: dict[int, Event] = {
            int(e["EventId"]): e for e in history if EventType(e["EventType"]) in SCHEDULING
        }
        self.resolved: dict[int, Event] = {}
        for item in history:
            key = completion_key(item)
            if key is not None:
                self.resolved[key] = item
        self.matched: set[int] = set()
        self.counter = 0
        self.plan = Plan()

    def next_id(self) -> int:
        value = self.counter
        self.counter += 1
        return value

    def task(self, kind: EventType, name: str, fields: dict[str, Any], work: Work) -> int:
        """Match a task-creating action with the history, or schedule it."""
        task_id = work.task_id
        existing = self.scheduled.get(task_id)
        self.matched.add(task_id)
        if existing is None:
            created = event(kind, task_id, self.now, **fields)
            self.scheduled[task_id] = created
            self.plan.events.append(created)
            self.plan.work.append(work)
            return task_id
        old_kind = EventType(existing["EventType"])
        old_name = str(existing.get("Name") or "")
        if old_kind != kind:
            named = f" named '{old_name}'" if old_kind != EventType.TIMER_CREATED else ""
            raise NonDeterminismError(
                f"{NONDETERMINISM}A previous execution of this orchestration scheduled "
                f"{TASK_WORDS[old_kind]} with sequence number {task_id}{named}, but the current "
                f"orchestration replay instead produced a {DTFX_ACTION[kind]} action with this "
                f"sequence number. {CHANGED}"
            )
        if kind != EventType.TIMER_CREATED and old_name.lower() != name.lower():
            what = TASK_WORDS[kind]
            raise NonDeterminismError(
                f"{NONDETERMINISM}A previous execution of this orchestration scheduled {what} "
                f"with sequence number {task_id} named '{old_name}', but the current "
                f"orchestration replay instead scheduled {what} named '{name}' with this "
                f"sequence number.  {CHANGED}"
            )
        return task_id

    def activity(self, name: str, input_text: str | None) -> int:
        task_id = self.next_id()
        return self.task(
            EventType.TASK_SCHEDULED,
            name,
            {"Name": name, "Version": "", "Input": input_text},
            Work("activity", task_id, name=name, input=input_text),
        )

    def timer(self, fire_at: datetime) -> int:
        task_id = self.next_id()
        return self.task(
            EventType.TIMER_CREATED,
            "",
            {"FireAt": timestamp(fire_at)},
            Work("timer", task_id, fire_at=fire_at),
        )

    def orchestration(self, name: str, instance_id: str | None, input_text: str | None) -> int:
        task_id = self.next_id()
        child = instance_id or f"{self.instance_id}:{task_id}"
        return self.task(
            EventType.SUB_ORCHESTRATION_INSTANCE_CREATED,
            name,
            {"Name": name, "Version": "", "InstanceId": child, "Input": input_text},
            Work("orchestration", task_id, name=name, input=input_text, instance_id=child),
        )

    def failed(self, task_id: int) -> bool | None:
        """True/False when the task failed/succeeded, None while it runs."""
        done = self.resolved.get(task_id)
        if done is None:
            return None
        return EventType(done["EventType"]) in (
            EventType.TASK_FAILED,
            EventType.SUB_ORCHESTRATION_INSTANCE_FAILED,
        )

    def with_retry(self, action: dict[str, Any], start: Any) -> None:
        options = action.get("retryOptions") or {}
        attempts = max(1, int(options.get("maxNumberOfAttempts") or 1))
        attempt = 1
        task_id = start()
        while True:
            outcome = self.failed(task_id)
            if outcome is None or outcome is False:
                return
            timer_id = self.counter
            if timer_id not in self.scheduled:
                self.timer(self.now + retry_delay(options, attempt))
                return
            self.timer(self.now)  # replayed: the history holds its FireAt
            if timer_id not in self.resolved or attempt >= attempts:
                return
            attempt += 1
            task_id = start()

    def unmatched(self) -> None:
        for task_id in sorted(set(self.scheduled) - self.matched):
            existing = self.scheduled[task_id]
            kind = EventType(existing["EventType"])
            name = str(existing.get("Name") or "")
            if kind == EventType.TASK_SCHEDULED:
                detail = (
                    f"A previous execution of this orchestration scheduled an activity task "
                    f"with sequence ID {task_id} and name '{name}' (version ''), but the current "
                    f"replay execution hasn't (yet?) scheduled this task. {CHANGED}"
                )
            else:
                detail = (
                    f"A previous execution of this orchestration scheduled {TASK_WORDS[kind]} "
                    f"with sequence ID {task_id}"
                    + (f" named '{name}'" if name else "")
                    + ", but the current replay execution hasn't (yet?) scheduled this task. "
                    + CHANGED
                )
            raise NonDeterminismError(NONDETERMINISM + detail)


def plan_episode(
    history: list[Event], state: dict[str, Any], instance_id: str, now: datetime
) -> Plan:
    """Match the SDK's orchestrator state with the history. Raises NonDeterminismError."""
    matcher = _Matcher(history, instance_id, now)
    plan = matcher.plan
    execution = execution_of(history)
    plan.custom_status = state.get("customStatus")
    for action in flatten(state.get("actions") or []):
        kind = action.get("actionType")
        if kind == ActionType.CALL_ACTIVITY:
            matcher.activity(str(action.get("functionName")), action.get("input"))
        elif kind == ActionType.CALL_ACTIVITY_WITH_RETRY:
            name = str(action.get("functionName"))
            matcher.with_retry(action, lambda n=name, a=action: matcher.activity(n, a.get("input")))
        elif kind == ActionType.CALL_SUB_ORCHESTRATOR:
            matcher.orchestration(
                str(action.get("functionName")), action.get("instanceId"), action.get("input")
            )
        elif kind == ActionType.CALL_SUB_ORCHESTRATOR_WITH_RETRY:
            name = str(action.get("functionName"))
            # Each attempt is a new instance: a fixed id would collide with the failed one.
            matcher.with_retry(
                action, lambda n=name, a=action: matcher.orchestration(n, None, a.get("input"))
            )
        elif kind == ActionType.CREATE_TIMER:
            fire_at = datetime.fromisoformat(str(action.get("fireAt")).replace("Z", "+00:00"))
            matcher.timer(fire_at)
        elif kind == ActionType.CALL_HTTP:
            request = action.get("httpRequest") or {}
            matcher.activity(HTTP_ACTIVITY, json.dumps(request))
        elif kind in (ActionType.CALL_ENTITY, ActionType.SIGNAL_ENTITY):
            # An operation message to the entity (`@name@key`). The SDK keys a call's task
            # by the request id in the EventSent's Input; the entity's response comes back
            # as an EventRaised named with that id (TaskOrchestrationExecutor.process_event).
            task_id = matcher.next_id()
            target = str(action.get("instanceId"))
            request = {
                "id": f"{instance_id}#{execution}#{task_id}",
                "op": str(action.get("operation") or ""),
                "signal": kind == ActionType.SIGNAL_ENTITY,
                "input": action.get("input"),
            }
            entity_work = Work("entity", task_id, name=request["op"], instance_id=target)
            entity_work.extra = request
            matcher.task(
                EventType.EVENT_SENT,
                "op",
                {"Name": "op", "InstanceId": target, "Input": json.dumps(request)},
                entity_work,
            )
        elif kind == ActionType.CONTINUE_AS_NEW:
            plan.continue_as_new = action.get("input")
        # WAIT_FOR_EXTERNAL_EVENT takes no sequence number: its task is keyed by name.
    plan.error = state.get("error") or None
    if plan.error is None:
        matcher.unmatched()
    plan.done = bool(state.get("isDone")) and plan.continue_as_new is None
    plan.output = state.get("output")
    return plan
