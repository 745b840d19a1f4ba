"""Responses a function builds that HTTP restricts: no body or Content-Length on 204 and 304,
and a clear 500 (never a dropped connection) for a status or header HTTP cannot carry."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.runner.runner_process import RunningApp

pytestmark = pytest.mark.slow

APP = """
import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="status/{code:int}")
def status(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("a body", status_code=int(req.route_params["code"]))


@app.route(route="header")
def header(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("x", headers={"X-Name": req.params["value"]})


@app.route(route="ok")
def ok(req: func.HttpRequest) -> str:
    return "ok"
"""


@pytest.fixture
def running(tmp_path: Path, run_app: Callable[..., RunningApp]) -> RunningApp:
    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "function_app.py").write_text(APP)
    return run_app(app, "--no-reload")


def raw_exchange(running: RunningApp, *paths: str) -> bytes:
    """Several requests on one kept-alive connection, as bytes: the framing is the test."""
    host, port = running.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        for path in paths:
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        sock.settimeout(2)
        data = b""
        while data.count(b"HTTP/1.1 ") < len(paths) or not data.endswith(b"ok"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    return data


@pytest.mark.parametrize("code", [204, 304])
def test_no_body_and_no_content_length_on_204_and_304(code: int, running: RunningApp) -> None:
    data = raw_exchange(running, f"/api/status/{code}", "/api/ok")
    first, second = data.split(b"HTTP/1.1 ")[1:]
    head, _, rest = first.partition(b"\r\n\r\n")
    assert head.startswith(str(code).encode())
    assert b"content-length" not in head.lower()
    assert rest == b""  # the next response follows at once: no stray body bytes
    assert second.startswith(b"200 OK") and second.endswith(b"\r\n\r\nok")


@pytest.mark.parametrize("code", [99, 150, 600])
def test_a_status_http_cannot_send_is_a_clear_500(code: int, running: RunningApp) -> None:
    response = running.get(f"/api/status/{code}")
    assert response.status_code == 500
    assert f"status code {code} is not a final HTTP status" in response.text
    assert "'status' returned a response funcls cannot send" in response.text
    assert "Exception in ASGI application" not in running.log()
    assert f"status code {code} is not a final HTTP status" in running.log()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("日本", "characters HTTP headers cannot carry"), ("a\x01b", "a control character")],
)
def test_a_header_http_cannot_carry_is_a_clear_500(
    value: str, expected: str, running: RunningApp
) -> None:
    response = running.get("/api/header", params={"value": value})
    assert response.status_code == 500
    assert f"header X-Name has {expected}" in response.text
    assert "Exception in ASGI application" not in running.log()
    assert running.get("/api/header", params={"value": "café"}).headers["x-name"] == "café"
