"""``funcls.runFunction`` and its companions: run one function through the app's warm runner
(`funcls.lsp.warm_app`; the server itself never runs user code) and give the whole result.

The command takes ``[appRoot, functionName]`` or ``[appRoot, functionName, input]``; the
input's missing parts come from the app's saved inputs, else from a sample
(`funcls.model.run_inputs`). The result is the runner's structured result
(`funcls.runner.run_result`), also shown to people: a one-line summary (window/showMessage)
and, where the client can open documents, the whole result as a document.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from funcls.checks.streaming import SETTING as INIT_INDEXING
from funcls.checks.streaming import streaming_import_in
from funcls.model.appmodel import App, Function, Problem
from funcls.model.appvenv import app_python_version
from funcls.model.run_inputs import (
    SavedInputs,
    body_text,
    is_http,
    read_saved,
    resolve_input,
    sample_input,
    with_entry,
)
from funcls.model.runnable import (
    host_json_exclusion,
    not_runnable_by_hand_reason,
    not_runnable_reason,
)
from funcls.model.source import Source
from funcls.runner.run_result import render_result, summary
from funcls.runner.statefile import state_path

RESULTS_DIR = "results"


def failure(name: str, message: str, kind: str = "RunRefused") -> dict[str, Any]:
    """A result for a run that did not happen (bad arguments, not runnable, no runner)."""
    result: dict[str, Any] = {
        "ok": False,
        "function": name,
        "trigger": None,
        "summary": "",
        "request": None,
        "status": None,
        "statusText": None,
        "headers": None,
        "body": None,
        "returnValue": None,
        "outputs": [],
        "logs": [],
        "error": {"type": kind, "message": message, "file": None, "line": None, "traceback": ""},
        "durationMs": 0,
        "invocationId": None,
        "ranOn": None,
    }
    result["summary"] = f"cannot run '{name}': {message}" if name else message
    return result


# The Python worker's is_true_like, and what turns the streaming extension off: the runner
# decides with these (funcls/runner/worker/loader.py `streaming_refusal`,
# funcls/runner/worker/extensions.py), as azure_functions_worker/utils/common.py does.
_WORKER_TRUE = ("1", "true", "t", "yes", "y")
_STREAMING_OFF = ("false", "0")


def web_app(fn: Function) -> bool:
    """The catch-all function of an AsgiFunctionApp/WsgiFunctionApp: the whole web app, run
    and shown on the line that makes it (QA in code-server: a FastAPI app had no lens and no
    row in the Functions view, "v2 app, 0 functions")."""
    return fn.synthetic and fn.http_type in ("asgi", "wsgi")


_JSON_PROBLEMS = ("json-syntax", "json-not-object")


def broken_config(app: App, fn: Function) -> Problem | None:
    """The problem that keeps ``fn``'s function.json from being read (not JSON, not an
    object), if any: the function then has no binding at all, and "no trigger" would send
    the user looking for a missing binding (QA in code-server: a comma left out)."""
    if fn.config_path is None:
        return None
    for p in app.problems:
        if p.kind in _JSON_PROBLEMS and p.path == fn.config_path:
            return p
    return None


def broken_config_reason(app: App, fn: Function, problem: Problem) -> str:
    """What the lens and the view say of a function whose function.json cannot be read; the
    fix first (the lens shows the first words)."""
    where = os.path.relpath(problem.path, app.root).replace(os.sep, "/")
    return (
        f"fix {where}: it is not valid JSON ({problem.message}), so the host reads none of "
        "its bindings (AZF100)"
    )


def why_not_runnable(fn: Function, app: App | None = None) -> str | None:
    """Why the runner would refuse ``fn`` (of ``app``, when given: some reasons are the
    app's), or None when a Run can go ahead."""
    broken = broken_config(app, fn) if app is not None else None
    if app is not None and broken is not None:
        return broken_config_reason(app, fn, broken)
    trigger = fn.trigger
    inputs = (b.type for b in fn.bindings if b.direction.lower() == "in" and not b.is_trigger)
    kind = trigger.type if trigger is not None else None
    why = not_runnable_reason(kind, inputs) or not_runnable_by_hand_reason(kind)
    if why is None and app is not None:
        # host.json's "functions" list: the runner loads no function it leaves out.
        why = host_json_exclusion(app.host_functions_list(), fn.name)
    if why is None and app is not None and is_http(fn):
        why = streaming_refusal(app)
    if why is None and app is not None and web_app(fn) and app.route_prefix:
        why = web_app_prefix_refusal(app, fn)
    return why


def web_app_prefix_refusal(app: App, fn: Function) -> str:
    """Why an ASGI/WSGI app does not run under a route prefix: the library routes its
    catch-all '/{*route}' (azure/functions/decorators/function_app.py, _add_http_app), which
    the host joins to the prefix as 'api//{*route}', two '/' in a row that the route parser
    refuses; the runner does the same (Azure/azure-functions-python-worker#1310)."""
    kind = "AsgiFunctionApp" if fn.http_type == "asgi" else "WsgiFunctionApp"
    # The lens shows the first words: the fix comes first.
    return (
        f'set "routePrefix": "" under extensions.http in host.json: a {kind} answers every '
        f"path through one catch-all route '/{{*route}}', which the host cannot join to the "
        f"prefix '{app.route_prefix}' ('{app.route_prefix}//{{*route}}')"
    )


def streaming_refusal(app: App, version: tuple[int, int] | None = None) -> str | None:
    """Why the runner refuses the HTTP functions of ``app`` (the same rule as AZF410 and the
    runner's own check): the app imports an HTTP streaming extension and, on Python before
    3.13, lacks PYTHON_ENABLE_INIT_INDEXING=1 — the worker starts the extension's web server
    only during init indexing (`_handle__worker_init_request` in
    azure_functions_worker/dispatcher.py, Azure/azure-functions-python-worker). ``version`` is
    the Python that runs the app, when not given the version of the app's own environment
    (model/appvenv.py: .venv, venv, env; warm_app.app_python runs the app in it), else the
    server's."""
    major, minor = version or app_python_version(app.root) or sys.version_info[:2]
    if (major, minor) >= (3, 13):
        return None
    found = streaming_import_in(app)
    if found is None:
        return None
    value = app.setting(INIT_INDEXING)
    text = str(value.value).strip().lower() if value is not None and value.value is not None else ""
    if text in _WORKER_TRUE or text in _STREAMING_OFF:
        return None  # served, or served without streaming
    where = os.path.relpath(found[0], app.root)
    # The lens shows the first words: the setting comes first.
    return (
        f"HTTP streaming needs {INIT_INDEXING}=1; {where} imports the streaming extension, "
        f"which the Python worker serves on Python {major}.{minor} only with that app setting; "
        f'add "{INIT_INDEXING}": "1" to the Values of local.settings.json (AZF410 offers the fix)'
    )


def find_function(apps: dict[str, App], root: str, name: str) -> tuple[App, Function] | str:
    """The app and function to run, or why there is none."""
    app = apps.get(os.path.normpath(os.path.abspath(root))) if root else None
    if app is None:
        known = ", ".join(sorted(apps)) or "none"
        return f"'{root}' is not the folder of an app funcls knows (apps: {known})"
    fn = app.function(name)
    if fn is None:
        known = ", ".join(sorted(f.name for f in app.functions)) or "none"
        return f"no function '{name}' in {root} (functions: {known})"
    return app, fn


def prepare_request(
    app: App, fn: Function, given: Any, source: Source
) -> tuple[dict[str, Any], list[str], SavedInputs]:
    """The admin API request for this run: the input given, completed from the saved input and
    the sample. Raises InputError for an input of the wrong shape."""
    saved = read_saved(app.root, source)
    request, origins = resolve_input(app, fn, given, saved)
    request["body"] = body_text(request.get("body"))
    return request, origins, saved


def result_path(root: str, name: str) -> str:
    folder = os.path.join(os.path.dirname(state_path(root)), RESULTS_DIR)
    return os.path.join(folder, f"{name}.txt")


def write_result_document(root: str, result: dict[str, Any], origins: list[str]) -> str:
    """The whole result as a readable file under ``<app>/.funcls/results/``."""
    path = result_path(root, str(result["function"]))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    text = render_result(result)
    if origins and "sample" in origins:
        text += (
            "\nParts of this input are a sample built from the function's bindings; "
            "'Run with input…' saves it in funcls.inputs.json for you to edit.\n"
        )
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def refused(name: str, answer: dict[str, Any]) -> dict[str, Any]:
    return failure(name, str(answer.get("refused")))


def finish(result: dict[str, Any]) -> dict[str, Any]:
    result["summary"] = result.get("summary") or summary(result)
    return result


def add_saved_entry(app: App, fn: Function, saved: SavedInputs) -> tuple[str, bool]:
    """The saved-inputs file's text with an entry for ``fn`` (a sample) when it has none.
    Returns the new text and whether it changed. Raises InputError for a broken file."""
    if saved.entry(fn.name) is not None:
        return saved.text or "", False
    return with_entry(saved.text, fn.name, sample_input(app, fn)), True
