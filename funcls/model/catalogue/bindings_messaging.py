"""Event Hubs, Service Bus, Event Grid and RabbitMQ bindings."""

from __future__ import annotations

from funcls.model.catalogue.common import (
    BYTES,
    CLOUD_EVENT,
    DATA_TYPE,
    EVENT_GRID_EVENT,
    EVENT_GRID_OUTPUT_EVENT,
    EVENT_HUB_EVENT,
    EVENTHUB_SDK_TYPES,
    GENERIC_INPUT_TYPES,
    GENERIC_OUTPUT_TYPES,
    SERVICE_BUS_MESSAGE,
    SERVICEBUS_SDK_TYPES,
    STR,
    connection,
    prop,
    typing_list,
)
from funcls.model.catalogue.types import BindingSpec, PropertySpec

_DOCS = "https://learn.microsoft.com/azure/azure-functions/"

_CARDINALITY = prop(
    "cardinality",
    "enum",
    "`one` message per invocation, or `many` for a batch.",
    "With `many` the function receives a list: annotate the parameter as `typing.List[...]` of "
    "the binding's message type (the builtin `list[...]` fails to load). Leave it out for one "
    "message at a time.",
    enum="Cardinality",
    default="one",
)

# --- Event Hubs -------------------------------------------------------------------------------

_EVENT_HUB_NAME = prop(
    "eventHubName",
    "string",
    "The event hub to read from or send to.",
    "Can be left out when the connection string itself names the hub (`EntityPath=...`); a "
    "name in the connection string wins over this value. `%Setting%` reads it from an app "
    "setting.",
    role="event-hub-name",
)
_EVENT_HUB_CONNECTION = connection(
    "the Event Hubs namespace",
    extra="For an IoT Hub, use its built-in Event Hub-compatible endpoint.",
)

EVENT_HUBS: tuple[BindingSpec, ...] = (
    BindingSpec(
        type="eventHubTrigger",
        host_retries=True,
        family="eventhub",
        title="Event Hubs trigger",
        trigger=True,
        directions=("in",),
        summary="Runs the function for events arriving at an event hub (or an IoT Hub).",
        description=(
            "Each instance reads a share of the hub's partitions and checkpoints its progress "
            "in the `AzureWebJobsStorage` account, so a restart carries on where it stopped. "
            "The function receives a `func.EventHubEvent`, or a list of them with "
            "`cardinality: many`. IoT Hub device-to-cloud messages use this same trigger "
            "through the hub's Event Hub-compatible endpoint."
        ),
        properties=(
            _EVENT_HUB_NAME,
            _EVENT_HUB_CONNECTION,
            prop(
                "consumerGroup",
                "string",
                "The consumer group to read through; `$Default` when left out.",
                "Give each independent reader of the hub its own consumer group, or they will "
                "steal partitions from each other.",
                default="$Default",
            ),
            _CARDINALITY,
            prop(
                "path",
                "string",
                "Functions 1.x name of `eventHubName`.",
                "Version 1.x of the runtime read the hub name from `path`; later versions use "
                "`eventHubName`.",
                role="event-hub-name",
                v1_only=True,
            ),
            DATA_TYPE,
        ),
        input_types=(
            EVENT_HUB_EVENT,
            typing_list(EVENT_HUB_EVENT),
            STR,
            BYTES,
            *EVENTHUB_SDK_TYPES,
        ),
        docs=_DOCS + "functions-bindings-event-hubs-trigger",
    ),
    BindingSpec(
        type="eventHub",
        family="eventhub",
        title="Event Hubs output",
        trigger=False,
        directions=("out",),
        summary="Sends events to an event hub.",
        description=(
            "Set a `func.Out[str]` (or `bytes`) parameter, or return the event through "
            "`$return`; a `typing.List[str]` sends several events in one call."
        ),
        properties=(
            _EVENT_HUB_NAME,
            _EVENT_HUB_CONNECTION,
            prop(
                "path",
                "string",
                "Functions 1.x name of `eventHubName`.",
                role="event-hub-name",
                v1_only=True,
            ),
            DATA_TYPE,
        ),
        output_types=(STR, BYTES, typing_list(STR)),
        return_types=(STR, BYTES),
        docs=_DOCS + "functions-bindings-event-hubs-output",
    ),
)

# --- Service Bus ------------------------------------------------------------------------------

