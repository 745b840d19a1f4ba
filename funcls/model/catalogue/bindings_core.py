"""HTTP, timer, warm-up and Azure Storage (queue, blob, table) bindings."""

from __future__ import annotations

from funcls.model.catalogue.common import (
    BLOB_SDK_TYPES,
    BYTEARRAY,
    BYTES,
    DATA_TYPE,
    GENERIC_INPUT_TYPES,
    GENERIC_OUTPUT_TYPES,
    HTTP_REQUEST,
    HTTP_RESPONSE,
    INPUT_STREAM,
    QUEUE_MESSAGE,
    STORAGE_CONNECTION,
    STR,
    TIMER_REQUEST,
    WARMUP_CONTEXT,
    prop,
    typing_list,
)
from funcls.model.catalogue.types import BindingSpec

_DOCS = "https://learn.microsoft.com/azure/azure-functions/"

BLOB_PATH_TEXT = (
    "Write it as `container/blob`, for example `samples/{name}.json`. The first segment is "
    "the container. Curly-brace names like `{name}` are binding expressions: in a trigger path "
    "they capture parts of the blob name, and other bindings of the same function can reuse "
    "them; `%Setting%` is replaced by an app setting."
)

BINDINGS: tuple[BindingSpec, ...] = (
    BindingSpec(
        type="httpTrigger",
        family="http",
        title="HTTP trigger",
        trigger=True,
        directions=("in",),
        summary="Runs the function when an HTTP request arrives at its route.",
        description=(
            "The host listens on `/api/<route>` (the `api` prefix comes from host.json "
            "`extensions.http.routePrefix`). The function receives a `func.HttpRequest` and "
            "answers through an `http` output binding, usually `$return`."
        ),
        properties=(
            prop(
                "authLevel",
                "enum",
                "Key the caller must send: `anonymous`, `function` or `admin`.",
                "With `function` the caller sends a function key in the `code` query "
                "parameter or the `x-functions-key` header; `admin` needs the master key. Keys "
                "are not checked when you run locally. Leave it out and the host assumes "
                "`function` (in the v2 model the app's `http_auth_level` fills it in).",
                enum="AuthLevel",
                default="function",
                role="auth-level",
            ),
            prop(
                "methods",
                "enum-list",
                "HTTP methods the function answers; leave it out to answer all of them.",
                'A list such as `["get", "post"]`. A request with another method gets '
                "404 from the host.",
                enum="HttpMethod",
                role="methods",
            ),
            prop(
                "route",
                "string",
                "URL path after the route prefix, e.g. `products/{id:int?}`.",
                "A route template: literal segments, `{name}` parameters, constraints such "
                "as `{id:int}`, optional `{id?}` and a final catch-all `{*rest}`. Route "
                "parameters reach Python in `req.route_params` and can feed other bindings. "
                "Leave it out and the route is the function's name.",
                role="route",
            ),
            prop(
                "webHookType",
                "string",
                "Legacy: make the function a GitHub or Slack webhook receiver.",
                "Only supported by version 1.x of the runtime; Python apps should not set it.",
                values=("genericJson", "github", "slack"),
                v1_only=True,
            ),
            DATA_TYPE,
        ),
        input_types=(HTTP_REQUEST,),
        runner="native",
        needs_bundle=False,
        docs=_DOCS + "functions-bindings-http-webhook-trigger",
    ),
    BindingSpec(
        type="http",
        family="http",
        title="HTTP output",
        trigger=False,
        directions=("out",),
        summary="The response an HTTP-triggered function sends back.",
        description=(
            "Name it `$return` to answer with the function's return value, or give it a name "
            "and set a `func.Out[func.HttpResponse]` parameter. A `str` is sent as the body "
            "with status 200."
        ),
        properties=(DATA_TYPE,),
        output_types=(HTTP_RESPONSE, STR),
        runner="native",
        needs_bundle=False,
        docs=_DOCS + "functions-bindings-http-webhook-output",
    ),
    BindingSpec(
        type="timerTrigger",
        host_retries=True,
        family="timer",
        title="Timer trigger",
        trigger=True,
        directions=("in",),
        summary="Runs the function on a schedule.",
        description=(
            "The schedule is an NCRONTAB expression with six fields, seconds first "
            "(`0 */5 * * * *` is every five minutes), or a TimeSpan such as `00:10:00`. "
            "Times are UTC unless `WEBSITE_TIME_ZONE` says otherwise. The function receives "
            "a `func.TimerRequest`; its `past_due` is true when a run was missed."
        ),
        properties=(
            prop(
                "schedule",
                "string",
                "NCRONTAB expression (six fields, seconds first) or TimeSpan.",
                "Fields: second, minute, hour, day of month, month, day of week. `0 30 9 * * "
                "1-5` runs at 09:30:00 on weekdays. A `%Setting%` expression reads the "
                "schedule from an app setting.",
                required=True,
                role="schedule",
            ),
            prop(
                "runOnStartup",
                "boolean",
                "Also run once whenever the host starts.",
                "Useful while developing; avoid it in production, where the host restarts "
                "whenever it scales or is recycled.",
                default=False,
            ),
            prop(
                "useMonitor",
                "boolean",
                "Track schedule status in storage so missed runs are noticed.",
                "On by default for schedules that recur less often than once a minute; "
                "it needs a storage connection (`AzureWebJobsStorage`).",
            ),
            DATA_TYPE,
        ),
        input_types=(TIMER_REQUEST, STR, BYTES),
        runner="native",
        needs_bundle=False,
        docs=_DOCS + "functions-bindings-timer",
    ),
    BindingSpec(
        type="warmupTrigger",
        family="warmup",
        title="Warm-up trigger",
        trigger=True,
        directions=("in",),
        summary="Runs when a new instance of the app is being warmed up (Premium and "
        "Dedicated plans).",
        description=(
            "Use it to open connections or fill caches before the instance takes traffic. "
            "It fires only on plans that pre-warm instances; locally it never fires on its "
            "own."
        ),
        properties=(DATA_TYPE,),
        input_types=(WARMUP_CONTEXT, STR, BYTES),
        runner="invoke",
        needs_bundle=False,
        docs=_DOCS + "functions-bindings-warmup",
    ),
    BindingSpec(
        type="queueTrigger",
        family="queue",
        title="Queue storage trigger",
        trigger=True,
        directions=("in",),
        summary="Runs the function for each message added to an Azure Storage queue.",
        description=(
            "The message is hidden while the function runs and deleted when it succeeds. "
            "When it fails the message comes back after the visibility timeout; after "
            "`maxDequeueCount` attempts (host.json `extensions.queues`, default 5) it moves to "
            "`<queue>-poison`. The function receives a `func.QueueMessage`."
        ),
        properties=(
            prop(
                "queueName",
                "string",
                "The queue to watch.",
                "Queue names are 3–63 characters of lowercase letters, digits and single "
                "hyphens. A `%Setting%` expression reads the name from an app setting.",
                required=True,
                role="queue-name",
            ),
            STORAGE_CONNECTION,
            DATA_TYPE,
        ),
        input_types=(QUEUE_MESSAGE, STR, BYTES),
        runner="native",
        docs=_DOCS + "functions-bindings-storage-queue-trigger",
    ),
    BindingSpec(
        type="queue",
        family="queue",
        title="Queue storage output",
        trigger=False,
        directions=("out",),
        summary="Adds messages to an Azure Storage queue.",
        description=(
            "Set a `func.Out[str]` parameter (or return the message through `$return`). "
            "Setting a list sends several messages. The queue is created if it does not "
            "exist."
        ),
        properties=(
            prop(
                "queueName",
                "string",
                "The queue the messages go to.",
                "Queue names are 3–63 characters of lowercase letters, digits and single "
                "hyphens. Binding expressions such as `{name}` are allowed.",
                required=True,
                role="queue-name",
            ),
            STORAGE_CONNECTION,
            DATA_TYPE,
        ),
        output_types=(
            STR,
            BYTES,
            QUEUE_MESSAGE,
            typing_list(STR),
            typing_list(BYTES),
        ),
        return_types=(STR, BYTES, QUEUE_MESSAGE),
        runner="native",
        docs=_DOCS + "functions-bindings-storage-queue-output",
    ),
    BindingSpec(
        type="blobTrigger",
        family="blob",
        title="Blob storage trigger",
        trigger=True,
        directions=("in",),
        summary="Runs the function when a blob is added or changed in a container.",
        description=(
            "The path pattern picks the container and, optionally, which blob names count; "
            "names captured by `{…}` in the pattern can be used by the function's other "
            "bindings. The function receives a `func.InputStream` (or `str` / `bytes`)."
        ),
        properties=(
            prop(
                "path",
                "string",
                "Container and blob name pattern to watch, e.g. `samples/{name}`.",
                BLOB_PATH_TEXT,
                required=True,
                role="blob-path",
            ),
            STORAGE_CONNECTION,
            prop(
                "source",
                "enum",
                "How new blobs are detected: `LogsAndContainerScan` or `EventGrid`.",
                "`EventGrid` reacts faster and scales better but needs an Event Grid "
                "subscription on the storage account; the default polls the container.",
                enum="BlobSource",
                default="LogsAndContainerScan",
            ),
            DATA_TYPE,
        ),
        input_types=(INPUT_STREAM, STR, BYTES, *BLOB_SDK_TYPES),
        runner="native",
        docs=_DOCS + "functions-bindings-storage-blob-trigger",
    ),
    BindingSpec(
        type="blob",
        family="blob",
        title="Blob storage input / output",
        trigger=False,
        directions=("in", "out"),
        summary="Reads a blob into the function, or writes one.",
        description=(
            "As an input the function receives the blob's content (`func.InputStream`, "
            "`str` or `bytes`; `None` when the blob does not exist). As an output, set a "
            "`func.Out[str]` / `func.Out[bytes]` parameter and the blob is written when the "
            "function returns."
        ),
        properties=(
            prop(
                "path",
                "string",
                "Container and blob name, e.g. `outputs/{name}.txt`.",
                BLOB_PATH_TEXT,
                required=True,
                role="blob-path",
            ),
            STORAGE_CONNECTION,
            DATA_TYPE,
        ),
        input_types=(INPUT_STREAM, STR, BYTES, *BLOB_SDK_TYPES),
        # The first is what completion and AZF200's fix write (func.Out[str]): the worker
        # takes an InputStream too, but a function has none to write (found in Neovim: the
        # parameter offered for a blob output was func.Out[func.InputStream]).
        output_types=(STR, BYTES, BYTEARRAY, INPUT_STREAM),
        runner="native",
        docs=_DOCS + "functions-bindings-storage-blob-input",
    ),
    BindingSpec(
        type="table",
        family="table",
        title="Table storage input / output",
        trigger=False,
        directions=("in", "out"),
        summary="Reads entities from, or writes entities to, an Azure Table (Storage or "
        "Cosmos DB for Table).",
        description=(
            "As an input the function receives the entity or entities as JSON text; as an "
            "output, set a `func.Out[str]` to a JSON object with `PartitionKey` and "
            "`RowKey`."
        ),
        properties=(
            prop(
                "tableName",
                "string",
                "The table to read or write.",
                "Table names are 3–63 letters and digits and start with a letter.",
                required=True,
                role="table-name",
            ),
            prop("partitionKey", "string", "Partition key of the entity (or entities)."),
            prop(
                "rowKey",
                "string",
                "Row key of the entity to write; an input does not filter by it.",
                # The host binds a non-.NET table input to a JSON array queried by partitionKey
                # and filter only (Azure/azure-functions-python-worker#1725, open;
                # funcls/runner/table_binding.py does the same).
                "On an input the host leaves it out of the query: a Python function gets all "
                "the entities of the partition as a JSON array, also when the row key is set "
                "(Azure/azure-functions-python-worker#1725). Pick the row in the code, or use "
                "`filter`, e.g. `RowKey eq '{id}'`.",
            ),
            prop(
                "take",
                "integer",
                "Read at most this many entities.",
                directions=("in",),
            ),
            prop(
                "filter",
                "string",
                "An OData filter, e.g. `Status eq 'open'`.",
                directions=("in",),
            ),
            STORAGE_CONNECTION,
            DATA_TYPE,
        ),
        input_types=GENERIC_INPUT_TYPES,
        output_types=GENERIC_OUTPUT_TYPES,
        runner="native",  # read and written by funcls/runner/table_binding.py
        docs=_DOCS + "functions-bindings-storage-table",
    ),
)
