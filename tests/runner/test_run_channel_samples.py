"""The sample a by-hand run sends to a Service Bus, Event Hubs, Cosmos DB or Event Grid
function is one that function accepts, and the sample of a function writing to such a
channel carries what the channel's reader takes from each item of a list (the storage-queue
heuristic, run_inputs._with_consumer_items, extended to every channel the app names on both
ends). Run through `funcls invoke` against a real `funcls run` of a copy of
tests/runner/apps/channels; before, price_carts got [{"id": "1"}] (KeyError 'entries'),
index_files a data.files of "sample" strings (TypeError), and the producers' items were
"sample" strings that their readers then failed on."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from funcls.model.loader import load_app
from funcls.model.run_inputs import resolve_input
from funcls.model.source import Source
from tests.runner.runner_process import RunningApp, funcls_invoke

pytestmark = pytest.mark.slow

READERS = ["take_order", "store_readings", "price_carts", "index_files"]
# Each producer, the function reading what it writes, and how the written value arrives.
PAIRS = [
    ("send_order", "take_order", lambda body: body),
    ("send_readings", "store_readings", lambda body: body),
    ("save_cart", "price_carts", lambda body: [{"id": "1", **body}]),
]


def test_channel_samples_are_accepted_by_their_readers(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    app_dir = app_copy("channels")
    app = load_app(str(app_dir), Source())
    running = run_app(app_dir, "--no-reload")
    running.wait_for_log("ready in")
    for name in READERS:
        done = funcls_invoke(name, str(app_dir))
        assert done.returncode == 0, (name, done.stdout, done.stderr)
        assert f"### {name} succeeded" in done.stdout, done.stdout
    for producer, reader, arrives in PAIRS:
        request, origins = resolve_input(app, app.function(producer), None, None)
        assert origins == ["sample"]
        sent = funcls_invoke(producer, str(app_dir))
        assert sent.returncode == 0, (producer, sent.stdout, sent.stderr)
        given = json.dumps(arrives(request["body"]))
        done = funcls_invoke(reader, str(app_dir), "--input", given)
        assert done.returncode == 0, (producer, reader, given, done.stdout, done.stderr)
