"""The Run lens while the user's own `funcls run` of the app is still starting: that run holds
the app (one run per app, `.funcls/run.lock`) but has not written its run.json; the lens waits
for it to serve and runs there, instead of starting a warm app that the lock refuses (QA: the
Run failed with the warm app's 'funcls run is already running the app …'). A run that never
serves, or ends first, gives a message naming it. Real `funcls run` processes throughout: an
app whose import waits for a file the test writes."""

from __future__ import annotations

import asyncio
import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from funcls.lsp import warm_app
from funcls.lsp.warm_app import RunnerUnavailable, WarmApps
from funcls.runner import statefile
from funcls.runner.statefile import claimed_by
from tests.lsp.support import CONFIG, REPO, start
from tests.lsp.support import run_function as run

pytestmark = pytest.mark.slow

GATED_APP = """\
import os
import time

import azure.functions as func

# The app loads once the test writes the gate: until then its run holds the app and serves
# nothing.
GATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gate")
while not os.path.exists(GATE):
    time.sleep(0.05)

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello")
def hello(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(f"hello from {os.getppid()}")
"""


def gated_app(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "host.json").write_text('{"version": "2.0"}')
    (folder / "local.settings.json").write_text(
        '{"Values": {"FUNCTIONS_WORKER_RUNTIME": "python"}}'
    )
    (folder / "requirements.txt").write_text("azure-functions\n")
    (folder / "function_app.py").write_text(GATED_APP)
    return folder


def users_run(app: Path) -> subprocess.Popen[bytes]:
    """`funcls run APP` as typed in a terminal, started and waited for until it holds the app."""
    runner = subprocess.Popen(
        [sys.executable, "-m", "funcls", "run", str(app), "--port", "0"],
        cwd=str(REPO),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while claimed_by(str(app)) != runner.pid:
        assert runner.poll() is None and time.monotonic() < deadline, "funcls run did not start"
        time.sleep(0.02)
    assert not (app / ".funcls" / "run.json").exists()  # starting: not serving yet
    return runner


def end(runner: subprocess.Popen[bytes]) -> None:
    if runner.poll() is None:
        os.killpg(runner.pid, signal.SIGTERM)
    runner.wait(15)


@pytest.fixture
def runs() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for runner in started:
        end(runner)


@pytest_lsp.fixture(config=CONFIG, params=["visual_studio_code"])
async def vscode(lsp_client: LanguageClient, tmp_path: Path):
    gated_app(tmp_path / "ws" / "app")
    await start(lsp_client, "visual_studio_code", tmp_path / "ws")
    yield
    await lsp_client.shutdown_session()


async def test_the_lens_runs_on_the_user_s_run_that_is_starting(
    vscode: LanguageClient, tmp_path: Path, runs: list[subprocess.Popen[bytes]]
) -> None:
    client = vscode
    app = tmp_path / "ws" / "app"
    runner = users_run(app)
    runs.append(runner)
    pending = client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="funcls.runFunction", arguments=[str(app), "hello"])
    )
    clicked = asyncio.ensure_future(pending)
    await asyncio.sleep(2)  # the lens has found the starting run and waits for it
    assert not clicked.done()
    (app / "gate").write_text("")
    result = await asyncio.wait_for(clicked, 60)
    assert result["ok"] is True, result
    assert result["status"] == 200 and result["body"] == f"hello from {runner.pid}"
    status = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="funcls.app.status", arguments=[str(app)])
    )
    assert status["state"] == "running" and status["external"] is True, status
    assert status["pid"] == runner.pid
    # A second Run goes to the same run at once, and the user's run is left alone.
    again = await run(client, str(app), "hello")
    assert again["body"] == f"hello from {runner.pid}"
    assert runner.poll() is None


def watching(on_output: list[str]) -> WarmApps:
    return WarmApps(lambda status: None, lambda root, line: on_output.append(line))


