"""The language server's warm apps: one `funcls run` per app, started on the first Run and kept
running, so that later runs take one HTTP call to its admin API instead of a new app process.

A warm app is a child process (``python -m funcls run APP --port 0``) that reloads on save as
`funcls run` does, serves the user's browser too, and stops with the server (and by itself
when the server is gone: ``--parent-pid``). When the user already runs `funcls run` for the app
(found through ``<app>/.funcls/run.json``), that one is used and left alone; one still starting
(it holds ``.funcls/run.lock``, one run per app, but has no run.json yet) is waited for.

This module is the only place where the language server starts the user's app; it does so
only on a user's request (a Run lens, a command), never to analyse anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# The app's own environment (.venv, venv, env): one rule with the checks and the VS Code
# extension, in funcls/model/appvenv.py.
from funcls.model.appvenv import app_python as app_python
from funcls.runner.statefile import claimed_by, pid_alive, read_state

START_TIMEOUT = 60.0
STOP_TIMEOUT = 5.0
LOG_LINES = 200  # the last lines of a warm app's console, kept for its failure message


class RunnerUnavailable(Exception):
    """The app's runner could not be started or reached; the message says why."""


@dataclass
class WarmApp:
    root: str
    state: str = "stopped"  # stopped | starting | running | failed
    url: str | None = None
    pid: int | None = None
    external: bool = False  # a `funcls run` the user started: reused, never stopped here
    error: str | None = None
    process: asyncio.subprocess.Process | None = None
    console: list[str] = field(default_factory=list)
    starting: asyncio.Task[str] | None = None
    master_key: str | None = None
    # What the running app failed to load (its run.json's errors, "file: Exception: …"): the
    # runner serves on, so the state stays "running" (QA in code-server: an app started
    # from the view whose import failed showed "running on …" and nothing else).
    load_errors: list[str] = field(default_factory=list)

    def status(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "state": self.state,
            "url": self.url,
            "pid": self.pid,
            "external": self.external,
            "error": self.error,
            "loadErrors": list(self.load_errors) if self.state == "running" else [],
        }


def load_errors(root: str) -> list[str]:
    """The load errors the app's `funcls run` last published in its run.json."""
    errors = (read_state(root) or {}).get("errors")
    return [str(e) for e in errors] if isinstance(errors, list) else []


# The runner's console lines after a load (funcls/runner/runner.py: "ready in …" after the
# first, "reloaded: …" after each reload); its run.json has the load's errors right after.
_LOADED = re.compile(r"\bready in \d|\breloaded: \d")
LOADED_CHECK_S = 0.5


def _get_json(url: str, timeout: float, key: str | None = None) -> Any:
    headers = {"x-functions-key": key} if key else {}
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def loopback(url: str) -> str:
    """The URL to call from here: run.json says localhost, which may resolve to ::1 first."""
    return url.replace("//localhost:", "//127.0.0.1:")


def master_key(root: str) -> str | None:
    try:
        with open(os.path.join(root, ".funcls", "keys.json"), encoding="utf-8") as f:
            keys = json.load(f)
    except (OSError, ValueError):
        return None
    return str(keys["master"]) if isinstance(keys, dict) and keys.get("master") else None


def running_elsewhere(root: str) -> tuple[str, int] | None:
    """The URL and pid of a `funcls run` of this app that answers, from its run.json."""
    state = read_state(root)
    if not state or not isinstance(state.get("pid"), int) or not pid_alive(state["pid"]):
        return None
    url = str(state.get("url") or "")
    try:
        status = _get_json(loopback(url) + "/admin/host/status", 2, master_key(root))
    except (OSError, ValueError):
        return None
    if not isinstance(status, dict):
        return None
    same = os.path.realpath(str(status.get("app", ""))) == os.path.realpath(root)
    return (url, int(state["pid"])) if same else None


def saved_since_seen(root: str, files: set[str]) -> bool:
    """Whether one of ``files`` was saved after the app's running `funcls run` last looked
    (its run.json's ``seen``: it has those saves in the code it serves or is loading, and
    holds invokes until that load is done). False when no run of ours reloads this app: no
    run.json, its process gone, an older runner without ``seen``, or --no-reload."""
    state = read_state(root)
    if not state or not isinstance(state.get("pid"), int) or not pid_alive(state["pid"]):
        return False
    seen = state.get("seen")
    if not isinstance(seen, (int, float)) or not state.get("reload", False):
        return False
    now = time.time()
    for path in files:
        with contextlib.suppress(OSError):
            mtime = os.stat(path).st_mtime
            # A file dated in the future says nothing of a recent save.
            if seen < mtime <= now:
                return True
    return False


