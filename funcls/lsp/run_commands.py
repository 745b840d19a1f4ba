"""The server's commands for running functions and their apps (wiring only; the work is in
`run_function`, `warm_app` and `funcls.model.run_inputs`):

- ``funcls.runFunction [appRoot, name, input?]`` → the structured run result;
- ``funcls.runWithInput [appRoot, name]`` → opens the function's saved input (created with a
  sample when there is none);
- ``funcls.openInBrowser [appRoot, name]`` → the function's URL on the warm app, opened in the
  browser where the client can;
- ``funcls.app.start|stop|restart|status [appRoot]`` → the warm app's status
  ``{root, state, url, pid, external, error}``, also sent as the ``funcls/appState``
  notification whenever it changes;
- ``funcls.showReason [text]`` → shows why a function cannot run.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import uuid
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from funcls.lsp import code_lens
from funcls.lsp.positions import path_to_uri
from funcls.lsp.publisher import rules_thread
from funcls.lsp.run_function import (
    add_saved_entry,
    failure,
    find_function,
    finish,
    prepare_request,
    refused,
    why_not_runnable,
    write_result_document,
)
from funcls.lsp.warm_app import BackgroundFailures, RunnerUnavailable, WarmApps, runner_seen
from funcls.model.appmodel import App, Function
from funcls.model.run_inputs import InputError, inputs_path, read_saved, sample_url_path
from funcls.runner.run_result import user_frame

if TYPE_CHECKING:
    from funcls.lsp.server import FunclsServer

APP_STATE = "funcls/appState"


def warm_apps(server: FunclsServer) -> WarmApps:
    """The server's warm apps, made on first use."""
    warm = server.warm if isinstance(server.warm, WarmApps) else None
    if warm is None:

        def changed(status: dict[str, Any]) -> None:
            with contextlib.suppress(Exception):
                server.protocol.notify(APP_STATE, status)

        failures = BackgroundFailures()

        def output(root: str, line: str) -> None:
            server.log(f"[{os.path.basename(root)}] {line}")
            told = failures.feed(line)
            if told is not None:
                server.window_show_message(types.ShowMessageParams(types.MessageType.Warning, told))

        warm = WarmApps(changed, output)
        server.warm = warm
        atexit.register(warm.kill_all)
    return warm


RELOAD_WAIT_S = 10.0


def _app_files(app: App) -> set[str]:
    files = {f.script_path for f in app.functions} | {f.config_path for f in app.functions}
    return {f for f in files if f}


async def caught_up(server: FunclsServer, app: App) -> None:
    """A run right after a save (the editor saves before a Run) waits until the app's runner
    has seen the saved files: it reloads on its own, a moment after the save, and would run
    the old code meanwhile — a function just added was 'not there'. Once it has seen them it
    holds the run itself until the new code has loaded (funcls/runner/runner.py), so this
    waits only for the watcher's moment, read from the runner's .funcls/run.json rather than
    from its console (warm_app.runner_seen); RELOAD_WAIT_S at most."""
    await runner_seen(app.root, _app_files(app), RELOAD_WAIT_S)


def unsaved_reason(server: FunclsServer, fn: Function) -> str | None:
    """Why the app process lacks ``fn`` when its file has edits the editor has not saved."""
    source = server.state.index.source
    for path in (fn.script_path, fn.config_path):
        if not path or path not in source.overlays:
            continue
        try:
            with open(path, encoding="utf-8", newline="") as f:
                on_disk: str | None = f.read()
        except (OSError, UnicodeDecodeError):
            on_disk = None
        if on_disk != source.overlays[path][1]:
            name = os.path.basename(path)
            return (
                f"'{fn.name}' is not in the saved {name}: the app runs the saved files; "
                f"save {name} and run it again"
            )
    return None


def range_arg(value: Any) -> types.Range | None:
    """A command argument that is an LSP range (a JSON object, or pygls' object for one),
    or None."""

    def get(obj: Any, key: str) -> Any:
        return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)

    try:
        start, end = get(value, "start"), get(value, "end")
        return types.Range(
            types.Position(int(get(start, "line")), int(get(start, "character"))),
            types.Position(int(get(end, "line")), int(get(end, "character"))),
        )
    except (TypeError, ValueError):
        return None  # not a range: the document is shown at its top


def can_show_documents(server: FunclsServer) -> bool:
    window = server.client_capabilities.window
    return bool(window and window.show_document and window.show_document.support)


