"""Starts one task per natively triggered function and restarts them when the app reloads."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from funcls.runner.binding_data import BindingExpressionError
from funcls.runner.functions import RunFunction
from funcls.runner.state import RunState
from funcls.runner.triggers.blob import blob_pattern_text, run_blob
from funcls.runner.triggers.queue import queue_name, run_queue
from funcls.runner.triggers.timer import TimerStatusStore, run_timer, schedule_of

RETRY_DELAY = 2.0


class Triggers:
    def __init__(self, state: RunState) -> None:
        self.state = state
        self.tasks: list[asyncio.Task[None]] = []
        self.queue_wakers: list[tuple[str, str, asyncio.Event]] = []  # connection, queue, event
        self.blob_wakers: list[tuple[str, str, asyncio.Event]] = []  # connection, container
        self.timers = TimerStatusStore(state.settings.root)

    def notify_put(self, kind: str, connection: str | None, target: str) -> None:
        """A function of this run wrote to a queue or blob: wake whoever listens there."""
        conn = (connection or "AzureWebJobsStorage").lower()
        wakers = self.queue_wakers if kind == "queue" else self.blob_wakers
        key = target if kind == "queue" else target.split("/", 1)[0]
        for waker_conn, name, event in wakers:
            if name == key and waker_conn == conn:
                event.set()

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.tasks = []
        self.queue_wakers = []
        self.blob_wakers = []

    async def apply(self, functions: list[RunFunction]) -> None:
        await self.stop()
        for fn in functions:
            if fn.support != "native" or fn.is_http or fn.disabled:
                continue
            kind = fn.trigger_kind
            conn = str(fn.trigger.get("connection") or "AzureWebJobsStorage").lower()
            try:
                if kind == "timertrigger":
                    schedule_of(self.state, fn)  # a bad schedule is said once, not retried
                    self._start(fn, lambda fn=fn: run_timer(self.state, fn, self.timers))
                elif kind == "queuetrigger":
                    event = asyncio.Event()
                    self.queue_wakers.append((conn, queue_name(self.state, fn), event))
                    self._start(fn, lambda fn=fn, e=event: run_queue(self.state, fn, e))
                elif kind == "blobtrigger":
                    event = asyncio.Event()
                    container = blob_pattern_text(self.state, fn).split("/", 1)[0]
                    self.blob_wakers.append((conn, container, event))
                    self._start(fn, lambda fn=fn, e=event: run_blob(self.state, fn, e))
            except (ValueError, BindingExpressionError) as error:
                # A queue or blob path naming a %setting% the app does not define: the host
                # reports that function ("'%X%' does not resolve to a value") and runs the
                # rest; it stopped the whole run here (QA: the Run lens then failed for every
                # function of the app).
                self.state.invoker.console.say(f"'{fn.name}' will not be triggered: {error}")

    def _start(self, fn: RunFunction, make: Any) -> None:
        self.tasks.append(asyncio.get_running_loop().create_task(self._guard(fn, make)))

    async def _guard(self, fn: RunFunction, make: Any) -> None:
        """Keep a trigger running: a storage or schedule error is logged and retried."""
        while True:
            coroutine: Coroutine[Any, Any, None] = make()
            try:
                await coroutine
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self.state.invoker.console.say(
                    f"the {fn.title().lower()} of '{fn.name}' stopped: "
                    f"{type(error).__name__}: {error}; retrying in {RETRY_DELAY:g}s"
                )
                await asyncio.sleep(RETRY_DELAY)
