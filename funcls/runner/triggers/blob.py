"""Blob triggers: new and changed blobs under the trigger's path pattern.

Each run scans the container for blobs without a receipt for their current etag
(`funcls.runner.storage.find_unprocessed_blobs`), invokes the function with the blob and the
captures of the path pattern (`samples/{name}` → `{name}` for other bindings), and records a
receipt after success. A blob that fails five times is reported to the
`webjobs-blobtrigger-poison` queue and not tried again, as the host does. Blobs written by a
function of this run wake the scanner at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from funcls.model.parsers.blob_paths import parse_blob_path
from funcls.runner.binding_data import resolve
from funcls.runner.functions import RunFunction
from funcls.runner.state import RunState
from funcls.runner.storage import BlobNotFoundError, find_unprocessed_blobs
from funcls.runner.trigger_data import blob_payload

SCAN_INTERVAL = 1.0
MAX_ATTEMPTS = 5
POISON_QUEUE = "webjobs-blobtrigger-poison"


def blob_pattern_text(state: RunState, fn: RunFunction) -> str:
    text = str(fn.trigger.get("path") or "")
    if "%" in text:
        text = resolve(text, {}, state.settings.environment, function_name=fn.name)
    return text


async def run_blob(state: RunState, fn: RunFunction, wake: asyncio.Event) -> None:
    pattern_text = blob_pattern_text(state, fn)
    pattern = parse_blob_path(pattern_text)
    prefix = pattern.blob.split("{", 1)[0]
    backend = state.invoker.connections.backend(fn.trigger.get("connection"))
    console = state.invoker.console
    function_id = f"Functions.{fn.name}"
    failures: dict[tuple[str, str], int] = {}
    await asyncio.to_thread(backend.blobs.create_container, pattern.container)

    async def process(blob: Any) -> None:
        captures = pattern.match(blob.path)
        if captures is None:
            return
        try:
            downloaded = await asyncio.to_thread(backend.blobs.get, blob.container, blob.name)
        except BlobNotFoundError:
            return
        props = downloaded.properties
        properties = {
            "ContentLength": props.content_length,
            "ContentType": props.content_type,
            "ETag": props.etag,
            "LastModified": props.last_modified.isoformat(),
            "Length": props.content_length,
        }
        payload = blob_payload(
            blob.path, downloaded.content, captures, f"local://{blob.path}", properties
        )
        outcome = await state.invoker.invoke(
            fn,
            payload.data,
            payload.metadata,
            payload.binding_data,
            f"New blob detected: {blob.path}",
        )
        if outcome.ok:
            await asyncio.to_thread(backend.receipts.mark_processed, function_id, props)
            return
        key = (blob.path, props.etag)
        failures[key] = failures.get(key, 0) + 1
        if failures[key] >= MAX_ATTEMPTS:
            console.say(
                f"blob '{blob.path}' failed {MAX_ATTEMPTS} times; reporting it to the "
                f"'{POISON_QUEUE}' queue and not trying it again"
            )
            note = {
                "FunctionId": function_id,
                "BlobType": "BlockBlob",
                "ContainerName": blob.container,
                "BlobName": blob.name,
                "ETag": props.etag,
            }

            def poison() -> None:
                backend.queues.create_queue(POISON_QUEUE)
                backend.queues.put(POISON_QUEUE, json.dumps(note))
                backend.receipts.mark_processed(function_id, props)

            await asyncio.to_thread(poison)

    while True:
        if state.stopping.is_set():
            await asyncio.Event().wait()  # no new blob; the stop cancels this task
        pending = await asyncio.to_thread(
            find_unprocessed_blobs, backend, function_id, pattern.container, prefix
        )
        for blob in pending:
            if state.stopping.is_set():
                break
            await process(blob)
        wake.clear()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(wake.wait(), SCAN_INTERVAL)
