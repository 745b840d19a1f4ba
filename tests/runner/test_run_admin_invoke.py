"""The admin API, the synchronous invoke endpoint, `funcls invoke`, and triggers that are
only run by hand (their input converted to the library's type, outputs not sent)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.runner.runner_process import RunningApp, funcls_invoke

pytestmark = pytest.mark.slow


def test_admin_api_like_the_host(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    running = run_app(app_copy("v2-app"), "--no-reload")
    status = running.get("/admin/host/status").json()
    assert status["state"] == "Running"
    assert "get_product" in status["functions"]
    functions = {f["name"]: f for f in running.get("/admin/functions").json()}
    assert functions["get_product"]["invoke_url_template"] == (
        running.url.replace("127.0.0.1", "localhost") + "/api/products/{id:int}"
    )
    assert functions["payment_received"]["runnable"] == "invoke"
    assert running.get("/admin/functions/get_product").json()["name"] == "get_product"
    assert running.get("/admin/functions/nope").status_code == 404
    started = running.post("/admin/functions/payment_received", json={"input": '{"order": "abc"}'})
    assert started.status_code == 202
    log = running.wait_for_log('{"order": "abc"}')
    assert "Executed 'Functions.payment_received' (Succeeded" in running.wait_for_log(
        "Executed 'Functions.payment_received'"
    )
    assert "Payment message" in log
    assert running.post("/admin/functions/payment_received").status_code == 400
    assert running.post("/admin/functions/payment_received", content=b"not json").status_code == 400
    assert running.post("/admin/functions/nope", json={"input": ""}).status_code == 404


def test_admin_starts_a_queue_function_with_its_message(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    running = run_app(app_copy("v2-app"), "--no-reload")
    order = json.dumps({"id": "byhand", "items": [{"product": 2}], "customer": "me"})
    assert running.post("/admin/functions/process_order", json={"input": order}).status_code == 202
    receipt = running.wait_for("/api/orders/byhand/receipt").json()
    assert receipt == {"order": "byhand", "customer": "me", "lines": [{"product": 2, "qty": 1}]}


def test_synchronous_invoke_endpoint(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    running = run_app(app_copy("v2-app"), "--no-reload")
    result = running.post(
        "/admin/funcls/invoke/create_order",
        json={"method": "POST", "body": {"items": [{"product": 1}]}},
    ).json()
    assert result["ok"] is True
    assert result["status"] == 202
    order_id = json.loads(result["body"])["id"]
    [output] = result["outputs"]
    assert (output["name"], output["type"], output["sent"], output["target"]) == (
        "order_queue",
        "queue",
        True,
        "orders",
    )
    assert json.loads(output["value"])["id"] == order_id
    assert [log["message"] for log in result["logs"]] == [f"Order {order_id} queued with 1 item(s)"]
    by_path = running.post(
        "/admin/funcls/invoke/get_product", json={"path": "/api/products/3"}
    ).json()
    assert json.loads(by_path["body"])["id"] == 3
    assert "stores" not in by_path  # no queue, blob or table binding: no store to name
    assert (
        by_path["request"]["url"]
        == running.url.replace("127.0.0.1", "localhost") + "/api/products/3"
    )
    bad_path = running.post("/admin/funcls/invoke/get_product", json={"path": "/api/x"})
    assert bad_path.status_code == 400
    assert running.post("/admin/funcls/invoke/nope", json={}).status_code == 404


def test_triggers_run_by_hand_get_library_types(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    running = run_app(app_copy("others_v1"), "--no-reload")
    log = running.log()
    assert "  orchestrations: orchestrator\n" in log  # run by the durable engine
    assert "broken: ... " not in log
    assert 'Python return annotation "NoneType" does not match binding type "http"' in log
    event = {"subject": "orders/1", "eventType": "created", "data": {"n": 1}}
    grid = running.post("/admin/funcls/invoke/grid", json={"input": event}).json()
    assert grid["ok"] is True
    [forward] = grid["outputs"]
    assert (forward["type"], forward["sent"]) == ("serviceBus", False)
    assert json.loads(forward["value"]) == {"subject": "orders/1", "data": {"n": 1}}
    assert grid["logs"][0]["message"] == "event orders/1 of type created"
    assert "NOT SENT" in running.wait_for_log("NOT SENT")
    docs = running.post(
        "/admin/funcls/invoke/docs", json={"input": [{"id": "a"}, {"id": "b"}]}
    ).json()
    assert docs["ok"] is True
    assert docs["outputs"][0]["value"] == "a,b"
    assert docs["outputs"][0]["sent"] is True
    bus = running.post("/admin/funcls/invoke/bus", json={"input": "pay 5"}).json()
    assert bus["logs"][0]["message"].endswith(": pay 5")
    hub = running.post("/admin/funcls/invoke/hub", json={"input": "boom"}).json()
    assert hub["ok"] is False
    assert "RuntimeError: telemetry said boom" in hub["error"]["traceback"]
    # A v1 orchestrator that is not wrapped by df.Orchestrator.create gives the engine no
    # orchestration state: the instance fails and says how to write it.
    plain = running.post("/admin/funcls/invoke/orchestrator", json={"input": ""}).json()
    assert plain["ok"] is False
    assert "wrap the generator function with df.Orchestrator.create" in plain["error"]["message"]


def test_funcls_invoke_without_a_running_app(app_copy: Callable[[str], Path]) -> None:
    app_dir = app_copy("v2-app")
    done = funcls_invoke("get_product", str(app_dir), "--path", "/api/products/1")
    assert done.returncode == 0, done.stderr
    assert "get_product → 200 OK" in done.stdout
    assert "on a fresh app process" in done.stdout
    assert "HTTP/1.1 200 OK" in done.stdout
    assert '"name": "Espresso beans, 1 kg"' in done.stdout
    as_json = funcls_invoke(
        "process_order",
        str(app_dir),
        "--input",
        '{"id": "x1", "items": [{"product": 1}], "customer": "c"}',
        "--format",
        "json",
    )
    result = json.loads(as_json.stdout)
    assert result["ok"] is True
    assert result["outputs"][0]["target"] == "receipts/x1.json"
    failed = funcls_invoke("process_order", str(app_dir), "--input", "not json")
    assert failed.returncode == 1
    assert "error at " in failed.stdout and "JSONDecodeError" in failed.stdout
    unknown = funcls_invoke("nope", str(app_dir))
    assert unknown.returncode == 2
    assert "no function 'nope'" in unknown.stderr


def test_funcls_invoke_fills_route_parameters_when_no_path_is_given(
    app_copy: Callable[[str], Path],
) -> None:
    # What the editor's Run lens does: just the name. products/{id:int} becomes products/1.
    done = funcls_invoke("get_product", str(app_copy("v2-app")), "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert result["ok"] is True
    assert result["status"] == 200
    assert json.loads(result["body"])["id"] == 1


def test_funcls_invoke_uses_the_running_app(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp], tmp_path: Path
) -> None:
    running = run_app(app_copy("v1-app"), "--no-reload")
    body = tmp_path / "order.json"
    body.write_text(json.dumps({"items": [{"product": 2, "qty": 3}]}))
    done = funcls_invoke(
        "create_order",
        str(running.app_dir),
        "--method",
        "POST",
        "--body",
        f"@{body}",
        "--header",
        "Content-Type: application/json",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert result["ranOn"] == running.url.replace("127.0.0.1", "localhost")
    assert result["status"] == 202
    order_id = json.loads(result["body"])["id"]
    assert running.wait_for(f"/api/orders/{order_id}/receipt").json()["lines"] == [
        {"product": 2, "qty": 3}
    ]
    assert "Executed 'Functions.create_order' (Succeeded" in running.log()


PRINTING_APP = """import asyncio
import logging
import sys

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

