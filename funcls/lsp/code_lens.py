"""Run lenses above every function (on the ``def`` in v1 and v2, at the top of function.json)
and above every entry of the app's saved inputs (funcls.inputs.json):

- ``▶ Run`` — for HTTP functions with the method and route: ``▶ Run GET /api/items/{id}``;
- ``Run with input…`` — opens the function's saved input for editing;
- ``Open in browser`` — HTTP functions that answer GET;
- for a function the runner cannot run, one lens that says why (clicking it explains, and
  nothing fails).

The commands are the server's (`funcls.lsp.run_commands`)."""

from __future__ import annotations

import os

from lsprotocol import types

from funcls.lsp.context import Context
from funcls.lsp.lookup import functions_in
from funcls.lsp.run_function import why_not_runnable
from funcls.model.appmodel import App, Function
from funcls.model.locations import Range
from funcls.model.run_inputs import (
    INPUTS_FILE,
    default_method,
    is_http,
    methods_of,
    read_saved,
    route_text,
)

RUN_COMMAND = "funcls.runFunction"
RUN_WITH_INPUT_COMMAND = "funcls.runWithInput"
OPEN_IN_BROWSER_COMMAND = "funcls.openInBrowser"
SHOW_REASON_COMMAND = "funcls.showReason"
MAX_REASON = 60


def run_title(app: App, fn: Function) -> str:
    if is_http(fn):
        return f"▶ Run {default_method(fn)} {route_text(app, fn)}"
    return "▶ Run"


def answers_get(fn: Function) -> bool:
    methods = methods_of(fn)
    return is_http(fn) and (methods is None or "GET" in methods)


def function_commands(app: App, fn: Function) -> list[types.Command]:
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
        types.Command(title=run_title(app, fn), command=RUN_COMMAND, arguments=args),
        types.Command(title="Run with input…", command=RUN_WITH_INPUT_COMMAND, arguments=args),
    ]
    if answers_get(fn):
        commands.append(
            types.Command(title="Open in browser", command=OPEN_IN_BROWSER_COMMAND, arguments=args)
        )
    return commands


def code_lenses(ctx: Context, path: str) -> list[types.CodeLens] | None:
    if os.path.basename(path) == INPUTS_FILE:
        return input_lenses(ctx, path)
    app = ctx.app(path)
    if app is None:
        return None
    out: list[types.CodeLens] = []
    registered = {id(f) for f in app.functions}  # identity: comparing functions is deep
    for fn in functions_in(app, path):
        if id(fn) not in registered or fn.synthetic:
            continue  # unregistered or misplaced functions never run
        if fn.config_path == path:
            trig = fn.trigger
            at = Range(trig.range.start, trig.range.start) if trig else Range.point(0, 0)
        elif fn.def_name_range is not None:
            at = fn.def_name_range
        else:
            continue
        where = ctx.positions.range(path, at)
        out.extend(types.CodeLens(range=where, command=c) for c in function_commands(app, fn))
    return out


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
