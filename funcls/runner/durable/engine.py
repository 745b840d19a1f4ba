"""The scheduler of the embedded durable engine: episodes, activities, timers, restarts.

An instance's pending messages (its start, activity results, fired timers, raised events, a
child's completion, a termination) wait in the store's inbox. Dispatching an instance runs one
episode at a time for it: the orchestrator function is invoked in an app process with the
history plus the new events (`OrchestratorStarted` first, as the extension sends them), its
answer is matched against the history (`replay.plan_episode`), the episode is saved in one
transaction, and then the new work starts: activities as activity-trigger invocations (all of
a fan-out at once; the app process's thread pool bounds them), timers on the event loop,
sub-orchestrations as new instances.

After a restart every active instance is dispatched again; activities scheduled without a
result in the history are run again and timers re-armed (an activity may run twice, as with
the extension: it delivers at least once). While the app fails to load (a save broke it), an
episode or activity waits instead of failing, and runs after the next successful load.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from funcls.runner.durable.entities import run_entity_batch
from funcls.runner.durable.history import (
    Event,
    EventType,
    completion_key,
    event,
    execution_of,
    parse_timestamp,
    timestamp,
    utc_now,
)
from funcls.runner.durable.outcomes import (
    app_not_loaded,
    failed,
    missing_function,
    orchestrator_state,
)
from funcls.runner.durable.replay import (
    HTTP_ACTIVITY,
    NonDeterminismError,
    Plan,
    Work,
    plan_episode,
)
from funcls.runner.durable.store import (
    Child,
    DurableStore,
    Episode,
    Instance,
    InstanceExists,
    entity_id,
)
from funcls.runner.functions import RunFunction
from funcls.runner.invocation import Invoker

ORCHESTRATION = "orchestrationtrigger"
ACTIVITY = "activitytrigger"

__all__ = ["DurableEngine", "InstanceExists"]


class DurableEngine:
    def __init__(
        self,
        root: str,
        invoker: Invoker,
        lookup: Callable[[str], RunFunction | None],
        say: Callable[[str], None],
        load_failed: Callable[[str], bool] = lambda name: False,
    ) -> None:
        self.store = DurableStore(self.database_path(root))
        # Whether the app, or the function named, failed to load (a save broke it).
        self.load_failed = load_failed
        self.invoker = invoker
        self.lookup = lookup
        self.say = say
        self.locks: dict[str, asyncio.Lock] = {}
        self.tasks: set[asyncio.Task[Any]] = set()
        self.timers: dict[tuple[str, int], asyncio.TimerHandle] = {}
        self.running: set[tuple[str, int]] = set()  # activities in flight
        self.started_at: dict[str, float] = {}
        self.waiters: dict[str, list[asyncio.Future[None]]] = {}
        self.closed = False

    @staticmethod
    def database_path(root: str) -> Path:
        return Path(root) / ".funcls" / "durable" / "durable.db"

    # -- the outside world ------------------------------------------------------------------

    def start_new(self, name: str, instance_id: str, input_text: str | None) -> Instance:
        created = self.store.create(instance_id, name, input_text)
        self.started_at[instance_id] = time.perf_counter()
        self.say(f"durable: orchestration '{name}' instance {instance_id} scheduled")
        self.kick(instance_id)
        return created

    def raise_event(self, instance_id: str, name: str, input_text: str | None) -> None:
        self.store.post(
            instance_id, {"event": event(EventType.EVENT_RAISED, Name=name, Input=input_text)}
        )
        self.kick(instance_id)

    def signal_entity(self, name: str, key: str, operation: str, input_text: str | None) -> str:
        """A one-way operation for an entity (the client's signal_entity)."""
        target = entity_id(name, key)
        request = {"op": operation, "signal": True, "input": input_text, "id": None}
        self.store.post(target, {"operation": request})
        self.kick(target)
        return target

    def terminate(self, instance_id: str, reason: str) -> None:
        self.store.post(instance_id, {"terminate": reason})
        self.kick(instance_id)

    async def wait(self, instance_id: str, timeout: float) -> None:
        """Until the instance is no longer active, or the timeout."""
        instance = self.store.get(instance_id)
        if instance is None or not instance.active:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiters.setdefault(instance_id, []).append(future)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.shield(future), timeout)

    def resume(self) -> None:
        """After a start: dispatch what waits, re-run lost activities, re-arm timers."""
        for instance_id in self.store.pending_instances():
            self.kick(instance_id)
        for instance in self.store.instances(active_only=True):
            history = self.store.history(instance.id)
            execution = execution_of(history)
            delivered = {
                completion_key(m["event"]) for _, m in self.store.inbox(instance.id) if "event" in m
            }
            done = {completion_key(e) for e in history} | delivered
            for item in history:
                kind = EventType(item["EventType"])
                task_id = int(item["EventId"])
                if task_id in done:
                    continue
                if kind == EventType.TASK_SCHEDULED:
                    work = Work("activity", task_id, name=str(item.get("Name")))
                    work.input = item.get("Input")
                    self._start_activity(instance, work, execution)
                elif kind == EventType.TIMER_CREATED:
                    fire_at = parse_timestamp(str(item["FireAt"]))
                    self._arm(instance.id, task_id, fire_at, execution)

    async def close(self) -> None:
        self.closed = True
        for handle in self.timers.values():
            handle.cancel()
        for task in list(self.tasks):
            task.cancel()
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)
        self.store.close()

    # -- dispatching ------------------------------------------------------------------------

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def kick(self, instance_id: str) -> None:
        if self.closed:
            return
        lock = self.locks.setdefault(instance_id, asyncio.Lock())
        if lock.locked():
            return  # the running dispatch reads the inbox again before it stops
        self._spawn(self._dispatch(instance_id))

    async def _dispatch(self, instance_id: str) -> None:
        lock = self.locks.setdefault(instance_id, asyncio.Lock())
        if lock.locked():
            return
        async with lock:
            while await self._episode(instance_id):
                pass

    async def _episode(self, instance_id: str) -> bool:
        if instance_id.startswith("@"):
            return await self._entity_batch(instance_id)
        messages = self.store.inbox(instance_id)
        if not messages:
            return False
        instance = self.store.get(instance_id)
        ids = [i for i, _ in messages]
        if instance is None or not instance.active:
            self.store.drop(ids)  # messages for a finished or purged instance are discarded
            return True
        terminate = next((m["terminate"] for _, m in messages if "terminate" in m), None)
        if terminate is not None:
            self._finish_terminated(instance, ids, str(terminate))
            return True
        if self._suspension(instance, messages):
            return True
        if instance.status == "Suspended":
            return False  # its messages wait for a resume
        messages = [(i, m) for i, m in messages if "event" in m]
        ids = [i for i, _ in messages]
        fn = self.lookup(instance.name)
        if fn is None and self.load_failed(instance.name):
            self.say(
                f"durable: instance {instance_id} of '{instance.name}' waits for the app to "
                "load again"
            )
            return False
        if fn is None or fn.trigger_kind != ORCHESTRATION:
            self._fail(instance, ids, [], missing_function(instance.name, "orchestrator"))
            return True
        history = self.store.history(instance_id)
        now = utc_now()
        # Results for an earlier execution (before a continue_as_new) are dropped.
        current = execution_of(history) or execution_of([m["event"] for _, m in messages])
        new = [event(EventType.ORCHESTRATOR_STARTED, moment=now)]
        new += [m["event"] for _, m in messages if m.get("execution") in (None, current)]
        full = history + new
        context = {
            "history": [{**e, "IsPlayed": n < len(history)} for n, e in enumerate(full)],
            "instanceId": instance_id,
            "isReplaying": bool(history),
            "parentInstanceId": instance.parent_id,
            "input": instance.input,
            "upperSchemaVersion": 0,
        }
        if instance.status == "Pending":
            self.say(f"durable: orchestration '{instance.name}' instance {instance_id} started")
        outcome = await self.invoker.invoke(
            fn,
            ("string", json.dumps(context)),
            {},
            {},
            f"OrchestrationTrigger (instance {instance_id})",
        )
        if app_not_loaded(outcome):
            # The messages stay: the episode runs when a save fixes the app (resume()).
            self.say(
                f"durable: instance {instance_id} of '{instance.name}' waits for the app to "
                "load again"
            )
            return False
        state, error = orchestrator_state(outcome)
        if state is None:
            self._fail(
                instance, ids, new, f"Orchestrator function '{instance.name}' failed: {error}"
            )
            return True
        try:
            plan = plan_episode(full, state, instance_id, now)
        except NonDeterminismError as problem:
            self._fail(instance, ids, new, str(problem))
            return True
        missing = self._missing_target(plan)
        if missing is not None:
            self._fail(
                instance, ids, new, f"Orchestrator function '{instance.name}' failed: {missing}"
            )
            return True
        self._commit(instance, ids, new, plan, current)
        return True

    def _missing_target(self, plan: Plan) -> str | None:
        """Why the episode's new work names no function of the app: the extension checks each
        activity and sub-orchestration an out-of-proc orchestrator schedules as it replays its
        actions (`ThrowIfFunctionDoesNotExist` from `InvokeAPIFromAction` in
        OutOfProcOrchestrationShim.cs, Azure/azure-functions-durable-extension) and fails the
        orchestration itself, which the orchestrator cannot catch. A function of an app that
        failed to load is not missing: its work waits for the next load."""
        for work in plan.work:
            kinds = {
                "activity": (ACTIVITY, "activity"),
                "orchestration": (ORCHESTRATION, "orchestrator"),
            }
            if work.kind not in kinds or work.name == HTTP_ACTIVITY:
                continue
            trigger, kind = kinds[work.kind]
            fn = self.lookup(work.name)
            if fn is None and self.load_failed(work.name):
                continue
            if fn is None or fn.trigger_kind != trigger:
                return missing_function(work.name, kind)
        return None

    def _suspension(self, instance: Instance, messages: list[tuple[int, dict[str, Any]]]) -> bool:
        """The first suspend or resume message, in the order they came: an
        ExecutionSuspended/Resumed event and the new status, or nothing when the instance is
        already so. True when there was one."""
        found = next(((i, m) for i, m in messages if "suspend" in m or "resume" in m), None)
        if found is None:
            return False
        message_id, message = found
        wanted = "resume" if "resume" in message else "suspend"
        if (wanted == "resume") != (instance.status == "Suspended"):
            self.store.drop([message_id])  # already running, or already suspended
            return True
        reason = str(message[wanted] or "")
        kind = EventType.EXECUTION_RESUMED if wanted == "resume" else EventType.EXECUTION_SUSPENDED
        status = "Running" if wanted == "resume" else "Suspended"
        self.store.commit(
            Episode(
                instance.id,
                [event(kind, Reason=reason)],
                [message_id],
                status,
                instance.output,
                instance.custom_status,
            )
        )
        self.say(
            f"durable: orchestration '{instance.name}' instance {instance.id} "
            f"{'resumed' if wanted == 'resume' else 'suspended'}"
            + (f": {reason}" if reason else "")
        )
        return True

    def suspend(self, instance_id: str, reason: str, resume: bool) -> None:
        self.store.post(instance_id, {"resume" if resume else "suspend": reason})
        self.kick(instance_id)

    def _commit(
        self, instance: Instance, ids: list[int], new: list[Event], plan: Plan, execution: str
    ) -> None:
        custom = json.dumps(plan.custom_status) if plan.custom_status is not None else None
        events = [*new, *plan.events]
        children = [
            Child(w.instance_id, w.name, w.input, w.task_id, execution)
            for w in plan.work
            if w.kind == "orchestration"
        ]
        if plan.error is not None:
            message = f"Orchestrator function '{instance.name}' failed: {plan.error}"
            self._fail(instance, ids, events, message, custom, children)
            return
        status = "Running"
        output = None
        parent_message = None
        operations = [
            (w.instance_id, {"operation": {**w.extra, "parent": instance.id}})
            for w in plan.work
            if w.kind == "entity"
        ]
        if plan.done:
            status = "Completed"
            output = json.dumps(plan.output)
            events.append(
                event(EventType.EXECUTION_COMPLETED, OrchestrationStatus="Completed", Result=output)
            )
            if instance.parent_id is not None:
                parent_message = (
                    instance.parent_id,
                    self._to_parent(
                        instance.parent_execution,
                        EventType.SUB_ORCHESTRATION_INSTANCE_COMPLETED,
                        TaskScheduledId=instance.parent_task,
                        Result=output,
                    ),
                )
        events.append(event(EventType.ORCHESTRATOR_COMPLETED))
        self.store.commit(
            Episode(
                instance.id,
                events,
                ids,
                status,
                output,
                custom,
                children,
                parent_message,
                plan.continue_as_new,
                operations,
            )
        )
        if plan.continue_as_new is not None:
            self.say(
                f"durable: orchestration '{instance.name}' instance {instance.id} continued as new"
            )
            return  # the new execution's start is in the inbox: the dispatch loop runs it
        for work in plan.work:
            if work.kind == "activity":
                self._start_activity(instance, work, execution)
            elif work.kind == "timer":
                assert work.fire_at is not None
                self._arm(instance.id, work.task_id, work.fire_at, execution)
            elif work.kind == "orchestration":
                self.say(
                    f"durable: sub-orchestration '{work.name}' instance {work.instance_id} "
                    f"scheduled by {instance.id}"
                )
                self.kick(work.instance_id)
        for target, _ in operations:
            self.kick(target)
        if plan.done:
            self._finished(instance, "completed")
        if parent_message is not None:
            self.kick(parent_message[0])

    def _fail(
        self,
        instance: Instance,
        ids: list[int],
        events: list[Event],
        message: str,
        custom: str | None = None,
        children: list[Child] | None = None,
    ) -> None:
        output = json.dumps(message)
        events = [
            *events,
            event(EventType.EXECUTION_COMPLETED, OrchestrationStatus="Failed", Result=output),
            event(EventType.ORCHESTRATOR_COMPLETED),
        ]
        parent_message = self._child_failed(instance, f"failed: {message}")
        self.store.commit(
            Episode(
                instance.id,
                events,
                ids,
                "Failed",
                output,
                custom if custom is not None else instance.custom_status,
                children,
                parent_message,
            )
        )
        self._finished(instance, f"failed: {message}")
        if parent_message is not None:
            self.kick(parent_message[0])

    def _finish_terminated(self, instance: Instance, ids: list[int], reason: str) -> None:
        output = json.dumps(reason)
        parent_message = self._child_failed(instance, f"was terminated: {reason}")
        self.store.commit(
            Episode(
                instance.id,
                [event(EventType.EXECUTION_TERMINATED, Input=output)],
                ids,
                "Terminated",
                output,
                instance.custom_status,
                None,
                parent_message,
            )
        )
        self._finished(instance, f"terminated: {reason}")
        if parent_message is not None:
            self.kick(parent_message[0])

    def _child_failed(self, instance: Instance, how: str) -> tuple[str, dict[str, Any]] | None:
        """For a sub-orchestration that failed or was terminated: the message to its parent
        (SubOrchestrationInstanceFailed for the task that started it), with the parent's id."""
        if instance.parent_id is None:
            return None
        return (
            instance.parent_id,
            self._to_parent(
                instance.parent_execution,
                EventType.SUB_ORCHESTRATION_INSTANCE_FAILED,
                TaskScheduledId=instance.parent_task,
                Reason=f"Sub-orchestration '{instance.name}' {how}",
                Details="",
            ),
        )

    @staticmethod
    def _to_parent(execution: str | None, kind: EventType, **fields: Any) -> dict[str, Any]:
        """A message to the parent instance, for the execution that started this child."""
        message: dict[str, Any] = {"event": event(kind, **fields)}
        if execution:
            message["execution"] = execution
        return message

    def _finished(self, instance: Instance, how: str) -> None:
        started = self.started_at.pop(instance.id, None)
        took = f" in {time.perf_counter() - started:.3f}s" if started is not None else ""
        self.say(f"durable: orchestration '{instance.name}' instance {instance.id} {how}{took}")
        for future in self.waiters.pop(instance.id, []):
            if not future.done():
                future.set_result(None)

    async def _entity_batch(self, scheduler_id: str) -> bool:
        return await run_entity_batch(self, scheduler_id)

    # -- activities and timers --------------------------------------------------------------

    def _start_activity(self, instance: Instance, work: Work, execution: str) -> None:
        key = (instance.id, work.task_id)
        if key in self.running:
            return
        self.running.add(key)
        self._spawn(self._activity(instance, work, execution))

    async def _activity(self, instance: Instance, work: Work, execution: str) -> None:
        key = (instance.id, work.task_id)
        try:
            result = await self._run_activity(instance, work)
            if result is None:
                return  # the app did not load: run again by resume() after the next load
            self.store.post(instance.id, {"event": result, "execution": execution})
        finally:
            self.running.discard(key)
        self.kick(instance.id)

    async def _run_activity(self, instance: Instance, work: Work) -> Event | None:
        if work.name == HTTP_ACTIVITY:
            from funcls.runner.durable.http_activity import call_http

            return await call_http(work)
        fn = self.lookup(work.name)
        if fn is None and self.load_failed(work.name):
            return None
        if fn is None or fn.trigger_kind != ACTIVITY:
            # Gone since the episode scheduled it (a reload): the task fails. The SDK writes
            # "<Reason> \n <Details>" into the orchestrator's exception; Details is a text.
            return failed(work.task_id, missing_function(work.name, "activity"), "")
        outcome = await self.invoker.invoke(
            fn,
            ("string", work.input if work.input is not None else "null"),
            {},
            {},
            f"ActivityTrigger (orchestration '{instance.name}' instance {instance.id}, "
            f"task {work.task_id})",
        )
        if app_not_loaded(outcome):
            return None
        if outcome.ok:
            returned = outcome.returned
            result = returned[1] if returned is not None else None
            if isinstance(result, bytes):
                result = result.decode("utf-8", "replace")
            return event(
                EventType.TASK_COMPLETED,
                TaskScheduledId=work.task_id,
                Result=result if result is not None else "null",
            )
        error = outcome.error or {}
        return failed(
            work.task_id,
            f"Activity function '{work.name}' failed: {error.get('type')}: {error.get('message')}",
            str(error.get("traceback") or ""),
        )

    def _arm(self, instance_id: str, task_id: int, fire_at: datetime, execution: str) -> None:
        key = (instance_id, task_id)
        if key in self.timers or self.closed:
            return
        delay = max(0.0, (fire_at - utc_now()).total_seconds())
        loop = asyncio.get_running_loop()
        self.timers[key] = loop.call_later(
            delay, self._fire, instance_id, task_id, fire_at, execution
        )

    def _fire(self, instance_id: str, task_id: int, fire_at: datetime, execution: str) -> None:
        self.timers.pop((instance_id, task_id), None)
        fired = event(EventType.TIMER_FIRED, TimerId=task_id, FireAt=timestamp(fire_at))
        self.store.post(instance_id, {"event": fired, "execution": execution})
        self.kick(instance_id)
