"""Dapr extension bindings (three triggers, two inputs, four outputs over eight types).

They talk to the Dapr sidecar over HTTP, so they work where a sidecar runs next to the host:
Azure Container Apps, Kubernetes, or `dapr run` locally; not on the Consumption plan.
"""

from __future__ import annotations

from funcls.model.catalogue.common import (
    DATA_TYPE,
    GENERIC_INPUT_TYPES,
    GENERIC_OUTPUT_TYPES,
    prop,
)
from funcls.model.catalogue.types import BindingSpec, Direction, PropertySpec

_DOCS = "https://learn.microsoft.com/azure/azure-functions/functions-bindings-dapr-"
_SIDECAR = " The Dapr sidecar must run next to the host (`dapr run` locally)."

_ADDRESS = prop(
    "daprAddress",
    "string",
    "Address of the Dapr sidecar, e.g. `http://localhost:3500`.",
    "Leave it out to use the `DAPR_HTTP_PORT` setting (port 3500 by default).",
)
_PUBSUB = prop(
    "pubSubName",
    "string",
    "Name of the Dapr pub/sub component.",
    required=True,
)
_TOPIC = prop("topic", "string", "The topic to subscribe or publish to.", required=True)


def _spec(
    type_: str,
    title: str,
    directions: tuple[Direction, ...],
    summary: str,
    description: str,
    properties: tuple[PropertySpec, ...],
    page: str,
) -> BindingSpec:
    trigger = type_.endswith("Trigger")
    return BindingSpec(
        type=type_,
        family="dapr",
        title=title,
        trigger=trigger,
        directions=directions,
        summary=summary,
        description=description + _SIDECAR,
        properties=(*properties, DATA_TYPE),
        input_types=GENERIC_INPUT_TYPES if "in" in directions else (),
        output_types=GENERIC_OUTPUT_TYPES if "out" in directions else (),
        docs=_DOCS + page,
    )


BINDINGS: tuple[BindingSpec, ...] = (
    _spec(
        "daprServiceInvocationTrigger",
        "Dapr service invocation trigger",
        ("in",),
        "Runs the function when another Dapr app invokes a method on this one.",
        "The function receives the request body.",
        (
            prop(
                "methodName",
                "string",
                "Method name callers use; the function's name when left out.",
            ),
        ),
        "trigger-svc-invoke",
    ),
    _spec(
        "daprBindingTrigger",
        "Dapr input binding trigger",
        ("in",),
        "Runs the function for events from a Dapr input binding component (Kafka, cron, ...).",
        "The function receives the event payload.",
        (
            prop(
                "bindingName",
                "string",
                "Name of the Dapr binding component; the function's name when left out.",
            ),
        ),
        "trigger",
    ),
    _spec(
        "daprTopicTrigger",
        "Dapr topic trigger",
        ("in",),
        "Runs the function for messages on a Dapr pub/sub topic.",
        "The function receives the CloudEvent the message arrives in.",
        (
            _PUBSUB,
            _TOPIC,
            prop(
                "route",
                "string",
                "Route Dapr delivers the topic's messages to; the topic name when left out.",
            ),
        ),
        "trigger-topic",
    ),
    _spec(
        "daprState",
        "Dapr state input / output",
        ("in", "out"),
        "Reads a value from a Dapr state store, or saves one.",
        "As an output, set the value (or a JSON object with `key` and `value`).",
        (
            prop("stateStore", "string", "Name of the Dapr state store component.", required=True),
            prop(
                "key",
                "string",
                "Key of the state to read or save.",
                "Required to read; an output may give the key in the value instead.",
            ),
            _ADDRESS,
        ),
        "input-state",
    ),
    _spec(
        "daprSecret",
        "Dapr secret input",
        ("in",),
        "Reads a secret from a Dapr secret store.",
        "The function receives a JSON object of secret names and values.",
        (
            prop(
                "secretStoreName",
                "string",
                "Name of the Dapr secret store component.",
                required=True,
            ),
            prop("key", "string", "Name of the secret to read.", required=True),
            prop(
                "metadata",
                "string",
                "Metadata for the secret store, e.g. `metadata.namespace=default`.",
            ),
            _ADDRESS,
        ),
        "input-secret",
    ),
    _spec(
        "daprPublish",
        "Dapr publish output",
        ("out",),
        "Publishes a message to a Dapr pub/sub topic.",
        "Set the payload, or a JSON object with `payload`, `pubsubname` and `topic`.",
        (_PUBSUB, _TOPIC, _ADDRESS),
        "output-publish",
    ),
    _spec(
        "daprInvoke",
        "Dapr invoke output",
        ("out",),
        "Invokes a method of another Dapr app.",
        "Set the request body (or a JSON object with `body`).",
        (
            prop("appId", "string", "Dapr app id of the app to call.", required=True),
            prop("methodName", "string", "Method to invoke on that app.", required=True),
            prop(
                "httpVerb",
                "string",
                "HTTP verb of the call.",
                values=("GET", "POST", "PUT", "PATCH", "DELETE"),
                default="POST",
            ),
            _ADDRESS,
        ),
        "output-invoke",
    ),
    _spec(
        "daprBinding",
        "Dapr output binding",
        ("out",),
        "Sends data through a Dapr output binding component.",
        "Set the data, or a JSON object with `data`, `operation` and `metadata`.",
        (
            prop("bindingName", "string", "Name of the Dapr binding component.", required=True),
            prop(
                "operation",
                "string",
                "Operation of the component to run, e.g. `create`.",
                required=True,
            ),
            _ADDRESS,
        ),
        "output",
    ),
)
