"""Run lenses above every function (on the ``def`` in v1 and v2, at the top of function.json)
and above every entry of the app's saved inputs (funcls.inputs.json):

- ``▶ Run`` — for HTTP functions with the method and path a click sends: the route with its
  parameters filled in and the query parameters the code reads (``▶ Run GET /api/items/1``,
  for the route ``items/{id:int}``), or the function's input in funcls.inputs.json
  (``▶ Run POST /api/hello?name=Ada (saved input)``; a change of that file refreshes them);
- ``Run with input…`` — opens the function's saved input for editing;
- ``Open in browser`` — HTTP functions that answer GET;
- for a function the runner cannot run, one lens that says why (clicking it explains, and
  nothing fails);
- for a function that cannot load (an error of its bindings or signature, AZF1xx/AZF2xx:
  the worker refuses such a function when it indexes the app), ``⊘ Run (fix 1 error
  first)``: clicking it selects the first error, where its quick fix is one Ctrl+. away.

The commands are the server's (`funcls.lsp.run_commands`)."""

from __future__ import annotations

import os
from urllib.parse import urlencode

from lsprotocol import types

from funcls.checks.findings import Finding, Severity
from funcls.lsp.context import Context
from funcls.lsp.lookup import functions_in
from funcls.lsp.positions import path_to_uri
from funcls.lsp.run_function import why_not_runnable
from funcls.model.appmodel import App, Function
from funcls.model.locations import Range
from funcls.model.python.facts import ModuleInfo
from funcls.model.run_inputs import (
    INPUTS_FILE,
    InputError,
    SavedInputs,
    default_method,
    is_http,
    methods_of,
    read_saved,
    resolve_input,
    route_text,
    sample_query,
    sample_url_path,
)

RUN_COMMAND = "funcls.runFunction"
RUN_WITH_INPUT_COMMAND = "funcls.runWithInput"
OPEN_IN_BROWSER_COMMAND = "funcls.openInBrowser"
SHOW_REASON_COMMAND = "funcls.showReason"
MAX_REASON = 60


MAX_TARGET = 60


def run_title(app: App, fn: Function, saved: SavedInputs | None = None) -> str:
    """``▶ Run GET /api/products/1``: for an HTTP function, the method and path a click sends
    (resolve_input: the saved entry over the sample), query included, so that the title says
    what the request is (QA: '▶ Run GET /api/hello' sent the saved POST /api/hello?name=Ada;
    '▶ Run GET /api/products/{id:int}' sent /api/products/1); ``(saved input)`` when
    funcls.inputs.json holds its entry. ``▶ Run (saved input)`` for other triggers."""
    has_saved = saved is not None and saved.entry(fn.name) is not None
    if not is_http(fn):
        # What a click sends is the saved entry, not a sample: say so (QA: a queue function's
        # lens read '▶ Run' whether or not funcls.inputs.json held its message).
        return "▶ Run (saved input)" if has_saved else "▶ Run"
    if has_saved:
        try:
            request, _ = resolve_input(app, fn, None, saved)
        except InputError:
            request = {}  # a malformed entry: the run says why; the title stays the route's
    else:
        # The sample's method, path and query (sample_input's, without reading the body's
        # keys, which the title does not show: one lens request per edit asks for each).
        request = {"method": default_method(fn), "path": sample_url_path(app, fn)}
        query = sample_query(fn, app.source)
        if query:
            request["query"] = query
    method, path = request.get("method"), request.get("path")
    if not (isinstance(method, str) and isinstance(path, str)):
        return f"▶ Run {default_method(fn)} {route_text(app, fn)}"
    query = request.get("query") or {}
    if query:
        path += ("&" if "?" in path else "?") + urlencode(query)
    if len(path) > MAX_TARGET:
        path = path[: MAX_TARGET - 1] + "…"
    return f"▶ Run {method.upper()} {path}" + (" (saved input)" if has_saved else "")


def answers_get(fn: Function) -> bool:
    methods = methods_of(fn)
    return is_http(fn) and (methods is None or "GET" in methods)


# The families of the errors that keep a function from loading: its binding definitions and
# its Python signature (the worker checks both when it indexes the app and leaves the
# function out). Errors of other families (a missing setting, a queue name's length) fail at
# run time, if at all, and the runner's answer names them.
LOAD_FAMILIES = ("AZF1", "AZF2")


# A syntax error in the file of the def, or (v2) in the script the worker imports first, keeps
# the function from loading as well: the import fails and the app has no functions (QA: ▶ Run
# above a function of a file with a syntax error further down answered 'no function').
SYNTAX_ERROR = "AZF603"


def load_errors(findings: list[Finding], app: App, fn: Function) -> list[Finding]:
    """The error-level findings that keep ``fn`` of ``app`` from loading, first first."""
    imported = {fn.script_path, app.script_path if fn.model == "v2" else None} - {None}
    return sorted(
        (
            f
            for f in findings
            if f.severity >= Severity.ERROR
            and f.app_root in (None, app.root)
            and (
                (f.function == fn.name and f.code.startswith(LOAD_FAMILIES))
                or (f.code == SYNTAX_ERROR and f.path in imported)
            )
        ),
        key=Finding.sort_key,
    )


