"""AZF108–AZF115: decorator mistakes that make the v2 script fail at import."""

from __future__ import annotations

from funcls.checks.findings import Severity
from funcls.checks.registry import Example, Rule

E = Severity.ERROR

_HEAD = "import azure.functions as func\n\napp = func.FunctionApp()\n\n\n"
_BODY = (
    'def ping(req: func.HttpRequest) -> func.HttpResponse:\n    return func.HttpResponse("pong")\n'
)


def _app(decorators: str, body: str = _BODY, head: str = _HEAD) -> Example:
    return Example({"function_app.py": head + decorators + body})


_QUEUE_BODY = "def work(msg: func.QueueMessage) -> None:\n    print(msg.get_body())\n"

RULES: tuple[Rule, ...] = (
    Rule(
        "AZF108",
        "unknown-decorator",
        E,
        "A decorator the FunctionApp or Blueprint does not have (usually a typo).",
        "Python evaluates the decorator when the worker imports the script; an attribute "
        "the app object lacks raises AttributeError and no function of the app loads. The "
        "message suggests the closest decorator.",
        _app('@app.queue_triger(arg_name="msg", queue_name="jobs")\n', _QUEUE_BODY),
        _app(
            '@app.queue_trigger(arg_name="msg", queue_name="jobs", '
            'connection="AzureWebJobsStorage")\n',
            _QUEUE_BODY,
        ),
        "Replace the name with the suggested decorator.",
    ),
    Rule(
        "AZF109",
        "decorator-not-called",
        E,
        "A binding decorator written without parentheses (`@app.route`).",
        "Without the call the library receives the function itself as its first argument: "
        "a decorator with required arguments fails at import, the others return a decorator "
        "that replaces your function, so the function is never registered.",
        _app("@app.route\n"),
        _app('@app.route(route="ping")\n'),
        "Add the parentheses (for decorators without required arguments).",
    ),
    Rule(
        "AZF112",
        "missing-decorator-argument",
        E,
        "A decorator called without one of its required arguments.",
        "The call raises TypeError when the worker imports the script, so no function of "
        "the app loads.",
        _app('@app.queue_trigger(arg_name="msg")\n', _QUEUE_BODY),
        _app(
            '@app.queue_trigger(arg_name="msg", queue_name="jobs", '
            'connection="AzureWebJobsStorage")\n',
            _QUEUE_BODY,
        ),
        "Rename a keyword that looks like the missing parameter; else add the missing "
        "arguments (a storage connection gets `AzureWebJobsStorage`, other values are left "
        "empty to fill in).",
    ),
    Rule(
        "AZF113",
        "unknown-decorator-argument",
        E,
        "A keyword the decorator does not accept, or too many positional arguments, for "
        "decorators that take no extra keywords.",
        "Decorators such as `route` and `function_name` have a fixed signature; a misspelt "
        "keyword raises TypeError at import.",
        _app('@app.route(route="ping", method=["GET"])\n'),
        _app('@app.route(route="ping", methods=["GET"])\n'),
        "Rename the keyword to the suggested parameter.",
    ),
    Rule(
        "AZF114",
        "data-type-in-extra-fields",
        E,
        '`trigger_extra_fields={"data_type": "..."}` (or `binding_extra_fields`) on '
        "`@app.route` with a string value.",
        "The library hands the extra fields to the binding class, whose `data_type` is a "
        "read-only property expecting a `func.DataType`; a string raises AttributeError at "
        "import. Pass the enum member instead.",
        _app('@app.route(route="ping", trigger_extra_fields={"data_type": "STRING"})\n'),
        _app(
            '@app.route(route="ping", trigger_extra_fields={"data_type": func.DataType.STRING})\n'
        ),
        "Replace the string with the `func.DataType` member.",
    ),
    Rule(
        "AZF115",
        "app-auth-level-name",
        E,
        "`FunctionApp(http_auth_level=...)` given a string that is not an exact `AuthLevel` "
        "member name.",
        "Unlike the decorators, the app looks a string up by its exact member name: "
        "`'ANONYMOUS'` works, `'anonymous'` raises KeyError at import.",
        Example(
            {
                "function_app.py": _HEAD.replace(
                    "func.FunctionApp()", 'func.FunctionApp(http_auth_level="anonymous")'
                )
                + '@app.route(route="ping")\n'
                + _BODY
            }
        ),
        Example(
            {
                "function_app.py": _HEAD.replace(
                    "func.FunctionApp()",
                    "func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)",
                )
                + '@app.route(route="ping")\n'
                + _BODY
            }
        ),
        "Write the member name in capitals.",
    ),
)
