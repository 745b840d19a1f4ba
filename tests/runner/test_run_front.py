"""The lean HTTP front (funcls/runner/host/front.py) answers byte for byte as the ASGI path.

Two `funcls run` of the same app: one as shipped (plain HTTP functions served by the front,
keep-alive connections handed to the app process after their first plain answer), one with
`--no-http-front` (every request through uvicorn's ASGI cycle and the RunnerApp).
The same raw requests go to both over loopback sockets — keep-alive, pipelining, HEAD,
HTTP/1.0, chunked bodies, `Expect: 100-continue`, `Connection: close`, 204, a body over the
limit, keys — and the bytes that come back must be equal once the Date header and the
invocation ids (random) are masked. A second part checks which requests the front takes.
"""

from __future__ import annotations

import json
import re
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from funcls.runner.config import HostSettings, RunOptions
from funcls.runner.functions import build_function
from funcls.runner.host.app import RunnerApp
from funcls.runner.host.front import Front
from funcls.runner.invocation import is_plain_http, new_invocation_id
from funcls.runner.state import RunState
from tests.runner.runner_process import RunningApp, start_run
from tests.runner.test_run_handoff import (
    SEQUENCES,
    Client,
    app_pids,
    held_by_app,
    tcp_sockets,
)

pytestmark = pytest.mark.slow

APP = """import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello", methods=["GET", "POST", "HEAD"])
def hello(req: func.HttpRequest) -> str:
    return "Hello, world"


@app.route(route="echo/{word}", methods=["POST", "GET"])
def echo(req: func.HttpRequest) -> func.HttpResponse:
    text = "|".join(
        [
            req.method,
            req.url,
            req.route_params["word"],
            req.get_body().decode(),
            str(req.headers.get("x-repeated")),
            str(req.params.get("q")),
        ]
    )
    return func.HttpResponse(
        text, status_code=201, headers={"X-Custom": "yes", "Set-Cookie": "a=1; Path=/"}
    )


@app.route(route="nothing")
def nothing(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(status_code=204)


@app.route(route="closing")
def closing(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("bye", headers={"Connection": "close"})


@app.route(route="fails")
def fails(req: func.HttpRequest) -> str:
    raise ValueError("broken on purpose")


@app.route(route="secret", auth_level=func.AuthLevel.FUNCTION)
def secret(req: func.HttpRequest) -> str:
    return "the secret"


@app.route(route="put", methods=["POST"])
@app.queue_output(arg_name="msg", queue_name="out", connection="AzureWebJobsStorage")
def put(req: func.HttpRequest, msg: func.Out[str]) -> str:
    msg.set("queued")
    return "put"
"""
KEYS = {"master": "master-key-for-tests", "function": "function-key-for-tests"}
HOST = b"Host: front.test\r\n"


def make_app(root: Path) -> Path:
    root.mkdir()
    (root / "function_app.py").write_text(APP)
    (root / "host.json").write_text('{"version": "2.0"}')
    (root / "local.settings.json").write_text(
        json.dumps({"IsEncrypted": False, "Values": {"AzureWebJobsStorage": ""}})
    )
    (root / ".funcls").mkdir()
    (root / ".funcls" / "keys.json").write_text(json.dumps(KEYS))
    return root


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningApp, RunningApp]]:
    base = tmp_path_factory.mktemp("front")
    args = ("--no-reload", "--enforce-auth", "--max-request-body", "1000", "--storage")
    front = start_run(make_app(base / "front"), *args, "embedded")
    asgi = start_run(make_app(base / "asgi"), *args, "embedded", "--no-http-front")
    try:
        for running in (front, asgi):
            running.wait_for("/api/hello")
        yield front, asgi
    finally:
        front.stop()
        asgi.stop()


def exchange(running: RunningApp, steps: list[bytes], wait_for: bytes | None = None) -> bytes:
    """Send each step on one connection and read until the server closes it (every
    sequence ends with a request that closes). With ``wait_for``, the second step is sent
    only once those bytes arrived (`Expect: 100-continue`)."""
    port = int(running.url.rsplit(":", 1)[1])
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        for number, step in enumerate(steps):
            if number == 1 and wait_for is not None:
                while wait_for not in received:
                    chunk = sock.recv(65536)
                    assert chunk, f"closed before {wait_for!r}: {received!r}"
                    received += chunk
            sock.sendall(step)
            time.sleep(0.05)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            chunk = sock.recv(65536)
            if not chunk:
                return received
            received += chunk
    raise AssertionError(f"the connection stayed open: {received!r}")


