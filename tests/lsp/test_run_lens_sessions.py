"""The Run lens across a server's life: a Neovim 0.7 session sees the result in a message and
its warm app stops with the server; a `funcls run` the user started is reused and left alone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import CONFIG, REPO, make_workspace, start, wait_for
from tests.lsp.support import run_function as run
from tests.lsp.test_run_lens import _alive

pytestmark = pytest.mark.slow


@pytest_lsp.fixture(config=CONFIG, params=["neovim@v0.7.0"])
async def nvim07(lsp_client: LanguageClient, tmp_path: Path):
    await start(lsp_client, "neovim@v0.7.0", make_workspace(tmp_path / "ws"))
    yield
    # No shutdown here: the test ends the session itself.


async def test_neovim_07_sees_status_and_body_and_the_app_stops_with_the_server(
    nvim07: LanguageClient, tmp_path: Path
) -> None:
    client = nvim07
    root = str(tmp_path / "ws" / "v2-app")
    result = await run(client, root, "get_product", {"path": "/api/products/2"})
    assert result["ok"] is True
    # Neovim 0.7 shows window/showMessage (and cannot open documents): status and body there.
    shown = await wait_for(lambda: [m for m in client.messages if "get_product →" in m.message])
    assert "200 OK" in shown[-1].message and "Filter papers" in shown[-1].message
    assert client.shown_documents == []
    status = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="funcls.app.status", arguments=[root])
    )
    pid = status["pid"]
    assert _alive(pid)
    await client.shutdown_session()
    deadline = time.monotonic() + 15
    while _alive(pid):
        assert time.monotonic() < deadline, "the warm app outlived the server"
        time.sleep(0.1)


@pytest_lsp.fixture(config=CONFIG, params=["emacs"])
async def with_external_run(lsp_client: LanguageClient, tmp_path: Path):
    folder = make_workspace(tmp_path / "ws")
    app = folder / "v2-app"
    runner = subprocess.Popen(
        [sys.executable, "-m", "funcls", "run", str(app), "--port", "0", "--no-reload"],
        cwd=str(REPO),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    state = app / ".funcls" / "run.json"
    deadline = time.monotonic() + 60
    while not (state.exists() and json.loads(state.read_text()).get("pid") == runner.pid):
        assert time.monotonic() < deadline and runner.poll() is None, "funcls run did not start"
        time.sleep(0.05)
    await start(lsp_client, "emacs", folder)
    lsp_client.external_run = runner  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()
    os.killpg(runner.pid, signal.SIGTERM)
    runner.wait(10)


async def test_a_running_funcls_run_is_reused_and_left_alone(
    with_external_run: LanguageClient, tmp_path: Path
) -> None:
    client = with_external_run
    runner: subprocess.Popen[bytes] = client.external_run  # type: ignore[attr-defined]
    root = str(tmp_path / "ws" / "v2-app")
    result = await run(client, root, "get_product")
    assert result["ok"] is True
    status = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="funcls.app.status", arguments=[root])
    )
    assert status["external"] is True and status["pid"] == runner.pid
    assert result["ranOn"].replace("127.0.0.1", "localhost") == status["url"].replace(
        "127.0.0.1", "localhost"
    )
    stop = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="funcls.app.stop", arguments=[root])
    )
    assert "started outside the editor" in stop["error"]
    assert runner.poll() is None  # still running
