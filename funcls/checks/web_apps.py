"""AZF411: an AsgiFunctionApp/WsgiFunctionApp under a route prefix the host cannot join.

The azure-functions library routes the web app's one function ``/{*route}``
(azure/functions/decorators/function_app.py, ``AsgiFunctionApp._add_http_app`` and
``WsgiFunctionApp._add_http_app``); the host puts host.json's ``extensions.http.routePrefix``
(``api`` when unset) in front with a ``/``, and ASP.NET Core's route parser refuses
``api//{*route}`` at start-up: "The route template separator character '/' cannot appear
consecutively" (Azure/azure-functions-python-worker#1310, and #1614 closed as its duplicate).
The runner and the Run lens refuse the same app (``lsp/run_function.web_app_prefix_refusal``).
"""

from __future__ import annotations

import os

from funcls.checks.context import Context
from funcls.checks.edits import fix, fixes, json_add_member, replace
from funcls.checks.findings import Related, TextEdit
from funcls.checks.registry import checker
from funcls.model.appmodel import Function
from funcls.model.jsondoc import JsonNode
from funcls.model.locations import Location

FIX_TITLE = 'Set "routePrefix": "" under extensions.http in host.json'


def web_app_functions(ctx: Context) -> list[Function]:
    """The catch-all functions of the app's AsgiFunctionApp/WsgiFunctionApp objects."""
    return [f for f in ctx.app.functions if f.synthetic and f.http_type in ("asgi", "wsgi")]


@checker("AZF411")
def web_app_route_prefix(ctx: Context) -> None:
    app = ctx.app
    found = web_app_functions(ctx)
    prefix = app.route_prefix
    if not found or not prefix:
        return
    doc, path = app.host_json, app.host_json_path
    if doc is None or path is None or doc.root is None or doc.root.kind != "object":
        return  # no host.json (AZF408) or one that cannot be read (AZF100)
    node = _prefix_node(doc.root)
    if node is not None:
        where = f"host.json sets extensions.http.routePrefix to '{prefix}'"
        related = [Related(Location(path, node.range), "the route prefix")]
    else:
        where = "host.json sets no extensions.http.routePrefix, so the host uses 'api'"
        related = []
    edit = _empty_prefix(ctx, path, doc.root)
    moved = _moved_by_the_fix(ctx, prefix)
    for fn in found:
        if fn.script_path is None or fn.def_name_range is None:
            continue  # (the indexer gives both to a web app's function)
        kind = "AsgiFunctionApp" if fn.http_type == "asgi" else "WsgiFunctionApp"
        line = fn.def_name_range.start.line + 1
        ctx.emit(
            "AZF411",
            f"the {kind} at {os.path.relpath(fn.script_path, app.root)}:{line} serves every "
            f"path through one function routed '/{{*route}}'; {where}, and the host refuses to "
            f"start with the route '{prefix}//{{*route}}' ('/' cannot appear twice in a row); "
            'set "routePrefix": "" under extensions.http in host.json (the web app then routes '
            f"every path itself){moved}",
            fn.script_path,
            fn.def_name_range,
            related=related,
            fixes=fixes(fix(FIX_TITLE, edit, preferred=True)),
            function=fn,
        )


_NAMED_AT_MOST = 3


def _moved_by_the_fix(ctx: Context, prefix: str) -> str:
    """What the empty prefix does to the app's other HTTP functions, which the host routes
    below the same prefix (``App.route_prefix``): "" when there are none (the fix then
    concerns the web app alone), else their names and URLs before and after, so that a user
    whose clients call ``/api/ping`` knows they must follow or keep ``api`` in the route."""
    others = [
        f
        for f in ctx.app.functions
        if not f.synthetic and f.trigger is not None and f.trigger.kind == "httptrigger"
    ]
    if not others:
        return ""
    shown = []
    for fn in others[:_NAMED_AT_MOST]:
        route = fn.trigger.get("route") if fn.trigger is not None else None
        path = route.strip("/") if isinstance(route, str) and route.strip("/") else fn.name
        shown.append(f"{fn.name} from /{prefix}/{path} to /{path}")
    if len(others) == 1:
        return (
            f"; the empty prefix also moves the app's other HTTP function, {shown[0]}: update "
            f"its callers, or start its route with '{prefix}/' to keep its URL"
        )
    more = len(others) - len(shown)
    listed = ", ".join(shown) + (f" and {more} more" if more > 0 else "")
    return (
        f"; the empty prefix also moves the app's {len(others)} other HTTP functions "
        f"({listed}): update their callers, or start each route with '{prefix}/' to keep "
        "their URLs"
    )


def _prefix_node(root: JsonNode) -> JsonNode | None:
    """The value of extensions.http.routePrefix, its keys matched ignoring case as the host
    reads them (``App.route_prefix``)."""
    node: JsonNode | None = root
    for key in ("extensions", "http", "routePrefix"):
        member = node.get_ci(key) if node is not None and node.kind == "object" else None
        node = member.value if member is not None else None
    return node


def _empty_prefix(ctx: Context, path: str, root: JsonNode) -> TextEdit | None:
    """host.json with extensions.http.routePrefix set to "": the value replaced, or the member
    (and the sections it needs) added; None when a section on the way is no object."""
    node = root
    missing: list[str] = []
    for key in ("extensions", "http", "routePrefix"):
        member = node.get_ci(key)
        if member is None:
            missing.append(key)
            break
        if member.value is None:
            return None
        if key == "routePrefix":
            return replace(path, member.value.range, '""')
        if member.value.kind != "object":
            return None
        node = member.value
    keys = ["extensions", "http", "routePrefix"]
    rest = keys[keys.index(missing[0]) + 1 :]
    value: object = ""
    for key in reversed(rest):
        value = {key: value}
    return json_add_member(ctx, path, node, missing[0], value)
