"""Table input and output bindings, as the host's Tables extension serves Python functions.

Input (`@app.table_input`, v1 `"type": "table", "direction": "in"`): the host binds a
non-.NET function's table input to a JSON array (Microsoft.Azure.WebJobs.Extensions.Tables,
TablesExtensionConfigProvider.JObjectBuilder's JArray converter): the query is
`PartitionKey eq '<partitionKey>'`, joined with ` and <filter>` when both are set (no
parentheses, as the extension writes it), `take` entities at most (all when 0 or unset).
`rowKey` is not part of the query: with partitionKey and rowKey the function still gets the
partition as an array (reported as Azure/azure-functions-python-worker#1725 and #1231,
Azure/azure-functions-host#10356; the worker's own tests/endtoend/test_table_functions.py
reads the array). Each entity is an object of PartitionKey, RowKey and its properties; the
function receives the array as JSON text (a str), as the worker hands it over.

Output (`@app.table_output`, v1 `"direction": "out"`): the value is JSON text of one object or
an array of objects (the host's FunctionBinding.ReadAsEnumerable); each object's
PartitionKey and RowKey (any case) win over the binding's partitionKey / rowKey; other members
become properties (TablesExtensionConfigProvider.CreateTableEntityFromJObject). The host
parses text with Json.NET's JToken.Parse, which reads an ISO 8601 date string as a
DateTime, so such strings are stored as Edm.DateTime, and a whole number as Edm.Int64.
Entities are inserted, one transaction per partition of up to 100 (TableEntityWriter); an
existing key fails the invocation, and a missing table is created.
`{name}` expressions in `filter` are escaped as TableFilterFormatter does: inside quotes a
value's `'` is doubled; outside quotes only a boolean or a number is accepted.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from funcls.model.bindingview import lookup
from funcls.model.fastclass import dataclass
from funcls.runner.binding_data import BindingExpressionError
from funcls.runner.messages import Wire
from funcls.runner.storage import (
    Entity,
    StorageBackend,
    TableNotFoundError,
    partition_groups,
    quote_filter_string,
)

Resolve = Callable[..., str]

# Json.NET's ISO 8601 date recognition (DateTimeUtils.TryParseDateTimeIso): a date, `T`, a
# time with optional fraction, and an optional `Z` or offset.
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?(?:Z|[+-]\d{2}:\d{2})?$")
_PARAMETER = re.compile(r"\{([^{}]+)\}")


class TableBindingError(BindingExpressionError):
    """A table binding value the host would refuse; the invocation fails with it."""


def _number_or_bool(text: str) -> bool:
    if text.lower() in ("true", "false"):
        return True
    try:
        float(text)
    except ValueError:
        return False
    return True


def resolve_filter(text: str, resolve: Resolve) -> str:
    """The filter with `{name}` values escaped as the host's TableFilterFormatter does."""
    names = _PARAMETER.findall(text)
    if not names or (len(names) == 1 and text.strip() == f"{{{names[0]}}}"):
        return resolve(text)
    quoted = {n for n in names if text.count(f"'{{{n}}}'") == text.count(f"{{{n}}}")}

    def escape(name: str, value: str) -> str:
        if name in quoted:
            return value.replace("'", "''")
        if not _number_or_bool(value):
            raise BindingExpressionError(
                f"An invalid parameter value was specified for filter parameter '{name}': "
                f"{value!r} is not a boolean or a number; put '{{{name}}}' in quotes to "
                "compare it as a string"
            )
        return value

    return resolve(text, escape=escape)


@dataclass(frozen=True)
class TableQuery:
    table: str
    filter: str | None
    take: int | None


def input_query(binding: Mapping[str, Any], resolve: Resolve) -> TableQuery:
    table = resolve(str(lookup(binding, "tableName") or ""))
    if not table:
        raise BindingExpressionError(
            f"table input '{binding.get('name')}' has no tableName; set table_name= "
            "(tableName in function.json)"
        )
    partition = lookup(binding, "partitionKey")
    raw_filter = lookup(binding, "filter")
    query = resolve_filter(str(raw_filter), resolve) if raw_filter else ""
    if partition:
        predicate = f"PartitionKey eq {quote_filter_string(resolve(str(partition)))}"
        query = f"{predicate} and {query}" if query else predicate
    take_raw = lookup(binding, "take")
    try:
        take = int(take_raw) if take_raw not in (None, "") else 0
    except (TypeError, ValueError):
        raise BindingExpressionError(
            f"table input '{binding.get('name')}': take {take_raw!r} is not a whole number"
        ) from None
    return TableQuery(table, query or None, take if take > 0 else None)


