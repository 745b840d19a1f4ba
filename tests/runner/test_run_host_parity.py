"""Answers that must be the host's: the admin health and warmup endpoints, what an HTTP
function's result becomes (no HTTP output, None, a value without $return), an exception
that cannot be turned into text. Each against a real `funcls run` on loopback."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.runner.runner_process import RunningApp

pytestmark = pytest.mark.slow

APP = """
import json
import logging

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.function_name("returns_none")
@app.route(route="none")
def returns_none(req: func.HttpRequest) -> func.HttpResponse:
    return None


class Unprintable(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no text for you")


@app.route(route="unprintable")
def unprintable(req: func.HttpRequest) -> func.HttpResponse:
    raise Unprintable()


@app.route(route="ok")
def ok(req: func.HttpRequest) -> str:
    return "ok"


@app.route(route="trace")
def trace(req: func.HttpRequest, context: func.Context) -> str:
    t = context.trace_context
    return json.dumps(
        {
            "Traceparent": t.Traceparent,
            "Tracestate": t.Tracestate,
            "Attributes": t.Attributes,
            "same": [t.Traceparent, t.Tracestate, t.Attributes]
            == [t.trace_parent, t.trace_state, t.attributes],
        }
    )


@app.warm_up_trigger("warmup")
def warm(warmup) -> None:
    logging.info("warming up the app")
"""

V1_RETURN_QUEUE = {
    "scriptFile": "__init__.py",
    "bindings": [
        {"type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "anonymous"},
        {"type": "queue", "direction": "out", "name": "$return", "queueName": "sent"},
    ],
}

V1_NO_OUTPUT = {
    "scriptFile": "__init__.py",
    "bindings": [
        {"type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "anonymous"}
    ],
}

V1_NO_RETURN = {
    "scriptFile": "__init__.py",
    "bindings": [
        {"type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "anonymous"},
        {"type": "http", "direction": "out", "name": "res"},
    ],
}


@pytest.fixture
def running(tmp_path: Path, run_app: Callable[..., RunningApp]) -> RunningApp:
    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "function_app.py").write_text(APP)
    return run_app(app, "--no-reload", "--storage", "embedded")


@pytest.fixture
def running_v1(tmp_path: Path, run_app: Callable[..., RunningApp]) -> RunningApp:
    import json

    app = tmp_path / "appv1"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "local.settings.json").write_text(
        json.dumps({"Values": {"AzureWebJobsStorage": "UseDevelopmentStorage=true"}})
    )
    for name, config, source in (
        ("return_queue", V1_RETURN_QUEUE, "def main(req):\n    return 'queued'\n"),
        ("no_output", V1_NO_OUTPUT, "def main(req):\n    return None\n"),
        ("no_return", V1_NO_RETURN, "def main(req, res):\n    return 'lost'\n"),
    ):
        folder = app / name
        folder.mkdir()
        (folder / "function.json").write_text(json.dumps(config))
        (folder / "__init__.py").write_text(source)
    return run_app(app, "--no-reload", "--storage", "embedded")


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("query", ["", "?checkHealth=1"])
def test_host_ping_answers_200(running: RunningApp, method: str, query: str) -> None:
    response = running.request(method, "/admin/host/ping" + query)
    assert (response.status_code, response.content) == (200, b"")


def test_warmup_runs_the_warmup_function_once(running: RunningApp) -> None:
    assert running.get("/admin/warmup").status_code == 200
    running.wait_for_log("warming up the app")
    assert running.post("/admin/warmup").status_code == 200
    assert running.get("/api/ok").text == "ok"
    assert running.log().count("warming up the app") == 1


def test_none_from_an_http_function_is_500(running: RunningApp) -> None:
    response = running.get("/api/none")
    assert response.status_code == 500
    assert "returns_none" in response.text
    assert "NoneType" in response.text


def test_exception_whose_str_raises_is_answered(running: RunningApp) -> None:
    response = running.get("/api/unprintable", timeout=15)
    assert response.status_code == 500
    assert "Unprintable" in response.text
    assert "Could not serialize original exception message" in response.text
    # the app process still answers the next request
    assert running.get("/api/ok", timeout=15).text == "ok"


def test_http_function_whose_return_is_a_queue_answers_200(running_v1: RunningApp) -> None:
    response = running_v1.get("/api/return_queue")
    assert (response.status_code, response.content) == (200, b"")


def test_http_function_with_no_output_returning_nothing_answers_204(
    running_v1: RunningApp,
) -> None:
    response = running_v1.get("/api/no_output")
    assert (response.status_code, response.content) == (204, b"")


def test_value_returned_without_return_binding_is_500(running_v1: RunningApp) -> None:
    response = running_v1.get("/api/no_return")
    assert response.status_code == 500
    assert "without a $return binding returned a non-None value" in response.text


def test_python_script_file_name_from_the_environment(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "main_app.py").write_text(APP)
    running = run_app(app, "--no-reload", env={"PYTHON_SCRIPT_FILE_NAME": "main_app.py"})
    assert running.wait_for("/api/ok").text == "ok"


def test_python_script_file_name_naming_no_file_is_reported(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "function_app.py").write_text(APP)
    running = run_app(app, "--no-reload", env={"PYTHON_SCRIPT_FILE_NAME": "missing.py"})
    running.wait_for_log("PYTHON_SCRIPT_FILE_NAME is 'missing.py', which is not a file")


COOKIES_APP = """
import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="cookie")
def cookie(req: func.HttpRequest) -> func.HttpResponse:
    resp = func.HttpResponse("with cookies")
    for value in req.params["set"].split("|"):
        resp.headers.add("Set-Cookie", value)
    return resp
