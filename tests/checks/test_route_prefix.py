"""AZF510: a route that starts with the app's route prefix is served with the prefix twice.

The host builds each function's URL as routePrefix + '/' + route (azure-webjobs-sdk-extensions
WebJobsRouteBuilder.BuildRouteTemplate), so under the default prefix 'api' the route
'api/stock/{sku}' answers at /api/api/stock/{sku}; the runner serves it there too (checked
below through the Run lens' URL). An app whose host.json routePrefix is "" spells
its prefix out on purpose and gets nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funcls.checks.findings import Severity
from funcls.commands.check_fix import preferred_fix
from funcls.model.run_inputs import route_text
from tests.checks.support import (
    apply_fix,
    check,
    load,
    one,
    only,
    run_cli,
    text_at,
    v1,
    v2,
    write_app,
)

BUNDLE = '"extensionBundle": {"id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "[4.*, 5.0.0)"}'
STOCK = (
    '@app.route(route="{route}")\n'
    "def stock(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse(req.route_params.get("sku", ""))\n'
)


def host(http: str | None = None) -> str:
    extensions = f', "extensions": {{"http": {http}}}' if http is not None else ""
    return '{"version": "2.0", ' + BUNDLE + extensions + "}\n"


def stock_app(tmp_path: Path, route: str, host_json: str | None = None) -> Path:
    files = {"host.json": host_json} if host_json is not None else {}
    return v2(tmp_path, STOCK.replace("{route}", route), **files)


def test_the_default_prefix_written_in_the_route(tmp_path: Path) -> None:
    root = stock_app(tmp_path, "api/stock/{sku}")
    f = one(check(root), "AZF510")
    assert f.severity == Severity.WARNING
    assert text_at(f) == "api"
    assert f.message == (
        "route 'api/stock/{sku}' of 'stock' starts with the route prefix 'api', which the host "
        "puts in front of every route, so it answers at /api/api/stock/{sku}, not at "
        "/api/stock/{sku}: remove 'api/' from the route (and move the callers that use "
        '/api/api/stock/{sku}), or set "routePrefix": "" in host.json if every route spells '
        "out its prefix"
    )
    # Where funcls' Run lens and runner put it: the doubled URL the message names.
    app = load(root)
    (fn,) = app.functions
    assert route_text(app, fn) == "/api/api/stock/{sku}"


def test_the_fix_removes_the_prefix_and_is_not_preferred(tmp_path: Path) -> None:
    root = stock_app(tmp_path, "api/stock/{sku}")
    f = one(check(root), "AZF510")
    (fix,) = f.fixes
    assert fix.title == "Remove 'api/' from the route"
    # Not preferred: the URL changes, so `funcls check --fix` leaves it to the user.
    assert not fix.preferred and preferred_fix(f) is None
    apply_fix(fix)
    assert '@app.route(route="stock/{sku}")' in (root / "function_app.py").read_text()
    assert only(check(root), "AZF510") == []


def test_check_fix_leaves_the_route(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = stock_app(tmp_path, "api/stock/{sku}")
    before = (root / "function_app.py").read_text()
    code, out, _err = run_cli(capsys, "--fix", str(root))
    assert code == 0
    assert "AZF510" in out
    assert (root / "function_app.py").read_text() == before


@pytest.mark.parametrize(
    ("http", "route", "written"),
    [
        ('{"routePrefix": "api"}', "api/stock", "api/"),
        ('{"routePrefix": "shop"}', "shop/stock/{sku}", "shop/"),
        ('{"routePrefix": "/v1/"}', "v1/stock", "v1/"),
        ('{"routePrefix": "api/v2"}', "api/v2/stock", "api/v2/"),
        ('{"RoutePrefix": "shop"}', "shop/stock", "shop/"),  # keys ignore case, as the host's
        (None, "API/stock", "API/"),  # literals match ignoring case
    ],
    ids=["api-explicit", "shop", "slashes", "two-segments", "key-case", "route-case"],
)
def test_the_prefix_host_json_sets(
    tmp_path: Path, http: str | None, route: str, written: str
) -> None:
    root = stock_app(tmp_path, route, host(http))
    f = one(check(root), "AZF510")
    assert text_at(f) == written[:-1]
    (fix,) = f.fixes
    assert fix.title == f"Remove '{written}' from the route"
    apply_fix(fix)
    assert f'route="{route[len(written) :]}"' in (root / "function_app.py").read_text()
    assert only(check(root), "AZF510") == []


@pytest.mark.parametrize(
    ("http", "route"),
    [
        ('{"routePrefix": ""}', "api/stock/{sku}"),  # the app spells its prefix out
        ('{"routePrefix": "/"}', "api/stock/{sku}"),
        ('{"routePrefix": "shop"}', "api/stock/{sku}"),  # served at /shop/api/stock
        (None, "apis/stock"),  # another word
        (None, "api"),  # the prefix alone: nothing to remove
        (None, "api/"),
        (None, "stock/api/{sku}"),
        (None, "/api/stock"),  # AZF502's (a leading '/')
        (None, "api/%STOCK_ROUTE%"),  # known at run time only
    ],
)
def test_quiet(tmp_path: Path, http: str | None, route: str) -> None:
    root = stock_app(tmp_path, route, host(http))
    assert only(check(root), "AZF510") == []


def test_a_v1_function_json_route(tmp_path: Path) -> None:
    config = {
        "bindings": [
            {
                "authLevel": "anonymous",
                "type": "httpTrigger",
                "direction": "in",
                "name": "req",
                "route": "api/stock/{sku}",
            },
            {"type": "http", "direction": "out", "name": "$return"},
        ]
    }
    script = (
        "import azure.functions as func\n\n\n"
        "def main(req: func.HttpRequest) -> func.HttpResponse:\n"
        '    return func.HttpResponse("ok")\n'
    )
    root = v1(tmp_path, "stock", json.dumps(config, indent=2), script, **{"function_app.py": None})
    f = one(check(root), "AZF510")
    assert Path(f.path).name == "function.json"
    assert text_at(f) == "api"
    apply_fix(f.fixes[0])
    assert (
        json.loads((root / "stock" / "function.json").read_text())["bindings"][0]["route"]
        == "stock/{sku}"
    )


def test_a_blueprint_route(tmp_path: Path) -> None:
    bp = "import azure.functions as func\n\nbp = func.Blueprint()\n\n\n" + STOCK.replace(
        "@app.", "@bp."
    ).replace("{route}", "api/v1/stock")
    root = write_app(
        tmp_path,
        {
            "function_app.py": "import azure.functions as func\nfrom shop import bp\n\n"
            "app = func.FunctionApp()\napp.register_functions(bp)\n",
            "shop.py": bp,
        },
    )
    f = one(check(root), "AZF510")
    assert Path(f.path).name == "shop.py"
    assert "answers at /api/api/v1/stock, not at /api/v1/stock" in f.message
