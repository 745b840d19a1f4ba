"""Azure Cosmos DB bindings, with the property names of extension 4.x and of 3.x.

Extension 4.x (extension bundle 3.x and 4.x) reads `connection`, `containerName`,
`leaseContainerName`...; extension 3.x (bundle 2.x) reads `connectionStringSetting`,
`collectionName`, `leaseCollectionName`... One spec per `type` holds both sets; `one_of` says
which alternatives must be present. The `_v3` decorators of azure-functions write the 3.x names.
"""

from __future__ import annotations

from funcls.model.catalogue.common import (
    BYTES,
    COSMOS_SDK_TYPES,
    DATA_TYPE,
    DOCUMENT,
    DOCUMENT_LIST,
    STR,
    connection,
    prop,
)
from funcls.model.catalogue.types import BindingSpec, Direction, PropertySpec

_DOCS = "https://learn.microsoft.com/azure/azure-functions/"
_IN: tuple[Direction, ...] = ("in",)
_OUT: tuple[Direction, ...] = ("out",)
_V3 = " Extension 3.x name (bundle 2.x); with extension 4.x use"


def _v3(text: str, v4: str) -> str:
    return f"{text}{_V3} `{v4}`."


_ACCOUNT = "the Azure Cosmos DB account"

_DATABASE = prop(
    "databaseName",
    "string",
    "The database that holds the container.",
    "`%Setting%` reads the name from an app setting.",
    required=True,
    role="cosmos-database",
)
_CONNECTION = connection(
    _ACCOUNT,
    required=False,
    extra="Extension 4.x name; extension 3.x (bundle 2.x) reads `connectionStringSetting`.",
)
_CONNECTION_V3 = prop(
    "connectionStringSetting",
    "string",
    "App setting with the account's connection string (extension 3.x).",
    _v3("The name of the setting, not the connection string.", "connection"),
    role="connection",
)
_CONTAINER = prop(
    "containerName",
    "string",
    "The container to use (extension 4.x).",
    "Extension 3.x (bundle 2.x) reads `collectionName` instead.",
    role="cosmos-container",
)
_COLLECTION = prop(
    "collectionName",
    "string",
    "The collection (container) to use (extension 3.x).",
    _v3("", "containerName").strip(),
    role="cosmos-container",
)
_PARTITION_KEY = prop(
    "partitionKey",
    "string",
    "Partition key value of the item to read, or the container's key path to create with.",
    "For an input binding it is the value that goes with `id` (binding expressions allowed); "
    "for an output binding with `createIfNotExists` it is the partition key path, e.g. "
    "`/customerId`.",
)
_PREFERRED = prop(
    "preferredLocations",
    "string",
    "Comma-separated regions to prefer for geo-replicated accounts, e.g. `East US,West US`.",
)

_FEED_TIMING: tuple[PropertySpec, ...] = (
    prop(
        "feedPollDelay",
        "integer",
        "Milliseconds to wait before polling again once the change feed is drained.",
        default=5000,
    ),
    prop(
        "leaseAcquireInterval",
        "integer",
        "Milliseconds between checks that leases are spread across instances.",
        default=13000,
    ),
    prop(
        "leaseExpirationInterval",
        "integer",
        "Milliseconds a lease is held before another instance may take it.",
        default=60000,
    ),
    prop(
        "leaseRenewInterval",
        "integer",
        "Milliseconds between renewals of the leases an instance holds.",
        default=17000,
    ),
    prop(
        "maxItemsPerInvocation",
        "integer",
        "Most changed items handed to one invocation.",
    ),
)

