"""AZF400–AZF412: app settings (local.settings.json) and host.json."""

from __future__ import annotations

from funcls.checks.findings import Severity
from funcls.checks.registry import Example, Rule

E, W = Severity.ERROR, Severity.WARNING

_HEAD = "import azure.functions as func\n\napp = func.FunctionApp()\n\n\n"
_SB = (
    '@app.service_bus_queue_trigger(arg_name="msg", queue_name="orders", '
    'connection="ServiceBus")\n'
    "def orders(msg: func.ServiceBusMessage) -> None:\n"
    "    print(msg.get_body())\n"
)
_TIMER = (
    '@app.schedule(arg_name="timer", schedule="%CLEANUP_SCHEDULE%")\n'
    "def cleanup(timer: func.TimerRequest) -> None:\n"
    '    print("cleaning up")\n'
)
_QUEUE = (
    '@app.queue_trigger(arg_name="msg", queue_name="jobs", connection="AzureWebJobsStorage")\n'
    "def work(msg: func.QueueMessage) -> None:\n"
    "    print(msg.get_body())\n"
)


def _settings(**values: str) -> str:
    body = ",\n".join(f'    "{k}": "{v}"' for k, v in values.items())
    return '{\n  "IsEncrypted": false,\n  "Values": {\n' + body + "\n  }\n}\n"


_BASE = {"FUNCTIONS_WORKER_RUNTIME": "python", "AzureWebJobsStorage": "UseDevelopmentStorage=true"}
_STREAM = (
    "import azure.functions as func\n"
    "from azurefunctions.extensions.http.fastapi import Request, StreamingResponse\n\n"
    "app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)\n\n\n"
    '@app.route(route="stream")\n'
    "async def stream(req: Request) -> StreamingResponse:\n"
    '    return StreamingResponse(iter([b"hello"]))\n'
)
_WEB_APP = (
    "import azure.functions as func\n"
    "from fastapi import FastAPI\n\n"
    "api = FastAPI()\n\n\n"
    '@api.get("/hello")\n'
    "async def hello() -> dict[str, str]:\n"
    '    return {"hello": "world"}\n\n\n'
    "app = func.AsgiFunctionApp(app=api, http_auth_level=func.AuthLevel.ANONYMOUS)\n"
)
_BUNDLE = (
    '  "extensionBundle": {\n'
    '    "id": "Microsoft.Azure.Functions.ExtensionBundle",\n'
    '    "version": "[4.*, 5.0.0)"\n  }'
)

