"""A load that ends while the runner is still taking a newer save does not release the
requests held for that save.

`Run.on_change` awaits the storage switch of a changed local.settings.json (d105428: it opens
the connection's new backend in a thread) before it starts the reload of that save. A reload
of an earlier save that ended in that moment found no newer reload task yet (on_index looks
at ``reloads``), so it set ``serving``: requests and invokes held for the settings just saved
went on to the processes of the earlier save, and run.json said "running". Here the earlier
reload's index arrives while the newer save's storage switch runs, through a real `Run` whose
storage connection is open on the embedded store."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from funcls.runner.config import RunOptions
from funcls.runner.runner import Run

pytestmark = pytest.mark.slow


def _app(root: Path, storage: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "function_app.py").write_text(
        "import azure.functions as func\n\napp = func.FunctionApp()\n"
    )
    (root / "host.json").write_text(json.dumps({"version": "2.0"}))
    (root / "local.settings.json").write_text(
        json.dumps({"IsEncrypted": False, "Values": {"AzureWebJobsStorage": storage}})
    )
    return root


def test_a_load_ending_during_a_newer_saves_storage_switch_keeps_requests_held(
    tmp_path: Path,
) -> None:
    app = _app(tmp_path / "app", "")

    async def scenario() -> tuple[bool, bool]:
        run = Run(RunOptions(app_dir=str(app), write_state=False, triggers=False))
        run.connections.backend(None)  # the store in use: the embedded one
        run.serving.clear()  # a reload of an earlier save is loading (its task below)
        earlier_index = run.pool.index
        switching = asyncio.Event()
        original = run.switch_storage

        async def switch_storage() -> None:
            switching.set()
            await original()

        run.switch_storage = switch_storage  # type: ignore[method-assign]

        async def earlier_reload() -> None:
            await switching.wait()  # the newer save's storage switch has begun
            await run.on_index(earlier_index)

        earlier = asyncio.get_running_loop().create_task(earlier_reload())
        run.reloads.add(earlier)
        earlier.add_done_callback(run._reload_done)
        # The newer save: AzureWebJobsStorage pointed at Azurite (not running: the probe
        # fails, the embedded store again, in a thread).
        _app(app, "UseDevelopmentStorage=true")
        change = asyncio.get_running_loop().create_task(run.on_change(["local.settings.json"]))
        await earlier
        released_early = run.serving.is_set()
        await change
        try:
            await asyncio.wait_for(asyncio.gather(*run.reloads), 60)
        finally:
            await run.pool.close()
            run.connections.close()
        return released_early, run.serving.is_set()

    released_early, released_after = asyncio.run(scenario())
    assert not released_early, "the earlier load released requests held for the newer save"
    assert released_after  # the newer save's own load releases them
