"""The host.json schema (version 2.0, Functions runtime 4.x), written by hand in our words.

The binding extensions' sections (``extensions.*``) live in ``schemas.host_extensions``. Facts
come from the public host.json reference and the extensions' documentation. The host reads
host.json through .NET configuration, so keys match ignoring case and unknown keys are ignored:
no object here forbids additional properties (see ``schemas.common``).
"""

from __future__ import annotations

from funcls.model.bundles import BUNDLE_IDS, CURRENT_BUNDLE_RANGE, DEFAULT_BUNDLE_ID
from funcls.model.schemas.common import (
    DRAFT_07,
    TIMESPAN_PATTERN,
    Schema,
    boolean,
    describe,
    enum,
    integer,
    number,
    obj,
    retry_policy,
    string,
    strings,
    timespan,
)
from funcls.model.schemas.host_extensions import extensions_schema

LOG_LEVELS = ("Trace", "Debug", "Information", "Warning", "Error", "Critical", "None")
_LOG_LEVEL_TEXT = (
    "Everything, including the most detailed diagnostics.",
    "Debugging detail.",
    "The normal flow of the app.",
    "Unexpected but handled events.",
    "Failures of the current operation.",
    "Failures that stop the app or host.",
    "Nothing from this category.",
)


def _log_level(summary: str) -> Schema:
    return enum(summary, LOG_LEVELS, _LOG_LEVEL_TEXT)


def _log_levels() -> Schema:
    categories = {
        "default": "Every category not listed here.",
        "Function": "Logs written by all functions (`Function.<Name>` for one function).",
        "Host.Results": "The result of each execution (the requests table in App Insights).",
        "Host.Aggregator": "Aggregated counts and durations of executions.",
        "Host": "The host's own logs.",
    }
    return describe(
        {
            "type": "object",
            "properties": {k: _log_level(v) for k, v in categories.items()},
            "additionalProperties": _log_level("Lowest level logged for this category."),
        },
        "Lowest log level to keep, per category.",
        "A category also covers the longer names that start with it: `Function.MyFunction` "
        "covers that function's logs, `Function.MyFunction.User` only what its code logs.",
    )


def _application_insights() -> Schema:
    percent = "A sampling percentage, 0.1 to 100."
    sampling = obj(
        "Adaptive sampling of the telemetry sent to Application Insights.",
        {
            "isEnabled": boolean("Sample telemetry when there is a lot of it.", default=True),
            "maxTelemetryItemsPerSecond": number(
                "Target number of telemetry items per second on each instance.", default=20
            ),
            "evaluationInterval": timespan(
                "How often the rate is re-evaluated.", default="01:00:00"
            ),
            "initialSamplingPercentage": number(
                "Percentage sampled when the app starts.", percent, default=100.0
            ),
            "samplingPercentageIncreaseTimeout": timespan(
                "How soon after a change the percentage may rise again.", default="00:00:01"
            ),
            "samplingPercentageDecreaseTimeout": timespan(
                "How soon after a change the percentage may fall again.", default="00:00:01"
            ),
            "minSamplingPercentage": number("Lowest percentage sampled.", percent, default=0.1),
            "maxSamplingPercentage": number("Highest percentage sampled.", percent, default=100.0),
            "movingAverageRatio": number(
                "Weight of the newest value in the moving average (at most 1).", default=1.0
            ),
            "excludedTypes": string(
                "Telemetry types never sampled, separated by `;` (e.g. `Request;Exception`).",
                "Types: Dependency, Event, Exception, PageView, Request, Trace. Exclude "
                "`Request` to see every execution in the portal.",
            ),
            "includedTypes": string(
                "Telemetry types sampled, separated by `;`; empty means all types.",
            ),
        },
    )
    return obj(
        "Application Insights settings.",
        {
            "samplingSettings": sampling,
            "enableLiveMetrics": boolean("Collect live metrics.", default=True),
            "enableDependencyTracking": boolean("Track calls to dependencies.", default=True),
            "enablePerformanceCountersCollection": boolean(
                "Collect performance counters.", default=True
            ),
            "httpAutoCollectionOptions": obj(
                "What is collected about HTTP requests.",
                {
                    "enableHttpTriggerExtendedInfoCollection": boolean(
                        "Record extended information about HTTP-triggered requests.",
                        default=True,
                    ),
                    "enableW3CDistributedTracing": boolean(
                        "Follow the W3C Trace Context protocol.", default=True
                    ),
                    "enableResponseHeaderInjection": boolean(
                        "Add correlation headers to responses.", default=True
                    ),
                },
            ),
            "dependencyTrackingOptions": obj(
                "Dependency tracking details.",
                {
                    "enableSqlCommandTextInstrumentation": boolean(
                        "Record the full text of SQL commands.", default=False
                    )
                },
            ),
            "snapshotConfiguration": obj(
                "Snapshot debugger settings (.NET apps only).",
                {"isEnabled": boolean("Collect snapshots on exceptions.", default=True)},
            ),
        },
        "Sampling keeps costs down under load; it can hide some executions from the portal.",
    )


