"""Blob semantics, run against the embedded store and against Azurite."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from funcls.runner.storage import (
    BlobAlreadyExistsError,
    BlobNotFoundError,
    ContainerNotFoundError,
    InvalidNameError,
)
from tests.runner.storage.harness import Store
from tests.support.azurite import REPO_ROOT


def test_put_get_properties(store: Store) -> None:
    blobs = store.open().blobs
    container = store.name("c")
    blobs.create_container(container)
    blobs.create_container(container)  # idempotent
    before = datetime.now(timezone.utc) - timedelta(seconds=2)
    put = blobs.put(
        container,
        "in/report 1.json",
        b'{"a": 1}',
        content_type="application/json",
        metadata={"source": "test"},
    )
    assert put.etag.startswith('"') and put.etag.endswith('"')
    assert put.content_length == 8
    assert put.last_modified >= before

    got = blobs.get(container, "in/report 1.json")
    assert got.content == b'{"a": 1}'
    assert got.properties == put
    assert blobs.properties(container, "in/report 1.json") == put
    assert blobs.exists(container, "in/report 1.json")
    assert not blobs.exists(container, "in/other.json")


def test_defaults_and_overwrite(store: Store) -> None:
    blobs = store.open().blobs
    container = store.name("c")
    blobs.create_container(container)
    first = blobs.put(container, "b.bin", b"one")
    assert first.content_type == "application/octet-stream"
    assert first.metadata == {}
    second = blobs.put(container, "b.bin", b"two!")
    assert second.etag != first.etag
    assert blobs.get(container, "b.bin").content == b"two!"
    with pytest.raises(BlobAlreadyExistsError, match=r"b\.bin"):
        blobs.put(container, "b.bin", b"three", overwrite=False)
    assert blobs.properties(container, "b.bin").etag == second.etag
    blobs.put(container, "new.bin", b"fresh", overwrite=False)


def test_list_by_prefix(store: Store) -> None:
    blobs = store.open().blobs
    container = store.name("c")
    blobs.create_container(container)
    for name in ("samples/b.txt", "samples/a.txt", "other/c.txt", "samples-x"):
        blobs.put(container, name, name.encode(), metadata={"k": "v"})
    assert [b.name for b in blobs.list_blobs(container)] == [
        "other/c.txt",
        "samples-x",
        "samples/a.txt",
        "samples/b.txt",
    ]
    listed = blobs.list_blobs(container, "samples/")
    assert [b.name for b in listed] == ["samples/a.txt", "samples/b.txt"]
    assert listed[0] == blobs.properties(container, "samples/a.txt")


def test_delete(store: Store) -> None:
    blobs = store.open().blobs
    container = store.name("c")
    blobs.create_container(container)
    blobs.put(container, "x", b"1")
    assert blobs.delete(container, "x") is True
    assert blobs.delete(container, "x") is False
    with pytest.raises(BlobNotFoundError, match=f"{container}/x"):
        blobs.get(container, "x")
    with pytest.raises(BlobNotFoundError):
        blobs.properties(container, "x")


def test_missing_container(store: Store) -> None:
    blobs = store.open().blobs
    container = store.name("none")
    with pytest.raises(ContainerNotFoundError, match=container):
        blobs.put(container, "x", b"1")
    with pytest.raises(ContainerNotFoundError):
        blobs.get(container, "x")
    with pytest.raises(ContainerNotFoundError):
        blobs.list_blobs(container)


def test_container_lifecycle(store: Store) -> None:
    blobs = store.open().blobs
    prefix = store.name("lc")
    blobs.create_container(f"{prefix}-a")
    blobs.create_container(f"{prefix}-b")
    blobs.put(f"{prefix}-a", "x", b"1")
    assert blobs.list_containers(prefix) == [f"{prefix}-a", f"{prefix}-b"]
    assert blobs.delete_container(f"{prefix}-a") is True
    assert blobs.delete_container(f"{prefix}-a") is False
    assert blobs.list_containers(prefix) == [f"{prefix}-b"]


@pytest.mark.parametrize("name", ["ab", "UPPER", "a_b", "-ab", "$other"])
def test_invalid_container_names(store: Store, name: str) -> None:
    with pytest.raises(InvalidNameError, match="container name"):
        store.open().blobs.create_container(name)


def test_invalid_blob_names(store: Store) -> None:
    blobs = store.open().blobs
    for name in ("", "x" * 1025, "bad\nname"):
        with pytest.raises(InvalidNameError, match="blob name"):
            blobs.put("container", name, b"")


_READER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from funcls.runner.storage import open_backend
    app, connection, container, seconds = sys.argv[1:5]
    backend, _ = open_backend(connection or None, Path(app),
                              force="azure" if connection else "embedded")
    reads, bad = 0, []
    deadline = time.monotonic() + float(seconds)
    while time.monotonic() < deadline:
        blob = backend.blobs.get(container, "big.bin")
        data, props = blob.content, blob.properties
        uniform = data == data[:1] * len(data)
        expected = {b"a": 256 * 1024, b"b": 1024 * 1024}.get(data[:1])
        if not uniform or len(data) != expected or props.content_length != len(data):
            bad.append([len(data), props.content_length, data[:1].decode()])
        reads += 1
    backend.close()
    print(json.dumps({"reads": reads, "bad": bad[:5]}))
    """
)


def test_readers_never_see_a_partial_blob(store: Store) -> None:
    """A reader in another process sees either the old or the new blob, whole, with the
    properties of that same version, while a writer keeps replacing it."""
    blobs = store.open().blobs
    container = store.name("c")
    blobs.create_container(container)
    versions = [b"a" * 256 * 1024, b"b" * 1024 * 1024]
    blobs.put(container, "big.bin", versions[0])
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER, str(store.app_dir), store.connection or "", container, "2"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    writes = 0
    while reader.poll() is None:
        blobs.put(container, "big.bin", versions[writes % 2])
        writes += 1
    out, _ = reader.communicate()
    assert reader.returncode == 0
    result = json.loads(out)
    assert result["bad"] == []
    assert result["reads"] > 10 and writes > 10


def test_readers_in_threads_never_see_a_partial_blob(store: Store) -> None:
    writer, reader = store.open().blobs, store.open().blobs  # two connections
    container = store.name("c")
    writer.create_container(container)
    writer.put(container, "f", b"a" * 100_000)
    stop = threading.Event()
    problems: list[tuple[int, int]] = []

    def read() -> None:
        while not stop.is_set():
            blob = reader.get(container, "f")
            if blob.content != blob.content[:1] * blob.properties.content_length:
                problems.append((len(blob.content), blob.properties.content_length))

    threads = [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 1.0
    count = 0
    while time.monotonic() < deadline:
        count += 1
        writer.put(container, "f", (b"a" * 100_000, b"b" * 300_000)[count % 2])
    stop.set()
    for thread in threads:
        thread.join()
    assert problems == []