async def test_a_starting_run_that_never_serves_gets_a_message(
    tmp_path: Path, runs: list[subprocess.Popen[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = gated_app(tmp_path / "app")
    runner = users_run(app)
    runs.append(runner)
    monkeypatch.setattr(warm_app, "START_TIMEOUT", 3.0)
    lines: list[str] = []
    apps = watching(lines)
    with pytest.raises(RunnerUnavailable) as raised:
        await apps.ensure(str(app))
    assert str(raised.value) == (
        f"funcls run of {app} (pid {runner.pid}), started outside this editor, has not served "
        f"within 3 s; stop it (`kill {runner.pid}`) or wait until it serves, and Run again "
        "(the Run waited for that run, which holds the app, instead of starting a second one; "
        "its terminal says why)"
    )
    assert apps.app(str(app)).status()["state"] == "failed"
    assert lines == [
        f"funcls run of this app (pid {runner.pid}), started outside this editor, is "
        "starting: the Run waits for it to serve"
    ]
    assert runner.poll() is None  # left alone
    # Once it serves, the next Run uses it.
    (app / "gate").write_text("")
    monkeypatch.setattr(warm_app, "START_TIMEOUT", 60.0)
    url = await apps.ensure(str(app))
    assert apps.app(str(app)).status()["pid"] == runner.pid
    assert url == (await apps.status(str(app)))["url"]


async def test_a_starting_run_that_ends_first_gets_a_message_and_the_next_run_starts_here(
    tmp_path: Path, runs: list[subprocess.Popen[bytes]]
) -> None:
    app = gated_app(tmp_path / "app")
    runner = users_run(app)
    runs.append(runner)
    apps = watching([])
    waiting = asyncio.ensure_future(apps.ensure(str(app)))
    await asyncio.sleep(1)
    assert not waiting.done()
    end(runner)  # Ctrl+C in its terminal, say
    with pytest.raises(RunnerUnavailable) as raised:
        await asyncio.wait_for(waiting, 30)
    assert str(raised.value) == (
        f"funcls run of {app} (pid {runner.pid}), started outside this editor, ended before it "
        "served; Run again to start the app here (the Run waited for that run, which holds the "
        "app, instead of starting a second one; its terminal says why)"
    )
    (app / "gate").write_text("")
    try:
        await apps.ensure(str(app))
        status = apps.app(str(app)).status()
        assert status["state"] == "running" and status["external"] is False, status
    finally:
        await apps.stop(str(app))


async def test_a_run_that_claims_the_app_after_the_lens_looked_is_waited_for(
    tmp_path: Path, runs: list[subprocess.Popen[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race: the lens looks (nothing holds the app), the user's run claims it, then the
    warm app starts and is refused (exit code 2): the lens waits for the user's run."""
    app = gated_app(tmp_path / "app")
    looked: list[int | None] = []

    def look_then_user_starts(root: str) -> int | None:
        holder = claimed_by(root)
        if not looked:
            runs.append(users_run(app))
        looked.append(holder)
        return holder

    monkeypatch.setattr(warm_app, "claimed_by", look_then_user_starts)
    lines: list[str] = []
    apps = watching(lines)
    waiting = asyncio.ensure_future(apps.ensure(str(app)))
    deadline = time.monotonic() + 30
    while not any("the Run waits for it to serve" in line for line in lines):
        assert not waiting.done() and time.monotonic() < deadline, lines
        await asyncio.sleep(0.05)
    assert looked[0] is None and looked[1] == runs[0].pid
    assert any("funcls run is already running the app" in line for line in lines)  # refused
    (app / "gate").write_text("")
    await asyncio.wait_for(waiting, 60)
    status = apps.app(str(app)).status()
    assert status["external"] is True and status["pid"] == runs[0].pid, status


@pytest.mark.parametrize("held_s", [0.05, 1.0])
def test_a_run_claiming_the_app_while_the_lens_looks_is_not_refused(
    tmp_path: Path, held_s: float
) -> None:
    """`claimed_by` holds a shared lock on run.lock for an instant: a run claiming the app in
    that instant waits for it (CLAIM_WAIT_S) instead of being refused; a lock held longer is a
    run, and refuses."""
    app = str(tmp_path)
    (tmp_path / ".funcls").mkdir()
    lock = tmp_path / ".funcls" / "run.lock"
    lock.write_text("")
    fd = os.open(lock, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_SH)
    threading.Timer(held_s, os.close, [fd]).start()
    try:
        if held_s < statefile.CLAIM_WAIT_S:
            assert statefile.claim_run(app) is None
            assert lock.read_text() == f"{os.getpid()}\n"
        else:
            with pytest.raises(statefile.AlreadyRunning):
                statefile.claim_run(app)
    finally:
        while statefile._claimed:  # this test's process is not a run: let the lock go
            os.close(statefile._claimed.pop())


async def test_a_probe_that_fails_while_waiting_is_not_a_stop(
    tmp_path: Path, runs: list[subprocess.Popen[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the lens waits for the user's run, its status probe may fail once (a request that
    timed out on a busy machine): that is "not yet", probed again, never a "stopped" state the
    editor shows between "starting" and "running"."""
    app = gated_app(tmp_path / "app")
    runner = users_run(app)
    runs.append(runner)
    probes: list[object] = []
    real = warm_app.running_elsewhere

    def first_probe_fails(root: str) -> tuple[str, int] | None:
        found = real(root)
        probes.append(found)
        return None if found is not None and probes.count(found) == 1 else found

    monkeypatch.setattr(warm_app, "running_elsewhere", first_probe_fails)
    states: list[str] = []
    apps = WarmApps(lambda status: states.append(status["state"]), lambda root, line: None)
    waiting = asyncio.ensure_future(apps.ensure(str(app)))
    await asyncio.sleep(1)
    assert not waiting.done()
    (app / "gate").write_text("")
    await asyncio.wait_for(waiting, 60)
    served = [found for found in probes if found is not None]
    assert len(served) >= 2  # the first probe of the serving run failed, the next adopted it
    assert "stopped" not in states, states
    assert states[-1] == "running"
    assert apps.app(str(app)).status()["pid"] == runner.pid
