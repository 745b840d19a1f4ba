"""``textDocument/definition`` in both directions: a parameter and its binding (function.json
entry or decorator argument), ``scriptFile`` → file, ``entryPoint`` → def, a connection,
``%Setting%`` or ``os.environ["Setting"]`` → its key in local.settings.json, a blueprint
variable → where it is created, ``req.route_params["id"]`` → ``{id}`` in the route template
(which is its own definition), the rest of a route → ``extensions.http.routePrefix`` in
host.json and a trigger's type in function.json → its extension's section there
(``host_links``), the name in ``context.call_activity("…")`` and the like → that activity or
orchestrator's def (``durable_names``)."""

from __future__ import annotations

import os
import re

from lsprotocol import types

from funcls.lsp.context import Context
from funcls.lsp.durable_names import durable_definition
from funcls.lsp.host_links import route_prefix_location, trigger_section_location
from funcls.lsp.lookup import Spot, route_param_location, spot_at
from funcls.lsp.rename import string_inner
from funcls.model.appmodel import App, Binding
from funcls.model.locations import Location, Position, Range

ZERO = Range.point(0, 0)


def definition(ctx: Context, path: str, pos: object) -> list[types.Location] | None:
    app = ctx.app(path)
    if app is None:
        return None
    durable = durable_definition(ctx, path, pos)  # type: ignore[arg-type]
    if durable is not None:
        return [ctx.positions.location(durable.path, durable.range)]
    spot = spot_at(app, path, pos, ctx.source)  # type: ignore[arg-type]
    if spot is None:
        imported = blueprint_import(ctx, app, path, pos)  # type: ignore[arg-type]
        return [ctx.positions.location(imported.path, imported.range)] if imported else None
    targets = targets_of(app, spot)
    if not targets:
        return None
    # One column convention with references and rename: a binding's name is the text inside
    # its quotes, not the opening quote.
    names = {(b.path, b.name_range) for f in app.functions for b in f.bindings if b.name_range}
    return [
        ctx.positions.location(
            t.path,
            (string_inner(ctx, t.path, t.range) or t.range)
            if (t.path, t.range) in names
            else t.range,
        )
        for t in targets
    ]


_FROM_IMPORT = re.compile(r"^\s*from\s+(\.*[\w.]*)\s+import\s+\(?([^#]*)")


def blueprint_import(ctx: Context, app: App, path: str, pos: Position) -> Location | None:
    """The blueprint an import line of ``path`` brings in, for the cursor on the module, the
    name or its alias: ``from orders_bp import bp as orders`` goes where ``bp = func.Blueprint()``
    is. Only a blueprint the file registers (the indexer resolved its module); a one-line
    ``from … import``. eglot runs one server per buffer, so in Emacs funcls is the Python
    server and nothing else answers there."""
    text = ctx.text(path)
    lines = text.split("\n") if text is not None else []
    if pos.line >= len(lines):
        return None
    line = lines[pos.line]
    m = _FROM_IMPORT.match(line)
    if m is None:
        return None
    word = _word_at(line, pos.column)
    if not word:
        return None
    module = m.group(1).lstrip(".").rsplit(".", 1)[-1]
    names: dict[str, str] = {}  # a name the line binds or imports -> the imported name
    for part in m.group(2).rstrip(") \t\\").split(","):
        words = part.split()
        if len(words) == 1:
            names[words[0]] = words[0]
        elif len(words) == 3 and words[1] == "as":
            names[words[0]] = names[words[2]] = words[0]
    on_module = m.start(1) <= pos.column <= m.end(1)
    for reg in app.registrations:
        if reg.path != path or reg.blueprint_path is None or reg.blueprint_var is None:
            continue
        if os.path.splitext(os.path.basename(reg.blueprint_path))[0] != module:
            continue
        if on_module or names.get(word) == reg.blueprint_var:
            for obj in app.app_objects:
                if obj.var == reg.blueprint_var and obj.path == reg.blueprint_path:
                    return Location(obj.path, obj.range)
    return None


