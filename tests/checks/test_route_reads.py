"""AZF509: a read of a route parameter the route template does not declare — directly or
through a local alias of ``req.route_params`` — and silence wherever funcls cannot be sure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funcls.checks import Severity
from tests.checks.support import check, fixed_clean, one, only, text_at, v1, v2


def route(template: str, body: str, name: str = "product") -> str:
    return (
        f'@app.route(route="{template}")\n'
        f"def {name}(req: func.HttpRequest) -> func.HttpResponse:\n{body}"
    )


def test_a_direct_read_of_an_undeclared_parameter(tmp_path: Path) -> None:
    v2(
        tmp_path,
        route("products/{id:int}", '    return func.HttpResponse(req.route_params["idd"])\n'),
    )
    f = one(check(tmp_path), "AZF509")
    assert (f.severity, text_at(f)) == (Severity.WARNING, "idd")
    assert f.message == (
        "'product' reads route parameter 'idd' (req.route_params['idd']), but its route "
        "'products/{id:int}' has no {idd} (its parameters: {id}), so the host never passes it "
        "and the read raises KeyError on every request: read 'id' if that is the one meant, "
        "or add {idd} to the route"
    )
    assert [x.title for x in f.fixes] == ["Read 'id'"]
    assert only(fixed_clean(tmp_path, f), "AZF509") == []


def test_reads_through_an_alias_and_get(tmp_path: Path) -> None:
    body = (
        "    params = req.route_params\n"
        '    shop = params.get("shop")\n'
        '    return func.HttpResponse(params["id"] + shop + params["sku"])\n'
    )
    v2(tmp_path, route("{shop}/items/{id}", body))
    found = only(check(tmp_path), "AZF509")
    assert [(text_at(f), f.message.split(", so")[0]) for f in found] == [
        (
            "sku",
            "'product' reads route parameter 'sku' (params['sku']), but its route "
            "'{shop}/items/{id}' has no {sku} (its parameters: {shop}, {id})",
        )
    ]


def test_a_function_without_a_route_answers_on_its_name(tmp_path: Path) -> None:
    v2(
        tmp_path,
        "@app.route()\ndef plain(req: func.HttpRequest) -> func.HttpResponse:\n"
        '    return func.HttpResponse(req.route_params.get("id"))\n',
    )
    f = one(check(tmp_path), "AZF509")
    assert "its default route 'plain' has no {id} (its parameters: none)" in f.message
    assert "the read is always None" in f.message
    assert f.fixes == []


def test_v1_route_in_function_json(tmp_path: Path) -> None:
    config = {
        "bindings": [
            {"type": "httpTrigger", "direction": "in", "name": "req", "route": "orders/{id}"},
            {"type": "http", "direction": "out", "name": "$return"},
        ]
    }
    script = (
        "import azure.functions as func\n\n\n"
        "def main(req: func.HttpRequest) -> func.HttpResponse:\n"
        '    return func.HttpResponse(req.route_params["order"])\n'
    )
    v1(tmp_path, "get_order", json.dumps(config, indent=2), script)
    f = one(check(tmp_path), "AZF509")
    assert (Path(f.path).name, text_at(f)) == ("__init__.py", "order")


# Reads funcls cannot be sure of, or that are fine: never reported.
SILENT = [
    pytest.param(route("products/{id}", '    return req.route_params["id"]\n'), id="declared"),
    pytest.param(
        route("products/{id}", '    return req.route_params["ID"]\n'), id="case-only-difference"
    ),
    pytest.param(
        route("products/{id}", '    req = other(req)\n    return req.route_params["x"]\n'),
        id="request-rebound",
    ),
    pytest.param(
        route(
            "products/{id}",
            "    p = req.route_params\n    if req.method == 'POST':\n        p = {}\n"
            '    return p["x"]\n',
        ),
        id="alias-bound-twice",
    ),
    pytest.param(
        route("products/{id}", "    key = 'x'\n    return req.route_params[key]\n"),
        id="computed-key",
    ),
    pytest.param(
        route("products/%ROUTE%", '    return req.route_params["x"]\n'), id="route-from-a-setting"
    ),
    pytest.param(
        route("products/{id", '    return req.route_params["x"]\n'), id="route-the-host-rejects"
    ),
    pytest.param(
        route("products/{id}", '    q = req.params\n    return q["x"]\n'), id="query-params"
    ),
    pytest.param(
        route("products/{id}", '    return other.route_params["x"]\n'), id="not-the-request"
    ),
]


@pytest.mark.parametrize("code", SILENT)
def test_silent(tmp_path: Path, code: str) -> None:
    v2(tmp_path, code)
    assert [(f.code, f.message) for f in only(check(tmp_path), "AZF509")] == []
