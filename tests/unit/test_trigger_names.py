"""The names a trigger supplies to `{name}` expressions have one source,
funcls/model/parsers/trigger_metadata.py: the checker reads it (AZF5xx unknown names), the
hovers describe it, and the runner's payloads are built through it."""

from __future__ import annotations

import pytest

from funcls.model.parsers.trigger_metadata import supplied, trigger_metadata
from funcls.runner.trigger_data import (
    blob_payload,
    manual_payload,
    manual_queue_message,
    queue_payload,
)


def names_of(trigger_type: str, properties: dict[str, object] | None = None) -> set[str]:
    metadata = trigger_metadata(trigger_type, properties)
    assert metadata is not None
    return set(metadata.names)


def test_a_queue_message_supplies_exactly_the_listed_names() -> None:
    payload = queue_payload(manual_queue_message("not json"), "jobs")
    assert set(payload.binding_data) == names_of("queueTrigger")
    assert set(payload.metadata) == names_of("queueTrigger") - {"QueueTrigger"}
    # A JSON message adds its members, as the host does ("JSON payloads").
    payload = queue_payload(manual_queue_message('{"orderId": 7}'), "jobs")
    assert set(payload.binding_data) == names_of("queueTrigger") | {"orderId"}


def test_a_blob_supplies_the_listed_names_and_its_path_captures() -> None:
    payload = blob_payload("in/a.txt", b"x", {"name": "a.txt"}, "http://blob/in/a.txt", {})
    assert set(payload.binding_data) == names_of("blobTrigger", {"path": "in/{name}"})
    assert set(payload.metadata) == names_of("blobTrigger")


@pytest.mark.parametrize("trigger_type", ["serviceBusTrigger", "eventHubTrigger"])
def test_by_hand_payloads_supply_only_listed_names(trigger_type: str) -> None:
    payload = manual_payload(trigger_type.upper(), "plain text")
    assert payload.metadata and set(payload.metadata) <= names_of(trigger_type)
    assert set(payload.binding_data) <= names_of(trigger_type)


def test_a_name_the_list_lacks_is_refused() -> None:
    with pytest.raises(ValueError, match="queueTrigger does not supply MessageId"):
        supplied("queueTrigger", {"Id": "1", "MessageId": "2"})
    assert supplied("QUEUETRIGGER", {"Id": "1"}) == {"Id": "1"}
