"""``textDocument/documentHighlight`` for route parameters: on ``{id}`` in a route template or
on ``req.route_params["id"]``, the template's parameter (written: the route match sets it) and
every read of it in this document, and the other bindings' ``{id}``s. Anything else: None,
so a client keeps its own word highlighting."""

from __future__ import annotations

from lsprotocol import types

from funcls.lsp.context import Context
from funcls.lsp.lookup import (
    route_param_expressions,
    route_param_location,
    route_param_name,
    route_param_uses,
    spot_at,
)
from funcls.model.locations import Position


def highlights(ctx: Context, path: str, pos: Position) -> list[types.DocumentHighlight] | None:
    app = ctx.app(path)
    spot = spot_at(app, path, pos, ctx.source) if app is not None else None
    name = route_param_name(spot) if spot is not None else None
    if spot is None or spot.fn is None or name is None:
        return None
    out = []
    declared = route_param_location(spot.fn, name)
    if declared is not None and declared[0] == path:
        out.append(
            types.DocumentHighlight(
                ctx.positions.range(path, declared[1]), types.DocumentHighlightKind.Write
            )
        )
    out.extend(
        types.DocumentHighlight(ctx.positions.range(path, rng), types.DocumentHighlightKind.Read)
        for where, rng in (
            *route_param_uses(spot.fn, ctx.source, name),
            *route_param_expressions(spot.fn, name),
        )
        if where == path
    )
    return out or None
