"""Azure SignalR Service and Azure Web PubSub bindings (no azure-functions decorators)."""

from __future__ import annotations

from funcls.model.catalogue.common import (
    DATA_TYPE,
    GENERIC_INPUT_TYPES,
    GENERIC_OUTPUT_TYPES,
    connection,
    prop,
)
from funcls.model.catalogue.types import BindingSpec

_DOCS = "https://learn.microsoft.com/azure/azure-functions/functions-bindings-signalr-service-"
_WPS_DOCS = "https://learn.microsoft.com/azure/azure-web-pubsub/reference-functions-bindings"
_V1 = (
    " There is no azure-functions decorator; declare it in function.json (v1) or with the "
    "generic decorators (v2)."
)

# --- SignalR ----------------------------------------------------------------------------------

_HUB = prop(
    "hubName",
    "string",
    "The SignalR hub.",
    "Clients connect to a hub; messages and groups are scoped to it.",
    required=True,
)
_SIGNALR_CONN = connection(
    "Azure SignalR Service",
    required=False,
    default="AzureSignalRConnectionString",
    name="connectionStringSetting",
)

SIGNALR: tuple[BindingSpec, ...] = (
    BindingSpec(
        type="signalRTrigger",
        family="signalr",
        title="SignalR Service trigger",
        trigger=True,
        directions=("in",),
        summary="Runs the function for messages and connection events from SignalR clients "
        "(serverless mode).",
        description=(
            "SignalR Service forwards client events to the function through an upstream URL "
            "(`<app>/runtime/webhooks/signalr?code=<signalr_extension key>`). The function "
            "receives an invocation context with the event, the connection and the arguments "
            "as JSON." + _V1
        ),
        properties=(
            _HUB,
            prop(
                "category",
                "string",
                "`connections` (connected / disconnected) or `messages`.",
                required=True,
                values=("connections", "messages"),
            ),
            prop(
                "event",
                "string",
                "The event: `connected` / `disconnected`, or the client's method name.",
                required=True,
            ),
            prop(
                "parameterNames",
                "string-list",
                "Names to give the invocation's arguments, for binding expressions.",
            ),
            _SIGNALR_CONN,
            DATA_TYPE,
        ),
        input_types=GENERIC_INPUT_TYPES,
        docs=_DOCS + "trigger",
    ),
    BindingSpec(
        type="signalRConnectionInfo",
        family="signalr",
        title="SignalR connection info input",
        trigger=False,
        directions=("in",),
        summary="Gives the function the URL and access token a client needs to connect.",
        description=(
            "Used in the `negotiate` HTTP function clients call first: return the connection "
            "info (JSON with `url` and `accessToken`) as the response body." + _V1
        ),
        properties=(
            _HUB,
            prop(
                "userId",
                "string",
                "User id to put in the token, e.g. `{headers.x-ms-client-principal-id}`.",
            ),
            prop(
                "idToken",
                "string",
                "A JWT whose claims are copied into the access token.",
            ),
            prop(
                "claimTypeList",
                "string-list",
                "Which claims of `idToken` to copy.",
            ),
            _SIGNALR_CONN,
            DATA_TYPE,
        ),
        input_types=GENERIC_INPUT_TYPES,
        docs=_DOCS + "input",
    ),
    BindingSpec(
        type="signalR",
        family="signalr",
        title="SignalR Service output",
        trigger=False,
        directions=("out",),
        summary="Sends messages to SignalR clients, or manages users in groups.",
        description=(
            'Set JSON like `{"target": "newMessage", "arguments": [...]}` to broadcast, '
            "with `userId`, `connectionId` or `groupName` to narrow it, or a group action "
            '(`{"action": "add", "groupName": ..., "userId": ...}`). A list sends '
            "several." + _V1
        ),
        properties=(_HUB, _SIGNALR_CONN, DATA_TYPE),
        output_types=GENERIC_OUTPUT_TYPES,
        docs=_DOCS + "output",
    ),
)

# --- Web PubSub -------------------------------------------------------------------------------

