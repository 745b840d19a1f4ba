"""AZF509: a function reads a route parameter its route template does not declare.

The host hands the worker the route's values as the request's params: the template's
parameters and nothing else (azure-functions-host, FunctionInvocationMiddleware.PopulateRouteData
copies the route match's values; GrpcMessageConversionExtensions.PopulateHttpRouteDataAsParams
sends those that have a value), and ``func.HttpRequest.route_params`` is that dict. So
``req.route_params["x"]`` raises KeyError on every request when the route has no ``{x}``, and
``.get("x")`` is always None.

Reported only when certain: the route is a literal the host accepts (no ``%setting%``; a
function without one answers on its name, which has no parameters), the route prefix has no
parameter, the read is a string literal on the trigger's parameter ``req.route_params`` or on a
certain local alias of it (funcls/model/python/route_aliases.py), and ``req`` is never rebound
in the function.
"""

from __future__ import annotations

from funcls.checks.context import Context
from funcls.checks.decorators import broken_decorators
from funcls.checks.edits import fix, fixes, replace
from funcls.checks.findings import Severity
from funcls.checks.registry import REGISTRY, Example, Rule, checker
from funcls.model.appmodel import Function
from funcls.model.parsers.route_constraints import RouteError
from funcls.model.parsers.routes import parse_route
from funcls.model.python.route_aliases import route_reads

_HEAD = "import azure.functions as func\n\napp = func.FunctionApp()\n\n\n"
_BAD = (
    _HEAD + '@app.route(route="products/{id:int}")\n'
    "def product(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse(req.route_params["product_id"])\n'
)

REGISTRY.add_rules(
    (
        Rule(
            "AZF509",
            "unknown-route-parameter",
            Severity.WARNING,
            'A function reads a route parameter (`req.route_params["x"]` or `.get("x")`, '
            "also through `params = req.route_params`) that its route template does not "
            "declare.",
            "The host passes the route's own parameters as `req.route_params` and nothing "
            "else, so the read raises KeyError on every request (`.get` always gives None). "
            "Only string keys read from the trigger's request, or from a local name bound once "
            "to its `route_params`, are checked; a route from a setting is left alone.",
            Example({"function_app.py": _BAD}),
            Example({"function_app.py": _BAD.replace('"product_id"', '"id"')}),
            "Rename the key to the route parameter it most likely means.",
        ),
    )
)


@checker("AZF509")
def unknown_route_parameters(ctx: Context) -> None:
    app = ctx.app
    prefix = app.route_prefix or ""  # read from host.json at each call: once (issue 16)
    if "{" in prefix:
        return
    for fn in app.functions:
        if fn.synthetic or broken_decorators(fn):
            continue
        declared = _declared(fn, prefix)
        if declared is None:
            continue
        _check(ctx, fn, declared)


def _declared(fn: Function, prefix: str) -> tuple[str, ...] | None:
    """The route parameters of ``fn``'s HTTP trigger, when certain."""
    t = fn.trigger
    if t is None or t.type.lower() != "httptrigger" or fn.parameter(t.name) is None:
        return None
    v = t.properties.get("route")
    if v is None or v.origin != "explicit":
        return ()  # the host routes the function by its name: no parameters
    if not v.known or not isinstance(v.value, str) or "%" in v.value:
        return None
    try:
        return parse_route(v.value, route_prefix=prefix).parameter_names
    except RouteError:
        return None  # AZF502


def _check(ctx: Context, fn: Function, declared: tuple[str, ...]) -> None:
    t = fn.trigger
    path = fn.script_path
    text = ctx.text(path) if path else None
    if t is None or path is None or text is None or fn.def_name_range is None:
        return
    # The statements of the model's parse, when the command kept them (issue 16).
    source = ctx.app.source
    body = source.module_body(path, text) if source is not None else None
    reads = route_reads(text, fn.def_name_range.start.line, t.name, body)
    known = {d.lower() for d in declared}
    for read in reads or []:
        if read.key.lower() in known:
            continue  # a difference in case only: the host's route values ignore case

        import difflib  # when used: a suggestion for a typo (issue 16)

        close = difflib.get_close_matches(read.key, declared, n=1, cutoff=0.6)
        todo = (
            f"read '{close[0]}' if that is the one meant, or add {{{read.key}}} to the route"
            if close
            else f"add {{{read.key}}} to the route or read a parameter it declares"
        )
        route = t.properties.get("route")
        template = (
            f"route '{route.value}'" if route is not None and route.origin == "explicit" else ""
        )
        where = template or f"default route '{fn.name}'"
        listed = ", ".join("{" + d + "}" for d in declared) or "none"
        holder = read.alias if read.alias != t.name else f"{t.name}.route_params"
        via = f"{holder}.get({read.key!r})" if read.get else f"{holder}[{read.key!r}]"
        effect = "is always None" if read.get else "raises KeyError on every request"
        ctx.emit(
            "AZF509",
            f"'{fn.name}' reads route parameter '{read.key}' ({via}), but its {where} has no "
            f"{{{read.key}}} (its parameters: {listed}), so the host never passes it and the "
            f"read {effect}: {todo}",
            path,
            read.key_range,
            fixes=fixes(
                fix(
                    f"Read '{close[0]}'" if close else "",
                    replace(path, read.key_range, close[0]) if close else None,
                    preferred=True,
                )
            ),
            function=fn,
        )
