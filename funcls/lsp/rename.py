"""``textDocument/rename``: an app setting's name everywhere in the app (``rename_setting``);
a route parameter in its template, its reads and the other bindings' ``{name}``s
(``rename_route``);
renaming a binding's name or its parameter renames both sides
together — the function.json ``name`` or the decorator's ``arg_name``, the parameter, and its
uses in the function body (found with jedi, which reads the code without running it).

Renaming the ``def`` of a v1 entry point also updates function.json: its ``entryPoint``, or a
new ``entryPoint`` when there was none and the def was ``main`` (the worker's default name,
azure_functions_worker/loader.py ``load_function``). The Python side belongs to the Python
language server, so prepareRename stays null there: Neovim 0.7 sends prepareRename to every
server of the buffer and, for each answer that is not null, asks for the name again and sends
the rename to every server (runtime/lua/vim/lsp/buf.lua ``M.rename``), so an answer from funcls
too would prompt twice and apply the Python server's edits twice. The rename itself still
reaches funcls there, and funcls answers it with the function.json edit alone. A client that
never asks prepareRename (eglot 1.9) runs one server per buffer: funcls is the Python server
there and renames the def and its uses in the file too.
"""

from __future__ import annotations

import keyword
import logging
import os

from lsprotocol import types

from funcls.checks.context import Context as CheckContext
from funcls.checks.edits import json_add_member
from funcls.lsp.context import Context
from funcls.lsp.edits import Edit, RequestFailed, workspace_edit
from funcls.lsp.lookup import Spot, spot_at
from funcls.lsp.rename_route import (
    prepare_route_param_rename,
    rename_route_param,
    route_param_target,
)
from funcls.lsp.rename_setting import prepare_setting_rename, rename_setting, setting_target
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


def prepare_rename(
    ctx: Context, path: str, pos: Position
) -> types.PrepareRenamePlaceholder | types.PrepareRenameDefaultBehavior | None:
    setting = setting_target(ctx, path, pos)
    if setting is not None:
        return prepare_setting_rename(ctx, setting)
    route_param = route_param_target(ctx, path, pos)
    if route_param is not None:
        return prepare_route_param_rename(ctx, route_param)
    hit = _target(ctx, path, pos)
    if hit is None:
        # Nothing funcls renames here. A client that understands defaultBehavior gets that
        # answer: "no range of mine, use the word", which vscode-languageclient 9 hands to
        # VS Code as no result, and VS Code asks the next rename provider (a Python
        # extension's). Tried in code-server 1.100, where with no other provider VS Code
        # showed the rename box for the word and then renamed nothing: the extension's
        # prepareRename middleware (client-vscode/src/renameModel.ts) turns no result into
        # a reject reason, shown at once when no provider renames there.
        if ctx.client.prepare_default_behavior:
            return types.PrepareRenameDefaultBehavior(default_behavior=True)
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


def _entry_point_at(ctx: Context, path: str, pos: Position) -> Function | None:
    """The v1 function whose entry point's ``def`` name is at ``pos``."""
    app = ctx.app(path)
    spot = spot_at(app, path, pos, ctx.source) if app is not None else None
    fn = spot.fn if spot is not None and spot.kind == "function" else None
    if fn is None or fn.model != "v1" or fn.synthetic or fn.config_path is None:
        return None
    return fn


def _config_edit(ctx: Context, fn: Function, new: str) -> Edit | None:
    """function.json's entryPoint set to ``new``: its value replaced, or the member added."""
    assert fn.config_path is not None
    ev = fn.entry_point_value
    if ev is not None and ev.range is not None and isinstance(ev.value, str):
        inner = string_inner(ctx, fn.config_path, ev.range)
        if inner is None:
            raise RequestFailed(
                f'"entryPoint" of {fn.name}/function.json is not a plain string; rename by hand'
            )
        return Edit(fn.config_path, inner, new)
    if ev is not None or new == "main":
        return None  # main is the default: nothing to write
    doc = ctx.source.json(fn.config_path)
    if doc is None or doc.root is None or ctx.app(fn.config_path) is None:
        return None
    app = ctx.app(fn.config_path)
    assert app is not None
    added = json_add_member(CheckContext(app), fn.config_path, doc.root, "entryPoint", new)
    if added is None:
        raise RequestFailed(
            f'{fn.name}/function.json cannot be read as JSON; add "entryPoint": "{new}" by hand'
        )
    return Edit(added.path, added.range, added.new_text)


