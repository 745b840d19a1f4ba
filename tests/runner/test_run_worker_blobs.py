"""The apps of the Python worker's blob end-to-end suite (Azure/azure-functions-python-worker
tests/endtoend/test_blob_functions.py), written again here and run with `funcls run` on
Azurite and on the embedded store: blob outputs as `Out[str]`, `Out[bytes]`, a file-like
object and `$return`, inputs as `InputStream` and with `data_type` BINARY / STRING as `bytes`
and `str`, a 27 MB blob each way, and a blob trigger whose `$return` another function reads."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.runner.runner_process import RunningApp

pytestmark = pytest.mark.slow

APP = """
import io
import json

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
C = "AzureWebJobsStorage"


@app.route(route="put_str")
@app.blob_output(arg_name="file", path="worker-tests/str.txt", connection=C)
def put_str(req: func.HttpRequest, file: func.Out[str]) -> str:
    file.set(req.get_body().decode("utf-8"))
    return "OK"


@app.route(route="get_stream_str")
@app.blob_input(arg_name="file", path="worker-tests/str.txt", connection=C)
def get_stream_str(req: func.HttpRequest, file: func.InputStream) -> str:
    return file.read().decode("utf-8")


@app.route(route="get_as_str")
@app.blob_input(arg_name="file", path="worker-tests/str.txt", data_type="STRING", connection=C)
def get_as_str(req: func.HttpRequest, file: str) -> str:
    assert isinstance(file, str)
    return file


@app.route(route="put_bytes")
@app.blob_output(arg_name="file", path="worker-tests/bytes.txt", connection=C)
def put_bytes(req: func.HttpRequest, file: func.Out[bytes]) -> str:
    file.set(req.get_body())
    return "OK"


@app.route(route="get_stream_bytes")
@app.blob_input(arg_name="file", path="worker-tests/bytes.txt", connection=C)
def get_stream_bytes(req: func.HttpRequest, file: func.InputStream) -> str:
    return file.read().decode("utf-8")


@app.route(route="get_as_bytes")
@app.blob_input(arg_name="file", path="worker-tests/bytes.txt", data_type="BINARY", connection=C)
def get_as_bytes(req: func.HttpRequest, file: bytes) -> str:
    assert isinstance(file, bytes)
    return file.decode("utf-8")


@app.route(route="put_filelike")
@app.blob_output(arg_name="file", path="worker-tests/filelike.txt", connection=C)
def put_filelike(req: func.HttpRequest, file: func.Out[io.StringIO]) -> str:
    file.set(io.StringIO("filelike"))
    return "OK"


@app.route(route="get_filelike")
@app.blob_input(arg_name="file", path="worker-tests/filelike.txt", connection=C)
def get_filelike(req: func.HttpRequest, file: func.InputStream) -> str:
    return file.read().decode("utf-8")


@app.route(route="put_return", binding_arg_name="resp")
@app.blob_output(arg_name="$return", path="worker-tests/return.txt", connection=C)
def put_return(req: func.HttpRequest, resp: func.Out[func.HttpResponse]) -> str:
    return "FROM RETURN"


@app.route(route="get_return")
@app.blob_input(arg_name="file", path="worker-tests/return.txt", connection=C)
def get_return(req: func.HttpRequest, file: func.InputStream) -> str:
    return file.read().decode("utf-8")


@app.route(route="put_trigger")
@app.blob_output(arg_name="file", path="worker-tests/trigger.txt", connection=C)
def put_trigger(req: func.HttpRequest, file: func.Out[str]) -> str:
    file.set(req.get_body().decode("utf-8"))
    return "OK"


@app.blob_trigger(arg_name="file", path="worker-tests/trigger.txt", connection=C)
@app.blob_output(arg_name="$return", path="worker-tests/triggered.txt", connection=C)
def on_blob(file: func.InputStream) -> str:
    return json.dumps({"name": file.name, "length": file.length, "content": file.read().decode()})


@app.route(route="get_triggered")
@app.blob_input(arg_name="file", path="worker-tests/triggered.txt", connection=C)
def get_triggered(req: func.HttpRequest, file: func.InputStream) -> str:
    return file.read().decode("utf-8") if file is not None else ""
"""


@pytest.fixture(params=["embedded", pytest.param("azurite", marks=pytest.mark.azurite)])
def storage_env(request: pytest.FixtureRequest) -> dict[str, str]:
    if request.param == "embedded":
        return {"AzureWebJobsStorage": ""}
    return {"AzureWebJobsStorage": request.getfixturevalue("runner_azurite").connection_string}


def test_the_worker_s_blob_functions(
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

    def round_trip(put: str, gets: list[str], data: str) -> None:
        answer = running.post(f"/api/{put}", content=data.encode("utf-8"))
        assert (answer.status_code, answer.text) == (200, "OK")
        for get in gets:
            answer = running.get(f"/api/{get}")
            assert answer.status_code == 200, (get, answer.text[:300])
            assert answer.text == data, get

    round_trip("put_str", ["get_stream_str", "get_as_str"], "test-data")
    round_trip("put_bytes", ["get_stream_bytes", "get_as_bytes"], "test-dată")
    large = "DummyDataDummyDataDummyData" * 1024 * 1024  # 27 MB, as the worker's
    round_trip("put_str", ["get_stream_str", "get_as_str"], large)
    round_trip("put_bytes", ["get_stream_bytes", "get_as_bytes"], large)
    assert running.post("/api/put_filelike").text == "OK"
    assert running.get("/api/get_filelike").text == "filelike"
    assert running.post("/api/put_return").status_code == 200
    assert running.get("/api/get_return").text == "FROM RETURN"

    assert running.post("/api/put_trigger", content=b"DummyData").text == "OK"
    deadline = time.monotonic() + 30
    while not (text := running.get("/api/get_triggered").text):
        assert time.monotonic() < deadline, running.log()
        time.sleep(0.2)
    assert json.loads(text) == {
        "name": "worker-tests/trigger.txt",
        "length": 9,
        "content": "DummyData",
    }
