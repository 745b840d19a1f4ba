"""Keeping a received queue message hidden while its function runs.

The host receives queue messages hidden for 10 minutes and, while the function runs, renews
that visibility each time half of it has passed, so an invocation longer than 10 minutes is
not delivered a second time. A renewal that fails for a passing reason is tried again sooner;
one answered "pop receipt mismatch" or "message not found" ends the renewals, since the
message then belongs to someone else or is gone. Every renewal returns a new pop receipt, and
the delete or the update after the invocation must use the newest one. (Read in
Azure/azure-sdk-for-net, sdk/storage/Microsoft.Azure.WebJobs.Extensions.Storage.Common/src/
Listeners/QueueListener.cs: ProcessMessageAsync and CreateUpdateMessageVisibilityTimer, and
UpdateQueueMessageVisibilityCommand.cs in the same folder.)

:class:`MessageLease` does the same on any :class:`QueueService` (the embedded store and
Azure Storage / Azurite alike). A renewal is never cancelled half-way: the receipt it gets
back is always recorded before :meth:`MessageLease.stop` returns the message to finish with.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import Callable

from funcls.runner.storage import (
    NotFoundError,
    PopReceiptMismatchError,
    QueueMessage,
    QueueService,
    mask_secrets,
)

MIN_RETRY_S = 0.1
"""The shortest wait before a failed renewal is tried again."""


class MessageLease:
    """Renews a received message's visibility every `lease_s / 2` seconds until stopped.

    `message` is always the message with its newest pop receipt; `lost` says why the message
    is no longer held (None while it is), `renewals` counts the renewals that succeeded."""

    def __init__(
        self,
        queues: QueueService,
        queue: str,
        message: QueueMessage,
        lease_s: int,
        say: Callable[[str], None],
    ) -> None:
        self.queues = queues
        self.queue = queue
        self.message = message
        self.lease_s = lease_s
        self.say = say
        self.lost: str | None = None
        self.renewals = 0
        self._hidden_until = time.monotonic() + lease_s
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._keep())

    async def stop(self) -> QueueMessage:
        """End the renewals (waiting for one in progress) and return the message to delete
        or update, with the newest pop receipt."""
        self._stopping.set()
        if self._task is not None:
            await self._task
        return self.message

    def abandon(self) -> None:
        """Stop renewing at once (the listener is ending); the message comes back when its
        current visibility runs out."""
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()

    async def _keep(self) -> None:
        interval = self.lease_s / 2
        delay = interval
        while True:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delay)
            if self._stopping.is_set():
                return
            assert self.message.pop_receipt is not None
            asked = time.monotonic()
            try:
                update = await asyncio.to_thread(
                    self.queues.update_visibility,
                    self.queue,
                    self.message.id,
                    self.message.pop_receipt,
                    self.lease_s,
                )
            except (PopReceiptMismatchError, NotFoundError) as error:
                self.lost = mask_secrets(str(error))
                self.say(
                    f"queue '{self.queue}': message {self.message.id} could not be kept hidden "
                    f"while its function runs ({self.lost}); it may be delivered again"
                )
                return
            except Exception as error:  # a passing failure: the service or network
                left = self._hidden_until - time.monotonic()
                delay = max(MIN_RETRY_S, left / 2)
                self.say(
                    f"queue '{self.queue}': renewing the lease of message {self.message.id} "
                    f"failed ({type(error).__name__}: {mask_secrets(str(error))}); trying "
                    f"again in {delay:.1f} s"
                )
                continue
            self.message = dataclasses.replace(
                self.message,
                pop_receipt=update.pop_receipt,
                next_visible_time=update.next_visible_time,
            )
            self._hidden_until = asked + self.lease_s
            self.renewals += 1
            delay = interval
