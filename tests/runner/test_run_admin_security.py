"""Who may call a running app (issue 17): `funcls run` listens on loopback by default, and
without keys its admin API (which starts any function with any input) answers only this
machine — a call from another address of the machine, or relayed by a proxy that names
another caller, gets 403. With `--enforce-auth` the master key decides, wherever the call
comes from."""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from funcls.runner.host.policy import remote_caller
from tests.runner.runner_process import RunningApp
from tests.support.ci import tool_missing

pytestmark = pytest.mark.slow


def other_addresses() -> list[str]:
    """This machine's IPv4 addresses besides loopback."""
    found: set[str] = set()
    with contextlib.suppress(OSError):
        found.update(
            str(info[4][0])
            for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        )
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("198.51.100.1", 9))  # a UDP "connect" sends nothing: the route's source
        found.add(str(probe.getsockname()[0]))
    return sorted(a for a in found if not a.startswith("127."))


def need_other_address() -> str:
    others = other_addresses()
    if not others:
        tool_missing(
            "this machine has no network address besides loopback (the test connects through one)"
        )
    return others[0]


def port_of(running: RunningApp) -> int:
    return int(running.url.rsplit(":", 1)[1])


def test_the_runner_listens_on_loopback_by_default(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    address = need_other_address()
    running = run_app(app_copy("v2-app"), "--no-reload")
    assert running.get("/admin/host/status").status_code == 200
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((address, port_of(running)), timeout=10).close()


def test_without_keys_the_admin_api_refuses_other_hosts(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    address = need_other_address()
    running = run_app(app_copy("v2-app"), "--no-reload", "--host", "0.0.0.0")
    assert "warning: listening on 0.0.0.0" in running.log()
    port = port_of(running)
    outside = f"http://{address}:{port}"
    with httpx.Client(timeout=30) as other:
        for method, path in (
            ("GET", "/admin/host/status"),
            ("GET", "/admin/functions"),
            ("POST", "/admin/functions/payment_received"),
        ):
            answer = other.request(method, outside + path, json={"input": "{}"})
            assert answer.status_code == 403, (path, answer.text)
            assert f"came from {address}" in answer.text
            assert "--enforce-auth" in answer.text
        # The functions themselves stay reachable: listening on 0.0.0.0 was asked for.
        assert other.get(outside + "/api/products/1").status_code != 403
    # This machine is still served.
    assert running.get("/admin/host/status").status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Forwarded-For": "203.0.113.7"},
        {"X-Forwarded-For": "127.0.0.1, 203.0.113.7"},
        {"Forwarded": 'for="[2001:db8::7]";proto=https'},
        {"X-Real-IP": "203.0.113.7"},
    ],
)
def test_a_proxy_relaying_another_caller_is_refused(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp], headers: dict[str, str]
) -> None:
    running = run_app(app_copy("v2-app"), "--no-reload")
    answer = running.get("/admin/host/status", headers=headers)
    assert answer.status_code == 403, answer.text
    assert (
        running.get("/admin/host/status", headers={"X-Forwarded-For": "127.0.0.1"}).status_code
        == 200
    )


def test_with_keys_the_master_key_decides_from_anywhere(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    address = need_other_address()
    app = app_copy("v2-app")
    running = run_app(app, "--no-reload", "--host", "0.0.0.0", "--enforce-auth")
    master = json.loads((app / ".funcls" / "keys.json").read_text())["master"]
    outside = f"http://{address}:{port_of(running)}/admin/host/status"
    with httpx.Client(timeout=30) as other:
        assert other.get(outside).status_code == 401
        assert other.get(outside, headers={"x-functions-key": "wrong"}).status_code == 401
        assert other.get(outside, headers={"x-functions-key": master}).status_code == 200
        assert other.get(outside, params={"code": master}).status_code == 200
    assert running.get("/admin/host/status").status_code == 401  # keys apply here too


def test_remote_caller_policy() -> None:
    local = ("127.0.0.1", 5000)
    assert remote_caller(local, {}) is None
    assert remote_caller(None, {}) is None  # a Unix socket
    assert remote_caller(("::1", 1), {}) is None
    assert remote_caller(("::ffff:127.0.0.1", 1), {}) is None
    assert remote_caller(("10.1.2.3", 1), {}) == "10.1.2.3"
    assert remote_caller(("::ffff:10.1.2.3", 1), {}) == "::ffff:10.1.2.3"
    assert remote_caller(local, {"x-forwarded-for": "127.0.0.1:8080, ::1"}) is None
    assert remote_caller(local, {"x-forwarded-for": "localhost"}) is None
    assert remote_caller(local, {"x-forwarded-for": "unknown"}) == "unknown"
    assert remote_caller(local, {"forwarded": "for=_hidden"}) == "_hidden"
    assert remote_caller(local, {"forwarded": 'for="[::1]:80", for=192.0.2.60'}) == "192.0.2.60"


def test_without_keys_the_durable_api_refuses_other_hosts(
    run_app: Callable[..., RunningApp], tmp_path: Path
) -> None:
    from tests.runner.durable.conftest import DURABLE_APPS, Durable
    from tests.runner.runner_process import copy_app

    address = need_other_address()
    app = copy_app(DURABLE_APPS / "durable_v2", tmp_path / "durable")
    running = run_app(app, "--no-reload", "--host", "0.0.0.0")
    base = "/runtime/webhooks/durabletask"
    with httpx.Client(timeout=30) as other:
        outside = f"http://{address}:{port_of(running)}{base}"
        answer = other.post(f"{outside}/orchestrators/hello_chain", json={})
        assert answer.status_code == 403, answer.text
        assert "the durable HTTP API answers only this machine" in answer.text
        assert other.get(f"{outside}/instances/whatever").status_code == 403
    # The app's own durable client and this machine are served: an orchestration runs.
    durable = Durable(running)
    try:
        assert durable.wait(durable.start("hello_chain"))["runtimeStatus"] == "Completed"
    finally:
        durable.close()
    assert running.get(f"{base}/instances/no-such-instance").status_code == 404