"""


@pytest.fixture
def cookies(tmp_path: Path, run_app: Callable[..., RunningApp]) -> RunningApp:
    app = tmp_path / "cookies"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "function_app.py").write_text(COOKIES_APP)
    return run_app(app, "--no-reload")


@pytest.mark.parametrize(
    ("sent", "written"),
    [
        ("foo=bar", ["foo=bar; domain=; path="]),
        (
            "foo3=42; Domain=example.com; Expires=Thu, 12-Jan-2018 13:55:08 GMT; Path=/; "
            "Max-Age=10000000; Secure; HttpOnly|foo4=1; SameSite=Strict",
            [
                "foo3=42; expires=Fri, 12 Jan 2018 13:55:08 GMT; max-age=10000000; "
                "domain=example.com; path=/; secure; httponly",
                "foo4=1; domain=; path=; samesite=strict",
            ],
        ),
        ("", []),
    ],
)
def test_set_cookie_is_written_as_the_host_writes_it(
    cookies: RunningApp, sent: str, written: list[str]
) -> None:
    response = cookies.get("/api/cookie", params={"set": sent})
    assert response.status_code == 200
    assert response.headers.get_list("set-cookie") == written


def test_a_cookie_whose_expires_does_not_parse_is_500(cookies: RunningApp) -> None:
    response = cookies.get("/api/cookie", params={"set": "foo=bar; Domain=123; Expires=Dummy"})
    assert response.status_code == 500
    assert "Can not parse value Dummy of expires in the cookie" in response.text
    log = cookies.wait_for_log("] Can not parse value Dummy of expires in the cookie")
    assert "Exception: ValueError: Can not parse value Dummy" in log


def test_trace_context_has_the_worker_s_capitalised_names(running: RunningApp) -> None:
    answer = running.get("/api/trace").json()
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-01", answer["Traceparent"])
    assert answer["Tracestate"] == ""
    assert answer["Attributes"] == {}
    assert answer["same"] is True


CONSOLE_APP = """
import logging

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="divide")
def divide(req: func.HttpRequest) -> str:
    logging.info("user record before dividing")
    logging.getLogger("azure.functions.sdk").info("system record from the library")
    logging.getLogger("azure_functions_worker").info("system record from the worker")
    return str(1 / 0)
"""


def test_console_matches_the_host_s(tmp_path: Path, run_app: Callable[..., RunningApp]) -> None:
    app = tmp_path / "console"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "function_app.py").write_text(CONSOLE_APP)
    running = run_app(app, "--no-reload")
    assert running.get("/api/divide").status_code == 500
    log = running.wait_for_log("Exception: ZeroDivisionError: division by zero")
    assert re.search(
        r"^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] user record before dividing$", log, re.M
    ), log
    assert "system record" not in log
    assert "Result: Failure" in log
    assert re.search(r"^Stack: Traceback \(most recent call last\):$", log, re.M), log


def test_log_tags_on_request(tmp_path: Path, run_app: Callable[..., RunningApp]) -> None:
    app = tmp_path / "console"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "function_app.py").write_text(CONSOLE_APP)
    running = run_app(app, "--no-reload", "--log-tags")
    running.get("/api/divide")
    log = running.wait_for_log("system record from the worker")
    assert re.search(r"\[divide [0-9a-f]{8}\] INFO user record before dividing", log), log


def test_missing_module_is_reported_in_the_worker_s_words(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    app = tmp_path / "missing"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "function_app.py").write_text("import does_not_exist\n" + CONSOLE_APP)
    running = run_app(app, "--no-reload")
    log = running.wait_for_log("Failed to load")
    assert (
        "Exception: ModuleNotFoundError: No module named 'does_not_exist'. Cannot find module. "
        "Please check the requirements.txt file for the missing module. For more info, please "
        "refer the troubleshooting guide: https://aka.ms/functions-modulenotfound. "
        "Current sys.path: "
    ) in log
    assert running.get("/api/divide").status_code == 404


def test_a_folder_with_host_json_is_the_app_whatever_lies_below(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    app = tmp_path / "outer"
    (app / "inner").mkdir(parents=True)
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "function_app.py").write_text(APP)
    (app / "inner" / "host.json").write_text('{"version": "2.0"}')
    (app / "inner" / "function_app.py").write_text(APP)
    running = run_app(app, "--no-reload")
    assert running.get("/api/ok").text == "ok"


GENERIC_APP = """
import logging

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.schedule(schedule="0 0 0 1 1 *", arg_name="timer", run_on_startup=False)
@app.generic_input_binding(
    arg_name="entity", type="table", connection="AzureWebJobsStorage", table_name="Things"
)
def returns_dict(timer: func.TimerRequest, entity) -> None:
    return {"dropped": True}


@app.route(route="enqueue")
@app.queue_output(arg_name="msg", queue_name="objects", connection="AzureWebJobsStorage")
def enqueue(req: func.HttpRequest, msg: func.Out[func.QueueMessage]) -> str:
    msg.set(func.QueueMessage(body="the body"))
    return "queued"


@app.queue_trigger(arg_name="item", queue_name="objects", connection="AzureWebJobsStorage")
def dequeue(item: func.QueueMessage) -> None:
    logging.info("dequeued %s", item.get_body().decode())
"""


def test_value_returned_beside_a_binding_without_converter_is_dropped(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    app = tmp_path / "generic"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "function_app.py").write_text(GENERIC_APP)
    running = run_app(app, "--no-reload", "--storage", "embedded")
    assert running.post("/admin/functions/returns_dict", json={"input": ""}).status_code == 202
    log = running.wait_for_log("Executed 'Functions.returns_dict'")
    assert "Executed 'Functions.returns_dict' (Succeeded" in log, log
    # a func.QueueMessage set on a queue output is enqueued as its body
    assert running.get("/api/enqueue").text == "queued"
    running.wait_for_log("] dequeued the body")
