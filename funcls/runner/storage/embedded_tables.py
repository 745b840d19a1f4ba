"""TableService on the embedded store's SQLite database (see embedded.py, _sqlite.py).

Each entity is one row keyed by (table, PartitionKey, RowKey); its properties are one JSON
array of [name, type, value] in written order, so types survive (Int64 stays an int, a
datetime stays a datetime) and a transaction of one partition is one SQLite write
transaction: all of it or nothing, across threads, processes and restarts.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime, timezone
from typing import Any

from ._sqlite import Database
from .errors import EntityAlreadyExistsError, InvalidArgumentError, TableNotFoundError
from .odata_filter import compile_filter
from .tables import KEY_NAMES, Entity, WriteMode, check_entity, check_table_name

TABLE_SCHEMA = """
CREATE TABLE IF NOT EXISTS table_names (
    name_key TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS table_entities (
    table_key TEXT NOT NULL,
    partition_key TEXT NOT NULL,
    row_key TEXT NOT NULL,
    properties TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    PRIMARY KEY (table_key, partition_key, row_key)
) WITHOUT ROWID
"""


def _encode_value(value: Any) -> list[Any]:
    if isinstance(value, bool):
        return ["bool", value]
    if isinstance(value, int):
        return ["int64", value]
    if isinstance(value, float):
        return ["double", value]
    if isinstance(value, datetime):
        return ["datetime", value.astimezone(timezone.utc).isoformat()]
    if isinstance(value, bytes):
        return ["binary", base64.b64encode(value).decode("ascii")]
    if isinstance(value, uuid.UUID):
        return ["guid", str(value)]
    return ["string", str(value)]


def _decode_value(kind: str, raw: Any) -> Any:
    if kind == "datetime":
        return datetime.fromisoformat(raw)
    if kind == "binary":
        return base64.b64decode(raw)
    if kind == "guid":
        return uuid.UUID(raw)
    if kind == "double":
        return float(raw)
    return raw


def _encode_properties(entity: Entity) -> str:
    return json.dumps(
        [[name, *_encode_value(value)] for name, value in entity.items() if name not in KEY_NAMES]
    )


def _entity(partition_key: str, row_key: str, properties: str) -> Entity:
    entity: Entity = {"PartitionKey": partition_key, "RowKey": row_key}
    for name, kind, raw in json.loads(properties):
        entity[name] = _decode_value(kind, raw)
    return entity


class EmbeddedTables:
    """TableService on SQLite; shares the embedded store's database with queues and blobs."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @staticmethod
    def _key(table: str) -> str:
        return check_table_name(table).lower()

    def _require(self, conn: Any, table: str) -> str:
        key = self._key(table)
        if conn.execute("SELECT 1 FROM table_names WHERE name_key = ?", (key,)).fetchone() is None:
            raise TableNotFoundError(table)
        return key

    def create_table(self, table: str) -> None:
        key = self._key(table)
        with self._db.write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO table_names (name_key, name) VALUES (?, ?)", (key, table)
            )

    def delete_table(self, table: str) -> bool:
        key = self._key(table)
        with self._db.write() as conn:
            gone = conn.execute("DELETE FROM table_names WHERE name_key = ?", (key,)).rowcount
            conn.execute("DELETE FROM table_entities WHERE table_key = ?", (key,))
        return bool(gone)

    def list_tables(self) -> list[str]:
        with self._db.read() as conn:
            return sorted(row[0] for row in conn.execute("SELECT name FROM table_names"))

    def get(self, table: str, partition_key: str, row_key: str) -> Entity | None:
        with self._db.read() as conn:
            key = self._require(conn, table)
            row = conn.execute(
                "SELECT properties FROM table_entities "
                "WHERE table_key = ? AND partition_key = ? AND row_key = ?",
                (key, partition_key, row_key),
            ).fetchone()
        return None if row is None else _entity(partition_key, row_key, row[0])

    def query(self, table: str, filter: str | None = None, take: int | None = None) -> list[Entity]:
        matches = compile_filter(filter)  # a bad filter fails before any read
        if take is not None and take < 1:
            raise InvalidArgumentError(f"take {take!r} must be at least 1")
        out: list[Entity] = []
        with self._db.read() as conn:
            key = self._require(conn, table)
            rows = conn.execute(
                "SELECT partition_key, row_key, properties, timestamp FROM table_entities "
                "WHERE table_key = ? ORDER BY partition_key, row_key",
                (key,),
            )
            for pk, rk, properties, timestamp in rows:
                entity = _entity(pk, rk, properties)
                # Timestamp can be filtered on, as on the service, but is not handed out.
                if matches({**entity, "Timestamp": datetime.fromisoformat(timestamp)}):
                    out.append(entity)
                    if take is not None and len(out) >= take:
                        break
        return out

    def write(self, table: str, entities: list[Entity], mode: WriteMode = "insert") -> None:
        checked = [check_entity(e) for e in entities]
        if not checked:
            return
        partitions = {e["PartitionKey"] for e in checked}
        if len(partitions) > 1:
            raise InvalidArgumentError(
                "a table transaction holds entities of one PartitionKey, got "
                + ", ".join(sorted(repr(p) for p in partitions))
            )
        now = datetime.now(timezone.utc).isoformat()
        with self._db.write() as conn:
            key = self._require(conn, table)
            for entity in checked:
                pk, rk = entity["PartitionKey"], entity["RowKey"]
                properties = _encode_properties(entity)
                if mode == "upsert":
                    conn.execute(
                        "INSERT OR REPLACE INTO table_entities "
                        "(table_key, partition_key, row_key, properties, timestamp) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (key, pk, rk, properties, now),
                    )
                    continue
                exists = conn.execute(
                    "SELECT 1 FROM table_entities "
                    "WHERE table_key = ? AND partition_key = ? AND row_key = ?",
                    (key, pk, rk),
                ).fetchone()
                if exists is not None:
                    raise EntityAlreadyExistsError(table, pk, rk)  # rolls the batch back
                conn.execute(
                    "INSERT INTO table_entities "
                    "(table_key, partition_key, row_key, properties, timestamp) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (key, pk, rk, properties, now),
                )
