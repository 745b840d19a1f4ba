"""Orchestration instances, their histories and their pending messages, in SQLite.

One database, `.funcls/durable/durable.db` under the app. An episode's new history events, the
messages it consumed, the instance's new status and the messages it sends (a child's start, a
parent's completion) are written in one transaction: after a crash the instance is either
before the episode (its messages still pending, so the episode runs again) or after it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from funcls.model.fastclass import dataclass
from funcls.runner.durable.history import Event, EventType, event, timestamp
from funcls.runner.storage._sqlite import Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS instances (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    input TEXT,
    output TEXT,
    custom_status TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    parent_id TEXT,
    parent_task INTEGER,
    parent_execution TEXT
);
CREATE TABLE IF NOT EXISTS history (
    instance_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    event TEXT NOT NULL,
    PRIMARY KEY (instance_id, seq)
);
CREATE TABLE IF NOT EXISTS inbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS inbox_instance ON inbox (instance_id, id);
CREATE TABLE IF NOT EXISTS entities (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    key TEXT NOT NULL,
    exists_ INTEGER NOT NULL,
    state TEXT,
    updated TEXT NOT NULL
)
"""

ACTIVE = ("Pending", "Running", "Suspended")
TERMINAL = ("Completed", "Failed", "Terminated", "Canceled")


@dataclass
class Instance:
    id: str
    name: str
    status: str
    input: str | None
    output: str | None
    custom_status: str | None
    created: str
    updated: str
    parent_id: str | None = None
    parent_task: int | None = None
    parent_execution: str | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


class InstanceExists(Exception):
    pass


@dataclass
class Child:
    instance_id: str
    name: str
    input: str | None
    parent_task: int
    parent_execution: str


@dataclass
class Episode:
    """What one episode writes."""

    instance_id: str
    events: list[Event]
    consumed: list[int]
    status: str
    output: str | None = None
    custom_status: str | None = None
    children: list[Child] | None = None
    parent_message: tuple[str, dict[str, Any]] | None = None  # (parent instance, message)
    next_execution: str | None = None  # continue_as_new: the new input; history starts over
    messages: list[tuple[str, dict[str, Any]]] | None = None  # to other inboxes (entities)


@dataclass
class EntityRecord:
    id: str  # the scheduler id, `@name@key`
    name: str
    key: str
    exists: bool
    state: str | None  # JSON text


def entity_id(name: str, key: str) -> str:
    """The extension's scheduler id of an entity (EntityId.get_scheduler_id in the SDK)."""
    return f"@{name.lower()}@{key}"


def split_entity_id(scheduler_id: str) -> tuple[str, str]:
    name, _, key = scheduler_id[1:].partition("@")
    return name, key


def _instance(row: Iterable[Any]) -> Instance:
    return Instance(*row)


COLUMNS = (
    "id, name, status, input, output, custom_status, created, updated, parent_id, parent_task, "
    "parent_execution"
)
Parent = tuple[str, int, str]  # the parent instance, its task id, its execution id


