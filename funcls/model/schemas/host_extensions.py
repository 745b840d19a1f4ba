"""host.json ``extensions``: the settings of the binding extensions, in our words.

Described for the extension versions of extension bundle 4.x (Storage 5.x, Service Bus 5.x,
Event Hubs 5.x, Cosmos DB 4.x, Durable Functions 2.x/3.x, Kafka, SQL, MCP). Keys match ignoring
case and extensions add settings over time, so additional keys stay allowed throughout.
"""

from __future__ import annotations

from funcls.model.schemas.common import (
    Schema,
    boolean,
    describe,
    enum,
    integer,
    obj,
    string,
    strings,
    timespan,
)
from funcls.model.schemas.host_durable import durable_task_schema

_PER_CORE = "The default grows with the number of cores of the instance."


def _http() -> Schema:
    return obj(
        "HTTP trigger settings.",
        {
            "routePrefix": string(
                'Prefix of every HTTP route; `""` removes it.',
                "With the default, a function with route `items` answers on `/api/items`.",
                default="api",
            ),
            "maxOutstandingRequests": integer(
                "Most requests held (running or queued) at once; more get 429. `-1`: no limit.",
                minimum=-1,
            ),
            "maxConcurrentRequests": integer(
                "Most HTTP functions running at once; `-1`: no limit.",
                minimum=-1,
            ),
            "dynamicThrottlesEnabled": boolean(
                "Answer 429 while the instance is short of CPU, memory or connections.",
            ),
            # HttpOptions.ChunkedTransferEnabled (azure-webjobs-sdk-extensions
            # src/WebJobs.Extensions.Http/Config/HttpOptions.cs).
            "chunkedTransferEnabled": boolean(
                "Send HTTP responses with chunked transfer encoding.", default=False
            ),
            "hsts": obj(
                "HTTP Strict Transport Security headers.",
                {
                    "isEnabled": boolean("Send the HSTS header.", default=False),
                    "maxAge": timespan(
                        "How long browsers remember to use HTTPS only (`10` is ten days)."
                    ),
                    "includeSubDomains": boolean("Apply the rule to sub-domains as well."),
                    "preload": boolean("Ask to be put on the browsers' preload list."),
                    "excludedHosts": strings("Host names that never get the header."),
                },
            ),
            "customHeaders": describe(
                {"type": "object", "additionalProperties": {"type": "string"}},
                "Headers added to every HTTP response, e.g. `X-Content-Type-Options: nosniff`.",
            ),
        },
    )


def _queues() -> Schema:
    polling = timespan("A time span, e.g. `00:00:02`.", default="00:01:00")
    return obj(
        "Azure Storage queue trigger and output settings.",
        {
            "maxPollingInterval": describe(
                {"anyOf": [polling, {"type": "integer", "minimum": 100}]},
                "Longest wait between polls of an empty queue, e.g. `00:00:02`.",
                "Polling backs off up to this interval while the queue stays empty; the "
                "shortest is 100 ms. Older extension versions took milliseconds (`2000`).",
            ),
            "visibilityTimeout": timespan(
                "How long a failed message stays hidden before it is retried.",
                default="00:00:00",
            ),
            "batchSize": integer(
                "Messages fetched and processed in parallel per queue function.",
                default=16,
                minimum=1,
                maximum=32,
            ),
            "maxDequeueCount": integer(
                "Attempts before a message moves to the `<queue>-poison` queue.",
                default=5,
                minimum=1,
            ),
            "newBatchThreshold": integer(
                "Fetch the next batch when fewer messages than this are still running.",
                "The default is half of `batchSize`.",
                minimum=0,
            ),
            "messageEncoding": enum(
                "Encoding of message bodies: `base64` (the default) or `none`.",
                ("base64", "none"),
                ("Messages are Base64 text.", "Messages are written and read as they are."),
                "Messages sent by other tools must use the same encoding.",
                default="base64",
            ),
        },
    )


def _blobs() -> Schema:
    return obj(
        "Azure Storage blob trigger and binding settings.",
        {
            "maxDegreeOfParallelism": integer(
                "Most blob-triggered executions running at once, for all blob functions.",
                _PER_CORE,
                minimum=1,
            ),
            "poisonBlobThreshold": integer(
                "Failed attempts before a blob is given up (reported on `webjobs-blobtrigger-"
                "poison`).",
                default=5,
                minimum=1,
            ),
        },
    )


def _client_retry() -> Schema:
    return obj(
        "How the client retries failed calls to the service.",
        {
            "mode": enum("`exponential` or `fixed` back-off.", ("exponential", "fixed"), ()),
            "tryTimeout": timespan("Longest time one attempt may take.", default="00:01:00"),
            "delay": timespan("Delay before the first retry.", default="00:00:00.80"),
            "maxDelay": timespan("Longest delay between retries.", default="00:01:00"),
            "maxRetries": integer("Most retries of one call.", default=3, minimum=0),
        },
    )


def _transport() -> Schema:
    return enum(
        "Protocol used to reach the service: `amqpTcp` or `amqpWebSockets`.",
        ("amqpTcp", "amqpWebSockets"),
        ("AMQP over TCP (port 5671).", "AMQP over WebSockets (port 443), through proxies."),
        default="amqpTcp",
    )


