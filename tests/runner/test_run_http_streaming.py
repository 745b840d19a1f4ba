"""HTTP streaming (`azurefunctions-extensions-http-fastapi`) through a real `funcls run`:
the extension's Request in, its responses out, chunks reaching the client as produced."""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.runner.runner_process import APPS, RunningApp, copy_app, funcls_invoke, start_run
from tests.support.ci import tool_missing

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stream_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    if importlib.util.find_spec("azurefunctions.extensions.http.fastapi") is None:
        tool_missing(
            "azurefunctions-extensions-http-fastapi is not installed; "
            "pip install -e '.[test]' installs it"
        )
    app_dir = copy_app(APPS / "http_stream", tmp_path_factory.mktemp("stream") / "http_stream")
    running = start_run(app_dir, "--no-reload", "--max-request-body", "4096")
    try:
        yield running
    finally:
        running.stop()


def _lines(response: httpx.Response) -> Iterator[str]:
    yield from response.iter_lines()


@pytest.mark.parametrize("route", ["stream_async", "stream_sync"])
def test_first_chunk_arrives_before_the_second_is_produced(
    stream_app: RunningApp, tmp_path: Path, route: str
) -> None:
    """The function produces its second chunk only once the gate file exists; the test
    creates it only after reading the first chunk. With a buffered response the read of
    the first chunk would wait for the gate (10 s) and the second would be the timeout's."""
    gate = tmp_path / "gate"
    with stream_app.client.stream("GET", f"{stream_app.url}/api/{route}?gate={gate}") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        assert response.headers.get("transfer-encoding") == "chunked"
        lines = _lines(response)
        started = time.monotonic()
        first = next(lines)
        assert time.monotonic() - started < 5
        assert not gate.exists()
        gate.write_text("open")
        rest = list(lines)
    assert [first, *rest] in (["first", "second"], ["one", "two"])


def test_request_body_reaches_the_function_as_a_stream(stream_app: RunningApp) -> None:
    def body() -> Iterator[bytes]:
        yield b"part one, "
        yield b"part two"

    response = stream_app.post(
        "/api/upload", content=body(), headers={"content-type": "text/plain"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "size": 18,
        "text": "part one, part two",
        "content_type": "text/plain",
    }


def test_the_function_reads_the_body_while_the_client_still_sends_it(
    stream_app: RunningApp, tmp_path: Path
) -> None:
    """The client sends its second chunk only once the function has seen the first (the
    function writes a marker file): a runner that read the whole body first would never
    let the marker appear."""
    marker = tmp_path / "marker"

    def body() -> Iterator[bytes]:
        yield b"one,"
        deadline = time.monotonic() + 10
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        yield b"two" if marker.exists() else b"marker never appeared"

    response = stream_app.post(f"/api/upload_marked?marker={marker}", content=body())
    assert response.status_code == 200
    assert "".join(response.json()["chunks"]) == "one,two"


def test_a_body_over_the_limit_gets_413(stream_app: RunningApp) -> None:
    declared = stream_app.post("/api/upload", content=b"x" * 5000)
    assert declared.status_code == 413

    def chunks() -> Iterator[bytes]:  # chunked: no length to refuse it by up front
        for _ in range(5):
            yield b"x" * 1000

    streamed = stream_app.post("/api/upload", content=chunks())
    assert streamed.status_code == 413
    assert "limit is 4096 bytes" in streamed.text


def test_route_and_query_parameters_and_response_headers(stream_app: RunningApp) -> None:
    response = stream_app.get("/api/items/books/42?sort=asc")
    assert response.status_code == 201
    assert response.headers["x-item"] == "42"
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "params": {"category": "books", "id": "42"},
        "query": {"sort": "asc"},
        "method": "GET",
    }


@pytest.mark.parametrize(
    ("route", "status", "content_type", "text"),
    [
        ("html", 200, "text/html; charset=utf-8", "<h1>hello</h1>"),
        ("plain", 202, "text/plain; charset=utf-8", "plain text"),
        # A plain value is serialised by FastAPI, as behind the worker's catch-all route.
        ("as_dict", 200, "application/json", '{"served":"as JSON","n":1}'),
    ],
)
def test_other_response_types_as_the_worker_answers_them(
    stream_app: RunningApp, route: str, status: int, content_type: str, text: str
) -> None:
    response = stream_app.get(f"/api/{route}")
    assert (response.status_code, response.headers["content-type"], response.text) == (
        status,
        content_type,
        text,
    )
    assert response.headers["content-length"] == str(len(text.encode()))


@pytest.mark.parametrize(
    ("route", "error"),
    [("fails", "ZeroDivisionError: division by zero"), ("fails_sync", "ValueError: bad input")],
)
def test_a_failing_function_answers_500_with_the_error(
    stream_app: RunningApp, route: str, error: str
) -> None:
    response = stream_app.get(f"/api/{route}")
    assert response.status_code == 500
    assert f"function '{route}' failed" in response.text
    assert error in response.text


def test_a_client_that_goes_away_stops_the_generator(
    stream_app: RunningApp, tmp_path: Path
) -> None:
    marker = tmp_path / "stopped"
    with stream_app.client.stream(
        "GET", f"{stream_app.url}/api/stream_forever?marker={marker}"
    ) as response:
        lines = _lines(response)
        assert [next(lines), next(lines)] == ["tick", "tick"]
    deadline = time.monotonic() + 5
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert marker.read_text() == "stopped"


