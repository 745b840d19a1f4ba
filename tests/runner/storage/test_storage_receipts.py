"""Blob change detection with persisted receipts, on both backends."""

from __future__ import annotations

from funcls.runner.storage import find_unprocessed_blobs
from tests.runner.storage.harness import Store


def test_new_and_changed_blobs_survive_a_restart(store: Store) -> None:
    backend = store.open()
    container = store.name("c")
    backend.blobs.create_container(container)
    for name in ("samples/a.txt", "samples/b.txt", "archive/c.txt"):
        backend.blobs.put(container, name, name.encode())

    pending = find_unprocessed_blobs(backend, "Functions.OnSample", container, "samples/")
    assert sorted(b.name for b in pending) == ["samples/a.txt", "samples/b.txt"]
    for blob in pending:
        backend.receipts.mark_processed("Functions.OnSample", blob)
    assert find_unprocessed_blobs(backend, "Functions.OnSample", container, "samples/") == []
    store.close_all()

    restarted = store.open()  # a new runner process: same app folder, same account
    assert find_unprocessed_blobs(restarted, "Functions.OnSample", container, "samples/") == []
    changed = restarted.blobs.put(container, "samples/a.txt", b"edited")
    added = restarted.blobs.put(container, "samples/d.txt", b"new")
    pending = find_unprocessed_blobs(restarted, "Functions.OnSample", container, "samples/")
    assert [b.name for b in pending] == ["samples/a.txt", "samples/d.txt"]
    assert pending[0].etag == changed.etag and pending[1].etag == added.etag
    assert not restarted.receipts.is_processed("Functions.OnSample", changed)

    # Receipts are per function: another trigger on the same container sees everything.
    other = find_unprocessed_blobs(restarted, "Functions.Audit", container, "")
    assert len(other) == 4
    restarted.receipts.mark_processed("Functions.OnSample", changed)
    assert restarted.receipts.is_processed("Functions.OnSample", changed)
    assert restarted.receipts.forget("Functions.OnSample") == 2  # a.txt and b.txt
    assert len(find_unprocessed_blobs(restarted, "Functions.OnSample", container, "samples/")) == 3


def test_missing_container_has_nothing_to_process(store: Store) -> None:
    backend = store.open()
    assert find_unprocessed_blobs(backend, "Functions.F", store.name("none")) == []


def test_deleted_and_recreated_blob_triggers_again(store: Store) -> None:
    backend = store.open()
    container = store.name("c")
    backend.blobs.create_container(container)
    blob = backend.blobs.put(container, "x.csv", b"1,2")
    backend.receipts.mark_processed("Functions.F", blob)
    backend.blobs.delete(container, "x.csv")
    again = backend.blobs.put(container, "x.csv", b"1,2")
    assert again.etag != blob.etag
    assert find_unprocessed_blobs(backend, "Functions.F", container) == [again]
