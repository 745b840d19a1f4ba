"""Generate a benchmark workspace: many apps, half v1 and half v2 functions.

    python bench/gen_workspace.py OUT_DIR [--functions 1000] [--apps 20] [--unique-texts]

The apps are realistic and correct (names match parameters, settings are defined), so a
checker should find nothing in them; a mix of HTTP, timer, queue, blob, Cosmos DB, Event Hubs
and Service Bus bindings.

As ``func new`` makes them, the v1 folders of one trigger kind hold much the same files: the
540 Python files of the default workspace are 38 distinct texts, and its 540 JSON files 194.
A tool that reads a text once for all the files holding it is faster here than on an app
whose files differ. ``--unique-texts`` makes every file's text its own, and nothing else
changes: a Python file, requirements.txt and .funcignore end with a comment naming the file,
a JSON document with whitespace after it that spells the file's number (a space for a 0, a
tab for a 1), so the workspace is still correct.
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
from pathlib import Path

HOST_JSON = {
    "version": "2.0",
    "logging": {"logLevel": {"default": "Information"}},
    "extensionBundle": {
        "id": "Microsoft.Azure.Functions.ExtensionBundle",
        "version": "[4.*, 5.0.0)",
    },
}
SETTINGS = {
    "IsEncrypted": False,
    "Values": {
        "FUNCTIONS_WORKER_RUNTIME": "python",
        "AzureWebJobsStorage": "UseDevelopmentStorage=true",
        "CosmosConnection": "AccountEndpoint=https://localhost:8081/;AccountKey=bench==;",
        "EventHubConnection": "Endpoint=sb://bench.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=bench=",
        "ServiceBusConnection": "Endpoint=sb://bench.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=bench=",
    },
}
FUNCIGNORE = ".venv\n.git\n.vscode\nlocal.settings.json\ntests\n__pycache__\n"
KINDS = ("http", "queue", "timer", "blob", "cosmos", "eventhub", "servicebus")


def v1_bindings(kind: str, i: int) -> tuple[list[dict[str, object]], str, str]:
    """(bindings, main signature, body) for function number i."""
    q = f"items-{i % 17}"
    if kind == "http":
        b: list[dict[str, object]] = [
            {
                "type": "httpTrigger",
                "direction": "in",
                "name": "req",
                "authLevel": "function",
                "methods": ["get", "post"],
                "route": f"things{i}/{{id:int}}",
            },
            {"type": "http", "direction": "out", "name": "$return"},
            {
                "type": "queue",
                "direction": "out",
                "name": "msg",
                "queueName": q,
                "connection": "AzureWebJobsStorage",
            },
        ]
        sig = "req: func.HttpRequest, msg: func.Out[str]) -> func.HttpResponse"
        body = "    msg.set(req.route_params['id'])\n    return func.HttpResponse('ok')\n"
    elif kind == "queue":
        b = [
            {
                "type": "queueTrigger",
                "direction": "in",
                "name": "msg",
                "queueName": q,
                "connection": "AzureWebJobsStorage",
            },
            {
                "type": "blob",
                "direction": "out",
                "name": "outblob",
                "path": f"archive-{i % 5}/{{rand-guid}}.txt",
                "connection": "AzureWebJobsStorage",
            },
        ]
        sig = "msg: func.QueueMessage, outblob: func.Out[str]) -> None"
        body = "    outblob.set(msg.get_body().decode())\n"
    elif kind == "timer":
        b = [
            {
                "type": "timerTrigger",
                "direction": "in",
                "name": "timer",
                "schedule": f"0 */{(i % 50) + 5} * * * *",
            }
        ]
        sig = "timer: func.TimerRequest) -> None"
        body = "    logging.info('tick %s', timer.past_due)\n"
    elif kind == "blob":
        b = [
            {
                "type": "blobTrigger",
                "direction": "in",
                "name": "blob",
                "path": f"uploads-{i % 5}/{{name}}",
                "connection": "AzureWebJobsStorage",
            },
            {
                "type": "blob",
                "direction": "in",
                "name": "template",
                "path": "templates/{name}",
                "connection": "AzureWebJobsStorage",
            },
        ]
        sig = "blob: func.InputStream, template: bytes) -> None"
        body = "    logging.info('%s %d', blob.name, len(template or b''))\n"
    elif kind == "cosmos":
        b = [
            {
                "type": "cosmosDBTrigger",
                "direction": "in",
                "name": "docs",
                "connection": "CosmosConnection",
                "databaseName": "bench",
                "containerName": f"c{i % 9}",
                "leaseContainerName": "leases",
                "createLeaseContainerIfNotExists": True,
            },
        ]
        sig = "docs: func.DocumentList) -> None"
        body = "    logging.info('%d docs', len(docs))\n"
    elif kind == "eventhub":
        b = [
            {
                "type": "eventHubTrigger",
                "direction": "in",
                "name": "event",
                "eventHubName": f"hub{i % 4}",
                "connection": "EventHubConnection",
                "cardinality": "one",
            }
        ]
        sig = "event: func.EventHubEvent) -> None"
        body = "    logging.info(event.get_body())\n"
    else:
        b = [
            {
                "type": "serviceBusTrigger",
                "direction": "in",
                "name": "message",
                "queueName": f"orders{i % 6}",
                "connection": "ServiceBusConnection",
            }
        ]
        sig = "message: func.ServiceBusMessage) -> None"
        body = "    logging.info(message.get_body())\n"
    return b, sig, body


def v2_function(kind: str, i: int, target: str) -> str:
    q = f"items-{i % 17}"
    name = f"{kind}_{i}"
    if kind == "http":
        return (
            f"@{target}.route(route='things{i}/{{id:int}}', methods=['GET', 'POST'])\n"
            f"@{target}.queue_output(arg_name='msg', queue_name='{q}', "
            "connection='AzureWebJobsStorage')\n"
            f"def {name}(req: func.HttpRequest, msg: func.Out[str]) -> func.HttpResponse:\n"
            "    msg.set(req.route_params['id'])\n    return func.HttpResponse('ok')\n"
        )
    if kind == "queue":
        return (
            f"@{target}.queue_trigger(arg_name='msg', queue_name='{q}', "
            "connection='AzureWebJobsStorage')\n"
            f"@{target}.blob_output(arg_name='outblob', path='archive-{i % 5}/{{rand-guid}}.txt', "
            "connection='AzureWebJobsStorage')\n"
            f"def {name}(msg: func.QueueMessage, outblob: func.Out[str]) -> None:\n"
            "    outblob.set(msg.get_body().decode())\n"
        )
    if kind == "timer":
        return (
            f"@{target}.timer_trigger(schedule='0 */{(i % 50) + 5} * * * *', arg_name='timer')\n"
            f"def {name}(timer: func.TimerRequest) -> None:\n"
            "    logging.info('tick %s', timer.past_due)\n"
        )
    if kind == "blob":
        return (
            f"@{target}.blob_trigger(arg_name='blob', path='uploads-{i % 5}/{{name}}', "
            "connection='AzureWebJobsStorage')\n"
            f"@{target}.blob_input(arg_name='template', path='templates/{{name}}', "
            "connection='AzureWebJobsStorage')\n"
            f"def {name}(blob: func.InputStream, template: bytes) -> None:\n"
            "    logging.info('%s %d', blob.name, len(template or b''))\n"
        )
    if kind == "cosmos":
        return (
            f"@{target}.cosmos_db_trigger(arg_name='docs', connection='CosmosConnection', "
            f"database_name='bench', container_name='c{i % 9}', lease_container_name='leases', "
            "create_lease_container_if_not_exists=True)\n"
            f"def {name}(docs: func.DocumentList) -> None:\n"
            "    logging.info('%d docs', len(docs))\n"
        )
    if kind == "eventhub":
        return (
            f"@{target}.event_hub_message_trigger(arg_name='event', event_hub_name='hub{i % 4}', "
            "connection='EventHubConnection')\n"
            f"def {name}(event: func.EventHubEvent) -> None:\n"
            "    logging.info(event.get_body())\n"
        )
    return (
        f"@{target}.service_bus_queue_trigger(arg_name='message', queue_name='orders{i % 6}', "
        "connection='ServiceBusConnection')\n"
        f"def {name}(message: func.ServiceBusMessage) -> None:\n"
        "    logging.info(message.get_body())\n"
    )


class Writer:
    """Writes the generated files; with ``unique`` each one's text differs from every
    other's (see the module's docstring)."""

    def __init__(self, out: Path, unique: bool = False) -> None:
        self.out = out
        self.unique = unique
        self.number = itertools.count(1)

    def __call__(self, path: Path, text: str) -> None:
        if self.unique:
            if path.suffix == ".json":
                text += "".join(" \t"[int(b)] for b in f"{next(self.number):b}") + "\n"
            else:
                text += f"# {path.relative_to(self.out).as_posix()}\n"
        path.write_text(text)


def write_common(app: Path, durable: bool = False, write: Writer | None = None) -> None:
    write = write or Writer(app)
    app.mkdir(parents=True, exist_ok=True)
    write(app / "host.json", json.dumps(HOST_JSON, indent=2) + "\n")
    write(app / "local.settings.json", json.dumps(SETTINGS, indent=2) + "\n")
    write(app / "requirements.txt", "azure-functions\n")
    write(app / ".funcignore", FUNCIGNORE)


def write_v1_app(app: Path, start: int, count: int, write: Writer | None = None) -> None:
    write = write or Writer(app)
    write_common(app, write=write)
    for k in range(count):
        i = start + k
        kind = KINDS[i % len(KINDS)]
        folder = app / f"{kind}_{i}"
        folder.mkdir()
        bindings, sig, body = v1_bindings(kind, i)
        write(
            folder / "function.json",
            json.dumps({"scriptFile": "__init__.py", "bindings": bindings}, indent=2) + "\n",
        )
        write(
            folder / "__init__.py",
            f"import logging\n\nimport azure.functions as func\n\n\ndef main({sig}:\n{body}",
        )


def write_v2_app(app: Path, start: int, count: int, write: Writer | None = None) -> None:
    write = write or Writer(app)
    write_common(app, write=write)
    per_blueprint = 10
    main_count = count - 2 * per_blueprint if count > 2 * per_blueprint else count
    parts = ["import logging\n\nimport azure.functions as func\n"]
    blueprints: list[str] = []
    if count > main_count:
        (app / "blueprints").mkdir()
        write(app / "blueprints" / "__init__.py", "")
        for b in range(2):
            name = f"bp{b}"
            blueprints.append(name)
            parts.append(f"from blueprints.{name} import bp as {name}\n")
    parts.append("\napp = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)\n\n")
    for k in range(main_count):
        i = start + k
        parts.append("\n" + v2_function(KINDS[i % len(KINDS)], i, "app") + "\n")
    for name in blueprints:
        parts.append(f"app.register_functions({name})\n")
    write(app / "function_app.py", "".join(parts))
    i = start + main_count
    for name in blueprints:
        src = ["import logging\n\nimport azure.functions as func\n\nbp = func.Blueprint()\n"]
        for _ in range(per_blueprint):
            src.append("\n\n" + v2_function(KINDS[i % len(KINDS)], i, "bp"))
            i += 1
        write(app / "blueprints" / f"{name}.py", "".join(src))


def generate(out: Path, functions: int = 1000, apps: int = 20, unique_texts: bool = False) -> Path:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    write = Writer(out, unique_texts)
    per_app = functions // apps
    for a in range(apps):
        start = a * per_app
        if a % 2 == 0:
            write_v1_app(out / f"app{a:02d}_v1", start, per_app, write)
        else:
            write_v2_app(out / f"app{a:02d}_v2", start, per_app, write)
    return out


def write_big_app(app: Path, functions: int = 1000, modules: int = 10) -> Path:
    """One v2 app: ``functions`` functions in ``modules`` blueprint modules of equal size,
    registered by function_app.py (the shape of a monorepo's app)."""
    if app.exists():
        shutil.rmtree(app)
    write_common(app)
    (app / "blueprints").mkdir()
    (app / "blueprints" / "__init__.py").write_text("")
    per_module = functions // modules
    parts = ["import logging\n\nimport azure.functions as func\n"]
    for m in range(modules):
        parts.append(f"from blueprints.bp{m:02d} import bp as bp{m:02d}\n")
    parts.append("\napp = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)\n\n")
    for m in range(modules):
        parts.append(f"app.register_functions(bp{m:02d})\n")
    (app / "function_app.py").write_text("".join(parts))
    i = 0
    for m in range(modules):
        src = ["import logging\n\nimport azure.functions as func\n\nbp = func.Blueprint()\n"]
        for _ in range(per_module):
            src.append("\n\n" + v2_function(KINDS[i % len(KINDS)], i, "bp"))
            i += 1
        (app / "blueprints" / f"bp{m:02d}.py").write_text("".join(src))
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--functions", type=int, default=1000)
    parser.add_argument("--apps", type=int, default=20)
    parser.add_argument(
        "--unique-texts", action="store_true", help="make every file's text differ from the others'"
    )
    args = parser.parse_args()
    generate(args.out, args.functions, args.apps, args.unique_texts)
    print(f"wrote {args.functions} functions in {args.apps} apps to {args.out}")


if __name__ == "__main__":
    main()
