"""AZF510: an HTTP function's route that starts with the app's route prefix.

The host puts host.json's ``extensions.http.routePrefix`` (``api`` when it is not set) in front
of every function's route, joined with a ``/`` (azure-webjobs-sdk-extensions,
src/WebJobs.Extensions.Http/Routing/WebJobsRouteBuilder.cs, BuildRouteTemplate: ``routePrefix +
'/' + routeTemplate`` unless the prefix is empty), so
``route="api/stock/{sku}"`` answers at ``/api/api/stock/{sku}`` and ``/api/stock/{sku}`` is a
404. The runner does the same (runner/functions.url_path) and funcls' Run lens shows that URL.

A warning, not an error: the function loads and answers, at a URL its author most likely did not
mean. Apps that spell the prefix out in every route on purpose set ``"routePrefix": ""`` (corpus:
"host.json sets routePrefix "" so the SPA can own "/"; API routes spell out api/"), and get no
finding; one real app of the corpus with the default prefix served ``route="api/stats"`` at
/api/api/stats and called it so from its own dashboard while its docs said /api/stats. Its quick
fix removes the prefix from the route but is not preferred (``funcls check --fix`` leaves it):
callers that already use the doubled URL, like that dashboard, have to move with it.
"""

from __future__ import annotations

from funcls.checks.context import Context
from funcls.checks.decorators import broken_decorators
from funcls.checks.edits import fix, fixes, replace
from funcls.checks.findings import Severity
from funcls.checks.registry import REGISTRY, Example, Rule, checker
from funcls.checks.values import Spot
from funcls.model.jsonvalues import has_range
from funcls.model.parsers.route_constraints import RouteError
from funcls.model.parsers.routes import parse_route

_HEAD = "import azure.functions as func\n\napp = func.FunctionApp()\n\n\n"
_BAD = (
    _HEAD + '@app.route(route="api/stock/{sku}")\n'
    "def stock(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse(req.route_params["sku"])\n'
)

REGISTRY.add_rules(
    (
        Rule(
            "AZF510",
            "doubled-route-prefix",
            Severity.WARNING,
            "An HTTP function's route starts with the app's route prefix (host.json "
            "`extensions.http.routePrefix`, `api` when it is not set), so the prefix is in its "
            "URL twice.",
            "The host puts the route prefix in front of every route: under the default prefix "
            '`route="api/stock/{sku}"` answers at `/api/api/stock/{sku}`, and `/api/stock/…` '
            "is a 404. The route prefix of host.json is read as the host reads it (its keys "
            'ignoring case); an app whose routePrefix is `""` spells out its prefix in its '
            "routes and gets no finding. Write the route without the prefix, and move the "
            "callers that already use the doubled URL with it.",
            Example({"function_app.py": _BAD}),
            Example({"function_app.py": _BAD.replace('"api/stock/', '"stock/')}),
            "Remove the prefix from the route (offered in the editor; `funcls check --fix` "
            "leaves it, since the function's URL changes).",
        ),
    )
)


@checker("AZF510")
def doubled_route_prefix(ctx: Context) -> None:
    prefix = ctx.app.route_prefix
    if not prefix or "{" in prefix:
        return
    lead = prefix.lower() + "/"
    n = len(lead)
    for fn in ctx.app.functions:
        # The bindings' "route" as the library and function.json templates spell it, not
        # fn.trigger (1.4 ms a check on the 1,000-function bench, issue 16's budget): only an
        # HTTP trigger has one. A function.json key in another case ("Route"), which the host
        # reads too, is left alone.
        for t in fn.bindings:
            v = t.properties.get("route")
            if v is not None:
                break
        else:
            continue
        route = v.value
        if type(route) is not str or route[:n].lower() != lead or "%" in route:
            continue  # a leading '/' or '~' is AZF502's; a %setting% is known at run time only
        if fn.synthetic or t.type.lower() != "httptrigger" or v.origin != "explicit":
            continue
        if not v.known or not has_range(v):
            continue
        rest = route[len(lead) :]
        if not rest.strip("/") or broken_decorators(fn):
            continue
        try:
            parse_route(route, route_prefix=prefix)
        except RouteError:
            continue  # AZF502 reports the route
        spot = Spot(ctx, t.path, v)
        written = route[: len(lead)]
        edit = replace(spot.path, spot.sub(0, len(lead)), "") if spot.inner else None
        ctx.emit(
            "AZF510",
            f"route '{route}' of '{fn.name}' starts with the route prefix '{prefix}', which the "
            f"host puts in front of every route, so it answers at /{prefix}/{route}, not at "
            f"/{prefix}/{rest}: remove '{written}' from the route (and move the callers that "
            f'use /{prefix}/{route}), or set "routePrefix": "" in host.json if every route '
            "spells out its prefix",
            spot.path,
            spot.sub(0, len(lead) - 1),
            function=fn,
            fixes=fixes(fix(f"Remove '{written}' from the route", edit)),
        )