async def show_document(
    server: FunclsServer,
    target: str,
    *,
    external: bool = False,
    focus: bool = True,
    selection: types.Range | None = None,
) -> bool:
    try:
        answer = await server.window_show_document_async(
            types.ShowDocumentParams(
                uri=target, external=external or None, take_focus=focus, selection=selection
            )
        )
    except Exception as error:
        server.log(f"funcls: the client could not show {target}: {error}")
        return False
    return bool(answer and answer.success)


async def with_progress(server: FunclsServer, title: str, work: Any) -> Any:
    """Await ``work`` with a work-done progress shown, where the client supports it."""
    if not server.ctx.client.work_done_progress:
        return await work
    token = f"funcls-run-{uuid.uuid4().hex[:8]}"
    try:
        await server.work_done_progress.create_async(token)
    except Exception:
        return await work
    server.work_done_progress.begin(token, types.WorkDoneProgressBegin(title=title))
    try:
        return await work
    finally:
        server.work_done_progress.end(token, types.WorkDoneProgressEnd())


INDEX_WAIT_S = 30.0


async def indexed(server: FunclsServer) -> None:
    """Wait until the first indexing of the workspace is over (``server.ready``): a command
    sent right after ``initialized`` (a script, eglot's ``eglot-execute-command`` as soon as
    it connects) otherwise finds no app yet while the server awaits the client's settings. A
    client that never sends ``initialized`` is not waited for longer than INDEX_WAIT_S."""
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(server.ready.wait(), INDEX_WAIT_S)


async def ensure_runner(server: FunclsServer, root: str) -> str:
    warm = warm_apps(server)
    state = warm.app(root)
    if state.state == "running" and state.url:
        return await warm.ensure(root)
    name = os.path.basename(root)
    return str(
        await with_progress(server, f"funcls: starting {name} (funcls run)", warm.ensure(root))
    )


async def run_function(server: FunclsServer, args: list[Any]) -> dict[str, Any]:
    root, name, given = [*args, None, None, None][:3]
    if not isinstance(root, str) or not isinstance(name, str) or not root or not name:
        return failure(
            str(name or ""),
            "funcls.runFunction takes [appRoot, functionName] or [appRoot, functionName, input]",
        )
    await indexed(server)
    server.state.flush()
    found = find_function(server.state.index.apps, root, name)
    if isinstance(found, str):
        return failure(name, found)
    app, fn = found
    why = why_not_runnable(fn, app)
    if why is not None:
        return failure(fn.name, why)
    cannot_load = await load_failure(server, app, fn)
    if cannot_load is not None:
        return cannot_load
    try:
        request, origins, _ = prepare_request(app, fn, given, server.state.index.source)
    except InputError as error:
        return failure(fn.name, str(error), "InputError")
    timeout = float(server.settings.invoke_timeout_seconds)
    try:
        await ensure_runner(server, app.root)
        await caught_up(server, app)
        answer = await warm_apps(server).invoke(app.root, fn.name, request, timeout)
    except RunnerUnavailable as error:
        return failure(fn.name, str(error), "RunnerUnavailable")
    if not isinstance(answer, dict):
        return failure(fn.name, f"the runner answered {answer!r}", "RunnerUnavailable")
    if "refused" in answer:
        unsaved = unsaved_reason(server, fn)
        if unsaved:
            return failure(fn.name, unsaved)
        return not_loaded(fn.name, app.root, answer.get("loadErrors")) or refused(fn.name, answer)
    result = finish(answer)
    result["inputFrom"] = origins
    return result


def first_sentence(message: str, longer_than: int = 160) -> str:
    """A long load error's first sentence, for the one-line summary; the error keeps it whole.
    QA in code-server: an import of a package the app's .venv lacked put the worker's whole
    text in the result's headline, 'ModuleNotFoundError: No module named 'pandas'. Cannot find
    module. Please check the requirements.txt … Current sys.path: [...]' (ten lines in red)."""
    cut = message.find(". ") if len(message) > longer_than else -1
    return message[:cut] if cut > 0 else message


