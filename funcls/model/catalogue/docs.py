"""Hand-written texts for the decorators of FunctionApp / Blueprint and df.DFApp.

A decorator's parameters that set a binding property are described by that property (see the
binding modules); `param_summaries` covers the others: argument names, the `*_extra_fields`
dictionaries and the parameters of the modifier decorators.
"""

from __future__ import annotations

from funcls.model.catalogue.types import DecoratorDoc

_ARG = "Name of the function parameter that receives the {what}; becomes the binding's `name`."
_OUT_ARG = (
    "Name of the `func.Out[...]` parameter the function sets, or `$return` to use the "
    "return value; becomes the binding's `name`."
)
_EXTRA = (
    " Other keywords are written into the binding's function.json entry unchanged, so "
    "properties the decorator lacks can still be set."
)


def _trigger(summary: str, description: str, what: str) -> DecoratorDoc:
    return DecoratorDoc(
        summary,
        description + _EXTRA,
        {"arg_name": _ARG.format(what=what)},
    )


def _input(summary: str, description: str, what: str) -> DecoratorDoc:
    return _trigger(summary, description, what)


def _output(summary: str, description: str) -> DecoratorDoc:
    return DecoratorDoc(summary, description + _EXTRA, {"arg_name": _OUT_ARG})


def _generic(kind: str, what: str) -> DecoratorDoc:
    return DecoratorDoc(
        f"Adds a {kind} of any binding type, named by `type`.",
        f"For bindings azure-functions has no decorator for (SignalR, RabbitMQ, Redis, Web "
        f"PubSub, ...): every other keyword becomes a property of the {kind}, written as given, "
        f"so use the function.json (camelCase) names.",
        {
            "arg_name": what,
            "type": "The function.json `type` of the binding, e.g. `redisListTrigger`.",
            "data_type": "Sets `dataType`: how the value is handed to Python "
            "(`STRING`, `BINARY`, `STREAM`).",
        },
    )


_OPENAI = " The OpenAI extension ships in the preview extension bundle."
_DAPR = " The Dapr sidecar must run next to the host."
_COSMOS_V3 = (
    " The `_v3` decorators write the property names of Cosmos DB extension 3.x (extension "
    "bundle 2.x); the plain ones those of 4.x (bundles 3.x and 4.x)."
)

