"""The admin API, as the Functions host has it, plus funcls' synchronous invoke endpoint.

- `GET|POST /admin/host/ping`: 200, for health probes.
- `GET|POST /admin/warmup`: runs the warmup-triggered functions (once), then 200.
- `GET /admin/host/status`: state, version, uptime, load errors.
- `GET /admin/functions`, `GET /admin/functions/{name}`: the functions and their bindings.
- `POST /admin/functions/{name}` with `{"input": "…"}`: start the function with that input
  and answer 202 at once (400 without a JSON body, 404 for an unknown function).
- `POST /admin/funcls/invoke/{name}` with `{"method", "path", "query", "headers", "body",
  "name"}`: run it and answer with its result (`funcls.runner.run_result`): `funcls invoke`
  and the editor's Run lens.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
from typing import Any

from funcls import __version__
from funcls.model.runnable import host_json_exclusion
from funcls.runner.connections import DEFAULT_CONNECTION
from funcls.runner.functions import RunFunction, url_path
from funcls.runner.host.http_trigger import Response, json_response, text_response
from funcls.runner.run_result import run_result
from funcls.runner.state import HttpCall, ManualInvokeError, RunState

_background: set[asyncio.Task[Any]] = set()


def function_json(state: RunState, fn: RunFunction) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": fn.name,
        "language": "python",
        "isDisabled": fn.disabled,
        "isDirect": False,
        "trigger": fn.trigger_type,
        "runnable": fn.support,
        "reason": fn.reason,
        "script": fn.script,
        "line": fn.line,
        "config": {"bindings": fn.bindings},
        "href": f"{state.base_url}/admin/functions/{fn.name}",
    }
    if fn.is_http:
        data["invoke_url_template"] = state.base_url + url_path(fn, state.settings.route_prefix)
        data["methods"] = sorted(fn.methods) if fn.methods else None
    return data


async def handle_admin(
    state: RunState,
    method: str,
    path: str,
    query: dict[str, str],
    headers: dict[str, str],
    body: bytes,
) -> Response:
    parts = [p for p in path.split("/") if p][1:]
    if parts == ["host", "ping"] and method in ("GET", "POST"):
        # HostController.Ping (azure-functions-host): GET or POST, answers an empty 200
        # whatever the query (checkHealth included).
        return 200, [], b""
    if parts == ["warmup"] and method in ("GET", "POST"):
        return await _warmup(state)
    if parts == ["host", "status"] and method == "GET":
        return json_response(200, host_status(state))
    if parts == ["functions"] and method == "GET":
        return json_response(200, [function_json(state, f) for f in state.functions.values()])
    if len(parts) == 2 and parts[0] == "functions":
        fn = state.function(parts[1])
        if fn is None:
            return text_response(404, f"404 Not Found: no function '{parts[1]}'\n")
        if method == "GET":
            return json_response(200, function_json(state, fn))
        if method == "POST":
            return await _start(state, fn, body)
    if len(parts) == 3 and parts[:2] == ["funcls", "invoke"] and method == "POST":
        fn = state.function(parts[2])
        if fn is None:
            # The load errors too, whole (file, traceback): a client shows where the app failed.
            missing = {"error": no_function(state, parts[2]), "loadErrors": state.index.errors}
            return json_response(404, missing)
        return await _invoke(state, fn, body)
    return text_response(404, f"404 Not Found: no admin endpoint {method} {path}\n")


async def _warmup(state: RunState) -> Response:
    """HostController.Warmup: GET or POST runs the app's warmup-triggered functions once
    per host (later calls answer 200 at once), then answers 200. The host serves it on
    Premium and Linux App Service plans only; locally it always answers."""
    if not state.warmed_up:
        state.warmed_up = True
        for fn in state.functions.values():
            if fn.trigger_kind == "warmuptrigger" and not fn.disabled:
                await state.invoke_manually(fn, "")
    return 200, [], b""


def no_function(state: RunState, name: str) -> str:
    """Why `funcls invoke NAME` found nothing: the functions there are, and the load errors."""
    if any(str(d.get("name", "")).lower() == name.lower() for d in state.index.functions):
        why = host_json_exclusion(state.settings.functions_list, name)
        if why is not None:
            return f"'{name}' is not loaded: {why}"
    known = ", ".join(sorted(f.name for f in state.functions.values())) or "none"
    errors = "; ".join(f"{e.get('function')}: {e.get('message')}" for e in state.index.errors)
    return f"no function '{name}' in {state.settings.root} (functions: {known})" + (
        f"; load errors: {errors}" if errors else ""
    )


def host_status(state: RunState) -> dict[str, Any]:
    errors = state.index.errors
    if state.reloading is not None:
        # ScriptHostState.Starting: the host's state while its script host restarts after a
        # file change, until the new one is initialized (azure-functions-host,
        # src/WebJobs.Script/Host/ScriptHostState.cs).
        host_state = "Starting"
    else:
        host_state = "Error" if errors and not state.functions else "Running"
    return {
        "id": f"funcls-{os.getpid()}",
        "state": host_state,
        "reloading": state.reloading is not None,
        "version": f"funcls {__version__}",
        "versionDetails": f"python {state.index.python}, azure-functions {state.index.library}",
        "processUptime": int((time.monotonic() - state.started) * 1000),
        "pid": os.getpid(),
        "app": state.settings.root,
        "functions": sorted(f.name for f in state.functions.values()),
        "errors": [f"{e.get('function')}: {e.get('message')}" for e in errors],
    }


def _parse(body: bytes) -> dict[str, Any] | None:
    if not body.strip():
        return None
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _input_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


async def _start(state: RunState, fn: RunFunction, body: bytes) -> Response:
    request = _parse(body)
    if request is None:
        return text_response(
            400, '400 Bad Request: send a JSON body such as {"input": "…"} to start a function\n'
        )
    if fn.support == "none":
        return text_response(409, f"409 Conflict: '{fn.name}' cannot run here: {fn.reason}\n")
    text = _input_text(request.get("input"))

    async def run() -> None:
        try:
            await state.invoke_manually(fn, text)
        except ManualInvokeError as error:
            state.invoker.console.say(f"cannot start '{fn.name}': {error}")

    task = asyncio.get_running_loop().create_task(run())
    _background.add(task)
    task.add_done_callback(_background.discard)
    return 202, [], b""


def http_call(request: dict[str, Any]) -> HttpCall:
    """The HTTP request of a by-hand invocation: `{"method", "path", "query", "headers",
    "body" | "body_base64" | "input"}` (the body is the input when none is given)."""
    raw_body = request.get("body")
    if request.get("body_base64"):
        payload = base64.b64decode(str(request["body_base64"]))
    elif raw_body is not None:
        payload = _input_text(raw_body).encode("utf-8")
    else:
        payload = _input_text(request.get("input")).encode("utf-8")
    return HttpCall(
        method=str(request["method"]).upper() if request.get("method") else None,
        path=request.get("path"),
        query={str(k): str(v) for k, v in (request.get("query") or {}).items()},
        headers={str(k).lower(): str(v) for k, v in (request.get("headers") or {}).items()},
        body=payload,
    )


async def _invoke(state: RunState, fn: RunFunction, body: bytes) -> Response:
    request = _parse(body) if body.strip() else {}
    if request is None:
        return json_response(400, {"error": 'send a JSON object: {"body": …}'})
    try:
        result = await invoke_request(state, fn, request, state.base_url)
    except ManualInvokeError as error:
        return json_response(error.status, {"error": str(error)})
    return json_response(200, result)


async def invoke_request(
    state: RunState, fn: RunFunction, request: dict[str, Any], ran_on: str
) -> dict[str, Any]:
    """Run ``fn`` once with a by-hand request and give its result (`run_result`).

    The request: ``{"method", "path", "query", "headers", "body" | "body_base64"}`` for an
    HTTP function; ``{"body"}`` for the others, plus ``"name"`` (the blob's path) for a blob
    trigger, whose body, when given, is written to that blob first. ``"input"`` is the
    admin API's older name for the body (for a blob trigger: its path). ``"bodyLimit"``: give
    at most that many bytes of the HTTP answer's body (`run_result`'s ``bodySize``)."""
    limit = request.get("bodyLimit")
    body_limit = limit if isinstance(limit, int) and not isinstance(limit, bool) else None
    if fn.is_http:
        outcome = await state.invoke_manually(fn, "", http_call(request), collect_logs=True)
    elif fn.trigger_kind == "blobtrigger":
        name = request.get("name") if request.get("name") is not None else request.get("input")
        content: bytes | None = None
        if request.get("body_base64"):
            content = base64.b64decode(str(request["body_base64"]))
        elif "name" in request and request.get("body") is not None:
            content = _input_text(request["body"]).encode("utf-8")
        outcome = await state.invoke_manually(
            fn, _input_text(name), collect_logs=True, blob_content=content
        )
    else:
        text = request["body"] if request.get("body") is not None else request.get("input")
        outcome = await state.invoke_manually(fn, _input_text(text), collect_logs=True)
    result = run_result(
        outcome, fn.trigger_type, outcome.request, ran_on, state.settings.root, body_limit
    )
    settings = storage_settings(fn)
    if settings:
        connections = state.invoker.connections
        result["stores"] = await asyncio.to_thread(lambda: [connections.store(s) for s in settings])
    return result


# The bindings whose data the runner keeps in a storage account (or the embedded store).
_STORAGE_KINDS = frozenset({"queue", "queuetrigger", "blob", "blobtrigger", "table"})


def storage_settings(fn: RunFunction) -> list[str]:
    """The connection settings of ``fn``'s queue, blob and table bindings, each once, in
    binding order (no `connection`: AzureWebJobsStorage, as the host reads it)."""
    found: dict[str, str] = {}
    for binding in fn.view:
        if binding.kind in _STORAGE_KINDS:
            name = str(binding.get("connection") or "").strip() or DEFAULT_CONNECTION
            found.setdefault(name.lower(), name)
    return list(found.values())