def _def_uses(ctx: Context, fn: Function) -> list[Range]:
    """The def's name and its uses in the script (jedi, reading the file only)."""
    path, name_range = fn.script_path, fn.def_name_range
    text = ctx.text(path) if path else None
    if text is None or path is None or name_range is None:
        return []
    import jedi

    try:
        script = jedi.Script(code=text, path=path, environment=jedi.InterpreterEnvironment())
        refs = script.get_references(
            name_range.start.line + 1, name_range.start.column, scope="file"
        )
    except Exception:
        log.exception("jedi could not find the uses of %s", fn.entry_point)
        return [name_range]
    out = [name_range]
    for r in refs:
        if r.line is None or r.column is None or r.name != fn.entry_point:
            continue
        start = Position(r.line - 1, r.column)
        if start != name_range.start:
            out.append(Range(start, Position(start.line, start.column + len(r.name))))
    return out


def rename_entry_point(ctx: Context, fn: Function, new_name: str) -> types.WorkspaceEdit | None:
    """The rename of a v1 entry point's def: function.json of every function that names it,
    and — for a client without prepareRename, where funcls is the Python server — the def and
    its uses in the script."""
    old = fn.entry_point
    if not new_name.isidentifier() or keyword.iskeyword(new_name):
        raise RequestFailed(f"'{new_name}' is not a valid Python function name")
    if new_name == old:
        return None
    app = ctx.app(fn.config_path or "")
    sharing = [
        f
        for f in (app.functions if app is not None else [fn])
        if f.model == "v1" and f.script_path == fn.script_path and f.entry_point == old
    ]
    edits = [e for f in sharing if (e := _config_edit(ctx, f, new_name)) is not None]
    if not ctx.client.prepare_rename and fn.script_path is not None:
        edits.extend(Edit(fn.script_path, r, new_name) for r in _def_uses(ctx, fn))
    return workspace_edit(ctx, edits) if edits else None


def rename(ctx: Context, path: str, pos: Position, new_name: str) -> types.WorkspaceEdit | None:
    """The rename's edit; None when this request repeats the last one answered with an edit,
    on the same version of the document: that edit is on its way and must not be applied
    twice. Neovim 0.7 sends the rename to every server once per answer to its prepareRename
    (runtime/lua/vim/lsp/buf.lua ``M.rename``: a placeholder sends it, and so does an error
    such as jedi-language-server's 'Method Not Found') and applies every edit it gets back:
    beside jedi-language-server, ``{id}`` renamed to ``order_id`` became
    ``{order_idder_id}``."""
    key = (path, ctx.versions.get(path), pos.line, pos.column, new_name)
    last = ctx.memo.get("rename:last")
    if last is not None and last[0] == key:
        return None
    edit = _rename(ctx, path, pos, new_name)
    if edit is not None:
        ctx.memo["rename:last"] = (key, None)
    elif not ctx.client.prepare_rename:
        # Without prepareRename (eglot 1.9) the client renames with whatever comes back: a
        # null edit is applied as nothing and eglot says "Edit successful!". eglot runs one
        # server per buffer, so no Python server renames it either: say why.
        raise RequestFailed(_nothing_to_rename(ctx, path, pos))
    return edit


def _nothing_to_rename(ctx: Context, path: str, pos: Position) -> str:
    lines = (ctx.text(path) or "").split("\n")
    line = lines[pos.line] if pos.line < len(lines) else ""
    start = end = min(pos.column, len(line))
    while start > 0 and (line[start - 1].isalnum() or line[start - 1] == "_"):
        start -= 1
    while end < len(line) and (line[end].isalnum() or line[end] == "_"):
        end += 1
    what = f"'{line[start:end]}'" if end > start else "this place"
    return (
        f"funcls renames bindings and their parameters, route parameters, app settings and v1 "
        f"entry points; {what} at {os.path.basename(path)}:{pos.line + 1} is none of those. "
        "Rename other Python names with a Python language server"
    )


def _rename(ctx: Context, path: str, pos: Position, new_name: str) -> types.WorkspaceEdit | None:
    setting = setting_target(ctx, path, pos)
    if setting is not None:
        return rename_setting(ctx, setting, new_name)
    route_param = route_param_target(ctx, path, pos)
    if route_param is not None:
        return rename_route_param(ctx, route_param, new_name)
    entry = _entry_point_at(ctx, path, pos)
    if entry is not None:
        return rename_entry_point(ctx, entry, new_name)
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
