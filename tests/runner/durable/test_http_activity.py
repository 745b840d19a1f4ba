"""`context.call_http` as the engine runs it (funcls/runner/durable/http_activity.py): a real
request on loopback; a URL's user information is not sent, and a request that fails in any
way fails the task with a message that holds no password or SAS signature."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from funcls.runner.durable.history import EventType
from funcls.runner.durable.http_activity import call_http, without_user
from funcls.runner.durable.replay import Work

PASSWORD = "UrlPa55wordSecret"
SIG = "SasSignatureSecret0123456789abcdef"


class _Echo(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"path": self.path, "auth": self.headers.get("Authorization")})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def echo() -> Iterator[int]:
    server = HTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def run(url: str) -> dict[str, object]:
    work = Work("activity", 3, "BuiltIn::HttpActivity", json.dumps({"method": "GET", "uri": url}))
    return dict(asyncio.run(call_http(work)))


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_url_s_user_information_is_not_sent(echo: int) -> None:
    done = run(f"http://alice:{PASSWORD}@127.0.0.1:{echo}/x?n=1")
    assert done["EventType"] == EventType.TASK_COMPLETED
    answer = json.loads(str(done["Result"]))
    assert answer["statusCode"] == 200
    assert json.loads(answer["content"]) == {"path": "/x?n=1", "auth": None}


@pytest.mark.parametrize(
    "url",
    [
        # http.client's InvalidURL (not an OSError): it escaped the activity, the instance
        # never finished, and the traceback printed the password.
        f"http://alice:{PASSWORD}@host.invalid:port/x",
        f"http://alice:{PASSWORD}@127.0.0.1:{{closed}}/x?sig={SIG}",
        "http://[::1/x",
        "nope://x",
    ],
)
def test_a_failed_request_fails_the_task_without_its_secrets(url: str) -> None:
    done = run(url.replace("{closed}", str(closed_port())))
    assert done["EventType"] == EventType.TASK_FAILED
    reason = str(done["Reason"])
    assert reason.startswith("call_http failed: ")
    assert PASSWORD not in reason and SIG not in reason


def test_without_user() -> None:
    assert without_user("https://u:p@h:1/a?b=c#d") == "https://h:1/a?b=c#d"
    assert without_user("https://h/a@b") == "https://h/a@b"
