"""Table Storage through the one interface, on the embedded store and on a real Azurite."""

from __future__ import annotations

import multiprocessing
import re
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest

from funcls.runner.storage import (
    AzureBackend,
    EmbeddedBackend,
    EntityAlreadyExistsError,
    InvalidArgumentError,
    InvalidNameError,
    StorageError,
    TableNotFoundError,
    parse_connection_string,
    partition_groups,
)
from funcls.runner.storage.odata_filter import compile_filter
from tests.runner.storage.harness import Store


def table_name(store: Store) -> str:
    return "t" + uuid.uuid4().hex[:12]


def test_write_get_query_round_trip_keeps_types(store: Store) -> None:
    backend = store.open()
    table = table_name(store)
    backend.tables.create_table(table)
    backend.tables.create_table(table)  # nothing happens the second time
    moment = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=timezone.utc)
    guid = uuid.UUID("c9da6455-213d-42c9-9a79-3e9149a57833")
    backend.tables.write(
        table,
        [
            {
                "PartitionKey": "p",
                "RowKey": "b",
                "Name": "second",
                "Count": 2**40,
                "Ratio": 0.5,
                "Ok": True,
                "When": moment,
                "Id": guid,
                "Raw": b"\x00\x01",
                "Missing": None,
            },
            {"PartitionKey": "p", "RowKey": "a", "Name": "first", "Count": 1},
        ],
    )
    got = backend.tables.get(table, "p", "b")
    assert got == {
        "PartitionKey": "p",
        "RowKey": "b",
        "Name": "second",
        "Count": 2**40,
        "Ratio": 0.5,
        "Ok": True,
        "When": moment,
        "Id": guid,
        "Raw": b"\x00\x01",
    }
    assert backend.tables.get(table, "p", "zzz") is None
    rows = backend.tables.query(table)
    assert [r["RowKey"] for r in rows] == ["a", "b"]  # PartitionKey, then RowKey order
    assert backend.tables.query(table, "Count gt 1L") == [got]
    assert [r["RowKey"] for r in backend.tables.query(table, take=1)] == ["a"]
    assert backend.tables.query(table, "PartitionKey eq 'other'") == []


def test_insert_of_an_existing_key_fails_and_writes_nothing_of_its_batch(store: Store) -> None:
    backend = store.open()
    table = table_name(store)
    backend.tables.create_table(table)
    backend.tables.write(table, [{"PartitionKey": "p", "RowKey": "1", "V": "old"}])
    with pytest.raises(EntityAlreadyExistsError, match="RowKey '1'"):
        backend.tables.write(
            table,
            [
                {"PartitionKey": "p", "RowKey": "2", "V": "new"},
                {"PartitionKey": "p", "RowKey": "1", "V": "new"},
            ],
        )
    assert [r["RowKey"] for r in backend.tables.query(table)] == ["1"]
    backend.tables.write(table, [{"PartitionKey": "p", "RowKey": "1", "V": "new"}], "upsert")
    assert backend.tables.get(table, "p", "1") == {"PartitionKey": "p", "RowKey": "1", "V": "new"}
    backend.tables.write(
        table,
        [{"PartitionKey": "p", "RowKey": "1", "W": 2}, {"PartitionKey": "p", "RowKey": "3"}],
        "upsert",
    )
    assert backend.tables.get(table, "p", "1") == {"PartitionKey": "p", "RowKey": "1", "W": 2}
    assert [r["RowKey"] for r in backend.tables.query(table)] == ["1", "3"]


def test_missing_table_and_bad_names_and_keys(store: Store) -> None:
    backend = store.open()
    table = table_name(store)
    with pytest.raises(TableNotFoundError, match=f"table '{table}' does not exist"):
        backend.tables.query(table)
    with pytest.raises(TableNotFoundError):
        backend.tables.write(table, [{"PartitionKey": "p", "RowKey": "r"}])
    with pytest.raises(InvalidNameError, match="letters and digits"):
        backend.tables.create_table("my-table")
    backend.tables.create_table(table)
    with pytest.raises(InvalidArgumentError, match="RowKey 'a/b' contains '/'"):
        backend.tables.write(table, [{"PartitionKey": "p", "RowKey": "a/b"}])
    with pytest.raises(InvalidArgumentError, match="PartitionKey must be a string, got nothing"):
        backend.tables.write(table, [{"RowKey": "r"}])
    with pytest.raises(InvalidArgumentError, match="property 'Nested' is a dict"):
        backend.tables.write(table, [{"PartitionKey": "p", "RowKey": "r", "Nested": {}}])
    assert backend.tables.query(table) == []
    assert backend.tables.delete_table(table) is True
    assert backend.tables.delete_table(table) is False


