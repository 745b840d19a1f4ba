"""The StorageBackend on Azure Storage or Azurite, through the official SDKs.

Service error codes become the errors of errors.py (_azure_common.py); blob receipts stay in
local SQLite (receipts.py says why).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from azure.core.credentials import AzureNamedKeyCredential, AzureSasCredential
from azure.storage import blob as blob_sdk
from azure.storage import queue as queue_sdk

from .azure_blobs import AzureBlobs
from .azure_queues import AzureQueues
from .connection import StorageConnection
from .errors import StorageError
from .interface import MessageEncoding
from .receipts import RECEIPTS_FILE, SqliteBlobReceipts

if TYPE_CHECKING:
    from .azure_tables import AzureTables


def _credential(connection: StorageConnection) -> Any:
    if connection.account_key and connection.account_name:
        return AzureNamedKeyCredential(connection.account_name, connection.account_key)
    if connection.sas_token:
        return AzureSasCredential(connection.sas_token)
    return None


def _client_options(connection: StorageConnection, sdk: Any) -> dict[str, Any]:
    """Retries: the SDK's default (15 s backoff, up to a minute and more per call) would freeze
    the runner. A local emulator either answers or is down, so it gets one immediate retry;
    a storage account gets three quick exponential ones for throttling and blips."""
    if connection.emulator:
        return {
            "retry_policy": sdk.LinearRetry(backoff=0, retry_total=1, random_jitter_range=0),
            "connection_timeout": 2,
        }
    return {
        "retry_policy": sdk.ExponentialRetry(
            initial_backoff=1, increment_base=2, retry_total=3, random_jitter_range=1
        )
    }


class AzureBackend:
    """StorageBackend for a storage account or Azurite. Blob receipts are kept locally in
    `<storage_dir>/blob-receipts.sqlite` (see receipts.py for why)."""

    def __init__(
        self,
        connection: StorageConnection,
        storage_dir: Path,
        *,
        message_encoding: MessageEncoding = "base64",
    ) -> None:
        self.connection = connection
        credential = _credential(connection)
        queue_service = (
            queue_sdk.QueueServiceClient(
                connection.queue_endpoint,
                credential=credential,
                **_client_options(connection, queue_sdk),
            )
            if connection.queue_endpoint
            else None
        )
        blob_service = (
            blob_sdk.BlobServiceClient(
                connection.blob_endpoint,
                credential=credential,
                **_client_options(connection, blob_sdk),
            )
            if connection.blob_endpoint
            else None
        )
        self._closables: list[Any] = [s for s in (queue_service, blob_service) if s is not None]
        self._tables: AzureTables | None = None
        self._tables_lock = threading.Lock()
        self._queues = AzureQueues(queue_service, message_encoding)
        self._blobs = AzureBlobs(blob_service)
        self._receipts = SqliteBlobReceipts(storage_dir / RECEIPTS_FILE, connection.scope)
        self._description = connection.describe()

    @property
    def queues(self) -> AzureQueues:
        return self._queues

    @property
    def blobs(self) -> AzureBlobs:
        return self._blobs

    @property
    def tables(self) -> AzureTables:
        """The table service, opened on first use: azure-data-tables is imported only by
        apps with table bindings."""
        with self._tables_lock:
            if self._tables is None:
                try:
                    from azure.data import tables as table_sdk

                    from .azure_tables import AzureTables
                except ImportError as error:
                    raise StorageError(
                        "table bindings on Azure Storage need the azure-data-tables package: "
                        "python -m pip install azure-data-tables"
                    ) from error

                connection = self.connection
                service = (
                    table_sdk.TableServiceClient(
                        connection.table_endpoint,
                        credential=_credential(connection),
                        # the same bounded retries as queues and blobs (azure-core options)
                        retry_total=1 if connection.emulator else 3,
                        retry_backoff_factor=0 if connection.emulator else 1,
                        connection_timeout=2 if connection.emulator else 20,
                    )
                    if connection.table_endpoint
                    else None
                )
                if service is not None:
                    self._closables.append(service)
                self._tables = AzureTables(service)
            return self._tables

    @property
    def receipts(self) -> SqliteBlobReceipts:
        return self._receipts

    @property
    def description(self) -> str:
        return self._description

    def close(self) -> None:
        for service in self._closables:
            service.close()
        self._receipts.close()

    def __enter__(self) -> AzureBackend:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
