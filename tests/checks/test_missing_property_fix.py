"""AZF103's quick fix: a missing required property gets a value with a known source (the
templates `funcls new` uses: a queue named after the function, a timer every five minutes, the
service's connection setting), never an empty value; a property without one gets no fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funcls.checks.findings import Finding
from tests.checks.support import check, fixed_clean, one, v1

HEAD = "import azure.functions as func\n\n\n"


def script(params: str) -> str:
    return HEAD + f"def main({params}) -> None:\n    pass\n"


def fjson(*bindings: dict[str, object]) -> str:
    return json.dumps({"bindings": list(bindings)}, indent=2) + "\n"


def azf103(root: Path, name: str, bindings: list[dict[str, object]], params: str) -> Finding:
    v1(root, name, fjson(*bindings), script(params))
    return one(check(root), "AZF103")


def binding_after(root: Path, name: str, index: int = 0) -> dict[str, object]:
    doc = json.loads((root / name / "function.json").read_text(encoding="utf-8"))
    found: dict[str, object] = doc["bindings"][index]
    return found


@pytest.mark.parametrize(
    ("binding", "params", "key", "value"),
    [
        pytest.param(
            {"name": "msg", "type": "queueTrigger", "direction": "in"},
            "msg: func.QueueMessage",
            "queueName",
            "process-orders-items",
            id="queue-trigger",
        ),
        pytest.param(
            {"name": "msg", "type": "queueTrigger", "direction": "in", "queueName": ""},
            "msg: func.QueueMessage",
            "queueName",
            "process-orders-items",
            id="queue-trigger-empty-value-replaced",
        ),
        pytest.param(
            {"name": "timer", "type": "timerTrigger", "direction": "in"},
            "timer: func.TimerRequest",
            "schedule",
            "0 */5 * * * *",
            id="timer",
        ),
        pytest.param(
            {"name": "blob", "type": "blobTrigger", "direction": "in"},
            "blob: func.InputStream",
            "path",
            "process-orders-container/{name}",
            id="blob-trigger",
        ),
        pytest.param(
            {"name": "msg", "type": "serviceBusTrigger", "direction": "in", "connection": "SB"},
            "msg: func.ServiceBusMessage",
            "queueName",
            "process-orders-queue",
            id="service-bus-one-of",
        ),
    ],
)
def test_the_fix_writes_a_value_and_the_finding_goes(
    tmp_path: Path, binding: dict[str, object], params: str, key: str, value: str
) -> None:
    f = azf103(tmp_path, "Process_Orders", [binding], params)
    assert [(x.title, x.preferred) for x in f.fixes] == [(f'Set "{key}" to "{value}"', True)]
    after = fixed_clean(tmp_path, f)
    assert binding_after(tmp_path, "Process_Orders") == {**binding, key: value}
    assert [x.code for x in after if x.code == "AZF103"] == []


def test_a_connection_takes_the_setting_name_of_the_service(tmp_path: Path) -> None:
    trigger = {
        "name": "timer",
        "type": "timerTrigger",
        "direction": "in",
        "schedule": "0 0 * * * *",
    }
    out = {"name": "$return", "type": "eventHub", "direction": "out", "eventHubName": "hub"}
    f = azf103(tmp_path, "send", [trigger, out], "timer: func.TimerRequest")
    assert [x.title for x in f.fixes] == ['Set "connection" to "EventHubConnection"']
    fixed_clean(tmp_path, f)
    assert binding_after(tmp_path, "send", 1)["connection"] == "EventHubConnection"


def test_a_multi_line_binding_gets_the_member_on_its_own_line(tmp_path: Path) -> None:
    f = azf103(
        tmp_path,
        "tick",
        [{"name": "timer", "type": "timerTrigger", "direction": "in"}],
        "timer: func.TimerRequest",
    )
    fixed_clean(tmp_path, f)
    assert (tmp_path / "tick" / "function.json").read_text(encoding="utf-8") == (
        fjson(
            {
                "name": "timer",
                "type": "timerTrigger",
                "direction": "in",
                "schedule": "0 */5 * * * *",
            }
        )
    )


@pytest.mark.parametrize(
    ("bindings", "params"),
    [
        # No source for a broker list: no fix rather than an empty or made-up one.
        pytest.param(
            [{"name": "ev", "type": "kafkaTrigger", "direction": "in", "topic": "t"}],
            "ev: func.KafkaEvent",
            id="kafka-broker-list",
        ),
        # The queue trigger's default name would make an output write to the queue it reads.
        pytest.param(
            [
                {"name": "msg", "type": "queueTrigger", "direction": "in", "queueName": "in"},
                {"name": "out", "type": "queue", "direction": "out", "queueName": ""},
            ],
            "msg: func.QueueMessage, out: func.Out[str]",
            id="queue-output",
        ),
        # A blob output's path would need the trigger's {name}.
        pytest.param(
            [
                {"name": "msg", "type": "queueTrigger", "direction": "in", "queueName": "in"},
                {"name": "out", "type": "blob", "direction": "out"},
            ],
            "msg: func.QueueMessage, out: func.Out[str]",
            id="blob-output",
        ),
    ],
)
def test_no_fix_without_a_sensible_value(
    tmp_path: Path, bindings: list[dict[str, object]], params: str
) -> None:
    assert azf103(tmp_path, "orders", bindings, params).fixes == []


@pytest.mark.parametrize(
    "binding",
    [
        pytest.param({"type": "queueTrigger", "direction": "in", "queueName": "in"}, id="absent"),
        pytest.param(
            {"name": "", "type": "queueTrigger", "direction": "in", "queueName": "in"}, id="empty"
        ),
    ],
)
def test_a_binding_without_a_name_takes_the_one_parameter_left(
    tmp_path: Path, binding: dict[str, object]
) -> None:
    f = azf103(tmp_path, "orders", [binding], "msg: func.QueueMessage, context: func.Context")
    assert [x.title for x in f.fixes] == ['Set "name" to "msg"']
    after = fixed_clean(tmp_path, f)
    assert binding_after(tmp_path, "orders")["name"] == "msg"
    assert [x.code for x in after if x.code in ("AZF103", "AZF200", "AZF201")] == []


def test_no_name_fix_when_more_than_one_parameter_is_left(tmp_path: Path) -> None:
    binding = {"type": "queueTrigger", "direction": "in", "queueName": "in"}
    v1(tmp_path, "orders", fjson(binding), script("msg: func.QueueMessage, other: str"))
    found = [f for f in check(tmp_path) if f.code == "AZF103"]
    assert [(f.message.split(";")[0], f.fixes) for f in found] == [
        ("the queueTrigger binding of function 'orders' has no \"name\"", [])
    ]
