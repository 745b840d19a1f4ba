"""Completion of a v1 entry function's parameters, named after the bindings of its
function.json with the annotations the worker expects; and how a module refers to
azure.functions."""

from __future__ import annotations

from lsprotocol import types

from funcls.lsp.context import Context
from funcls.lsp.items import item
from funcls.lsp.pyctx import DefParameters
from funcls.model.appmodel import App, Binding
from funcls.model.locations import Range
from funcls.model.python.module import ModuleInfo

K = types.CompletionItemKind
AF = "azure.functions"


def func_alias(module: ModuleInfo | None) -> str:
    """How the module refers to azure.functions (``func`` unless it says otherwise)."""
    if module is not None:
        for local, qual in module.imports.items():
            if qual == AF:
                return local
    return "func"


def annotation_for(b: Binding, alias: str) -> str | None:
    """The annotation the worker expects for a parameter fed by ``b``."""
    spec = b.spec
    if spec is None:
        return None

    def short(q: str) -> str:
        return alias + q[len(AF) :] if q.startswith(AF + ".") else q.rsplit(".", 1)[-1]

    if b.direction == "out":
        inner = spec.output_types[0] if spec.output_types else "str"
        return f"{alias}.Out[{short(inner)}]"
    if spec.input_types:
        return short(spec.input_types[0])
    return None


def v1_parameter_items(
    ctx: Context,
    app: App | None,
    module: ModuleInfo | None,
    path: str,
    pc: DefParameters,
    rng: Range,
) -> list[types.CompletionItem]:
    """Parameters for the entry function ``pc`` of a v1 function whose script is ``path``
    (one item per binding, and one with them all); ``rng`` is the text they replace."""
    out: list[types.CompletionItem] = []
    if app is None:
        return out
    fns = [
        f
        for f in app.functions
        if f.model == "v1" and f.script_path == path and f.entry_point == pc.name
    ]
    if not fns:
        return out
    fn = fns[0]
    alias = func_alias(module)
    extra = import_edit(ctx, module, path)
    wanted: list[str] = []
    for i, b in enumerate(fn.bindings):
        if b.name == "$return" or not b.name.isidentifier():
            continue
        ann = annotation_for(b, alias)
        text = f"{b.name}: {ann}" if ann else b.name
        wanted.append(text)
        if b.name in pc.present:
            continue
        out.append(
            item(
                ctx,
                path,
                rng,
                text,
                text,
                kind=K.Variable,
                detail=f"{b.type} ({b.direction})",
                sort=f"1{i:02d}",
                filter_text=b.name,
                extra_edits=extra,
            )
        )
    if len(wanted) > 1 and not pc.present:
        joined = ", ".join(wanted)
        out.append(
            item(
                ctx,
                path,
                rng,
                joined,
                joined,
                kind=K.Snippet,
                detail="every binding of function.json",
                sort="0",
                filter_text=wanted[0].split(":")[0],
                extra_edits=extra,
            )
        )
    return out


def import_edit(ctx: Context, module: ModuleInfo | None, path: str) -> list[types.TextEdit] | None:
    """The ``import azure.functions as func`` line a module without it needs, after its
    imports."""
    if module is None or AF in module.imports.values():
        return None
    line = max((r.range.end.line + 1 for r in module.import_records), default=0)
    at = Range.point(line, 0)
    return [
        types.TextEdit(
            range=ctx.positions.range(path, at),
            new_text="import azure.functions as func\n",
        )
    ]
