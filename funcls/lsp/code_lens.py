"""A **Run function** code lens on every function: on the ``def`` (v1 and v2) and at the top
of function.json. The client executes ``funcls.runFunction`` with the app root and the
function's name (the server implements it by calling ``funcls invoke``)."""

from __future__ import annotations

from lsprotocol import types

from funcls.lsp.context import Context
from funcls.lsp.lookup import functions_in
from funcls.model.locations import Range

RUN_COMMAND = "funcls.runFunction"


def run_command(root: str, name: str) -> types.Command:
    return types.Command(title="▶ Run function", command=RUN_COMMAND, arguments=[root, name])


def code_lenses(ctx: Context, path: str) -> list[types.CodeLens] | None:
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
        out.append(
            types.CodeLens(
                range=ctx.positions.range(path, at), command=run_command(app.root, fn.name)
            )
        )
    return out
