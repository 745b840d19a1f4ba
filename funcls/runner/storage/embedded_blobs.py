"""Azure Blob Storage semantics on files plus SQLite.

Each version of a blob is its own file, `blobs/<container>/<version id>`, written to a temp
file, fsynced and renamed into place with os.replace; only then does a SQLite transaction point
the blob's row (etag, length, content type, metadata) at it. The row is the single source of
truth, so a reader always gets the content and the properties of the same version and never a
partly written file. The superseded file is removed after the commit; files a crashed writer
left behind (temp files, versions never committed) are swept when the store is opened.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path

from ._names import check_blob_name, check_container_name
from ._sqlite import Database
from .errors import (
    BlobAlreadyExistsError,
    BlobNotFoundError,
    ContainerNotFoundError,
    InvalidArgumentError,
    StorageError,
)
from .interface import BlobProperties, DownloadedBlob

BLOB_SCHEMA = """
CREATE TABLE IF NOT EXISTS containers (
    name TEXT PRIMARY KEY,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS blobs (
    container TEXT NOT NULL,
    name TEXT NOT NULL,
    etag TEXT NOT NULL,
    last_modified REAL NOT NULL,
    content_length INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    metadata TEXT NOT NULL,
    file TEXT NOT NULL,
    PRIMARY KEY (container, name)
);
"""

DEFAULT_CONTENT_TYPE = "application/octet-stream"
TEMP_PREFIX = ".tmp-"
ORPHAN_AGE_SECONDS = 600.0
_READ_ATTEMPTS = 8
_COLUMNS = "container, name, etag, last_modified, content_length, content_type, metadata, file"


def _properties(row: tuple[str, str, str, float, int, str, str, str]) -> BlobProperties:
    container, name, etag, modified, length, content_type, metadata, _ = row
    return BlobProperties(
        container=container,
        name=name,
        etag=etag,
        last_modified=datetime.fromtimestamp(modified, tz=timezone.utc),
        content_length=length,
        content_type=content_type,
        metadata=json.loads(metadata),
    )


def _fsync_directory(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file_atomically(path: Path, data: bytes) -> None:
    """Write data to path so that path holds either nothing or all of data."""
    temp = path.with_name(f"{TEMP_PREFIX}{secrets.token_hex(8)}")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


class EmbeddedBlobs:
    """The BlobService of the embedded store."""

    def __init__(self, db: Database, root: Path) -> None:
        self._db = db
        self._root = root
        root.mkdir(parents=True, exist_ok=True)

    def _directory(self, container: str) -> Path:
        return self._root / container

    def _require_container(self, db: sqlite3.Connection, container: str) -> None:
        if db.execute("SELECT 1 FROM containers WHERE name = ?", (container,)).fetchone() is None:
            raise ContainerNotFoundError(container)

    # -- containers -------------------------------------------------------------------------

    def create_container(self, container: str) -> None:
        check_container_name(container)
        self._directory(container).mkdir(parents=True, exist_ok=True)
        with self._db.write() as db:
            db.execute(
                "INSERT OR IGNORE INTO containers (name, created) VALUES (?, ?)",
                (container, time.time()),
            )

    def delete_container(self, container: str) -> bool:
        check_container_name(container)
        with self._db.write() as db:
            db.execute("DELETE FROM blobs WHERE container = ?", (container,))
            deleted = db.execute("DELETE FROM containers WHERE name = ?", (container,)).rowcount
        if deleted:
            shutil.rmtree(self._directory(container), ignore_errors=True)
        return deleted > 0

    def list_containers(self, prefix: str = "") -> list[str]:
        with self._db.read() as db:
            names = [row[0] for row in db.execute("SELECT name FROM containers ORDER BY name")]
        return [name for name in names if name.startswith(prefix)]

    # -- blobs ------------------------------------------------------------------------------

    def put(
        self,
        container: str,
        name: str,
        data: bytes,
        *,
        content_type: str | None = None,
        metadata: dict[str, str] | None = None,
        overwrite: bool = True,
    ) -> BlobProperties:
        check_container_name(container)
        check_blob_name(name)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise InvalidArgumentError(f"blob data must be bytes, got {type(data).__name__}")
        payload = bytes(data)
        meta = dict(metadata or {})
        with self._db.read() as db:  # fail before writing anything
            self._require_container(db, container)
            if not overwrite and self._row(db, container, name) is not None:
                raise BlobAlreadyExistsError(container, name)
        directory = self._directory(container)
        directory.mkdir(parents=True, exist_ok=True)
        version = secrets.token_hex(16)
        write_file_atomically(directory / version, payload)
        props = BlobProperties(
            container=container,
            name=name,
            etag=f'"0x{secrets.token_hex(8).upper()}"',
            last_modified=datetime.now(tz=timezone.utc),
            content_length=len(payload),
            content_type=content_type or DEFAULT_CONTENT_TYPE,
            metadata=meta,
        )
        try:
            with self._db.write() as db:
                self._require_container(db, container)
                old = self._row(db, container, name)
                if old is not None and not overwrite:
                    raise BlobAlreadyExistsError(container, name)
                db.execute(
                    f"INSERT OR REPLACE INTO blobs ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        container,
                        name,
                        props.etag,
                        props.last_modified.timestamp(),
                        props.content_length,
                        props.content_type,
                        json.dumps(meta),
                        version,
                    ),
                )
        except BaseException:
            (directory / version).unlink(missing_ok=True)
            raise
        if old is not None:
            self._discard(container, old[7])
        return props

    def _row(
        self, db: sqlite3.Connection, container: str, name: str
    ) -> tuple[str, str, str, float, int, str, str, str] | None:
        row = db.execute(
            f"SELECT {_COLUMNS} FROM blobs WHERE container = ? AND name = ?", (container, name)
        ).fetchone()
        return None if row is None else tuple(row)

    def _discard(self, container: str, version: str) -> None:
        # On Windows a reader may hold the file open; the sweep at the next open removes it.
        with contextlib.suppress(OSError):
            (self._directory(container) / version).unlink(missing_ok=True)

    def _current(
        self, container: str, name: str
    ) -> tuple[str, str, str, float, int, str, str, str]:
        check_container_name(container)
        check_blob_name(name)
        with self._db.read() as db:
            row = self._row(db, container, name)
            if row is None:
                self._require_container(db, container)
                raise BlobNotFoundError(container, name)
        return row

    def get(self, container: str, name: str) -> DownloadedBlob:
        for _ in range(_READ_ATTEMPTS):
            row = self._current(container, name)
            try:
                content = (self._directory(container) / row[7]).read_bytes()
            except FileNotFoundError:
                continue  # overwritten between reading the row and opening the file
            return DownloadedBlob(content=content, properties=_properties(row))
        raise StorageError(f"blob '{container}/{name}' kept changing while being read; retry")

    def exists(self, container: str, name: str) -> bool:
        check_container_name(container)
        check_blob_name(name)
        with self._db.read() as db:
            return self._row(db, container, name) is not None

    def delete(self, container: str, name: str) -> bool:
        check_container_name(container)
        check_blob_name(name)
        with self._db.write() as db:
            row = self._row(db, container, name)
            if row is None:
                self._require_container(db, container)
                return False
            db.execute("DELETE FROM blobs WHERE container = ? AND name = ?", (container, name))
        self._discard(container, row[7])
        return True

    def list_blobs(self, container: str, prefix: str = "") -> list[BlobProperties]:
        check_container_name(container)
        with self._db.read() as db:
            self._require_container(db, container)
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM blobs WHERE container = ? AND substr(name, 1, ?) = ?"
                " ORDER BY name",
                (container, len(prefix), prefix),
            ).fetchall()
        return [_properties(tuple(row)) for row in rows]

    def properties(self, container: str, name: str) -> BlobProperties:
        return _properties(self._current(container, name))

    # -- maintenance ------------------------------------------------------------------------

    def sweep_orphans(self, min_age: float = ORPHAN_AGE_SECONDS) -> int:
        """Remove files no row points to (left by a crashed writer) once they are min_age
        seconds old, so writers still between their rename and their commit are spared."""
        with self._db.read() as db:
            live = {(row[0], row[1]) for row in db.execute("SELECT container, file FROM blobs")}
        cutoff = time.time() - min_age
        removed = 0
        for directory in self._root.iterdir():
            if not directory.is_dir():
                continue
            for path in directory.iterdir():
                if (directory.name, path.name) in live:
                    continue
                try:
                    if path.is_file() and path.stat().st_mtime < cutoff:
                        path.unlink()
                        removed += 1
                except OSError:
                    continue
        return removed
