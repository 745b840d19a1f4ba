"""AZF500–AZF508: values the host parses — schedules, routes, expressions, names, methods."""

from __future__ import annotations

from funcls.checks.findings import Severity
from funcls.checks.registry import Example, Rule

E, W = Severity.ERROR, Severity.WARNING

_HEAD = "import azure.functions as func\n\napp = func.FunctionApp()\n\n\n"


def _app(code: str) -> Example:
    return Example({"function_app.py": _HEAD + code})


def _timer(schedule: str) -> Example:
    return _app(
        f'@app.schedule(arg_name="timer", schedule="{schedule}")\n'
        "def tick(timer: func.TimerRequest) -> None:\n"
        '    print("tick")\n'
    )


def _route(route: str, methods: str = '["GET"]') -> Example:
    return _app(
        f'@app.route(route="{route}", methods={methods})\n'
        "def item(req: func.HttpRequest) -> func.HttpResponse:\n"
        '    return func.HttpResponse("item")\n'
    )


def _blob(trigger_path: str, out_path: str) -> Example:
    return _app(
        f'@app.blob_trigger(arg_name="upload", path="{trigger_path}", '
        'connection="AzureWebJobsStorage")\n'
        f'@app.blob_output(arg_name="copy", path="{out_path}", connection="AzureWebJobsStorage")\n'
        "def archive(upload: func.InputStream, copy: func.Out[bytes]) -> None:\n"
        "    copy.set(upload.read())\n"
    )


def _queue(name: str) -> Example:
    return _app(
        f'@app.queue_trigger(arg_name="msg", queue_name="{name}", '
        'connection="AzureWebJobsStorage")\n'
        "def work(msg: func.QueueMessage) -> None:\n"
        "    print(msg.get_body())\n"
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "AZF500",
        "invalid-schedule",
        E,
        "A timer schedule that is neither a valid NCRONTAB expression nor a time span.",
        "The timer extension refuses the schedule and the function does not load. The "
        "message names the field and what is wrong with it.",
        _timer("0 60 * * * *"),
        _timer("0 59 * * * *"),
    ),
    Rule(
        "AZF501",
        "five-field-schedule",
        E,
        "A classic five-field cron expression where Azure Functions documents six (seconds first).",
        "Read as classic cron it runs under Core Tools, but hosts on the Consumption plan "
        "have rejected it, and the scale controller that wakes an idle app only understands "
        "six fields, so the timer can silently stop. Putting `0` in front keeps the same "
        "times.",
        _timer("*/5 * * * *"),
        _timer("0 */5 * * * *"),
        "Add the seconds field (`0 `) in front.",
    ),
    Rule(
        "AZF502",
        "invalid-route",
        E,
        "An HTTP route template the host rejects: unbalanced braces, an unknown constraint, "
        "an optional or catch-all parameter that is not last, a repeated parameter…",
        "The host builds an ASP.NET Core route from the template and puts the function in "
        "error when it cannot.",
        _route("items/{id:integer}"),
        _route("items/{id:int}"),
    ),
    Rule(
        "AZF503",
        "unknown-binding-parameter",
        E,
        "A `{name}` in a binding expression that the trigger does not supply.",
        "Other bindings can use the trigger's data, such as the names a blob trigger path "
        "captures; a name the trigger never supplies fails when the host indexes the "
        "function. Triggers whose payload may be JSON (queues, Service Bus, …) supply open "
        "sets of names and are not checked. For an HTTP trigger a name that is not a route "
        "parameter is reported as information: the host then looks in the query string and "
        "the JSON body, and the invocation fails when neither has it.",
        _blob("uploads/{name}", "archive/{filename}"),
        _blob("uploads/{name}", "archive/{name}"),
    ),
    Rule(
        "AZF504",
        "storage-name",
        E,
        "A queue, container or table name that breaks the Azure Storage naming rules.",
        "Queue and container names are 3–63 lowercase letters, digits and single hyphens; "
        "table names are 3–63 letters and digits starting with a letter. The storage "
        "service rejects anything else, so the binding fails at run time.",
        _queue("Orders_Queue"),
        _queue("orders-queue"),
        "Lower-case the name when that is the only problem.",
    ),
    Rule(
        "AZF505",
        "invalid-http-method",
        E,
        "An HTTP method the host does not know (`GETS`, `fetch`…).",
        "The library refuses unknown methods at import; in function.json an unknown method "
        "makes the function unreachable for the method that was meant.",
        _route("items", '["GETS"]'),
        _route("items", '["GET"]'),
        "Replace it with the closest method.",
    ),
    Rule(
        "AZF506",
        "invalid-binding-expression",
        E,
        "A binding expression with a syntax error: an unclosed `{` or `%`, an empty or "
        "invalid `{name}`, a blob path without a container.",
        "The host parses binding expressions when it loads the function and refuses ones it "
        "cannot read.",
        _blob("uploads/{name}", "archive/{name"),
        _blob("uploads/{name}", "archive/{name}"),
    ),
    Rule(
        "AZF507",
        "suspicious-schedule",
        W,
        "A schedule the host accepts but that does not do what it seems to: a step of 0, a "
        "backwards range, a day that never occurs in the chosen months.",
        "NCrontab quietly reads these differently (a step of 0 as 1, `5-1` as `1-5`), or the "
        "timer never fires at all.",
        _timer("0 0 0 30 2 *"),
        _timer("0 0 0 28 2 *"),
    ),
    Rule(
        "AZF508",
        "suspicious-route",
        W,
        "A route the host accepts but that does not behave as written, such as an optional "
        "parameter followed by a segment that needs a value.",
        "ASP.NET Core can only leave out parameters at the end of the URL, so such a "
        "parameter is not really optional.",
        _route("items/{id?}/details"),
        _route("items/{id}/details"),
    ),
)
