"""AZF100–AZF111: JSON files and binding definitions (function.json and decorators)."""

from __future__ import annotations

from funcls.checks.findings import Severity
from funcls.checks.registry import Example, Rule

E, W = Severity.ERROR, Severity.WARNING

_QUEUE_PY = (
    "import azure.functions as func\n\n\n"
    "def main(msg: func.QueueMessage) -> None:\n"
    "    print(msg.get_body())\n"
)


def _queue_json(binding: str) -> str:
    return '{\n  "bindings": [\n' + binding + "\n  ]\n}\n"


_GOOD_QUEUE = Example(
    {
        "orders/function.json": _queue_json(
            '    {"name": "msg", "type": "queueTrigger", "direction": "in", "queueName": "orders"}'
        ),
        "orders/__init__.py": _QUEUE_PY,
    }
)

RULES: tuple[Rule, ...] = (
    Rule(
        "AZF100",
        "invalid-json",
        E,
        "function.json, host.json or local.settings.json is not valid JSON.",
        "The host cannot read a file with a syntax error: a broken function.json drops the "
        "function, a broken host.json stops the whole app. Comments and trailing commas are "
        "fine (the host reads JSON leniently); anything else is reported at its exact place.",
        Example({"host.json": '{\n  "version": "2.0"\n  "logging": {}\n}\n'}),
        Example({"host.json": '{\n  "version": "2.0",\n  "logging": {}\n}\n'}),
    ),
    Rule(
        "AZF101",
        "unknown-binding-type",
        E,
        "A binding `type` that no installed extension provides, or a known type spelt in "
        "another case (`QueueTrigger`).",
        "The host refuses to load a function whose binding type it does not know (often a "
        "typo of a known type); the message suggests the closest known type. The host matches "
        "types ignoring case, but the Python worker picks its converter by the exact spelling: "
        "`QueueTrigger` reaches the function as plain str/bytes, so a `func.QueueMessage` "
        "parameter fails to load. For types the worker has no converter for, another case is "
        "only noted (information).",
        Example(
            {
                "orders/function.json": _queue_json(
                    '    {"name": "msg", "type": "queueTriger", "direction": "in",'
                    ' "queueName": "orders"}'
                ),
                "orders/__init__.py": _QUEUE_PY,
            }
        ),
        _GOOD_QUEUE,
        "Replace the type with the suggested one.",
    ),
    Rule(
        "AZF102",
        "unknown-binding-property",
        W,
        "A property the binding type does not have (a misspelt `queueName`, for example).",
        "The host ignores properties it does not know, so a misspelt property silently has no "
        "effect, and the property it was meant to be is missing. Property names are compared "
        "ignoring case, as the host does.",
        Example(
            {
                "orders/function.json": _queue_json(
                    '    {"name": "msg", "type": "queueTrigger", "direction": "in",'
                    ' "queueName": "orders", "conection": "Storage"}'
                ),
                "orders/__init__.py": _QUEUE_PY,
            }
        ),
        _GOOD_QUEUE,
        "Rename the property to the suggested one.",
    ),
    Rule(
        "AZF103",
        "missing-binding-property",
        E,
        "A property the binding type requires is missing (`queueName`, `schedule`, `path`…).",
        "Without it the extension cannot bind and the function fails to load. An empty value "
        "counts as missing.",
        Example(
            {
                "orders/function.json": _queue_json(
                    '    {"name": "msg", "type": "queueTrigger", "direction": "in"}'
                ),
                "orders/__init__.py": _QUEUE_PY,
            }
        ),
        _GOOD_QUEUE,
        "In function.json, set the property to the value `funcls new` uses for that trigger (a "
        "queue or container named after the function, a schedule every five minutes, the "
        "service's connection setting), and a missing `name` to the one parameter no binding "
        "names; a property without such a value gets no fix.",
    ),
    Rule(
        "AZF104",
        "invalid-binding-value",
        E,
        "A property value of the wrong type, or not one of the values the property allows "
        "(`direction`, `authLevel`, `dataType`, `cardinality`, `accessRights`…).",
        "The host cannot convert the value and the function fails to load; in the v2 model "
        "the library already fails at import when a string names no member of its enum.",
        Example(
            {
                "orders/function.json": _queue_json(
                    '    {"name": "msg", "type": "queueTrigger", "direction": "in",'
                    ' "queueName": "orders", "dataType": "text"}'
                ),
                "orders/__init__.py": _QUEUE_PY,
            }
        ),
        Example(
            {
                "orders/function.json": _queue_json(
                    '    {"name": "msg", "type": "queueTrigger", "direction": "in",'
                    ' "queueName": "orders", "dataType": "string"}'
                ),
                "orders/__init__.py": _QUEUE_PY,
            }
        ),
        "Replace the value with the closest allowed one.",
    ),
    Rule(
        "AZF105",
        "invalid-direction",
        E,
        "A direction the binding type does not support (a trigger with `out`, an output "
        "binding with `in`).",
        "Triggers only deliver data (`in`); output bindings only take it (`out`). The host "
        "rejects any other direction.",
        Example(
            {
                "orders/function.json": _queue_json(
                    '    {"name": "msg", "type": "queueTrigger", "direction": "out",'
                    ' "queueName": "orders"}'
                ),
                "orders/__init__.py": _QUEUE_PY,
            }
        ),
        _GOOD_QUEUE,
        "Set the direction the binding type supports.",
    ),
    Rule(
        "AZF106",
        "invalid-binding-name",
        E,
        "A binding name the host rejects, or `$return` on a binding that is not an output.",
        "Binding names start with a letter or `_`, hold letters, digits and `_` (never "
        "`__`), at most 128 characters, and must match a Python parameter; `$return` names "
        "the function's return value, so only an `out` binding can have it.",
        Example(
            {
                "orders/function.json": _queue_json(
                    '    {"name": "msg-in", "type": "queueTrigger", "direction": "in",'
                    ' "queueName": "orders"}'
                ),
                "orders/__init__.py": _QUEUE_PY.replace("msg", "msg_in"),
            }
        ),
        Example(
            {
                "orders/function.json": _queue_json(
                    '    {"name": "msg_in", "type": "queueTrigger", "direction": "in",'
                    ' "queueName": "orders"}'
                ),
                "orders/__init__.py": _QUEUE_PY.replace("msg", "msg_in"),
            }
        ),
    ),
    Rule(
        "AZF107",
        "duplicate-binding-name",
        E,
        "Two bindings of one function share a name.",
        "Each binding feeds one parameter (or the return value); the host refuses a function "
        "whose binding names repeat.",
        Example(
            {
                "function_app.py": (
                    "import azure.functions as func\n\napp = func.FunctionApp()\n\n\n"
                    '@app.route(route="hello")\n'
                    '@app.queue_output(arg_name="$return", queue_name="out", '
                    'connection="AzureWebJobsStorage")\n'
                    "def hello(req: func.HttpRequest) -> str:\n"
                    '    return "hi"\n'
                )
            }
        ),
        Example(
            {
                "function_app.py": (
                    "import azure.functions as func\n\napp = func.FunctionApp()\n\n\n"
                    '@app.route(route="hello")\n'
                    '@app.queue_output(arg_name="msg", queue_name="out", '
                    'connection="AzureWebJobsStorage")\n'
                    "def hello(req: func.HttpRequest, msg: func.Out[str]) -> str:\n"
                    '    msg.set("hi")\n'
                    '    return "hi"\n'
                )
            }
        ),
    ),
    Rule(
        "AZF110",
        "script-file-not-found",
        E,
        "The `scriptFile` of a v1 function (default `__init__.py`) does not exist, or is not "
        "a `.py` file.",
        "The worker has nothing to load and the function fails at start-up; it imports the "
        "script as a Python module, so it refuses any file not named `.py`.",
        Example(
            {
                "orders/function.json": (
                    '{\n  "scriptFile": "handler.py",\n  "bindings": [\n'
                    '    {"name": "msg", "type": "queueTrigger", "direction": "in",'
                    ' "queueName": "orders"}\n  ]\n}\n'
                ),
                "orders/__init__.py": _QUEUE_PY,
            }
        ),
        Example(
            {
                "orders/function.json": (
                    '{\n  "scriptFile": "__init__.py",\n  "bindings": [\n'
                    '    {"name": "msg", "type": "queueTrigger", "direction": "in",'
                    ' "queueName": "orders"}\n  ]\n}\n'
                ),
                "orders/__init__.py": _QUEUE_PY,
            }
        ),
    ),
    Rule(
        "AZF111",
        "entry-point-not-found",
        E,
        "The v1 script has no function named like the entry point (`main` unless "
        "`entryPoint` says otherwise).",
        "The worker looks the entry point up by name in the script and fails to load the "
        "function when it is missing. The finding belongs to function.json; an editor also "
        "shows it in the script, at the def the entry point was most likely renamed to (or "
        "its first line), with the same fix. `funcls check` reports it once.",
        Example(
            {
                "orders/function.json": _queue_json(
                    '    {"name": "msg", "type": "queueTrigger", "direction": "in",'
                    ' "queueName": "orders"}'
                ),
                "orders/__init__.py": _QUEUE_PY.replace("def main", "def handle"),
            }
        ),
        _GOOD_QUEUE,
        "Point `entryPoint` at the script's function.",
    ),
)