def masked(raw: bytes) -> bytes:
    raw = re.sub(rb"date: [^\r]*\r\n", b"date: <date>\r\n", raw)
    return re.sub(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", b"<id>", raw)


def request(
    method: str, target: str, *headers: str, body: bytes = b"", close: bool = False
) -> bytes:
    lines = [f"{method} {target} HTTP/1.1".encode(), HOST.rstrip(b"\r\n")]
    lines += [h.encode() for h in headers]
    if body and not any(h.lower().startswith("transfer-encoding") for h in headers):
        lines.append(b"Content-Length: %d" % len(body))
    if close:
        lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def chunked(*parts: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


CASES: dict[str, list[bytes]] = {
    "keep-alive GET, HEAD, POST, query": [
        request("GET", "/api/hello")
        + request("HEAD", "/api/hello")
        + request("POST", "/api/hello", body=b"ignored")
        + request("GET", "/api/hello?x=1&x=2", close=True)
    ],
    "echo: route, percent-encoding, repeated query and headers, cookie": [
        request(
            "POST",
            "/api/echo/a%20b?q=1&q=2&r=",
            "X-Repeated: one",
            "X-Repeated: two",
            body=b"payload",
            close=True,
        )
    ],
    "chunked request body": [
        request("POST", "/api/echo/c", "Transfer-Encoding: chunked", body=chunked(b"ab", b"cd"))
        + request("GET", "/api/hello", close=True)
    ],
    "pipelined: front, 404 from the ASGI app, front, queue output (ASGI), front": [
        request("GET", "/api/hello")
        + request("GET", "/api/nope")
        + request("POST", "/api/echo/p", body=b"x")
        + request("POST", "/api/put", body=b"")
        + request("GET", "/api/hello", close=True)
    ],
    "requests split across writes": [
        request("POST", "/api/echo/s", body=b"0123456789")[:25],
        request("POST", "/api/echo/s", body=b"0123456789")[25:-4],
        request("POST", "/api/echo/s", body=b"0123456789")[-4:]
        + request("GET", "/api/hello", close=True),
    ],
    "HTTP/1.0": [b"GET /api/hello HTTP/1.0\r\n" + HOST + b"\r\n"],
    "HTTP/1.0 keep-alive asked": [
        b"GET /api/hello HTTP/1.0\r\n"
        + HOST
        + b"Connection: keep-alive\r\n\r\n"
        + request("GET", "/api/hello", close=True)
    ],
    "204 has no body and no length": [
        request("GET", "/api/nothing") + request("GET", "/api/hello", close=True)
    ],
    "the function's Connection: close": [request("GET", "/api/closing")],
    "a failing function: 500 with the invocation id": [
        request("GET", "/api/fails") + request("GET", "/api/hello", close=True)
    ],
    "keys: none, a wrong one, the function key in the query and in the header": [
        request("GET", "/api/secret")
        + request("GET", "/api/secret?code=wrong")
        + request("GET", f"/api/secret?code={KEYS['function']}")
        + request("GET", "/api/secret", f"x-functions-key: {KEYS['master']}", close=True)
    ],
    "chunked body over the limit: 413, the connection goes on": [
        request(
            "POST",
            "/api/echo/big",
            "Transfer-Encoding: chunked",
            body=chunked(b"a" * 600, b"b" * 600),
        )
        + request("GET", "/api/hello", close=True)
    ],
    "Content-Length over the limit: 413": [
        request("POST", "/api/echo/big", body=b"z" * 1001, close=True)
    ],
    "CORS preflight and OPTIONS go to the ASGI app": [
        request("OPTIONS", "/api/hello", "Origin: http://x", "Access-Control-Request-Method: GET")
        + request("GET", "/api/hello", "Origin: http://x", close=True)
    ],
}


@pytest.mark.parametrize("name", list(CASES))
def test_front_answers_as_the_asgi_path(runs: tuple[RunningApp, RunningApp], name: str) -> None:
    front, asgi = runs
    ours = exchange(front, CASES[name])
    theirs = exchange(asgi, CASES[name])
    assert masked(ours) == masked(theirs)
    assert ours.startswith(b"HTTP/1.1 ")


def test_expect_100_continue(runs: tuple[RunningApp, RunningApp]) -> None:
    head = (
        b"POST /api/echo/e HTTP/1.1\r\n" + HOST + b"Expect: 100-continue\r\n"
        b"Content-Length: 4\r\nConnection: close\r\n\r\n"
    )
    answers = [exchange(r, [head, b"body"], wait_for=b"100 Continue") for r in runs]
    assert masked(answers[0]) == masked(answers[1])
    assert answers[0].startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n")
    assert answers[0].endswith(b"|body|None|None")


def test_client_gone_before_the_answer_leaves_the_connection_usable_for_others(
    runs: tuple[RunningApp, RunningApp],
) -> None:
    front, _ = runs
    port = int(front.url.rsplit(":", 1)[1])
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(request("GET", "/api/hello"))
    assert front.get("/api/hello").text == "Hello, world"


@pytest.mark.parametrize("name", list(SEQUENCES))
def test_handed_connections_answer_as_the_asgi_path(
    runs: tuple[RunningApp, RunningApp], name: str
) -> None:
    """The same requests one at a time, each after the previous answer: the front hands the
    connection to the app process after its first plain answer (funcls/runner/handoff.py,
    on by default), which answers the rest itself or gives them back."""
    answers = []
    for running in runs:
        client = Client(running)
        try:
            answers.append(
                [masked(client.ask(raw, raw.startswith(b"HEAD"))) for raw in SEQUENCES[name]]
            )
        finally:
            client.close()
    assert answers[0] == answers[1]


def test_the_app_process_holds_idle_keep_alive_connections(
    runs: tuple[RunningApp, RunningApp],
) -> None:
    front, asgi = runs
    for running, held in ((front, True), (asgi, False)):
        before = sum(tcp_sockets(pid) for pid in app_pids(running))
        client = Client(running)
        try:
            client.ask(request("GET", "/api/hello"))
            assert held_by_app(running, before + 1, timeout=2.0 if held else 0.5) is held
        finally:
            client.close()


# -- which requests the front serves ---------------------------------------------------------


def describe(
    name: str, route: str, *extra: dict[str, object], **trigger: object
) -> dict[str, object]:
    bindings: list[dict[str, object]] = [
        {"type": "httpTrigger", "direction": "in", "name": "req", "route": route, **trigger},
        {"type": "http", "direction": "out", "name": "$return"},
        *extra,
    ]
    return {"name": name, "bindings": bindings}


def front_of(*descriptions: dict[str, object], prefix: str = "api") -> Front:
    settings = HostSettings(root="/nowhere", route_prefix=prefix)
    state = RunState(RunOptions(app_dir="/nowhere"), settings, invoker=None)  # type: ignore[arg-type]
    state.routes = [build_function(d, prefix, {}) for d in descriptions]
    state.routes = [f for f in state.routes if f.route is not None]
    state.version = 1
    return Front(RunnerApp(state))


def test_plain_http_functions() -> None:
    queue = {"type": "queue", "direction": "out", "name": "msg", "queueName": "q"}
    blob = {"type": "blob", "direction": "in", "name": "doc", "path": "c/{id}"}
    plain = build_function(describe("plain", "a"), "api", {})
    assert is_plain_http(plain)
    assert not is_plain_http(build_function(describe("q", "a", queue), "api", {}))
    assert not is_plain_http(build_function(describe("b", "a/{id}", blob), "api", {}))
    streamed = build_function({**describe("s", "s"), "http_stream": True}, "api", {})
    assert not is_plain_http(streamed)


def test_front_routes() -> None:
    queue = {"type": "queue", "direction": "out", "name": "msg", "queueName": "q"}
    front = front_of(
        describe("items", "items/{id:int}", methods=["GET"]),
        describe("other", "items/all"),
        describe("queued", "queued", queue),
        describe("root", "admin/thing"),
    )
    found = front.route(b"GET", b"/api/items/7")
    assert found is not None and found[0].name == "items" and found[1] == {"id": "7"}
    assert front.route(b"GET", b"/API/items/all") is not None  # the prefix ignores case
    assert front.route(b"POST", b"/api/items/7") is None  # not its method: the app's 404
    assert front.route(b"GET", b"/api/items/x") is None  # fails the constraint
    assert front.route(b"GET", b"/api/queued") is None  # an output binding: the ASGI path
    assert front.route(b"OPTIONS", b"/api/items/all") is None
    assert front.route(b"GET", b"/items/7") is None  # outside the prefix
    assert front.route(b"GET", b"/admin/functions/items") is None
    no_prefix = front_of(describe("root", "admin/thing"), prefix="")
    assert no_prefix.route(b"GET", b"/admin/thing") is None  # the admin API comes first


def test_invocation_ids_are_version_4_uuids() -> None:
    ids = {new_invocation_id() for _ in range(2000)}
    assert len(ids) == 2000
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122
