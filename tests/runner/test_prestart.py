"""App processes started before the runner's event loop (funcls/runner/prestart.py): the pool
adopts one that is what it would start itself, and kills one whose settings differ."""

from __future__ import annotations

import asyncio
from pathlib import Path

from funcls.runner.config import RunOptions
from funcls.runner.pool import WorkerPool
from funcls.runner.prestart import prestart

APP = """import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello")
def hello(req: func.HttpRequest) -> str:
    return "hello"
"""


def _app(root: Path) -> Path:
    root.mkdir()
    (root / "host.json").write_text('{"version": "2.0"}')
    (root / "function_app.py").write_text(APP)
    return root


def test_the_pool_adopts_the_process_started_early(tmp_path: Path) -> None:
    options = RunOptions(app_dir=str(_app(tmp_path / "app")), reload=False)
    early = prestart(options)
    process = early.processes[0].process

    async def run() -> None:
        pool = WorkerPool(options, early.settings, lambda _: None, lambda _: None)
        pool.early = early.processes
        try:
            index = await pool.start_generation()
            assert [w.pid for w in pool.workers] == [process.pid]
            assert [f["name"] for f in index.functions] == ["hello"]
        finally:
            await pool.close()

    asyncio.run(run())
    assert process.poll() is not None  # stopped with the pool


def test_an_early_process_with_other_settings_is_killed(tmp_path: Path) -> None:
    options = RunOptions(app_dir=str(_app(tmp_path / "app")), reload=False)
    early = prestart(options)
    stale = early.processes[0].process
    # What the runner would start now differs (as if local.settings.json changed).
    early.settings.environment = {**early.settings.environment, "GREETING": "changed"}

    async def run() -> None:
        pool = WorkerPool(options, early.settings, lambda _: None, lambda _: None)
        pool.early = early.processes
        try:
            index = await pool.start_generation()
            assert [w.pid for w in pool.workers] != [stale.pid]
            assert [f["name"] for f in index.functions] == ["hello"]
            assert stale.poll() is not None, "the early process still runs"
        finally:
            await pool.close()

    asyncio.run(run())
