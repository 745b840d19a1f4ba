"""The local.settings.json schema: the app settings and host options of a local run.

Only Azure Functions Core Tools (and ``funcls run``) read this file; it is never deployed.
Every value of ``Values`` is a string, as app settings are in Azure.
"""

from __future__ import annotations

from funcls.model.schemas.common import DRAFT_07, Schema, boolean, ci_enum, describe, integer


def _setting(summary: str, description: str = "", **extra: object) -> Schema:
    schema: Schema = {"type": "string", **extra}
    return describe(schema, summary, description)


def _flag(summary: str, description: str = "") -> Schema:
    schema = ci_enum(("1", "0", "true", "false"))
    return describe(schema, summary, description)


def _values() -> Schema:
    known: dict[str, Schema] = {
        "FUNCTIONS_WORKER_RUNTIME": describe(
            ci_enum(("python",), ("The Python worker runs the app's functions.",)),
            "The language worker that runs the functions: `python`.",
            "Core Tools asks for it when it is missing; in Azure it must match the app's stack.",
        ),
        "AzureWebJobsStorage": _setting(
            "The storage account the host itself uses (timer and singleton locks, keys, "
            "durable state, blob trigger receipts).",
            "A connection string; `UseDevelopmentStorage=true` uses the local Azurite "
            "emulator. With an identity, use `AzureWebJobsStorage__accountName` (or the "
            "`__blobServiceUri` / `__queueServiceUri` settings) instead.",
            examples=["UseDevelopmentStorage=true"],
        ),
        "AzureWebJobsFeatureFlags": _setting(
            "Host features to turn on, separated by commas.",
            "`EnableWorkerIndexing` lets old hosts index the Python v2 (decorator) model; "
            "current hosts do it by default.",
        ),
        "PYTHON_SCRIPT_FILE_NAME": _setting(
            "The v2-model file that defines the app.",
            "Relative to the app root.",
            default="function_app.py",
        ),
        "PYTHON_ENABLE_WORKER_EXTENSIONS": _flag(
            "`1` lets the Python worker load worker extensions listed in requirements.txt.",
        ),
        "PYTHON_ENABLE_DEBUG_LOGGING": _flag(
            "`1` also logs the Python worker's debug messages.",
        ),
        "FUNCTIONS_WORKER_PROCESS_COUNT": _setting(
            "Python worker processes per host instance, `1` to `10`.",
            "More processes run more executions in parallel at the cost of memory.",
            pattern="^(?:[1-9]|10)$",
            default="1",
        ),
        "PYTHON_THREADPOOL_THREAD_COUNT": _setting(
            "Most threads running synchronous (non-`async`) functions at once.",
            "Leave it out to use Python's own default for a thread pool.",
            pattern="^[1-9][0-9]*$",
        ),
        "WEBSITE_TIME_ZONE": _setting(
            "Time zone of timer schedules; UTC when unset.",
            "A Windows time zone id such as `W. Europe Standard Time` on Windows, an IANA "
            "name such as `Europe/Paris` on Linux. Some Linux hosting plans ignore it.",
        ),
        "APPLICATIONINSIGHTS_CONNECTION_STRING": _setting(
            "Where to send telemetry; leave it out locally unless you want to."
        ),
    }
    return describe(
        {
            "type": "object",
            "properties": known,
            "patternProperties": {
                r"^AzureWebJobs\.[^.]+\.Disabled$": _flag(
                    "`true` (or `1`) stops the host from running the function named in the key.",
                ),
                r"^AzureFunctionsJobHost__": _setting(
                    "Overrides a host.json value: `AzureFunctionsJobHost__logging__logLevel__"
                    "default` sets `logging.logLevel.default`."
                ),
            },
            "additionalProperties": describe(
                {"type": "string"},
                "An app setting; bindings name it in `connection` or as `%Setting%`.",
            ),
        },
        "App settings (and environment variables) for the local run; every value is a string.",
        "Bindings read their connections from here, e.g. a `connection` of `MyStorage` needs "
        "a `MyStorage` setting (or `MyStorage__…` settings for an identity).",
    )


def local_settings_schema() -> Schema:
    return {
        "$schema": DRAFT_07,
        "title": "Azure Functions local.settings.json",
        "description": "Settings for running the app locally; never deployed.",
        "type": "object",
        "properties": {
            "IsEncrypted": boolean(
                "Whether `Values` and `ConnectionStrings` are encrypted for this machine.",
                "`func settings encrypt` sets it; leave it `false` for plain text.",
                default=False,
            ),
            "Values": _values(),
            "Host": describe(
                {
                    "type": "object",
                    "properties": {
                        "LocalHttpPort": integer(
                            "Port of the local host.", default=7071, minimum=1, maximum=65535
                        ),
                        "CORS": _setting(
                            "Origins allowed to call the local host, separated by commas; "
                            "`*` allows any."
                        ),
                        "CORSCredentials": boolean(
                            "Allow credentialed (cookie) cross-origin requests.", default=False
                        ),
                    },
                },
                "Options of the local host.",
            ),
            "ConnectionStrings": describe(
                {"type": "object", "additionalProperties": {"type": "string"}},
                "Connection strings for libraries that read them from here.",
                "Bindings do not read this section: put their connections in `Values`.",
            ),
        },
    }
