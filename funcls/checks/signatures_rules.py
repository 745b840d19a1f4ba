"""AZF200–AZF205: the Python signature against the bindings."""

from __future__ import annotations

from funcls.checks.findings import Severity
from funcls.checks.registry import Example, Rule

E = Severity.ERROR

_HEAD = "import azure.functions as func\n\napp = func.FunctionApp()\n\n\n"
_QUEUE_OUT = (
    '@app.queue_output(arg_name="msg", queue_name="outbox", connection="AzureWebJobsStorage")\n'
)


def _app(code: str) -> Example:
    return Example({"function_app.py": _HEAD + code})


def _v1(bindings: str, script: str) -> Example:
    return Example(
        {
            "hello/function.json": '{\n  "bindings": [\n' + bindings + "\n  ]\n}\n",
            "hello/__init__.py": "import azure.functions as func\n\n\n" + script,
        }
    )


_HTTP_V1 = (
    '    {"name": "req", "type": "httpTrigger", "direction": "in", "authLevel": "anonymous"},\n'
    '    {"name": "$return", "type": "http", "direction": "out"},\n'
)

RULES: tuple[Rule, ...] = (
    Rule(
        "AZF200",
        "binding-without-parameter",
        E,
        "A binding (v1 `name`, v2 `arg_name`) that no parameter of the Python function matches.",
        "The worker matches bindings to parameters by name and refuses to load a function "
        "when a binding has no parameter (except `$return`).",
        _v1(
            _HTTP_V1 + '    {"name": "msg", "type": "queue", "direction": "out", '
            '"queueName": "outbox"}',
            "def main(req: func.HttpRequest, outmsg: func.Out[str]) -> func.HttpResponse:\n"
            '    outmsg.set("hi")\n    return func.HttpResponse("ok")\n',
        ),
        _v1(
            _HTTP_V1 + '    {"name": "outmsg", "type": "queue", "direction": "out", '
            '"queueName": "outbox"}',
            "def main(req: func.HttpRequest, outmsg: func.Out[str]) -> func.HttpResponse:\n"
            '    outmsg.set("hi")\n    return func.HttpResponse("ok")\n',
        ),
        "Rename the binding to the parameter without a binding, or add the parameter.",
    ),
    Rule(
        "AZF201",
        "parameter-without-binding",
        E,
        "A parameter of the Python function that no binding fills (a parameter named "
        "`context` is allowed: the worker passes the invocation context).",
        "The worker cannot call a function with a parameter it has no value for, so the "
        "function fails to load.",
        _app(
            '@app.route(route="hello")\n'
            "def hello(req: func.HttpRequest, user: str) -> func.HttpResponse:\n"
            '    return func.HttpResponse("hi " + user)\n'
        ),
        _app(
            '@app.route(route="hello/{user}")\n'
            "def hello(req: func.HttpRequest) -> func.HttpResponse:\n"
            '    return func.HttpResponse("hi " + req.route_params["user"])\n'
        ),
        "Rename the binding without a parameter to this parameter.",
    ),
    Rule(
        "AZF202",
        "annotation-does-not-fit",
        E,
        "A parameter annotation the binding cannot provide (`req: func.QueueMessage` on an "
        "HTTP trigger, `func.Out[dict]` on a queue output).",
        "The worker checks each annotation against the binding's converter when it loads "
        "the function and refuses types the binding cannot produce or accept. Types from "
        "other packages (SDK types, your own classes) are left alone.",
        _app(
            '@app.route(route="hello")\n'
            "def hello(req: func.QueueMessage) -> func.HttpResponse:\n"
            '    return func.HttpResponse("hi")\n'
        ),
        _app(
            '@app.route(route="hello")\n'
            "def hello(req: func.HttpRequest) -> func.HttpResponse:\n"
            '    return func.HttpResponse("hi")\n'
        ),
        "Replace the annotation with the type the binding provides.",
    ),
    Rule(
        "AZF203",
        "out-annotation",
        E,
        "An output binding whose parameter is annotated without `func.Out[...]`, or "
        "`func.Out` on an input binding.",
        "The worker passes output bindings as `func.Out` objects to call `.set()` on, and "
        "refuses a function whose annotations say otherwise.",
        _app(
            '@app.route(route="hello")\n'
            + _QUEUE_OUT
            + "def hello(req: func.HttpRequest, msg: str) -> func.HttpResponse:\n"
            '    return func.HttpResponse("hi")\n'
        ),
        _app(
            '@app.route(route="hello")\n'
            + _QUEUE_OUT
            + "def hello(req: func.HttpRequest, msg: func.Out[str]) -> func.HttpResponse:\n"
            '    msg.set("hi")\n    return func.HttpResponse("hi")\n'
        ),
        "Wrap the annotation in `func.Out[...]` (or unwrap it on an input).",
    ),
    Rule(
        "AZF204",
        "return-annotation-does-not-fit",
        E,
        "A return annotation the `$return` binding cannot take, `func.Out` as a return "
        "annotation, or `-> None` on a function with a `$return` binding.",
        "The worker checks the return annotation against the `$return` binding (without "
        "the leniency it has for `str` parameters); `None` is not a type it accepts there. "
        "`@app.route` adds a `$return` HTTP output unless told otherwise.",
        _app(
            '@app.route(route="hello")\n'
            "def hello(req: func.HttpRequest) -> None:\n"
            '    print("hi")\n'
        ),
        _app(
            '@app.route(route="hello")\n'
            "def hello(req: func.HttpRequest) -> func.HttpResponse:\n"
            '    return func.HttpResponse("hi")\n'
        ),
        "Annotate the return type the binding takes.",
    ),
    Rule(
        "AZF205",
        "context-annotation",
        E,
        "A `context` parameter annotated with something other than `func.Context`.",
        "When no binding is named `context`, the worker passes the invocation context to a "
        "parameter of that name and refuses any other annotation for it.",
        _app(
            '@app.route(route="hello")\n'
            "def hello(req: func.HttpRequest, context: dict) -> func.HttpResponse:\n"
            '    return func.HttpResponse(context["invocation_id"])\n'
        ),
        _app(
            '@app.route(route="hello")\n'
            "def hello(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:\n"
            "    return func.HttpResponse(context.invocation_id)\n"
        ),
        "Annotate it `func.Context`.",
    ),
)
