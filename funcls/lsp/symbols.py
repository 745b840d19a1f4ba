"""Document symbols (functions and their bindings; app objects; settings) and workspace symbols
(function names, HTTP routes, queue and other channel names)."""

from __future__ import annotations

import os

from lsprotocol import types

from funcls.lsp import usage
from funcls.lsp.context import Context
from funcls.lsp.describe import route_url
from funcls.lsp.lookup import functions_in
from funcls.lsp.secrets import mask_value
from funcls.model.appmodel import App, Binding, Function
from funcls.model.locations import Range

SK = types.SymbolKind
MAX_WORKSPACE_SYMBOLS = 1000


def _binding_symbol(ctx: Context, b: Binding) -> types.DocumentSymbol:
    rng = ctx.positions.range(b.path, b.range)
    sel = ctx.positions.range(b.path, b.name_range) if b.name_range else rng
    if not (rng.start.line, rng.start.character) <= (sel.start.line, sel.start.character):
        sel = rng
    return types.DocumentSymbol(
        name=b.name or "(unnamed)",
        detail=f"{b.type} · {b.direction}",
        kind=SK.Event if b.is_trigger else SK.Field,
        range=rng,
        selection_range=sel,
    )


def _function_symbol(
    ctx: Context, app: App, fn: Function, path: str
) -> types.DocumentSymbol | None:
    trig = fn.trigger
    detail = trig.type if trig else "no trigger"
    if trig is not None and trig.type == "httpTrigger":
        detail += " " + route_url(app, fn, trig).split("7071", 1)[-1]
    if fn.config_path == path:
        doc = ctx.source.json(path)
        if doc is None or doc.root is None:
            return None
        whole = doc.root.range
        sel = Range(whole.start, whole.start)
    else:
        if fn.def_range is None or fn.def_name_range is None:
            return None
        whole, sel = fn.def_range, fn.def_name_range
    children = [_binding_symbol(ctx, b) for b in fn.bindings if b.path == path]
    return types.DocumentSymbol(
        name=fn.name,
        detail=detail,
        kind=SK.Function,
        range=ctx.positions.range(path, whole),
        selection_range=ctx.positions.range(path, sel),
        children=children,
    )


def document_symbols(
    ctx: Context, path: str
) -> list[types.DocumentSymbol] | list[types.SymbolInformation] | None:
    app = ctx.app(path)
    if app is None:
        return None
    out: list[types.DocumentSymbol] = []
    if os.path.basename(path) == "local.settings.json" and path == app.local_settings_path:
        for name, v in app.settings.items():
            if v.key_range is None:
                continue
            rng = Range(v.key_range.start, v.range.end if v.range else v.key_range.end)
            out.append(
                types.DocumentSymbol(
                    name=name,
                    detail=mask_value(name, v.value),
                    kind=SK.Constant,
                    range=ctx.positions.range(path, rng),
                    selection_range=ctx.positions.range(path, v.key_range),
                )
            )
    for obj in app.app_objects:
        if obj.path == path:
            out.append(
                types.DocumentSymbol(
                    name=obj.var,
                    detail=obj.kind,
                    kind=SK.Object,
                    range=ctx.positions.range(path, obj.range),
                    selection_range=ctx.positions.range(path, obj.range),
                )
            )
    for fn in functions_in(app, path):
        sym = _function_symbol(ctx, app, fn, path)
        if sym is not None:
            out.append(sym)
    out.sort(key=lambda s: (s.range.start.line, s.range.start.character))
    if ctx.client.hierarchical_symbols:
        return out
    return flatten(path, out)


def flatten(
    path: str, symbols: list[types.DocumentSymbol], container: str | None = None
) -> list[types.SymbolInformation]:
    from funcls.lsp.positions import path_to_uri

    out = []
    for s in symbols:
        out.append(
            types.SymbolInformation(
                name=s.name,
                kind=s.kind,
                location=types.Location(path_to_uri(path), s.range),
                container_name=container,
            )
        )
        out.extend(flatten(path, list(s.children or []), s.name))
    return out


def _matches(query: str, name: str) -> bool:
    """Case-insensitive subsequence match, as editors filter symbols."""
    if not query:
        return True
    name = name.lower()
    i = 0
    for c in query.lower():
        i = name.find(c, i)
        if i < 0:
            return False
        i += 1
    return True


def workspace_symbols(ctx: Context, query: str) -> list[types.SymbolInformation]:
    out: list[types.SymbolInformation] = []
    for app in ctx.index.apps.values():
        container = os.path.basename(app.root)
        channels: set[tuple[str, str]] = set()
        for fn in app.functions:
            loc = fn.location
            if fn.model == "v1" and fn.config_path:
                trig = fn.trigger
                loc_path, loc_range = fn.config_path, trig.range if trig else Range.point(0, 0)
            else:
                loc_path, loc_range = loc.path, loc.range
            if _matches(query, fn.name):
                out.append(_info(ctx, fn.name, SK.Function, loc_path, loc_range, container))
            trig = fn.trigger
            if trig is not None and trig.type == "httpTrigger":
                methods = trig.get("methods")
                verbs = ",".join(m.upper() for m in methods) if isinstance(methods, list) else "ANY"
                route = f"{verbs} {route_url(app, fn, trig).split('7071', 1)[-1]}"
                if _matches(query, route):
                    rv = trig.value("route")
                    rng = (
                        rv.range
                        if rv is not None and rv.range and rv.origin == "explicit"
                        else trig.range
                    )
                    out.append(_info(ctx, route, SK.Interface, trig.path, rng, fn.name))
            for b in fn.bindings:
                for key, v in b.properties.items():
                    ch = usage.channel(app, b, key, v)
                    if ch is None or v.range is None or ch in channels:
                        continue
                    label = f"{ch[0]} {ch[1]}"
                    if _matches(query, label):
                        channels.add(ch)
                        out.append(_info(ctx, label, SK.Event, b.path, v.range, container))
            if len(out) >= MAX_WORKSPACE_SYMBOLS:
                return out
    return out


def _info(
    ctx: Context, name: str, kind: SK, path: str, rng: Range, container: str
) -> types.SymbolInformation:
    return types.SymbolInformation(
        name=name, kind=kind, location=ctx.positions.location(path, rng), container_name=container
    )
