"""AZF300–AZF303, AZF313, AZF316: triggers, function names and HTTP routes across the app,
and the functions host.json's "functions" list leaves out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from funcls.checks.context import Context
from funcls.checks.decorators import broken_decorators
from funcls.checks.findings import Related
from funcls.checks.registry import REGISTRY, checker
from funcls.checks.structure_rules import RULES
from funcls.model.appmodel import Binding, Function
from funcls.model.locations import Location, Range
from funcls.model.parsers.route_constraints import RouteError
from funcls.model.parsers.routes import parse_route
from funcls.model.runnable import host_json_exclusion

REGISTRY.add_rules(RULES)

# Utility.FunctionNameValidationRegex of azure-functions-host (matched ignoring case).
FUNCTION_NAME = re.compile(r"^[a-z][a-z0-9_\-]{0,127}$(?<!^host$)", re.IGNORECASE)
ALL_METHODS = frozenset({"get", "post", "put", "delete", "head", "patch", "options", "trace"})


def function_location(ctx: Context, fn: Function) -> tuple[str, Range]:
    """Where findings about a whole function go: the def's name, or function.json."""
    if fn.model == "v1" and fn.config_path:
        if fn.folder_outside:  # linked outside the app: never read
            return fn.config_path, Range.point(0, 0)
        doc = ctx.app.source.json(fn.config_path) if ctx.app.source else None
        if doc is not None and doc.root is not None:
            bindings = doc.root.member("bindings")
            if bindings is not None:
                return fn.config_path, bindings.key_range
            return fn.config_path, Range(doc.root.range.start, doc.root.range.start)
        return fn.config_path, Range.point(0, 0)
    return fn.script_path or ctx.app.root, fn.def_name_range or Range.point(0, 0)


def _json_broken(ctx: Context, fn: Function) -> bool:
    return fn.model == "v1" and any(
        p.path == fn.config_path
        and p.kind in ("json-syntax", "json-not-object", "file-unreadable", "file-outside-app")
        for p in ctx.app.problems
    )


def _trigger_range(fn: Function, b: Binding) -> Range:
    if b.type_range is not None:
        return b.type_range
    if b.decorator_index is not None and b.decorator_index < len(fn.decorators):
        return fn.decorators[b.decorator_index].name_range
    return b.name_range or b.range


@checker("AZF300", "AZF301")
def triggers(ctx: Context) -> None:
    for fn in ctx.app.functions:
        if fn.synthetic or broken_decorators(fn) or _json_broken(ctx, fn):
            continue
        found = fn.triggers
        # A binding of an unknown type is reported by AZF101, which names the likely trigger.
        if not found and not any(b.type and b.spec is None for b in fn.bindings):
            path, rng = function_location(ctx, fn)
            how = (
                'add a binding with a "…Trigger" type to function.json'
                if fn.model == "v1"
                else "add a trigger decorator such as @app.route or @app.queue_trigger"
            )
            ctx.emit(
                "AZF300",
                f"function '{fn.name}' has no trigger, so it can never run; {how}",
                path,
                rng,
                function=fn,
            )
        for extra in found[1:]:
            first = found[0]
            ctx.emit(
                "AZF301",
                f"function '{fn.name}' has a second trigger ({extra.type}) besides "
                f"{first.type}; a function has exactly one: move it to a function of its own",
                extra.path,
                _trigger_range(fn, extra),
                related=[Related(Location(first.path, _trigger_range(fn, first)), "first trigger")],
                function=fn,
            )


def _name_location(ctx: Context, fn: Function) -> tuple[str, Range]:
    if fn.function_name is not None and fn.function_name.range is not None:
        return fn.script_path or "", fn.function_name.range
    return function_location(ctx, fn)


def _same_def(a: Function, b: Function) -> bool:
    return a.model == b.model == "v2" and (a.script_path, a.def_range) == (
        b.script_path,
        b.def_range,
    )


@checker("AZF302", "AZF313")
def function_names(ctx: Context) -> None:
    report_names(ctx, ctx.app.functions)


def name_entry(fn: Function) -> tuple[bool, str] | None:
    """What ``function_names`` reads of one function: whether its name is valid and the key
    it clashes by; None when it is not checked."""
    if fn.synthetic and fn.http_type not in ("asgi", "wsgi"):
        return None
    return FUNCTION_NAME.match(fn.name) is not None, fn.name.casefold()


