"""Throughput of the runner's storage backends: embedded store and a real Azurite.

    .venv/bin/python bench/bench_storage.py [--messages 2000] [--blobs 200] [--no-azurite]

Per backend, one thread: put N messages, then receive them in batches of 32 and delete each
(what a queue trigger does per message), then put and get small blobs. Prints messages/s and
blobs/s. Azurite is started on free ports with in-memory persistence and stopped afterwards.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from funcls.runner.storage import StorageBackend, open_backend  # noqa: E402
from tests.support.azurite import start_azurite  # noqa: E402


def run(backend: StorageBackend, messages: int, blobs: int) -> dict[str, float]:
    queues, store = backend.queues, backend.blobs
    queues.create_queue("bench")
    body = b'{"order": 12345, "items": [1, 2, 3], "note": "benchmark message"}'

    started = time.perf_counter()
    for _ in range(messages):
        queues.put("bench", body)
    put_seconds = time.perf_counter() - started

    started = time.perf_counter()
    done = 0
    while done < messages:
        batch = queues.receive("bench", max_messages=32, visibility_timeout=60)
        if not batch:
            break
        for message in batch:
            assert message.pop_receipt is not None
            queues.delete("bench", message.id, message.pop_receipt)
        done += len(batch)
    consume_seconds = time.perf_counter() - started
    assert done == messages, f"received {done} of {messages}"

    store.create_container("bench")
    payload = b"x" * 4096
    started = time.perf_counter()
    for i in range(blobs):
        store.put("bench", f"in/{i}.bin", payload)
    blob_put_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(blobs):
        store.get("bench", f"in/{i}.bin")
    blob_get_seconds = time.perf_counter() - started
    return {
        "put": messages / put_seconds,
        "receive+delete": messages / consume_seconds,
        "end to end": messages / (put_seconds + consume_seconds),
        "blob put 4 KiB": blobs / blob_put_seconds,
        "blob get 4 KiB": blobs / blob_get_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--blobs", type=int, default=200)
    parser.add_argument("--no-azurite", action="store_true")
    args = parser.parse_args()

    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        backend, description = open_backend(None, Path(scratch), force="embedded")
        try:
            results["embedded"] = run(backend, args.messages, args.blobs)
        finally:
            backend.close()
        print(f"embedded: {description}", file=sys.stderr)

        if not args.no_azurite:
            azurite = start_azurite()
            try:
                backend, description = open_backend(
                    azurite.connection_string, Path(scratch) / "az", force="azure"
                )
                try:
                    results["azurite"] = run(backend, args.messages, args.blobs)
                finally:
                    backend.close()
                print(f"azurite: {description}", file=sys.stderr)
            finally:
                azurite.stop()

    names = list(results)
    print(f"{'operation':<16}" + "".join(f"{name:>14}" for name in names))
    for operation in next(iter(results.values())):
        cells = "".join(f"{results[name][operation]:>12.0f}/s" for name in names)
        print(f"{operation:<16}{cells}")
    print(f"({args.messages} messages of 68 bytes, {args.blobs} blobs, one thread)")


if __name__ == "__main__":
    main()
