"""Which functions the local runner can run, and why not when it cannot: one answer for the
runner (`funcls run`, `funcls invoke`) and the editor's Run lens, read from the catalogue's
`BindingSpec.runner` and `BindingSpec.not_by_hand` (funcls/model/catalogue/)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from funcls.model.bindingview import binding_kind
from funcls.model.catalogue import CATALOGUE

_SPECS = tuple(CATALOGUE.bindings.values())

# Triggers the runner fires itself: HTTP requests, timers, queue messages, blobs.
NATIVE_TRIGGERS = frozenset(
    binding_kind(s.type)
    for s in _SPECS
    if s.trigger and s.runner == "native" and s.family != "durable"
)
# Run by the runner's embedded durable engine (funcls/runner/durable/).
DURABLE_TRIGGERS = frozenset(
    binding_kind(s.type)
    for s in _SPECS
    if s.trigger and s.runner == "native" and s.family == "durable"
)
# Inputs the runner fetches (blob, table) ...
READ_INPUTS = frozenset(
    binding_kind(s.type)
    for s in _SPECS
    if not s.trigger and "in" in s.directions and s.runner == "native" and s.family != "durable"
)
# ... and those the durable engine gives (its client binding's JSON: durableClient,
# orchestrationClient). Other inputs reach the function as None.
DURABLE_CLIENT_INPUTS = frozenset(
    binding_kind(s.type)
    for s in _SPECS
    if not s.trigger and "in" in s.directions and s.runner == "native" and s.family == "durable"
)
# Triggers whose failed invocations the host runs again under the function's retry policy
# (funcls/runner/retry.py); the others ignore the policy.
RETRY_TRIGGERS = frozenset(binding_kind(s.type) for s in _SPECS if s.trigger and s.host_retries)
NOT_RUNNABLE: dict[str, str] = {
    binding_kind(s.type): f"funcls cannot run a function with a {s.title.lower()} ('{s.type}')"
    for s in _SPECS
    if s.trigger and s.runner == "none"
}
NOT_RUNNABLE_INPUTS: dict[str, str] = {
    binding_kind(s.type): f"funcls cannot give a function its {s.title.lower()} ('{s.type}')"
    for s in _SPECS
    if not s.trigger and "in" in s.directions and s.runner == "none"
}
# Run by the runner, but never by hand (the Run lens explains instead of offering ▶ Run).
NOT_BY_HAND: dict[str, str] = {
    binding_kind(s.type): s.not_by_hand for s in _SPECS if s.trigger and s.not_by_hand
}


def not_runnable_reason(trigger_type: str | None, input_types: Iterable[str]) -> str | None:
    """Why the runner cannot run a function with this trigger and these input bindings, or
    None when it can (natively, or by hand). Types are compared ignoring case, as the host
    does."""
    if not trigger_type:
        return "it has no trigger binding"
    why = NOT_RUNNABLE.get(binding_kind(trigger_type))
    if why:
        return why
    for kind in input_types:
        why = NOT_RUNNABLE_INPUTS.get(binding_kind(kind))
        if why:
            return why
    return None


def host_json_exclusion(listed: Sequence[str] | None, name: str) -> str | None:
    """Why the host does not load the function ``name`` when host.json's "functions" lists
    ``listed``, or None when it loads it: with a list, the host loads only the functions it
    names, compared ignoring case, and an empty list is no list (azure-functions-host
    FunctionMetadataManager.cs, ApplyAllowList over ScriptJobHostOptions.Functions, which
    configuration binding leaves null for []). One answer for the checker (AZF316), the
    index, the runner and the editor's Run lens and Functions view."""
    if not listed:
        return None
    low = name.lower()
    if any(n.lower() == low for n in listed):
        return None
    shown = ", ".join(listed[:5]) + (", …" if len(listed) > 5 else "")
    return (
        f'host.json\'s "functions" list leaves it out, so the host does not load it (it loads '
        f"only {shown}); add '{name}' to that list, or remove the list, to run it"
    )


def not_runnable_by_hand_reason(trigger_type: str | None) -> str | None:
    """Why a function the runner runs cannot be run by hand (Run lens, `funcls invoke`)."""
    return NOT_BY_HAND.get(binding_kind(trigger_type))


def runner_support(trigger_type: str | None) -> str:
    """How the runner runs a function with this trigger: "native" (it fires the trigger, or
    the durable engine does), "invoke" (by hand only) or "none"."""
    kind = binding_kind(trigger_type)
    if not kind or kind in NOT_RUNNABLE:
        return "none"
    return "native" if kind in NATIVE_TRIGGERS | DURABLE_TRIGGERS else "invoke"
