"""Durable entities: the pending operations of one entity run as one batch in the app process
(the SDK's Entity.handle runs them in order and answers each), then the entity's state, the
consumed operations and the answers to the orchestrations that called it are saved in one
transaction."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

from funcls.runner.durable.history import EventType, event
from funcls.runner.durable.outcomes import entity_answer, missing_function
from funcls.runner.durable.store import DurableStore, EntityRecord, split_entity_id
from funcls.runner.functions import RunFunction
from funcls.runner.invocation import Invoker


class EntityHost(Protocol):
    """What a batch needs of the engine (engine.DurableEngine)."""

    store: DurableStore
    invoker: Invoker
    lookup: Callable[[str], RunFunction | None]

    def kick(self, instance_id: str) -> None: ...


ENTITY = "entitytrigger"


async def run_entity_batch(engine: EntityHost, scheduler_id: str) -> bool:
    """Run the pending operations of one entity as one batch (the SDK's Entity.handle
    runs them in order and answers each), then save its state and answer the callers."""
    messages = engine.store.inbox(scheduler_id)
    if not messages:
        return False
    ids = [i for i, _ in messages]
    requests = [m["operation"] for _, m in messages if "operation" in m]
    name, key = split_entity_id(scheduler_id)
    record = engine.store.entity(scheduler_id) or EntityRecord(scheduler_id, name, key, False, None)
    fn = engine.lookup(name)
    results: list[tuple[bool, str]] = []
    if fn is None or fn.trigger_kind != ENTITY:
        problem = missing_function(name, "entity")
        results = [(True, json.dumps(problem)) for _ in requests]
    else:
        context = {
            "self": {"name": name, "key": key},
            "exists": record.exists,
            "state": record.state,
            # The SDK reads an operation's input as a JSON string holding the JSON text
            # (DurableEntityContext.get_input: json.loads, then df_loads).
            "batch": [{"name": r["op"], "input": json.dumps(r.get("input"))} for r in requests],
        }
        outcome = await engine.invoker.invoke(
            fn,
            ("string", json.dumps(context)),
            {},
            {},
            f"EntityTrigger (entity {scheduler_id}, {len(requests)} operation(s))",
        )
        answer = entity_answer(outcome)
        if isinstance(answer, str):
            results = [(True, json.dumps(answer)) for _ in requests]
        else:
            record.exists = bool(answer.get("entityExists"))
            record.state = answer.get("entityState") if record.exists else None
            for item in answer.get("results") or []:
                results.append((bool(item.get("isError")), str(item.get("result"))))
    responses: list[tuple[str, dict[str, Any]]] = []
    for request, (is_error, result) in zip(requests, results, strict=False):
        if request.get("signal") or not request.get("parent"):
            continue
        payload: dict[str, Any] = {"result": result}
        if is_error:
            payload["exceptionType"] = "System.Exception"
        responses.append(
            (
                str(request["parent"]),
                {
                    "event": event(
                        EventType.EVENT_RAISED,
                        Name=request["id"],
                        Input=json.dumps(payload),
                    )
                },
            )
        )
    engine.store.commit_entity(record, ids, responses)
    for parent, _ in responses:
        engine.kick(parent)
    return True
