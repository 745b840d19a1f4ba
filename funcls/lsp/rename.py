"""``textDocument/rename``: renaming a binding's name or its parameter renames both sides
together — the function.json ``name`` or the decorator's ``arg_name``, the parameter, and its
uses in the function body (found with jedi, which reads the code without running it)."""

from __future__ import annotations

import keyword
import logging

from lsprotocol import types

from funcls.lsp.context import Context
from funcls.lsp.edits import Edit, RequestFailed, workspace_edit
from funcls.lsp.lookup import Spot, spot_at
from funcls.model.appmodel import Binding, Function
from funcls.model.catalogue import CATALOGUE
from funcls.model.locations import Position, Range

log = logging.getLogger(__name__)
RENAMEABLE = ("binding-name", "parameter", "parameter-use")


def _target(ctx: Context, path: str, pos: Position) -> tuple[Spot, str] | None:
    app = ctx.app(path)
    if app is None:
        return None
    spot = spot_at(app, path, pos, ctx.source)
    if spot is None or spot.kind not in RENAMEABLE or spot.fn is None or spot.fn.synthetic:
        return None
    name = spot.param.name if spot.param is not None else spot.binding.name if spot.binding else ""
    if not name or name == "$return":
        return None
    return spot, name


def string_inner(ctx: Context, path: str, rng: Range) -> Range | None:
    """The text inside the quotes of the one-line string literal at ``rng``."""
    if rng.start.line != rng.end.line:
        return None
    lines = ctx.positions.lines(path)
    if lines is None:
        return None
    literal = lines.line_text(rng.start.line)[rng.start.column : rng.end.column]
    i = 0
    while i < len(literal) and literal[i] not in "\"'":
        i += 1
    if i >= len(literal) or literal[i + 1 :].find(literal[i]) < 0:
        return None
    quote = literal[i] * 3 if literal[i:].startswith(literal[i] * 3) else literal[i]
    start = rng.start.column + i + len(quote)
    end = rng.end.column - len(quote)
    return Range.of(rng.start.line, start, rng.end.line, end) if end >= start else None


def body_uses(ctx: Context, fn: Function, name: str) -> list[Range]:
    """Uses of parameter ``name`` inside ``fn`` (the def's own parameter excluded)."""
    p = fn.parameter(name)
    path = fn.script_path
    text = ctx.text(path) if path else None
    if p is None or text is None or path is None or fn.def_range is None:
        return []
    import jedi

    try:
        script = jedi.Script(code=text, path=path, environment=jedi.InterpreterEnvironment())
        refs = script.get_references(p.range.start.line + 1, p.range.start.column, scope="file")
    except Exception:
        log.exception("jedi could not find the uses of %s", name)
        return []
    out = []
    for r in refs:
        if r.line is None or r.column is None or r.name != name:
            continue
        start = Position(r.line - 1, r.column)
        if start == p.range.start or not fn.def_range.contains(start):
            continue
        out.append(Range(start, Position(start.line, start.column + len(name))))
    return out


def binding_targets(ctx: Context, fn: Function, name: str) -> list[tuple[str, Range]]:
    """Where ``name`` appears for ``fn``: binding name, parameter, uses in the body."""
    out: list[tuple[str, Range]] = []
    b = fn.binding(name)
    if b is not None and b.name_range is not None:
        out.append((b.path, string_inner(ctx, b.path, b.name_range) or b.name_range))
    p = fn.parameter(name)
    if p is not None and fn.script_path:
        out.append((fn.script_path, p.range))
        out.extend((fn.script_path, r) for r in body_uses(ctx, fn, name))
    return out


def prepare_rename(ctx: Context, path: str, pos: Position) -> types.PrepareRenamePlaceholder | None:
    hit = _target(ctx, path, pos)
    if hit is None:
        return None
    spot, name = hit
    rng = spot.range
    if spot.kind == "binding-name":
        rng = string_inner(ctx, path, rng) or rng
    return types.PrepareRenamePlaceholder(range=ctx.positions.range(path, rng), placeholder=name)


def _default_name_edit(ctx: Context, fn: Function, b: Binding, new: str) -> Edit | None:
    """A binding named by the library's default (``req``): add the keyword that names it."""
    if b.decorator_index is None or b.decorator_index >= len(fn.decorators):
        return None
    use = fn.decorators[b.decorator_index]
    spec = CATALOGUE.decorator(use.method)
    if spec is None or not use.called:
        return None
    names = [p.name for p in spec.params if p.target == "name"]
    keyword_name = "trigger_arg_name" if use.method == "route" else (names[0] if names else None)
    if keyword_name is None:
        return None
    end = use.range.end
    close = Position(end.line, end.column - 1)
    sep = ", " if use.keywords or use.extra_positional else ""
    return Edit(use.path, Range(close, close), f'{sep}{keyword_name}="{new}"')


def rename(ctx: Context, path: str, pos: Position, new_name: str) -> types.WorkspaceEdit | None:
    hit = _target(ctx, path, pos)
    if hit is None:
        return None
    spot, old = hit
    fn = spot.fn
    assert fn is not None
    if not new_name.isidentifier() or keyword.iskeyword(new_name):
        raise RequestFailed(f"'{new_name}' is not a valid Python parameter name")
    if new_name != old and fn.parameter(new_name) is not None:
        raise RequestFailed(f"{fn.entry_point}() already has a parameter '{new_name}'")
    if new_name != old and fn.binding(new_name) is not None:
        raise RequestFailed(f"function '{fn.name}' already has a binding named '{new_name}'")
    edits: list[Edit] = []
    b = fn.binding(old)
    if b is not None:
        if b.name_range is not None:
            inner = string_inner(ctx, b.path, b.name_range)
            if inner is None:
                raise RequestFailed(
                    f"the name of binding '{old}' is not a plain string; rename it by hand"
                )
            edits.append(Edit(b.path, inner, new_name))
        else:
            extra = _default_name_edit(ctx, fn, b, new_name)
            if extra is not None:
                edits.append(extra)
    p = fn.parameter(old)
    if p is not None and fn.script_path:
        edits.append(Edit(fn.script_path, p.range, new_name))
        edits.extend(Edit(fn.script_path, r, new_name) for r in body_uses(ctx, fn, old))
    if not edits:
        return None
    return workspace_edit(ctx, edits)