def _logging() -> Schema:
    return obj(
        "How the app logs, including Application Insights.",
        {
            "fileLoggingMode": enum(
                "When to write log files in Azure: `never`, `always` or `debugOnly`.",
                ("never", "always", "debugOnly"),
                (
                    "No log files.",
                    "Always write log files (slows cold starts and throughput).",
                    "Only while debugging from the Azure portal.",
                ),
                "Not used when running locally.",
                default="debugOnly",
            ),
            "logLevel": _log_levels(),
            "console": obj(
                "Console logging when not debugging.",
                {
                    "isEnabled": boolean("Write logs to the console.", default=False),
                    "DisableColors": boolean(
                        "Leave ANSI colour codes out of container logs on Linux.", default=False
                    ),
                },
            ),
            "applicationInsights": _application_insights(),
        },
    )


def _extension_bundle() -> Schema:
    return obj(
        "The set of binding extensions the host loads for this app.",
        {
            "id": enum(
                "Which bundle: the stable one unless you need preview bindings.",
                BUNDLE_IDS,
                (
                    "The supported bundle.",
                    "Bindings in preview (OpenAI, MCP before GA…).",
                    "Experimental bindings.",
                ),
                default=DEFAULT_BUNDLE_ID,
            ),
            "version": describe(
                {
                    "type": "string",
                    "pattern": r"^\s*(?:[\[(][^\[\]()]*[\])]|\d[\w.*-]*)\s*$",
                    "patternErrorMessage": (
                        f"Expected a version range such as {CURRENT_BUNDLE_RANGE}."
                    ),
                    "default": CURRENT_BUNDLE_RANGE,
                    "examples": [CURRENT_BUNDLE_RANGE],
                },
                f"Range of bundle versions, e.g. `{CURRENT_BUNDLE_RANGE}`.",
                "NuGet range notation: `[` and `]` include the bound, `(` and `)` exclude it. "
                "Version 4 is the current major version.",
            ),
        },
        "Needed by every binding except HTTP and timer. Python apps use a bundle instead of "
        "installing extensions one by one.",
        required=("id", "version"),
    )


def _health_monitor() -> Schema:
    return obj(
        "The host health monitor, which recycles an unhealthy host.",
        {
            "enabled": boolean("Monitor the host's health.", default=True),
            "healthCheckInterval": timespan("Time between health checks.", default="00:00:10"),
            "healthCheckWindow": timespan(
                "Sliding window over which failed checks are counted.", default="00:02:00"
            ),
            "healthCheckThreshold": integer(
                "Failed checks within the window before the host is recycled.", default=6
            ),
            "counterThreshold": number(
                "Fraction of a limit at which a performance counter counts as unhealthy.",
                default=0.8,
            ),
        },
    )


def _singleton() -> Schema:
    return obj(
        "Locks that make some triggers (timers, for one) run on one instance at a time.",
        {
            "lockPeriod": timespan(
                "How long a function lock is held (renewed).", default="00:00:15"
            ),
            "listenerLockPeriod": timespan("How long a listener lock is held.", default="00:01:00"),
            "listenerLockRecoveryPollingInterval": timespan(
                "Retry interval for a listener lock not acquired at start-up.", default="00:01:00"
            ),
            "lockAcquisitionTimeout": timespan(
                "Longest time spent trying to acquire a lock.", default="00:01:00"
            ),
            "lockAcquisitionPollingInterval": timespan("Time between attempts to acquire a lock."),
        },
    )


