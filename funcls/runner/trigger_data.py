"""Trigger payloads in the shape the host sends them: the trigger's data, its trigger
metadata (what the library's converters read) and its binding data (what `{name}`
expressions in other bindings see).

Used by the native triggers (queue, blob, timer) and for invoking any function by hand, where
the input text becomes that trigger's payload: a queue message, a blob path, an Event Grid
event, a Service Bus message body, a Cosmos DB document list, …

The names a trigger supplies are those of `funcls/model/parsers/trigger_metadata.py` (which
the checker and the hovers read): each payload is built through its `supplied`, which refuses
a name that list does not have.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import field
from datetime import datetime, timedelta, timezone
from typing import Any

from funcls.model.bindingview import binding_kind
from funcls.model.fastclass import dataclass
from funcls.model.parsers.trigger_metadata import supplied
from funcls.runner.binding_data import json_members, merge
from funcls.runner.messages import Wire
from funcls.runner.storage import QueueMessage


@dataclass
class TriggerPayload:
    data: Wire
    metadata: dict[str, Wire] = field(default_factory=dict)
    binding_data: dict[str, Any] = field(default_factory=dict)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat()


def _text_or_json(text: str) -> Wire:
    try:
        json.loads(text)
    except ValueError:
        return ("string", text)
    return ("json", text)


def queue_payload(message: QueueMessage, queue: str) -> TriggerPayload:
    try:
        text: str | None = message.body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    data: Wire = ("string", text) if text is not None else ("bytes", message.body)
    next_visible = message.next_visible_time or datetime.now(timezone.utc)
    metadata = {
        "Id": ("string", message.id),
        "DequeueCount": ("int", message.dequeue_count),
        "ExpirationTime": ("string", _iso(message.expiration_time)),
        "InsertionTime": ("string", _iso(message.insertion_time)),
        "NextVisibleTime": ("string", _iso(next_visible)),
        "PopReceipt": ("string", message.pop_receipt or ""),
    }
    binding: dict[str, Any] = {
        "QueueTrigger": text if text is not None else message.body,
        "Id": message.id,
        "DequeueCount": message.dequeue_count,
        "ExpirationTime": _iso(message.expiration_time),
        "InsertionTime": _iso(message.insertion_time),
        "NextVisibleTime": _iso(next_visible),
        "PopReceipt": message.pop_receipt or "",
    }
    return TriggerPayload(
        data,
        supplied("queueTrigger", metadata),
        merge(supplied("queueTrigger", binding), json_members(message.body)),
    )


def manual_queue_message(text: str) -> QueueMessage:
    now = datetime.now(timezone.utc)
    return QueueMessage(
        id=str(uuid.uuid4()),
        pop_receipt="manual",
        body=text.encode("utf-8"),
        dequeue_count=1,
        insertion_time=now,
        expiration_time=now + timedelta(days=7),
        next_visible_time=now,
    )


def blob_payload(
    path: str, content: bytes, captures: dict[str, str], uri: str, properties: dict[str, Any]
) -> TriggerPayload:
    metadata = {
        "BlobTrigger": ("string", path),
        "Uri": ("string", uri),
        "Properties": ("json", json.dumps(properties)),
        "Metadata": ("json", "{}"),
    }
    binding: dict[str, Any] = {
        "BlobTrigger": path,
        "Uri": uri,
        "Properties": properties,
        "Metadata": {},
    }
    # The path pattern's {names} are the blob trigger's too (trigger_metadata adds them from
    # the trigger's path).
    return TriggerPayload(
        ("bytes", content),
        supplied("blobTrigger", metadata),
        {**captures, **supplied("blobTrigger", binding)},
    )


def timer_payload(
    past_due: bool, last: datetime | None, next_run: datetime | None, adjust_for_dst: bool = True
) -> TriggerPayload:
    status = None
    if last is not None or next_run is not None:
        status = {
            "Last": _iso(last) if last else None,
            "Next": _iso(next_run) if next_run else None,
            "LastUpdated": _iso(datetime.now(timezone.utc)),
        }
    body = {
        "Schedule": {"AdjustForDST": adjust_for_dst},
        "ScheduleStatus": status,
        "IsPastDue": past_due,
    }
    return TriggerPayload(("json", json.dumps(body)))


def manual_payload(trigger_type: str, text: str) -> TriggerPayload:
    """The payload for invoking a non-HTTP, non-blob function by hand with `text`."""
    kind = binding_kind(trigger_type)
    now = datetime.now(timezone.utc)
    if kind == "queuetrigger":
        return queue_payload(manual_queue_message(text), "")
    if kind == "timertrigger":
        past_due = text.strip().lower() in ("past_due", "pastdue", '{"ispastdue": true}')
        return timer_payload(past_due, None, None)
    if kind == "servicebustrigger":
        message_id = uuid.uuid4().hex
        metadata: dict[str, Wire] = {
            "MessageId": ("string", message_id),
            "DeliveryCount": ("int", 1),
            "EnqueuedTimeUtc": ("string", _iso(now)),
            "ExpiresAtUtc": ("string", _iso(now + timedelta(days=14))),
            "LockedUntil": ("string", _iso(now + timedelta(minutes=1))),
            "LockToken": ("string", str(uuid.uuid4())),
            "SequenceNumber": ("int", 1),
            "ContentType": ("string", "application/json" if _is_json(text) else "text/plain"),
            "UserProperties": ("json", "{}"),
            "ApplicationProperties": ("json", "{}"),
        }
        binding = {"MessageId": message_id, "DeliveryCount": 1}
        return TriggerPayload(
            ("string", text),
            supplied("serviceBusTrigger", metadata),
            merge(supplied("serviceBusTrigger", binding), json_members(text)),
        )
    if kind == "eventhubtrigger":
        metadata = {
            "SystemProperties": ("json", "{}"),
            "EnqueuedTimeUtc": ("string", _iso(now)),
            "SequenceNumber": ("int", 1),
            "Offset": ("string", "0"),
            "PartitionKey": ("string", ""),
        }
        return TriggerPayload(
            ("string", text), supplied("eventHubTrigger", metadata), json_members(text)
        )
    if kind in ("cosmosdbtrigger", "cosmosdbmongotrigger"):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = {"value": text}
        documents = parsed if isinstance(parsed, list) else [parsed]
        return TriggerPayload(("json", json.dumps(documents)))
    if kind == "eventgridtrigger":
        try:
            event = json.loads(text)
        except ValueError:
            event = {"data": text}
        if isinstance(event, dict) and "specversion" not in event:
            event.setdefault("id", str(uuid.uuid4()))
            event.setdefault("eventType", "funcls.manual")
            event.setdefault("subject", "funcls")
            event.setdefault("eventTime", _iso(now))
            event.setdefault("dataVersion", "1.0")
            event.setdefault("topic", "funcls")
            event.setdefault("data", {})
        return TriggerPayload(("json", json.dumps(event)), {}, json_members(json.dumps(event)))
    return TriggerPayload(_text_or_json(text), {}, json_members(text))


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