def test_table_names_ignore_case(store: Store) -> None:
    backend = store.open()
    table = table_name(store)
    backend.tables.create_table(table)
    backend.tables.write(table.upper(), [{"PartitionKey": "p", "RowKey": "r"}])
    assert len(backend.tables.query(table)) == 1


def test_embedded_tables_survive_a_reopen(embedded_store: Store) -> None:
    first = embedded_store.open_embedded()
    first.tables.create_table("Orders")
    first.tables.write("Orders", [{"PartitionKey": "p", "RowKey": "r", "N": 1}])
    first.close()
    second = embedded_store.open_embedded()
    assert second.tables.list_tables() == ["Orders"]
    assert second.tables.get("Orders", "p", "r") == {"PartitionKey": "p", "RowKey": "r", "N": 1}


def _insert_rows(root: str, start: int) -> None:
    with EmbeddedBackend(Path(root)) as backend:
        for i in range(start, start + 40):
            backend.tables.write("Shared", [{"PartitionKey": "p", "RowKey": f"{i:04}"}])


def test_embedded_tables_take_writes_from_several_processes(embedded_store: Store) -> None:
    backend = embedded_store.open_embedded()
    backend.tables.create_table("Shared")
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_insert_rows, args=(str(backend.root), n * 40)) for n in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert len(backend.tables.query("Shared")) == 120


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PartitionKey eq 'p' and Age gt 30", ["b"]),
        ("Age ge 30 or Name eq 'x''y'", ["a", "b"]),
        ("not (Age lt 40)", ["b"]),
        ("PartitionKey eq 'p' and Age lt 40 or Name eq 'x''y'", ["a"]),
        ("Missing eq 'z'", []),
        ("Missing ne 'z'", []),
        ("Name eq 30", []),
        ("When ge datetime'2024-01-01T00:00:00Z'", ["b"]),
        ("Id eq guid'c9da6455-213d-42c9-9a79-3e9149a57833'", ["a"]),
        ("Ok eq true", ["a"]),
        ("Ratio gt 1.5", ["b"]),
    ],
)
def test_odata_filter_on_the_embedded_store(text: str, expected: list[str]) -> None:
    rows = [
        {
            "PartitionKey": "p",
            "RowKey": "a",
            "Name": "x'y",
            "Age": 30,
            "Ok": True,
            "Ratio": 1.0,
            "Id": uuid.UUID("c9da6455-213d-42c9-9a79-3e9149a57833"),
            "When": datetime(2023, 1, 1, tzinfo=timezone.utc),
        },
        {
            "PartitionKey": "p",
            "RowKey": "b",
            "Name": "z",
            "Age": 41,
            "Ok": False,
            "Ratio": 2.0,
            "When": datetime(2024, 6, 1, tzinfo=timezone.utc),
        },
    ]
    matches = compile_filter(text)
    assert [r["RowKey"] for r in rows if matches(r)] == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Age gt", "expected a property name or a value at its end"),
        ("Age 30", "expected a comparison"),
        ("(Age eq 1", "expected ')' at its end"),
        ("Age eq 1 Name", "expected 'and', 'or' or ')' at offset 9"),
        ("Age eq datetime'yesterday'", "is not valid"),
        ("Age eq Name", "compare a property with a value"),
        ("Age eq $1", "cannot read '$1' at offset 7"),
    ],
)
def test_bad_filters_name_the_place(text: str, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=re.escape(message)):
        compile_filter(text)


def test_partition_groups_split_by_partition_duplicate_row_and_batch_size() -> None:
    entities = [{"PartitionKey": "a", "RowKey": str(i)} for i in range(150)]
    entities += [{"PartitionKey": "b", "RowKey": "x"}, {"PartitionKey": "b", "RowKey": "x"}]
    groups = partition_groups(entities)
    assert [len(g) for g in groups] == [100, 50, 1, 1]
    assert [g[0]["PartitionKey"] for g in groups] == ["a", "a", "b", "b"]


def test_azure_tables_without_the_sdk_say_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "azure.data.tables", None)  # as if not installed
    monkeypatch.delitem(sys.modules, "funcls.runner.storage.azure_tables", raising=False)
    backend = AzureBackend(parse_connection_string("UseDevelopmentStorage=true"), tmp_path)
    try:
        with pytest.raises(StorageError, match="pip install azure-data-tables"):
            backend.tables.query("Items")
    finally:
        backend.close()
