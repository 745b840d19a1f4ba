"""Broken apps for the side-by-side run of funcls and azure-functions-doctor.

Each case is one mistake on top of a correct app (the same default app the rule examples
use): a title, whether it is a real mistake (the app fails, or misbehaves once deployed),
the files that differ from the default app, and the funcls codes that must report it.
``git`` lists files to commit in a fresh repository (for the "tracked by git" cases).
"""

from __future__ import annotations

from dataclasses import dataclass, field

HEAD = "import azure.functions as func\n\napp = func.FunctionApp()\n\n\n"
PING = (
    '@app.route(route="ping")\n'
    "def ping(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("pong")\n'
)
BP = (
    "import azure.functions as func\n\nbp = func.Blueprint()\n\n\n"
    '@bp.route(route="items")\n'
    "def items(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("[]")\n'
)
DF_HEAD = (
    "import azure.durable_functions as df\nfrom datetime import datetime\n\napp = df.DFApp()\n\n\n"
)
DF_REQS = "azure-functions\nazure-functions-durable\n"
SB = (
    '@app.service_bus_queue_trigger(arg_name="msg", queue_name="orders", '
    'connection="ServiceBusConnection")\n'
    "def orders(msg: func.ServiceBusMessage) -> None:\n"
    "    print(msg.get_body())\n"
)
QUEUE = (
    '@app.queue_trigger(arg_name="msg", queue_name="jobs", connection="AzureWebJobsStorage")\n'
    "def work(msg: func.QueueMessage) -> None:\n"
    "    print(msg.get_body())\n"
)
SECRET = "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5bC7dE9fG1hJ3kL5mN7pQ9rS1tU3vW5xY7zA9bC1dE3f=="


def app(code: str, head: str = HEAD) -> str:
    return head + code


@dataclass(frozen=True)
class Case:
    title: str
    real: bool
    files: dict[str, str | None]
    funcls: tuple[str, ...]  # codes funcls must report (empty: it should report nothing)
    git: tuple[str, ...] = ()
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)


