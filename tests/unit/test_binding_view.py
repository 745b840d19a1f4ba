"""The typed binding view (funcls/model/bindingview.py) and what the runner decides with it:
its sets of runnable and by-hand triggers come from the catalogue, and binding types written
in any case (the host compares them ignoring case) lead to the same decisions."""

from __future__ import annotations

from typing import Any

import pytest

from funcls.model.bindingview import BindingView, FunctionBindings, is_trigger_kind
from funcls.model.catalogue import CATALOGUE
from funcls.model.catalogue.types import BindingSpec
from funcls.model.runnable import (
    DURABLE_CLIENT_INPUTS,
    DURABLE_TRIGGERS,
    NATIVE_TRIGGERS,
    NOT_BY_HAND,
    READ_INPUTS,
    RETRY_TRIGGERS,
    not_runnable_by_hand_reason,
)
from funcls.runner.functions import build_function
from funcls.runner.runner import storage_connections

SPECS = sorted(CATALOGUE.bindings.values(), key=lambda s: s.type)
TRIGGERS = [s for s in SPECS if s.trigger]
INPUTS = [s for s in SPECS if not s.trigger and "in" in s.directions]


def run_function(*bindings: dict[str, Any]) -> Any:
    return build_function({"name": "f", "bindings": list(bindings)}, "api", {})


def test_a_view_normalises_the_type_once_and_reads_properties_ignoring_case() -> None:
    raw = {"Type": "QueueTrigger", "DIRECTION": "In", "Name": "msg", "QueueName": "jobs"}
    view = BindingView.of(raw)
    assert (view.type, view.kind, view.direction, view.name) == (
        "QueueTrigger",
        "queuetrigger",
        "in",
        "msg",
    )
    assert view.is_trigger and not view.is_input and not view.is_output
    assert view.get("queueName") == "jobs" and view["queuename"] == "jobs"
    assert view.get("connection", "none") == "none"
    with pytest.raises(KeyError):
        view["connection"]
    assert view.spec is CATALOGUE.binding("queueTrigger")
    assert view.to_json() == raw  # what crosses the wire is the object as written


def test_a_function_s_bindings() -> None:
    bindings = FunctionBindings.of(
        [
            {"type": "HttpTrigger", "direction": "in", "name": "req"},
            {"type": "blob", "direction": "in", "name": "doc", "path": "c/{id}"},
            {"type": "Queue", "direction": "OUT", "name": "out"},
            {"type": "http", "direction": "out", "name": "$return"},
            "not an object",  # type: ignore[list-item]
        ]
    )
    assert bindings.trigger is not None and bindings.trigger.name == "req"
    assert [b.name for b in bindings.inputs()] == ["doc"]
    assert [b.name for b in bindings.outputs()] == ["out", "$return"]
    assert sorted(bindings.by_name()) == ["$return", "doc", "out", "req"]
    assert [b.name for b in bindings.of_kind("queue", "BLOB")] == ["doc", "out"]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.type)
def test_the_trigger_test_agrees_with_the_catalogue(spec: BindingSpec) -> None:
    # The app process decides "is a trigger" without loading the catalogue.
    assert is_trigger_kind(spec.type) == spec.trigger
    assert is_trigger_kind(spec.type.upper()) == spec.trigger


@pytest.mark.parametrize("spec", TRIGGERS, ids=lambda s: s.type)
@pytest.mark.parametrize("spell", [str, str.lower, str.upper], ids=["as-is", "lower", "upper"])
def test_the_runner_runs_each_trigger_as_the_catalogue_says(spec: BindingSpec, spell: Any) -> None:
    fn = run_function({"type": spell(spec.type), "direction": "in", "name": "t"})
    if spec.runner == "none":
        assert fn.support == "none" and fn.reason
    elif spec.type == "httpTrigger":
        assert fn.support == "native" and fn.is_http and fn.route is not None
    else:
        assert fn.support == spec.runner, fn.reason
    assert fn.is_durable == (spec.family == "durable" and spec.runner == "native")
    assert fn.title() == spec.title
    # The Run lens and `funcls invoke` ask the same question of the same fact.
    assert (not_runnable_by_hand_reason(spell(spec.type)) or "") == spec.not_by_hand


