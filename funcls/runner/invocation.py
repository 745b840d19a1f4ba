"""One invocation from start to end: input bindings, the app process, output bindings.

The runner, not the app process, talks to storage: it reads blob inputs and writes queue and
blob outputs, with binding expressions resolved from the trigger's binding data before the
function runs (a missing value fails the invocation, as on the host). Outputs of bindings
funcls cannot reach (Service Bus, Cosmos DB, …) are captured and reported as not sent.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import field
from typing import Any

from funcls.model.bindingview import BindingView
from funcls.model.fastclass import dataclass
from funcls.runner import table_binding
from funcls.runner.binding_data import BindingExpressionError, resolve
from funcls.runner.config import HostSettings
from funcls.runner.connections import Connections
from funcls.runner.functions import DURABLE_CLIENT_INPUTS, READ_INPUTS, RunFunction, crash_in
from funcls.runner.http_bytes import failure_lines, new_invocation_id, plain_http
from funcls.runner.logs import Console
from funcls.runner.messages import ErrorInfo, HttpResponseData, Invoke, Result, Wire

__all__ = ["Invoker", "Outcome", "OutputReport", "is_plain_http", "new_invocation_id"]
from funcls.runner.pool import AppNotLoaded, FunctionTimeout, WorkerCrashed, WorkerPool
from funcls.runner.retry import retry_exception
from funcls.runner.sdk_bindings import model_binding_data
from funcls.runner.storage import BlobNotFoundError, ContainerNotFoundError, StorageError
from funcls.runner.streams import HttpExchange
from funcls.runner.trace_context import invocation_trace

NO_BINDING = BindingView.of({})  # an output the function returned under an unknown name


@dataclass
class OutputReport:
    name: str
    type: str
    sent: bool
    target: str
    value: Any

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "sent": self.sent,
            "target": self.target,
            "value": preview(self.value),
        }


@dataclass
class Outcome:
    invocation_id: str
    function: str
    ok: bool
    duration: float
    error: ErrorInfo | None = None
    returned: Wire | None = None  # $return of a non-http binding, or of no binding
    http: HttpResponseData | None = None
    outputs: list[OutputReport] = field(default_factory=list)
    logs: list[dict[str, Any]] = field(default_factory=list)
    request: dict[str, Any] = field(default_factory=dict)  # what a by-hand run sent


def preview(value: Any) -> Any:
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return f"<{len(value)} bytes>"
    return value


def wire_bytes(wire: Wire) -> bytes:
    kind, value = wire
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if kind in ("int", "double"):
        return str(value).encode("utf-8")
    return json.dumps(value).encode("utf-8")


def queue_messages(wire: Wire) -> list[bytes]:
    """A queue output: one message, or one per item of a JSON array (func.Out[list[str]])."""
    kind, value = wire
    if kind == "json":
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict) and set(parsed) == {"id", "body"}:
            # func.QueueMessage, as the library's QueueMessageOutConverter encodes it: the
            # host enqueues its body (the worker's suites: test_queue_message_object_return)
            body = parsed["body"]
            return [body.encode("utf-8") if isinstance(body, str) else json.dumps(body).encode()]
        if isinstance(parsed, list):
            return [
                item.encode("utf-8") if isinstance(item, str) else json.dumps(item).encode()
                for item in parsed
            ]
    return [wire_bytes(wire)]


def split_blob_path(path: str) -> tuple[str, str]:
    container, _, name = path.partition("/")
    return container, name


def is_plain_http(fn: RunFunction) -> bool:
    """An HTTP function whose invocation needs no storage and no coroutine: no input
    bindings, only HTTP outputs, no retry policy, no SDK-typed trigger, not streamed. The
    HTTP front serves these without ASGI (`host/front.py`, `Invoker.start_plain`)."""
    return (
        fn.is_http
        and not fn.http_stream
        and fn.retry is None
        and fn.support != "none"
        and not fn.inputs()
        and fn.trigger.name not in fn.sdk_params
        and all(binding.kind == "http" for binding in fn.outputs())
    )


class Invoker:
    def __init__(
        self,
        pool: WorkerPool,
        console: Console,
        connections: Connections,
        settings: HostSettings,
        on_put: Callable[[str, str | None, str], None] | None = None,
    ) -> None:
        self.pool = pool
        self.console = console
        self.connections = connections
        self.settings = settings
        self.on_put = on_put
        # The durable engine's client binding JSON for a durableClient input (runner.py).
        self.durable_client: Callable[[dict[str, Any]], str] | None = None

    def _resolve(self, fn: RunFunction, text: str, data: dict[str, Any]) -> str:
        return resolve(text, data, self.settings.environment, function_name=fn.name)

    def _resolver(self, fn: RunFunction, data: dict[str, Any]) -> Callable[..., str]:
        def resolver(text: str, **options: Any) -> str:
            return resolve(text, data, self.settings.environment, function_name=fn.name, **options)

        return resolver

    async def _inputs(self, fn: RunFunction, data: dict[str, Any]) -> dict[str, Wire]:
        args: dict[str, Wire] = {}
        for binding in fn.inputs():
            name = binding.name
            kind = binding.kind
            if kind in DURABLE_CLIENT_INPUTS and self.durable_client is not None:
                args[name] = ("string", self.durable_client(binding.to_json()))
                continue
            if kind not in READ_INPUTS:
                args[name] = (None, None)
                continue
            if kind == "table":
                query = table_binding.input_query(binding, self._resolver(fn, data))
                backend = self.connections.backend(binding.get("connection"))
                args[name] = await asyncio.to_thread(table_binding.read_input, backend, query)
                continue
            path = self._resolve(fn, str(binding.get("path", "")), data)
            if name in fn.sdk_params:
                args[name] = model_binding_data(binding, path, fn.name)
                continue
            backend = self.connections.backend(binding.get("connection"))
            container, blob = split_blob_path(path)
            try:
                blob_data = await asyncio.to_thread(backend.blobs.get, container, blob)
            except (BlobNotFoundError, ContainerNotFoundError):
                args[name] = (None, None)
                continue
            if str(binding.get("dataType", "")).lower() == "string":
                args[name] = ("string", blob_data.content.decode("utf-8", "replace"))
            else:
                args[name] = ("bytes", blob_data.content)
        return args

    def _targets(self, fn: RunFunction, data: dict[str, Any]) -> dict[str, Any]:
        targets: dict[str, Any] = {}
        for binding in fn.outputs():
            kind = binding.kind
            if kind == "queue":
                text = binding.get("queueName") or binding.get("queue_name") or ""
                targets[binding.name] = self._resolve(fn, str(text), data).lower()
            elif kind == "blob":
                targets[binding.name] = self._resolve(fn, str(binding.get("path")), data)
            elif kind == "table":
                resolver = self._resolver(fn, data)
                targets[binding.name] = table_binding.output_target(binding, resolver)
        return targets

    async def invoke(
        self,
        fn: RunFunction,
        trigger: Wire,
        metadata: dict[str, Wire],
        data: dict[str, Any],
        reason: str,
        *,
        collect_logs: bool = False,
        exchange: HttpExchange | None = None,
    ) -> Outcome:
        """Run ``fn`` once, and again by its retry policy while it fails (funcls.runner.retry);
        the outcome is the last attempt's. With ``exchange`` the HTTP response streams
        through it (funcls/runner/host/streaming.py) instead of being in the outcome."""
        policy = fn.retry
        retry: dict[str, Any] = {"count": 0, "max": policy.max_retry_count if policy else 0}
        schedule = policy.schedule() if policy else None
        while True:
            outcome = await self._attempt(
                fn, trigger, metadata, data, reason, collect_logs, retry, exchange
            )
            count = retry["count"] + 1
            if outcome.ok or policy is None or schedule is None or not policy.allows(count):
                if not outcome.ok and policy is not None:
                    # the WebJobs SDK's LogFunctionRetriesFailed
                    self.console.say(f"Function execution failed after '{count - 1}' retries.")
                return outcome
            delay = schedule.next_delay()
            self.console.say(
                f"'{fn.name}' failed; retry {count}"
                + (f" of {policy.max_retry_count}" if policy.max_retry_count >= 0 else "")
                + f" in {delay:.3g}s (its retry policy)"
            )
            await asyncio.sleep(delay)
            retry = {**retry, "count": count, "exception": retry_exception(fn.name, outcome.error)}

    def start_plain(
        self,
        fn: RunFunction,
        trigger: Wire,
        reason: str,
        done: Callable[[Outcome], None],
    ) -> bool:
        """Start one invocation of a plain HTTP function (`is_plain_http`) with callbacks
        instead of coroutines: the same console lines, message, timeout and outcome as
        `invoke`, which ``done`` receives. False, having done nothing, when no app process can
        take it now (the caller then awaits `invoke`, which waits for one)."""
        pool = self.pool
        if not pool.loaded.is_set():
            return False
        try:
            worker = pool.pick()
        except AppNotLoaded:
            return False
        invocation_id = new_invocation_id()
        start = time.perf_counter()
        name = fn.name
        self.console.started(name, invocation_id, reason)
        outcome = Outcome(invocation_id, name, False, 0.0)
        headers = trigger[1].get("headers")
        message = Invoke(
            invocation_id,
            name,
            {fn.trigger.name: trigger},
            {},
            invocation_trace(name, self.settings.environment, headers),
            {"count": 0, "max": 0},
        )
        future = worker.submit(message)
        timeout = self.settings.function_timeout
        timer = (
            worker.loop.call_later(timeout, pool._timed_out, worker, future, name, timeout)
            if timeout is not None
            else None
        )

        def settle(future: asyncio.Future[Result]) -> None:
            if timer is not None:
                timer.cancel()
            error = future.exception() if not future.cancelled() else WorkerCrashed("cancelled")
            if error is not None:
                outcome.error = self._failure(error, fn)
            else:
                result = future.result()
                if result.ok:
                    self._apply(fn, result, outcome)
                    outcome.ok = True
                else:
                    outcome.error = result.error
            outcome.duration = time.perf_counter() - start
            self.console.finished(
                name, invocation_id, outcome.ok, outcome.duration, _detail(outcome)
            )
            done(outcome)

        future.add_done_callback(settle)
        return True

    def _apply(self, fn: RunFunction, result: Result, outcome: Outcome) -> None:
        """A plain function's result into its outcome (every output is local: HTTP, or
        reported as not sent)."""
        by_name = fn.view.by_name()
        for name, value in _outputs(result, by_name, outcome).items():
            self._output_here(name, by_name.get(name), value, outcome)

    async def _attempt(
        self,
        fn: RunFunction,
        trigger: Wire,
        metadata: dict[str, Wire],
        data: dict[str, Any],
        reason: str,
        collect_logs: bool,
        retry: dict[str, Any],
        exchange: HttpExchange | None = None,
    ) -> Outcome:
        invocation_id = new_invocation_id()
        start = time.perf_counter()
        self.console.started(fn.name, invocation_id, reason)
        logs: list[dict[str, Any]] = []
        if collect_logs:
            self.console.collectors[invocation_id] = logs
        outcome = Outcome(invocation_id, fn.name, False, 0.0, logs=logs)
        try:
            await self._run(fn, trigger, metadata, data, outcome, retry, exchange)
        except (BindingExpressionError, StorageError) as error:
            outcome.error = {"type": type(error).__name__, "message": str(error), "traceback": ""}
        except (WorkerCrashed, FunctionTimeout, AppNotLoaded) as error:
            outcome.error = self._failure(error, fn)
        finally:
            outcome.duration = time.perf_counter() - start
            self.console.collectors.pop(invocation_id, None)
        self.console.finished(
            fn.name, invocation_id, outcome.ok, outcome.duration, _detail(outcome)
        )
        return outcome

    def _failure(self, error: BaseException, fn: RunFunction) -> ErrorInfo:
        """The outcome's error for an invocation that got no result from its app process."""
        message = str(error)
        if isinstance(error, WorkerCrashed) and error.ended:
            message = crash_in(message, fn, self.settings.root)
        return {"type": type(error).__name__, "message": message, "traceback": ""}

    async def _run(
        self,
        fn: RunFunction,
        trigger: Wire,
        metadata: dict[str, Wire],
        data: dict[str, Any],
        outcome: Outcome,
        retry: dict[str, Any],
        exchange: HttpExchange | None = None,
    ) -> None:
        args = await self._inputs(fn, data) if fn.inputs() else {}
        trigger_name = fn.trigger.name
        args[trigger_name] = trigger
        if trigger_name in fn.sdk_params:
            path = str(data.get("BlobTrigger", ""))
            args[trigger_name] = model_binding_data(fn.trigger, path, fn.name)
        targets = self._targets(fn, data)
        message = Invoke(
            outcome.invocation_id,
            fn.name,
            args,
            metadata,
            invocation_trace(
                fn.name,
                self.settings.environment,
                trigger[1].get("headers") if trigger[0] == "http" else None,
            ),
            retry,
            stream=exchange is not None,
        )
        result = await self.pool.invoke(message, self.settings.function_timeout, exchange)
        if not result.ok:
            outcome.error = result.error
            return
        by_name = fn.view.by_name()
        for name, value in _outputs(result, by_name, outcome).items():
            await self._output(name, by_name.get(name), value, targets.get(name), outcome)
        outcome.ok = True

    def _output_here(
        self, name: str, binding: BindingView | None, value: Wire, outcome: Outcome
    ) -> None:
        """An output that needs no storage: the HTTP response, $return without a binding,
        or one funcls cannot send (reported)."""
        if binding is None:
            if name == "$return":
                outcome.returned = value
                return
            binding = NO_BINDING
        if binding.kind == "http":
            outcome.http = value[1] if value[0] == "http" else plain_http(value)  # type: ignore[assignment]
            return
        outcome.outputs.append(
            OutputReport(name, binding.type, False, _describe_target(binding), value[1])
        )

    async def _output(
        self, name: str, binding: BindingView | None, value: Wire, target: Any, outcome: Outcome
    ) -> None:
        kind = binding.kind if binding is not None else ""
        if binding is None or kind == "http":
            self._output_here(name, binding, value, outcome)
            return
        if kind == "queue" and target is not None:
            backend = self.connections.backend(binding.get("connection"))
            messages = queue_messages(value)

            def put() -> None:
                backend.queues.create_queue(target)
                for body in messages:
                    backend.queues.put(target, body)

            await asyncio.to_thread(put)
            if self.on_put is not None:
                self.on_put("queue", binding.get("connection"), target)
            for body in messages:
                outcome.outputs.append(OutputReport(name, "queue", True, target, body))
            return
        if kind == "blob" and target is not None:
            backend = self.connections.backend(binding.get("connection"))
            container, blob = split_blob_path(target)
            content = wire_bytes(value)

            def write() -> None:
                backend.blobs.create_container(container)
                backend.blobs.put(container, blob, content)

            await asyncio.to_thread(write)
            if self.on_put is not None:
                self.on_put("blob", binding.get("connection"), target)
            outcome.outputs.append(OutputReport(name, "blob", True, target, content))
            return
        if kind == "table" and isinstance(target, table_binding.TableTarget):
            entities = table_binding.output_entities(value, target)
            backend = self.connections.backend(binding.get("connection"))
            await asyncio.to_thread(table_binding.write_output, backend, target, entities)
            for entity in entities:
                outcome.outputs.append(
                    OutputReport(name, "table", True, target.table, table_binding.as_json(entity))
                )
            return
        self._output_here(name, binding, value, outcome)


def _describe_target(binding: BindingView) -> str:
    for key in (
        "queueName",
        "topicName",
        "eventHubName",
        "containerName",
        "collectionName",
        "tableName",
        "commandText",
        "topic",
        "path",
        "hubName",
    ):
        for k, v in binding.items():
            if k.lower() == key.lower() and v:
                return f"{key}={v}"
    return ""


def _detail(outcome: Outcome) -> str:
    lines: list[str] = []
    if outcome.error:
        lines += failure_lines(outcome.error)
    for report in outcome.outputs:
        if not report.sent:
            lines.append(
                f"output '{report.name}' ({report.type} {report.target}) NOT SENT — funcls does "
                f"not connect to {report.type}; the function produced: {preview(report.value)!r}"
            )
    return "\n".join(lines)


def _outputs(result: Result, by_name: dict[str, BindingView], outcome: Outcome) -> dict[str, Any]:
    """The result's output values by binding name: a returned value goes to the `$return`
    binding when there is one, else it is the outcome's returned value."""
    outputs = result.outputs
    returned = result.returned
    if returned is not None and returned[0] is not None:
        if "$return" in by_name:
            outputs["$return"] = returned
        else:
            outcome.returned = returned
    return outputs
