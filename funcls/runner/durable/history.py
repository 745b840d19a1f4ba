"""History events as the Durable Task extension sends them to the Python SDK.

Field names and event type numbers are those the SDK reads
(`azure/durable_functions/models/history/HistoryEvent.py` and `HistoryEventType.py` in
Azure/azure-functions-durable-python): `EventType`, `EventId`, `IsPlayed`, `Timestamp`, and per
type `Name`, `Input`, `Result`, `TaskScheduledId`, `TimerId`, `FireAt`, `Reason`, `Details`,
`InstanceId`, `Version`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from enum import IntEnum
from typing import Any

Event = dict[str, Any]


class EventType(IntEnum):
    EXECUTION_STARTED = 0
    EXECUTION_COMPLETED = 1
    EXECUTION_FAILED = 2
    EXECUTION_TERMINATED = 3
    TASK_SCHEDULED = 4
    TASK_COMPLETED = 5
    TASK_FAILED = 6
    SUB_ORCHESTRATION_INSTANCE_CREATED = 7
    SUB_ORCHESTRATION_INSTANCE_COMPLETED = 8
    SUB_ORCHESTRATION_INSTANCE_FAILED = 9
    TIMER_CREATED = 10
    TIMER_FIRED = 11
    ORCHESTRATOR_STARTED = 12
    ORCHESTRATOR_COMPLETED = 13
    EVENT_SENT = 14
    EVENT_RAISED = 15
    CONTINUE_AS_NEW = 16
    GENERIC_EVENT = 17
    HISTORY_STATE = 18
    EXECUTION_SUSPENDED = 19
    EXECUTION_RESUMED = 20


# The events that resolve a task the orchestrator waits on, and the field naming the task.
COMPLETIONS = {
    EventType.TASK_COMPLETED: "TaskScheduledId",
    EventType.TASK_FAILED: "TaskScheduledId",
    EventType.SUB_ORCHESTRATION_INSTANCE_COMPLETED: "TaskScheduledId",
    EventType.SUB_ORCHESTRATION_INSTANCE_FAILED: "TaskScheduledId",
    EventType.TIMER_FIRED: "TimerId",
}
SCHEDULING = frozenset(
    {
        EventType.TASK_SCHEDULED,
        EventType.TIMER_CREATED,
        EventType.SUB_ORCHESTRATION_INSTANCE_CREATED,
        EventType.EVENT_SENT,
    }
)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def timestamp(moment: datetime | None = None) -> str:
    """The SDK's DATETIME_STRING_FORMAT (`%Y-%m-%dT%H:%M:%S.%fZ`), always UTC."""
    moment = (moment or utc_now()).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def event(
    kind: EventType, event_id: int = -1, moment: datetime | None = None, **fields: Any
) -> Event:
    return {
        "EventType": int(kind),
        "EventId": event_id,
        "IsPlayed": False,
        "Timestamp": timestamp(moment),
        **fields,
    }


def completion_key(item: Event) -> int | None:
    """The task id a completion event resolves, or None for other events."""
    field = COMPLETIONS.get(EventType(item["EventType"]))
    if field is None:
        return None
    value = item.get(field)
    return int(value) if isinstance(value, int) else None


def execution_of(events: list[Event]) -> str:
    """The execution id of the ExecutionStarted among these events ("" when none). Messages
    for an earlier execution (before a continue_as_new) carry its id and are dropped."""
    for item in events:
        if item.get("EventType") == EventType.EXECUTION_STARTED:
            instance = item.get("OrchestrationInstance") or {}
            return str(instance.get("ExecutionId") or "")
    return ""


def type_name(item: Event) -> str:
    """`TaskScheduled`, `TimerFired`, … as the extension's status API names event types."""
    words = EventType(item["EventType"]).name.split("_")
    return "".join(w.capitalize() for w in words)
