"""`funcls run` over real HTTP: routes, requests, responses, outputs, context, async/sync."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from funcls.runner.storage import open_backend
from tests.runner.runner_process import RunningApp

pytestmark = pytest.mark.slow


@pytest.fixture
def http_app(app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]) -> RunningApp:
    return run_app(app_copy("http_v2"), "--no-reload", "--max-request-body", "4096")


def test_route_constraints_pick_the_matching_function(http_app: RunningApp) -> None:
    assert http_app.get("/api/items/42").json() == {"id": 42, "kind": "int"}
    assert http_app.get("/api/items/abc").json() == {"name": "abc", "kind": "alpha"}
    assert http_app.get("/api/items/4x").status_code == 404


def test_optional_and_catch_all_parameters(http_app: RunningApp) -> None:
    assert http_app.get("/api/pages/7").text == "page=7"
    assert http_app.get("/api/pages").text == "page=none"
    assert http_app.get("/api/files/a/b/c.txt").text == "rest=a/b/c.txt"


def test_methods_are_enforced(http_app: RunningApp) -> None:
    assert http_app.get("/api/echo").status_code == 404
    assert http_app.request("PUT", "/api/echo", content=b"x").status_code == 201
    assert http_app.post("/api/items/1").status_code == 404


def test_request_reaches_the_function_whole(http_app: RunningApp) -> None:
    response = http_app.post(
        "/api/echo?a=1&b=two", json={"hello": "world"}, headers={"X-Test": "header value"}
    )
    assert response.status_code == 201
    assert response.headers["x-echo"] == "yes"
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["method"] == "POST"
    assert body["query"] == {"a": "1", "b": "two"}
    assert body["header"] == "header value"
    assert body["json"] == {"hello": "world"}
    assert body["url"] == f"{http_app.url}/api/echo?a=1&b=two"


def test_str_bytes_and_named_outputs(http_app: RunningApp) -> None:
    plain = http_app.get("/api/plain")
    assert (plain.status_code, plain.text) == (200, "just a string")
    assert plain.headers["content-type"].startswith("text/plain")
    raw = http_app.get("/api/raw")
    assert (raw.status_code, raw.content) == (200, b"\x00\x01raw")
    named = http_app.get("/api/named")
    assert (named.status_code, named.text) == (202, "from a named output")


def test_bytes_returned_from_an_http_function_fail_as_on_azure(http_app: RunningApp) -> None:
    # azure-functions' HttpResponseConverter.encode takes str or HttpResponse only.
    failed = http_app.get("/api/bare-bytes")
    assert failed.status_code == 500
    assert "Executed 'Functions.bare_bytes' (Failed" in http_app.log()


def test_queue_output_with_setting_in_queue_name(http_app: RunningApp) -> None:
    response = http_app.post("/api/greet?name=ada")
    assert response.text == "hello from local.settings.json"
    backend, _ = open_backend(None, http_app.app_dir, force="embedded")
    try:
        messages = backend.queues.receive("greetings")
        assert [m.text for m in messages] == ["HELLO ADA"]
    finally:
        backend.close()


def test_context_is_the_invocations(http_app: RunningApp) -> None:
    info = http_app.get("/api/context").json()
    assert info["function_name"] == "context_info"
    assert info["function_directory"] == str(http_app.app_dir)
    assert info["thread_local"] == info["invocation_id"]
    assert info["traceparent"].startswith("00-")
    log = http_app.wait_for_log(f"Id={info['invocation_id']}, Duration=")
    assert f"Executed 'Functions.context_info' (Succeeded, Id={info['invocation_id']}" in log


def test_async_functions_overlap_and_sync_ones_run_in_the_pool(http_app: RunningApp) -> None:
    http_app.get("/api/slow_async")  # warm up
    start = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        texts = list(pool.map(lambda _: http_app.get("/api/slow_async").text, range(4)))
    assert texts == ["async done"] * 4
    assert time.monotonic() - start < 1.2  # four 0.3 s sleeps at once, not one after another
    names = {http_app.get("/api/slow_sync").text for _ in range(2)}
    assert all(n.startswith("sync done in funcls-invoke") for n in names)


def test_exception_gives_500_and_the_traceback_in_the_log(http_app: RunningApp) -> None:
    response = http_app.get("/api/fail")
    assert response.status_code == 500
    assert "ValueError: this function always fails" in response.text
    log = http_app.wait_for_log("raise ValueError")
    assert "Executed 'Functions.fail' (Failed" in log
    assert 'function_app.py", line' in log
    assert http_app.get("/api/plain").status_code == 200


def test_logs_from_threads_carry_the_invocation_id(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    http_app = run_app(app_copy("http_v2"), "--no-reload", "--log-tags")
    invocation_id = http_app.get("/api/threadlog").text
    log = http_app.wait_for_log("logged from a thread")
    tag = f"[threadlog {invocation_id[:8]}] INFO"
    assert f"{tag} logged from the function" in log
    assert f"{tag} logged from a thread" in log


def test_body_over_the_limit_is_413(http_app: RunningApp) -> None:
    assert http_app.post("/api/echo", content=b"x" * 5000).status_code == 413
    assert http_app.post("/api/echo", content=b"x" * 100).status_code == 201


def test_unknown_route_is_404(http_app: RunningApp) -> None:
    assert http_app.get("/api/nothing/here").status_code == 404
    assert http_app.get("/elsewhere").status_code == 404


def test_concurrent_requests_all_answer(http_app: RunningApp) -> None:
    with ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(lambda i: http_app.get(f"/api/items/{i}").status_code, range(200)))
    assert codes == [200] * 200


def test_asgi_app_through_the_library_middleware(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    running = run_app(app_copy("asgi_wsgi/asgi"), "--no-reload")
    response = running.post("/some/where", content=b"payload")
    assert response.status_code == 200
    assert response.headers["x-asgi"] == "1"
    assert response.json() == {"path": "/some/where", "method": "POST", "body": "payload"}


def test_wsgi_app_through_the_library_middleware(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    running = run_app(app_copy("asgi_wsgi/wsgi"), "--no-reload")
    response = running.get("/hello/there")
    assert (response.status_code, response.text) == (200, "wsgi GET /hello/there")
    assert response.headers["x-wsgi"] == "1"


def test_v1_imports_scriptfile_and_entrypoint(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    running = run_app(app_copy("v1_imports"), "--no-reload")
    body = running.get("/api/hello/ada").json()
    assert body["greeting"] == "hello ada"
    assert body["relative"] == body["namespaced"] == body["absolute"] == "shared:ada"
    assert body["module"] == "__app__.hello"
    assert body["directory"] == str(running.app_dir / "hello")
    assert body["function"] == "hello"
    assert running.get("/api/hello").json()["greeting"] == "hello world"
    assert (
        running.post("/api/with_entry").text == "entry point handle in __app__.with_entry.handlers"
    )


def test_enforce_auth_cors_and_local_http_port(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    app_dir = app_copy("http_v2")
    settings = json.loads((app_dir / "local.settings.json").read_text())
    settings["Host"] = {"CORS": "http://allowed.example", "CORSCredentials": True}
    (app_dir / "local.settings.json").write_text(json.dumps(settings))
    running = run_app(app_dir, "--no-reload", "--enforce-auth")
    keys = json.loads((app_dir / ".funcls" / "keys.json").read_text())
    assert running.get("/api/locked").status_code == 401
    assert running.get("/api/locked", params={"code": "wrong"}).status_code == 401
    assert running.get("/api/locked", params={"code": keys["function"]}).text == "secret"
    assert (
        running.get("/api/locked", headers={"x-functions-key": keys["master"]}).status_code == 200
    )
    assert running.get("/api/plain").status_code == 200  # anonymous
    assert running.get("/admin/functions").status_code == 401
    assert running.get("/admin/functions", headers={"x-functions-key": keys["master"]}).is_success
    allowed = running.get("/api/plain", headers={"Origin": "http://allowed.example"})
    assert allowed.headers["access-control-allow-origin"] == "http://allowed.example"
    assert allowed.headers["access-control-allow-credentials"] == "true"
    other = running.get("/api/plain", headers={"Origin": "http://other.example"})
    assert "access-control-allow-origin" not in other.headers
    preflight = running.request(
        "OPTIONS",
        "/api/echo",
        headers={
            "Origin": "http://allowed.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-test",
        },
    )
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert preflight.headers["access-control-allow-headers"] == "x-test"
    invoked = subprocess.run(
        [sys.executable, "-m", "funcls", "invoke", "locked", str(app_dir), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    result = json.loads(invoked.stdout)
    assert result["body"] == "secret"
    assert result["ranOn"].startswith("http://")  # through the running app, with its key


def test_local_http_port_and_host_warning(app_copy: Callable[[str], Path], tmp_path: Path) -> None:
    from tests.runner.runner_process import start_run
    from tests.support.azurite import free_port

    app_dir = app_copy("http_v2")
    port = free_port()
    settings = json.loads((app_dir / "local.settings.json").read_text())
    settings["Host"] = {"LocalHttpPort": port}
    (app_dir / "local.settings.json").write_text(json.dumps(settings))
    log_path = tmp_path / "port.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "funcls",
                "run",
                str(app_dir),
                "--no-reload",
                "--host",
                "0.0.0.0",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/plain").text == "just a string":
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            raise AssertionError(log_path.read_text())
        assert "warning: listening on 0.0.0.0" in log_path.read_text()
    finally:
        process.terminate()
        process.wait(10)
    del start_run


def test_functions_option_runs_only_those(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    running = run_app(app_copy("http_v2"), "--no-reload", "--functions", "plain", "echo", "Nosuch")
    assert running.get("/api/plain").text == "just a string"
    assert running.get("/api/items/1").status_code == 404
    names = {f["name"] for f in running.get("/admin/functions").json()}
    assert names == {"plain", "echo"}
    running.wait_for_log("--functions names 'Nosuch', which this app does not define")


def test_v1_disabled_in_function_json_or_by_setting(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    app = app_copy("v1_imports")
    config_path = app / "with_entry" / "function.json"
    config = json.loads(config_path.read_text())
    config["disabled"] = True
    config_path.write_text(json.dumps(config))
    running = run_app(app, "--no-reload")
    assert running.post("/api/with_entry").status_code == 404
    assert running.get("/api/hello/ada").status_code == 200
    listed = {f["name"]: f["isDisabled"] for f in running.get("/admin/functions").json()}
    assert listed == {"hello": False, "with_entry": True}
    assert "(disabled)" in running.log()


def test_root_page_lists_the_functions_unless_disabled(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    app = app_copy("v1_imports")
    running = run_app(app, "--no-reload")
    page = running.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<b>with_entry</b>" in page.text
    # the link is a URL that answers, the template is its text
    link = re.search(r'<a href="([^"]*)">/api/hello/\{who\?\}</a>', page.text)
    assert link is not None, page.text
    assert "{" not in link.group(1)
    assert running.get(link.group(1)).status_code == 200
    assert running.get("/nothing-here").status_code == 404
    running.stop()
    settings = {"IsEncrypted": False, "Values": {"AzureWebJobsDisableHomepage": "true"}}
    (app / "local.settings.json").write_text(json.dumps(settings))
    assert run_app(app, "--no-reload").get("/").status_code == 404
