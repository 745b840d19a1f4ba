"""The Run lens end to end: lenses, ``funcls.runFunction`` with and without input for every
trigger kind of the samples, the structured result, saved inputs and the warm app (reuse,
reload after a save, stop on shutdown), through a real server and the real runner."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import (
    CONFIG,
    make_workspace,
    open_doc,
    position,
    start,
    uri,
    wait_for,
)
from tests.lsp.support import (
    run_function as run,
)

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.slow]

EXTRA_APP = """import logging

import azure.durable_functions as df
import azure.functions as func

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.event_grid_trigger(arg_name="event")
def on_event(event: func.EventGridEvent) -> None:
    data = event.get_json()
    logging.info("event %s about %s", event.event_type, data.get("item"))


@app.route(route="ratio/{a:int}/{b:int}")
def ratio(req: func.HttpRequest) -> func.HttpResponse:
    a = int(req.route_params["a"])
    b = int(req.route_params["b"])
    return func.HttpResponse(str(a / b))


@app.orchestration_trigger(context_name="context")
def workflow(context: df.DurableOrchestrationContext):
    return None
"""


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_workspace(tmp_path_factory.mktemp("runws"))
    extra = root / "extra-app"
    extra.mkdir()
    (extra / "host.json").write_text('{"version": "2.0"}')
    (extra / "function_app.py").write_text(EXTRA_APP)
    return root


@pytest_lsp.fixture(config=CONFIG, params=["visual-studio-code"], scope="module")
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest, ws: Path):
    await start(lsp_client, request.param, ws)
    yield
    await lsp_client.shutdown_session()


async def lenses(client: LanguageClient, path: Path) -> list[tuple[int, str, str, list[Any]]]:
    found = await client.text_document_code_lens_async(
        types.CodeLensParams(types.TextDocumentIdentifier(uri(path)))
    )
    return [
        (
            lens.range.start.line,
            lens.command.title,
            lens.command.command,
            list(lens.command.arguments or []),
        )
        for lens in found or []
        if lens.command is not None
    ]


async def test_lenses_name_the_route_and_offer_input_and_browser(
    client: LanguageClient, ws: Path
) -> None:
    bp = ws / "v2-app" / "orders_bp.py"
    root = str(ws / "v2-app")

    def line(name: str) -> int:
        return position(bp, f"def {name}").line

    assert await lenses(client, bp) == [
        (
            line("create_order"),
            "▶ Run POST /api/orders",
            "funcls.runFunction",
            [root, "create_order"],
        ),
        (line("create_order"), "Run with input…", "funcls.runWithInput", [root, "create_order"]),
        (line("process_order"), "▶ Run", "funcls.runFunction", [root, "process_order"]),
        (line("process_order"), "Run with input…", "funcls.runWithInput", [root, "process_order"]),
        (
            line("get_receipt"),
            "▶ Run GET /api/orders/sample/receipt",
            "funcls.runFunction",
            [root, "get_receipt"],
        ),
        (line("get_receipt"), "Run with input…", "funcls.runWithInput", [root, "get_receipt"]),
        (line("get_receipt"), "Open in browser", "funcls.openInBrowser", [root, "get_receipt"]),
        (line("payment_received"), "▶ Run", "funcls.runFunction", [root, "payment_received"]),
        (
            line("payment_received"),
            "Run with input…",
            "funcls.runWithInput",
            [root, "payment_received"],
        ),
    ]
    extra = ws / "extra-app" / "function_app.py"
    workflow = [
        x[1:3] for x in await lenses(client, extra) if x[0] == position(extra, "def workflow").line
    ]
    # Orchestrations run in funcls run's durable engine.
    assert workflow == [
        ("▶ Run", "funcls.runFunction"),
        ("Run with input…", "funcls.runWithInput"),
    ]


async def test_http_get_with_route_parameters_gives_the_whole_result(
    client: LanguageClient, ws: Path
) -> None:
    root = str(ws / "v2-app")
    result = await run(client, root, "get_product")
    assert result["ok"] is True, result
    assert result["function"] == "get_product" and result["trigger"] == "httpTrigger"
    assert result["request"]["method"] == "GET"
    assert result["request"]["path"] == "/api/products/1"  # {id:int} filled with a sample
    assert result["status"] == 200 and result["statusText"] == "OK"
    assert ["content-type", "application/json"] in [[k.lower(), v] for k, v in result["headers"]]
    assert json.loads(result["body"]) == {"id": 1, "name": "Espresso beans, 1 kg", "price": 18.5}
    assert result["summary"].startswith("get_product → 200 OK in ")
    assert result["summary"].endswith('{"id": 1, "name": "Espresso beans, 1 kg", "price": 18.5}')
    assert result["ranOn"].startswith("http://")
    assert result["inputFrom"] == ["sample"]
    # People see it: the summary as a message, the whole result as a document.
    shown = await wait_for(lambda: [m for m in client.messages if "get_product →" in m.message])
    assert shown[-1].type == types.MessageType.Info
    doc = await wait_for(
        lambda: [d for d in client.shown_documents if d.uri.endswith("get_product.txt")]
    )
    assert doc[-1].take_focus is False
    text = Path(result["resultUri"].removeprefix("file://")).read_text()
    assert "HTTP/1.1 200 OK" in text and '"name": "Espresso beans, 1 kg"' in text
    # A concrete path and a query, given as input.
    other = await run(client, root, "get_product", {"path": "/api/products/3?x=1"})
    assert json.loads(other["body"])["id"] == 3
    assert other["request"]["path"] == "/api/products/3?x=1"


async def test_warm_app_is_reused_and_its_state_is_known(client: LanguageClient, ws: Path) -> None:
    root = str(ws / "v2-app")
    await run(client, root, "get_product")
    status = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="funcls.app.status", arguments=[root])
    )
    assert status["state"] == "running" and status["external"] is False
    pid = status["pid"]
    started = time.perf_counter()
    again = await run(client, root, "get_product")
    took = time.perf_counter() - started
    assert again["ok"] is True
    status = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="funcls.app.status", arguments=[root])
    )
    assert status["pid"] == pid  # the same runner: no new app process per click
    assert again["ranOn"] == status["url"]
    assert took < 30  # a sanity bound only; the latency is measured in bench/bench_run_lens.py


async def test_post_with_a_json_body_and_a_queue_output(client: LanguageClient, ws: Path) -> None:
    root = str(ws / "v2-app")
    order = {"items": [{"product": 1, "qty": 2}], "customer": "ada"}
    result = await run(client, root, "create_order", {"body": order})
    assert result["ok"] is True, result
    assert result["request"]["method"] == "POST"
    assert json.loads(result["request"]["body"]) == order
    assert result["status"] == 202
    (queued,) = result["outputs"]
    assert queued["name"] == "order_queue" and queued["type"] == "queue"
    assert queued["target"] == "orders" and queued["sent"] is True
    assert json.loads(queued["value"])["customer"] == "ada"
    assert any("queued with 1 item(s)" in log["message"] for log in result["logs"])


async def test_a_4xx_answer_is_not_a_success(client: LanguageClient, ws: Path) -> None:
    root = str(ws / "v2-app")
    bad = await run(client, root, "create_order", {"body": "not json"})
    assert bad["ok"] is False
    assert bad["status"] == 400
    assert bad["summary"].startswith("create_order → 400 Bad Request in ")
    missing = await run(client, root, "get_receipt", {"path": "/api/orders/nope/receipt"})
    assert missing["ok"] is False and missing["status"] == 404
    shown = await wait_for(lambda: [m for m in client.messages if "get_receipt → 404" in m.message])
    assert shown[-1].type == types.MessageType.Error


async def test_queue_message_and_blob_output(client: LanguageClient, ws: Path) -> None:
    root = str(ws / "v2-app")
    message = {"id": "lens1", "customer": "bo", "items": [{"product": 2, "qty": 3}]}
    result = await run(client, root, "process_order", {"body": message})
    assert result["ok"] is True, result
    assert result["trigger"] == "queueTrigger"
    (receipt,) = result["outputs"]
    assert receipt["target"] == "receipts/lens1.json" and receipt["sent"] is True
    assert json.loads(receipt["value"])["lines"] == [{"product": 2, "qty": 3}]
    # The receipt the queue function wrote is what the HTTP function now reads.
    got = await run(client, root, "get_receipt", {"path": "/api/orders/lens1/receipt"})
    assert got["ok"] is True and json.loads(got["body"])["customer"] == "bo"


async def test_blob_trigger_with_a_name_and_content(client: LanguageClient, ws: Path) -> None:
    root = str(ws / "v2-app")
    csv = "name,price\ntea,3.5\ncoffee,9\n"
    result = await run(
        client, root, "summarise_price_list", {"name": "uploads/lens.csv", "body": csv}
    )
    assert result["ok"] is True, result
    assert result["request"] == {"name": "uploads/lens.csv", "body": csv}
    (summary,) = result["outputs"]
    assert summary["target"] == "processed/lens.csv.json"
    assert json.loads(summary["value"]) == {
        "source": "uploads/lens.csv",
        "rows": 2,
        "cheapest": 3.5,
        "dearest": 9.0,
    }


async def test_timer_service_bus_and_event_grid(client: LanguageClient, ws: Path) -> None:
    v2 = str(ws / "v2-app")
    timer = await run(client, v2, "heartbeat")
    assert timer["ok"] is True and timer["trigger"] == "timerTrigger"
    assert timer["outputs"][0]["target"] == "status/heartbeat.json"
    bus = await run(client, v2, "payment_received", {"body": {"order": "abc"}})
    assert bus["ok"] is True and bus["trigger"] == "serviceBusTrigger"
    extra = str(ws / "extra-app")
    grid = await run(client, extra, "on_event")
    assert grid["ok"] is True, grid
    assert grid["trigger"] == "eventGridTrigger"
    assert json.loads(grid["request"]["body"])["data"] == {"item": "sample"}
    assert any("about sample" in log["message"] for log in grid["logs"])


async def test_a_failing_function_names_the_user_s_line(client: LanguageClient, ws: Path) -> None:
    extra = ws / "extra-app"
    result = await run(client, str(extra), "ratio", {"path": "/api/ratio/1/0"})
    assert result["ok"] is False
    error = result["error"]
    assert error["type"] == "ZeroDivisionError"
    # What an HTTP caller gets from the host for a function that raised (QA: no status shown).
    assert (result["status"], result["statusText"]) == (500, "Internal Server Error")
    assert error["file"] == str(extra / "function_app.py")
    assert error["line"] == position(extra / "function_app.py", "a / b").line + 1
    assert "function_app.py:" in result["summary"] and "ZeroDivisionError" in result["summary"]
    orchestration = await run(client, str(extra), "workflow")
    assert orchestration["ok"] is True, orchestration  # an instance ran to completion
    assert orchestration["returnValue"] == "null"  # its output, as JSON
    unknown = await run(client, str(extra), "nope")
    assert unknown["ok"] is False and "no function 'nope'" in unknown["error"]["message"]
    wrong = await run(client, str(extra), "ratio", {"bodyy": 1})
    assert wrong["ok"] is False and "not bodyy" in wrong["error"]["message"]


async def test_saved_inputs_are_created_edited_and_used(client: LanguageClient, ws: Path) -> None:
    app = ws / "v2-app"
    saved = app / "funcls.inputs.json"
    assert not saved.exists()
    answer = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="funcls.runWithInput", arguments=[str(app), "create_order"]
        )
    )
    assert answer["ok"] is True
    entries = json.loads(saved.read_text())
    assert entries == {
        "create_order": {
            "method": "POST",
            "path": "/api/orders",
            "headers": {"content-type": "application/json"},
            # one item (it refuses []), with the key process_order reads from each item of
            # the order create_order queues for it
            "body": {"items": [{"product": "sample", "qty": 1}], "customer": "sample"},
        }
    }
    shown = await wait_for(
        lambda: [d for d in client.shown_documents if d.uri.endswith("funcls.inputs.json")]
    )
    assert shown[-1].selection is not None
    assert shown[-1].selection.start == position(saved, '"create_order"')
    # The user edits the saved input in the editor (unsaved) and runs it from its lens.
    edited = {"create_order": {"body": {"items": [{"product": 3}], "customer": "cy"}}}
    open_doc(client, saved, json.dumps(edited, indent=2))
    (lens,) = await lenses(client, saved)
    assert lens[1:] == ("▶ Run create_order", "funcls.runFunction", [str(app), "create_order"])
    result = await run(client, str(app), "create_order")
    assert result["ok"] is True and result["status"] == 202
    assert json.loads(result["request"]["body"])["customer"] == "cy"
    assert sorted(result["inputFrom"]) == ["sample", "saved"]  # method, path: the sample


async def test_the_warm_app_reloads_after_a_save(client: LanguageClient, ws: Path) -> None:
    main = ws / "v2-app" / "function_app.py"
    root = str(ws / "v2-app")
    first = await run(client, root, "get_product")
    assert json.loads(first["body"])["name"] == "Espresso beans, 1 kg"
    main.write_text(main.read_text().replace("Espresso beans, 1 kg", "Espresso beans, 2 kg"))

    async def renamed() -> bool:
        again = await run(client, root, "get_product")
        return again["ok"] and json.loads(again["body"])["name"] == "Espresso beans, 2 kg"

    deadline = time.monotonic() + 30
    while not await renamed():
        assert time.monotonic() < deadline, "the warm app did not reload"


async def test_start_stop_and_app_state_notifications(client: LanguageClient, ws: Path) -> None:
    root = str(ws / "extra-app")
    states: list[Any] = []  # pygls gives unknown notifications' params as named tuples

    def on_app_state(params: Any) -> None:
        states.append(params)

    client.feature("funcls/appState")(on_app_state)

    async def command(name: str) -> dict[str, Any]:
        out = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=f"funcls.app.{name}", arguments=[root])
        )
        assert isinstance(out, dict)
        return out

    await command("stop")
    assert (await command("status"))["state"] == "stopped"
    started = await command("start")
    assert started["state"] == "running" and started["url"]
    pid = started["pid"]
    await wait_for(lambda: any(getattr(s, "state", None) == "running" for s in states))
    assert any(getattr(s, "state", None) == "starting" for s in states)
    restarted = await command("restart")
    assert restarted["state"] == "running" and restarted["pid"] != pid
    stopped = await command("stop")
    assert stopped["state"] == "stopped"
    await wait_for(lambda: not _alive(restarted["pid"]))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split()[2] != "Z"


async def test_open_in_browser_shows_the_url_of_the_warm_app(
    client: LanguageClient, ws: Path
) -> None:
    root = str(ws / "v2-app")
    answer = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="funcls.openInBrowser", arguments=[root, "get_product"])
    )
    assert answer["ok"] is True
    status = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="funcls.app.status", arguments=[root])
    )
    assert answer["url"] == status["url"] + "/api/products/1"
    shown = await wait_for(lambda: [d for d in client.shown_documents if d.external])
    assert shown[-1].uri == answer["url"]


async def test_saved_inputs_complete_function_names_and_entry_keys(
    client: LanguageClient, ws: Path
) -> None:
    saved = ws / "extra-app" / "funcls.inputs.json"
    text = '{\n  "ratio": {\n    ""\n  },\n  ""\n}\n'
    saved.write_text(text)
    open_doc(client, saved, text)

    async def labels(line: int, character: int) -> list[str]:
        found = await client.text_document_completion_async(
            types.CompletionParams(
                types.TextDocumentIdentifier(uri(saved)), types.Position(line, character)
            )
        )
        items = found.items if isinstance(found, types.CompletionList) else found or []
        return sorted(item.label.strip('"') for item in items)

    assert await labels(4, 3) == ["on_event", "workflow"]  # "ratio" is written already
    assert await labels(2, 5) == ["body", "headers", "method", "path", "query"]


async def test_a_background_failure_caused_by_a_run_is_told(
    client: LanguageClient, ws: Path
) -> None:
    # create_order accepts "items": "abc" and queues it; process_order, run by the warm app's
    # queue trigger (nobody clicked it), fails on it: the user hears of it.
    root = str(ws / "v2-app")
    queued = await run(client, root, "create_order", {"body": {"items": "abc"}})
    assert queued["ok"] is True and queued["status"] == 202
    told = await wait_for(
        lambda: [m for m in client.messages if m.message.startswith("process_order failed")], 30
    )
    assert told[0].type == types.MessageType.Warning
    assert told[0].message == (
        "process_order failed in the running app (New queue message detected on 'orders'); "
        "its traceback is in the log"
    )