TRIGGER = BindingSpec(
    type="cosmosDBTrigger",
    host_retries=True,
    family="cosmosdb",
    title="Azure Cosmos DB trigger",
    trigger=True,
    directions=("in",),
    summary="Runs the function with the items created or updated in a container (change feed).",
    description=(
        "The trigger follows the container's change feed and keeps its position in a lease "
        "container, which must exist unless `createLeaseContainerIfNotExists` is true. Deletes "
        "are not reported in the default mode. The function receives a `func.DocumentList`. "
        "Use `connection` / `containerName` / `leaseContainerName` with extension 4.x "
        "(bundles 3.x and 4.x) and `connectionStringSetting` / `collectionName` / "
        "`leaseCollectionName` with extension 3.x (bundle 2.x)."
    ),
    properties=(
        _CONNECTION,
        _CONNECTION_V3,
        _DATABASE,
        _CONTAINER,
        _COLLECTION,
        connection(
            "the account that holds the lease container",
            required=False,
            name="leaseConnection",
            extra="Leave it out to keep leases in the monitored account (extension 4.x).",
        ),
        prop(
            "leaseConnectionStringSetting",
            "string",
            "App setting for the lease account (extension 3.x).",
            _v3("Leave it out to keep leases in the monitored account.", "leaseConnection"),
            role="connection",
        ),
        prop(
            "leaseDatabaseName",
            "string",
            "Database of the lease container; the monitored database when left out.",
            role="cosmos-database",
        ),
        prop(
            "leaseContainerName",
            "string",
            "Container that stores the leases (extension 4.x); `leases` when left out.",
            role="cosmos-container",
            default="leases",
        ),
        prop(
            "leaseCollectionName",
            "string",
            "Collection that stores the leases (extension 3.x); `leases` when left out.",
            _v3("", "leaseContainerName").strip(),
            role="cosmos-container",
            default="leases",
        ),
        prop(
            "createLeaseContainerIfNotExists",
            "boolean",
            "Create the lease container when it is missing (extension 4.x).",
            default=False,
        ),
        prop(
            "createLeaseCollectionIfNotExists",
            "boolean",
            "Create the lease collection when it is missing (extension 3.x).",
            default=False,
        ),
        prop(
            "leasesContainerThroughput",
            "integer",
            "Request units for a lease container the trigger creates (extension 4.x).",
        ),
        prop(
            "leasesCollectionThroughput",
            "integer",
            "Request units for a lease collection the trigger creates (extension 3.x).",
        ),
        prop(
            "leaseContainerPrefix",
            "string",
            "Prefix for this function's leases, so several functions can share one lease "
            "container (extension 4.x).",
        ),
        prop(
            "leaseCollectionPrefix",
            "string",
            "Prefix for this function's leases in a shared lease collection (extension 3.x).",
        ),
        prop(
            "checkpointInterval",
            "integer",
            "Milliseconds between lease checkpoints (extension 3.x).",
            "By default the lease is checkpointed after every successful invocation.",
        ),
        prop(
            "checkpointDocumentCount",
            "integer",
            "Items processed between lease checkpoints (extension 3.x).",
        ),
        *_FEED_TIMING,
        prop(
            "startFromBeginning",
            "boolean",
            "On the first run, read the container's whole history instead of starting now.",
            "Only matters while the lease container holds no leases for this function.",
            default=False,
        ),
        prop(
            "startFromTime",
            "string",
            "On the first run, start reading changes from this ISO 8601 UTC time (extension 4.x).",
            "For example `2024-02-16T14:19:29Z`. Cannot be combined with `startFromBeginning`.",
        ),
        _PREFERRED,
        prop(
            "changeFeedMode",
            "enum",
            "`LatestVersion` (the default) or `AllVersionsAndDeletes`.",
            "`AllVersionsAndDeletes` also reports intermediate versions and deletes; it needs "
            "continuous backup on the account. The decorator parameter `change_feed_mode` "
            "exists from azure-functions 2.x.",
            enum="CosmosDBChangeFeedMode",
            default="LatestVersion",
        ),
        DATA_TYPE,
    ),
    one_of=(("connection", "connectionStringSetting"), ("containerName", "collectionName")),
    input_types=(DOCUMENT_LIST, STR, BYTES),
    docs=_DOCS + "functions-bindings-cosmosdb-v2-trigger",
)

INPUT_OUTPUT = BindingSpec(
    type="cosmosDB",
    family="cosmosdb",
    title="Azure Cosmos DB input / output",
    trigger=False,
    directions=("in", "out"),
    summary="Reads items from a container, or writes (upserts) items into one.",
    description=(
        "As an input, give `id` and `partitionKey` to read one item, or `sqlQuery` to run a "
        "query; the function receives a `func.DocumentList`. As an output, set a "
        "`func.Out[func.Document]` (or a `func.DocumentList`, or JSON text) and the items are "
        "upserted when the function returns. Property names follow extension 4.x "
        "(`connection`, `containerName`) or 3.x (`connectionStringSetting`, `collectionName`)."
    ),
    properties=(
        _CONNECTION,
        _CONNECTION_V3,
        _DATABASE,
        _CONTAINER,
        _COLLECTION,
        _PARTITION_KEY,
        prop(
            "id",
            "string",
            "Id of the item to read, e.g. `{Query.id}`; use it with `partitionKey`.",
            directions=_IN,
        ),
        prop(
            "sqlQuery",
            "string",
            "A query whose results are read, e.g. `SELECT * FROM c WHERE c.done = false`.",
            "Binding expressions such as `{Query.status}` may appear in it; they are passed as "
            "query parameters, not spliced into the text.",
            directions=_IN,
        ),
        prop(
            "createIfNotExists",
            "boolean",
            "Create the container when it is missing.",
            "Give `partitionKey` as the key path (and the throughput) for the new container.",
            default=False,
            directions=_OUT,
        ),
        prop(
            "containerThroughput",
            "integer",
            "Request units for a container the binding creates (extension 4.x).",
            directions=_OUT,
        ),
        prop(
            "collectionThroughput",
            "integer",
            "Request units for a collection the binding creates (extension 3.x).",
            directions=_OUT,
        ),
        prop(
            "useMultipleWriteLocations",
            "boolean",
            "Write to the nearest region of a multi-region-write account (extension 3.x).",
            "Use it with `preferredLocations`.",
            directions=_OUT,
        ),
        _PREFERRED,
        DATA_TYPE,
    ),
    one_of=(("connection", "connectionStringSetting"), ("containerName", "collectionName")),
    input_types=(DOCUMENT_LIST, STR, BYTES, *COSMOS_SDK_TYPES),
    output_types=(DOCUMENT, DOCUMENT_LIST, STR, BYTES),
    return_types=(DOCUMENT, DOCUMENT_LIST),
    docs=_DOCS + "functions-bindings-cosmosdb-v2-input",
)

BINDINGS: tuple[BindingSpec, ...] = (TRIGGER, INPUT_OUTPUT)
