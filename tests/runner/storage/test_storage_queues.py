"""Queue semantics, run against the embedded store and against Azurite."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from funcls.runner.storage import (
    NEVER_EXPIRES,
    InvalidArgumentError,
    InvalidNameError,
    MessageNotFoundError,
    PopReceiptMismatchError,
    QueueNotFoundError,
    is_poison,
    move_to_poison,
    poison_queue_name,
)
from tests.runner.storage.harness import Store


def test_put_receive_delete(store: Store) -> None:
    queues = store.open().queues
    queue = store.name("q")
    queues.create_queue(queue)
    put = queues.put(queue, b"hello")
    assert put.dequeue_count == 0
    assert put.body == b"hello"

    [got] = queues.receive(queue, max_messages=32, visibility_timeout=30)
    assert (got.id, got.body, got.dequeue_count) == (put.id, b"hello", 1)
    assert got.pop_receipt
    assert got.insertion_time.tzinfo is not None
    assert got.next_visible_time is not None
    assert got.next_visible_time > datetime.now(timezone.utc) + timedelta(seconds=20)
    assert got.expiration_time - got.insertion_time == timedelta(days=7)

    assert queues.receive(queue, 32, 30) == []  # hidden while in flight
    assert queues.approximate_count(queue) == 1  # but still counted
    queues.delete(queue, got.id, got.pop_receipt)
    assert queues.approximate_count(queue) == 0
    with pytest.raises(MessageNotFoundError):
        queues.delete(queue, got.id, got.pop_receipt)


def test_str_body_is_utf8(store: Store) -> None:
    queues = store.open().queues
    queue = store.name("q")
    queues.create_queue(queue)
    queues.put(queue, "héllo ✓")
    [got] = queues.receive(queue)
    assert got.text == "héllo ✓"


def test_message_reappears_after_visibility_timeout(store: Store) -> None:
    queues = store.open().queues
    queue = store.name("q")
    queues.create_queue(queue)
    queues.put(queue, b"retry me")
    [first] = queues.receive(queue, visibility_timeout=1)
    assert first.dequeue_count == 1
    assert queues.receive(queue, visibility_timeout=1) == []
    time.sleep(1.3)
    [second] = queues.receive(queue, visibility_timeout=1)
    assert (second.id, second.dequeue_count, second.body) == (first.id, 2, b"retry me")
    assert second.pop_receipt != first.pop_receipt


def test_stale_pop_receipt_is_refused(store: Store) -> None:
    queues = store.open().queues
    queue = store.name("q")
    queues.create_queue(queue)
    queues.put(queue, b"x")
    [first] = queues.receive(queue, visibility_timeout=1)
    time.sleep(1.3)
    [second] = queues.receive(queue, visibility_timeout=30)
    assert first.pop_receipt and second.pop_receipt
    with pytest.raises(PopReceiptMismatchError, match="stale"):
        queues.delete(queue, first.id, first.pop_receipt)
    with pytest.raises(PopReceiptMismatchError):
        queues.update_visibility(queue, first.id, first.pop_receipt, 0)
    queues.delete(queue, second.id, second.pop_receipt)  # the newest receipt works


def test_receipt_stays_valid_until_received_again(store: Store) -> None:
    queues = store.open().queues
    queue = store.name("q")
    queues.create_queue(queue)
    queues.put(queue, b"x")
    [got] = queues.receive(queue, visibility_timeout=1)
    time.sleep(1.3)  # visible again, but nobody took it
    assert got.pop_receipt
    queues.delete(queue, got.id, got.pop_receipt)
    assert queues.approximate_count(queue) == 0


def test_update_visibility(store: Store) -> None:
    queues = store.open().queues
    queue = store.name("q")
    queues.create_queue(queue)
    queues.put(queue, b"v1")
    [got] = queues.receive(queue, visibility_timeout=30)
    assert got.pop_receipt
    update = queues.update_visibility(queue, got.id, got.pop_receipt, 0, body=b"v2")
    assert update.pop_receipt != got.pop_receipt
    [again] = queues.receive(queue, visibility_timeout=30)  # 0 made it visible at once
    assert (again.id, again.body, again.dequeue_count) == (got.id, b"v2", 2)
    assert again.pop_receipt
    extended = queues.update_visibility(queue, again.id, again.pop_receipt, 60)
    assert extended.next_visible_time > datetime.now(timezone.utc) + timedelta(seconds=50)
    assert queues.receive(queue) == []
    queues.delete(queue, again.id, extended.pop_receipt)


def test_peek_changes_nothing(store: Store) -> None:
    queues = store.open().queues
    queue = store.name("q")
    queues.create_queue(queue)
    for body in (b"1", b"2", b"3"):
        queues.put(queue, body)
    peeked = queues.peek(queue, 32)
    assert [m.body for m in peeked] == [b"1", b"2", b"3"]
    assert all(m.pop_receipt is None and m.next_visible_time is None for m in peeked)
    assert all(m.dequeue_count == 0 for m in peeked)
    received = queues.receive(queue, 2, 30)
    assert [m.body for m in received] == [b"1", b"2"]
    assert [m.body for m in queues.peek(queue, 32)] == [b"3"]


def test_put_with_initial_visibility_delay(store: Store) -> None:
    queues = store.open().queues
    queue = store.name("q")
    queues.create_queue(queue)
    queues.put(queue, b"later", visibility_timeout=1)
    assert queues.receive(queue) == []
    time.sleep(1.3)
    assert [m.body for m in queues.receive(queue)] == [b"later"]


def test_message_expires_after_time_to_live(store: Store) -> None:
    queues = store.open().queues
    queue = store.name("q")
    queues.create_queue(queue)
    put = queues.put(queue, b"short-lived", time_to_live=1)
    assert put.expiration_time - put.insertion_time <= timedelta(seconds=1)
    forever = queues.put(queue, b"forever", time_to_live=-1)
    assert forever.expiration_time == NEVER_EXPIRES
    time.sleep(1.5)
    assert [m.body for m in queues.peek(queue, 32)] == [b"forever"]
    assert queues.approximate_count(queue) == 1
    assert [m.body for m in queues.receive(queue, 32, 30)] == [b"forever"]


def test_queue_lifecycle(store: Store) -> None:
    queues = store.open().queues
    prefix = store.name("lc")
    names = [f"{prefix}-a", f"{prefix}-b"]
    for name in names:
        queues.create_queue(name)
        queues.create_queue(name)  # idempotent
    assert queues.list_queues(prefix) == names
    queues.put(names[0], b"x")
    queues.clear(names[0])
    assert queues.approximate_count(names[0]) == 0
    assert queues.delete_queue(names[0]) is True
    assert queues.delete_queue(names[0]) is False
    assert queues.list_queues(prefix) == names[1:]


def test_missing_queue(store: Store) -> None:
    queues = store.open().queues
    queue = store.name("missing")
    for operation in (
        lambda: queues.put(queue, b"x"),
        lambda: queues.receive(queue),
        lambda: queues.peek(queue),
        lambda: queues.approximate_count(queue),
    ):
        with pytest.raises(QueueNotFoundError, match=queue):
            operation()


@pytest.mark.parametrize(
    "name",
    ["ab", "a" * 64, "Upper", "with_underscore", "-leading", "trailing-", "dou--ble", "spa ce"],
)
def test_invalid_queue_names_are_refused_before_any_io(store: Store, name: str) -> None:
    queues = store.open().queues
    with pytest.raises(InvalidNameError, match="queue name"):
        queues.create_queue(name)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda q, n: q.receive(n, max_messages=33), "max_messages"),
        (lambda q, n: q.receive(n, max_messages=0), "max_messages"),
        (lambda q, n: q.receive(n, visibility_timeout=0), "visibility timeout"),
        (lambda q, n: q.put(n, b"x", visibility_timeout=8 * 24 * 3600), "visibility timeout"),
        (lambda q, n: q.put(n, b"x", time_to_live=0), "time to live"),
        (lambda q, n: q.put(n, b"x", visibility_timeout=5, time_to_live=5), "shorter"),
    ],
)
def test_out_of_range_arguments(store: Store, call: object, message: str) -> None:
    queues = store.open().queues
    queue = store.name("q")
    queues.create_queue(queue)
    with pytest.raises(InvalidArgumentError, match=message):
        call(queues, queue)  # type: ignore[operator]


def test_poison_after_max_dequeue_count(store: Store) -> None:
    """What the trigger listener does: on each failure show the message again at once
    (visibilityTimeout 0); when the dequeue count reaches maxDequeueCount, move it."""
    queues = store.open().queues
    queue = store.name("orders")
    queues.create_queue(queue)
    queues.put(queue, b'{"bad": true}')
    attempts = 0
    while True:
        [message] = queues.receive(queue, visibility_timeout=30)
        attempts += 1
        if is_poison(message, max_dequeue_count=5):
            poisoned = move_to_poison(queues, queue, message)
            break
        assert message.pop_receipt
        queues.update_visibility(queue, message.id, message.pop_receipt, 0)
    assert attempts == 5
    assert queues.approximate_count(queue) == 0
    [moved] = queues.receive(poison_queue_name(queue))
    assert moved.id == poisoned.id
    assert (moved.body, moved.dequeue_count) == (b'{"bad": true}', 1)


def test_poison_queue_name_limits() -> None:
    assert poison_queue_name("orders") == "orders-poison"
    assert poison_queue_name("a" * 56) == "a" * 56 + "-poison"
    with pytest.raises(InvalidNameError, match="56 characters"):
        poison_queue_name("a" * 57)


def test_visibility_may_be_extended_past_expiry(store: Store) -> None:
    """Azurite accepts this (the Azure docs forbid it); both backends agree with Azurite."""
    queues = store.open().queues
    queue = store.name("q")
    queues.create_queue(queue)
    queues.put(queue, b"x", time_to_live=5)
    [got] = queues.receive(queue, visibility_timeout=1)
    assert got.pop_receipt
    queues.update_visibility(queue, got.id, got.pop_receipt, 60)


def test_peeked_message_cannot_be_moved_to_poison(store: Store) -> None:
    queues = store.open().queues
    queue = store.name("q")
    queues.create_queue(queue)
    queues.put(queue, b"x")
    [peeked] = queues.peek(queue)
    with pytest.raises(InvalidArgumentError, match="receive it"):
        move_to_poison(queues, queue, peeked)
    assert queues.approximate_count(queue) == 1
