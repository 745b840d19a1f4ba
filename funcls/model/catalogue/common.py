"""Properties and type names that many bindings share."""

from __future__ import annotations

from funcls.model.catalogue.types import Direction, PropertySpec, Role

AF = "azure.functions"

# Annotation names, as the indexers normalise them.
STR = "str"
BYTES = "bytes"
DICT = "dict"
HTTP_REQUEST = f"{AF}.HttpRequest"
HTTP_RESPONSE = f"{AF}.HttpResponse"
TIMER_REQUEST = f"{AF}.TimerRequest"
QUEUE_MESSAGE = f"{AF}.QueueMessage"
INPUT_STREAM = f"{AF}.InputStream"
DOCUMENT = f"{AF}.Document"
DOCUMENT_LIST = f"{AF}.DocumentList"
EVENT_HUB_EVENT = f"{AF}.EventHubEvent"
SERVICE_BUS_MESSAGE = f"{AF}.ServiceBusMessage"
EVENT_GRID_EVENT = f"{AF}.EventGridEvent"
EVENT_GRID_OUTPUT_EVENT = f"{AF}.EventGridOutputEvent"
CLOUD_EVENT = f"{AF}.CloudEvent"
KAFKA_EVENT = f"{AF}.KafkaEvent"
SQL_ROW = f"{AF}.SqlRow"
SQL_ROW_LIST = f"{AF}.SqlRowList"
MYSQL_ROW = f"{AF}.MySqlRow"
MYSQL_ROW_LIST = f"{AF}.MySqlRowList"
ORCHESTRATION_CONTEXT = f"{AF}.OrchestrationContext"
DF_ORCHESTRATION_CONTEXT = "azure.durable_functions.DurableOrchestrationContext"
DF_ENTITY_CONTEXT = "azure.durable_functions.DurableEntityContext"
DF_CLIENT = "azure.durable_functions.DurableOrchestrationClient"
CONTEXT = f"{AF}.Context"
OUT = f"{AF}.Out"
ANY = "typing.Any"

# SDK types from the azurefunctions-extensions-bindings-* packages (v2 model only).
BLOB_SDK_TYPES = (
    "azurefunctions.extensions.bindings.blob.BlobClient",
    "azurefunctions.extensions.bindings.blob.ContainerClient",
    "azurefunctions.extensions.bindings.blob.StorageStreamDownloader",
)
COSMOS_SDK_TYPES = (
    "azurefunctions.extensions.bindings.cosmosdb.ContainerProxy",
    "azurefunctions.extensions.bindings.cosmosdb.CosmosClient",
    "azurefunctions.extensions.bindings.cosmosdb.DatabaseProxy",
)
EVENTHUB_SDK_TYPES = ("azurefunctions.extensions.bindings.eventhub.EventData",)
SERVICEBUS_SDK_TYPES = ("azurefunctions.extensions.bindings.servicebus.ServiceBusReceivedMessage",)


def listof(t: str) -> str:
    return f"list[{t}]"


def prop(
    name: str,
    kind: str,
    summary: str,
    description: str = "",
    *,
    required: bool = False,
    enum: str | None = None,
    values: tuple[str, ...] = (),
    default: object = None,
    role: Role | None = None,
    directions: tuple[Direction, ...] = (),
    v1_only: bool = False,
) -> PropertySpec:
    return PropertySpec(
        name=name,
        kind=kind,  # type: ignore[arg-type]
        summary=summary,
        description=description,
        required=required,
        enum=enum,
        values=values,
        default=default,
        role=role,
        directions=directions,
        v1_only=v1_only,
    )


DATA_TYPE = prop(
    "dataType",
    "enum",
    "How the value is handed to Python: `string`, `binary` or `stream`.",
    "Leave it out and the binding picks a sensible form. Set `string` or `binary` when you "
    "annotate the parameter as `str` or `bytes` and the binding would otherwise hand you "
    "its own type.",
    enum="DataType",
)


def connection(
    service: str,
    *,
    required: bool = True,
    default: str | None = None,
    name: str = "connection",
    extra: str = "",
) -> PropertySpec:
    text = (
        f"The name of the app setting (or the prefix of a group of settings, for identity-based "
        f"connections) that tells the binding how to reach {service}. Put the setting in "
        f"local.settings.json `Values` for local runs and in the app's configuration in Azure."
    )
    if default:
        text += f" Leave it out to use `{default}`."
    if extra:
        text += " " + extra
    return prop(
        name,
        "string",
        f"App setting that holds the {service} connection.",
        text,
        required=required,
        default=default,
        role="connection",
    )


STORAGE_CONNECTION = connection(
    "the storage account", required=False, default="AzureWebJobsStorage"
)
