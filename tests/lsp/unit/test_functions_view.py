"""funcls/functions: the apps and functions a client's tree shows, from the index and findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from funcls.checks.findings import Finding, Severity
from funcls.lsp.context import Context
from funcls.lsp.functions_view import functions_view, view_signature
from funcls.lsp.positions import path_to_uri
from funcls.model.locations import Location, Range


def at(path: Path, needle: str) -> dict[str, object]:
    text = path.read_text()
    i = text.index(needle)
    line = text.count("\n", 0, i)
    return {
        "uri": path_to_uri(str(path)),
        "path": str(path),
        "line": line,
        "character": i - (text.rfind("\n", 0, i) + 1),
    }


def finding(path: Path, function: str | None, severity: Severity) -> Finding:
    return Finding(
        code="AZF999",
        message="x",
        severity=severity,
        location=Location(str(path), Range.point(0, 0)),
        function=function,
    )


def test_v2_app_lists_every_function_with_its_trigger(ctx: Context, samples: Path) -> None:
    app = samples / "v2-app"
    bp = app / "orders_bp.py"
    view = functions_view(ctx, lambda root: [])
    [v2] = [a for a in view["apps"] if a["root"] == str(app)]
    assert {k: v for k, v in v2.items() if k != "functions"} == {
        "root": str(app),
        "name": "v2-app",
        "model": "v2",
        "hostJson": str(app / "host.json"),
        "script": str(app / "function_app.py"),
        "errors": 0,
        "warnings": 0,
    }
    assert [(f["name"], f["kind"], f["detail"]) for f in v2["functions"]] == [
        ("create_order", "http", "POST /api/orders"),
        ("get_product", "http", "GET /api/products/{id:int}"),
        ("get_receipt", "http", "GET /api/orders/{id}/receipt"),
        ("heartbeat", "timer", "0 */5 * * * *"),
        ("payment_received", "serviceBus", "%PAYMENTS_QUEUE%"),
        ("process_order", "queue", "orders"),
        ("summarise_price_list", "blob", "uploads/{name}"),
    ]
    get_receipt = next(f for f in v2["functions"] if f["name"] == "get_receipt")
    assert get_receipt == {
        "name": "get_receipt",
        "model": "v2",
        "trigger": "httpTrigger",
        "kind": "http",
        "detail": "GET /api/orders/{id}/receipt",
        "methods": ["GET"],
        "route": "/api/orders/{id}/receipt",
        "urlPath": get_receipt["urlPath"],
        "url": f"http://localhost:7071{get_receipt['urlPath']}",
        "answersGet": True,
        "location": at(bp, "get_receipt("),
        "config": None,
        "runnable": True,
        "whyNotRunnable": None,
        "storage": ["AzureWebJobsStorage"],
        "errors": 0,
        "warnings": 0,
    }
    assert get_receipt["urlPath"].startswith("/api/orders/") and "{" not in get_receipt["urlPath"]
    create = next(f for f in v2["functions"] if f["name"] == "create_order")
    assert (create["answersGet"], create["methods"]) == (False, ["POST"])
    timer = next(f for f in v2["functions"] if f["name"] == "heartbeat")
    assert (timer["url"], timer["route"], timer["methods"]) == (None, None, None)
    # The storage connections of queue and blob bindings, the outputs' too (the client names
    # the store each reaches); a Service Bus trigger's connection is not one.
    storage = {f["name"]: f["storage"] for f in v2["functions"]}
    assert storage["heartbeat"] == storage["process_order"] == ["AzureWebJobsStorage"]
    assert storage["payment_received"] == []


def test_v1_function_points_at_its_def_and_function_json(ctx: Context, samples: Path) -> None:
    app = samples / "v1-app"
    view = functions_view(ctx, lambda root: [])
    [v1] = [a for a in view["apps"] if a["root"] == str(app)]
    create = next(f for f in v1["functions"] if f["name"] == "create_order")
    assert create["model"] == "v1"
    assert create["config"] == str(app / "create_order" / "function.json")
    assert create["location"] == at(app / "create_order" / "handlers.py", "handle(")
    assert create["detail"] == "POST /api/orders"


@pytest.mark.parametrize(
    ("severity", "errors", "warnings"),
    [(Severity.ERROR, 1, 0), (Severity.WARNING, 0, 1), (Severity.INFO, 0, 0)],
)
def test_findings_count_on_their_function_and_app(
    ctx: Context, samples: Path, severity: Severity, errors: int, warnings: int
) -> None:
    app = samples / "v2-app"
    found = [finding(app / "orders_bp.py", "process_order", severity)]
    view = functions_view(ctx, lambda root: found if root == str(app) else [])
    [v2] = [a for a in view["apps"] if a["root"] == str(app)]
    counts = {f["name"]: (f["errors"], f["warnings"]) for f in v2["functions"]}
    assert counts["process_order"] == (errors, warnings)
    assert counts["get_product"] == (0, 0)
    assert (v2["errors"], v2["warnings"]) == (errors, warnings)


def test_signature_changes_with_what_the_tree_shows(ctx: Context) -> None:
    view = functions_view(ctx, lambda root: [])
    app = view["apps"][0]
    same = view_signature(dict(app))
    assert view_signature(app) == same
    assert view_signature({**app, "errors": 1}) != same