def _json_value(value: Any) -> Any:
    """A property value as Json.NET writes it (JToken.FromObject)."""
    if isinstance(value, datetime):
        # DateTimeOffset in Json.NET's ISO form: fraction without trailing zeros, +00:00.
        text = value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        if value.microsecond:
            text += f".{value.microsecond:06d}".rstrip("0")
        return text + "+00:00"
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def as_json(entity: Entity) -> dict[str, Any]:
    """The entity as the function reads it back (JSON-ready values)."""
    return {k: _json_value(v) for k, v in entity.items()}


def entities_json(entities: list[Entity]) -> str:
    return json.dumps(
        [as_json(e) for e in entities],
        separators=(",", ":"),
        ensure_ascii=False,
    )


def read_input(backend: StorageBackend, query: TableQuery) -> Wire:
    """The input as the function receives it: JSON text of an array (empty when the table
    does not exist, as the host's query of a missing table yields no entity)."""
    try:
        entities = backend.tables.query(query.table, query.filter, query.take)
    except TableNotFoundError:
        entities = []
    return ("json", entities_json(entities))


@dataclass(frozen=True)
class TableTarget:
    table: str
    partition_key: str | None
    row_key: str | None

    def describe(self) -> str:
        return self.table


def output_target(binding: Mapping[str, Any], resolve: Resolve) -> TableTarget:
    table = resolve(str(lookup(binding, "tableName") or ""))
    if not table:
        raise BindingExpressionError(
            f"table output '{binding.get('name')}' has no tableName; set table_name= "
            "(tableName in function.json)"
        )
    pk, rk = lookup(binding, "partitionKey"), lookup(binding, "rowKey")
    return TableTarget(table, resolve(str(pk)) if pk else None, resolve(str(rk)) if rk else None)


def _property(name: str, value: Any, read_dates: bool) -> Any:
    if isinstance(value, (dict, list)):
        kind = "object" if isinstance(value, dict) else "array"
        raise TableBindingError(
            f"property '{name}' of a table entity is a JSON {kind}; "
            "a table property holds a string, number or boolean (store nested data as a "
            "JSON string)"
        )
    if read_dates and isinstance(value, str) and _ISO_DATE.match(value):
        text = value.replace("Z", "+00:00")
        if "." in text:  # Python reads at most 6 fraction digits
            head, _, tail = text.partition(".")
            digits = re.match(r"\d+", tail)
            frac = digits.group() if digits else ""
            text = head + "." + (frac[:6].ljust(6, "0")) + tail[len(frac) :]
        moment = datetime.fromisoformat(text)
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return value


def output_entities(wire: Wire, target: TableTarget) -> list[Entity]:
    """The entities a table output value holds; TableBindingError says what is wrong."""
    kind, value = wire
    text = value.decode("utf-8") if isinstance(value, bytes) else value
    parsed: Any = None
    if isinstance(text, str):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
    elif kind in ("int", "double"):
        parsed = value
    # Text (a str the function set) reaches the Tables binding as a string that the host
    # parses with JToken.Parse, which reads ISO dates as DateTime; JSON typed data is
    # deserialized with DateParseHandling.None (GrpcMessageConversionExtensions.ToObject).
    read_dates = kind != "json"
    items = parsed if isinstance(parsed, list) else [parsed]
    entities: list[Entity] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            where = f"item {index} of the array" if isinstance(parsed, list) else "the value"
            raise TableBindingError(
                f"table output to '{target.table}': {where} is not a JSON object; a table "
                "output takes an object with PartitionKey and RowKey, or an array of such "
                "objects (json.dumps(...))"
            )
        entity: Entity = {"PartitionKey": target.partition_key, "RowKey": target.row_key}
        for name, member in item.items():
            if name.lower() == "partitionkey":
                entity["PartitionKey"] = member
            elif name.lower() == "rowkey":
                entity["RowKey"] = member
            elif member is not None:
                entity[name] = _property(name, member, read_dates)
        entities.append(entity)
    return entities


def write_output(backend: StorageBackend, target: TableTarget, entities: list[Entity]) -> None:
    """Insert the entities, one transaction per partition; the table is created when the
    first write finds it missing (TableEntityWriter.FlushPartitionAsync)."""
    for group in partition_groups(entities):
        try:
            backend.tables.write(target.table, group)
        except TableNotFoundError:
            backend.tables.create_table(target.table)
            backend.tables.write(target.table, group)
