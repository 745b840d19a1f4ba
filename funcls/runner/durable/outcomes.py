"""What the app process answered for a durable invocation, read as the extension reads it:
the SDK's orchestrator state (also from an exception's `$OutOfProcData$`), an entity batch's
state, and the failure events and messages the engine writes."""

from __future__ import annotations

import json
from typing import Any

from funcls.runner.durable.history import Event, EventType, event
from funcls.runner.invocation import Outcome

OUT_OF_PROC_DATA = "\n\n$OutOfProcData$:"  # TaskOrchestrationExecutor.get_orchestrator_state_str


def entity_answer(outcome: Outcome) -> dict[str, Any] | str:
    """The SDK's EntityState of a batch, or why there is none."""
    if not outcome.ok:
        error = outcome.error or {}
        return f"{error.get('type')}: {error.get('message')}"
    returned = outcome.returned
    text = returned[1] if returned is not None else None
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    try:
        answer = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        return (
            f"the entity function returned {text!r}, not an entity state; wrap it with "
            "df.Entity.create (v1: main = df.Entity.create(entity_function)) or use df.DFApp"
        )
    return answer


def app_not_loaded(outcome: Outcome) -> bool:
    """The invocation did not run because the app failed to load (a save broke it)."""
    return not outcome.ok and (outcome.error or {}).get("type") == "AppNotLoaded"


def failed(task_id: int, reason: str, details: str | None) -> Event:
    return event(EventType.TASK_FAILED, TaskScheduledId=task_id, Reason=reason, Details=details)


def missing_function(name: str, kind: str) -> str:
    """The extension's wording for a function that is not there (FunctionFailedException)."""
    return (
        f"The function '{name}' doesn't exist, is disabled, or is not an {kind} function. "
        f"Additional info: check the name given to the durable API and that the app loaded it"
    )


def orchestrator_state(outcome: Outcome) -> tuple[dict[str, Any] | None, str]:
    """The SDK's OrchestratorState of an episode, also when the orchestrator raised: then the
    error message carries it after `$OutOfProcData$:`, which the extension reads."""
    if outcome.ok:
        returned = outcome.returned
        text = returned[1] if returned is not None else None
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        try:
            state = json.loads(text) if isinstance(text, str) else None
        except ValueError:
            state = None
        if isinstance(state, dict):
            return state, ""
        return None, (
            f"it returned {text!r}, not the orchestration state of the durable SDK; wrap the "
            "generator function with df.Orchestrator.create (v1: "
            "main = df.Orchestrator.create(orchestrator_function)) or use df.DFApp"
        )
    error = outcome.error or {}
    message = str(error.get("message") or "")
    if OUT_OF_PROC_DATA in message:
        _, _, data = message.partition(OUT_OF_PROC_DATA)
        try:
            state = json.loads(data)
        except ValueError:
            state = None
        if isinstance(state, dict):
            return state, ""
    return None, f"{error.get('type')}: {message}"