def test_a_crash_mid_stream_cuts_the_response_and_the_app_comes_back(
    stream_app: RunningApp,
) -> None:
    with stream_app.client.stream("GET", f"{stream_app.url}/api/stream_crash") as response:
        assert response.status_code == 200
        lines = _lines(response)
        assert next(lines) == "before the crash"
        with pytest.raises(httpx.RemoteProtocolError):
            list(lines)
    stream_app.wait_for_log("was cut: the app process")
    assert stream_app.wait_for("/api/html").text == "<h1>hello</h1>"
    assert "Exception in ASGI application" not in stream_app.log()


def test_an_app_process_ending_before_the_response_starts_answers_500(
    stream_app: RunningApp,
) -> None:
    response = stream_app.get("/api/exit_before_start")
    assert response.status_code == 500
    assert "exited with code 4" in response.text
    assert stream_app.wait_for("/api/html").text == "<h1>hello</h1>"


def test_a_response_streaming_past_function_timeout_is_stopped(
    stream_app: RunningApp,
) -> None:
    """host.json functionTimeout is 4 s: it covers the response until its last chunk."""
    started = time.monotonic()
    url = f"{stream_app.url}/api/stream_forever"
    with pytest.raises(httpx.RemoteProtocolError), stream_app.client.stream("GET", url) as response:
        for _ in response.iter_lines():
            assert time.monotonic() - started < 15
    assert 3.5 < time.monotonic() - started < 15
    stream_app.wait_for_log("still being sent past functionTimeout (4s)")
    assert stream_app.wait_for("/api/plain", status=202).text == "plain text"


def test_concurrent_streams_do_not_mix(stream_app: RunningApp, tmp_path: Path) -> None:
    gates = [tmp_path / f"gate{n}" for n in range(3)]
    with httpx.Client(timeout=30) as client:
        streams = [
            client.stream("GET", f"{stream_app.url}/api/stream_async?gate={gate}") for gate in gates
        ]
        responses = [s.__enter__() for s in streams]
        try:
            iterators = [_lines(r) for r in responses]
            assert [next(i) for i in iterators] == ["first"] * 3
            for gate in reversed(gates):
                gate.write_text("open")
            assert [list(i) for i in iterators] == [["second"]] * 3
        finally:
            for s in streams:
                s.__exit__(None, None, None)


def test_by_hand_run_of_a_streaming_function(stream_app: RunningApp) -> None:
    """funcls invoke: the response is collected and shown whole."""
    result = funcls_invoke(
        "item", str(stream_app.app_dir), "--path", "/api/items/pens/7", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["status"] == 201
    assert answer["ranOn"] != "a fresh app process"  # through the running funcls run
    assert json.loads(answer["body"])["params"] == {"category": "pens", "id": "7"}


def test_http_annotations_are_checked_against_the_extension_types(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    """Once the extension is imported the worker checks HTTP annotations against its types:
    func.HttpRequest no longer loads (the host shows the function's load error)."""
    app_dir = tmp_path / "mixed"
    app_dir.mkdir()
    (app_dir / "host.json").write_text('{"version": "2.0"}')
    (app_dir / "local.settings.json").write_text(
        '{"Values": {"FUNCTIONS_WORKER_RUNTIME": "python", "PYTHON_ENABLE_INIT_INDEXING": "1"}}'
    )
    (app_dir / "function_app.py").write_text(
        "import azure.functions as func\n"
        "from azurefunctions.extensions.http.fastapi import PlainTextResponse, Request\n\n"
        "app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)\n\n\n"
        '@app.route(route="old")\n'
        "def old(req: func.HttpRequest) -> func.HttpResponse:\n"
        '    return func.HttpResponse("old")\n\n\n'
        '@app.route(route="new")\n'
        "def new(req: Request) -> PlainTextResponse:\n"
        '    return PlainTextResponse("new")\n'
    )
    running = run_app(app_dir, "--no-reload")
    log = running.wait_for_log("does not match its Python annotation")
    assert 'type of req binding "httpTrigger" does not match its Python annotation' in log
    assert "function_app.py:7: " in log
    assert running.get("/api/new").text == "new"
    assert running.get("/api/old").status_code == 404


def test_a_reload_lets_a_streamed_response_finish(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    """The function returned long ago; its response is still streaming when a saved file
    starts new app processes: the old one keeps it going (the drain covers streams)."""
    app_dir = copy_app(APPS / "http_stream", tmp_path / "reloading")
    running = run_app(app_dir)
    gate = tmp_path / "gate"
    with running.client.stream("GET", f"{running.url}/api/stream_async?gate={gate}") as response:
        lines = _lines(response)
        assert next(lines) == "first"
        script = app_dir / "function_app.py"
        script.write_text(script.read_text() + "\n# saved again\n")
        running.wait_for_log("reloaded")
        gate.write_text("open")
        assert list(lines) == ["second"]


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="Python 3.13+ needs no setting")
def test_without_init_indexing_streaming_functions_are_not_runnable(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    """Before Python 3.13 the worker starts the extension's web server only with
    PYTHON_ENABLE_INIT_INDEXING=1; without it no HTTP function of the app is answered.
    funcls says so at load instead of letting requests wait."""
    app_dir = copy_app(APPS / "http_stream", tmp_path / "no_setting")
    (app_dir / "local.settings.json").write_text('{"Values": {}}')
    running = run_app(app_dir, "--no-reload")
    log = running.wait_for_log("Not runnable here:")
    line = next(x for x in log.splitlines() if x.strip().startswith("stream_async:"))
    assert "PYTHON_ENABLE_INIT_INDEXING=1" in line
    assert '"PYTHON_ENABLE_INIT_INDEXING": "1"' in line
    assert running.get("/api/html").status_code == 404
