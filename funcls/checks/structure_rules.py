"""AZF300–AZF313, AZF315, AZF316: the functions of an app and how the app is put together."""

from __future__ import annotations

from funcls.checks.findings import Severity
from funcls.checks.registry import Example, Rule

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

_HEAD = "import azure.functions as func\n\napp = func.FunctionApp()\n\n\n"
_PING = (
    '@app.route(route="ping")\n'
    "def ping(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("pong")\n'
)


def _app(code: str, head: str = _HEAD, **extra: str) -> Example:
    return Example({"function_app.py": head + code, **extra})


_BP = (
    "import azure.functions as func\n\nbp = func.Blueprint()\n\n\n"
    '@bp.route(route="items")\n'
    "def items(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("[]")\n'
)
# A v1 folder beside a script that registers functions (AZF304, AZF315).
_OLD_FOLDER = {
    "old/function.json": (
        '{\n  "bindings": [\n    {"name": "req", "type": "httpTrigger", '
        '"direction": "in", "authLevel": "anonymous"},\n'
        '    {"name": "$return", "type": "http", "direction": "out"}\n  ]\n}\n'
    ),
    "old/__init__.py": (
        "import azure.functions as func\n\n\n"
        "def main(req: func.HttpRequest) -> func.HttpResponse:\n"
        '    return func.HttpResponse("old")\n'
    ),
}
_DF_HEAD = "import azure.durable_functions as df\nimport azure.functions as func\n\n"

