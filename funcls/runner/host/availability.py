"""Requests that arrive before the app has loaded wait for it, as on the Functions host.

The host's `HostAvailabilityCheckMiddleware` (azure-functions-host,
src/WebJobs.Script.WebHost/Middleware/HostAvailabilityCheckMiddleware.cs, registered for
every request that is not an admin request) awaits `DelayUntilHostReady`: it polls until the
script host is initialized, for at most `ScriptConstants.HostTimeoutSeconds` (30 s), then
answers 503 "Function host is not running.". Of the admin API, `POST /admin/functions/{name}`
waits the same way (`[RequiresRunningHost]` in FunctionsController.cs); the rest answers at
once. `funcls run` listens before its app process has loaded the app (issue 16: command to
first HTTP 200), so a request that comes early is held here until the functions are routed
instead of getting a 404.

A reload after a save holds requests the same way: the host restarts its script host when a
file of the app changes (FileMonitoringService.OnFileChanged -> ScheduleRestartAsync ->
IScriptHostManager.RestartHostAsync), and until the new one is initialized
`HostIsInitialized()` is false, so the middleware above awaits it. The runner clears the event
when it sees a save and sets it when the new app processes have loaded (runner.py), so
requests and invokes sent meanwhile are answered by the new code, not the old. The 503 after
the wait says what is being waited for (``reason``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable
from typing import Any

HOST_TIMEOUT = 30.0  # seconds, ScriptConstants.HostTimeoutSeconds
NOT_RUNNING = b"Function host is not running."


def load_wait() -> float:
    """How long a request waits for a load (the first or a reload): the host's 30 s, or
    FUNCLS_LOAD_WAIT_SECONDS (for tests)."""
    try:
        return float(os.environ.get("FUNCLS_LOAD_WAIT_SECONDS", "") or HOST_TIMEOUT)
    except ValueError:
        return HOST_TIMEOUT


def waits_for_host(method: str, path: str) -> bool:
    """Whether a request must wait for the app's first load (see the module's docstring)."""
    if path == "/admin" or path.startswith("/admin/"):
        # funcls' own invoke (`funcls invoke`, the Run lens) waits as the host's does.
        return method == "POST" and path.lower().startswith(
            ("/admin/functions/", "/admin/funcls/invoke/")
        )
    return True


class AwaitInitialized:
    """An ASGI app in front of the runner's: holds HTTP requests until ``initialized`` is set,
    then hands them on; 503 after ``timeout`` seconds. Once set, it costs one check."""

    def __init__(
        self,
        app: Any,
        initialized: asyncio.Event,
        timeout: float = HOST_TIMEOUT,
        reason: Callable[[], bytes] | None = None,
    ):
        self.app = app
        self.initialized = initialized
        self.timeout = timeout
        self.reason = reason  # the 503's body, when there is more to say than NOT_RUNNING
        self.held = 0  # requests that waited and have not been answered yet
        self._answered = asyncio.Event()
        # Set when the run stops (Ctrl+C, SIGTERM): a request still held gets the 503 at
        # once, as a stopping host is not running, instead of waiting out the load.
        self.stopping = asyncio.Event()
        self.stopping_reason = b""  # what the 503 adds then

    async def answered(self, limit: float) -> None:
        """Wait (at most ``limit`` seconds) until the requests that waited for the first load
        have been answered: the runner then starts the rest of its work (the static check
        holds the GIL while it compiles and runs, and would delay those answers)."""
        if self.held:
            self._answered.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._answered.wait(), limit)

    def stop(self, reason: bytes = b"") -> None:
        """The run is stopping: answer the held requests now (503 with ``reason`` added)."""
        self.stopping_reason = reason
        self.stopping.set()

    async def _ready(self) -> bool:
        """Wait until ``initialized`` is set (True), the run stops or the timeout passes."""
        if self.stopping.is_set():
            return False
        waits = [
            asyncio.ensure_future(self.initialized.wait()),
            asyncio.ensure_future(self.stopping.wait()),
        ]
        try:
            await asyncio.wait(waits, timeout=self.timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()
        return self.initialized.is_set()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if (
            not self.initialized.is_set()
            and scope["type"] == "http"
            and waits_for_host(scope["method"].upper(), scope["path"])
        ):
            self.held += 1
            try:
                if not await self._ready():
                    if self.stopping.is_set():
                        body = NOT_RUNNING + self.stopping_reason
                    else:
                        body = self.reason() if self.reason is not None else NOT_RUNNING
                    headers = [(b"content-length", str(len(body)).encode())]
                    await send({"type": "http.response.start", "status": 503, "headers": headers})
                    await send({"type": "http.response.body", "body": body})
                    return
                await self.app(scope, receive, send)
            finally:
                self.held -= 1
                if not self.held:
                    self._answered.set()
            return
        await self.app(scope, receive, send)