def _service_bus() -> Schema:
    return obj(
        "Azure Service Bus trigger and output settings.",
        {
            "prefetchCount": integer("Messages fetched ahead of time.", default=0, minimum=0),
            "transportType": _transport(),
            "webProxy": string("Proxy for `amqpWebSockets`."),
            "autoCompleteMessages": boolean(
                "Complete a message when the function succeeds (abandon it when it fails).",
                default=True,
            ),
            "maxAutoLockRenewalDuration": timespan(
                "How long the message lock is renewed while a function runs.",
                default="00:05:00",
            ),
            "maxConcurrentCalls": integer(
                "Most messages processed at once per function (without sessions).",
                _PER_CORE,
                minimum=1,
            ),
            "maxConcurrentSessions": integer(
                "Most sessions processed at once per function.", _PER_CORE, minimum=1
            ),
            "maxMessageBatchSize": integer(
                "Most messages per batch (`cardinality: many`).", default=1000, minimum=1
            ),
            "minMessageBatchSize": integer(
                "Messages to wait for before a batch runs, up to `maxBatchWaitTime`.",
                default=1,
                minimum=1,
            ),
            "maxBatchWaitTime": timespan(
                "Longest wait to fill `minMessageBatchSize`.", default="00:00:30"
            ),
            "sessionIdleTimeout": timespan("How long to wait for the next message of a session."),
            "enableCrossEntityTransactions": boolean(
                "Allow transactions that span queues, topics and subscriptions.", default=False
            ),
            "clientRetryOptions": _client_retry(),
        },
    )


def _event_hubs() -> Schema:
    return obj(
        "Azure Event Hubs trigger and output settings.",
        {
            "maxEventBatchSize": integer("Most events per invocation.", default=100, minimum=1),
            "minEventBatchSize": integer(
                "Events to wait for before an invocation, up to `maxWaitTime`.",
                default=1,
                minimum=1,
            ),
            "maxWaitTime": timespan(
                "Longest wait to fill `minEventBatchSize`.", default="00:01:00"
            ),
            "batchCheckpointFrequency": integer(
                "Batches processed between checkpoints.", default=1, minimum=1
            ),
            "prefetchCount": integer("Events fetched ahead of time.", default=300, minimum=0),
            "transportType": _transport(),
            "webProxy": string("Proxy for `amqpWebSockets`."),
            "customEndpointAddress": string("Address to connect through, e.g. a gateway."),
            "targetUnprocessedEventThreshold": integer(
                "Unprocessed events per instance the scale controller aims for.", minimum=1
            ),
            "initialOffsetOptions": obj(
                "Where to start reading a partition that has no checkpoint yet.",
                {
                    "type": enum(
                        "`fromStart`, `fromEnd` or `fromEnqueuedTime`.",
                        ("fromStart", "fromEnd", "fromEnqueuedTime"),
                        (
                            "The oldest event kept.",
                            "Only events sent from now on.",
                            "Events sent after `enqueuedTimeUtc`.",
                        ),
                        default="fromStart",
                    ),
                    "enqueuedTimeUtc": string(
                        "UTC time to start from with `fromEnqueuedTime`, e.g. "
                        "`2024-01-01T00:00:00Z`."
                    ),
                },
            ),
            "clientRetryOptions": _client_retry(),
        },
    )


def _cosmos_db() -> Schema:
    return obj(
        "Azure Cosmos DB trigger and binding settings (extension 4.x).",
        {
            "connectionMode": enum(
                "`Gateway` (HTTPS, the default) or `Direct` (TCP).",
                ("Gateway", "Direct"),
                ("Through the gateway over HTTPS.", "Straight to the replicas over TCP."),
                default="Gateway",
            ),
            "userAgentSuffix": string("Text added to the user agent of the Cosmos DB client."),
        },
    )


def _kafka() -> Schema:
    return obj(
        "Kafka trigger and output settings.",
        {
            "maxBatchSize": integer("Most events per batch invocation.", default=64, minimum=1),
            "subscriberIntervalInSeconds": integer(
                "Seconds between fetches of new messages.", default=1, minimum=1
            ),
            "executorChannelCapacity": integer(
                "Messages buffered per partition between the consumer and the function.",
                default=1,
                minimum=1,
            ),
            "channelFullRetryIntervalInMs": integer(
                "Wait before retrying when that buffer is full, in milliseconds.", default=50
            ),
        },
    )


def _sql() -> Schema:
    return obj(
        "Azure SQL trigger settings.",
        {
            "maxBatchSize": integer("Most changes per invocation.", default=100, minimum=1),
            "pollingIntervalMs": integer(
                "Milliseconds between polls for changes.", default=1000, minimum=1
            ),
            "maxChangesPerWorker": integer(
                "Pending changes per instance before the app scales out.", default=1000
            ),
        },
    )


def _mcp() -> Schema:
    return obj(
        "Model Context Protocol (MCP) server settings.",
        {
            "serverName": string("The server name MCP clients see."),
            "serverVersion": string("The server version MCP clients see."),
            "instructions": string("Instructions for clients on how to use the server."),
        },
    )


def extensions_schema() -> Schema:
    return obj(
        "Settings of the binding extensions, one object per extension.",
        {
            "http": _http(),
            "queues": _queues(),
            "blobs": _blobs(),
            "serviceBus": _service_bus(),
            "eventHubs": _event_hubs(),
            "cosmosDB": _cosmos_db(),
            "durableTask": durable_task_schema(),
            "kafka": _kafka(),
            "sql": _sql(),
            "mcp": _mcp(),
            "sendGrid": obj(
                "SendGrid output settings.",
                {"from": string("Default sender address, e.g. `Azure <noreply@example.com>`.")},
            ),
        },
        "They apply to every function of the app that uses the extension.",
    )