class DurableStore:
    def __init__(self, path: Path) -> None:
        self.db = Database(path, SCHEMA)
        with self.db.write() as conn:  # a database from before parent_execution
            columns = {row[1] for row in conn.execute("PRAGMA table_info(instances)")}
            if "parent_execution" not in columns:
                conn.execute("ALTER TABLE instances ADD COLUMN parent_execution TEXT")

    def close(self) -> None:
        self.db.close()

    def get(self, instance_id: str) -> Instance | None:
        with self.db.read() as conn:
            row = conn.execute(
                f"SELECT {COLUMNS} FROM instances WHERE id = ?", (instance_id,)
            ).fetchone()
        return _instance(row) if row else None

    def instances(self, *, active_only: bool = False) -> list[Instance]:
        query = f"SELECT {COLUMNS} FROM instances"
        if active_only:
            query += f" WHERE status IN ({', '.join('?' * len(ACTIVE))})"
        with self.db.read() as conn:
            rows = conn.execute(query + " ORDER BY created", ACTIVE if active_only else ())
            return [_instance(r) for r in rows.fetchall()]

    def history(self, instance_id: str) -> list[Event]:
        with self.db.read() as conn:
            rows = conn.execute(
                "SELECT event FROM history WHERE instance_id = ? ORDER BY seq", (instance_id,)
            ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def inbox(self, instance_id: str) -> list[tuple[int, dict[str, Any]]]:
        with self.db.read() as conn:
            rows = conn.execute(
                "SELECT id, message FROM inbox WHERE instance_id = ? ORDER BY id", (instance_id,)
            ).fetchall()
        return [(int(r[0]), json.loads(r[1])) for r in rows]

    def pending_instances(self) -> list[str]:
        with self.db.read() as conn:
            rows = conn.execute("SELECT DISTINCT instance_id FROM inbox").fetchall()
        return [str(r[0]) for r in rows]

    def create(
        self,
        instance_id: str,
        name: str,
        input_text: str | None,
        *,
        parent: Parent | None = None,
    ) -> Instance:
        """A new instance, Pending, with its ExecutionStarted message. An instance of the same
        id that is still active is not replaced (InstanceExists); a finished one is."""
        with self.db.write() as conn:
            self._create(conn, instance_id, name, input_text, parent)
        created = self.get(instance_id)
        assert created is not None
        return created

    def _create(
        self,
        conn: Any,
        instance_id: str,
        name: str,
        input_text: str | None,
        parent: Parent | None,
    ) -> None:
        row = conn.execute("SELECT status FROM instances WHERE id = ?", (instance_id,)).fetchone()
        if row is not None and row[0] in ACTIVE:
            raise InstanceExists(instance_id)
        now = timestamp()
        for table, column in (("history", "instance_id"), ("inbox", "instance_id")):
            conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (instance_id,))
        conn.execute(
            f"INSERT OR REPLACE INTO instances ({COLUMNS}) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                instance_id,
                name,
                "Pending",
                input_text,
                None,
                None,
                now,
                now,
                parent[0] if parent else None,
                parent[1] if parent else None,
                parent[2] if parent else None,
            ),
        )
        self._post(conn, instance_id, {"event": _started(instance_id, name, input_text, parent)})

    def post(self, instance_id: str, message: dict[str, Any]) -> None:
        with self.db.write() as conn:
            self._post(conn, instance_id, message)

    def _post(self, conn: Any, instance_id: str, message: dict[str, Any]) -> None:
        conn.execute(
            "INSERT INTO inbox (instance_id, message) VALUES (?, ?)",
            (instance_id, json.dumps(message)),
        )

    def drop(self, message_ids: list[int]) -> None:
        with self.db.write() as conn:
            conn.executemany("DELETE FROM inbox WHERE id = ?", [(i,) for i in message_ids])

    def commit(self, episode: Episode) -> None:
        with self.db.write() as conn:
            iid = episode.instance_id
            conn.executemany("DELETE FROM inbox WHERE id = ?", [(i,) for i in episode.consumed])
            if episode.next_execution is not None:
                conn.execute("DELETE FROM history WHERE instance_id = ?", (iid,))
            else:
                row = conn.execute(
                    "SELECT COALESCE(MAX(seq), -1) FROM history WHERE instance_id = ?", (iid,)
                ).fetchone()
                first = int(row[0]) + 1
                conn.executemany(
                    "INSERT INTO history (instance_id, seq, event) VALUES (?, ?, ?)",
                    [(iid, first + n, json.dumps(e)) for n, e in enumerate(episode.events)],
                )
            conn.execute(
                "UPDATE instances SET status = ?, output = ?, custom_status = ?, updated = ?"
                + (", input = ?" if episode.next_execution is not None else "")
                + " WHERE id = ?",
                (
                    episode.status,
                    episode.output,
                    episode.custom_status,
                    timestamp(),
                    *([episode.next_execution] if episode.next_execution is not None else []),
                    iid,
                ),
            )
            if episode.next_execution is not None:
                row = conn.execute("SELECT name FROM instances WHERE id = ?", (iid,)).fetchone()
                started = _started(iid, str(row[0]), episode.next_execution, None)
                self._post(conn, iid, {"event": started})
            for child in episode.children or []:
                parent = (iid, child.parent_task, child.parent_execution)
                self._create(conn, child.instance_id, child.name, child.input, parent)
            if episode.parent_message is not None:
                parent_id, parent_message = episode.parent_message
                self._post(conn, parent_id, parent_message)
            for target, message in episode.messages or []:
                self._post(conn, target, message)

    def entity(self, scheduler_id: str) -> EntityRecord | None:
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT id, name, key, exists_, state FROM entities WHERE id = ?", (scheduler_id,)
            ).fetchone()
        if row is None:
            return None
        return EntityRecord(str(row[0]), str(row[1]), str(row[2]), bool(row[3]), row[4])

    def entities(self) -> list[EntityRecord]:
        with self.db.read() as conn:
            rows = conn.execute("SELECT id, name, key, exists_, state FROM entities").fetchall()
        return [EntityRecord(str(r[0]), str(r[1]), str(r[2]), bool(r[3]), r[4]) for r in rows]

    def commit_entity(
        self,
        record: EntityRecord,
        consumed: list[int],
        messages: list[tuple[str, dict[str, Any]]],
    ) -> None:
        """An entity's batch: its new state, the operations it consumed and the responses to
        the orchestrations that called it, in one transaction."""
        with self.db.write() as conn:
            conn.executemany("DELETE FROM inbox WHERE id = ?", [(i,) for i in consumed])
            if record.exists:
                conn.execute(
                    "INSERT OR REPLACE INTO entities (id, name, key, exists_, state, updated) "
                    "VALUES (?, ?, ?, 1, ?, ?)",
                    (record.id, record.name, record.key, record.state, timestamp()),
                )
            else:
                conn.execute("DELETE FROM entities WHERE id = ?", (record.id,))
            for target, message in messages:
                self._post(conn, target, message)

    def purge(self, instance_id: str) -> int:
        with self.db.write() as conn:
            deleted = conn.execute("DELETE FROM instances WHERE id = ?", (instance_id,)).rowcount
            conn.execute("DELETE FROM history WHERE instance_id = ?", (instance_id,))
            conn.execute("DELETE FROM inbox WHERE instance_id = ?", (instance_id,))
        return int(deleted)


def _started(instance_id: str, name: str, input_text: str | None, parent: Parent | None) -> Event:
    fields: dict[str, Any] = {"Name": name, "Version": "", "Input": input_text}
    fields["OrchestrationInstance"] = {"InstanceId": instance_id, "ExecutionId": uuid.uuid4().hex}
    if parent is not None:
        fields["ParentInstance"] = {
            "OrchestrationInstance": {"InstanceId": parent[0], "ExecutionId": parent[2]},
            "TaskScheduleId": parent[1],
        }
    return event(EventType.EXECUTION_STARTED, **fields)
