"""Durable Functions: orchestrations, activities, entities and the client binding.

The bindings come from the Durable Task extension (in the extension bundle); Python code also
needs the `azure-functions-durable` package, which wraps the user's functions (see common.py,
rule 7, for what that means for annotations).
"""

from __future__ import annotations

from funcls.model.catalogue.common import (
    ANY,
    BYTES,
    DATA_TYPE,
    DF_CLIENT,
    DF_ENTITY_CONTEXT,
    DF_ORCHESTRATION_CONTEXT,
    ENTITY_CONTEXT,
    GENERIC_INPUT_TYPES,
    ORCHESTRATION_CONTEXT,
    STR,
    connection,
    prop,
)
from funcls.model.catalogue.types import BindingSpec, PropertySpec

_DOCS = "https://learn.microsoft.com/azure/azure-functions/durable/durable-functions-bindings"
_PACKAGE = "azure-functions-durable"

_CLIENT_PROPS: tuple[PropertySpec, ...] = (
    prop(
        "taskHub",
        "string",
        "Task hub to talk to; the app's own (host.json `extensions.durableTask.hubName`) when "
        "left out.",
        "Set it only to manage orchestrations of another app that shares the storage account.",
    ),
    connection(
        "the task hub's storage",
        required=False,
        name="connectionName",
        extra="Leave it out to use the storage provider's connection from host.json "
        "(`AzureWebJobsStorage` by default).",
    ),
    DATA_TYPE,
)

BINDINGS: tuple[BindingSpec, ...] = (
    BindingSpec(
        type="orchestrationTrigger",
        family="durable",
        title="Durable orchestration trigger",
        trigger=True,
        directions=("in",),
        summary="Makes the function a durable orchestrator: a replayable generator that "
        "schedules activities.",
        description=(
            "The orchestrator is replayed from its history after every step, so it must be "
            "deterministic: no I/O, clocks or random numbers outside `context` APIs. In v1 the "
            "module exports `main = df.Orchestrator.create(fn)`; in v2 `df.DFApp` wraps the "
            "function. Write `context: df.DurableOrchestrationContext` in your function; the "
            "worker only sees the wrapper. The return value is the orchestration's output."
        ),
        properties=(
            prop(
                "orchestration",
                "string",
                "Name the orchestration is started by; the function's name when left out.",
            ),
            DATA_TYPE,
        ),
        input_types=(ORCHESTRATION_CONTEXT, DF_ORCHESTRATION_CONTEXT),
        output_types=(ANY,),
        runner="native",  # the embedded durable engine (funcls/runner/durable/)
        docs=_DOCS + "#orchestration-trigger",
        extension_package=_PACKAGE,
    ),
    BindingSpec(
        type="activityTrigger",
        family="durable",
        title="Durable activity trigger",
        trigger=True,
        directions=("in",),
        summary="Makes the function a durable activity, the unit of work an orchestrator calls.",
        description=(
            "The parameter receives the input the orchestrator passed to `call_activity`, "
            "decoded from JSON; the return value goes back to the orchestrator and must be "
            "JSON-serializable. Activities may do I/O and are retried per the orchestrator's "
            "retry options."
        ),
        properties=(
            prop(
                "activity",
                "string",
                "Name the orchestrator calls the activity by; the function's name when left out.",
            ),
            DATA_TYPE,
        ),
        input_types=(ANY,),
        output_types=(ANY,),
        runner="native",
        docs=_DOCS + "#activity-trigger",
        extension_package=_PACKAGE,
    ),
    BindingSpec(
        type="entityTrigger",
        family="durable",
        title="Durable entity trigger",
        trigger=True,
        directions=("in",),
        summary="Makes the function a durable entity: a small piece of state with operations.",
        description=(
            "Each call runs one operation against the entity's state through "
            "`df.DurableEntityContext` (`get_state`, `set_state`, `operation_name`, "
            "`get_input`). In v1 the module exports `main = df.Entity.create(fn)`; in v2 "
            "`df.DFApp` wraps the function."
        ),
        properties=(
            prop(
                "entityName",
                "string",
                "Name of the entity class; the function's name when left out.",
            ),
            DATA_TYPE,
        ),
        input_types=(ENTITY_CONTEXT, DF_ENTITY_CONTEXT),
        output_types=(ANY,),
        runner="native",
        not_by_hand="a durable entity runs when an orchestration or a client calls or signals "
        "it (call_entity, signal_entity); run an orchestration or an HTTP starter that does",
        docs=_DOCS + "#entity-trigger",
        extension_package=_PACKAGE,
    ),
    BindingSpec(
        type="durableClient",
        family="durable",
        title="Durable client input",
        trigger=False,
        directions=("in",),
        summary="Gives the function a client to start, query, signal and terminate "
        "orchestrations and entities.",
        description=(
            "In v1 annotate the parameter as `str` and build the client with "
            "`df.DurableOrchestrationClient(starter)`; in v2 `@app.durable_client_input` hands "
            "you the client object directly (the library rewrites the annotation the worker "
            "sees to `str`). Usually paired with an HTTP trigger that starts an orchestration "
            "and returns `client.create_check_status_response(...)`."
        ),
        properties=_CLIENT_PROPS,
        input_types=(STR, BYTES, DF_CLIENT),
        runner="native",  # the embedded engine's client binding
        docs=_DOCS + "#orchestration-client",
        extension_package=_PACKAGE,
    ),
    BindingSpec(
        type="orchestrationClient",
        family="durable",
        title="Durable client input (Durable Functions 1.x name)",
        trigger=False,
        directions=("in",),
        summary="Durable Functions 1.x name of the `durableClient` binding.",
        description=(
            "Durable Functions 2.x and later, which every extension bundle carries, document "
            "the binding as `durableClient`; update function.json files that still say "
            "`orchestrationClient`. The properties are the same."
        ),
        properties=_CLIENT_PROPS,
        input_types=GENERIC_INPUT_TYPES,
        runner="native",  # the embedded engine's client binding
        docs=_DOCS + "#orchestration-client",
        extension_package=_PACKAGE,
    ),
)
