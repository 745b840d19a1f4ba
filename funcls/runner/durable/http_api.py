"""The Durable Functions HTTP API of `funcls run`, as the extension serves it.

Public (what `create_check_status_response` hands to callers), under
`/runtime/webhooks/durabletask`: `POST orchestrators/{name}[/{id}]`, `GET instances/{id}`
(`showHistory`, `showHistoryOutput`, `showInput`; 202 with Location while the instance runs, 200
when it is done, 404 when there is none), `GET instances` (filters `runtimeStatus`,
`createdTimeFrom`, `createdTimeTo`, `instanceIdPrefix`, `top`), `DELETE instances/{id}` (purge),
`POST instances/{id}/raiseEvent/{event}`, `POST instances/{id}/terminate?reason=`. The SDK's
client calls the same paths below its `rpcBaseUrl` (`binding.RPC_PREFIX` + this run's secret).
`POST entities/{name}/{key}?op=` signals an entity, `GET entities/{name}/{key}` reads its state.
`POST instances/{id}/suspend|resume?reason=` suspend and resume an instance (its messages wait
meanwhile). Rewind and restart answer 501 and say so.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from funcls.runner.durable.binding import management_urls, query_tail
from funcls.runner.durable.history import Event, EventType, parse_timestamp, type_name
from funcls.runner.durable.store import ACTIVE, Instance, InstanceExists, entity_id

if TYPE_CHECKING:
    from funcls.runner.durable.engine import DurableEngine

Response = tuple[int, list[tuple[bytes, bytes]], bytes]
JSON = [(b"content-type", b"application/json; charset=utf-8")]


def _json(status: int, value: Any, headers: list[tuple[bytes, bytes]] | None = None) -> Response:
    return status, [*JSON, *(headers or [])], json.dumps(value).encode("utf-8")


def _error(status: int, message: str) -> Response:
    return _json(status, {"Message": message, "ExceptionMessage": message})


def read_input(body: bytes) -> str | None:
    """A request body as the JSON text of an input or event payload. The SDK's client posts
    the JSON text of the value as a JSON string (`json=df_dumps(value)`): a string that holds
    JSON is that JSON; other JSON is itself; a body that is not JSON is a string."""
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return json.dumps(text)
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError:
            return json.dumps(value)
        return value
    return text


def _loads(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _time(text: str) -> str:
    """`2026-12-05T01:50:49Z`, as the status API writes times."""
    return parse_timestamp(text).strftime("%Y-%m-%dT%H:%M:%SZ")


def history_events(events: list[Event], with_output: bool) -> list[dict[str, Any]]:
    """The status API's `historyEvents`: orchestrator episodes and scheduling left out, each
    completion with the function's name and when it was scheduled."""
    scheduled = {
        int(e["EventId"]): e
        for e in events
        if EventType(e["EventType"])
        in (
            EventType.TASK_SCHEDULED,
            EventType.SUB_ORCHESTRATION_INSTANCE_CREATED,
            EventType.TIMER_CREATED,
        )
    }
    shown: list[dict[str, Any]] = []
    for item in events:
        kind = EventType(item["EventType"])
        if kind in (
            EventType.ORCHESTRATOR_STARTED,
            EventType.ORCHESTRATOR_COMPLETED,
            EventType.TASK_SCHEDULED,
            EventType.SUB_ORCHESTRATION_INSTANCE_CREATED,
        ):
            continue
        entry: dict[str, Any] = {"EventType": type_name(item)}
        for key in ("Name", "OrchestrationStatus", "Reason", "Details", "FireAt", "TimerId"):
            if item.get(key) is not None:
                entry["FunctionName" if key == "Name" else key] = item[key]
        if kind == EventType.EXECUTION_STARTED:
            entry["Input"] = _loads(item.get("Input"))
        source = item.get("TaskScheduledId")
        if isinstance(source, int) and source in scheduled:
            origin = scheduled[source]
            entry["FunctionName"] = origin.get("Name")
            entry["ScheduledTime"] = origin["Timestamp"]
        if with_output and item.get("Result") is not None:
            entry["Result"] = _loads(item.get("Result"))
        if kind == EventType.EVENT_RAISED and with_output:
            entry["Input"] = _loads(item.get("Input"))
        entry["Timestamp"] = item["Timestamp"]
        shown.append(entry)
    return shown


