"""The apps of the Python worker's queue end-to-end suite (Azure/azure-functions-python-worker
tests/endtoend/test_queue_functions.py), written again here and run with `funcls run` on
Azurite and on the embedded store: HTTP functions put messages with each kind of queue output
(`func.Out[str]`, `$return` of a `func.QueueMessage`, `func.Out[List[str]]` fanned out, an
`Out[QueueMessage]` beside an `Out[HttpResponse]`), queue triggers write what they got to blobs,
and HTTP functions read those blobs back."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from tests.runner.runner_process import RunningApp

pytestmark = pytest.mark.slow

APP = """
import json
import logging
import typing

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="put_str")
@app.queue_output(arg_name="msg", queue_name="plain", connection="AzureWebJobsStorage")
def put_str(req: func.HttpRequest, msg: func.Out[str]) -> str:
    msg.set(req.get_body().decode())
    return "OK"


@app.route(route="put_message_return", binding_arg_name="resp")
@app.queue_output(arg_name="$return", queue_name="as-message", connection="AzureWebJobsStorage")
def put_message_return(req: func.HttpRequest, resp: func.Out[str]) -> func.QueueMessage:
    return func.QueueMessage(body=req.get_body())


@app.route(route="put_many")
@app.queue_output(arg_name="msgs", queue_name="fanned", connection="AzureWebJobsStorage")
def put_many(req: func.HttpRequest, msgs: func.Out[typing.List[str]]) -> str:
    msgs.set(["one", "two"])
    return "OK"


@app.route(route="put_both", binding_arg_name="resp")
@app.queue_output(arg_name="msg", queue_name="both", connection="AzureWebJobsStorage")
def put_both(
    req: func.HttpRequest, resp: func.Out[func.HttpResponse], msg: func.Out[func.QueueMessage]
) -> None:
    data = req.get_body().decode()
    msg.set(func.QueueMessage(body=data))
    resp.set(func.HttpResponse(body=f"HTTP response: {data}"))


@app.queue_trigger(arg_name="msg", queue_name="plain", connection="AzureWebJobsStorage")
@app.blob_output(arg_name="$return", path="worker-tests/plain.json", connection="AzureWebJobsStorage")
def on_plain(msg: func.QueueMessage) -> str:
    def when(value):
        return value.isoformat() if value else None

    return json.dumps(
        {
            "id": msg.id,
            "body": msg.get_body().decode("utf-8"),
            "expiration_time": when(msg.expiration_time),
            "insertion_time": when(msg.insertion_time),
            "time_next_visible": when(msg.time_next_visible),
            "pop_receipt": msg.pop_receipt,
            "dequeue_count": msg.dequeue_count,
        }
    )


@app.queue_trigger(arg_name="msg", queue_name="as-message", connection="AzureWebJobsStorage")
@app.blob_output(arg_name="$return", path="worker-tests/as-message.txt", connection="AzureWebJobsStorage")
def on_message(msg: func.QueueMessage) -> bytes:
    return msg.get_body()


@app.queue_trigger(arg_name="msg", queue_name="both", connection="AzureWebJobsStorage")
@app.blob_output(arg_name="$return", path="worker-tests/both.txt", connection="AzureWebJobsStorage")
def on_both(msg: str) -> str:
    return msg


@app.queue_trigger(arg_name="msg", queue_name="fanned", connection="AzureWebJobsStorage")
def on_fanned(msg: func.QueueMessage) -> None:
    logging.info("trigger on message: %s", msg.get_body().decode("utf-8"))


@app.route(route="blob/{name}")
@app.blob_input(arg_name="file", path="worker-tests/{name}", connection="AzureWebJobsStorage")
def read_blob(req: func.HttpRequest, file: func.InputStream) -> str:
    return file.read().decode("utf-8")
"""


@pytest.fixture(params=["embedded", pytest.param("azurite", marks=pytest.mark.azurite)])
def storage_env(request: pytest.FixtureRequest) -> dict[str, str]:
    if request.param == "embedded":
        return {"AzureWebJobsStorage": ""}
    return {"AzureWebJobsStorage": request.getfixturevalue("runner_azurite").connection_string}


def blob_when_written(running: RunningApp, name: str, timeout: float = 30.0) -> str:
    """The blob a queue trigger writes, once it is there (the read answers 500 before)."""
    deadline = time.monotonic() + timeout
    answer: httpx.Response | None = None
    while time.monotonic() < deadline:
        answer = running.get(f"/api/blob/{name}")
        if answer.status_code == 200:
            return answer.text
        time.sleep(0.2)
    raise AssertionError(f"{name} was never written ({answer and answer.text})\n{running.log()}")


def test_the_worker_s_queue_chain(
    storage_env: dict[str, str], tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    root = tmp_path / "app"
    root.mkdir()
    (root / "host.json").write_text('{"version": "2.0"}')
    (root / "local.settings.json").write_text(
        json.dumps({"IsEncrypted": False, "Values": storage_env})
    )
    (root / "function_app.py").write_text(APP)
    running = run_app(root, "--no-reload")
    sent = f"test-message {time.time()}"

    assert running.post("/api/put_str", content=sent).text == "OK"
    got = json.loads(blob_when_written(running, "plain.json"))
    assert got["body"] == sent
    assert got["dequeue_count"] == 1
    assert got["id"] and got["pop_receipt"]
    inserted = datetime.fromisoformat(got["insertion_time"])
    assert datetime.fromisoformat(got["expiration_time"]) > inserted
    assert datetime.fromisoformat(got["time_next_visible"]) > inserted

    assert running.post("/api/put_message_return", content=sent + " m").status_code == 200
    assert blob_when_written(running, "as-message.txt") == sent + " m"

    answer = running.post("/api/put_both", content=sent + " b")
    assert answer.status_code == 200 and answer.text == f"HTTP response: {sent} b"
    assert blob_when_written(running, "both.txt") == sent + " b"

    assert running.get("/api/put_many").text == "OK"
    log = running.wait_for_log("Executed 'Functions.on_fanned' (Succeeded", count=2)
    assert "trigger on message: one" in log and "trigger on message: two" in log
    # only the polls of a blob not written yet failed (its input is None, as on the host)
    failed = [line for line in running.log().splitlines() if "(Failed" in line]
    assert all("'Functions.read_blob'" in line for line in failed), failed