def _custom_handler() -> Schema:
    return obj(
        "Run a custom handler (a web server in any language) instead of a language worker.",
        {
            "description": obj(
                "How to start the handler process.",
                {
                    "defaultExecutablePath": string(
                        "The executable to start, relative to the app root."
                    ),
                    "workingDirectory": string("Working directory, relative to the app root."),
                    "arguments": strings("Command-line arguments for the executable."),
                },
                required=("defaultExecutablePath",),
            ),
            "enableForwardingHttpRequest": boolean(
                "Forward HTTP requests as they are to HTTP-only functions.", default=False
            ),
        },
        "Not used by Python apps: a custom handler replaces the Python worker.",
    )


def host_json_schema() -> Schema:
    return {
        "$schema": DRAFT_07,
        "title": "Azure Functions host.json (version 2.0)",
        "description": "Settings of the Functions host that apply to every function of the app.",
        "type": "object",
        "required": ["version"],
        "properties": {
            "version": enum(
                'The host.json schema version; must be `"2.0"`.',
                ("2.0",),
                ("Functions runtime 2.x and later (4.x today).",),
                "The host refuses to start without it.",
                default="2.0",
            ),
            "extensionBundle": _extension_bundle(),
            "functionTimeout": describe(
                {
                    "type": ["string", "null"],
                    "pattern": TIMESPAN_PATTERN,
                    "patternErrorMessage": "Expected a time span such as 00:05:00, or -1.",
                    "examples": ["00:05:00", "00:10:00", "-1"],
                },
                "Longest time one execution may run, e.g. `00:10:00`; `-1` means no limit.",
                "Written `[d.]hh:mm:ss` (hours stop at 23: a day is `1.00:00:00`). The plan caps "
                "it: 10 minutes on the Consumption plan (5 by default); Flex Consumption, "
                "Premium and Dedicated plans allow no limit.",
            ),
            "functions": strings(
                "Run only these functions (by name); leave it out to run them all.",
                "Meant for local runs. In Azure, disable functions with "
                "`AzureWebJobs.<Name>.Disabled` app settings instead.",
            ),
            "logging": _logging(),
            "extensions": extensions_schema(),
            "concurrency": obj(
                "Dynamic concurrency: the host learns how many executions each instance can "
                "take at once.",
                {
                    "dynamicConcurrencyEnabled": boolean(
                        "Turn dynamic concurrency on for the triggers that support it.",
                        default=False,
                    ),
                    "snapshotPersistenceEnabled": boolean(
                        "Save what was learnt so new instances start from it.", default=True
                    ),
                },
            ),
            "healthMonitor": _health_monitor(),
            "singleton": _singleton(),
            "retry": retry_policy(
                "Retry failed executions of every function of the app.",
                "Applies to the timer, Event Hubs, Kafka and Cosmos DB triggers. A function's "
                "own retry policy takes precedence.",
            ),
            "aggregator": obj(
                "How executions are aggregated into metrics for Application Insights.",
                {
                    "batchSize": integer("Most executions aggregated at once.", default=1000),
                    "flushTimeout": timespan(
                        "Longest time executions are aggregated.", default="00:00:30"
                    ),
                },
            ),
            "watchDirectories": strings(
                "Folders of shared code whose changes restart the host.",
            ),
            "watchFiles": strings("Files whose changes restart the host."),
            "managedDependency": obj(
                "Managed dependencies (PowerShell apps only).",
                {"enabled": boolean("Install the modules of requirements.psd1.")},
                "Python apps list their packages in requirements.txt; this setting does "
                "nothing for them.",
            ),
            "customHandler": _custom_handler(),
            "telemetryMode": enum(
                "Send logs and traces as OpenTelemetry instead of to Application Insights.",
                ("OpenTelemetry", "ApplicationInsights"),
                (
                    "Emit OpenTelemetry; the app configures exporters "
                    "(azure-monitor-opentelemetry for Python).",
                    "The default: the host sends telemetry to Application Insights.",
                ),
                "In preview. Leave it out to keep the Application Insights integration.",
            ),
        },
    }
