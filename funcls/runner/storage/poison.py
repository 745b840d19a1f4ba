"""Poison queues, as the Functions host handles them.

The queue trigger listener decides when a message is poison: after a failed invocation whose
dequeue count reached host.json `extensions.queues.maxDequeueCount` (default 5). It then moves
the message to `<queue>-poison`, which is created on first use.
"""

from __future__ import annotations

from ._names import check_queue_name
from .errors import InvalidArgumentError, InvalidNameError
from .interface import QueueMessage, QueueService

DEFAULT_MAX_DEQUEUE_COUNT = 5
POISON_SUFFIX = "-poison"


def poison_queue_name(queue: str) -> str:
    """`<queue>-poison`; an error when the queue's name is too long to take the suffix."""
    check_queue_name(queue)
    name = queue + POISON_SUFFIX
    if len(name) > 63:
        raise InvalidNameError(
            f"queue name '{queue}' is {len(queue)} characters; its poison queue '{name}' "
            f"would exceed 63, so keep queue names to {63 - len(POISON_SUFFIX)} characters"
        )
    return name


def is_poison(message: QueueMessage, max_dequeue_count: int = DEFAULT_MAX_DEQUEUE_COUNT) -> bool:
    """True when a message that just failed has used up its attempts."""
    return message.dequeue_count >= max_dequeue_count


def move_to_poison(queues: QueueService, queue: str, message: QueueMessage) -> QueueMessage:
    """Copy a received message to `<queue>-poison`, then delete it from queue with its pop
    receipt. The copy comes first: a crash in between leaves a duplicate, never a loss.
    Returns the message as put in the poison queue. The copy is written with the backend's
    messageEncoding; a message whose stored text was not valid base64 (`encoding_error`) is
    therefore copied as the base64 of that text."""
    if message.pop_receipt is None:
        raise InvalidArgumentError(
            f"message '{message.id}' was peeked, not received; receive it to move it to poison"
        )
    target = poison_queue_name(queue)
    queues.create_queue(target)
    poisoned = queues.put(target, message.body)
    queues.delete(queue, message.id, message.pop_receipt)
    return poisoned
