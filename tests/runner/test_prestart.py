"""App processes started before the runner's event loop (funcls/runner/prestart.py): the pool
adopts one that is what it would start itself, and kills one whose settings differ."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from funcls.runner.config import RunOptions, early_worker_settings, read_host_settings
from funcls.runner.pool import WorkerPool
from funcls.runner.prestart import prestart, worker_command, worker_environment
from tests.runner.runner_process import REPO

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


APP_DIRS = sorted(
    {
        p.parent
        for base in (Path(__file__).parent / "apps", Path(__file__).parent / "durable" / "apps")
        for p in base.glob("**/host.json")
    }
    | {p.parent for p in (Path(__file__).parents[2] / "samples").glob("*/host.json")}
)


def test_there_are_apps_to_compare() -> None:
    assert len(APP_DIRS) >= 10


@pytest.mark.parametrize("app_dir", APP_DIRS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_early_settings_start_the_process_the_pool_would_start(app_dir: Path) -> None:
    """`early_worker_settings` (local.settings.json with json alone) gives the command and
    environment the model's `read_host_settings` gives, so the early processes are adopted."""
    from funcls.model.loader import load_app
    from funcls.model.source import Source

    options = RunOptions(app_dir=str(app_dir), reload=False)
    early = early_worker_settings(str(app_dir))
    assert early is not None
    full = read_host_settings(load_app(str(app_dir), Source()))
    assert worker_command(options, early) == worker_command(options, full)
    assert worker_environment(options, early) == worker_environment(options, full)
    assert (early.root, early.worker_count, early.local_http_port) == (
        full.root,
        full.worker_count,
        full.local_http_port,
    )


def test_settings_with_values_connection_strings_and_a_script_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYTHON_SCRIPT_FILE_NAME", raising=False)
    monkeypatch.delenv("FUNCTIONS_WORKER_PROCESS_COUNT", raising=False)
    monkeypatch.setenv("ALREADY_SET", "from the environment")
    root = _app(tmp_path / "app")
    (root / "other_app.py").write_text(APP)
    (root / "local.settings.json").write_text(
        '\ufeff{"Values": {"python_script_file_name": " other_app.py ", "COUNT": 3,'
        ' "ALREADY_SET": "from Values", "FUNCTIONS_WORKER_PROCESS_COUNT": "2",'
        ' "NOTHING": null}, "ConnectionStrings": {"Db": "Server=x"},'
        ' "Host": {"LocalHttpPort": "7999"}}'
    )
    options = RunOptions(app_dir=str(root), reload=False)
    early = early_worker_settings(str(root))
    assert early is not None
    assert early.script_name == "other_app.py" and early.worker_count == 2
    assert early.local_http_port == 7999
    assert early.environment["COUNT"] == "3"
    assert early.environment["ALREADY_SET"] == "from the environment"
    assert early.environment["CUSTOMCONNSTR_Db"] == "Server=x"
    assert "NOTHING" not in early.environment
    from funcls.model.loader import load_app
    from funcls.model.source import Source

    full = read_host_settings(load_app(str(root), Source()))
    assert worker_command(options, early) == worker_command(options, full)
    assert worker_environment(options, early) == worker_environment(options, full)


def test_settings_json_with_comments_start_the_processes_after_the_model(tmp_path: Path) -> None:
    root = _app(tmp_path / "app")
    # The host reads comments and trailing commas; json does not: the model reads them.
    (root / "local.settings.json").write_text(
        '{\n  // for the greeting\n  "Values": {"GREETING": "hi",},\n}'
    )
    assert early_worker_settings(str(root)) is None
    options = RunOptions(app_dir=str(root), reload=False)
    early = prestart(options)
    assert early.settings.environment["GREETING"] == "hi"
    process = early.processes[0]
    assert process.env["GREETING"] == "hi"

    async def run() -> None:
        pool = WorkerPool(options, early.settings, lambda _: None, lambda _: None)
        pool.early = early.processes
        try:
            await pool.start_generation()
            assert [w.pid for w in pool.workers] == [process.process.pid]  # adopted
        finally:
            await pool.close()

    asyncio.run(run())


def test_the_app_process_starts_before_the_model_is_imported(tmp_path: Path) -> None:
    """What `funcls run` imports before it starts its app process: no model, no asyncio."""
    root = _app(tmp_path / "app")
    script = (
        "import sys\n"
        "from funcls.cli import build_parser\n"
        f"build_parser(['run', {str(root)!r}])\n"
        "from funcls.runner import prestart\n"
        "from funcls.runner.config import RunOptions\n"
        "seen = []\n"
        "spawn = prestart.EarlyProcess.spawn\n"
        "def watched(*args, **kwargs):\n"
        "    seen.append(sorted(m for m in sys.modules if m.startswith(('funcls.model', "
        "'asyncio', 'uvicorn'))))\n"
        "    return spawn(*args, **kwargs)\n"
        "prestart.EarlyProcess.spawn = watched\n"
        f"early = prestart.prestart(RunOptions(app_dir={str(root)!r}, reload=False))\n"
        "for p in early.processes.values(): p.discard()\n"
        "print(seen)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=str(REPO), timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[[]]"
