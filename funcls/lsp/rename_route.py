"""Renaming a route parameter: from ``{id}`` in a route template (v2 decorator or v1
function.json) or from a read of it (``req.route_params["id"]``, ``.get("id")``, through a
certain alias), the name in the template, every read of it in the function's code, and every
``{id}`` of the function's other bindings (a blob path ``receipts/{id}.json``), which the host
fills from the route's values. A place that cannot be rewritten safely (a string with escapes,
a route from a setting) refuses the whole rename, naming it, rather than leave a half-renamed
function behind."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types

from funcls.checks.context import Context as CheckContext
from funcls.checks.context import string_literal_inner
from funcls.lsp.context import Context
from funcls.lsp.edits import Edit, RequestFailed, workspace_edit
from funcls.lsp.lookup import (
    expression_param_at,
    route_param_location,
    route_param_name,
    route_param_uses,
    spot_at,
)
from funcls.model.appmodel import App, Function
from funcls.model.locations import Position, Range
from funcls.model.parsers.expressions import (
    BindingParameter,
    ExpressionError,
    ParameterKind,
    parse_binding_template,
)
from funcls.model.parsers.route_constraints import RouteError
from funcls.model.parsers.routes import parse_route


@dataclass(frozen=True)
class RouteParamTarget:
    app: App
    fn: Function
    name: str
    path: str
    range: Range  # the name at the cursor: in the template or in the read's quotes


def route_param_target(ctx: Context, path: str, pos: Position) -> RouteParamTarget | None:
    """The route parameter whose name is at ``pos``, declared in its function's template."""
    app = ctx.app(path)
    spot = spot_at(app, path, pos, ctx.source) if app is not None else None
    if app is None or spot is None or spot.fn is None or spot.fn.synthetic:
        return None
    fn, name = spot.fn, route_param_name(spot)
    declared = route_param_location(fn, name) if name is not None else None
    if name is None or declared is None:
        return None
    places = [(declared[0], declared[1]), *route_param_uses(fn, ctx.source, name)]
    if spot.value is not None and spot.binding is not None and not spot.binding.is_trigger:
        found = expression_param_at(spot.value, pos)  # {id} in a blob path
        if found is not None and found[0] == name:
            places.append((path, found[1]))
    for place, rng in places:
        on_line = place == path and rng.start.line == pos.line
        if on_line and rng.start.column <= pos.column <= rng.end.column:
            return RouteParamTarget(app, fn, name, path, rng)
    return None


def prepare_route_param_rename(
    ctx: Context, target: RouteParamTarget
) -> types.PrepareRenamePlaceholder:
    return types.PrepareRenamePlaceholder(
        range=ctx.positions.range(target.path, target.range), placeholder=target.name
    )


def _expression_edits(target: RouteParamTarget, new: str) -> list[Edit]:
    """``{old}`` (and ``{old.x}``) in the function's other bindings' values."""
    fn, old = target.fn, target.name.casefold()
    check = CheckContext(target.app)
    out = []
    for b in fn.bindings:
        if b is fn.trigger:
            continue
        for key, value in b.properties.items():
            if not isinstance(value.value, str) or "{" not in value.value:
                continue
            try:
                template = parse_binding_template(value.value)
            except ExpressionError:
                continue
            hits = [
                p
                for p in template.parts
                if isinstance(p, BindingParameter)
                and p.kind is ParameterKind.USER
                and p.root.casefold() == old
            ]
            if not hits:
                continue
            inner = (
                string_literal_inner(check, b.path, value.range, value.value)
                if value.range is not None
                else None
            )
            if inner is None:
                raise RequestFailed(
                    f"\"{key}\" of binding '{b.name}' uses {{{target.name}}} but is not a plain "
                    f"one-line string; rename the route parameter by hand"
                )
            for p in hits:
                column = inner.start.column + p.start + 1  # after the brace
                out.append(
                    Edit(
                        b.path,
                        Range.of(inner.start.line, column, inner.start.line, column + len(p.root)),
                        new,
                    )
                )
    return out


def rename_route_param(
    ctx: Context, target: RouteParamTarget, new: str
) -> types.WorkspaceEdit | None:
    fn, old = target.fn, target.name
    if new == old:
        return None
    if not new.isidentifier():
        raise RequestFailed(
            f"'{new}' cannot name a route parameter read by binding expressions; use letters, "
            "digits and '_'"
        )
    declared = route_param_location(fn, old)
    trigger = fn.trigger
    route = trigger.properties.get("route") if trigger is not None else None
    if declared is None or trigger is None or route is None or route.range is None:
        return None
    try:
        names = parse_route(declared[2]).parameter_names
    except RouteError:
        names = ()
    if any(n.casefold() == new.casefold() for n in names):
        raise RequestFailed(
            f"route '{declared[2]}' of '{fn.name}' already has a parameter {{{new}}}"
        )
    check = CheckContext(target.app)
    if string_literal_inner(check, trigger.path, route.range, declared[2]) is None:
        raise RequestFailed(
            f"the route of '{fn.name}' is not a plain one-line string; rename {{{old}}} by hand"
        )
    edits = [Edit(declared[0], declared[1], new)]
    edits += [Edit(p, r, new) for p, r in route_param_uses(fn, ctx.source, old)]
    edits += _expression_edits(target, new)
    return workspace_edit(ctx, edits)