_SB_CONNECTION = connection("the Service Bus namespace")
_SB_QUEUE = prop(
    "queueName",
    "string",
    "The queue to use; set it or `topicName`, not both.",
    "`%Setting%` reads the name from an app setting.",
    role="service-bus-queue",
)
_SB_TOPIC = prop(
    "topicName",
    "string",
    "The topic to use; set it or `queueName`, not both.",
    "`%Setting%` reads the name from an app setting.",
    role="service-bus-topic",
)
_SB_ACCESS_RIGHTS = prop(
    "accessRights",
    "enum",
    "Rights of the connection string: `manage` or `listen`.",
    "Only version 1.x of the runtime reads it; later hosts ignore it.",
    enum="AccessRights",
    default="manage",
)


def _sb_subscription(*, trigger: bool) -> PropertySpec:
    if trigger:
        return prop(
            "subscriptionName",
            "string",
            "The topic subscription to read from; required with `topicName`.",
            "Each subscription gets its own copy of every message sent to the topic.",
            role="service-bus-subscription",
        )
    return prop(
        "subscriptionName",
        "string",
        "A subscription name; the output binding does not use it.",
        "Messages go to the topic, and every subscription receives them. The library writes "
        "this key when the decorator is given one, and the host ignores it.",
        role="service-bus-subscription",
    )


SERVICE_BUS: tuple[BindingSpec, ...] = (
    BindingSpec(
        type="serviceBusTrigger",
        family="servicebus",
        title="Service Bus trigger",
        trigger=True,
        directions=("in",),
        summary="Runs the function for each message on a Service Bus queue or topic subscription.",
        description=(
            "Give `queueName`, or `topicName` with `subscriptionName`. The message is locked "
            "while the function runs, completed when it succeeds and abandoned when it fails; "
            "after the entity's max delivery count it moves to the dead-letter queue. The "
            "function receives a `func.ServiceBusMessage` (a list with `cardinality: many`)."
        ),
        properties=(
            _SB_QUEUE,
            _SB_TOPIC,
            _sb_subscription(trigger=True),
            _SB_CONNECTION,
            _SB_ACCESS_RIGHTS,
            prop(
                "isSessionsEnabled",
                "boolean",
                "Read from a session-enabled queue or subscription.",
                "Must match how the entity was created: a session-aware entity needs `true`, "
                "and `true` on an ordinary one fails.",
                default=False,
            ),
            _CARDINALITY,
            prop(
                "autoCompleteMessages",
                "boolean",
                "Complete the message automatically when the function succeeds.",
                "Turn it off only when the code settles messages itself, which Python "
                "functions cannot do without SDK types.",
                default=True,
            ),
            prop(
                "autoComplete",
                "boolean",
                "Older name of `autoCompleteMessages` (Service Bus extension 4.x).",
                v1_only=True,
                default=True,
            ),
            DATA_TYPE,
        ),
        one_of=(("queueName", "topicName"),),
        input_types=(
            SERVICE_BUS_MESSAGE,
            typing_list(SERVICE_BUS_MESSAGE),
            STR,
            BYTES,
            *SERVICEBUS_SDK_TYPES,
        ),
        docs=_DOCS + "functions-bindings-service-bus-trigger",
    ),
    BindingSpec(
        type="serviceBus",
        family="servicebus",
        title="Service Bus output",
        trigger=False,
        directions=("out",),
        summary="Sends messages to a Service Bus queue or topic.",
        description=(
            "Give `queueName` or `topicName`. Set a `func.Out[str]` (or `bytes`) parameter, or "
            "return the message through `$return`."
        ),
        properties=(
            _SB_QUEUE,
            _SB_TOPIC,
            _sb_subscription(trigger=False),
            _SB_CONNECTION,
            _SB_ACCESS_RIGHTS,
            DATA_TYPE,
        ),
        one_of=(("queueName", "topicName"),),
        output_types=(STR, BYTES),
        docs=_DOCS + "functions-bindings-service-bus-output",
    ),
)

# --- Event Grid -------------------------------------------------------------------------------

