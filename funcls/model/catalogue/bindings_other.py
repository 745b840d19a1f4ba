"""Logic Apps connectors, SendGrid, Twilio and Notification Hubs."""

from __future__ import annotations

from funcls.model.catalogue.common import (
    ANY,
    BYTES,
    DATA_TYPE,
    DICT,
    GENERIC_OUTPUT_TYPES,
    STR,
    connection,
    prop,
)
from funcls.model.catalogue.types import BindingSpec

_DOCS = "https://learn.microsoft.com/azure/azure-functions/"
_NO_DECORATOR = (
    " There is no azure-functions decorator; declare it in function.json (v1) or with "
    "`generic_output_binding` (v2)."
)

BINDINGS: tuple[BindingSpec, ...] = (
    BindingSpec(
        type="connectorTrigger",
        family="connector",
        title="Connector trigger",
        trigger=True,
        directions=("in",),
        summary="Runs the function for events from a Logic Apps managed connector "
        "(Office 365, Salesforce, ...).",
        description=(
            "The connector's trigger is configured on the Azure side; the function receives "
            "the event payload as JSON text, bytes or a dict, and its return value is the "
            "response. Any other keyword given to `connector_trigger` is written into "
            "function.json unchanged."
        ),
        properties=(DATA_TYPE,),
        input_types=(STR, DICT, BYTES),
        output_types=(ANY,),
        docs=_DOCS + "functions-triggers-bindings",
    ),
    BindingSpec(
        type="sendGrid",
        family="sendgrid",
        title="SendGrid output",
        trigger=False,
        directions=("out",),
        summary="Sends email through SendGrid.",
        description=(
            "Set a JSON message in SendGrid's mail-send format (`personalizations`, `from`, "
            "`subject`, `content`); the binding's `to`, `from`, `subject` and `text` fill in "
            "what the message leaves out. host.json `extensions.sendGrid.from` sets a default "
            "sender." + _NO_DECORATOR
        ),
        properties=(
            prop(
                "apiKey",
                "string",
                "App setting that holds the SendGrid API key.",
                "The name of the setting, not the key. Leave it out to use "
                "`AzureWebJobsSendGridApiKey`.",
                role="setting-name",
                default="AzureWebJobsSendGridApiKey",
            ),
            prop("to", "string", "Recipient address, e.g. `Jane <jane@example.com>`."),
            prop("from", "string", "Sender address."),
            prop("subject", "string", "Subject line."),
            prop("text", "string", "Plain-text body."),
            DATA_TYPE,
        ),
        output_types=GENERIC_OUTPUT_TYPES,
        docs=_DOCS + "functions-bindings-sendgrid",
    ),
    BindingSpec(
        type="twilioSms",
        family="twilio",
        title="Twilio SMS output",
        trigger=False,
        directions=("out",),
        summary="Sends a text message through Twilio.",
        description=(
            "Set JSON with `body` and `to` (and `from` when the binding has none). The Twilio "
            "account id and token come from app settings." + _NO_DECORATOR
        ),
        properties=(
            prop(
                "accountSidSetting",
                "string",
                "App setting that holds the Twilio account SID.",
                "Leave it out to use `AzureWebJobsTwilioAccountSid`.",
                role="setting-name",
                default="AzureWebJobsTwilioAccountSid",
            ),
            prop(
                "authTokenSetting",
                "string",
                "App setting that holds the Twilio auth token.",
                "Leave it out to use `AzureWebJobsTwilioAuthToken`.",
                role="setting-name",
                default="AzureWebJobsTwilioAuthToken",
            ),
            prop("from", "string", "Phone number the message is sent from, e.g. `+1425...`."),
            prop("to", "string", "Phone number the message is sent to."),
            prop("body", "string", "Fixed message text, when the code does not set one."),
            DATA_TYPE,
        ),
        output_types=GENERIC_OUTPUT_TYPES,
        docs=_DOCS + "functions-bindings-twilio",
    ),
    BindingSpec(
        type="notificationHub",
        family="notificationhub",
        title="Notification Hubs output (Functions 1.x only)",
        trigger=False,
        directions=("out",),
        summary="Sends push notifications through Azure Notification Hubs; runtime 1.x only.",
        description=(
            "Only version 1.x of the Functions runtime has this binding, and Python apps do "
            "not run on 1.x: a current host fails to load a function that declares it. Send "
            "notifications with the Notification Hubs REST API or SDK instead."
        ),
        properties=(
            prop("hubName", "string", "The notification hub.", required=True),
            connection(
                "the notification hub",
                extra="The setting holds the hub's `DefaultFullSharedAccessSignature` "
                "connection string.",
            ),
            prop("tagExpression", "string", "Send only to devices registered with these tags."),
            prop(
                "platform",
                "string",
                "Target platform for native (non-template) notifications.",
                values=("apns", "adm", "gcm", "wns", "mpns"),
            ),
            DATA_TYPE,
        ),
        output_types=GENERIC_OUTPUT_TYPES,
        docs=_DOCS + "functions-bindings-notification-hubs",
    ),
)
