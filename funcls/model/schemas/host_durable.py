"""host.json ``extensions.durableTask``: Durable Functions settings, in our words.

Described for Durable Functions extension 2.x/3.x (extension bundle 4.x); the storage back end
(Azure Storage by default, or MSSQL, Netherite, the Durable Task Scheduler) is chosen with
``storageProvider.type``.
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


def durable_task_schema() -> Schema:
    storage = obj(
        "The storage back end of the task hub and its tuning.",
        {
            "type": enum(
                "The back end: Azure Storage (default), `mssql`, `netherite` or "
                "`azureManaged` (Durable Task Scheduler).",
                ("AzureStorage", "mssql", "netherite", "azureManaged"),
                (),
            ),
            "connectionName": string(
                "App setting (or prefix) with the storage connection.",
                default="AzureWebJobsStorage",
            ),
            "connectionStringName": string(
                "App setting with the storage connection string (older spelling)."
            ),
            "partitionCount": integer(
                "Partitions of the control queue; changing it needs a new task hub.",
                default=4,
                minimum=1,
                maximum=16,
            ),
            "controlQueueBatchSize": integer(
                "Messages fetched from a control queue at once.", default=32
            ),
            "controlQueueBufferThreshold": integer("Control-queue messages buffered in memory."),
            "controlQueueVisibilityTimeout": timespan(
                "Visibility timeout of control-queue messages.", default="00:05:00"
            ),
            "workItemQueueVisibilityTimeout": timespan(
                "Visibility timeout of work-item queue messages.", default="00:05:00"
            ),
            "maxQueuePollingInterval": timespan(
                "Longest wait between polls of the queues.", default="00:00:30"
            ),
            "trackingStoreConnectionName": string(
                "App setting (or prefix) for the History and Instances tables."
            ),
            "trackingStoreNamePrefix": string("Prefix of the History and Instances tables."),
            "useTablePartitionManagement": boolean("Manage partitions with a table."),
            "fetchLargeMessagesAutomatically": boolean(
                "Load large messages in status queries (instead of a blob URL).", default=True
            ),
        },
    )
    return obj(
        "Durable Functions settings.",
        {
            "hubName": describe(
                {"type": "string", "pattern": "^(?:[A-Za-z][A-Za-z0-9]*|%[^%]+%)$"},
                "The task hub: the storage area of this app's orchestrations.",
                "Letters and digits, starting with a letter (or a `%Setting%`). Apps that share "
                "a storage account need different hubs.",
            ),
            "storageProvider": storage,
            "tracing": obj(
                "What the extension traces.",
                {
                    "traceInputsAndOutputs": boolean(
                        "Log the full inputs and outputs of calls (not only their sizes).",
                        default=False,
                    ),
                    "traceReplayEvents": boolean(
                        "Also trace events replayed by orchestrators.", default=False
                    ),
                },
            ),
            "notifications": obj(
                "Lifecycle notifications.",
                {
                    "eventGrid": obj(
                        "Publish orchestration lifecycle events to an Event Grid topic.",
                        {
                            "topicEndpoint": string("The Event Grid topic endpoint URL."),
                            "keySettingName": string("App setting that holds the topic key."),
                            "publishRetryCount": integer("Retries of a failed publish."),
                            "publishRetryInterval": timespan("Wait between publish retries."),
                            "publishEventTypes": strings(
                                "Event types to publish: Started, Completed, Failed, Terminated."
                            ),
                        },
                    )
                },
            ),
            "maxConcurrentActivityFunctions": integer(
                "Most activity functions running at once per instance.", minimum=1
            ),
            "maxConcurrentOrchestratorFunctions": integer(
                "Most orchestrator functions running at once per instance.", minimum=1
            ),
            "maxConcurrentEntityFunctions": integer(
                "Most entity functions running at once per instance.", minimum=1
            ),
            "extendedSessionsEnabled": boolean(
                "Keep orchestrator and entity sessions in memory between events.", default=False
            ),
            "extendedSessionIdleTimeoutInSeconds": integer(
                "Seconds an idle extended session stays in memory.", default=30
            ),
            "maxEntityOperationBatchSize": integer(
                "Most entity operations handled in one invocation.", minimum=1
            ),
            "maxOrchestrationActions": integer(
                "Most actions one orchestrator execution may take.", default=100000
            ),
            "useAppLease": boolean(
                "Take an app-level lease before processing task hub messages.", default=True
            ),
            "useGracefulShutdown": boolean(
                "Shut down gracefully to avoid failing running executions.", default=False
            ),
            "storeInputsInOrchestrationHistory": boolean(
                "Keep activity inputs in the History table.", default=False
            ),
            "defaultVersion": string("Version given to new orchestration instances."),
            "versionMatchStrategy": enum(
                "Which orchestration versions this app runs.",
                ("None", "Strict", "CurrentOrOlder"),
                ("Any version.", "Only `defaultVersion`.", "`defaultVersion` and older."),
                default="CurrentOrOlder",
            ),
            "versionFailureStrategy": enum(
                "What happens to an instance of a version this app does not run.",
                ("Reject", "Fail"),
                ("Leave it for another worker.", "Fail the instance."),
                default="Reject",
            ),
        },
    )