def test_the_runner_s_sets_are_the_catalogue_s() -> None:
    # What the runner's code serves (triggers/manager.py starts timer, queue and blob
    # triggers, host/ serves HTTP; invocation.py reads blob and table inputs and gives the
    # durable engine's client binding): the catalogue must say exactly that, no more.
    assert {"httptrigger", "timertrigger", "queuetrigger", "blobtrigger"} == NATIVE_TRIGGERS
    assert {"orchestrationtrigger", "activitytrigger", "entitytrigger"} == DURABLE_TRIGGERS
    assert {"blob", "table"} == READ_INPUTS
    assert {"durableclient", "orchestrationclient"} == DURABLE_CLIENT_INPUTS
    assert set(NOT_BY_HAND) == {"entitytrigger"}
    native = {s.type.lower() for s in SPECS if s.runner == "native"}
    assert native == NATIVE_TRIGGERS | DURABLE_TRIGGERS | READ_INPUTS | DURABLE_CLIENT_INPUTS | {
        "http",  # the HTTP output: the response
        "queue",  # outputs the runner writes (invocation.py::_output)
    }


@pytest.mark.parametrize("spec", TRIGGERS, ids=lambda s: s.type)
def test_the_runner_retries_the_triggers_the_catalogue_says(spec: BindingSpec) -> None:
    # The host applies a retry policy to Timer, Event Hubs, Cosmos DB and Kafka triggers only
    # (BindingSpec.host_retries); the runner reads the policy of those and ignores the others'.
    assert {"timertrigger", "eventhubtrigger", "cosmosdbtrigger", "kafkatrigger"} == (
        RETRY_TRIGGERS
    )
    policy = {"strategy": "fixedDelay", "maxRetryCount": 2, "delayInterval": "00:00:01"}
    fn = build_function(
        {
            "name": "f",
            "bindings": [{"type": spec.type.upper(), "direction": "in", "name": "t"}],
            "retry": policy,
        },
        "api",
        {},
    )
    retried = fn.support != "none" and spec.host_retries
    assert (fn.retry is not None) == retried, (spec.type, fn.reason)
    if retried:
        assert fn.retry.max_retry_count == 2 and fn.retry.delay == 1.0


@pytest.mark.parametrize("spec", INPUTS, ids=lambda s: s.type)
def test_inputs_the_runner_does_not_read_are_the_catalogue_s(spec: BindingSpec) -> None:
    fn = run_function(
        {"type": "queueTrigger", "direction": "in", "name": "t"},
        {"type": spec.type.upper(), "direction": "IN", "name": "x"},
    )
    [view] = fn.inputs()
    served = view.kind in READ_INPUTS | DURABLE_CLIENT_INPUTS
    assert served == (spec.runner == "native")


def test_mixed_case_types_reach_the_same_runner_behaviour() -> None:
    written = [
        {"type": "httpTrigger", "direction": "in", "name": "req", "route": "items/{id}"},
        {"type": "blob", "direction": "in", "name": "doc", "path": "c/{id}", "connection": "B"},
        {"type": "queue", "direction": "out", "name": "msg", "queueName": "q", "connection": "Q"},
    ]
    shouted = [
        {"Type": "HTTPTRIGGER", "Direction": "In", "Name": "req", "Route": "items/{id}"},
        {"type": "Blob", "direction": "IN", "name": "doc", "Path": "c/{id}", "Connection": "B"},
        {"type": "QUEUE", "direction": "Out", "name": "msg", "QueueName": "q", "connection": "Q"},
    ]
    a, b = run_function(*written), run_function(*shouted)
    for fn in (a, b):
        assert fn.support == "native" and fn.is_http and fn.trigger_kind == "httptrigger"
        assert fn.route is not None and fn.route.parameter_names == ("id",)
        assert [(v.kind, v.name) for v in fn.inputs()] == [("blob", "doc")]
        assert [(v.kind, v.name) for v in fn.outputs()] == [("queue", "msg")]
        assert fn.uses_binding_data
    assert storage_connections([a]) == storage_connections([b]) == ["B", "Q"]


def test_no_runner_code_normalises_a_trigger_type_itself() -> None:
    # Binding types are compared as the host does in one place: BindingView.kind (read as
    # RunFunction.trigger_kind). A `.trigger_type.lower()` or `.type.lower()` elsewhere is a
    # second copy of that rule.
    import ast
    from pathlib import Path

    import funcls

    found = []
    for path in sorted((Path(funcls.__file__).parent / "runner").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("lower", "casefold")
                and isinstance(node.func.value, ast.Attribute)
                and node.func.value.attr == "trigger_type"
            ):
                found.append(f"{path.name}:{node.lineno}")
    assert found == []