def report_names(ctx: Context, functions: list[Function]) -> None:
    """AZF302/AZF313 over ``functions`` in order. A function whose name is valid and whose key
    no other function has neither reports nor changes another's finding, so the language
    server passes only the others (``checks.wide``)."""
    seen: dict[str, Function] = {}
    for fn in functions:
        entry = name_entry(fn)
        if entry is None:
            continue
        if not entry[0]:
            path, rng = _name_location(ctx, fn)
            where = "its folder" if fn.model == "v1" else "the def or @app.function_name"
            ctx.emit(
                "AZF313",
                f"'{fn.name}' is not a valid function name: start with a letter and use only "
                f"letters, digits, '_' and '-' (at most 128, not 'host'); rename {where}",
                path,
                rng,
                function=fn,
            )
        key = entry[1]
        first = seen.get(key)
        if first is None:
            seen[key] = fn
            continue
        if _same_def(first, fn):
            continue  # one blueprint registered twice: AZF311
        if fn.exclusive_with(first):
            continue  # if/else or try/except ImportError: only one of them is defined
        path, rng = _name_location(ctx, fn)
        fpath, frng = _name_location(ctx, first)
        case = (
            ""
            if first.name == fn.name
            else f" ('{first.name}' and '{fn.name}' differ only in case)"
        )
        ctx.emit(
            "AZF302",
            f"two functions are named '{fn.name}'{case}; function names must be unique in an "
            "app: rename one (in v2 with @app.function_name)",
            path,
            rng,
            related=[Related(Location(fpath, frng), f"the other '{first.name}'")],
            function=fn,
        )


def _http(fn: Function) -> Binding | None:
    t = fn.trigger
    return t if t is not None and t.type.lower() == "httptrigger" else None


def _methods(b: Binding) -> frozenset[str] | None:
    v = b.value("methods")
    if v is None or (v.known and v.value in (None, [])):
        return ALL_METHODS
    if not v.known or not isinstance(v.value, list):
        return None
    if not all(isinstance(m, str) for m in v.value):
        return None
    return frozenset(str(m).lower() for m in v.value)


RouteEntry = tuple[Binding, tuple[object, ...], frozenset[str]]


def route_entry(fn: Function, prefix: str) -> RouteEntry | None:
    """What ``duplicate_routes`` reads of one function: its HTTP trigger, its route's shape
    and its methods; None when it has no route that can clash."""
    b = _http(fn)
    if b is None or broken_decorators(fn):
        return None
    route_v = b.value("route")
    route = route_v.value if route_v is not None else fn.name
    if route_v is not None and not route_v.known:
        return None
    if not isinstance(route, str) or "%" in route:
        return None
    methods = _methods(b)
    if methods is None:
        return None
    try:
        template = parse_route(route, route_prefix=prefix)
    except RouteError:
        return None
    return b, template.shape_key(), methods


def _routes(ctx: Context) -> Iterator[tuple[Function, Binding, tuple[object, ...], frozenset[str]]]:
    prefix = ctx.app.route_prefix
    for fn in ctx.app.functions:
        entry = route_entry(fn, prefix)
        if entry is not None:
            yield fn, *entry


@checker("AZF316")
def left_out_by_host_json(ctx: Context) -> None:
    """A function host.json's "functions" list does not name: the host does not load it
    (FunctionMetadataManager.ApplyAllowList), nor does `funcls run`."""
    app = ctx.app
    listed = app.host_functions_list()
    if listed is None or app.host_json is None or app.host_json_path is None:
        return
    root = app.host_json.root
    member = root.member("functions") if root is not None and root.kind == "object" else None
    if member is None or member.value is None:
        return
    where = Related(Location(app.host_json_path, member.value.range), 'host.json "functions"')
    for fn in app.functions:
        why = host_json_exclusion(listed, fn.name)
        if why is None:
            continue
        path, rng = function_location(ctx, fn)
        ctx.emit(
            "AZF316", f"'{fn.name}' does not load: {why}", path, rng, related=[where], function=fn
        )


@checker("AZF303")
def duplicate_routes(ctx: Context) -> None:
    report_routes(ctx, _routes(ctx))


def report_routes(
    ctx: Context,
    routes: Iterable[tuple[Function, Binding, tuple[object, ...], frozenset[str]]],
) -> None:
    """AZF303 over ``routes`` in the app's order. A route whose shape no other route has
    cannot clash, so the language server passes only the others (``checks.wide``)."""
    # Only routes of one shape can clash: compare within each shape, not every pair.
    seen: dict[tuple[object, ...], list[tuple[Function, Binding, frozenset[str]]]] = {}
    # A function host.json's "functions" list leaves out is not loaded: it answers nothing.
    allowed = ctx.app.host_allow_list()
    for fn, b, shape, methods in routes:
        if allowed is not None and fn.name.lower() not in allowed:
            continue
        same_shape = seen.setdefault(shape, [])
        for ofn, ob, omethods in same_shape:
            common = methods & omethods
            if not common or _same_def(fn, ofn) or fn.exclusive_with(ofn):
                continue
            route = b.get("route") or fn.name
            shown = ", ".join(sorted(m.upper() for m in common))
            rv = b.value("route")
            rng = rv.range if rv is not None and rv.origin == "explicit" and rv.range else None
            orv = ob.value("route")
            orng = orv.range if orv is not None and orv.origin == "explicit" and orv.range else None
            path, frng = function_location(ctx, fn)
            opath, ofrng = function_location(ctx, ofn)
            ctx.emit(
                "AZF303",
                f"'{fn.name}' and '{ofn.name}' both answer {shown} on the route '{route}'; the "
                "host gives such a request to only one of them: change a route or the methods",
                b.path if rng else path,
                rng or frng,
                related=[
                    Related(Location(ob.path if orng else opath, orng or ofrng), f"'{ofn.name}'")
                ],
                function=fn,
            )
            break
        same_shape.append((fn, b, methods))
