"""The warm app's console read for failures of runs nobody clicked, and the interpreter
each warm app runs in."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from funcls.lsp.warm_app import QUIET_S, BackgroundFailures, WarmApps, app_python, with_funcls

QUEUE = "Executing 'Functions.work' (Reason='New queue message detected on 'jobs'.', Id={id})"
BY_HAND = (
    "Executing 'Functions.work' (Reason='This function was programmatically called via the "
    "host APIs.', Id={id})"
)
FAILED = "Executed 'Functions.work' (Failed, Id={id}, Duration=3ms)"
SUCCEEDED = "Executed 'Functions.work' (Succeeded, Id={id}, Duration=3ms)"


def test_only_background_failures_are_told_once_per_quiet_time() -> None:
    clock = [100.0]
    seen = BackgroundFailures(now=lambda: clock[0])
    assert seen.feed("[2026-12-04T10:00:00Z] " + BY_HAND.format(id="a")) is None
    assert seen.feed(FAILED.format(id="a")) is None  # a by-hand run: its result tells
    assert seen.feed(QUEUE.format(id="b")) is None
    assert seen.feed(SUCCEEDED.format(id="b")) is None
    assert seen.feed(QUEUE.format(id="c")) is None
    assert seen.feed(FAILED.format(id="c")) == (
        "work failed in the running app (New queue message detected on 'jobs'); "
        "its traceback is in the log"
    )
    seen.feed(QUEUE.format(id="d"))
    assert seen.feed(FAILED.format(id="d")) is None  # said a moment ago
    clock[0] += QUIET_S
    seen.feed(QUEUE.format(id="e"))
    assert seen.feed(FAILED.format(id="e")) is not None
    assert seen.feed(FAILED.format(id="unknown")) is None


APP = """\
import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello")
def hello(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("hello")
"""


def make_app(root: Path) -> Path:
    root.mkdir()
    (root / "host.json").write_text('{"version": "2.0"}')
    (root / "local.settings.json").write_text('{"Values": {"FUNCTIONS_WORKER_RUNTIME": "python"}}')
    (root / "function_app.py").write_text(APP)
    return root


async def test_each_app_runs_in_its_own_venv_else_in_the_server_s_interpreter(
    tmp_path: Path,
) -> None:
    """Two apps of one workspace: the one with a .venv in its folder runs there, the other in
    the server's interpreter (QA: Create .venv in one app of a two-app workspace set
    funcls.interpreter, so the other app ran in the first one's .venv)."""
    own, other = make_app(tmp_path / "own"), make_app(tmp_path / "other")
    marker = tmp_path / "started-by-venv.txt"
    venv_python = own / ".venv" / "bin" / "python"
    venv_python.parent.mkdir(parents=True)
    # The app's "interpreter": notes its arguments, then is the test's Python, funcls and all.
    venv_python.write_text(
        f'#!/bin/sh\necho "$@" >> {shlex.quote(str(marker))}\n'
        f'exec {shlex.quote(sys.executable)} "$@"\n'
    )
    venv_python.chmod(0o755)
    assert app_python(str(own), sys.executable) == str(venv_python)
    assert app_python(str(other), sys.executable) == sys.executable
    lines: list[tuple[str, str]] = []
    warm = WarmApps(lambda status: None, lambda root, line: lines.append((root, line)))
    try:
        for app in (own, other):
            status = await warm.start(str(app))
            assert status["state"] == "running", (status, lines[-20:])
    finally:
        await warm.stop(str(own))
        await warm.stop(str(other))
    assert marker.read_text().split("\n")[0].split()[:4] == ["-m", "funcls", "run", str(own)]
    assert len(marker.read_text().splitlines()) == 1  # the other app did not go through it
    started = {root: line for root, line in lines if line.startswith("starting: ")}
    assert started[str(own)].startswith(f"starting: {venv_python} -m funcls run {own} ")
    assert started[str(other)].startswith(f"starting: {sys.executable} -m funcls run {other} ")


def test_a_broken_venv_is_passed_over(tmp_path: Path) -> None:
    """A .venv whose python is a dangling link (its base Python removed) or not executable
    leaves the app to the server's interpreter, and a venv/ beside it is used."""
    app = tmp_path / "app"
    (app / ".venv" / "bin").mkdir(parents=True)
    (app / ".venv" / "bin" / "python").symlink_to(tmp_path / "gone" / "python3")
    assert app_python(str(app), "/usr/bin/python3") == "/usr/bin/python3"
    (app / "venv" / "bin").mkdir(parents=True)
    plain = app / "venv" / "bin" / "python"
    plain.write_text("#!/bin/sh\n")
    assert app_python(str(app), "/usr/bin/python3") == "/usr/bin/python3"  # not executable
    plain.chmod(0o755)
    assert app_python(str(app), "/usr/bin/python3") == str(plain)


def test_an_app_s_own_interpreter_finds_this_funcls_after_its_own_packages() -> None:
    import funcls

    home = str(Path(funcls.__file__).resolve().parent.parent)
    assert with_funcls(None) == home
    assert with_funcls(f"/bundled/libs{os.pathsep}") == f"/bundled/libs{os.pathsep}{home}"
    assert with_funcls(f"{home}{os.pathsep}/x") == f"{home}{os.pathsep}/x"  # already there
