"""Queue triggers with the host's semantics.

Messages are received in batches of `batchSize` (16); a new batch is fetched once the
messages still running drop to `newBatchThreshold` (batchSize/2 unless set), so at most
batchSize + newBatchThreshold run at once, as in the host. Each is hidden for the duration of the
invocation, deleted after success; after a failure they become visible again after
`visibilityTimeout` (0), and once a failed message has been dequeued `maxDequeueCount` times
(5) it moves to `<queue>-poison`. Polling backs off exponentially up to
`maxPollingInterval`, and a message put by a function of this run wakes the listener at once
(the host's shared queue watcher does the same).

A received message is hidden for 10 minutes (:data:`PROCESSING_VISIBILITY`), and while its
function runs that lease is renewed each time half of it has passed (:mod:`.lease`, as the
host does), so a long invocation is not delivered a second time; the messages a run was
holding when it was killed come back when their lease ends. ``FUNCLS_QUEUE_LEASE_SECONDS``
shortens the lease (the fault tests of issue 17 use a few seconds).
"""

from __future__ import annotations

import asyncio
import os

from funcls.runner.binding_data import resolve
from funcls.runner.functions import RunFunction
from funcls.runner.state import RunState
from funcls.runner.storage import QueueMessage, is_poison, move_to_poison, poison_queue_name
from funcls.runner.trigger_data import queue_payload
from funcls.runner.triggers.lease import MessageLease

LEASE_ENV = "FUNCLS_QUEUE_LEASE_SECONDS"


def processing_visibility(environ: dict[str, str] | None = None) -> int:
    """Seconds a received message stays hidden while it runs: 600, or LEASE_ENV's value."""
    value = (os.environ if environ is None else environ).get(LEASE_ENV, "").strip()
    return int(value) if value.isascii() and value.isdigit() and int(value) > 0 else 600


PROCESSING_VISIBILITY = processing_visibility()
MIN_POLL = 0.05


def queue_name(state: RunState, fn: RunFunction) -> str:
    text = str(fn.trigger.get("queueName") or "")
    return resolve(text, {}, state.settings.environment, function_name=fn.name).lower()


async def run_queue(state: RunState, fn: RunFunction, wake: asyncio.Event) -> None:
    queue = queue_name(state, fn)
    options = state.settings.queues
    backend = state.invoker.connections.backend(fn.trigger.get("connection"))
    queues = backend.queues
    console = state.invoker.console
    await asyncio.to_thread(queues.create_queue, queue)

    async def process(message: QueueMessage) -> None:
        if message.encoding_error:
            console.say(f"queue '{queue}': message {message.id}: {message.encoding_error}")
        payload = queue_payload(message, queue)
        lease = MessageLease(queues, queue, message, PROCESSING_VISIBILITY, console.say)
        lease.start()
        try:
            outcome = await state.invoker.invoke(
                fn,
                payload.data,
                payload.metadata,
                payload.binding_data,
                f"New queue message detected on '{queue}'.",
            )
        except BaseException:
            lease.abandon()
            raise
        message = await lease.stop()
        if lease.lost is not None:
            console.say(
                f"queue '{queue}': message {message.id} is no longer held by this run, so it is "
                "neither deleted nor retried here; it stays in the queue"
            )
            return
        assert message.pop_receipt is not None
        if outcome.ok:
            await asyncio.to_thread(queues.delete, queue, message.id, message.pop_receipt)
        elif is_poison(message, options.max_dequeue_count):
            console.say(
                f"message {message.id} has reached MaxDequeueCount of "
                f"{options.max_dequeue_count}; moving it to queue '{poison_queue_name(queue)}'"
            )
            await asyncio.to_thread(move_to_poison, queues, queue, message)
        else:
            await asyncio.to_thread(
                queues.update_visibility,
                queue,
                message.id,
                message.pop_receipt,
                options.visibility_timeout,
            )

    threshold = batch_threshold(options.batch_size, options.new_batch_threshold)
    running: set[asyncio.Task[None]] = set()
    some_finished = asyncio.Event()

    def finished(task: asyncio.Task[None]) -> None:
        running.discard(task)
        some_finished.set()
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            console.say(f"queue '{queue}': {type(error).__name__}: {error}")

    delay = MIN_POLL
    try:
        while True:
            if len(running) > threshold:
                some_finished.clear()
                await some_finished.wait()
                continue
            if state.stopping.is_set():
                await asyncio.Event().wait()  # no new message; the stop cancels this task
            messages = await asyncio.to_thread(
                queues.receive, queue, options.batch_size, PROCESSING_VISIBILITY
            )
            if not messages:
                wake.clear()
                try:
                    await asyncio.wait_for(wake.wait(), delay)
                    delay = MIN_POLL
                except asyncio.TimeoutError:
                    delay = min(delay * 2, options.max_polling_interval)
                continue
            delay = MIN_POLL
            for message in messages:
                task = asyncio.create_task(process(message))
                running.add(task)
                task.add_done_callback(finished)
    finally:
        for task in list(running):
            task.cancel()


def batch_threshold(batch_size: int, configured: int | None) -> int:
    """How few running messages let the listener fetch the next batch."""
    if configured is None or configured < 0:
        return batch_size // 2
    return configured
