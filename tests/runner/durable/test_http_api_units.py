"""Pure parts of the durable HTTP API: request bodies as inputs, history events as the
status API shows them, and the client binding's JSON as the SDK reads it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from azure.durable_functions.models.DurableOrchestrationBindings import (
    DurableOrchestrationBindings,
)

from funcls.runner.durable.binding import DEFAULT_TASK_HUB, client_binding
from funcls.runner.durable.history import EventType, event
from funcls.runner.durable.http_api import history_events, read_input
from funcls.runner.durable.runtime import task_hub_name


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"", None),
        (b"  ", None),
        # what the SDK's client posts: the JSON text of the value, as a JSON string
        (json.dumps(json.dumps({"a": 1})).encode(), '{"a": 1}'),
        (json.dumps(json.dumps("hi")).encode(), '"hi"'),
        (json.dumps(json.dumps(None)).encode(), "null"),
        # what a plain HTTP client posts: JSON
        (b'{"count": 3}', '{"count": 3}'),
        (b"[1, 2]", "[1, 2]"),
        (b"42", "42"),
        (b'"yes"', '"yes"'),
        # not JSON: a string
        (b"hello there", '"hello there"'),
    ],
)
def test_request_bodies_become_the_json_text_of_the_input(
    body: bytes, expected: str | None
) -> None:
    assert read_input(body) == expected


def test_history_events_merge_scheduling_into_completions() -> None:
    events = [
        event(EventType.ORCHESTRATOR_STARTED),
        event(EventType.EXECUTION_STARTED, Name="chain", Input='{"n": 1}'),
        event(EventType.TASK_SCHEDULED, 0, Name="hello", Input='"x"'),
        event(EventType.ORCHESTRATOR_COMPLETED),
        event(EventType.ORCHESTRATOR_STARTED),
        event(EventType.TASK_COMPLETED, TaskScheduledId=0, Result='"Hello x"'),
        event(EventType.EXECUTION_COMPLETED, OrchestrationStatus="Completed", Result='"Hello x"'),
        event(EventType.ORCHESTRATOR_COMPLETED),
    ]
    shown = history_events(events, with_output=True)
    assert [e["EventType"] for e in shown] == [
        "ExecutionStarted",
        "TaskCompleted",
        "ExecutionCompleted",
    ]
    assert shown[0]["FunctionName"] == "chain" and shown[0]["Input"] == {"n": 1}
    assert shown[1]["FunctionName"] == "hello" and shown[1]["Result"] == "Hello x"
    assert shown[1]["ScheduledTime"] == events[2]["Timestamp"]
    assert "Result" not in history_events(events, with_output=False)[1]


def test_the_sdk_reads_the_client_binding() -> None:
    text = client_binding(
        "http://localhost:7071",
        "http://127.0.0.1:7071/durabletask-rpc/s3cret/",
        "MyHub",
        code="k/ey",
    )
    bindings = DurableOrchestrationBindings.from_json(text)
    assert bindings.task_hub_name == "MyHub"
    assert bindings.rpc_base_url == "http://127.0.0.1:7071/durabletask-rpc/s3cret/"
    urls = bindings.management_urls
    assert urls["id"] == "INSTANCEID"
    assert urls["statusQueryGetUri"] == (
        "http://localhost:7071/runtime/webhooks/durabletask/instances/INSTANCEID"
        "?taskHub=MyHub&connection=Storage&code=k%2Fey"
    )
    assert bindings.creation_urls["createNewInstancePostUri"] == (
        "http://localhost:7071/runtime/webhooks/durabletask/orchestrators/"
        "{functionName}[/{instanceId}]?code=k%2Fey"
    )


@pytest.mark.parametrize(
    ("host_json", "hub"),
    [
        ('{"extensions": {"durableTask": {"hubName": "MyHub"}}}', "MyHub"),
        # The host reads host.json ignoring the keys' case (its configuration provider), as
        # for routePrefix (2b27fcb): the hub is named in Azure, so it is here.
        ('{"Extensions": {"DurableTask": {"HubName": "MyHub"}}}', "MyHub"),
        ('{"extensions": {"durabletask": {"hubname": "a", "HubName": "Later"}}}', "Later"),
        ('{"extensions": {"durableTask": {"hubName": ""}}}', DEFAULT_TASK_HUB),
        ('{"extensions": {"durableTask": []}}', DEFAULT_TASK_HUB),
        ('{"version": "2.0"}', DEFAULT_TASK_HUB),
        ("{not json", DEFAULT_TASK_HUB),
    ],
)
def test_the_task_hub_comes_from_host_json_ignoring_case(
    tmp_path: Path, host_json: str, hub: str
) -> None:
    (tmp_path / "host.json").write_text(host_json)
    assert task_hub_name(str(tmp_path)) == hub


def test_without_host_json_the_hub_is_core_tools_default(tmp_path: Path) -> None:
    assert task_hub_name(str(tmp_path)) == DEFAULT_TASK_HUB