def load_error_text(app: App, error: Finding) -> str:
    """The error, its file and line (1-based, relative to the app) and where the fix is."""
    where = f"{os.path.relpath(error.path, app.root)}:{error.range.start.line + 1}"
    fix = "; Ctrl+. offers the fix" if error.fixes else ""
    return f"{error.code} {error.message} ({where}{fix})"


def fix_first_command(ctx: Context, app: App, fn: Function, errors: list[Finding]) -> types.Command:
    """``⊘ Run (fix N errors first)``: shows the first error at its place and says it."""
    first = errors[0]
    count = f"{len(errors)} error" + ("s" if len(errors) > 1 else "")
    text = f"'{fn.name}' cannot load: {load_error_text(app, first)}"
    r = ctx.positions.range(first.path, first.range)
    at = {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }
    return types.Command(
        title=f"⊘ Run (fix {count} first)",
        command=SHOW_REASON_COMMAND,
        arguments=[text, path_to_uri(first.path), at],
    )


def function_commands(
    app: App,
    fn: Function,
    ctx: Context | None = None,
    findings: list[Finding] | None = None,
    saved: SavedInputs | None = None,
) -> list[types.Command]:
    errors = load_errors(findings, app, fn) if findings and ctx is not None else []
    if errors and ctx is not None:
        return [fix_first_command(ctx, app, fn, errors)]
    why = why_not_runnable(fn, app)
    if why is not None:
        short = why if len(why) <= MAX_REASON else why[: MAX_REASON - 1] + "…"
        return [
            types.Command(
                title=f"⊘ Not runnable here: {short}",
                command=SHOW_REASON_COMMAND,
                arguments=[f"'{fn.name}' cannot run locally: {why}"],
            )
        ]
    args = [app.root, fn.name]
    commands = [
        types.Command(title=run_title(app, fn, saved), command=RUN_COMMAND, arguments=args),
        types.Command(title="Run with input…", command=RUN_WITH_INPUT_COMMAND, arguments=args),
    ]
    if answers_get(fn):
        commands.append(
            types.Command(title="Open in browser", command=OPEN_IN_BROWSER_COMMAND, arguments=args)
        )
    return commands


def code_lenses(
    ctx: Context, path: str, findings: list[Finding] | None = None
) -> list[types.CodeLens] | None:
    """The lenses of ``path``; ``findings``: its app's known findings (errors that keep a
    function from loading turn its Run into ``⊘ Run (fix … first)``)."""
    if os.path.basename(path) == INPUTS_FILE:
        return input_lenses(ctx, path)
    app = ctx.app(path)
    if app is None:
        return None
    out: list[types.CodeLens] = []
    registered = {id(f) for f in app.functions}  # identity: comparing functions is deep
    saved = read_saved(app.root, ctx.index.source)
    for fn in functions_in(app, path, web_apps=True):
        if id(fn) not in registered:
            continue  # unregistered or misplaced functions never run
        if fn.config_path == path:
            trig = fn.trigger
            at = Range(trig.range.start, trig.range.start) if trig else Range.point(0, 0)
        elif fn.def_name_range is not None:
            at = fn.def_name_range
        elif (found := entry_assignment(ctx.index.source.module(path), fn.entry_point)) is not None:
            at = found  # main = df.Orchestrator.create(…): the lens goes on that line
        else:
            continue
        where = ctx.positions.range(path, at)
        commands = function_commands(app, fn, ctx, findings, saved)
        out.extend(types.CodeLens(range=where, command=c) for c in commands)
    return out


def entry_assignment(module: ModuleInfo | None, name: str | None) -> Range | None:
    """Where a v1 script binds its entry point by assignment at the top level (``main =
    df.Orchestrator.create(orchestrator_function)``, as Durable Functions' v1 orchestrators
    and entities do): the name in the first statement that binds it, as the module's analysis
    recorded it (``ModuleInfo.assignments``). QA in code-server: a durable v1 orchestrator's
    __init__.py had no Run lens at all, only its function.json did."""
    if module is None or not name:
        return None
    found = module.assignment(name)
    return found.name_range if found is not None else None


def input_lenses(ctx: Context, path: str) -> list[types.CodeLens] | None:
    """``▶ Run NAME`` above each entry of funcls.inputs.json that names a function."""
    app = ctx.index.apps.get(os.path.dirname(os.path.normpath(os.path.abspath(path))))
    if app is None:
        return None
    saved = read_saved(app.root, ctx.index.source)
    out: list[types.CodeLens] = []
    for name, at in saved.ranges.items():
        fn = app.function(name)
        if fn is None or why_not_runnable(fn, app) is not None:
            continue
        out.append(
            types.CodeLens(
                range=ctx.positions.range(path, at),
                command=types.Command(
                    title=f"▶ Run {fn.name}", command=RUN_COMMAND, arguments=[app.root, fn.name]
                ),
            )
        )
    return out


def changes_run_titles(path: str) -> bool:
    """Whether a change of ``path`` changes the titles of lenses in other files (the saved
    inputs: the server asks the client for its lenses again, workspace/codeLens/refresh)."""
    return os.path.basename(path) == INPUTS_FILE
