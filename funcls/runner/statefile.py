"""`<app>/.funcls/run.json`: how `funcls invoke` finds a running `funcls run` of the app; and
`<app>/.funcls/run.lock`, which makes that run the app's only one (`claim_run`)."""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import Any

STATE_FILE = "run.json"
LOCK_FILE = "run.lock"


def state_path(app_dir: str) -> Path:
    return Path(app_dir) / ".funcls" / STATE_FILE


def write_state(app_dir: str, data: dict[str, Any]) -> None:
    path = state_path(app_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"run.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
    tmp.replace(path)


def remove_state(app_dir: str, pid: int) -> None:
    data = read_state(app_dir)
    if data is not None and data.get("pid") == pid:
        with contextlib.suppress(OSError):
            state_path(app_dir).unlink()


def read_state(app_dir: str) -> dict[str, Any] | None:
    try:
        data = json.loads(state_path(app_dir).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class AlreadyRunning(Exception):
    """Another `funcls run` of the app is alive; the message names it and how to stop it."""


# The descriptor of run.lock while this process holds it (claim_run): never closed.
_claimed: list[int] = []


def claim_run(app_dir: str) -> int | None:
    """Make this process the app's one `funcls run`: an exclusive flock on
    `<app>/.funcls/run.lock`, held until the process ends, when the kernel releases it,
    however it ends: a run killed with SIGKILL leaves a stale run.json but no lock, and the
    next run takes over (the stale run.json is removed here). Two runs of one app would each
    fire its timers and take its queue messages, and the second would overwrite the run.json
    that `funcls invoke` and the Run lens read (QA: `func start` refuses a second start
    through its port; two `funcls run --port 0` ran side by side without a word).

    Raises AlreadyRunning when a live run holds the lock. Returns the pid that run.json names
    when that process is alive although it holds no lock (a run of an older funcls, a folder
    where flock fails, or only a reused pid): the caller asks it over HTTP
    (`client.running_url`). None otherwise; the run goes on without the lock when it cannot
    be had at all (a read-only folder, no flock on this system or file system)."""
    path = state_path(app_dir).with_name(LOCK_FILE)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)  # not inherited by app processes
    except OSError:
        return _live_state(app_dir)
    try:
        import fcntl

        _lock_or_wait(fd, fcntl.LOCK_EX)
    except BlockingIOError:
        try:
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
        finally:
            os.close(fd)
        raise AlreadyRunning(
            already_running(app_dir, int(holder) if holder.isdigit() else None)
        ) from None
    except (ImportError, OSError):
        os.close(fd)
        return _live_state(app_dir)
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode("ascii"))
    _claimed.append(fd)
    return _live_state(app_dir)


# How long a claim waits for run.lock while only `claimed_by` may hold it (a shared lock
# of a few microseconds): a run held that long is a run.
CLAIM_WAIT_S = 0.2


def _lock_or_wait(fd: int, mode: int) -> None:
    """flock ``fd`` without blocking, trying again for CLAIM_WAIT_S: `claimed_by` (the
    language server asking whether a run holds the app) takes a shared lock for an instant,
    and a run starting in that instant must not be refused for it. BlockingIOError when the
    lock is still held."""
    import fcntl

    deadline = time.monotonic() + CLAIM_WAIT_S
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def claimed_by(app_dir: str) -> int | None:
    """The pid of the live `funcls run` that holds the app's run.lock (`claim_run`), also
    while it is still starting and has not written its run.json; None when no run holds it,
    or where flock cannot tell. The lock is asked with a shared flock, released at once:
    reading run.lock alone would name a run that ended (the file keeps the last pid)."""
    try:
        fd = os.open(state_path(app_dir).with_name(LOCK_FILE), os.O_RDONLY)
    except OSError:
        return None
    try:
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            pass  # held: by a run, whose pid the file has (claim_run writes it after its lock)
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        # The holder writes its pid right after it locks: read again for a moment.
        deadline = time.monotonic() + 0.1
        while True:
            text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            if text.isdigit() and pid_alive(int(text)):
                return int(text)
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.005)
    except (ImportError, OSError):
        return None
    finally:
        os.close(fd)


def _live_state(app_dir: str) -> int | None:
    """The pid run.json names when it is another live process; a run.json whose process is
    gone is removed, so that nothing takes it for this run before it writes its own."""
    state = read_state(app_dir)
    if state is None or not isinstance(state.get("pid"), int) or state["pid"] == os.getpid():
        return None
    if pid_alive(state["pid"]):
        return int(state["pid"])
    remove_state(app_dir, state["pid"])
    return None


def already_running(app_dir: str, pid: int | None) -> str:
    """What a second `funcls run` of the app says: the first's pid and URL (from its
    run.json, once it has written it), and how to stop it or use it."""
    state = read_state(app_dir) or {}
    url = state.get("url") if pid is None or state.get("pid") == pid else None
    where = f" at {url}" if url else " (still starting: it has not written its run.json yet)"
    who = f"pid {pid}" if pid is not None else "its pid is not written yet"
    kill = f"`kill {pid}`" if pid is not None else "stop that process"
    if url and state.get("editor"):
        who += ", started by your editor's funcls language server"
        stop = f"'Stop the app' in the editor's Functions view, or {kill}"
    else:
        stop = f"Ctrl+C in its terminal, or {kill}"
    return (
        f"funcls run is already running the app {app_dir} ({who}){where}; a second run "
        "would fire its timers and take its queue messages too. Use that one (`funcls invoke "
        f"NAME`, the Run lens and HTTP calls go to it), or stop it first: {stop}"
    )
