"""Properties and type names that many bindings share.

How the Python worker checks parameter annotations — the facts ``input_types``,
``output_types`` and ``return_types`` of every ``BindingSpec`` rest on, and the rules the checks
must follow to avoid false alarms. Sources: azure-functions-python-worker
``azure_functions_worker/functions.py`` (``Registry.validate_function_params`` and
``get_function_return_type``; the same code in older ``Registry.add_function``),
``bindings/meta.py`` (``get_binding``, ``check_input_type_annotation``,
``check_output_type_annotation``, ``has_implicit_output``) and ``bindings/generic.py``
(``GenericBinding``); the converters are those azure-functions registers in
``azure.functions.meta._ConverterMeta._bindings``.

1. A parameter annotated exactly ``str`` or ``bytes`` — and the ``T`` of ``func.Out[str]`` /
   ``func.Out[bytes]`` — is checked against the worker's *generic* binding instead of the
   binding type's converter (``param_py_type in (str, bytes) and not has_implicit_output(type)``).
   The generic binding accepts ``str`` / ``bytes`` for inputs and ``str`` / ``bytes`` /
   ``bytearray`` for outputs, so these annotations load for every binding type, with or without
   ``dataType``, triggers included (``msg: str`` on a queueTrigger loads). ``dataType`` takes no
   part in the check: it only changes the wording of the load error and what the host sends.
   ``REROUTED_TYPES`` below.
2. The exception: converters with implicit output (``IMPLICIT_OUTPUT_TYPES``: the durable
   orchestration / entity / activity triggers, the MCP triggers, connectorTrigger) are asked
   directly, so ``context: str`` on an orchestrationTrigger fails to load.
3. Rerouting only decides whether the function loads. The generic binding hands over what the
   host sent unchanged: ``string``, ``bytes`` and ``json`` data pass through (a ``str``
   annotation does not decode bytes — set ``dataType: string`` for text), anything else raises
   at invocation: ``str`` on an httpTrigger (``http`` data) and on batches from
   ``cardinality: many`` (collection data) loads but fails when called. The catalogue lists
   ``str`` / ``bytes`` only where they also work.
4. Return annotations are never rerouted (the worker compares ``return_pytype is (str, bytes)``,
   which is never true), so ``-> str`` on a ``$return`` binding must satisfy the converter
   itself. ``BindingSpec.return_types`` records the difference (cosmosDB, sql, mysql).
5. Types without a converter use the generic binding throughout: ``GENERIC_INPUT_TYPES`` in,
   ``GENERIC_OUTPUT_TYPES`` out (``dict`` and other JSON types are refused at load).
6. SDK types (``azurefunctions-extensions-bindings-*``, v2 model only) are accepted through the
   worker's deferred-binding registry when the extension package is installed; they are listed
   for blob (trigger, input), cosmosDB (input), eventHubTrigger and serviceBusTrigger, as the
   2025 Python developer reference documents.
7. The durable library wraps user functions, so the worker never sees the annotations users
   write for orchestrators, entities and clients: ``WRAPPED_TYPES`` lists those extra names.
8. Batches and lists: the converters' iterable check (``meta.is_iterable_type_annotation``,
   built on the library's vendored ``typing_inspect``) recognises ``typing.List[T]`` (and other
   ``typing`` generics of an iterable) but not the builtin ``list[T]`` of PEP 585, so
   ``list[func.EventHubEvent]`` fails to load where ``typing.List[func.EventHubEvent]`` works
   (azure-functions 1.26 and 2.3 alike). The catalogue spells them ``typing.List[...]``
   (``typing_list``); indexers should normalise ``List[T]`` / ``typing.List[T]`` to that and
   ``list[T]`` to ``list[T]`` (``listof``). A return annotation must be a class (the worker
   refuses ``-> typing.List[str]`` as a non-type annotation), so list types appear in
   ``output_types`` (``func.Out[...]``) but never in ``return_types``.
"""

from __future__ import annotations

from funcls.model.catalogue.types import Direction, PropertySpec, Role

AF = "azure.functions"

# Annotation names, as the indexers normalise them.
STR = "str"
BYTES = "bytes"
BYTEARRAY = "bytearray"
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
ENTITY_CONTEXT = f"{AF}.EntityContext"
WARMUP_CONTEXT = f"{AF}.warmup.WarmUpContext"  # not exported by azure.functions
MCP_TOOL_CONTEXT = f"{AF}.MCPToolContext"
PROMPT_INVOCATION_CONTEXT = f"{AF}.PromptInvocationContext"
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

# Rule 1 / 3 / 5 of the module docstring.
REROUTED_TYPES = (STR, BYTES)
GENERIC_INPUT_TYPES = (STR, BYTES)
GENERIC_OUTPUT_TYPES = (STR, BYTES, BYTEARRAY)

# Binding types azure-functions registers a converter for (``meta._ConverterMeta._bindings``).
# The worker looks them up by exact spelling: a type the host accepts in another case
# ("QueueTrigger") gets the generic binding instead (rule 5).
WORKER_CONVERTER_TYPES = frozenset(
    {
        "activityTrigger",
        "blob",
        "blobTrigger",
        "connectorTrigger",
        "cosmosDB",
        "cosmosDBTrigger",
        "durableClient",
        "entityTrigger",
        "eventGrid",
        "eventGridTrigger",
        "eventHub",
        "eventHubTrigger",
        "http",
        "httpTrigger",
        "kafka",
        "kafkaTrigger",
        "mcpPromptTrigger",
        "mcpResourceTrigger",
        "mcpToolTrigger",
        "mysql",
        "mysqlTrigger",
        "orchestrationTrigger",
        "queue",
        "queueTrigger",
        "serviceBus",
        "serviceBusTrigger",
        "sql",
        "timerTrigger",
        "warmupTrigger",
    }
)

# Rule 2: binding types whose converter has implicit output; str / bytes are not rerouted.
IMPLICIT_OUTPUT_TYPES = frozenset(
    {
        "orchestrationTrigger",
        "entityTrigger",
        "activityTrigger",
        "mcpToolTrigger",
        "mcpResourceTrigger",
        "mcpPromptTrigger",
        "connectorTrigger",
    }
)

# Rule 7: annotations the worker never checks because the durable library wraps the function
# (df.Orchestrator.create / df.Entity.create in v1, DFApp in v2; DFApp.durable_client_input
# rewrites the client parameter's annotation to str).
WRAPPED_TYPES: dict[str, tuple[str, ...]] = {
    "orchestrationTrigger": (DF_ORCHESTRATION_CONTEXT,),
    "entityTrigger": (DF_ENTITY_CONTEXT,),
    "durableClient": (DF_CLIENT,),
}


def typing_list(t: str) -> str:
    """``typing.List[T]``: how a batch or list must be annotated for the worker (rule 8)."""
    return f"typing.List[{t}]"


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
        f"App setting that holds the connection to {service}.",
        text,
        required=required,
        default=default,
        role="connection",
    )


STORAGE_CONNECTION = connection(
    "the storage account", required=False, default="AzureWebJobsStorage"
)