async def runner_seen(root: str, files: set[str], limit: float) -> bool:
    """Wait (at most ``limit`` seconds) until the app's `funcls run` has seen the saves of
    ``files``; False when it had not after ``limit``."""
    deadline = time.monotonic() + limit
    while await asyncio.to_thread(saved_since_seen, root, files):
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(0.05)
    return True


def post_json(url: str, payload: dict[str, Any], timeout: float, key: str | None) -> Any:
    """POST JSON and read the JSON answer; an HTTP error's JSON ``error`` is raised as
    RunnerUnavailable's message only for 5xx/connection problems, else returned."""
    data = json.dumps(payload).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if key:
        headers["x-functions-key"] = key
    request = urllib.request.Request(url, data=data, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        try:
            detail = json.loads(error.read())
        except ValueError:
            detail = None
        if isinstance(detail, dict) and detail.get("error"):
            errors = detail.get("loadErrors")
            return {
                "refused": str(detail["error"]),
                "status": error.code,
                "loadErrors": [e for e in errors if isinstance(e, dict)]
                if isinstance(errors, list)
                else [],
            }
        raise RunnerUnavailable(f"the runner answered {error.code}") from None
    except (OSError, ValueError) as error:
        raise RunnerUnavailable(f"could not reach the runner at {url}: {error}") from None


def with_funcls(pythonpath: str | None) -> str:
    """PYTHONPATH for an app's own interpreter, which need not have funcls installed: the one
    it has, then the folder this funcls is imported from (the extension's bundled libraries
    already lead PYTHONPATH; a pip-installed server's site-packages come last, after the
    app's own packages)."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    home = os.path.dirname(here)
    parts = [p for p in (pythonpath or "").split(os.pathsep) if p]
    return os.pathsep.join(parts if home in parts else [*parts, home])


class WarmApps:
    """Every warm app of one language server."""

    def __init__(
        self,
        on_change: Callable[[dict[str, Any]], None],
        on_output: Callable[[str, str], None],
        python: str = sys.executable,
    ) -> None:
        self.apps: dict[str, WarmApp] = {}
        self.on_change = on_change  # the app's status, whenever it changes
        self.on_output = on_output  # (root, console line) of a warm app
        self.python = python

    def app(self, root: str) -> WarmApp:
        root = os.path.normpath(os.path.abspath(root))
        if root not in self.apps:
            self.apps[root] = WarmApp(root)
        return self.apps[root]

    async def status(self, root: str) -> dict[str, Any]:
        warm = self.app(root)
        if warm.state == "stopped" or (warm.external and not pid_alive(warm.pid or -1)):
            await self._adopt(warm)
        return warm.status()

    def _set(self, warm: WarmApp, state: str, **changes: Any) -> None:
        for key, value in changes.items():
            setattr(warm, key, value)
        warm.state = state
        self.on_change(warm.status())

    async def _adopt(self, warm: WarmApp, waiting: bool = False) -> bool:
        """Use a `funcls run` of this app that is already running, if there is one. (The
        probe runs in a thread; the state changes, and their notifications, on the loop.)
        ``waiting``: the caller waits for that run to serve (_await_run) and probes again, so
        a probe that fails (its status request timed out on a busy machine) is "not yet", not
        "stopped"."""
        found = await asyncio.to_thread(running_elsewhere, warm.root)
        if found is None:
            if warm.external and not waiting:
                self._set(warm, "stopped", url=None, pid=None, external=False)
            return False
        url, pid = found
        if warm.url != url or warm.state != "running":
            self._set(
                warm,
                "running",
                url=url,
                pid=pid,
                external=True,
                error=None,
                master_key=master_key(warm.root),
                load_errors=load_errors(warm.root),
            )
        return True

    async def ensure(self, root: str) -> str:
        """The URL of the app's runner: the warm app, a `funcls run` already running, or a
        new warm app (started here and awaited)."""
        warm = self.app(root)
        if warm.state == "running" and warm.url:
            if warm.external and not pid_alive(warm.pid or -1):
                self._set(warm, "stopped", url=None, pid=None, external=False)
            elif warm.process is None or warm.process.returncode is None:
                return warm.url
        if warm.starting is None or warm.starting.done():
            if await self._adopt(warm):
                assert warm.url is not None
                return warm.url
            warm.starting = asyncio.get_running_loop().create_task(self._start(warm))
        return await asyncio.shield(warm.starting)

    async def start(self, root: str) -> dict[str, Any]:
        with contextlib.suppress(RunnerUnavailable):
            await self.ensure(root)
        return self.app(root).status()

    async def _start(self, warm: WarmApp) -> str:
        # A `funcls run` of the app is starting (it holds run.lock, one run per app, and has
        # not written its run.json yet): a warm app would be refused; use that run.
        holder = await asyncio.to_thread(claimed_by, warm.root)
        if holder is not None and holder != os.getpid():
            return await self._await_run(warm, holder)
        python = app_python(warm.root, self.python)
        cmd = [
            python, "-m", "funcls", "run", warm.root,
            "--port", "0", "--parent-pid", str(os.getpid()),
        ]  # fmt: skip
        warm.console = []
        self._set(warm, "starting", error=None, url=None, external=False)
        env = dict(os.environ)
        env["PYTHONUNBUFFERED"] = "1"  # console lines as they come, for the log
        if python != self.python:
            env["PYTHONPATH"] = with_funcls(env.get("PYTHONPATH"))
        self.on_output(warm.root, f"starting: {' '.join(cmd)}")
        try:
            process = await asyncio.create_subprocess_exec(
                *cmd,
                cwd=warm.root,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                env=env,
                start_new_session=True,  # its own group: stopped as a whole
            )
        except OSError as error:
            message = f"cannot start {' '.join(cmd)}: {error}"
            self._set(warm, "failed", error=message)
            raise RunnerUnavailable(message) from None
        warm.process = process
        warm.pid = process.pid
        reader = asyncio.get_running_loop().create_task(self._read_console(warm, process))
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if process.returncode is not None:
                await asyncio.wait([reader], timeout=1)
                if process.returncode == 2:
                    # Refused, one run per app: a run of the user's started meanwhile.
                    holder = await asyncio.to_thread(claimed_by, warm.root)
                    if holder is not None and holder not in (process.pid, os.getpid()):
                        warm.process = None
                        return await self._await_run(warm, holder)
                return self._failed(warm, f"exited with code {process.returncode}")
            state = read_state(warm.root)
            if state and state.get("pid") == process.pid and state.get("url"):
                url = str(state["url"])
                errors = load_errors(warm.root)
                self._set(
                    warm, "running", url=url, master_key=master_key(warm.root), load_errors=errors
                )
                return url
            await asyncio.sleep(0.02)
        await self._terminate(process)
        return self._failed(warm, f"did not become ready within {START_TIMEOUT:.0f} s")

    async def _await_run(self, warm: WarmApp, pid: int) -> str:
        """Wait for the `funcls run` ``pid``, which holds the app but does not serve yet, to
        serve (its run.json, as for a run already serving), and use it; RunnerUnavailable
        when it ends first or is not serving after START_TIMEOUT."""
        self._set(warm, "starting", error=None, url=None, pid=pid, external=True, process=None)
        self.on_output(
            warm.root,
            f"funcls run of this app (pid {pid}), started outside this editor, is starting: "
            "the Run waits for it to serve",
        )
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            state = await asyncio.to_thread(read_state, warm.root)
            if (
                state
                and state.get("pid") == pid
                and state.get("url")
                and await self._adopt(warm, waiting=True)
            ):
                assert warm.url is not None
                return warm.url
            if not pid_alive(pid) or await asyncio.to_thread(claimed_by, warm.root) != pid:
                why = "ended before it served; Run again to start the app here"
                break
            if time.monotonic() >= deadline:
                why = (
                    f"has not served within {START_TIMEOUT:g} s; stop it (`kill {pid}`) or "
                    "wait until it serves, and Run again"
                )
                break
            await asyncio.sleep(0.05)
        message = (
            f"funcls run of {warm.root} (pid {pid}), started outside this editor, {why} (the "
            "Run waited for that run, which holds the app, instead of starting a second one; "
            "its terminal says why)"
        )
        self._set(warm, "failed", error=message, url=None, pid=None, external=False)
        raise RunnerUnavailable(message)

    def _failed(self, warm: WarmApp, why: str) -> str:
        tail = "\n".join(warm.console[-15:])
        message = f"funcls run {warm.root} {why}" + (f":\n{tail}" if tail else "")
        self._set(warm, "failed", error=message, url=None, process=None, pid=None)
        raise RunnerUnavailable(message)

    async def _read_console(self, warm: WarmApp, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        while True:
            line = await process.stdout.readline()
            if not line:
                break
            text = line.decode("utf-8", "replace").rstrip("\n")
            warm.console.append(text)
            del warm.console[:-LOG_LINES]
            self.on_output(warm.root, text)
            if _LOADED.search(text):
                loop = asyncio.get_running_loop()
                loop.call_later(LOADED_CHECK_S, self._loaded, warm, process)
        await process.wait()
        if warm.process is process and warm.state in ("running", "starting"):
            why = f"the app's runner stopped (exit code {process.returncode})"
            self._set(warm, "stopped", url=None, pid=None, process=None, error=why)

    def _loaded(self, warm: WarmApp, process: asyncio.subprocess.Process) -> None:
        """After a (re)load of the app: tell its load errors when they changed."""
        if warm.process is not process or warm.state != "running":
            return
        errors = load_errors(warm.root)
        if errors != warm.load_errors:
            self._set(warm, "running", load_errors=errors)

    async def _terminate(self, process: asyncio.subprocess.Process) -> None:
        if process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
        except asyncio.TimeoutError:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            await process.wait()

    async def stop(self, root: str) -> dict[str, Any]:
        warm = self.app(root)
        # Not while the Run waits for a user's run to serve (_await_run): nothing of ours runs.
        if warm.starting is not None and not warm.starting.done() and not warm.external:
            with contextlib.suppress(RunnerUnavailable, asyncio.CancelledError):
                await warm.starting
        process = warm.process
        if process is not None:
            warm.process = None
            await self._terminate(process)
            self._set(warm, "stopped", url=None, pid=None, error=None)
        elif warm.external:
            warm.error = (
                f"this app runs in a `funcls run` started outside the editor (pid {warm.pid}); "
                "stop it where it runs"
            )
            self.on_change(warm.status())
        return warm.status()

    async def restart(self, root: str) -> dict[str, Any]:
        await self.stop(root)
        return await self.start(root)

    def kill_all(self) -> None:
        """At exit, when there is no loop left to wait on: end every warm app at once."""
        for warm in self.apps.values():
            if warm.process is not None and warm.process.returncode is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(warm.process.pid, signal.SIGTERM)

    async def invoke(self, root: str, name: str, request: dict[str, Any], timeout: float) -> Any:
        url = await self.ensure(root)
        warm = self.app(root)
        target = f"{loopback(url)}/admin/funcls/invoke/{name}"
        try:
            return await asyncio.to_thread(post_json, target, request, timeout, warm.master_key)
        except RunnerUnavailable:
            if warm.external:
                raise
            # The runner went away between two runs (killed, crashed): start it again once.
            if warm.process is not None and warm.process.returncode is None:
                raise
            url = await self.ensure(root)
            target = f"{loopback(url)}/admin/funcls/invoke/{name}"
            return await asyncio.to_thread(post_json, target, request, timeout, warm.master_key)


_EXECUTING = re.compile(
    r"Executing 'Functions\.(?P<name>[^']+)' \(Reason='(?P<reason>.*)', Id=(?P<id>[\w-]+)\)"
)
_FAILED = re.compile(r"Executed 'Functions\.(?P<name>[^']+)' \(Failed, Id=(?P<id>[\w-]+)")
BY_HAND = "programmatically called via the host APIs"
QUIET_S = 30.0  # one message per function in this time


class BackgroundFailures:
    """Failures of a warm app's own runs (queue messages, blobs, timers) — which nobody
    clicked, so no result shows them — from its console lines, as one message per function
    per ``QUIET_S``: a by-hand run that queued a bad message must not fail silently."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self.reasons: dict[str, str] = {}
        self.told: dict[str, float] = {}
        self.now = now

    def feed(self, line: str) -> str | None:
        """The message to show for this console line, if any."""
        started = _EXECUTING.search(line)
        if started is not None:
            self.reasons[started.group("id")] = started.group("reason")
            del_old = len(self.reasons) - 1000
            for key in list(self.reasons)[: max(del_old, 0)]:
                del self.reasons[key]
            return None
        failed = _FAILED.search(line)
        if failed is None:
            return None
        reason = self.reasons.pop(failed.group("id"), "")
        if not reason or BY_HAND in reason:
            return None
        name = failed.group("name")
        at = self.now()
        if at - self.told.get(name, -QUIET_S) < QUIET_S:
            return None
        self.told[name] = at
        why = reason.rstrip(".")
        return f"{name} failed in the running app ({why}); its traceback is in the log"
