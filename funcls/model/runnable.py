"""Which functions the local runner can run, and why not when it cannot: one answer for the
runner (`funcls run`, `funcls invoke`) and the editor's Run lens."""

from __future__ import annotations

from collections.abc import Iterable

NATIVE_TRIGGERS = frozenset({"httptrigger", "timertrigger", "queuetrigger", "blobtrigger"})
# Run by the runner's embedded durable engine (funcls/runner/durable/); durable client inputs
# (durableClient, orchestrationClient) are given the engine's client binding.
DURABLE_TRIGGERS = frozenset({"orchestrationtrigger", "activitytrigger", "entitytrigger"})
NOT_RUNNABLE: dict[str, str] = {}
NOT_RUNNABLE_INPUTS: dict[str, str] = {}
# Run by the runner, but never by hand (the Run lens explains instead of offering ▶ Run).
NOT_BY_HAND = {
    "entitytrigger": "a durable entity runs when an orchestration or a client calls or signals "
    "it (call_entity, signal_entity); run an orchestration or an HTTP starter that does",
}


def not_runnable_reason(trigger_type: str | None, input_types: Iterable[str]) -> str | None:
    """Why the runner cannot run a function with this trigger and these input bindings, or
    None when it can (natively, or by hand)."""
    if not trigger_type:
        return "it has no trigger binding"
    why = NOT_RUNNABLE.get(trigger_type.lower())
    if why:
        return why
    for kind in input_types:
        why = NOT_RUNNABLE_INPUTS.get(kind.lower())
        if why:
            return why
    return None


def not_runnable_by_hand_reason(trigger_type: str | None) -> str | None:
    """Why a function the runner runs cannot be run by hand (Run lens, `funcls invoke`)."""
    return NOT_BY_HAND.get((trigger_type or "").lower())
