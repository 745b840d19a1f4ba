"""The banner's Durable Functions section."""

from __future__ import annotations

from funcls.runner.banner import durable_section
from funcls.runner.functions import build_function


def _fn(name: str, trigger: str):  # type: ignore[no-untyped-def]
    return build_function({"name": name, "bindings": [{"type": trigger, "name": "c"}]}, "api", {})


FUNCTIONS = [
    _fn("chain", "orchestrationTrigger"),
    _fn("hello", "activityTrigger"),
    _fn("counter", "entityTrigger"),
]


def test_the_section_lists_each_kind() -> None:
    assert durable_section(FUNCTIONS, "http://localhost:7071").split("\n") == [
        "Durable Functions (embedded engine, state in .funcls/durable/):",
        "  orchestrations: chain",
        "  activities: hello",
        "  entities: counter",
        "  management API: http://localhost:7071/runtime/webhooks/durabletask/instances/<id>",
        "",
    ]


def test_a_storage_connection_does_not_move_the_state() -> None:
    text = durable_section(
        FUNCTIONS, "http://localhost:7071", {"AzureWebJobsStorage": "UseDevelopmentStorage=true"}
    )
    assert (
        "  AzureWebJobsStorage is set, but orchestration state stays in the embedded engine: "
        "funcls does not use the Durable Task storage format (docs/runner.md)"
    ) in text
    assert "AzureWebJobsStorage" not in durable_section(
        FUNCTIONS, "http://localhost:7071", {"AzureWebJobsStorage": ""}
    )