EVENT_GRID: tuple[BindingSpec, ...] = (
    BindingSpec(
        type="eventGridTrigger",
        family="eventgrid",
        title="Event Grid trigger",
        trigger=True,
        directions=("in",),
        summary="Runs the function for each event an Event Grid subscription delivers.",
        description=(
            "Create an Event Grid subscription whose endpoint is the function (the portal "
            "and the CLI know the webhook URL and its `eventgrid_extension` key). The function "
            "receives a `func.EventGridEvent`, or a `func.CloudEvent` for subscriptions that use "
            "the CloudEvents schema. Locally, post an event to "
            "`/runtime/webhooks/eventgrid?functionName=<name>` to try it."
        ),
        properties=(DATA_TYPE,),
        input_types=(EVENT_GRID_EVENT, CLOUD_EVENT, STR, BYTES),
        docs=_DOCS + "functions-bindings-event-grid-trigger",
    ),
    BindingSpec(
        type="eventGrid",
        family="eventgrid",
        title="Event Grid output",
        trigger=False,
        directions=("out",),
        summary="Publishes events to an Event Grid custom topic.",
        description=(
            "Name the topic either with `topicEndpointUri` and `topicKeySetting` (endpoint and "
            "access key held in app settings) or with `connection` (a setting prefix, for "
            "identity-based access). Set a `func.Out[func.EventGridOutputEvent]`, or a list of "
            "them to publish several."
        ),
        properties=(
            prop(
                "topicEndpointUri",
                "string",
                "App setting that holds the custom topic's endpoint URL.",
                "The name of the setting, not the URL itself. Use it together with "
                "`topicKeySetting`, or use `connection` instead.",
                role="setting-name",
            ),
            prop(
                "topicKeySetting",
                "string",
                "App setting that holds the custom topic's access key.",
                "The name of the setting, not the key. Needed with `topicEndpointUri`.",
                role="setting-name",
            ),
            connection(
                "the Event Grid topic",
                required=False,
                extra="The settings under the prefix are `<prefix>__topicEndpointUri` and, "
                "for a managed identity, `<prefix>__credential` / `<prefix>__clientId`. Use it "
                "instead of `topicEndpointUri` / `topicKeySetting`.",
            ),
            DATA_TYPE,
        ),
        one_of=(("topicEndpointUri", "connection"),),
        output_types=(
            STR,
            BYTES,
            EVENT_GRID_OUTPUT_EVENT,
            typing_list(EVENT_GRID_OUTPUT_EVENT),
            typing_list(STR),
        ),
        return_types=(STR, BYTES, EVENT_GRID_OUTPUT_EVENT),
        docs=_DOCS + "functions-bindings-event-grid-output",
    ),
)

# --- RabbitMQ ---------------------------------------------------------------------------------

_RABBIT_PROPS: tuple[PropertySpec, ...] = (
    prop(
        "queueName",
        "string",
        "The RabbitMQ queue to read from or publish to.",
        "`%Setting%` reads the name from an app setting.",
        required=True,
    ),
    connection(
        "the RabbitMQ broker",
        required=False,
        name="connectionStringSetting",
        extra="The setting holds an AMQP URI such as `amqp://user:password@host:5672`. Leave "
        "it out only when the older host-name settings below are used.",
    ),
    prop(
        "hostName",
        "string",
        "Broker host name, when not using `connectionStringSetting`.",
        "Read by version 1.x of the RabbitMQ extension; later versions take the connection "
        "string only.",
    ),
    prop(
        "userNameSetting",
        "string",
        "App setting that holds the user name (extension 1.x).",
        role="setting-name",
    ),
    prop(
        "passwordSetting",
        "string",
        "App setting that holds the password (extension 1.x).",
        role="setting-name",
    ),
    prop(
        "port",
        "integer",
        "Broker port (extension 1.x); 0 means the client's default, 5672.",
        default=0,
    ),
    prop(
        "disableCertificateValidation",
        "boolean",
        "Skip TLS certificate validation (development only).",
        default=False,
    ),
    DATA_TYPE,
)

RABBITMQ: tuple[BindingSpec, ...] = (
    BindingSpec(
        type="rabbitMQTrigger",
        family="rabbitmq",
        title="RabbitMQ trigger",
        trigger=True,
        directions=("in",),
        summary="Runs the function for each message on a RabbitMQ queue.",
        description=(
            "There is no decorator for it in azure-functions; declare it in function.json, or "
            'with `generic_trigger(type="rabbitMQTrigger", ...)` in the v2 model. The '
            "function receives the message body as `str` or `bytes`. Needs a Premium or "
            "Dedicated plan (runtime-driven scaling)."
        ),
        properties=_RABBIT_PROPS,
        input_types=GENERIC_INPUT_TYPES,
        docs=_DOCS + "functions-bindings-rabbitmq-trigger",
    ),
    BindingSpec(
        type="rabbitMQ",
        family="rabbitmq",
        title="RabbitMQ output",
        trigger=False,
        directions=("out",),
        summary="Publishes messages to a RabbitMQ queue.",
        description=(
            "Declare it in function.json (or with `generic_output_binding`). Set a "
            "`func.Out[str]` or return the message through `$return`."
        ),
        properties=_RABBIT_PROPS,
        output_types=GENERIC_OUTPUT_TYPES,
        docs=_DOCS + "functions-bindings-rabbitmq-output",
    ),
)

BINDINGS: tuple[BindingSpec, ...] = EVENT_HUBS + SERVICE_BUS + EVENT_GRID + RABBITMQ
