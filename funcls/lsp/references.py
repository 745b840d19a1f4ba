"""``textDocument/references``: a setting → every binding that reads it; a queue, blob
container, event hub… name → every binding that writes or reads it (in every app of the
workspace); a binding or parameter → both sides and the uses in the function body; a route
template's ``{id}`` (or ``req.route_params["id"]``) → the template, every read of it and the
other bindings' ``{id}``s."""

from __future__ import annotations

from lsprotocol import types

from funcls.lsp import usage
from funcls.lsp.context import Context
from funcls.lsp.definition import setting_location
from funcls.lsp.lookup import (
    route_param_expressions,
    route_param_location,
    route_param_name,
    route_param_uses,
    spot_at,
)
from funcls.lsp.rename import binding_targets
from funcls.model.locations import Location, Position


def references(
    ctx: Context, path: str, pos: Position, include_declaration: bool
) -> list[types.Location] | None:
    app = ctx.app(path)
    if app is None:
        return None
    spot = spot_at(app, path, pos, ctx.source)
    if spot is None:
        return None
    found: list[Location] = []
    route_param = route_param_name(spot)
    if route_param is not None and spot.fn is not None:
        declared = route_param_location(spot.fn, route_param)
        if include_declaration and declared is not None:
            found.append(Location(declared[0], declared[1]))
        found.extend(Location(p, r) for p, r in route_param_uses(spot.fn, ctx.source, route_param))
        found.extend(Location(p, r) for p, r in route_param_expressions(spot.fn, route_param))
    elif spot.setting is not None:
        if include_declaration:
            decl = setting_location(app, spot.setting)
            if decl is not None:
                found.append(decl)
        found.extend(
            Location(u.binding.path, u.range)
            for u in usage.setting_uses(app, spot.setting, ctx.source)
        )
    elif spot.binding is not None and spot.key and spot.value is not None:
        ch = usage.channel(app, spot.binding, spot.key, spot.value)
        if ch is None:
            return None
        for other in ctx.index.apps.values():
            found.extend(Location(u.binding.path, u.range) for u in usage.channel_uses(other, *ch))
    elif spot.kind in ("parameter", "parameter-use", "binding-name") and spot.fn is not None:
        name = (
            spot.param.name
            if spot.param is not None
            else (spot.binding.name if spot.binding else "")
        )
        found.extend(Location(p, r) for p, r in binding_targets(ctx, spot.fn, name))
    else:
        return None
    unique = list(dict.fromkeys(found))
    return [ctx.positions.location(loc.path, loc.range) for loc in unique]
