"""Durable Functions names in code: the activity of ``context.call_activity("say_hello", …)``
(and ``call_activity_with_retry``), the orchestrator of ``call_sub_orchestrator("…")``
(``…_with_retry``) and of a client's ``start_new("…")``. Go to definition lands on that
function's def, hover describes it, and completion inside the string offers the app's
functions of that kind. The Durable extension finds them by function name, ignoring case
(azure-functions-durable-extension, ``DurableTaskExtension.ThrowIfFunctionDoesNotExist``
compares names with ``StringComparison.OrdinalIgnoreCase``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lsprotocol import types

from funcls.lsp.context import Context
from funcls.lsp.items import item
from funcls.model.appmodel import App, Function
from funcls.model.locations import LineIndex, Location, Position, Range

# The first argument of a durable call, a string literal, closed or being typed.
_CALL = re.compile(
    r"\.\s*(?P<method>call_activity(?:_with_retry)?|call_sub_orchestrator(?:_with_retry)?"
    r"|start_new)\s*\(\s*(?:retry_options\s*=\s*[^,()]*,\s*)?"
    r"(?:(?:name|orchestration_function_name)\s*=\s*)?"
    r"(?P<quote>['\"])(?P<name>[^'\"\\\n]*)(?P=quote)?"
)
_KIND = {
    "call_activity": "activitytrigger",
    "call_activity_with_retry": "activitytrigger",
    "call_sub_orchestrator": "orchestrationtrigger",
    "call_sub_orchestrator_with_retry": "orchestrationtrigger",
    "start_new": "orchestrationtrigger",
}
_WORD = {"activitytrigger": "activity", "orchestrationtrigger": "orchestrator"}


@dataclass(frozen=True)
class DurableName:
    kind: str  # the trigger kind of the function it names
    name: str  # as written so far
    start: int  # column of the name (after the quote)
    end: int  # column after the name
    closed: bool


# How many lines above the name a call may open: ``start_new(`` alone on its line with the name
# on the next (the layout black gives a call too long for one line), or the retry options first.
_LINES_ABOVE = 3


def durable_name_at(line: str, column: int, above: str = "") -> DurableName | None:
    """The durable call's name whose string holds ``column`` on ``line``. ``above``: the lines
    before it, joined with their line ends, for a call opened on an earlier line."""
    if not any("call_" in t or "start_new" in t for t in (line, above)):
        return None
    text = above + line
    shift = len(above)
    for m in _CALL.finditer(text):
        if m.start("name") >= shift and m.start("name") <= column + shift <= m.end("name"):
            closed = m.group(0).endswith(m.group("quote")) and m.end("name") < m.end()
            return DurableName(
                _KIND[m.group("method")],
                m.group("name"),
                m.start("name") - shift,
                m.end("name") - shift,
                closed,
            )
    return None


def durable_name_in(lines: LineIndex, line: int, column: int) -> DurableName | None:
    """The durable call's name at (``line``, ``column``), the call opened on that line or on
    one of the few above."""
    text = lines.line_text(line)
    found = durable_name_at(text, column)
    if found is not None or line == 0:
        return found
    first = max(0, line - _LINES_ABOVE)
    above = "".join(lines.line_text(i) + "\n" for i in range(first, line))
    return durable_name_at(text, column, above)


def functions_of_kind(app: App, kind: str) -> list[Function]:
    return [
        fn
        for fn in app.functions
        if fn.trigger is not None and fn.trigger.kind == kind and not fn.synthetic
    ]


def durable_name(fn: Function) -> str:
    """The name a durable call gives for ``fn``: its trigger's ``orchestration`` / ``activity``
    when set ("the name of the orchestrator function; if not specified, the function name is
    used", OrchestrationTriggerAttribute.Orchestration), else the function's name."""
    t = fn.trigger
    given = (
        t.get("orchestration" if t.kind == "orchestrationtrigger" else "activity") if t else None
    )
    return given if isinstance(given, str) and given else fn.name


def _named(app: App, found: DurableName) -> Function | None:
    wanted = found.name.casefold()
    return next(
        (f for f in functions_of_kind(app, found.kind) if durable_name(f).casefold() == wanted),
        None,
    )


def _at(ctx: Context, path: str, pos: Position) -> tuple[App, DurableName] | None:
    app = ctx.app(path)
    lines = ctx.positions.lines(path)
    if app is None or lines is None or not path.endswith(".py"):
        return None
    if not 0 <= pos.line < lines.line_count:
        return None
    found = durable_name_in(lines, pos.line, pos.column)
    return (app, found) if found is not None else None


def durable_definition(ctx: Context, path: str, pos: Position) -> Location | None:
    hit = _at(ctx, path, pos)
    fn = _named(*hit) if hit is not None else None
    if fn is None or fn.script_path is None or fn.def_name_range is None:
        return None
    return Location(fn.script_path, fn.def_name_range)


def durable_hover(ctx: Context, path: str, pos: Position) -> tuple[Function, str, Range] | None:
    """The function a durable call names at ``pos``, what it is, and the name's range."""
    hit = _at(ctx, path, pos)
    if hit is None:
        return None
    app, found = hit
    fn = _named(app, found)
    if fn is None:
        return None
    return fn, _WORD[found.kind], Range.of(pos.line, found.start, pos.line, found.end)


def durable_name_items(
    ctx: Context, app: App | None, path: str, text: str, lines: LineIndex, offset: int
) -> list[types.CompletionItem]:
    """Inside the string of a durable call: the app's functions of the kind it names."""
    if app is None:
        return []
    pos = lines.position(offset)
    found = durable_name_in(lines, pos.line, pos.column)
    if found is None:
        return []
    line_start = offset - pos.column
    start = line_start + found.start
    # A client that inserts at the cursor (Neovim's omnifunc) keeps what follows it.
    end = line_start + (found.end if ctx.client.edit_ranges else pos.column)
    quote = text[line_start + found.start - 1]
    tail = "" if found.closed or (not ctx.client.edit_ranges and found.end > pos.column) else quote
    out = []
    for fn in sorted(functions_of_kind(app, found.kind), key=lambda f: durable_name(f).casefold()):
        where = f"{fn.script_path.rsplit('/', 1)[-1]}" if fn.script_path else fn.name
        name = durable_name(fn)
        out.append(
            item(
                ctx,
                path,
                lines.range(start, end),
                name,
                name + tail,
                kind=types.CompletionItemKind.Function,
                detail=f"{_WORD[found.kind]} in {where}",
            )
        )
    return out
