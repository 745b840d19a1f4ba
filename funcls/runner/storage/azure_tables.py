"""TableService over azure-data-tables (Azure Storage or Azurite's table service).

Imported only when a table binding meets an Azure connection (azure_backend.py opens it on
first use), so queues and blobs on Azure do not need azure-data-tables installed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

from azure.core.exceptions import HttpResponseError, ServiceRequestError
from azure.data.tables import EdmType, EntityProperty, TableServiceClient, TableTransactionError

from ._azure_common import error_code
from .connection import mask_secrets
from .errors import (
    EntityAlreadyExistsError,
    InvalidArgumentError,
    StorageError,
    StorageUnavailableError,
    TableNotFoundError,
)
from .tables import KEY_NAMES, Entity, WriteMode, check_entity, check_table_name

PAGE_LIMIT = 1000
"""The most entities the service returns per page ($top)."""


@contextmanager
def _translated(table: str, entities: list[Entity] | None = None) -> Iterator[None]:
    try:
        yield
    except ServiceRequestError as error:
        raise StorageUnavailableError(
            f"table service unreachable: {mask_secrets(str(error))}"
        ) from error
    except HttpResponseError as error:
        code = error_code(error)
        if error.status_code == 404:
            # TableNotFound; Azurite answers a query of a missing table 404 without a code.
            # A missing entity (ResourceNotFound) is told apart by get().
            raise TableNotFoundError(table) from error
        if code == "EntityAlreadyExists":
            first = (entities or [{}])[0]
            if isinstance(error, TableTransactionError) and entities:
                first = entities[min(getattr(error, "index", 0) or 0, len(entities) - 1)]
            raise EntityAlreadyExistsError(
                table, str(first.get("PartitionKey")), str(first.get("RowKey"))
            ) from error
        if code in ("InvalidInput", "InvalidQueryParameterValue", "OutOfRangeInput") or (
            error.status_code == 400
        ):
            raise InvalidArgumentError(
                f"table '{table}': {mask_secrets(str(error).splitlines()[0])}"
            ) from error
        first_line = mask_secrets(str(error).splitlines()[0] if str(error) else "")
        raise StorageError(
            f"table request failed ({error.status_code} {code}): {first_line}"
        ) from error


def _to_service(entity: Entity) -> dict[str, Any]:
    """Python values as the SDK writes them; whole numbers as Edm.Int64, as the host's
    Tables binding writes a JSON integer (Json.NET reads it as a long)."""
    out: dict[str, Any] = {}
    for name, value in entity.items():
        if isinstance(value, int) and not isinstance(value, bool) and name not in KEY_NAMES:
            out[name] = EntityProperty(value, EdmType.INT64)
        else:
            out[name] = value
    return out


def _from_service(raw: Any) -> Entity:
    entity: Entity = {"PartitionKey": raw.get("PartitionKey"), "RowKey": raw.get("RowKey")}
    for name, value in raw.items():
        if name in KEY_NAMES:
            continue
        if isinstance(value, EntityProperty):
            value = value.value
            if isinstance(value, str) and value.lstrip("-").isdigit():
                value = int(value)
        if isinstance(value, datetime):  # the SDK's TablesEntityDatetime, as a datetime
            value = datetime(
                *value.timetuple()[:6], value.microsecond, tzinfo=value.tzinfo or timezone.utc
            )
        if isinstance(value, uuid.UUID):
            value = uuid.UUID(str(value))
        entity[name] = value
    return entity


class AzureTables:
    """TableService over azure-data-tables."""

    def __init__(self, service: TableServiceClient | None) -> None:
        self._service = service

    def _client(self, table: str) -> Any:
        check_table_name(table)
        if self._service is None:
            raise StorageError(
                "the storage connection string has no table endpoint; add TableEndpoint=... "
                "or AccountName=..."
            )
        return self._service.get_table_client(table)

    def create_table(self, table: str) -> None:
        client = self._client(table)
        try:
            with _translated(table):
                client.create_table()
        except StorageError as error:
            cause = error.__cause__
            if isinstance(cause, HttpResponseError) and error_code(cause) == "TableAlreadyExists":
                return
            raise

    def delete_table(self, table: str) -> bool:
        client = self._client(table)
        if table.lower() not in (t.lower() for t in self.list_tables()):
            return False
        with _translated(table):
            client.delete_table()
        return True

    def list_tables(self) -> list[str]:
        if self._service is None:
            return []
        with _translated(""):
            return sorted(t.name for t in self._service.list_tables())

    def get(self, table: str, partition_key: str, row_key: str) -> Entity | None:
        client = self._client(table)
        try:
            with _translated(table):
                return _from_service(client.get_entity(partition_key, row_key))
        except TableNotFoundError as error:
            cause = error.__cause__
            if isinstance(cause, HttpResponseError) and error_code(cause) == "ResourceNotFound":
                # A missing entity answers 404 ResourceNotFound; a missing table TableNotFound.
                return None
            raise

    def query(self, table: str, filter: str | None = None, take: int | None = None) -> list[Entity]:
        client = self._client(table)
        if take is not None and take < 1:
            raise InvalidArgumentError(f"take {take!r} must be at least 1")
        per_page = min(take, PAGE_LIMIT) if take else None
        out: list[Entity] = []
        with _translated(table):
            if filter:
                pages = client.query_entities(filter, results_per_page=per_page)
            else:
                pages = client.list_entities(results_per_page=per_page)
            for raw in pages:
                out.append(_from_service(raw))
                if take is not None and len(out) >= take:
                    break
        return out

    def write(self, table: str, entities: list[Entity], mode: WriteMode = "insert") -> None:
        checked = [check_entity(e) for e in entities]
        if not checked:
            return
        client = self._client(table)
        operation = "create" if mode == "insert" else "upsert"
        with _translated(table, checked):
            if len(checked) == 1:
                if mode == "insert":
                    client.create_entity(_to_service(checked[0]))
                else:
                    client.upsert_entity(_to_service(checked[0]), mode="replace")
                return
            client.submit_transaction(
                [(operation, _to_service(e), {"mode": "replace"}) for e in checked]
                if mode == "upsert"
                else [(operation, _to_service(e)) for e in checked]
            )
