"""Pure parts of the runner: binding data, host settings, routing order, trigger payloads
through the real library's converters, and the worker's signature checks."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any

import azure.functions as func
import pytest

from funcls.model.loader import load_app
from funcls.model.source import Source
from funcls.runner.banner import render_banner
from funcls.runner.binding_data import BindingExpressionError, merge, resolve
from funcls.runner.config import HostSettings, read_host_settings
from funcls.runner.functions import build_function, http_routes, is_disabled, url_path
from funcls.runner.logs import FLUSH_DELAY, Console
from funcls.runner.pool import AppIndex
from funcls.runner.trigger_data import (
    manual_payload,
    manual_queue_message,
    queue_payload,
    timer_payload,
)
from funcls.runner.worker.convert import decode_input, encode_output
from funcls.runner.worker.loader import FunctionLoadError, ParamInfo, describe_function


@pytest.mark.parametrize(
    ("template", "data", "expected"),
    [
        ("receipts/{id}.json", {"id": "abc"}, "receipts/abc.json"),
        ("receipts/{ID}.json", {"id": "abc"}, "receipts/abc.json"),
        ("out/{order.customer}", {"order": {"Customer": "ada"}}, "out/ada"),
        ("%QUEUE%-{n}", {"n": 3}, "jobs-3"),
        ("{{literal}}/{name}", {"name": "x"}, "{literal}/x"),
        ("m/{sys.MethodName}", {}, "m/fn"),
    ],
)
def test_resolve_binding_expressions(template: str, data: dict[str, Any], expected: str) -> None:
    assert resolve(template, data, {"Queue": "jobs"}, function_name="fn") == expected


def test_resolve_fails_like_the_host() -> None:
    with pytest.raises(BindingExpressionError, match="No value for named parameter 'id'"):
        resolve("r/{id}", {}, {})
    with pytest.raises(BindingExpressionError, match="'%MISSING%' does not resolve"):
        resolve("%MISSING%", {}, {})


def test_builtins_are_fresh_values() -> None:
    first, second = resolve("{rand-guid}", {}, {}), resolve("{rand-guid}", {}, {})
    assert first != second and len(first) == 36
    assert len(resolve("{DateTime:yyyy-MM-dd}", {}, {})) == 10


def test_payload_members_win_over_builtin_names() -> None:
    assert merge({"Id": "message-id", "DequeueCount": 1}, {"id": "order-7"}) == {
        "DequeueCount": 1,
        "id": "order-7",
    }


def write_app(root: Path, host: dict[str, Any], settings: dict[str, Any]) -> Path:
    root.mkdir()
    (root / "host.json").write_text(json.dumps(host))
    (root / "local.settings.json").write_text(json.dumps(settings))
    (root / "function_app.py").write_text("import azure.functions as func\n")
    return root


def test_host_settings_from_host_json_and_local_settings(tmp_path: Path) -> None:
    root = write_app(
        tmp_path / "app",
        {
            "version": "2.0",
            "functionTimeout": "00:01:30",
            "extensions": {
                "http": {"routePrefix": ""},
                "queues": {
                    "batchSize": 64,
                    "maxDequeueCount": 3,
                    "visibilityTimeout": "00:00:05",
                    "messageEncoding": "none",
                },
            },
        },
        {
            "Values": {"A": "from file", "B": "from file", "FUNCTIONS_WORKER_PROCESS_COUNT": "4"},
            "ConnectionStrings": {"Sql": "Server=x"},
            "Host": {"LocalHttpPort": 7099, "CORS": "http://a.example, http://b.example/"},
        },
    )
    settings = read_host_settings(load_app(str(root), Source()), {"B": "from environment"})
    assert settings.route_prefix == ""
    assert settings.function_timeout == 90
    assert (settings.queues.batch_size, settings.queues.max_dequeue_count) == (32, 3)
    assert settings.queues.visibility_timeout == 5
    assert settings.queues.message_encoding == "none"
    assert settings.environment["A"] == "from file"
    assert settings.environment["B"] == "from environment"  # the environment wins
    assert settings.environment["CUSTOMCONNSTR_Sql"] == "Server=x"
    assert settings.local_http_port == 7099
    assert settings.cors_origins == ["http://a.example", "http://b.example"]
    assert settings.worker_count == 4


def test_bad_worker_count_is_reported_and_ignored(tmp_path: Path) -> None:
    root = write_app(tmp_path / "app", {"version": "2.0"}, {"Values": {}})
    settings = read_host_settings(
        load_app(str(root), Source()), {"FUNCTIONS_WORKER_PROCESS_COUNT": "11"}
    )
    assert settings.worker_count == 1
    assert "from 1 to 10" in settings.problems[0]


@pytest.mark.parametrize(
    ("host_text", "timeout", "visibility", "problem"),
    [
        # 1e999 is infinity to a JSON reader: it used to crash funcls run at start
        # (OverflowError) and, saved while running, end reloading for the session.
        ('"extensions": {"queues": {"visibilityTimeout": 1e999}}', 1800.0, 0, "visibilityTimeout"),
        ('"functionTimeout": 1e999', 1800.0, 0, "functionTimeout"),
        ('"functionTimeout": -1', None, 0, None),  # no limit, as the string "-1"
        ('"functionTimeout": 0', 1800.0, 0, "functionTimeout"),  # would end every invocation
        ('"functionTimeout": -5', 1800.0, 0, "functionTimeout"),
        ('"functionTimeout": 45', 45.0, 0, None),
    ],
)
def test_host_json_numbers_that_no_timespan_holds(
    tmp_path: Path, host_text: str, timeout: float | None, visibility: int, problem: str | None
) -> None:
    root = write_app(tmp_path / "app", {"version": "2.0"}, {"Values": {}})
    (root / "host.json").write_text('{"version": "2.0", ' + host_text + "}")
    settings = read_host_settings(load_app(str(root), Source()), {})
    assert settings.function_timeout == timeout
    assert settings.queues.visibility_timeout == visibility
    if problem is None:
        assert settings.problems == []
    else:
        assert len(settings.problems) == 1 and problem in settings.problems[0]


def http_function(name: str, route: str | None, methods: list[str] | None = None) -> Any:
    trigger: dict[str, Any] = {"type": "httpTrigger", "direction": "in", "name": "req"}
    if route is not None:
        trigger["route"] = route
    if methods:
        trigger["methods"] = methods
    description = {
        "name": name,
        "bindings": [trigger, {"type": "http", "direction": "out", "name": "$return"}],
    }
    return build_function(description, "api", {})


def test_routes_are_tried_most_specific_first() -> None:
    functions = [
        http_function("catch_all", "{*rest}"),
        http_function("by_id", "items/{id:int}"),
        http_function("by_name", "items/{name}"),
        http_function("literal", "items/special"),
    ]
    assert [f.name for f in http_routes(functions)] == ["literal", "by_id", "by_name", "catch_all"]
    default = http_function("named_by_default", None, ["get", "Post"])
    assert url_path(default, "api") == "/api/named_by_default"
    assert default.methods == {"GET", "POST"}


def test_unrunnable_functions_say_why() -> None:
    entity = build_function(
        {"name": "o", "bindings": [{"type": "entityTrigger", "name": "c"}]}, "api", {}
    )
    assert entity.support == "native" and entity.is_durable  # the durable engine runs it
    bad_route = http_function("bad", "items/{id")
    assert bad_route.support == "none" and "route" in str(bad_route.reason)
    disabled = build_function(
        {
            "name": "t",
            "bindings": [{"type": "timerTrigger", "name": "t", "schedule": "* * * * * *"}],
        },
        "api",
        {"AzureWebJobs.t.Disabled": "true"},
    )
    assert disabled.disabled and disabled.support == "native"


def test_disabled_as_the_host_reads_it() -> None:
    assert is_disabled("f", True, {}) and is_disabled("f", "true", {})
    assert not is_disabled("f", False, {}) and not is_disabled("f", None, {})
    # A string that is not a boolean names a setting that holds one.
    assert is_disabled("f", "PAUSE_F", {"PAUSE_F": "1"})
    assert not is_disabled("f", "PAUSE_F", {"PAUSE_F": "false"})
    assert not is_disabled("f", "PAUSE_F", {})
    # The setting wins over a function.json that says false.
    assert is_disabled("f", False, {"AzureWebJobs.f.Disabled": "True"})


def param(binding_type: str, pytype: Any, name: str = "x") -> ParamInfo:
    converter = "generic" if pytype in (str, bytes) else binding_type
    return ParamInfo(name, binding_type, converter, pytype)


def test_trigger_payloads_become_the_library_types() -> None:
    queue = manual_payload("queueTrigger", '{"id": 1}')
    message = decode_input(param("queueTrigger", func.QueueMessage), queue.data, queue.metadata)
    assert isinstance(message, func.QueueMessage)
    assert message.get_json() == {"id": 1} and message.dequeue_count == 1
    grid = manual_payload("eventGridTrigger", '{"subject": "s", "data": {"a": 1}}')
    event = decode_input(param("eventGridTrigger", func.EventGridEvent), grid.data, grid.metadata)
    assert isinstance(event, func.EventGridEvent) and event.get_json() == {"a": 1}
    bus = manual_payload("serviceBusTrigger", "hello")
    sb = decode_input(param("serviceBusTrigger", func.ServiceBusMessage), bus.data, bus.metadata)
    assert isinstance(sb, func.ServiceBusMessage) and sb.get_body() == b"hello"
    docs = manual_payload("cosmosDBTrigger", '{"id": "d1"}')
    documents = decode_input(param("cosmosDBTrigger", func.DocumentList), docs.data, docs.metadata)
    assert isinstance(documents, func.DocumentList) and documents[0]["id"] == "d1"
    hub = manual_payload("eventHubTrigger", "tick")
    eh = decode_input(param("eventHubTrigger", func.EventHubEvent), hub.data, hub.metadata)
    assert isinstance(eh, func.EventHubEvent) and eh.get_body() == b"tick"
    timer = timer_payload(True, None, None)
    request = decode_input(param("timerTrigger", func.TimerRequest), timer.data, timer.metadata)
    assert isinstance(request, func.TimerRequest) and request.past_due


def test_str_and_bytes_parameters_take_the_generic_path() -> None:
    assert decode_input(param("blob", str), ("bytes", b"text"), {}) == "text"
    assert decode_input(param("blob", bytes), ("string", "text"), {}) == b"text"
    assert decode_input(param("blob", str), (None, None), {}) is None


def test_queue_payload_binding_data_prefers_the_message_members() -> None:
    payload = queue_payload(manual_queue_message('{"Id": "mine", "n": 2}'), "q")
    assert payload.binding_data["Id"] == "mine"
    assert payload.binding_data["n"] == 2
    assert payload.binding_data["DequeueCount"] == 1


def test_outputs_encode_through_the_converters() -> None:
    response = func.HttpResponse("hi", status_code=201, headers={"X-A": "1"})
    kind, value = encode_output(param("http", func.HttpResponse, "$return"), response)
    assert kind == "http" and value["status"] == 201 and value["body"] == b"hi"
    assert ("X-A", "1") in value["headers"]
    assert encode_output(param("queue", str), "m") == ("string", "m")
    with pytest.raises(TypeError, match="does not take a int"):
        encode_output(param("http", None, "$return"), 5)


def test_signature_checks_match_the_worker() -> None:
    bindings = [
        {"type": "httpTrigger", "direction": "in", "name": "req"},
        {"type": "http", "direction": "out", "name": "$return"},
    ]

    def good(req: func.HttpRequest, context: func.Context) -> func.HttpResponse: ...

    def missing(req: func.HttpRequest, other: str) -> str: ...

    def none_return(req: func.HttpRequest) -> None: ...

    info = describe_function("good", good, "/d", "/d/f.py", bindings)
    assert info.requires_context and info.return_info is not None
    with pytest.raises(FunctionLoadError, match="declared in Python but not as bindings: other"):
        describe_function("missing", missing, "/d", "/d/f.py", bindings)
    with pytest.raises(FunctionLoadError, match='return annotation "NoneType"'):
        describe_function("none_return", none_return, "/d", "/d/f.py", bindings)


def test_banner_names_the_inputs_funcls_does_not_read(tmp_path: Path) -> None:
    bindings = [
        {"type": "httpTrigger", "direction": "in", "name": "req", "route": "docs/{id}"},
        {"type": "cosmosDB", "direction": "in", "name": "doc", "databaseName": "d"},
        {"type": "blob", "direction": "in", "name": "raw", "path": "c/{id}"},
        {"type": "http", "direction": "out", "name": "$return"},
    ]
    fn = build_function({"name": "get_doc", "bindings": bindings}, "api", {})
    text = render_banner(
        AppIndex(), [fn], HostSettings(str(tmp_path)), "http://127.0.0.1:7071", {}, {}
    )
    assert "Inputs funcls does not read (the parameter gets None):" in text
    assert "  get_doc: cosmosDB input 'doc'" in text
    assert "'raw'" not in text


def test_console_batches_invocation_lines_but_not_its_own_messages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PYTHONUNBUFFERED", raising=False)
    stream = io.StringIO()
    console = Console(stream)

    async def scenario() -> tuple[str, str, str]:
        console.started("f", "id-1", "test")
        before = stream.getvalue()  # batched: nothing written yet
        console.say("reloading")  # written at once, after the line before it
        said = stream.getvalue()
        console.finished("f", "id-1", True, 0.001)
        await asyncio.sleep(FLUSH_DELAY * 3)
        return before, said, stream.getvalue()

    before, said, after = asyncio.run(scenario())
    assert before == ""
    assert said.splitlines()[0].endswith("Executing 'Functions.f' (Reason='test', Id=id-1)")
    assert said.splitlines()[1].endswith("funcls: reloading")
    assert after.splitlines()[2].endswith(
        "Executed 'Functions.f' (Succeeded, Id=id-1, Duration=1ms)"
    )


def test_a_request_while_the_app_restarts_gets_503_with_retry_after() -> None:
    # Issue 17: it got 500, as if the function had failed, though it never ran.
    from funcls.runner.host.http_trigger import outcome_response
    from funcls.runner.invocation import Outcome

    restarting = Outcome(
        "id-1",
        "hello",
        False,
        0.5,
        error={"type": "AppNotLoaded", "message": "the app is restarting; try again in a moment"},
    )
    status, headers, body = outcome_response(restarting)
    assert status == 503
    assert (b"retry-after", b"1") in headers
    assert b"the app is restarting" in body
    failed = Outcome("id-2", "hello", False, 0.1, error={"type": "ZeroDivisionError"})
    assert outcome_response(failed)[0] == 500  # a function that failed is still a 500
