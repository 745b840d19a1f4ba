"""What only the embedded store has to prove: persistence in the app folder, crash safety, and
several processes opening one store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from funcls.runner.storage import EmbeddedBackend
from funcls.runner.storage.embedded_blobs import TEMP_PREFIX
from tests.runner.storage.harness import Store
from tests.support.azurite import REPO_ROOT


def test_store_lives_in_the_app_folder_and_is_git_ignored(embedded_store: Store) -> None:
    backend = embedded_store.open_embedded()
    state = embedded_store.app_dir / ".funcls"
    assert backend.root == state / "storage"
    assert (state / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (backend.root / "storage.sqlite").is_file()
    assert backend.description.startswith("embedded store at ")
    assert backend.description.endswith(os.path.join(".funcls", "storage"))


def test_everything_survives_reopening(embedded_store: Store) -> None:
    backend = embedded_store.open()
    backend.queues.create_queue("jobs")
    for body in (b"1", b"2", b"3"):
        backend.queues.put("jobs", body)
    [in_flight] = backend.queues.receive("jobs", visibility_timeout=60)
    backend.blobs.create_container("files")
    written = backend.blobs.put("files", "a/b.txt", b"content", metadata={"k": "v"})
    embedded_store.close_all()

    reopened = embedded_store.open()
    assert reopened.queues.list_queues() == ["jobs"]
    assert reopened.queues.approximate_count("jobs") == 3
    assert [m.body for m in reopened.queues.receive("jobs", 32, 60)] == [b"2", b"3"]
    assert in_flight.pop_receipt
    reopened.queues.delete("jobs", in_flight.id, in_flight.pop_receipt)  # receipt still valid
    blob = reopened.blobs.get("files", "a/b.txt")
    assert (blob.content, blob.properties) == (b"content", written)


def test_overwrites_and_deletes_leave_no_files_behind(embedded_store: Store) -> None:
    blobs = embedded_store.open().blobs
    blobs.create_container("files")
    for i in range(20):
        blobs.put("files", "same", str(i).encode() * 1000)
    blobs.put("files", "gone", b"x")
    blobs.delete("files", "gone")
    directory = embedded_store.app_dir / ".funcls" / "storage" / "blobs" / "files"
    assert len(list(directory.iterdir())) == 1


def test_crashed_writer_leaves_nothing_visible(embedded_store: Store) -> None:
    """A writer killed mid-write leaves a temp file or an uncommitted version file; neither is
    ever read, and both are swept once old enough."""
    blobs = embedded_store.open_embedded().blobs
    blobs.create_container("files")
    blobs.put("files", "doc", b"committed")
    directory = embedded_store.app_dir / ".funcls" / "storage" / "blobs" / "files"
    half_written = directory / f"{TEMP_PREFIX}deadbeef"
    half_written.write_bytes(b"partial")
    never_committed = directory / "0123456789abcdef0123456789abcdef"
    never_committed.write_bytes(b"complete but never committed")
    assert blobs.get("files", "doc").content == b"committed"
    assert [b.name for b in blobs.list_blobs("files")] == ["doc"]

    assert blobs.sweep_orphans() == 0  # too recent: might belong to a live writer
    old = time.time() - 3600
    for path in (half_written, never_committed):
        os.utime(path, (old, old))
    embedded_store.close_all()
    embedded_store.open()  # opening sweeps
    assert not half_written.exists() and not never_committed.exists()


_RECEIVE_AND_DIE = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from funcls.runner.storage import EmbeddedBackend
    backend = EmbeddedBackend.for_app(Path(sys.argv[1]))
    [message] = backend.queues.receive("jobs", visibility_timeout=1)
    print(message.id, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # die mid-invocation, without closing anything
    """
)


def test_message_of_a_killed_consumer_is_delivered_again(embedded_store: Store) -> None:
    backend = embedded_store.open()
    backend.queues.create_queue("jobs")
    put = backend.queues.put("jobs", b"work")
    consumer = subprocess.run(
        [sys.executable, "-c", _RECEIVE_AND_DIE, str(embedded_store.app_dir)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert consumer.returncode == -signal.SIGKILL
    assert consumer.stdout.strip() == put.id
    assert backend.queues.receive("jobs") == []
    time.sleep(1.3)
    [again] = backend.queues.receive("jobs")
    assert (again.id, again.dequeue_count) == (put.id, 2)


_PRODUCER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from funcls.runner.storage import EmbeddedBackend
    app, start_at = Path(sys.argv[1]), float(sys.argv[2])
    time.sleep(max(0.0, start_at - time.time()))
    backend = EmbeddedBackend.for_app(app)  # all open a store that does not exist yet
    backend.queues.create_queue("jobs")
    backend.blobs.create_container("files")
    for i in range(25):
        backend.queues.put("jobs", f"{i}")
        backend.blobs.put("files", f"{sys.argv[3]}-{i}", b"x")
    backend.close()
    """
)


def test_processes_can_create_and_share_one_store(tmp_path: Path) -> None:
    start_at = time.time() + 1.0
    producers = [
        subprocess.Popen(
            [sys.executable, "-c", _PRODUCER, str(tmp_path), str(start_at), f"p{n}"],
            cwd=REPO_ROOT,
        )
        for n in range(3)
    ]
    assert [p.wait(timeout=120) for p in producers] == [0, 0, 0]
    with EmbeddedBackend.for_app(tmp_path) as backend:
        assert backend.queues.approximate_count("jobs") == 75
        assert len(backend.blobs.list_blobs("files")) == 75
