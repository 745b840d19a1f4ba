"""The Run lens's sample request of a function is one the function accepts: sent to a real
`funcls run` of a copy of the app, it gets a 2xx (QA in code-server: samples/v2-app's
create_order answered 400 to ``items: []``, samples/v1-app's to ``{}``; the Durable app's manage starter got the action
'1', which none of its branches takes)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from funcls.model.loader import load_app
from funcls.model.run_inputs import body_text, resolve_input
from funcls.model.source import Source
from tests.runner.runner_process import REPO, RunningApp, copy_app

pytestmark = pytest.mark.slow

DURABLE_V2 = REPO / "tests" / "runner" / "durable" / "apps" / "durable_v2"


@pytest.mark.parametrize(
    ("source", "name", "expected_path", "downstream"),
    [
        # Its order is queued on 'orders' for process_order, which reads item["product"]
        # of each item: the sample's items are objects with that key, not "sample".
        (REPO / "samples" / "v2-app", "create_order", "/api/orders", "process_order"),
        # its body goes to shared/orders.new_order, whose body.get("items") the sample {}
        # lacked: 400 'an order needs "items"'
        (REPO / "samples" / "v1-app", "create_order", "/api/orders", "process_order"),
        (DURABLE_V2, "manage", "/api/manage/list", None),
    ],
)
def test_the_sample_request_gets_a_2xx(
    tmp_path: Path,
    run_app: Callable[..., RunningApp],
    source: Path,
    name: str,
    expected_path: str,
    downstream: str | None,
) -> None:
    app_dir = copy_app(source, tmp_path / source.name)
    app = load_app(str(app_dir), Source())
    request, origins = resolve_input(app, app.function(name), None, None)
    assert origins == ["sample"]
    assert request["path"] == expected_path
    running = run_app(app_dir, "--no-reload")
    running.wait_for_log("ready in")
    response = running.request(
        request["method"],
        request["path"],
        params=request.get("query"),
        headers=request.get("headers"),
        content=body_text(request.get("body")).encode(),
    )
    assert 200 <= response.status_code < 300, (request, response.status_code, response.text)
    if downstream is not None:
        # What the function queued is processed by the app's consumer without an error.
        log = running.wait_for_log(f"Executed 'Functions.{downstream}'")
        assert f"Executed 'Functions.{downstream}' (Succeeded" in log, log


def test_a_reader_s_sample_reads_the_blob_its_writer_s_sample_wrote(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    """samples/v1-app: process_order writes receipts/{id}.json with its message's "id",
    get_receipt reads receipts/{id}.json with its route's {id}. Run by hand with their samples,
    one after the other, get_receipt answered 404 "no receipt yet" (it asked for
    /orders/1/receipt, the message wrote receipts/sample.json); its sample route now takes the
    writer's value (model/blob_pairs.py)."""
    app_dir = copy_app(REPO / "samples" / "v1-app", tmp_path / "v1-app")
    app = load_app(str(app_dir), Source())
    message, _ = resolve_input(app, app.function("process_order"), None, None)
    request, origins = resolve_input(app, app.function("get_receipt"), None, None)
    assert origins == ["sample"]
    running = run_app(app_dir, "--no-reload")
    running.wait_for_log("ready in")
    started = running.post(
        "/admin/functions/process_order", json={"input": body_text(message["body"])}
    )
    assert started.status_code == 202, started.text
    log = running.wait_for_log("Executed 'Functions.process_order'")
    assert "Executed 'Functions.process_order' (Succeeded" in log, log
    response = running.request(request["method"], request["path"])
    assert response.status_code == 200, (request, response.status_code, response.text)
    assert response.json()["order"] == message["body"]["id"]
