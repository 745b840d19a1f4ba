"""The host's Tables binding rules of funcls.runner.table_binding, as pure functions."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from funcls.runner.binding_data import BindingExpressionError, resolve
from funcls.runner.table_binding import (
    TableBindingError,
    TableTarget,
    entities_json,
    input_query,
    output_entities,
)

TARGET = TableTarget("Items", "pk", None)


def resolver(data: dict[str, Any]) -> Any:
    def run(text: str, **options: Any) -> str:
        return resolve(text, data, {"Table": "Orders"}, **options)

    return run


@pytest.mark.parametrize(
    ("binding", "data", "expected"),
    [
        ({"tableName": "T1"}, {}, ("T1", None, None)),
        ({"tableName": "%Table%", "take": 5}, {}, ("Orders", None, 5)),
        ({"tableName": "T1", "take": 0}, {}, ("T1", None, None)),
        (
            {"tableName": "T1", "partitionKey": "{p}", "rowKey": "r"},
            {"p": "it's"},
            ("T1", "PartitionKey eq 'it''s'", None),
        ),
        (
            {"tableName": "T1", "partitionKey": "a", "filter": "Age gt {age} or X eq 1"},
            {"age": 3},
            ("T1", "PartitionKey eq 'a' and Age gt 3 or X eq 1", None),
        ),
        (
            {"tableName": "T1", "filter": "Name eq '{n}'"},
            {"n": "O'B"},
            ("T1", "Name eq 'O''B'", None),
        ),
        ({"tableName": "T1", "filter": "{whole}"}, {"whole": "A eq 'x'"}, ("T1", "A eq 'x'", None)),
    ],
)
def test_input_query(
    binding: dict[str, Any], data: dict[str, Any], expected: tuple[str, str | None, int | None]
) -> None:
    query = input_query(binding, resolver(data))
    assert (query.table, query.filter, query.take) == expected


def test_unquoted_filter_values_must_be_numbers_or_booleans() -> None:
    binding = {"tableName": "T1", "filter": "Age gt {age}"}
    assert input_query(binding, resolver({"age": "true"})).filter == "Age gt true"
    with pytest.raises(BindingExpressionError, match="filter parameter 'age'"):
        input_query(binding, resolver({"age": "1 or true"}))


def test_output_entities_from_text_read_dates_as_the_host_does() -> None:
    text = '[{"RowKey": "a", "When": "2024-01-02T03:04:05.1234567Z", "N": 2, "X": null}]'
    assert output_entities(("string", text), TARGET) == [
        {
            "PartitionKey": "pk",
            "RowKey": "a",
            "When": datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=timezone.utc),
            "N": 2,
        }
    ]
    # JSON typed data is deserialized without date parsing.
    assert (
        output_entities(("json", '{"RowKey": "a", "W": "2024-01-02T03:04:05Z"}'), TARGET)[0]["W"]
        == "2024-01-02T03:04:05Z"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("plain", "the value is not a JSON object"),
        ("[1]", "item 0 of the array is not a JSON object"),
        ('{"RowKey": "a", "L": [1]}', "property 'L' of a table entity is a JSON array"),
    ],
)
def test_refused_outputs(value: str, message: str) -> None:
    with pytest.raises(TableBindingError, match=message):
        output_entities(("string", value), TARGET)


def test_entities_json_as_json_net_writes_them() -> None:
    moment = datetime(2024, 1, 2, 3, 4, 5, 120000, tzinfo=timezone.utc)
    assert entities_json([{"PartitionKey": "p", "RowKey": "r", "W": moment, "B": b"\x01"}]) == (
        '[{"PartitionKey":"p","RowKey":"r","W":"2024-01-02T03:04:05.12+00:00","B":"AQ=="}]'
    )
