"""The embedded store: queues and blobs of one app kept under `<app>/.funcls/storage/`.

    .funcls/storage/storage.sqlite        queues, messages, containers, blob properties, tables
    .funcls/storage/blobs/<container>/    one file per blob version
    .funcls/storage/blob-receipts.sqlite  blob trigger receipts (see receipts.py)

Several processes of one runner may open the same store at once; see _sqlite.py for how.
"""

from __future__ import annotations

import os
from pathlib import Path

from ._sqlite import Database
from .embedded_blobs import BLOB_SCHEMA, EmbeddedBlobs
from .embedded_queues import QUEUE_SCHEMA, EmbeddedQueues
from .embedded_tables import TABLE_SCHEMA, EmbeddedTables
from .interface import MessageEncoding
from .receipts import RECEIPTS_FILE, SqliteBlobReceipts

STATE_DIR = ".funcls"
STORAGE_DIR = "storage"
EMBEDDED_SCOPE = "embedded"


def storage_dir(app_dir: Path) -> Path:
    """Where an app's local storage lives; creates `.funcls/` with a .gitignore of `*` so the
    store is never committed by accident."""
    state = app_dir / STATE_DIR
    if not state.exists():
        state.mkdir(parents=True, exist_ok=True)
        (state / ".gitignore").write_text("# funcls local state\n*\n", encoding="utf-8")
    return state / STORAGE_DIR


def display_path(path: Path) -> str:
    """path relative to the working directory when it is below it (`./.funcls/storage`)."""
    try:
        relative = path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return str(path)
    return f".{os.sep}{relative}" if str(relative) != "." else "."


class EmbeddedBackend:
    """StorageBackend on SQLite and files; the default when no real storage is reachable."""

    def __init__(self, root: Path, *, message_encoding: MessageEncoding = "base64") -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self._db = Database(
            root / "storage.sqlite", QUEUE_SCHEMA + ";" + BLOB_SCHEMA + ";" + TABLE_SCHEMA
        )
        self._queues = EmbeddedQueues(self._db, message_encoding)
        self._blobs = EmbeddedBlobs(self._db, root / "blobs")
        self._tables = EmbeddedTables(self._db)
        self._receipts = SqliteBlobReceipts(root / RECEIPTS_FILE, EMBEDDED_SCOPE)
        self._blobs.sweep_orphans()
        self._description = f"embedded store at {display_path(root)}"

    @classmethod
    def for_app(
        cls, app_dir: Path, *, message_encoding: MessageEncoding = "base64"
    ) -> EmbeddedBackend:
        return cls(storage_dir(app_dir), message_encoding=message_encoding)

    @property
    def queues(self) -> EmbeddedQueues:
        return self._queues

    @property
    def blobs(self) -> EmbeddedBlobs:
        return self._blobs

    @property
    def tables(self) -> EmbeddedTables:
        return self._tables

    @property
    def receipts(self) -> SqliteBlobReceipts:
        return self._receipts

    @property
    def description(self) -> str:
        return self._description

    def close(self) -> None:
        self._receipts.close()
        self._db.close()

    def __enter__(self) -> EmbeddedBackend:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