print("imported")


@app.route(route="sync")
def sync_prints(req: func.HttpRequest) -> func.HttpResponse:
    print("order", 7, "ready")
    logging.info("logged")
    print("to stderr", file=sys.stderr)
    print("no newline", end="")
    return func.HttpResponse("ok")


@app.route(route="async")
async def async_prints(req: func.HttpRequest) -> func.HttpResponse:
    await asyncio.sleep(0)
    print("awaited\\nand a second line")
    return func.HttpResponse("ok")
"""


HANDLER_APP = """import logging
import sys

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

# What apps do to see their logs in a terminal: a handler of their own, on the root logger
# and on a named one, and a logger that does not propagate (only its handler sees it).
format = logging.Formatter("MINE %(levelname)s %(message)s")
root_handler = logging.StreamHandler()
root_handler.setFormatter(format)
logging.getLogger().addHandler(root_handler)
named_handler = logging.StreamHandler(sys.stdout)
named_handler.setFormatter(format)
logging.getLogger("shop").addHandler(named_handler)
alone = logging.getLogger("alone")
alone.propagate = False
alone_handler = logging.StreamHandler()
alone_handler.setFormatter(format)
alone.addHandler(alone_handler)


@app.route(route="handlers")
def own_handlers(req: func.HttpRequest) -> func.HttpResponse:
    logging.warning("on the root")
    logging.getLogger("shop").info("on shop")
    alone.warning("on its own")
    print("printed")
    return func.HttpResponse("ok")
"""


def test_an_app_s_own_stream_handler_does_not_repeat_its_records(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    """QA: with a logging.StreamHandler of the app's own, a Run result's logs held each record
    twice, as the record and as the handler's text on stderr. The record stays, once; the
    handler's text goes to the console as before; a record that only the app's handler sees
    (propagate off) is kept as the text it wrote."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "function_app.py").write_text(HANDLER_APP)
    running = run_app(app, "--no-reload")
    result = running.post("/admin/funcls/invoke/own_handlers", json={}).json()
    assert [(log["level"], log["message"]) for log in result["logs"]] == [
        ("WARNING", "on the root"),
        ("INFO", "on shop"),
        ("WARNING", "MINE WARNING on its own"),
        ("INFO", "printed"),
    ], result
    log = running.wait_for_log("MINE INFO on shop")
    assert "MINE WARNING on the root" in log, log


def test_what_a_function_prints_is_in_its_result_and_the_console(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    """QA in code-server: a ▶ Run's Logs showed the function's logging lines and none of its
    print()s; the console showed them untimed, as raw output of the app process."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "function_app.py").write_text(PRINTING_APP)
    running = run_app(app, "--no-reload")
    result = running.post("/admin/funcls/invoke/sync_prints", json={}).json()
    assert [(log["level"], log["message"]) for log in result["logs"]] == [
        ("INFO", "order 7 ready"),
        ("INFO", "logged"),
        ("WARNING", "to stderr"),
        ("INFO", "no newline"),
    ], result
    result = running.post("/admin/funcls/invoke/async_prints", json={}).json()
    assert [log["message"] for log in result["logs"]] == ["awaited", "and a second line"]
    # A plain request: the console shows the prints as log lines of the invocation.
    assert running.get("/api/sync").text == "ok"
    log = running.wait_for_log("no newline", count=2)
    assert "Z] order 7 ready" in log and "Z] to stderr" in log, log
    assert "imported" in log  # printed at import, outside an invocation: as before