def not_loaded(name: str, root: str, errors: object) -> dict[str, Any] | None:
    """The run's answer when the runner has no ``name`` because the app failed to load (an
    exception at import, a bad binding): the load error of that function, else the first,
    with the user's line and traceback (QA in code-server: a module that raised at import
    answered "no function 'get_product' … (functions: none); load errors: …" with no link)."""
    if not isinstance(errors, list) or not errors:
        return None
    mine = [e for e in errors if str(e.get("function", "")).lower() == name.lower()]
    first = (mine or errors)[0]
    message = str(first.get("message") or "")
    trace = str(first.get("traceback") or "")
    subject = str(first.get("function") or "the app")
    at = user_frame(trace, root)
    where = f" at {os.path.relpath(at[0], root)}:{at[1]}" if at else ""
    if at is not None and os.path.relpath(at[0], root) == subject:
        subject, where = f"{subject}:{at[1]}", ""  # the module itself: 'function_app.py:6'
    more = f" ({len(errors) - 1} more load error(s))" if len(errors) > 1 else ""
    result = failure(name, f"{subject} failed to load{where}: {message}{more}", "LoadError")
    result["summary"] = (
        f"'{name}' is not loaded: {subject} failed to load{where}: {first_sentence(message)}"
        f"{more}; fix it and save, the app reloads"
    )
    result["error"]["traceback"] = trace
    if at is not None:
        result["error"]["file"], result["error"]["line"] = at
    return result


async def load_failure(server: FunclsServer, app: App, fn: Function) -> dict[str, Any] | None:
    """The run's answer when ``fn`` cannot load (an error of its bindings or signature): the
    first error, short, with its file and line; the worker would leave the function out and
    the runner answer only that it has no such function. None when it can load."""
    if not server.state.has_findings(app.root):
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(rules_thread(), server.state.findings_of, app)
    errors = code_lens.load_errors(server.state.findings_of(app), app, fn)
    if not errors:
        return None
    first = errors[0]
    more = f" ({len(errors) - 1} more error(s) in the Problems view)" if len(errors) > 1 else ""
    result = failure(fn.name, code_lens.load_error_text(app, first) + more, "LoadError")
    result["summary"] = f"'{fn.name}' cannot load: {result['error']['message']}"
    result["error"]["file"] = first.path
    result["error"]["line"] = first.range.start.line + 1
    return result


async def show_result(server: FunclsServer, root: str, result: dict[str, Any]) -> None:
    """Tell people: a summary message and, where possible, the whole result as a document."""
    mode = server.settings.run_results
    if mode == "client":
        return
    kind = types.MessageType.Info if result.get("ok") else types.MessageType.Error
    server.window_show_message(types.ShowMessageParams(type=kind, message=result["summary"]))
    if result.get("invocationId") is None or not os.path.isdir(root):
        server.log(result["summary"], kind)
        return
    path = write_result_document(root, result, list(result.get("inputFrom") or []))
    result["resultUri"] = path_to_uri(path)
    with open(path, encoding="utf-8") as f:
        server.log(f.read().rstrip(), kind)
    if mode == "document" and can_show_documents(server):
        await show_document(server, result["resultUri"], focus=False)


async def target(server: FunclsServer, args: list[Any]) -> tuple[App, Function] | str:
    """The app and function that ``[appRoot, name]`` name, once the workspace is indexed, or
    why there is none (also told to the user)."""
    root, name = [*args, None, None][:2]
    await indexed(server)
    server.state.flush()
    found = find_function(server.state.index.apps, str(root or ""), str(name or ""))
    if isinstance(found, str):
        server.tell(found)
    return found


async def run_with_input(server: FunclsServer, args: list[Any]) -> dict[str, Any]:
    found = await target(server, args)
    if isinstance(found, str):
        return {"ok": False, "error": found}
    app, fn = found
    saved = read_saved(app.root, server.state.index.source)
    try:
        text, changed = add_saved_entry(app, fn, saved)
    except InputError as error:
        message = f"{saved.error or error}; fix {saved.path} to save inputs there"
        server.tell(message)
        return {"ok": False, "error": message}
    path = inputs_path(app.root)
    if changed and not await write_inputs(server, path, saved.text, text):
        message = f"could not write {path}"
        return {"ok": False, "error": message}
    server.state.flush()
    entry = read_saved(app.root, server.state.index.source).range_of(fn.name)
    selection = server.ctx.positions.range(path, entry) if entry is not None else None
    uri = path_to_uri(path)
    shown = can_show_documents(server) and await show_document(server, uri, selection=selection)
    if not shown:
        line = (entry.start.line + 1) if entry is not None else 1
        server.tell(
            f"Edit the input of '{fn.name}' in {path}:{line}, then run it "
            "(its ▶ Run lens, or ▶ Run above the entry)",
            types.MessageType.Info,
        )
    return {"ok": True, "uri": uri, "line": selection.start.line if selection else 0}