CASES: tuple[Case, ...] = (
    Case(
        "Blueprint never registered",
        True,
        {"function_app.py": app(PING), "items_bp.py": BP},
        ("AZF307",),
    ),
    Case(
        "Connection setting missing from local.settings.json",
        True,
        {"function_app.py": app(SB)},
        ("AZF400",),
    ),
    Case(
        "requirements.txt without azure-functions",
        True,
        {"function_app.py": app(PING), "requirements.txt": "requests\n"},
        ("AZF601",),
    ),
    Case(
        "requirements.txt lists azure-functions-worker",
        True,
        {
            "function_app.py": app(PING),
            "requirements.txt": "azure-functions\nazure-functions-worker\n",
        },
        ("AZF601",),
    ),
    Case(
        "requirements.txt lists a standard-library module (logging)",
        True,
        {"function_app.py": app(PING), "requirements.txt": "azure-functions\nlogging\n"},
        ("AZF601",),
    ),
    Case("No host.json", True, {"function_app.py": app(PING), "host.json": None}, ("AZF408",)),
    Case(
        'host.json "version" is not "2.0"',
        True,
        {
            "function_app.py": app(QUEUE),
            "host.json": '{"version": "3.0", "extensionBundle": '
            '{"id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "[4.*, 5.0.0)"}}\n',
        },
        ("AZF404",),
    ),
    Case(
        "No extensionBundle while a queue trigger is used",
        True,
        {"function_app.py": app(QUEUE), "host.json": '{"version": "2.0"}\n'},
        ("AZF405",),
    ),
    Case(
        "No extensionBundle in an HTTP-only app",
        False,
        {"function_app.py": app(PING), "host.json": '{"version": "2.0"}\n'},
        (),
        note="HTTP and timer triggers are built into the host; no bundle is needed",
    ),
    Case(
        "local.settings.json with a real key tracked by git",
        True,
        {
            "function_app.py": app(PING),
            "local.settings.json": '{"IsEncrypted": false, "Values": {"FUNCTIONS_WORKER_RUNTIME": '
            '"python", "AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=shop;'
            f'AccountKey={SECRET};EndpointSuffix=core.windows.net"}}}}\n',
        },
        ("AZF602",),
        git=("local.settings.json",),
    ),
    Case(
        "local.settings.json with placeholders only, tracked by git (a sample app)",
        False,
        {"function_app.py": app(PING)},
        (),
        git=("local.settings.json",),
        note="nothing secret is shared; sample repositories do this on purpose",
    ),
    Case(
        ".funcignore does not exclude local.settings.json",
        True,
        {"function_app.py": app(PING), ".funcignore": ".venv\n"},
        ("AZF602",),
    ),
    Case(
        "No .funcignore",
        False,
        {"function_app.py": app(PING), ".funcignore": None},
        (),
        note="Core Tools leaves local.settings.json out of the package anyway",
    ),
    Case(
        "Orchestrator calls datetime.utcnow()",
        True,
        {
            "function_app.py": DF_HEAD + '@app.orchestration_trigger(context_name="context")\n'
            "def stamp(context: df.DurableOrchestrationContext):\n"
            "    started = datetime.utcnow().isoformat()\n"
            '    result = yield context.call_activity("log", started)\n'
            "    return result\n",
            "requirements.txt": DF_REQS,
        },
        ("AZF314",),
    ),
    Case(
        "Entity function calls uuid.uuid4()",
        False,
        {
            "function_app.py": "import uuid\n\n"
            + DF_HEAD
            + '@app.entity_trigger(context_name="context")\n'
            "def ids(context: df.DurableEntityContext):\n"
            "    context.set_state(str(uuid.uuid4()))\n",
            "requirements.txt": DF_REQS,
        },
        (),
        note="entities are not replayed; only orchestrators must be deterministic",
    ),
    Case(
        "Bicep template deploys AzureWebJobsStorage=UseDevelopmentStorage=true",
        True,
        {
            "function_app.py": app(PING),
            "infra/app.bicep": "resource site 'Microsoft.Web/sites@2022-09-01' = {\n"
            "  properties: { siteConfig: { appSettings: [\n"
            "    { name: 'AzureWebJobsStorage', value: 'UseDevelopmentStorage=true' }\n"
            "  ] } }\n}\n",
        },
        ("AZF604",),
    ),
    # Mistakes inside the functions and across files.
    Case(
        "v1: binding name does not match the parameter",
        True,
        {
            "hello/function.json": '{"bindings": [{"name": "req", "type": "httpTrigger", '
            '"direction": "in"}, {"name": "$return", "type": "http", "direction": "out"}, '
            '{"name": "msg", "type": "queue", "direction": "out", "queueName": "outbox"}]}\n',
            "hello/__init__.py": "import azure.functions as func\n\n\n"
            "def main(req: func.HttpRequest, outmsg: func.Out[str]) -> func.HttpResponse:\n"
            '    outmsg.set("hi")\n    return func.HttpResponse("ok")\n',
        },
        ("AZF200", "AZF201"),
    ),
    Case(
        "v1: entry point missing from the script",
        True,
        {
            "hello/function.json": '{"entryPoint": "run", "bindings": [{"name": "req", "type": '
            '"httpTrigger", "direction": "in"}, {"name": "$return", "type": "http", '
            '"direction": "out"}]}\n',
            "hello/__init__.py": "def main(req):\n    return 'ok'\n",
        },
        ("AZF111",),
    ),
    Case(
        "v1: misspelt binding type (queueTriger)",
        True,
        {
            "jobs/function.json": '{"bindings": [{"name": "msg", "type": "queueTriger", '
            '"direction": "in", "queueName": "jobs"}]}\n',
            "jobs/__init__.py": "def main(msg):\n    pass\n",
        },
        ("AZF101",),
    ),
    Case(
        "Parameter annotation the trigger cannot provide",
        True,
        {"function_app.py": app(PING.replace("req: func.HttpRequest", "req: func.QueueMessage"))},
        ("AZF202",),
    ),
    Case(
        "Output binding parameter without func.Out",
        True,
        {
            "function_app.py": app(
                '@app.route(route="hello")\n'
                '@app.queue_output(arg_name="msg", queue_name="out", '
                'connection="AzureWebJobsStorage")\n'
                "def hello(req: func.HttpRequest, msg: str) -> func.HttpResponse:\n"
                '    return func.HttpResponse("hi")\n'
            )
        },
        ("AZF203",),
    ),
    Case(
        "@app.route function annotated -> None",
        True,
        {"function_app.py": app(PING.replace("-> func.HttpResponse", "-> None"))},
        ("AZF204",),
    ),
    Case(
        "Misspelt decorator (@app.queue_triger)",
        True,
        {"function_app.py": app(QUEUE.replace("queue_trigger", "queue_triger"))},
        ("AZF108",),
    ),
    Case(
        "Decorator missing a required argument",
        True,
        {"function_app.py": app(QUEUE.replace(', connection="AzureWebJobsStorage"', ""))},
        ("AZF112",),
    ),
    Case(
        'trigger_extra_fields={"data_type": "STRING"} on @app.route',
        True,
        {
            "function_app.py": app(
                PING.replace(
                    'route="ping"', 'route="ping", trigger_extra_fields={"data_type": "STRING"}'
                )
            )
        },
        ("AZF114",),
    ),
    Case(
        'FunctionApp(http_auth_level="anonymous")',
        True,
        {
            "function_app.py": app(
                PING, HEAD.replace("FunctionApp()", 'FunctionApp(http_auth_level="anonymous")')
            )
        },
        ("AZF115",),
    ),
    Case(
        "Durable decorator above function_name on func.FunctionApp",
        True,
        {
            "function_app.py": "import azure.durable_functions as df\n"
            + HEAD
            + '@app.orchestration_trigger(context_name="context")\n'
            '@app.function_name(name="Orchestrate")\n'
            "def orchestrate(context: df.DurableOrchestrationContext):\n"
            '    result = yield context.call_activity("hello", "Tokyo")\n'
            "    return result\n",
            "requirements.txt": DF_REQS,
        },
        ("AZF310",),
    ),
    Case(
        "Two functions with the same name",
        True,
        {"function_app.py": app(PING + "\n\n" + PING.replace('"ping"', '"ping2"'))},
        ("AZF302",),
    ),
    Case(
        "Two functions on the same route and method",
        True,
        {
            "function_app.py": app(
                '@app.route(route="items/{id}")\n'
                "def a(req: func.HttpRequest) -> func.HttpResponse:\n"
                "    return func.HttpResponse()\n\n\n"
                '@app.route(route="items/{name}")\n'
                "def b(req: func.HttpRequest) -> func.HttpResponse:\n"
                "    return func.HttpResponse()\n"
            )
        },
        ("AZF303",),
    ),
    Case(
        "Five-field cron schedule",
        True,
        {
            "function_app.py": app(
                '@app.schedule(arg_name="t", schedule="*/5 * * * *")\n'
                "def tick(t: func.TimerRequest) -> None:\n    pass\n"
            )
        },
        ("AZF501",),
    ),
    Case(
        "Invalid route constraint ({id:integer})",
        True,
        {"function_app.py": app(PING.replace('route="ping"', 'route="items/{id:integer}"'))},
        ("AZF502",),
    ),
    Case(
        "{name} in an output path that the blob trigger does not capture",
        True,
        {
            "function_app.py": app(
                '@app.blob_trigger(arg_name="up", path="uploads/{name}", '
                'connection="AzureWebJobsStorage")\n'
                '@app.blob_output(arg_name="out", path="done/{filename}", '
                'connection="AzureWebJobsStorage")\n'
                "def conv(up: func.InputStream, out: func.Out[bytes]) -> None:\n"
                "    out.set(up.read())\n"
            )
        },
        ("AZF503",),
    ),
    Case(
        "Queue name with capitals",
        True,
        {"function_app.py": app(QUEUE.replace('queue_name="jobs"', 'queue_name="Jobs"'))},
        ("AZF504",),
    ),
    Case(
        "%Setting% that local.settings.json does not define",
        True,
        {"function_app.py": app(QUEUE.replace('queue_name="jobs"', 'queue_name="%JOBS_QUEUE%"'))},
        ("AZF401",),
    ),
    Case(
        "FUNCTIONS_WORKER_RUNTIME is node",
        True,
        {
            "function_app.py": app(PING),
            "local.settings.json": '{"Values": {"FUNCTIONS_WORKER_RUNTIME": "node", '
            '"AzureWebJobsStorage": "UseDevelopmentStorage=true"}}\n',
        },
        ("AZF402",),
    ),
    Case(
        "AzureWebJobsStorage missing with a queue trigger",
        True,
        {
            "function_app.py": app(QUEUE),
            "local.settings.json": '{"Values": {"FUNCTIONS_WORKER_RUNTIME": "python"}}\n',
        },
        ("AZF403",),
    ),
    Case(
        "Module named like the standard library (secrets.py)",
        True,
        {"function_app.py": app(PING), "secrets.py": "TOKEN = 'x'\n"},
        ("AZF600",),
    ),
    Case(
        "Syntax error in function_app.py",
        True,
        {"function_app.py": app(PING.replace("def ping(req", "def ping(req,"))},
        ("AZF603",),
    ),
    Case(
        "Durable decorators without azure-functions-durable",
        True,
        {
            "function_app.py": DF_HEAD + '@app.activity_trigger(input_name="city")\n'
            "def hello(city: str) -> str:\n    return city\n"
        },
        ("AZF309",),
    ),
)
