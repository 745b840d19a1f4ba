"""Blob receipts and change detection for blob triggers.

Like the Functions host, a blob trigger remembers, per function, which version (etag) of each
blob it has processed; a blob is new or changed when there is no receipt for its current etag.
Receipts live in SQLite under the app's `.funcls/storage/` for both backends: for the embedded
store that is where the blobs are; for Azure Storage or Azurite it keeps receipts off the
account (the host writes them to the `azure-webjobs-hosts` container, which a local run should
not share with a deployed app). Each backend has its own scope (`embedded`, or the account and
blob endpoint), so switching backends never hides a blob from a trigger.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

from ._sqlite import Database
from .errors import ContainerNotFoundError
from .interface import BlobProperties, StorageBackend

RECEIPT_SCHEMA = """
CREATE TABLE IF NOT EXISTS blob_receipts (
    scope TEXT NOT NULL,
    function_id TEXT NOT NULL,
    path TEXT NOT NULL,
    etag TEXT NOT NULL,
    processed REAL NOT NULL,
    PRIMARY KEY (scope, function_id, path)
);
"""

RECEIPTS_FILE = "blob-receipts.sqlite"


class SqliteBlobReceipts:
    """Receipts of one backend scope. One row per (function, blob path) holds the etag of the
    last processed version: receipts of superseded versions could never match again."""

    def __init__(self, path: Path, scope: str) -> None:
        self._db = Database(path, RECEIPT_SCHEMA)
        self.scope = scope

    def is_processed(self, function_id: str, blob: BlobProperties) -> bool:
        with self._db.read() as db:
            row = db.execute(
                "SELECT etag FROM blob_receipts WHERE scope = ? AND function_id = ? AND path = ?",
                (self.scope, function_id, blob.path),
            ).fetchone()
        return row is not None and row[0] == blob.etag

    def unprocessed(
        self, function_id: str, blobs: Iterable[BlobProperties]
    ) -> list[BlobProperties]:
        """The blobs without a receipt for their current etag, in one query."""
        with self._db.read() as db:
            seen = dict(
                db.execute(
                    "SELECT path, etag FROM blob_receipts WHERE scope = ? AND function_id = ?",
                    (self.scope, function_id),
                ).fetchall()
            )
        return [blob for blob in blobs if seen.get(blob.path) != blob.etag]

    def mark_processed(self, function_id: str, blob: BlobProperties) -> None:
        with self._db.write() as db:
            db.execute(
                "INSERT OR REPLACE INTO blob_receipts (scope, function_id, path, etag, processed)"
                " VALUES (?, ?, ?, ?, ?)",
                (self.scope, function_id, blob.path, blob.etag, time.time()),
            )

    def forget(self, function_id: str) -> int:
        with self._db.write() as db:
            cursor = db.execute(
                "DELETE FROM blob_receipts WHERE scope = ? AND function_id = ?",
                (self.scope, function_id),
            )
            return cursor.rowcount

    def close(self) -> None:
        self._db.close()


def find_unprocessed_blobs(
    backend: StorageBackend, function_id: str, container: str, prefix: str = ""
) -> list[BlobProperties]:
    """Blobs under container/prefix that function_id has not processed in their current
    version, oldest first. A missing container has no blobs (the host waits for it too).
    The listener calls `backend.receipts.mark_processed` after a successful invocation."""
    try:
        blobs = backend.blobs.list_blobs(container, prefix)
    except ContainerNotFoundError:
        return []
    pending = backend.receipts.unprocessed(function_id, blobs)
    return sorted(pending, key=lambda blob: (blob.last_modified, blob.name))
