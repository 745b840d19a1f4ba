"""Invoking one function: through a running `funcls run` of the app, or by starting the app.

`funcls invoke` and the editor's Run lens use this. A running `funcls run` is found through
`<app>/.funcls/run.json` (its pid must be alive and its admin API must answer for the same
app); otherwise the app is loaded in fresh app processes, without the HTTP server and without
triggers, the function runs once and everything stops.
"""

from __future__ import annotations

import asyncio
import json
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from funcls.runner.config import RunOptions
from funcls.runner.statefile import pid_alive, read_state

FRESH = "a fresh app process"


class InvokeError(Exception):
    pass


def running_url(app_dir: str) -> str | None:
    state = read_state(app_dir)
    if not state or not isinstance(state.get("pid"), int) or not pid_alive(state["pid"]):
        return None
    url = str(state.get("url") or "").replace("//localhost:", "//127.0.0.1:")
    key = _master_key(app_dir)
    probe = urllib.request.Request(
        url + "/admin/host/status", headers={"x-functions-key": key} if key else {}
    )
    try:
        with urllib.request.urlopen(probe, timeout=2) as response:
            status = json.loads(response.read())
    except (OSError, ValueError):
        return None
    same = os.path.realpath(str(status.get("app", ""))) == os.path.realpath(app_dir)
    return url if same else None


def _master_key(app_dir: str) -> str | None:
    """The master key of a run with --enforce-auth (its admin API needs it)."""
    try:
        keys = json.loads((Path(app_dir) / ".funcls" / "keys.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return str(keys.get("master")) if isinstance(keys, dict) and keys.get("master") else None


def invoke_running(
    url: str, name: str, request: dict[str, Any], timeout: float, app_dir: str = ""
) -> dict[str, Any]:
    data = json.dumps(request).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    key = _master_key(app_dir) if app_dir else None
    if key:
        headers["x-functions-key"] = key
    http_request = urllib.request.Request(
        f"{url}/admin/funcls/invoke/{name}", data=data, method="POST", headers=headers
    )
    try:
        with urllib.request.urlopen(http_request, timeout=timeout) as response:
            result: dict[str, Any] = json.loads(response.read())
            return result
    except urllib.error.HTTPError as error:
        try:
            detail = json.loads(error.read()).get("error")
        except (ValueError, AttributeError):
            detail = None
        raise InvokeError(detail or f"the runner answered {error.code}") from None
    except OSError as error:
        raise InvokeError(f"could not reach the runner at {url}: {error}") from None


# The bindings of Durable Functions' client (v2 durable_client_input; v1 durableClient and the
# older orchestrationClient), as function.json types in lower case.
DURABLE_CLIENTS = ("durableclient", "orchestrationclient")


async def _invoke_fresh(app_dir: str, name: str, request: dict[str, Any]) -> dict[str, Any]:
    from funcls.runner.host.admin import invoke_request, no_function
    from funcls.runner.logs import Console
    from funcls.runner.runner import Run
    from funcls.runner.state import ManualInvokeError

    options = RunOptions(
        app_dir=app_dir,
        reload=False,
        write_state=False,
        triggers=False,
        app_output_to_stderr=True,
        port=0,
    )
    runner = Run(options, Console(quiet=True))
    runner.pool.listeners.append(runner.on_index)
    try:
        await runner.pool.start_generation()
        fn = runner.state.function(name)
        if fn is None:
            raise InvokeError(no_function(runner.state, name))
        if any(b.kind in DURABLE_CLIENTS for b in fn.view.inputs()):
            # The SDK's client calls the runner's HTTP API back; a fresh app process has none.
            raise InvokeError(
                f"'{fn.name}' takes a durable client, which calls funcls run's HTTP API: "
                f"start the app with `funcls run {app_dir}`, then run this again (funcls "
                "invoke goes through it); or run the orchestrator itself with "
                "`funcls invoke ORCHESTRATOR --input JSON`"
            )
        try:
            return await invoke_request(runner.state, fn, request, FRESH)
        except ManualInvokeError as error:
            raise InvokeError(str(error)) from None
    finally:
        await runner.pool.close()
        runner.connections.close()


def invoke(
    app_dir: str, name: str, request: dict[str, Any], timeout: float = 600
) -> tuple[dict[str, Any], str]:
    """The result (`funcls.runner.run_result`) and where it ran: the URL of the running
    `funcls run` it went through, or "a fresh app process"."""
    url = running_url(app_dir)
    if url is not None:
        return invoke_running(url, name, request, timeout, app_dir), url
    return asyncio.run(_invoke_fresh(app_dir, name, request)), FRESH
