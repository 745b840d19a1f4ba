"""Table input and output bindings through a real `funcls run` on loopback, on the embedded
store and on a real Azurite (its table service, through azure-data-tables)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from funcls.runner.storage import StorageBackend, open_backend
from tests.runner.runner_process import RunningApp

pytestmark = pytest.mark.slow


@dataclass
class Storage:
    kind: str
    env: dict[str, str]
    connection: str | None

    def open(self, app_dir: Path) -> StorageBackend:
        force = "embedded" if self.connection is None else "azure"
        backend, _ = open_backend(self.connection, app_dir, force=force)  # type: ignore[arg-type]
        return backend


@pytest.fixture(params=["embedded", pytest.param("azurite", marks=pytest.mark.azurite)])
def storage(request: pytest.FixtureRequest) -> Storage:
    if request.param == "embedded":
        return Storage("embedded", {}, None)
    connection = request.getfixturevalue("runner_azurite").connection_string
    return Storage("azurite", {"AzureWebJobsStorage": connection}, connection)


def rows(response: object) -> list[dict[str, object]]:
    text = getattr(response, "text")  # noqa: B009
    parsed = json.loads(text.removeprefix("str:"))
    assert isinstance(parsed, list)
    return parsed


def test_output_then_input_as_the_host_serves_python(
    storage: Storage, app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    app_dir = app_copy("tables")
    running = run_app(app_dir, "--no-reload", env=storage.env)
    # One partition per test run: Azurite is shared by the session.
    pk = f"p{uuid.uuid4().hex[:8]}"
    written = running.post(
        "/api/items",
        content=json.dumps(
            [
                {"PartitionKey": pk, "RowKey": "a", "Name": "O'Brien", "Age": 30},
                {"partitionkey": pk, "rowKey": "b", "Age": 41, "When": "2024-01-02T03:04:05Z"},
                {"RowKey": "c", "Note": "partition from the binding"},
            ]
        ),
    )
    assert (written.status_code, written.text) == (201, "written")

    # rowKey is set to '{partition}' but, as on the host, only the partition is queried.
    listed = running.get(f"/api/items/{pk}")
    assert listed.status_code == 200
    assert listed.text.startswith("str:[")  # the function gets JSON text, as from the worker
    assert json.loads(listed.text[4:]) == [
        {"PartitionKey": pk, "RowKey": "a", "Name": "O'Brien", "Age": 30},
        {"PartitionKey": pk, "RowKey": "b", "Age": 41, "When": "2024-01-02T03:04:05+00:00"},
    ]
    assert rows(running.get("/api/items/fromBinding")) == [
        {"PartitionKey": "fromBinding", "RowKey": "c", "Note": "partition from the binding"}
    ]
    assert [r["RowKey"] for r in rows(running.get(f"/api/first/{pk}"))] == ["a", "b"]

    # A quoted {name} in a filter has its quote doubled; an unquoted one must be a number.
    assert [r["RowKey"] for r in rows(running.get("/api/byname/O'Brien"))] == ["a"]
    older = running.get("/api/older/35")
    assert [(r["PartitionKey"], r["RowKey"]) for r in rows(older)] == []  # other partition
    refused = running.get("/api/older/abc")
    assert refused.status_code == 500
    assert "invalid parameter value was specified for filter parameter 'age'" in refused.text

    assert rows(running.get("/api/nothing")) == []  # a table that does not exist: no entity

    key = uuid.uuid4().hex[:8]
    returned = running.post(f"/api/returned/{key}", content=json.dumps({"V": 1}))
    assert (returned.status_code, returned.text) == (200, "ok")
    in_partition = json.loads(running.get("/api/items/ret").text[4:])
    assert {"PartitionKey": "ret", "RowKey": key, "V": 1} in in_partition

    backend = storage.open(app_dir)
    try:
        stored = backend.tables.get("Items", pk, "b")
        assert stored is not None
        assert stored["When"].isoformat() == "2024-01-02T03:04:05+00:00"  # Edm.DateTime
    finally:
        backend.close()


def test_refused_outputs_fail_the_invocation_and_write_nothing(
    storage: Storage, app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    app_dir = app_copy("tables")
    running = run_app(app_dir, "--no-reload", env=storage.env)
    pk = f"p{uuid.uuid4().hex[:8]}"
    first = running.post("/api/items", content=json.dumps({"PartitionKey": pk, "RowKey": "x"}))
    assert first.status_code == 201
    again = running.post(
        "/api/items",
        content=json.dumps(
            [{"PartitionKey": pk, "RowKey": "y"}, {"PartitionKey": pk, "RowKey": "x"}]
        ),
    )
    assert again.status_code == 500
    assert f"already has an entity with PartitionKey '{pk}' and RowKey 'x'" in again.text
    nested = running.post(
        "/api/items", content=json.dumps({"PartitionKey": pk, "RowKey": "z", "N": {"a": 1}})
    )
    assert nested.status_code == 500
    assert "property 'N' of a table entity is a JSON object" in nested.text
    not_json = running.post("/api/items", content="plain text")
    assert not_json.status_code == 500
    assert "the value is not a JSON object" in not_json.text
    bad_key = running.post("/api/items", content=json.dumps({"PartitionKey": pk, "RowKey": "a/b"}))
    assert bad_key.status_code == 500
    assert "RowKey 'a/b' contains '/'" in bad_key.text
    # The failed batch (y, then the existing x) is one transaction: y was not written.
    listed = running.get(f"/api/items/{pk}")
    assert [r["RowKey"] for r in json.loads(listed.text[4:])] == ["x"]


def test_v1_table_input_and_the_banner(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    app_dir = app_copy("tables_v1")
    backend, _ = open_backend(None, app_dir, force="embedded")
    try:
        backend.tables.create_table("Items")
        backend.tables.write(
            "Items",
            [{"PartitionKey": "fromBinding", "RowKey": k} for k in ("r2", "r1")],
        )
    finally:
        backend.close()
    running = run_app(app_dir, "--no-reload")
    answer = running.get("/api/v1/items")
    assert (answer.status_code, answer.json()) == (200, ["r1", "r2"])
    assert "does not read" not in running.log()  # table inputs are read now


def test_embedded_tables_survive_a_restart_of_the_run(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    app_dir = app_copy("tables")
    first = run_app(app_dir, "--no-reload")
    assert first.post("/api/items", content='{"RowKey": "kept"}').status_code == 201
    first.stop()
    second = run_app(app_dir, "--no-reload")
    assert [r["RowKey"] for r in rows(second.get("/api/items/fromBinding"))] == ["kept"]