DECORATOR_DOCS: dict[str, DecoratorDoc] = {
    # --- HTTP, timer, warm-up --------------------------------------------------------------
    "route": DecoratorDoc(
        "Makes the function an HTTP endpoint: adds an HTTP trigger and an HTTP output.",
        "The route defaults to the function's name (after `function_name`), served under the "
        "`api/` prefix. The request arrives in the parameter named by `trigger_arg_name` "
        "(`req` by default) and the response is the return value (`binding_arg_name` "
        "defaults to `$return`). `auth_level` defaults to the app's `http_auth_level`; "
        "leaving `methods` out answers every method.",
        {
            "trigger_arg_name": "Name of the parameter that receives the `func.HttpRequest`; "
            "`req` when left out.",
            "binding_arg_name": "Name of the HTTP output: `$return` (the default) sends the "
            "return value; another name needs a `func.Out[func.HttpResponse]` parameter.",
            "trigger_extra_fields": "Extra keys for the httpTrigger entry of function.json, "
            "as a dict.",
            "binding_extra_fields": "Extra keys for the http output entry, as a dict.",
        },
    ),
    "timer_trigger": _trigger(
        "Runs the function on an NCRONTAB schedule (six fields, seconds first).",
        "`schedule` is an NCRONTAB expression such as `0 */5 * * * *` (every five minutes) "
        "or a `%Setting%`. The parameter receives a `func.TimerRequest`.",
        "`func.TimerRequest`",
    ),
    "warm_up_trigger": _trigger(
        "Runs the function when a new instance is warmed up (Premium / Dedicated plans).",
        "Only one warm-up function is allowed per app; it never fires locally on its own.",
        "warm-up context",
    ),
    # --- Storage ---------------------------------------------------------------------------
    "queue_trigger": _trigger(
        "Runs the function for each message on an Azure Storage queue.",
        "The parameter receives a `func.QueueMessage`. `connection` names an app setting "
        "(use `AzureWebJobsStorage` for the app's own account).",
        "`func.QueueMessage`",
    ),
    "queue_output": _output(
        "Adds messages to an Azure Storage queue.",
        "Set a `func.Out[str]` (or a list of messages) or return the message.",
    ),
    "blob_trigger": _trigger(
        "Runs the function when a blob is created or updated at a path pattern.",
        "`path` is `container/pattern`, e.g. `uploads/{name}`; `{name}` can be reused by other "
        "bindings. `source=BlobSource.EVENT_GRID` switches to Event Grid notifications.",
        "blob (`func.InputStream`, `str`, `bytes` or an SDK client)",
    ),
    "blob_input": _input(
        "Reads a blob into the function.",
        "The parameter receives the content (`func.InputStream`, `str`, `bytes` or an SDK "
        "client), or `None` when the blob does not exist.",
        "blob content",
    ),
    "blob_output": _output(
        "Writes a blob when the function returns.",
        "Set a `func.Out[str]` / `func.Out[bytes]` or return the content.",
    ),
    "table_input": DecoratorDoc(
        "Reads one entity, or a filtered set, from an Azure Table.",
        "The parameter receives JSON text: an object for `partition_key` + `row_key`, a list "
        "otherwise.",
        {"arg_name": _ARG.format(what="entity or entities (JSON text)")},
    ),
    "table_output": DecoratorDoc(
        "Writes an entity to an Azure Table.",
        "Set a `func.Out[str]` to a JSON object with `PartitionKey` and `RowKey`.",
        {"arg_name": _OUT_ARG},
    ),
    # --- Messaging -------------------------------------------------------------------------
    "event_hub_message_trigger": _trigger(
        "Runs the function for events arriving at an event hub.",
        "Set `cardinality=Cardinality.MANY` and annotate `typing.List[func.EventHubEvent]` for "
        "batches. Checkpoints are kept in `AzureWebJobsStorage`.",
        "`func.EventHubEvent` (or a list of them)",
    ),
    "event_hub_output": _output(
        "Sends events to an event hub.",
        "Set a `func.Out[str]`, a list of strings, or return the event.",
    ),
    "service_bus_queue_trigger": _trigger(
        "Runs the function for each message on a Service Bus queue.",
        "The message is completed when the function succeeds and abandoned when it fails.",
        "`func.ServiceBusMessage`",
    ),
    "service_bus_topic_trigger": _trigger(
        "Runs the function for each message on a Service Bus topic subscription.",
        "Give both `topic_name` and `subscription_name`.",
        "`func.ServiceBusMessage`",
    ),
    "service_bus_queue_output": _output(
        "Sends messages to a Service Bus queue.",
        "Set a `func.Out[str]` or return the message.",
    ),
    "service_bus_topic_output": _output(
        "Sends messages to a Service Bus topic.",
        "Every subscription of the topic receives them; `subscription_name` is written but "
        "not used.",
    ),
    "event_grid_trigger": _trigger(
        "Runs the function for each event an Event Grid subscription delivers.",
        "The parameter receives a `func.EventGridEvent` (or a `func.CloudEvent`).",
        "event",
    ),
    "event_grid_output": _output(
        "Publishes events to an Event Grid custom topic.",
        "Give `topic_endpoint_uri` and `topic_key_setting` (names of app settings), or "
        "`connection` for identity-based access.",
    ),
    "kafka_trigger": _trigger(
        "Runs the function for events on a Kafka topic.",
        "`broker_list` usually reads an app setting (`%BrokerList%`); secrets such as "
        "`password` should too.",
        "`func.KafkaEvent` (or a list of them)",
    ),
    "kafka_output": _output(
        "Writes events to a Kafka topic.",
        "Set a `func.Out[str]` or a list of strings.",
    ),
    # --- Cosmos DB -------------------------------------------------------------------------
    "cosmos_db_trigger": _trigger(
        "Runs the function with the items created or updated in a Cosmos DB container.",
        "Reads the change feed; leases live in `lease_container_name` (`leases`)." + _COSMOS_V3,
        "`func.DocumentList`",
    ),
    "cosmos_db_trigger_v3": _trigger(
        "Cosmos DB trigger with the extension 3.x property names.",
        "Use it only with extension bundle 2.x." + _COSMOS_V3,
        "`func.DocumentList`",
    ),
    "cosmos_db_input": _input(
        "Reads items from a Cosmos DB container by id or by query.",
        "Give `id` and `partition_key`, or `sql_query`." + _COSMOS_V3,
        "`func.DocumentList` (or an SDK client)",
    ),
    "cosmos_db_input_v3": _input(
        "Cosmos DB input with the extension 3.x property names.",
        "Use it only with extension bundle 2.x." + _COSMOS_V3,
        "`func.DocumentList`",
    ),
    "cosmos_db_output": _output(
        "Upserts items into a Cosmos DB container.",
        "Set a `func.Out[func.Document]` or a `func.DocumentList`." + _COSMOS_V3,
    ),
    "cosmos_db_output_v3": _output(
        "Cosmos DB output with the extension 3.x property names.",
        "Use it only with extension bundle 2.x." + _COSMOS_V3,
    ),
    # --- SQL / MySQL -----------------------------------------------------------------------
    "sql_trigger": _trigger(
        "Runs the function when rows of an Azure SQL table change.",
        "Change tracking must be enabled on the database and the table. The parameter "
        "receives the changes as JSON text.",
        "changes (JSON text)",
    ),
    "sql_input": _input(
        "Runs a query or stored procedure against Azure SQL.",
        "The parameter receives a `func.SqlRowList`.",
        "`func.SqlRowList`",
    ),
    "sql_output": _output(
        "Upserts rows into an Azure SQL table.",
        "`command_text` names the table; set a `func.Out[func.SqlRow]` or a row list.",
    ),
    "mysql_trigger": _trigger(
        "Runs the function when rows of an Azure Database for MySQL table change.",
        "The parameter receives the changes.",
        "changes",
    ),
    "mysql_input": _input(
        "Runs a query or stored procedure against Azure Database for MySQL.",
        "The parameter receives a `func.MySqlRowList`.",
        "`func.MySqlRowList`",
    ),
    "mysql_output": _output(
        "Upserts rows into an Azure Database for MySQL table.",
        "`command_text` names the table; set a `func.Out[func.MySqlRow]` or a row list.",
    ),
    # --- Dapr ------------------------------------------------------------------------------
    "dapr_service_invocation_trigger": _trigger(
        "Runs the function when another Dapr app invokes `method_name` on this one.",
        "The parameter receives the request body." + _DAPR,
        "request body",
    ),
    "dapr_binding_trigger": _trigger(
        "Runs the function for events from a Dapr input binding component.",
        "The parameter receives the event payload." + _DAPR,
        "payload",
    ),
    "dapr_topic_trigger": _trigger(
        "Runs the function for messages on a Dapr pub/sub topic.",
        "`route` defaults to the topic name (the library fills it in)." + _DAPR,
        "CloudEvent payload",
    ),
    "dapr_state_input": _input(
        "Reads a value from a Dapr state store.",
        "The parameter receives the stored value." + _DAPR,
        "state value",
    ),
    "dapr_secret_input": _input(
        "Reads a secret from a Dapr secret store.",
        "The parameter receives the secret(s) as JSON." + _DAPR,
        "secret values",
    ),
    "dapr_state_output": _output(
        "Saves a value to a Dapr state store.",
        "Set the value, or JSON with `key` and `value`." + _DAPR,
    ),
    "dapr_invoke_output": _output(
        "Invokes a method of another Dapr app.",
        "Set the request body." + _DAPR,
    ),
    "dapr_publish_output": _output(
        "Publishes a message to a Dapr pub/sub topic.",
        "Set the payload." + _DAPR,
    ),
    "dapr_binding_output": _output(
        "Sends data through a Dapr output binding component.",
        "Set the data, or JSON with `data`, `operation` and `metadata`." + _DAPR,
    ),
    # --- OpenAI ----------------------------------------------------------------------------
    "assistant_skill_trigger": _trigger(
        "Exposes the function to assistants as a callable tool (skill).",
        "`function_description` tells the model what the tool does." + _OPENAI,
        "tool arguments",
    ),
    "text_completion_input": _input(
        "Sends a prompt to a chat model and hands the function the answer.",
        "The parameter receives JSON whose `content` is the reply." + _OPENAI,
        "completion (JSON)",
    ),
    "assistant_query_input": _input(
        "Reads an assistant's chat history.",
        "The parameter receives the state and recent messages as JSON." + _OPENAI,
        "chat state (JSON)",
    ),
    "assistant_create_output": _output(
        "Creates an assistant (a chat session with instructions).",
        "Set JSON with `id` and `instructions`." + _OPENAI,
    ),
    "assistant_post_input": _input(
        "Posts a user message to an assistant and hands the function the reply.",
        "The parameter receives the updated chat state as JSON." + _OPENAI,
        "chat state (JSON)",
    ),
    "embeddings_input": _input(
        "Computes embeddings of a text, file or URL.",
        "`input_type` says what `input` holds." + _OPENAI,
        "embeddings (JSON)",
    ),
    "embeddings_store_output": _output(
        "Embeds content and stores the vectors in a search store.",
        "`store_connection_name` and `collection` choose the store." + _OPENAI,
    ),
    "semantic_search_input": _input(
        "Answers a question from documents in a vector store (retrieval-augmented).",
        "The parameter receives the answer and the documents as JSON." + _OPENAI,
        "answer (JSON)",
    ),
    # --- MCP -------------------------------------------------------------------------------
    "mcp_tool": DecoratorDoc(
        "Turns the function into an MCP tool, built from its signature.",
        "The tool name is the function's name, the description its docstring, and the tool "
        "properties come from its parameters and annotations (refine them with "
        "`mcp_tool_property`). A parameter of type `func.MCPToolContext` receives the call "
        "context. Returning an MCP SDK type or an `@mcp_content` class turns on the result "
        "schema.",
        {
            "metadata": "Extra MCP metadata for the tool, as JSON text.",
            "use_result_schema": "Describe the result's structure to clients (structured "
            "content); turned on automatically for MCP SDK return types.",
        },
    ),
    "mcp_tool_property": DecoratorDoc(
        "Describes one argument of an MCP tool made with `mcp_tool`.",
        "Overrides what `mcp_tool` infers from the parameter: description, type, whether it "
        "is required and whether it is an array. Nothing is written to function.json "
        "directly; `mcp_tool` reads it.",
        {
            "arg_name": "The function parameter (tool argument) being described.",
            "description": "What the argument means, for the model.",
            "property_type": "The argument's MCP type (`McpPropertyType.STRING`, "
            "`INTEGER`, ...); inferred from the annotation when left out.",
            "is_required": "Whether callers must give the argument; `True` by default.",
            "as_array": "Whether the argument is a list of values; `False` by default.",
        },
    ),
    "mcp_tool_trigger": _trigger(
        "Exposes the function as an MCP tool, described explicitly.",
        "`tool_properties` is the JSON list of arguments; `mcp_tool` builds it for you.",
        "tool call (JSON text, dict or `func.MCPToolContext`)",
    ),
    "mcp_resource_trigger": _trigger(
        "Serves an MCP resource (data clients read by URI).",
        "The return value is the resource's content.",
        "resource request",
    ),
    "mcp_prompt_trigger": DecoratorDoc(
        "Serves an MCP prompt template.",
        "The return value is the prompt's messages. `prompt_arguments` is written as JSON "
        "into `promptArguments`." + _EXTRA,
        {
            "arg_name": _ARG.format(what="`func.PromptInvocationContext`"),
            "prompt_arguments": "The prompt's arguments, as a list of `func.PromptArgument("
            "name, description, required)`.",
        },
    ),
    # --- Other -----------------------------------------------------------------------------
    "connector_trigger": _trigger(
        "Runs the function for events from a Logic Apps managed connector.",
        "The return value is the response to the connector.",
        "event payload",
    ),
    "generic_trigger": _generic(
        "trigger", _ARG.format(what="trigger's value (`str` or `bytes` for most types)")
    ),
    "generic_input_binding": _generic("input binding", _ARG.format(what="input's value")),
    "generic_output_binding": _generic("output binding", _OUT_ARG),
    # --- Function settings -----------------------------------------------------------------
    "function_name": DecoratorDoc(
        "Sets the function's name (the Python function's name otherwise).",
        "The name shows in the portal and logs, is the default HTTP route, and must be unique "
        "in the app.",
        {
            "name": "The function's name: letters, digits, `_` and `-`, starting with a "
            "letter, at most 128 characters.",
            "setting_extra_fields": "Extra keys for the function-name setting, as a dict.",
        },
    ),
    "http_type": DecoratorDoc(
        "Sets how the worker runs an HTTP function (`function`, `asgi` or `wsgi`).",
        "`AsgiFunctionApp` and `WsgiFunctionApp` set it for the functions they create; apps "
        "rarely need it.",
        {"http_type": "`function` (the default), `asgi` or `wsgi`."},
    ),
    "retry": DecoratorDoc(
        "Retries a failed invocation (timer, Kafka, Event Hubs and Cosmos DB triggers).",
        "The policy goes into the function's `retry` settings, as host.json / function.json "
        "`retry` would. Other triggers ignore it: they have their own retries.",
        {
            "strategy": "`fixed_delay` or `exponential_backoff`.",
            "max_retry_count": "Most retries per execution, as text; `-1` retries forever.",
            "delay_interval": "Wait between retries with `fixed_delay`, as `HH:MM:SS`.",
            "minimum_interval": "Shortest wait with `exponential_backoff`, as `HH:MM:SS`.",
            "maximum_interval": "Longest wait with `exponential_backoff`, as `HH:MM:SS`.",
            "setting_extra_fields": "Extra keys for the retry setting, as a dict.",
        },
    ),
    # --- Durable ---------------------------------------------------------------------------
    "orchestration_trigger": DecoratorDoc(
        "Makes the function a durable orchestrator (a generator that yields tasks).",
        "The library wraps the function with `df.Orchestrator.create`, so write a generator "
        "taking `df.DurableOrchestrationContext`. It must be deterministic: it is replayed "
        "from history after every step.",
        {
            "context_name": "Name of the parameter that receives the "
            "`df.DurableOrchestrationContext`; becomes the binding's `name`.",
            "input_type": "Type that `context.get_input()` decodes the orchestration input "
            "to (DFApp only).",
        },
    ),
    "activity_trigger": DecoratorDoc(
        "Makes the function a durable activity, called by orchestrators.",
        "The parameter receives the input given to `call_activity`; the return value must be "
        "JSON-serializable.",
        {
            "input_name": "Name of the parameter that receives the activity's input; "
            "becomes the binding's `name`.",
        },
    ),
    "entity_trigger": DecoratorDoc(
        "Makes the function a durable entity.",
        "The library wraps the function with `df.Entity.create`; it receives a "
        "`df.DurableEntityContext` for each operation.",
        {
            "context_name": "Name of the parameter that receives the "
            "`df.DurableEntityContext`; becomes the binding's `name`.",
        },
    ),
    "durable_client_input": DecoratorDoc(
        "Gives the function a durable client to start and manage orchestrations.",
        "With `df.DFApp` the parameter receives a `df.DurableOrchestrationClient` (the "
        "library builds it from the binding's JSON); with a plain `FunctionApp` it receives "
        "that JSON as `str`.",
        {
            "client_name": "Name of the parameter that receives the client; becomes the "
            "binding's `name`.",
        },
    ),
    "durable_openai_agent_orchestrator": DecoratorDoc(
        "Runs an OpenAI Agents SDK agent inside a durable orchestration.",
        "Put it under `orchestration_trigger`: the agent's model calls become a durable "
        "activity (function `run_model_activity`, activity name `run_model`, added once per "
        "app), so a long agent run survives "
        "restarts. Needs the `openai-agents` package.",
        {
            "_func": "The decorated function, when the decorator is used without parentheses.",
            "model_provider": "An `agents.ModelProvider` to use instead of the default "
            "OpenAI provider (for tests or other models).",
            "model_retry_options": "`df.RetryOptions` for the model-call activity; 5 "
            "attempts, 2 s apart by default.",
        },
    ),
}

# Aliases share their target's text.
DECORATOR_DOCS["schedule"] = DECORATOR_DOCS["timer_trigger"]
