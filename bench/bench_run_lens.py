"""Latency of running one function by hand: the editor's Run lens against the terminal.

    python bench/bench_run_lens.py [--runs 20]

On a hello-world HTTP app (one function, `GET /api/hello` answering "hello"), measured in this
process, end to end:

* **lens, first run**: `workspace/executeCommand funcls.runFunction` on a fresh language server
  (`python -m funcls --stdio`, VS Code's recorded capabilities, results shown by the client) →
  result; this starts the app's warm `funcls run`;
* **lens, repeated run**: the same command again, through the warm app (p50 / p95);
* **funcls invoke, fresh**: `funcls invoke hello APP` from a shell with no app running (a new
  interpreter and app process each time);
* **funcls invoke, running app**: the same with a `funcls run` of the app running;
* **curl**: `curl` against that running `funcls run`: the floor for one HTTP call from a shell.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path
from pytest_lsp import client_capabilities

APP = """import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello", methods=["GET"])
def hello(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("hello")
"""


def make_app(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "host.json").write_text('{"version": "2.0"}')
    (root / "function_app.py").write_text(APP)
    return root


def p(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


async def lens(app: Path, runs: int) -> tuple[float, list[float]]:
    client = LanguageClient("bench", "1")
    for method in (
        types.WINDOW_LOG_MESSAGE,
        types.WINDOW_SHOW_MESSAGE,
        types.WINDOW_WORK_DONE_PROGRESS_CREATE,
        types.PROGRESS,
        types.CLIENT_REGISTER_CAPABILITY,
        types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
        "funcls/appState",
        "funcls/functionsChanged",
    ):
        client.feature(method)(lambda params: None)
    client.feature(types.WORKSPACE_CONFIGURATION)(lambda params: [None for _ in params.items])
    await client.start_io(sys.executable, "-m", "funcls", "--stdio")
    folder = from_fs_path(str(app)) or ""
    await client.initialize_async(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            process_id=os.getpid(),
            root_uri=folder,
            workspace_folders=[types.WorkspaceFolder(folder, app.name)],
            initialization_options={"runResults": "client"},
        )
    )
    client.initialized(types.InitializedParams())
    params = types.ExecuteCommandParams(command="funcls.runFunction", arguments=[str(app), "hello"])
    await asyncio.sleep(1.0)  # let the server index the app: a user clicks a lens after that
    start = time.perf_counter()
    result = await client.workspace_execute_command_async(params)
    first = (time.perf_counter() - start) * 1000
    assert result["ok"] and result["body"] == "hello", result
    repeated = []
    for _ in range(runs):
        start = time.perf_counter()
        result = await client.workspace_execute_command_async(params)
        repeated.append((time.perf_counter() - start) * 1000)
        assert result["ok"], result
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return first, repeated


def timed(cmd: list[str], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        out.append((time.perf_counter() - start) * 1000)
        assert done.returncode == 0, done.stdout + done.stderr
    return out


def running(app: Path) -> tuple[subprocess.Popen[bytes], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "funcls", "run", str(app), "--port", "0", "--no-reload"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    state = app / ".funcls" / "run.json"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if state.exists():
            data = json.loads(state.read_text())
            if data.get("pid") == proc.pid:
                return proc, str(data["url"]).replace("localhost", "127.0.0.1")
        time.sleep(0.05)
    raise SystemExit("funcls run did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="funcls-bench-lens-"))
    try:
        first, repeated = asyncio.run(lens(make_app(work / "lens"), args.runs))
        fresh_app = make_app(work / "fresh")
        invoke = [sys.executable, "-m", "funcls", "invoke", "hello"]
        fresh = timed([*invoke, str(fresh_app)], max(3, args.runs // 4))
        warm_app = make_app(work / "warm")
        proc, url = running(warm_app)
        try:
            through = timed([*invoke, str(warm_app)], max(3, args.runs // 4))
            curl = shutil.which("curl")
            floor = timed([curl, "-sf", f"{url}/api/hello"], args.runs) if curl else []
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(10)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{'how':44} {'p50 ms':>9} {'p95 ms':>9} {'runs':>5}")
    rows = [
        ("lens, first run (starts the warm app)", [first]),
        ("lens, repeated run (warm app)", repeated),
        ("funcls invoke from a shell, no app running", fresh),
        ("funcls invoke from a shell, funcls run running", through),
        ("curl against a running funcls run", floor),
    ]
    for name, values in rows:
        if values:
            print(f"{name:44} {p(values, 50):9.1f} {p(values, 95):9.1f} {len(values):5}")
        else:
            print(f"{name:44} {'(no curl)':>9}")


if __name__ == "__main__":
    main()
