"""Azure Table Storage semantics shared by both backends: the service interface, entity values,
and the name and key rules checked before any I/O.

An entity is a dict: `PartitionKey` and `RowKey` (str) and its properties, whose values are
the Python forms of the service's EDM types: str (Edm.String), int (Edm.Int64, or Edm.Int32
when read back as such), float (Edm.Double), bool (Edm.Boolean), an aware datetime
(Edm.DateTime), bytes (Edm.Binary) and uuid.UUID (Edm.Guid). A property set to None is not
stored, as the service stores no nulls. Entities come back with their properties in the order
they were written, after `PartitionKey` and `RowKey`; the service's own `Timestamp` and ETag
are not part of them (the host's Tables binding leaves them out of what Python functions see).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal, Protocol

from .errors import InvalidArgumentError, InvalidNameError

Entity = dict[str, Any]
WriteMode = Literal["insert", "upsert"]
"""insert fails with EntityAlreadyExistsError on an existing key; upsert replaces the entity."""

PROPERTY_TYPES = (str, bool, int, float, datetime, bytes, uuid.UUID)
KEY_NAMES = ("PartitionKey", "RowKey")
MAX_BATCH = 100
"""Entities per transaction: the service's limit, and the host's TableEntityWriter batch."""

# Table names: 3-63 letters and digits, starting with a letter (the host's TableClientHelpers
# .IsValidAzureTableName in the Tables extension checks the same pattern up front).
_TABLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]{2,62}$")
# The host's TableClientHelpers.ValidateAzureTableKeyValue refuses these in keys; the service
# does too ('/', '\\', '#', '?' and control characters).
_BAD_KEY_CHARS = re.compile(r"[/\\#?\x00-\x1f\x7f-\x9f]")
MAX_KEY_BYTES = 1024


def check_table_name(name: str) -> str:
    if isinstance(name, str) and _TABLE_NAME.match(name) and name.lower() != "tables":
        return name
    text = str(name)
    if not 3 <= len(text) <= 63:
        problem = f"is {len(text)} characters long; it must have 3 to 63"
    elif not text[:1].isalpha():
        problem = "must start with a letter"
    elif text.lower() == "tables":
        problem = "is reserved by the service"
    else:
        problem = "may only hold letters and digits (no hyphens or underscores)"
    raise InvalidNameError(f"table name '{text}' {problem}")


def check_key(kind: str, value: Any) -> str:
    """A PartitionKey or RowKey value; the message names the key and the bad character."""
    if not isinstance(value, str):
        raise InvalidArgumentError(
            f"{kind} must be a string, got "
            + ("nothing" if value is None else type(value).__name__)
            + "; set it in the entity or in the binding's "
            + ("partitionKey" if kind == "PartitionKey" else "rowKey")
        )
    bad = _BAD_KEY_CHARS.search(value)
    if bad is not None:
        raise InvalidArgumentError(
            f"{kind} {value!r} contains {bad.group()!r}; keys may not hold '/', '\\', '#', '?' "
            "or control characters"
        )
    if len(value.encode("utf-8")) > MAX_KEY_BYTES:
        raise InvalidArgumentError(f"{kind} is longer than {MAX_KEY_BYTES} bytes")
    return value


def check_entity(entity: Entity) -> Entity:
    """The entity with its keys checked and its None properties dropped; raises
    InvalidArgumentError for a property value the service cannot store."""
    out: Entity = {
        "PartitionKey": check_key("PartitionKey", entity.get("PartitionKey")),
        "RowKey": check_key("RowKey", entity.get("RowKey")),
    }
    for name, value in entity.items():
        if name in KEY_NAMES or value is None:
            continue
        if name in ("Timestamp", "odata.etag"):
            continue  # set by the service
        if not isinstance(value, PROPERTY_TYPES):
            raise InvalidArgumentError(
                f"property '{name}' is a {type(value).__name__}; a table property holds a "
                "string, number, boolean, date, GUID or bytes (store nested data as a JSON "
                "string)"
            )
        if isinstance(value, datetime) and value.tzinfo is None:
            raise InvalidArgumentError(f"property '{name}' is a datetime without a time zone")
        if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
            raise InvalidArgumentError(f"property '{name}' {value} does not fit in Edm.Int64")
        out[name] = value
    return out


def partition_groups(entities: Iterable[Entity]) -> list[list[Entity]]:
    """Entities grouped by PartitionKey, in first-seen order, each group at most MAX_BATCH
    long; a RowKey seen again starts a new group (a transaction may hold one action per
    entity, and the host's writer flushes the earlier one first)."""
    groups: list[list[Entity]] = []
    open_groups: dict[str, tuple[list[Entity], set[str]]] = {}
    for entity in entities:
        pk, rk = entity["PartitionKey"], entity["RowKey"]
        current = open_groups.get(pk)
        if current is None or rk in current[1] or len(current[0]) >= MAX_BATCH:
            current = ([], set())
            open_groups[pk] = current
            groups.append(current[0])
        current[0].append(entity)
        current[1].add(rk)
    return groups


def quote_filter_string(value: str) -> str:
    """A string literal of an OData filter ('it''s'), as TableClient.CreateQueryFilter
    writes one."""
    return "'" + value.replace("'", "''") + "'"


class TableService(Protocol):
    """Azure Table Storage operations. Table names are case-insensitive, as on the service."""

    def create_table(self, table: str) -> None:
        """Create the table; nothing happens if it already exists."""
        ...

    def delete_table(self, table: str) -> bool:
        """Delete the table and its entities; False if there was no such table."""
        ...

    def list_tables(self) -> list[str]:
        """Names of the tables, sorted."""
        ...

    def get(self, table: str, partition_key: str, row_key: str) -> Entity | None:
        """One entity, or None. Raises TableNotFoundError when the table is missing."""
        ...

    def query(self, table: str, filter: str | None = None, take: int | None = None) -> list[Entity]:
        """Entities matching an OData filter (all when None), by PartitionKey then RowKey,
        at most take of them. Raises TableNotFoundError, and InvalidArgumentError for a
        filter the service refuses."""
        ...

    def write(self, table: str, entities: list[Entity], mode: WriteMode = "insert") -> None:
        """Write entities of one partition in one transaction: all or none. Raises
        TableNotFoundError, and EntityAlreadyExistsError when inserting an existing key."""
        ...