def _word_at(line: str, column: int) -> str:
    start = column
    while start > 0 and (line[start - 1].isalnum() or line[start - 1] == "_"):
        start -= 1
    end = column
    while end < len(line) and (line[end].isalnum() or line[end] == "_"):
        end += 1
    return line[start:end]


def binding_location(b: Binding) -> Location:
    return Location(b.path, b.name_range or b.range)


def setting_location(app: App, name: str) -> Location | None:
    if app.local_settings_path is None:
        return None
    v = app.setting(name)
    if v is None:
        low = name.lower() + "__"
        v = next((val for k, val in app.settings.items() if k.lower().startswith(low)), None)
    if v is None or v.key_range is None:
        return None
    return Location(app.local_settings_path, v.key_range)


def targets_of(app: App, spot: Spot) -> list[Location]:
    fn = spot.fn
    if spot.route_param is not None and fn is not None:
        # The template declares the parameter: its definition is its own place, as pyright
        # answers on a declaration (VS Code then offers the references instead, see its
        # editor.gotoLocation.alternativeDefinitionCommand).
        declared = route_param_location(fn, spot.route_param)
        return [Location(declared[0], declared[1])] if declared else []
    if spot.setting is not None and spot.kind in ("property-value", "keyword-value", "env-read"):
        loc = setting_location(app, spot.setting)
        return [loc] if loc else []
    # Outside the template's {name}s, a route's text has its URL's prefix in host.json; a
    # trigger's type in function.json, its extension's settings there.
    b = spot.binding
    if (
        b is not None
        and spot.kind in ("property-value", "keyword-value")
        and (spot.key or "").lower() == "route"
        and b.kind == "httptrigger"
    ):
        place = route_prefix_location(app)
        return [place] if place else []
    if b is not None and spot.kind == "binding-type" and b.is_trigger:
        place = trigger_section_location(app, b)
        return [place] if place else []
    if spot.kind in ("parameter", "parameter-use") and fn is not None and spot.param is not None:
        b = fn.binding(spot.param.name)
        if b is not None:
            return [binding_location(b)]
        if spot.kind == "parameter-use":
            return [Location(fn.script_path or spot.path, spot.param.range)]
        return []
    if spot.kind == "binding-name" and fn is not None and spot.binding is not None:
        p = fn.parameter(spot.binding.name)
        if p is not None and fn.script_path:
            return [Location(fn.script_path, p.range)]
        if spot.binding.name == "$return" and fn.script_path and fn.def_name_range:
            return [Location(fn.script_path, fn.def_name_range)]
        return []
    if spot.kind == "route-param" and fn is not None and spot.key is not None:
        declared = route_param_location(fn, spot.key)
        return [Location(declared[0], declared[1])] if declared else []
    if spot.kind in ("query-param", "body") and spot.binding is not None:
        return [binding_location(spot.binding)]
    if spot.kind == "script-file" and fn is not None and fn.script_path and fn.script_exists:
        return [Location(fn.script_path, ZERO)]
    if spot.kind == "entry-point" and fn is not None and fn.entry_found and fn.def_name_range:
        return [Location(fn.script_path or "", fn.def_name_range)]
    if spot.kind == "function" and fn is not None and fn.model == "v1" and fn.config_path:
        trig = fn.trigger
        return [Location(fn.config_path, trig.range if trig else ZERO)]
    if spot.kind == "decorator" and fn is not None and spot.use is not None:
        idx = next((i for i, u in enumerate(fn.decorators) if u is spot.use), -1)
        for b in fn.bindings:
            if b.decorator_index == idx and (p := fn.parameter(b.name)) is not None:
                return [Location(fn.script_path or spot.path, p.range)]
        return []
    if spot.kind == "app-object" and spot.app_object is not None:
        obj = spot.app_object
        return [Location(obj.path, obj.range)]
    return []