RULES: tuple[Rule, ...] = (
    Rule(
        "AZF300",
        "no-trigger",
        E,
        "A function without a trigger.",
        "Every function needs exactly one trigger; the library refuses to build a v2 "
        "function without one, and the host never runs a v1 function without one.",
        _app(
            '@app.queue_output(arg_name="msg", queue_name="outbox", '
            'connection="AzureWebJobsStorage")\n'
            "def send(msg: func.Out[str]) -> None:\n"
            '    msg.set("hi")\n'
        ),
        _app(
            '@app.schedule(arg_name="timer", schedule="0 0 * * * *")\n'
            '@app.queue_output(arg_name="msg", queue_name="outbox", '
            'connection="AzureWebJobsStorage")\n'
            "def send(timer: func.TimerRequest, msg: func.Out[str]) -> None:\n"
            '    msg.set("hi")\n'
        ),
    ),
    Rule(
        "AZF301",
        "several-triggers",
        E,
        "A function with more than one trigger.",
        "A function has exactly one trigger; use one function per trigger and share the "
        "code between them.",
        _app(
            '@app.route(route="work")\n'
            '@app.queue_trigger(arg_name="msg", queue_name="jobs", '
            'connection="AzureWebJobsStorage")\n'
            "def work(req: func.HttpRequest, msg: func.QueueMessage) -> func.HttpResponse:\n"
            '    return func.HttpResponse("ok")\n'
        ),
        _app(
            '@app.queue_trigger(arg_name="msg", queue_name="jobs", '
            'connection="AzureWebJobsStorage")\n'
            "def work(msg: func.QueueMessage) -> None:\n"
            "    print(msg.get_body())\n"
        ),
    ),
    Rule(
        "AZF302",
        "duplicate-function-name",
        E,
        "Two functions of one app with the same name (ignoring case).",
        "Function names identify functions to the host (routes, keys, logs, the admin API); "
        "the library refuses duplicates at import and the host refuses them at start-up. "
        "In the v2 model the name is the def's name unless `@app.function_name` sets it.",
        _app(
            '@app.function_name(name="ping")\n@app.route(route="ping")\n'
            "def ping_v1(req: func.HttpRequest) -> func.HttpResponse:\n"
            '    return func.HttpResponse("pong")\n\n\n'
            '@app.function_name(name="ping")\n@app.route(route="ping2")\n'
            "def ping_v2(req: func.HttpRequest) -> func.HttpResponse:\n"
            '    return func.HttpResponse("pong")\n'
        ),
        _app(
            '@app.function_name(name="ping")\n@app.route(route="ping")\n'
            "def ping_v1(req: func.HttpRequest) -> func.HttpResponse:\n"
            '    return func.HttpResponse("pong")\n\n\n'
            '@app.function_name(name="ping2")\n@app.route(route="ping2")\n'
            "def ping_v2(req: func.HttpRequest) -> func.HttpResponse:\n"
            '    return func.HttpResponse("pong")\n'
        ),
    ),
    Rule(
        "AZF303",
        "duplicate-route",
        E,
        "Two HTTP functions answer the same method on the same route.",
        "Routes are compared as the host matches them: after the route prefix, ignoring "
        "case and parameter names (`items/{id}` and `items/{name}` are one route). The host "
        "puts the second function in error, or sends every request to the first.",
        _app(
            '@app.route(route="items/{id}", methods=["GET"])\n'
            "def get_item(req: func.HttpRequest) -> func.HttpResponse:\n"
            '    return func.HttpResponse("item")\n\n\n'
            '@app.route(route="items/{name}", methods=["GET"])\n'
            "def find_item(req: func.HttpRequest) -> func.HttpResponse:\n"
            '    return func.HttpResponse("found")\n'
        ),
        _app(
            '@app.route(route="items/{id:int}", methods=["GET"])\n'
            "def get_item(req: func.HttpRequest) -> func.HttpResponse:\n"
            '    return func.HttpResponse("item")\n\n\n'
            '@app.route(route="items/{name}", methods=["POST"])\n'
            "def find_item(req: func.HttpRequest) -> func.HttpResponse:\n"
            '    return func.HttpResponse("found")\n'
        ),
    ),
    Rule(
        "AZF304",
        "mixed-models",
        E,
        "An app with both v1 function.json folders and a v2 function_app.py that registers "
        "functions.",
        "The host loads an app one way or the other: with a function_app.py that registers "
        "functions it takes the worker's index of the script and ignores the function.json "
        "folders, so half of the app silently disappears (funcls lists only the script's "
        "functions then, as the host does). A function_app.py that registers none makes the "
        "host read the folders.",
        _app(_PING, **_OLD_FOLDER),
        _app(_PING),
    ),
    Rule(
        "AZF305",
        "several-function-apps",
        E,
        "More than one FunctionApp at the top level of the script, created there or imported "
        "from another module of the app.",
        "The worker expects one app object in function_app.py: it takes every function app "
        "among the script's top-level names, however it got there, and with a second one it "
        'refuses to index the script ("More than one FunctionApp or other top level function '
        'app instances are defined."). Put other functions on Blueprints and register them.',
        _app(_PING + "\n\nother = func.FunctionApp()\n"),
        _app(_PING),
    ),
    Rule(
        "AZF306",
        "no-function-app",
        E,
        "function_app.py creates no FunctionApp at its top level.",
        "The worker finds functions through the FunctionApp object at the top level of the "
        "script; without it the host reports no functions at all.",
        Example({"function_app.py": _BP}),
        Example(
            {
                "function_app.py": _BP
                + "\n\napp = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)\n"
                "app.register_functions(bp)\n"
            }
        ),
    ),
    Rule(
        "AZF307",
        "unregistered-blueprint",
        E,
        "A Blueprint whose functions are never registered on the app, or a function added to "
        "a blueprint after the registration runs.",
        "Functions on a Blueprint only reach the host through `app.register_functions(bp)` "
        "(or `register_blueprint`); without it they are silently missing. The call copies the "
        "functions the blueprint holds when it runs, so a blueprint function defined after it "
        "is missing too: further down the same module, in a module the script imports after "
        "the registration (`from shop import bp` then `@bp.route`), or in the blueprint's own "
        "module when the module that registers it is imported before the blueprint module "
        "finishes (a circular import). funcls follows the app's own modules in the order "
        "Python runs them, including registrations made by a module other than the script on "
        "the app it imports back; the finding names the registration's place. Meanwhile "
        "the blueprint's functions are checked for their own mistakes (bindings, signature, "
        "values) as the host checks them once registered, with what registering it would "
        "load (its module's imports, e.g. the HTTP streaming extension), but not for the "
        "settings they name. Not reported in modules that are not the app's code: test "
        "modules (`test_*.py`, `*_test.py`, `conftest.py`, a `tests`/`test` folder) and "
        "modules .funcignore leaves out of the deployment.",
        _app(_PING, **{"items_bp.py": _BP}),
        _app(
            _PING,
            head=_HEAD.replace("app = func", "from items_bp import bp\n\napp = func")
            + "app.register_functions(bp)\n\n\n",
            **{"items_bp.py": _BP},
        ),
        "For a blueprint never registered: import it in the app's script (unless the script "
        "does) and register it below the script's last registration, else below the app's "
        "creation, as the new-blueprint command does; a blueprint of the script itself is "
        "registered at its end. `funcls check --fix` applies it.",
    ),
    Rule(
        "AZF308",
        "misplaced-decorator",
        E,
        'An app decorator on a method or on a def under `if __name__ == "__main__":`.',
        "The library registers the function object when the decorator runs, and the worker "
        "calls it with the function's bindings as arguments: a method's `self` gets none, so "
        "the function fails to load. The worker imports the script as a module, so an "
        '`if __name__ == "__main__":` block never runs and the functions defined in it are '
        "never registered. A def nested in a function is registered when that function runs "
        "and is not reported here (AZF312 says funcls does not list it).",
        _app(
            "class Handlers:\n"
            '    @app.route(route="ping")\n'
            "    def ping(self, req: func.HttpRequest) -> func.HttpResponse:\n"
            '        return func.HttpResponse("pong")\n'
        ),
        _app(_PING),
    ),
    Rule(
        "AZF309",
        "durable-package-missing",
        E,
        "Durable Functions used without `azure-functions-durable` in requirements.txt.",
        "The durable decorators and bindings import the `azure-functions-durable` package "
        "at run time; without it the import fails once deployed.",
        Example(
            {
                "function_app.py": _DF_HEAD + "app = df.DFApp()\n\n\n"
                '@app.activity_trigger(input_name="city")\n'
                "def hello(city: str) -> str:\n"
                '    return f"Hello {city}"\n'
            }
        ),
        Example(
            {
                "function_app.py": _DF_HEAD + "app = df.DFApp()\n\n\n"
                '@app.activity_trigger(input_name="city")\n'
                "def hello(city: str) -> str:\n"
                '    return f"Hello {city}"\n',
                "requirements.txt": "azure-functions\nazure-functions-durable\n",
            }
        ),
        "Add `azure-functions-durable` to requirements.txt.",
    ),
    Rule(
        "AZF310",
        "durable-drops-decorators",
        E,
        "A durable decorator above other decorators on a `func.FunctionApp`.",
        "Through `func.FunctionApp` a durable decorator rebuilds the function from the bare "
        "def, dropping what the decorators below it added (bindings, `function_name`). Put "
        "it directly above the def, or use `df.DFApp()`.",
        Example(
            {
                "function_app.py": _DF_HEAD + "app = func.FunctionApp()\n\n\n"
                '@app.orchestration_trigger(context_name="context")\n'
                '@app.function_name(name="Orchestrate")\n'
                "def orchestrate(context: df.DurableOrchestrationContext):\n"
                '    result = yield context.call_activity("hello", "Tokyo")\n'
                "    return result\n",
                "requirements.txt": "azure-functions\nazure-functions-durable\n",
            }
        ),
        Example(
            {
                "function_app.py": _DF_HEAD + "app = func.FunctionApp()\n\n\n"
                '@app.function_name(name="Orchestrate")\n'
                '@app.orchestration_trigger(context_name="context")\n'
                "def orchestrate(context: df.DurableOrchestrationContext):\n"
                '    result = yield context.call_activity("hello", "Tokyo")\n'
                "    return result\n",
                "requirements.txt": "azure-functions\nazure-functions-durable\n",
            }
        ),
    ),
    Rule(
        "AZF311",
        "blueprint-registered-twice",
        E,
        "The same Blueprint registered more than once.",
        "Each registration adds every function of the blueprint again, so the app has "
        "duplicate function names and the library refuses to index it.",
        _app(
            _PING,
            head=_HEAD.replace("app = func", "from items_bp import bp\n\napp = func")
            + "app.register_functions(bp)\napp.register_functions(bp)\n\n\n",
            **{"items_bp.py": _BP},
        ),
        _app(
            _PING,
            head=_HEAD.replace("app = func", "from items_bp import bp\n\napp = func")
            + "app.register_functions(bp)\n\n\n",
            **{"items_bp.py": _BP},
        ),
    ),
    Rule(
        "AZF312",
        "blueprint-not-followed",
        INFO,
        "A registration funcls cannot follow: a registered blueprint whose definition it "
        "cannot find in the app folder, or functions registered by code it does not run (a "
        "helper handed the app or a blueprint, decorators applied in a loop or a function).",
        "funcls only follows imports of modules inside the app, so the functions of that "
        "blueprint are not checked. A blueprint from outside the app folder must also be "
        "deployed with the app (an installed package listed in requirements.txt). funcls "
        "reads decorated top-level defs and decorator calls at the top level of a module "
        "without running anything, so functions another function or a loop registers are "
        "not listed either.",
        _app(
            _PING,
            head=_HEAD.replace("app = func", "from shared_lib import bp\n\napp = func")
            + "app.register_functions(bp)\n\n\n",
        ),
        _app(_PING),
    ),
    Rule(
        "AZF313",
        "invalid-function-name",
        E,
        "A function name the host rejects.",
        "Function names start with a letter and hold letters, digits, `_` and `-`, at most "
        "128 characters, and may not be `host`. In the v1 model the name is the folder's "
        "name; in v2 it is the def's name or `@app.function_name`.",
        _app(
            '@app.function_name(name="get item")\n@app.route(route="item")\n'
            "def get_item(req: func.HttpRequest) -> func.HttpResponse:\n"
            '    return func.HttpResponse("item")\n'
        ),
        _app(
            '@app.function_name(name="get-item")\n@app.route(route="item")\n'
            "def get_item(req: func.HttpRequest) -> func.HttpResponse:\n"
            '    return func.HttpResponse("item")\n'
        ),
    ),
    Rule(
        "AZF315",
        "ignored-function-json",
        W,
        "A function.json the host ignores because function_app.py registers functions.",
        "With a function_app.py that registers functions the host takes the worker's index "
        "of the script and never reads function.json folders (AZF304 names them on the "
        "script); this finding sits on each ignored function.json itself, so that whoever "
        "opens it sees why its function never runs. Move the function into the script or a "
        "blueprint and delete the folder.",
        _app(_PING, **_OLD_FOLDER),
        _app(_PING),
    ),
    Rule(
        "AZF316",
        "left-out-by-host-json",
        INFO,
        'A function that host.json\'s "functions" list does not name.',
        'When host.json has a "functions" list, the host loads only the functions it names '
        "(ignoring case) and no other: their triggers never fire and their URLs answer 404. "
        "`funcls run` does the same, and the editor shows them as not runnable. Add the name "
        "to the list, or remove the list to load every function.",
        _app(
            _PING + "\n\n" + _PING.replace("ping", "status").replace('"pong"', '"ok"'),
            **{"host.json": '{\n  "version": "2.0",\n  "functions": ["ping"]\n}\n'},
        ),
        _app(
            _PING + "\n\n" + _PING.replace("ping", "status").replace('"pong"', '"ok"'),
            **{"host.json": '{\n  "version": "2.0",\n  "functions": ["ping", "status"]\n}\n'},
        ),
    ),
)
