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
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

HOST_TIMEOUT = 30.0  # seconds, ScriptConstants.HostTimeoutSeconds
NOT_RUNNING = b"Function host is not running."


def waits_for_host(method: str, path: str) -> bool:
    """Whether a request must wait for the app's first load (see the module's docstring)."""
    if path == "/admin" or path.startswith("/admin/"):
        return method == "POST" and path.lower().startswith("/admin/functions/")
    return True


class AwaitInitialized:
    """An ASGI app in front of the runner's: holds HTTP requests until ``initialized`` is set,
    then hands them on; 503 after ``timeout`` seconds. Once set, it costs one check."""

    def __init__(self, app: Any, initialized: asyncio.Event, timeout: float = HOST_TIMEOUT):
        self.app = app
        self.initialized = initialized
        self.timeout = timeout
        self.held = 0  # requests that waited and have not been answered yet
        self._answered = asyncio.Event()

    async def answered(self, limit: float) -> None:
        """Wait (at most ``limit`` seconds) until the requests that waited for the first load
        have been answered: the runner then starts the rest of its work (the static check
        holds the GIL while it compiles and runs, and would delay those answers)."""
        if self.held:
            self._answered.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._answered.wait(), limit)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if (
            not self.initialized.is_set()
            and scope["type"] == "http"
            and waits_for_host(scope["method"].upper(), scope["path"])
        ):
            self.held += 1
            try:
                try:
                    await asyncio.wait_for(self.initialized.wait(), self.timeout)
                except asyncio.TimeoutError:
                    headers = [(b"content-length", str(len(NOT_RUNNING)).encode())]
                    await send({"type": "http.response.start", "status": 503, "headers": headers})
                    await send({"type": "http.response.body", "body": NOT_RUNNING})
                    return
                await self.app(scope, receive, send)
            finally:
                self.held -= 1
                if not self.held:
                    self._answered.set()
            return
        await self.app(scope, receive, send)