RULES: tuple[Rule, ...] = (
    Rule(
        "AZF400",
        "connection-setting-missing",
        W,
        "A binding's connection names a setting local.settings.json `Values` does not "
        "define (an omitted storage connection means `AzureWebJobsStorage`).",
        "A connection is the name of an app setting, not the connection string itself. "
        "Without the setting the function fails when the host starts locally; in Azure the "
        "app settings must define it too. Identity-based connections (`Name__serviceUri`, "
        "`Name__fullyQualifiedNamespace`, …) and `ConnectionStrings` count as defined. "
        "Without local.settings.json (func init's .gitignore leaves it out, so a clone lacks "
        "it) the app gets one finding, at the first binding that needs a setting, naming every "
        "setting to create, the other bindings as related locations; its quick fix creates the "
        "file with them all. When the file exists, each binding whose setting it lacks is "
        "reported. The quick fix gives a storage account's connection (`AzureWebJobsStorage`, "
        "or what a queue, blob or table binding names) `UseDevelopmentStorage=true`, as "
        "`funcls new` does, and `funcls check --fix` applies it; any other setting is added "
        "empty, to fill in with its connection string, and reported until it is. While "
        "local.settings.json is not valid JSON (AZF100) the settings rules wait: which settings "
        "it defines is not known.",
        Example({"function_app.py": _HEAD + _SB}),
        Example(
            {
                "function_app.py": _HEAD + _SB,
                "local.settings.json": _settings(
                    **_BASE, ServiceBus__fullyQualifiedNamespace="example.servicebus.windows.net"
                ),
            }
        ),
        "Add the setting to local.settings.json `Values`.",
    ),
    Rule(
        "AZF401",
        "setting-expression-undefined",
        W,
        "A `%Name%` expression in a binding property that local.settings.json does not define, "
        "or defines empty.",
        "The host replaces `%Name%` with the app setting's value when it loads the function "
        "and fails when there is none; an empty value is put in as it is, so a property that "
        "is the whole `%Name%` (a queue name, say) becomes empty and the function fails "
        'when its listener starts. A v2 value read with `os.getenv("NAME", default)` '
        "gets information (or a hint) saying which value binds: the setting's where it is "
        "set, the default funcls shows where it is not.",
        Example({"function_app.py": _HEAD + _TIMER}),
        Example(
            {
                "function_app.py": _HEAD + _TIMER,
                "local.settings.json": _settings(**_BASE, CLEANUP_SCHEDULE="0 0 3 * * *"),
            }
        ),
        "Add the setting to local.settings.json `Values` (the fix writes the value `funcls new` "
        "uses for that property where there is one, else an empty value to fill in).",
    ),
    Rule(
        "AZF402",
        "worker-runtime",
        E,
        "`FUNCTIONS_WORKER_RUNTIME` missing from local.settings.json, or not `python`.",
        "Core Tools and the host pick the language worker from this setting; without "
        "`python` they do not start the Python worker and find no functions.",
        Example(
            {
                "local.settings.json": _settings(
                    FUNCTIONS_WORKER_RUNTIME="node",
                    AzureWebJobsStorage="UseDevelopmentStorage=true",
                ),
                "function_app.py": _HEAD + _QUEUE,
            }
        ),
        Example({"function_app.py": _HEAD + _QUEUE}),
        "Set it to `python`.",
    ),
    Rule(
        "AZF403",
        "storage-setting-missing",
        E,
        "`AzureWebJobsStorage` missing (or empty) while triggers that need storage are used.",
        "Every trigger but HTTP, Kafka, RabbitMQ and the Durable ones needs the storage "
        "account (leases, timers, queues); Core Tools refuses to start without it. "
        "`UseDevelopmentStorage=true` points it at Azurite locally.",
        Example(
            {
                "function_app.py": _HEAD + _QUEUE,
                "local.settings.json": _settings(FUNCTIONS_WORKER_RUNTIME="python"),
            }
        ),
        Example({"function_app.py": _HEAD + _QUEUE}),
        "Add `AzureWebJobsStorage` with `UseDevelopmentStorage=true`.",
    ),
    Rule(
        "AZF404",
        "host-json-version",
        E,
        'host.json without `"version": "2.0"`.',
        "Functions 2.x and later read only host.json files that declare version 2.0; the "
        "host refuses to start otherwise.",
        Example({"host.json": "{\n" + _BUNDLE + "\n}\n", "function_app.py": _HEAD + _QUEUE}),
        Example({"function_app.py": _HEAD + _QUEUE}),
        'Add or correct `"version": "2.0"`.',
    ),
    Rule(
        "AZF405",
        "extension-bundle-missing",
        E,
        "No `extensionBundle` in host.json while bindings that come from extensions are "
        "used (everything but HTTP and timer).",
        "Python apps get the binding extensions from the extension bundle; without it the "
        "host does not know queue, blob, Service Bus… bindings and those functions fail.",
        Example({"host.json": '{\n  "version": "2.0"\n}\n', "function_app.py": _HEAD + _QUEUE}),
        Example({"function_app.py": _HEAD + _QUEUE}),
        "Add the extension bundle to host.json.",
    ),
    Rule(
        "AZF406",
        "function-timeout",
        E,
        "host.json `functionTimeout` that is not a valid time span, or longer than the "
        'hosting plan allows (name the plan with `plan = "consumption"` in `[tool.funcls]`).',
        "The host refuses to start with a timeout it cannot read or that exceeds the plan's "
        "limit (10 minutes on the Consumption plan).",
        Example(
            {
                "host.json": '{\n  "version": "2.0",\n  "functionTimeout": "10 minutes",\n'
                + _BUNDLE
                + "\n}\n",
                "function_app.py": _HEAD + _QUEUE,
            }
        ),
        Example(
            {
                "host.json": '{\n  "version": "2.0",\n  "functionTimeout": "00:10:00",\n'
                + _BUNDLE
                + "\n}\n",
                "function_app.py": _HEAD + _QUEUE,
            }
        ),
    ),
    Rule(
        "AZF407",
        "local-settings-values",
        W,
        "local.settings.json `Values` that Core Tools cannot read or does not pass on as "
        "written (objects, lists, booleans, numbers such as `1.0`), or `IsEncrypted: true`.",
        "Core Tools reads every value as text (an object or a list stops it; `true` becomes "
        "the text `True`, `1.0` the text `1`; an integer keeps its digits), and with "
        "`IsEncrypted: true` it decrypts each value with this machine's key, which fails for "
        "plain text or a file from another machine.",
        Example(
            {
                "local.settings.json": '{\n  "IsEncrypted": false,\n  "Values": {\n'
                '    "FUNCTIONS_WORKER_RUNTIME": "python",\n'
                '    "AzureWebJobsStorage": "UseDevelopmentStorage=true",\n'
                '    "FEATURE_ENABLED": true\n  }\n}\n',
                "function_app.py": _HEAD + _QUEUE,
            }
        ),
        Example(
            {
                "local.settings.json": '{\n  "IsEncrypted": false,\n  "Values": {\n'
                '    "FUNCTIONS_WORKER_RUNTIME": "python",\n'
                '    "AzureWebJobsStorage": "UseDevelopmentStorage=true",\n'
                '    "FEATURE_ENABLED": "true"\n  }\n}\n',
                "function_app.py": _HEAD + _QUEUE,
            }
        ),
        "Quote the value.",
    ),
    Rule(
        "AZF408",
        "host-json-missing",
        E,
        "An app without host.json.",
        "host.json marks the root of a function app; Core Tools and the host refuse to "
        "start without it.",
        Example({"host.json": None, "function_app.py": _HEAD + _QUEUE}),
        Example({"function_app.py": _HEAD + _QUEUE}),
    ),
    Rule(
        "AZF409",
        "extension-bundle-version",
        E,
        "host.json `extensionBundle` with an id Azure does not publish or a version range the "
        "host cannot read or only admits bundles older than 2.6.1, which the host refuses "
        "(errors), or a range that only admits bundles out of support (2.6.1–3.x, a warning).",
        "The host downloads the bundle named by `id` in the newest version the range admits; "
        "a wrong id or an unreadable range stops every binding extension from loading, and "
        "bundles before 4.x stopped receiving fixes on 30 May 2026.",
        Example(
            {
                "host.json": '{\n  "version": "2.0",\n  "extensionBundle": {\n'
                '    "id": "Microsoft.Azure.Functions.ExtensionBundle",\n'
                '    "version": "[3.3.0, 4.0.0)"\n  }\n}\n',
                "function_app.py": _HEAD + _QUEUE,
            }
        ),
        Example(
            {
                "host.json": '{\n  "version": "2.0",\n' + _BUNDLE + "\n}\n",
                "function_app.py": _HEAD + _QUEUE,
            }
        ),
        "Set the version range to `[4.*, 5.0.0)`, or the id to the closest known one.",
    ),
    Rule(
        "AZF410",
        "http-streaming-setting",
        W,
        "The app imports the HTTP streaming extension (`azurefunctions.extensions.http.*`) "
        "without `PYTHON_ENABLE_INIT_INDEXING=1`.",
        "Up to Python 3.12 the worker starts the extension's HTTP server only while it indexes "
        "the app at init, which this setting turns on; without it the functions load but "
        "streaming requests are not served. From Python 3.13 the setting is not needed (funcls "
        "stays quiet when the app's own environment is 3.13 or newer).",
        Example(
            {
                "function_app.py": _STREAM,
                "requirements.txt": "azure-functions\nazurefunctions-extensions-http-fastapi\n",
            }
        ),
        Example(
            {
                "function_app.py": _STREAM,
                "requirements.txt": "azure-functions\nazurefunctions-extensions-http-fastapi\n",
                "local.settings.json": _settings(**_BASE, PYTHON_ENABLE_INIT_INDEXING="1"),
            }
        ),
        "Set `PYTHON_ENABLE_INIT_INDEXING` to `1` in local.settings.json.",
    ),
    Rule(
        "AZF411",
        "web-app-route-prefix",
        E,
        "An `AsgiFunctionApp` or `WsgiFunctionApp` (FastAPI, Flask…) under a non-empty route "
        "prefix: host.json `extensions.http.routePrefix`, `api` when it is not set.",
        "The azure-functions library serves the whole web app through one function routed "
        "`/{*route}`; the host joins the prefix to it as `api//{*route}` and refuses to start "
        "(\"The route template separator character '/' cannot appear consecutively\"). With "
        "the empty prefix the web app gets every path and routes it itself; a web app whose "
        "paths should start with `/api` says so itself (FastAPI's `root_path` or a router "
        "prefix).",
        Example({"function_app.py": _WEB_APP, "requirements.txt": "azure-functions\nfastapi\n"}),
        Example(
            {
                "function_app.py": _WEB_APP,
                "requirements.txt": "azure-functions\nfastapi\n",
                "host.json": '{\n  "version": "2.0",\n'
                + _BUNDLE
                + ',\n  "extensions": {\n    "http": {\n      "routePrefix": ""\n    }\n  }\n}\n',
            }
        ),
        'Set `"routePrefix": ""` under `extensions.http` in host.json (the sections are '
        "added when missing).",
    ),
    Rule(
        "AZF412",
        "host-json-unknown-key",
        W,
        "A host.json key the host does not read where its set of keys is closed: at the top "
        "level, a key close to a known one or an extension's or logging's section written "
        "there (version 1's place); under `extensions.http`, any key `HttpOptions` lacks.",
        "The host binds host.json to its options ignoring case and drops keys nothing reads "
        "without a word, so a misspelt `extensionBundel` or `fucntionTimeout`, or "
        "`durableTask` outside `extensions`, leaves the setting at its default.",
        Example(
            {
                "host.json": '{\n  "version": "2.0",\n  "fucntionTimeout": "00:10:00",\n'
                + _BUNDLE
                + "\n}\n",
                "function_app.py": _HEAD + _QUEUE,
            }
        ),
        Example(
            {
                "host.json": '{\n  "version": "2.0",\n  "functionTimeout": "00:10:00",\n'
                + _BUNDLE
                + "\n}\n",
                "function_app.py": _HEAD + _QUEUE,
            }
        ),
        "Rename the key to the one suggested.",
    ),
)