def status_payload(
    engine: DurableEngine,
    instance: Instance,
    *,
    show_input: bool = True,
    show_history: bool = False,
    show_history_output: bool = False,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "name": instance.name,
        "instanceId": instance.id,
        "runtimeStatus": instance.status,
        "input": _loads(instance.input) if show_input else None,
        "customStatus": _loads(instance.custom_status),
        "output": _loads(instance.output),
        "createdTime": _time(instance.created),
        "lastUpdatedTime": _time(instance.updated),
    }
    if show_history:
        payload["historyEvents"] = history_events(
            engine.store.history(instance.id), show_history_output
        )
    return payload


def _flag(query: dict[str, str], name: str, default: bool) -> bool:
    value = query.get(name)
    if value is None:
        return default
    return value.strip().lower() == "true"


class DurableApi:
    def __init__(self, engine: DurableEngine, task_hub: str, lookup: Any) -> None:
        self.engine = engine
        self.task_hub = task_hub
        self.lookup = lookup  # name -> RunFunction | None

    async def handle(
        self,
        method: str,
        rest: str,
        query: dict[str, str],
        body: bytes,
        base_url: str,
        code: str | None,
    ) -> Response:
        """`rest`: the path below the prefix, e.g. `instances/abc/raiseEvent/Approval`."""
        parts = [unquote(p) for p in rest.strip("/").split("/")] if rest.strip("/") else []
        tail = query_tail(self.task_hub, "Storage", code)
        if parts[:1] == ["orchestrators"] and len(parts) in (2, 3) and method == "POST":
            return self.start(parts[1], parts[2] if len(parts) == 3 else None, body, base_url, tail)
        if parts[:1] == ["instances"]:
            if len(parts) == 1:
                if method == "GET":
                    return self.list_instances(query)
                if method == "DELETE":
                    return self.purge_many(query)
            elif len(parts) == 2:
                if method == "GET":
                    return await self.status(parts[1], query, base_url, tail)
                if method == "DELETE":
                    return self.purge(parts[1])
            elif len(parts) == 4 and parts[2] == "raiseEvent" and method == "POST":
                return self.raise_event(parts[1], parts[3], body)
            elif len(parts) == 3 and parts[2] == "terminate" and method == "POST":
                return self.terminate(parts[1], query.get("reason", ""))
            elif len(parts) == 3 and parts[2] in ("suspend", "resume") and method == "POST":
                return self.suspend(parts[1], query.get("reason", ""), parts[2] == "resume")
            elif len(parts) == 3 and parts[2] in ("rewind", "restart"):
                return _error(
                    501,
                    f"'{parts[2]}' is not supported by funcls run's embedded durable engine; "
                    "terminate the instance and start a new one",
                )
        if parts[:1] == ["entities"] and len(parts) == 3:
            if method == "POST":
                return self.signal_entity(parts[1], parts[2], query.get("op", ""), body)
            if method == "GET":
                return self.read_entity(parts[1], parts[2])
        return _error(404, f"no durable API answers {method} /{rest}")

    def start(
        self, name: str, instance_id: str | None, body: bytes, base_url: str, tail: str
    ) -> Response:
        fn = self.lookup(name)
        if fn is None or fn.trigger_kind != "orchestrationtrigger":
            return _error(
                400,
                f"The function '{name}' doesn't exist, is disabled, or is not an orchestrator "
                "function. Additional info: check the name passed to start_new",
            )
        instance_id = instance_id or uuid.uuid4().hex
        try:
            self.engine.start_new(fn.name, instance_id, read_input(body))
        except InstanceExists:
            return _error(
                409,
                f"An Orchestration instance with the ID '{instance_id}' already exists and is "
                "running; wait for it to finish, terminate it, or choose another ID",
            )
        payload = management_urls(base_url, instance_id, tail)
        location = payload["statusQueryGetUri"].encode()
        return _json(202, payload, [(b"location", location), (b"retry-after", b"10")])

    async def status(
        self, instance_id: str, query: dict[str, str], base_url: str, tail: str
    ) -> Response:
        instance = self.engine.store.get(instance_id)
        if instance is None:
            return _json(404, {"Message": f"No instance with ID '{instance_id}' found."})
        payload = status_payload(
            self.engine,
            instance,
            show_input=_flag(query, "showInput", True),
            show_history=_flag(query, "showHistory", False),
            show_history_output=_flag(query, "showHistoryOutput", False),
        )
        if instance.status in ACTIVE:
            location = management_urls(base_url, instance_id, tail)["statusQueryGetUri"]
            return _json(202, payload, [(b"location", location.encode()), (b"retry-after", b"10")])
        return _json(200, payload)

    def list_instances(self, query: dict[str, str]) -> Response:
        return _json(200, [status_payload(self.engine, i) for i in self._matching(query)])

    def _matching(self, query: dict[str, str]) -> list[Instance]:
        statuses = {s.strip() for s in query.get("runtimeStatus", "").split(",") if s.strip()}
        prefix = query.get("instanceIdPrefix", "")
        since = _moment(query.get("createdTimeFrom"))
        until = _moment(query.get("createdTimeTo"))
        found = []
        for instance in self.engine.store.instances():
            created = parse_timestamp(instance.created)
            if statuses and instance.status not in statuses:
                continue
            if prefix and not instance.id.startswith(prefix):
                continue
            if since is not None and created < since:
                continue
            if until is not None and created > until:
                continue
            found.append(instance)
        top = query.get("top")
        if top and top.isdigit():
            found = found[: int(top)]
        return found

    def purge(self, instance_id: str) -> Response:
        instance = self.engine.store.get(instance_id)
        if instance is None:
            return _json(404, {"Message": f"No instance with ID '{instance_id}' found."})
        if instance.active:
            return _error(
                409,
                f"instance '{instance_id}' is {instance.status}; terminate it before purging "
                "its history",
            )
        return _json(200, {"instancesDeleted": self.engine.store.purge(instance_id)})

    def purge_many(self, query: dict[str, str]) -> Response:
        deleted = 0
        for instance in self._matching(query):
            if not instance.active:
                deleted += self.engine.store.purge(instance.id)
        return _json(200 if deleted else 404, {"instancesDeleted": deleted})

    def raise_event(self, instance_id: str, name: str, body: bytes) -> Response:
        instance = self.engine.store.get(instance_id)
        if instance is None:
            return _json(404, {"Message": f"No instance with ID '{instance_id}' found."})
        if not instance.active:
            return _json(410, {"Message": f"Instance '{instance_id}' is {instance.status}."})
        self.engine.raise_event(instance_id, name, read_input(body))
        return 202, [], b""

    def signal_entity(self, name: str, key: str, operation: str, body: bytes) -> Response:
        fn = self.lookup(name)
        if fn is None or fn.trigger_kind != "entitytrigger":
            return _error(
                400,
                f"The function '{name}' doesn't exist, is disabled, or is not an entity "
                "function. Additional info: check the entity name of the EntityId",
            )
        self.engine.signal_entity(name, key, operation, read_input(body))
        return 202, [], b""

    def read_entity(self, name: str, key: str) -> Response:
        """The entity's state as JSON (200), or 404 when it does not exist."""
        record = self.engine.store.entity(entity_id(name, key))
        if record is None or not record.exists:
            return _json(404, {"Message": f"No entity @{name}@{key} found."})
        return 200, JSON, (record.state or "null").encode("utf-8")

    def suspend(self, instance_id: str, reason: str, resume: bool) -> Response:
        instance = self.engine.store.get(instance_id)
        if instance is None:
            return _json(404, {"Message": f"No instance with ID '{instance_id}' found."})
        if not instance.active:
            return _json(410, {"Message": f"Instance '{instance_id}' is {instance.status}."})
        self.engine.suspend(instance_id, reason, resume)
        return 202, [], b""

    def terminate(self, instance_id: str, reason: str) -> Response:
        instance = self.engine.store.get(instance_id)
        if instance is None:
            return _json(404, {"Message": f"No instance with ID '{instance_id}' found."})
        if not instance.active:
            return _json(410, {"Message": f"Instance '{instance_id}' is {instance.status}."})
        self.engine.terminate(instance_id, reason)
        return 202, [], b""


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return parse_timestamp(text)
    except ValueError:
        return None
