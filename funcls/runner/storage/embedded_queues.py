"""Azure Queue Storage semantics on SQLite.

Every operation that reads and then changes a message runs in one `BEGIN IMMEDIATE`
transaction, so two consumers (threads or processes) never receive the same visible message:
the second waits for the first one's commit and then no longer sees the message as visible.
Expired messages are invisible to every operation and purged when a queue is received from.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
import uuid
from datetime import datetime, timezone

from ._names import check_queue_name
from ._sqlite import Database
from .encoding import as_bytes, check_encoding, encode_message
from .errors import (
    MessageNotFoundError,
    PopReceiptMismatchError,
    QueueNotFoundError,
)
from .interface import (
    NEVER_EXPIRES,
    MessageEncoding,
    MessageUpdate,
    QueueMessage,
    check_max_messages,
    check_put_times,
    check_visibility_timeout,
)

QUEUE_SCHEMA = """
CREATE TABLE IF NOT EXISTS queues (
    name TEXT PRIMARY KEY,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL,
    id TEXT NOT NULL UNIQUE,
    body BLOB NOT NULL,
    dequeue_count INTEGER NOT NULL DEFAULT 0,
    pop_receipt TEXT,
    inserted REAL NOT NULL,
    expires REAL,
    visible REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_visibility ON messages (queue, visible, seq);
"""

_UNEXPIRED = "(expires IS NULL OR expires > ?)"
_MESSAGE_COLUMNS = "id, body, dequeue_count, pop_receipt, inserted, expires, visible"


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc)


def _new_pop_receipt() -> str:
    return secrets.token_urlsafe(18)


class EmbeddedQueues:
    """The QueueService of the embedded store. Bodies are stored as raw bytes; the configured
    encoding is still enforced on the way in (UTF-8 only for 'none', 64 KiB as encoded) so the
    embedded store accepts exactly what Azure would."""

    def __init__(self, db: Database, message_encoding: MessageEncoding = "base64") -> None:
        self._db = db
        self._encoding = check_encoding(message_encoding)

    @property
    def message_encoding(self) -> MessageEncoding:
        return self._encoding

    # -- queues -----------------------------------------------------------------------------

    def create_queue(self, queue: str) -> None:
        check_queue_name(queue)
        with self._db.write() as db:
            db.execute(
                "INSERT OR IGNORE INTO queues (name, created) VALUES (?, ?)", (queue, time.time())
            )

    def delete_queue(self, queue: str) -> bool:
        check_queue_name(queue)
        with self._db.write() as db:
            db.execute("DELETE FROM messages WHERE queue = ?", (queue,))
            return db.execute("DELETE FROM queues WHERE name = ?", (queue,)).rowcount > 0

    def list_queues(self, prefix: str = "") -> list[str]:
        with self._db.read() as db:
            names = [row[0] for row in db.execute("SELECT name FROM queues ORDER BY name")]
        return [name for name in names if name.startswith(prefix)]

    def _require_queue(self, db: sqlite3.Connection, queue: str) -> None:
        check_queue_name(queue)
        if db.execute("SELECT 1 FROM queues WHERE name = ?", (queue,)).fetchone() is None:
            raise QueueNotFoundError(queue)

    # -- messages ---------------------------------------------------------------------------

    def put(
        self,
        queue: str,
        body: bytes | str,
        *,
        visibility_timeout: int = 0,
        time_to_live: int | None = None,
    ) -> QueueMessage:
        check_queue_name(queue)
        ttl = check_put_times(visibility_timeout, time_to_live)
        raw = as_bytes(body)
        encode_message(raw, self._encoding)  # same acceptance rules as the service
        now = time.time()
        expires = None if ttl == -1 else now + ttl
        visible = now + visibility_timeout
        message_id = str(uuid.uuid4())
        receipt = _new_pop_receipt()
        with self._db.write() as db:
            self._require_queue(db, queue)
            db.execute(
                "INSERT INTO messages (queue, id, body, dequeue_count, pop_receipt, inserted,"
                " expires, visible) VALUES (?, ?, ?, 0, ?, ?, ?, ?)",
                (queue, message_id, raw, receipt, now, expires, visible),
            )
        return QueueMessage(
            id=message_id,
            pop_receipt=receipt,
            body=raw,
            dequeue_count=0,
            insertion_time=_utc(now),
            expiration_time=NEVER_EXPIRES if expires is None else _utc(expires),
            next_visible_time=_utc(visible),
        )

    def receive(
        self, queue: str, max_messages: int = 1, visibility_timeout: int = 30
    ) -> list[QueueMessage]:
        check_max_messages(max_messages)
        check_visibility_timeout(visibility_timeout, minimum=1)
        received: list[QueueMessage] = []
        with self._db.write() as db:
            now = time.time()
            self._require_queue(db, queue)
            db.execute(
                "DELETE FROM messages WHERE queue = ? AND expires IS NOT NULL AND expires <= ?",
                (queue, now),
            )
            rows = db.execute(
                f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE queue = ? AND visible <= ?"
                " ORDER BY visible, seq LIMIT ?",
                (queue, now, max_messages),
            ).fetchall()
            visible = now + visibility_timeout
            for message_id, body, dequeue_count, _, inserted, expires, _ in rows:
                receipt = _new_pop_receipt()
                db.execute(
                    "UPDATE messages SET dequeue_count = ?, pop_receipt = ?, visible = ?"
                    " WHERE id = ?",
                    (dequeue_count + 1, receipt, visible, message_id),
                )
                received.append(
                    QueueMessage(
                        id=message_id,
                        pop_receipt=receipt,
                        body=bytes(body),
                        dequeue_count=dequeue_count + 1,
                        insertion_time=_utc(inserted),
                        expiration_time=NEVER_EXPIRES if expires is None else _utc(expires),
                        next_visible_time=_utc(visible),
                    )
                )
        return received

    def peek(self, queue: str, max_messages: int = 1) -> list[QueueMessage]:
        check_max_messages(max_messages)
        with self._db.read() as db:
            now = time.time()
            self._require_queue(db, queue)
            rows = db.execute(
                f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE queue = ? AND visible <= ?"
                f" AND {_UNEXPIRED} ORDER BY visible, seq LIMIT ?",
                (queue, now, now, max_messages),
            ).fetchall()
        return [
            QueueMessage(
                id=message_id,
                pop_receipt=None,
                body=bytes(body),
                dequeue_count=dequeue_count,
                insertion_time=_utc(inserted),
                expiration_time=NEVER_EXPIRES if expires is None else _utc(expires),
                next_visible_time=None,
            )
            for message_id, body, dequeue_count, _, inserted, expires, _ in rows
        ]

    def _held_message(
        self, db: sqlite3.Connection, queue: str, message_id: str, pop_receipt: str, now: float
    ) -> None:
        """Check that an unexpired message exists and that pop_receipt is its current one."""
        self._require_queue(db, queue)
        row = db.execute(
            f"SELECT pop_receipt FROM messages WHERE queue = ? AND id = ? AND {_UNEXPIRED}",
            (queue, message_id, now),
        ).fetchone()
        if row is None:
            raise MessageNotFoundError(queue, message_id)
        if row[0] != pop_receipt:
            raise PopReceiptMismatchError(queue, message_id)

    def delete(self, queue: str, message_id: str, pop_receipt: str) -> None:
        with self._db.write() as db:
            self._held_message(db, queue, message_id, pop_receipt, time.time())
            db.execute("DELETE FROM messages WHERE id = ?", (message_id,))

    def update_visibility(
        self,
        queue: str,
        message_id: str,
        pop_receipt: str,
        visibility_timeout: int,
        *,
        body: bytes | str | None = None,
    ) -> MessageUpdate:
        check_visibility_timeout(visibility_timeout)
        raw = None if body is None else as_bytes(body)
        if raw is not None:
            encode_message(raw, self._encoding)
        receipt = _new_pop_receipt()
        with self._db.write() as db:
            now = time.time()
            # Azure documents that a message cannot be hidden past its expiry, but Azurite
            # accepts it; like Azurite, this store lets the message expire while hidden.
            self._held_message(db, queue, message_id, pop_receipt, now)
            visible = now + visibility_timeout
            if raw is None:
                db.execute(
                    "UPDATE messages SET pop_receipt = ?, visible = ? WHERE id = ?",
                    (receipt, visible, message_id),
                )
            else:
                db.execute(
                    "UPDATE messages SET pop_receipt = ?, visible = ?, body = ? WHERE id = ?",
                    (receipt, visible, raw, message_id),
                )
        return MessageUpdate(pop_receipt=receipt, next_visible_time=_utc(visible))

    def approximate_count(self, queue: str) -> int:
        with self._db.read() as db:
            self._require_queue(db, queue)
            row = db.execute(
                f"SELECT COUNT(*) FROM messages WHERE queue = ? AND {_UNEXPIRED}",
                (queue, time.time()),
            ).fetchone()
        count: int = row[0]
        return count

    def clear(self, queue: str) -> None:
        with self._db.write() as db:
            self._require_queue(db, queue)
            db.execute("DELETE FROM messages WHERE queue = ?", (queue,))