async def write_inputs(server: FunclsServer, path: str, old: str | None, new: str) -> bool:
    """Write the saved inputs: through the editor when the file is open there (its undo
    works, unsaved edits are kept), else on disk."""
    if path in server.state.index.source.overlays and old is not None:
        lines = old.split("\n")
        end = types.Position(len(lines) - 1, len(lines[-1]))
        edit = types.WorkspaceEdit(
            changes={
                path_to_uri(path): [types.TextEdit(types.Range(types.Position(0, 0), end), new)]
            }
        )
        answer = await server.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=edit, label="funcls: save a run input")
        )
        return bool(answer and answer.applied)
    with open(path, "w", encoding="utf-8") as f:
        f.write(new)
    server.file_changed_on_disk(path)
    return True


async def open_in_browser(server: FunclsServer, args: list[Any]) -> dict[str, Any]:
    found = await target(server, args)
    if isinstance(found, str):
        return {"ok": False, "error": found}
    app, fn = found
    saved = read_saved(app.root, server.state.index.source).entry(fn.name) or {}
    path = saved.get("path") if isinstance(saved.get("path"), str) else None
    try:
        base = await ensure_runner(server, app.root)
    except RunnerUnavailable as error:
        server.tell(str(error), types.MessageType.Error)
        return {"ok": False, "error": str(error)}
    url = base + (path or sample_url_path(app, fn))
    opened = await show_document(server, url, external=True)
    if not opened:
        server.tell(f"{fn.name} answers at {url}", types.MessageType.Info)
    return {"ok": True, "url": url, "opened": opened}


def app_root_arg(server: FunclsServer, args: list[Any]) -> str | None:
    root = args[0] if args else None
    if not isinstance(root, str) or not root:
        apps = sorted(server.state.index.apps)
        return apps[0] if len(apps) == 1 else None
    return os.path.normpath(os.path.abspath(root))


def register(server: FunclsServer) -> None:
    @server.command(code_lens.RUN_COMMAND)
    async def on_run_function(*args: Any) -> dict[str, Any]:
        items = list(args[0]) if len(args) == 1 and isinstance(args[0], list) else list(args)
        name = items[1] if len(items) > 1 else None
        server.log(f"funcls: running {name} in {items[0] if items else None}")
        try:
            result = await run_function(server, items)
        except Exception as e:
            server.failed("run function", e)
            result = failure(str(name or ""), f"{type(e).__name__}: {e}", "InternalError")
        try:
            await show_result(server, str(items[0]) if items else "", result)
        except Exception as e:
            server.failed("show run result", e)
        return result

    @server.command(code_lens.RUN_WITH_INPUT_COMMAND)
    async def on_run_with_input(*args: Any) -> dict[str, Any]:
        try:
            return await run_with_input(server, list(args))
        except Exception as e:
            server.failed("run with input", e)
            return {"ok": False, "error": str(e)}

    @server.command(code_lens.OPEN_IN_BROWSER_COMMAND)
    async def on_open_in_browser(*args: Any) -> dict[str, Any]:
        try:
            return await open_in_browser(server, list(args))
        except Exception as e:
            server.failed("open in browser", e)
            return {"ok": False, "error": str(e)}

    @server.command(code_lens.SHOW_REASON_COMMAND)
    async def on_show_reason(*args: Any) -> None:
        """``[text]``, or ``[text, uri, range]``: a problem to show at its place first."""
        text = str(args[0]) if args else "this function cannot run locally"
        if len(args) >= 3 and isinstance(args[1], str) and can_show_documents(server):
            at = range_arg(args[2])
            await show_document(server, args[1], selection=at)
        server.window_show_message(types.ShowMessageParams(types.MessageType.Info, text))

    def app_command(action: str) -> None:
        @server.command(f"funcls.app.{action}")
        async def on_app(*args: Any) -> dict[str, Any]:
            root = app_root_arg(server, list(args))
            if root is None:
                return {"state": "stopped", "error": "name the app folder: [appRoot]"}
            warm = warm_apps(server)
            try:
                if action == "status":
                    return await warm.status(root)
                if action == "start":
                    await with_progress(
                        server, f"funcls: starting {os.path.basename(root)}", warm.start(root)
                    )
                    return warm.app(root).status()
                if action == "stop":
                    return await warm.stop(root)
                return await warm.restart(root)
            except Exception as e:
                server.failed(f"app {action}", e)
                return {**warm.app(root).status(), "error": str(e)}

    for action in ("start", "stop", "restart", "status"):
        app_command(action)