_WPS_CONN = connection(
    "Azure Web PubSub",
    required=False,
    default="WebPubSubConnectionString",
)
_WPS_HUB = prop(
    "hub",
    "string",
    "The Web PubSub hub.",
    "It can also come from the `WebPubSubHub` app setting.",
    required=True,
)
_WPS_VALIDATION = prop(
    "connections",
    "string-list",
    "App settings of the upstream services whose requests are accepted (abuse protection).",
    "Older form of `connection` for the trigger and context bindings.",
)

WEB_PUBSUB: tuple[BindingSpec, ...] = (
    BindingSpec(
        type="webPubSubTrigger",
        family="webpubsub",
        title="Web PubSub trigger",
        trigger=True,
        directions=("in",),
        summary="Runs the function for Web PubSub client events (connect, messages, disconnect).",
        description=(
            "Web PubSub calls the app through an event handler URL "
            "(`<app>/runtime/webhooks/webpubsub?code=<webpubsub_extension key>`). For `connect` "
            "and user events the function's return value is the response to the client." + _V1
        ),
        properties=(
            _WPS_HUB,
            prop(
                "eventType",
                "string",
                "`user` for client messages, `system` for connection events.",
                required=True,
                values=("user", "system"),
            ),
            prop(
                "eventName",
                "string",
                "`connect`, `connected` or `disconnected` for system events; `message` (or a "
                "custom event name) for user events.",
                required=True,
            ),
            prop(
                "clientProtocols",
                "string",
                "Which clients may trigger it: `all`, `webPubSub` or `mqtt`.",
                values=("all", "webPubSub", "mqtt"),
                default="all",
            ),
            connection(
                "the upstream Web PubSub service, used to validate requests",
                required=False,
                default="WebPubSubConnectionString",
            ),
            _WPS_VALIDATION,
            DATA_TYPE,
        ),
        input_types=GENERIC_INPUT_TYPES,
        docs=_WPS_DOCS,
    ),
    BindingSpec(
        type="webPubSubConnection",
        family="webpubsub",
        title="Web PubSub connection input",
        trigger=False,
        directions=("in",),
        summary="Gives the function the URL and token a client needs to connect.",
        description=(
            "Used in a `negotiate` HTTP function: return the connection info (JSON with "
            "`baseUrl`, `url` and `accessToken`) to the client." + _V1
        ),
        properties=(
            _WPS_HUB,
            prop("userId", "string", "User id to put in the client's token."),
            prop(
                "clientProtocol",
                "string",
                "`default`, or `mqtt` for MQTT clients.",
                values=("default", "mqtt"),
                default="default",
            ),
            _WPS_CONN,
            DATA_TYPE,
        ),
        input_types=GENERIC_INPUT_TYPES,
        docs=_WPS_DOCS,
    ),
    BindingSpec(
        type="webPubSubContext",
        family="webpubsub",
        title="Web PubSub context input",
        trigger=False,
        directions=("in",),
        summary="Reads a Web PubSub upstream request arriving through an HTTP trigger.",
        description=(
            "For apps that take Web PubSub events on their own HTTP function: the binding "
            "validates the request and parses the event, and answers the abuse-protection "
            "handshake." + _V1
        ),
        properties=(
            connection(
                "the upstream Web PubSub service, used to validate requests",
                required=False,
                default="WebPubSubConnectionString",
            ),
            _WPS_VALIDATION,
            DATA_TYPE,
        ),
        input_types=GENERIC_INPUT_TYPES,
        docs=_WPS_DOCS,
    ),
    BindingSpec(
        type="webPubSub",
        family="webpubsub",
        title="Web PubSub output",
        trigger=False,
        directions=("out",),
        summary="Sends messages to Web PubSub clients and manages groups and connections.",
        description=(
            "Set one action or a list of them, as JSON with `actionName` (`sendToAll`, "
            "`sendToUser`, `sendToGroup`, `addUserToGroup`, `closeClientConnection`, ...) and "
            "its fields." + _V1
        ),
        properties=(_WPS_HUB, _WPS_CONN, DATA_TYPE),
        output_types=GENERIC_OUTPUT_TYPES,
        docs=_WPS_DOCS,
    ),
)

BINDINGS: tuple[BindingSpec, ...] = SIGNALR + WEB_PUBSUB
