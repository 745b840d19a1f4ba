"""`funcls run`: the supervisor that serves HTTP and runs the app in child processes.

Order of start-up (issue 16): bind the port and start the app processes (prestart.py), read
the app's settings with the model, import the rest and start the HTTP server, whose requests
wait for the first load (host/availability.py); when the app processes have loaded the app,
route its functions and answer those requests, then run the static check (errors printed,
never fatal), start the native triggers and print the banner; watch the folder for saves
from the start.
"""

from __future__ import annotations

import asyncio
import gc
import importlib.util
import logging
import math
import os
import signal
import threading
import time
import warnings
from typing import TYPE_CHECKING, Any

import uvicorn

from funcls.runner import timeline
from funcls.runner.banner import exception_line, render_banner
from funcls.runner.config import DEFAULT_PORT, HostSettings, RunOptions, read_host_settings
from funcls.runner.connections import DEFAULT_CONNECTION, Connections
from funcls.runner.durable.runtime import DurableRuntime
from funcls.runner.functions import RunFunction, http_routes
from funcls.runner.host.app import RunnerApp
from funcls.runner.host.availability import NOT_RUNNING, AwaitInitialized, load_wait
from funcls.runner.host.policy import load_keys
from funcls.runner.invocation import Invoker
from funcls.runner.logs import Console
from funcls.runner.pool import STOP_DRAIN, AppIndex, WorkerPool
from funcls.runner.prestart import EarlyStart, bind
from funcls.runner.reload import watch
from funcls.runner.sdk_bindings import refuse_unreachable
from funcls.runner.state import RunState
from funcls.runner.statefile import remove_state, write_state

if TYPE_CHECKING:
    import socket
    from collections.abc import Callable
    from types import FrameType

    from funcls.model.appmodel import App
    from funcls.runner.triggers.manager import Triggers


def read_app(app_dir: str) -> tuple[App, str | None]:
    """The app read with the model (`load_app_or_settings`): imported here, not with this
    module, since the first answers need only the settings (issue 16)."""
    from funcls.model.loader import load_app_or_settings
    from funcls.model.source import Source

    return load_app_or_settings(app_dir, Source())


def static_check(app: App, console: Console) -> None:
    """Errors of `funcls check`, printed before the app starts; never fatal."""
    from funcls.checks import check_app
    from funcls.checks.findings import Severity

    lines: list[str] = []
    try:
        findings = check_app(app)
    except Exception as error:  # a rule bug must not stop the run
        findings = []
        lines.append(f"  (the static check failed: {type(error).__name__}: {error})")
    for finding in findings:
        if finding.severity < Severity.ERROR:
            continue
        path = os.path.relpath(finding.path, app.root) if finding.path else "."
        line = finding.range.start.line + 1
        lines.append(f"  {path}:{line}: {finding.code} {finding.message}")
    if lines:
        console.block("funcls check found errors (the app starts anyway):\n" + "\n".join(lines))


def settings_file_problems(app: App) -> list[str]:
    """host.json or local.settings.json that cannot be read, with the place: their settings
    are the defaults until they are fixed."""
    lines = []
    for problem in app.problems:
        name = os.path.basename(problem.path)
        if name not in ("host.json", "local.settings.json"):
            continue
        if problem.kind not in ("json-syntax", "json-not-object", "file-unreadable"):
            continue
        where = f"{name}:{problem.range.start.line + 1}:{problem.range.start.column + 1}"
        what = "not valid JSON: " if problem.kind == "json-syntax" else ""
        lines.append(
            f"{where}: {what}{problem.message}; its settings are not read (the defaults "
            "apply) until it is fixed"
        )
    return lines


def storage_connections(functions: list[RunFunction]) -> list[str]:
    names: dict[str, str] = {}
    for fn in functions:
        for binding in fn.view.of_kind("queue", "queueTrigger", "blob", "blobTrigger"):
            name = str(binding.get("connection") or DEFAULT_CONNECTION)
            names.setdefault(name.lower(), name)
    return list(names.values())


class Run:
    def __init__(
        self, options: RunOptions, console: Console | None = None, early: EarlyStart | None = None
    ) -> None:
        self.options = options
        self.console = console or Console(tag_logs=options.tag_logs)
        self.reloads: set[asyncio.Task[Any]] = set()  # reloads started by saves, running
        # Saves being taken (on_change before it starts their reload): a load that ends
        # meanwhile is not the newest, and releases no held request.
        self.changes = 0
        self.sock = early.sock if early is not None else None  # bound by prestart
        # None until the static check reads it, when the settings came from plain JSON
        # (prestart.early_host_settings): the first answers do not need the model.
        self.app: App | None = None
        self.model_failure: str | None = None
        if early is not None:
            self.app, self.model_failure = early.app, early.failure
            self.settings: HostSettings = early.settings
        else:
            self.app, self.model_failure = read_app(options.app_dir)
            self.settings = read_host_settings(self.app)
        if options.port is None:
            self.options.port = self.settings.local_http_port or DEFAULT_PORT
        self.connections = Connections(
            self.settings.root,
            self.settings.environment,
            force=options.storage,
            message_encoding=self.settings.queues.message_encoding,
        )
        self.pool = WorkerPool(options, self.settings, self.console.app_log, self.console.say)
        self.stop_began: float | None = None  # when the run's stop began (Run.stopping)
        self.background: list[asyncio.Task[Any]] = []  # the reload watcher, the parent's watch
        self.ending: asyncio.Task[None] | None = None  # the stop's last part (end_of_stop)
        if early is not None:
            self.pool.early = early.processes
        # Created at the first load, once the requests held until then are answered: the
        # timer, queue and blob listeners are not on the way to the first HTTP answer.
        self.triggers: Triggers | None = None
        self.invoker = Invoker(self.pool, self.console, self.connections, self.settings)
        self.state = RunState(options, self.settings, self.invoker)
        self.durable = DurableRuntime(
            self.settings.root,
            self.invoker,
            self.state.function,
            self.console.say,
            self.load_failed_for,
        )
        self.state.durable = self.durable
        self.invoker.durable_client = self.durable.client_binding
        self.invoker.on_put = self.notify_put
        self.server: uvicorn.Server | None = None
        self.stopped_by: str | None = None  # the signal that stopped the run, if one did
        # serve()'s task and loop: SIGTERM cancels it when SIGINT is ignored (stop_on_sigterm).
        self.main: tuple[asyncio.AbstractEventLoop, asyncio.Task[Any]] | None = None
        self.loads = 0
        self.check_at_first_load = False  # serve() sets it; `funcls invoke` checks nothing
        self.checked: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()
        # Set once the first load's functions are routed: HTTP requests wait for it
        # (host/availability.py) instead of finding no function.
        self.initialized = asyncio.Event()
        # Set while the loaded code is current: cleared when a save starts a reload, so that
        # HTTP requests and invokes wait for the new code (host/availability.py).
        self.serving = asyncio.Event()
        self.front: AwaitInitialized | None = None  # serve() puts it before the RunnerApp
        # What .funcls/run.json says of this run (statefile.py), once serve() has written it.
        self.record: dict[str, Any] | None = None
        self.seen = time.time()  # when the files last read (or the last save seen) were

    async def on_index(self, index: AppIndex) -> None:
        self.state.update(index)
        functions = list(self.state.functions.values())
        if refuse_unreachable(functions, self.connections):  # blob SDK types, embedded store
            self.state.routes = http_routes(functions)
        current = asyncio.current_task()
        if not self.changes and not any(task is not current for task in self.reloads):
            # No newer save waits to load: the code loaded is current, requests go on.
            self.state.reloading = None
            self.serving.set()
        if not self.initialized.is_set():
            timeline.mark("app loaded")
            # The functions are routed: requests held since the start go on now, before the
            # triggers, the static check and the banner (issue 16: command to first 200).
            self.initialized.set()
            if self.front is not None:
                await self.front.answered(FIRST_ANSWERS_LIMIT)
            timeline.mark("held requests answered")
            if self.check_at_first_load:
                # Started only now, so that its rules (and the model's reading of the app,
                # when prestart did not need it) do not compete for the GIL with the start-up
                # of the HTTP server; the banner waits for it.
                self.checked = asyncio.get_running_loop().create_task(asyncio.to_thread(self.check))
        if self.triggers is None:
            from funcls.runner.triggers.manager import Triggers

            self.triggers = Triggers(self.state)
        if self.options.triggers:
            await self.triggers.apply(functions)
        self.connections.close_retired()  # the triggers no longer hold them
        self.loads += 1
        listed = self.settings.functions_list
        if listed:
            # The host's own line when host.json lists functions (FunctionMetadataManager
            # .LoadFunctionMetadata in azure-functions-host); the others are not loaded
            # (RunState.update).
            self.console.say(
                "A function allow list has been specified, excluding all but the following "
                f"functions: [{', '.join(listed)}]"
            )
        if self.loads == 1:
            if self.checked is not None:
                await self.checked
            storage = {}
            for name in storage_connections(functions):
                try:
                    self.connections.backend(name)
                    storage[name] = self.connections.descriptions.get(name, "")
                except Exception as error:
                    storage[name] = f"unavailable: {error}"
            self.console.block(
                render_banner(
                    index, functions, self.settings, self.state.base_url, storage, self.state.keys
                )
            )
            self.durable.start(any(f.is_durable for f in functions))
            timeline.mark("banner printed")
            shown = timeline.report()
            if shown is not None and self.check_at_first_load:
                self.console.say(shown)
            # What is alive now (the model, the catalogue, storage, uvicorn) lives for the
            # run: out of the collector's sight, its full collections stop walking it on
            # every request's garbage (about 3 % of the runner's samples under load).
            asyncio.get_running_loop().call_later(0.5, gc.freeze)
            unknown = self.unknown_selected(index)
            if unknown:
                self.console.say(
                    f"--functions names {', '.join(repr(n) for n in unknown)}, which this app "
                    "does not define; check the spelling (names ignore case)"
                )
        else:
            # Durable work that waited for the app to load again goes on.
            self.durable.start(any(f.is_durable for f in functions))
            self.console.say(
                f"reloaded: {len(functions)} function(s)"
                + (f", {len(index.errors)} failed to load" if index.errors else "")
            )
            if index.debugger:
                self.console.say(f"debugger: {index.debugger}")
            for failure in index.errors:
                self.console.block(
                    f"  {failure.get('function')}: {exception_line(failure)}\n"
                    + failure.get("traceback", "")
                )
        self.ready.set()
        self.publish()

    def publish(self) -> None:
        """Write what the run is doing to .funcls/run.json, for `funcls invoke` and the
        language server (which wait for a reload there instead of reading the console):
        ``state`` "running" or "reloading" (with the ``changed`` files), ``loads`` completed,
        ``seen``: the time.time() up to which saved files are in the code loaded or being
        loaded, ``errors`` of the last load."""
        if self.record is None or not self.options.write_state:
            return
        reloading = self.state.reloading
        self.record.update(
            state="running" if reloading is None else "reloading",
            changed=reloading or [],
            loads=self.loads,
            seen=self.seen,
            errors=[f"{e.get('function')}: {e.get('message')}" for e in self.state.index.errors],
        )
        try:
            write_state(self.settings.root, self.record)
        except OSError as error:
            self.console.say(f"could not write {self.settings.root}/.funcls/run.json: {error}")

    def stopping(self) -> None:
        """The run stops (Ctrl+C, SIGTERM, its editor gone), before uvicorn's grace: requests
        held for a load that will not come now get their 503, and run.json is no longer
        written (a reload that the stop ends must not write it again after it is removed)."""
        if self.stop_began is not None:
            return
        self.record = None
        self.stop_began = time.monotonic()
        self.state.stopping.set()
        busy = self.pool.under_way()
        if busy:
            # QA: Ctrl+C during a long request printed nothing for 7 s, then uvicorn's
            # "ERROR: Cancel 0 running task(s), timeout graceful shutdown exceeded".
            self.console.say(
                f"stopping: {busy} invocation(s) under way get up to "
                f"{SHUTDOWN_GRACE + STOP_DRAIN:g}s to "
                "finish (Ctrl+C again stops sooner)"
            )
        if self.front is not None:
            reloading = self.state.reloading
            what = (
                f"the reload after a change in {', '.join(reloading[:3])}"
                if reloading
                else "the app"
            )
            self.front.stop(f"\nfuncls: funcls run is stopping; {what} had not loaded\n".encode())

    def end_of_stop(self) -> asyncio.Task[None]:
        """The stop's last part, started once: once uvicorn has served, or before, when the
        grace is over or a second Ctrl+C hurries the stop (grace_over, hurry). Until the
        requests under way are answered their connections stay open, and the asyncio
        server's wait_closed (Python 3.12+ without uvloop) waits for them: uvicorn would not
        return before its own timeout, whose cancel answers a request 'Internal Server
        Error' with a traceback instead of the run's 500 (QA)."""
        if self.ending is None:
            self.ending = asyncio.get_running_loop().create_task(self._end_of_stop())
        return self.ending

    async def _end_of_stop(self) -> None:
        for task in self.background:
            task.cancel()
        if self.triggers is not None:
            await self.triggers.stop()
        await self.durable.close()
        await self.pool.close(since=self.stop_began)
        await self.answers_sent()

    def grace_over(self) -> None:
        """uvicorn's grace (SHUTDOWN_GRACE) is over: the requests under way get the app
        processes' drain (STOP_DRAIN), then their 500, from the run (end_of_stop), not a
        cancel from uvicorn."""
        if self.server is not None:
            self.server.force_exit = True
        self.end_of_stop()

    def hurry(self) -> None:
        """Ctrl+C again (or another stop signal) while the run stops: the requests under way
        are not waited for any longer; their app processes are stopped and each is answered
        its 500, as after the grace, and the stop runs to its end (run.json removed, the app
        processes ended). Called on the loop (StoppingServer.handle_exit,
        later_signals_hurry), never inside a signal handler.

        The host does not cut its stop short either: Core Tools' CancelKeyHandler ignores a
        Ctrl+C once the shutdown started, and ASP.NET Core's WebHostLifetime cancels every
        Ctrl+C (the process is not ended by the key) and waits for the host's stop to
        complete (azure-functions-core-tools 3ee97a6 src/Cli/func/CancelKeyHandler.cs;
        dotnet/aspnetcore src/Hosting/Hosting/src/Internal/WebHostLifetime.cs). func's stop
        lasts at most 2 s (CancelKeyHandler._gracefulShutdownPeriod, then it kills itself
        and the worker); ours gives requests a longer grace, and a second Ctrl+C ends it."""
        if self.pool.hurried is not None:
            return
        self.stopping()  # when the second signal came before uvicorn began its shutdown
        busy = self.pool.under_way()
        self.pool.hurry("funcls run was stopped with Ctrl+C twice")
        if busy:
            self.console.say(
                f"Ctrl+C again: {busy} invocation(s) under way are stopped now and answered 500"
            )
        if self.server is not None:
            self.server.should_exit = True
        self.grace_over()

    def later_signals_hurry(self) -> None:
        """Once uvicorn has served, a SIGINT (Ctrl+C, or SIGTERM through stop_on_sigterm)
        during the rest of the stop hurries it: asyncio's runner would raise
        KeyboardInterrupt wherever the stop is (its handler's second SIGINT), and the
        answers, the app processes' end and run.json's removal would be skipped."""
        if threading.current_thread() is not threading.main_thread():
            return
        loop = asyncio.get_running_loop()

        def on_sigint(signum: int, frame: FrameType | None) -> None:
            if loop.is_closed():
                # The run is over and its loop closed (the process is ending, or it ran in
                # a process that goes on): Ctrl+C is Python's KeyboardInterrupt again, not
                # a RuntimeError ('Event loop is closed') from call_soon_threadsafe.
                signal.default_int_handler(signum, frame)
            loop.call_soon_threadsafe(self.hurry)

        signal.signal(signal.SIGINT, on_sigint)

    async def answers_sent(self) -> None:
        """Let the requests that the stop ended write their 500 (uvicorn's request tasks
        resume once their invocation's answer is set) before the loop ends and cancels them."""
        if self.server is None:
            return
        deadline = time.monotonic() + ANSWERS_LIMIT
        while self.server.server_state.tasks and time.monotonic() < deadline:
            await asyncio.sleep(0.01)

    def not_serving(self) -> bytes:
        """The body of the 503 a request gets when the app did not load in time."""
        reloading = self.state.reloading
        if reloading is None:
            return NOT_RUNNING
        shown = ", ".join(reloading[:3]) + (" …" if len(reloading) > 3 else "")
        return (
            NOT_RUNNING.decode()
            + f"\nfuncls: the app is reloading after a change in {shown} and has not loaded "
            f"within {load_wait():g} s (an import that is slow or hangs at load: the console "
            "of funcls run shows what it is doing); save a fix to reload again\n"
        ).encode()

    def check(self) -> None:
        """The static check, in a thread, once the first answers are out: the app read with
        the model first when prestart read the settings with json alone. A failure of the
        model's reading is said here, before the banner, as serve() says it otherwise."""
        if self.app is None:
            self.app, self.model_failure = read_app(self.options.app_dir)
            if self.model_failure:
                self.console.say(self.model_failure)
        if not self.model_failure:
            static_check(self.app, self.console)

    def notify_put(self, kind: str, connection: str | None, target: str) -> None:
        """A function wrote to a queue or blob: the triggers listening there look now."""
        if self.triggers is not None:
            self.triggers.notify_put(kind, connection, target)

    def load_failed_for(self, name: str) -> bool:
        """Whether durable work for the function ``name``, which is not loaded, should wait for
        the next load rather than fail: the app's script (or the app) failed to load, or that
        function did. Another function's failure says nothing about a name that does not
        exist (an orchestration calling a misspelt activity must fail, not wait)."""
        for error in self.state.index.errors:
            failed = str(error.get("function", ""))
            if failed == "(app)" or failed.endswith(".py") or failed.lower() == name.lower():
                return True
        return False

    def unknown_selected(self, index: AppIndex) -> list[str]:
        """Names given to --functions that match no function, loaded or failed."""
        known = {str(d.get("name", "")).lower() for d in index.functions}
        known |= {str(e.get("function", "")).lower() for e in index.errors}
        return [n for n in self.options.functions if n.lower() not in known]

    async def on_change(self, paths: list[str]) -> None:
        shown = ", ".join(paths[:3]) + (" …" if len(paths) > 3 else "")
        self.console.say(f"change in {shown}; reloading")
        # From now on requests and invokes wait for the new code (host/availability.py; the
        # front's route cache is keyed by the version, so its hot path stops taking them).
        self.seen = time.time()
        self.state.reloading = sorted(set(self.state.reloading or []) | set(paths))
        self.state.version += 1
        self.serving.clear()
        self.publish()
        # Until its reload is started, a load that ends (that of an earlier save, while the
        # storage switch below waits for a thread) is not the newest (on_index).
        self.changes += 1
        try:
            if any(os.path.basename(p) in ("host.json", "local.settings.json") for p in paths):
                self.app, self.model_failure = read_app(self.options.app_dir)
                if self.model_failure:
                    self.console.say(self.model_failure)
                fresh = read_host_settings(self.app)
                fresh.worker_count = fresh.worker_count or 1
                self.settings.__dict__.update(fresh.__dict__)
                # What the start says of them (static_check's AZF100, serve()): a save that
                # broke host.json reloaded without a word, on the default settings.
                for line in settings_file_problems(self.app) + fresh.problems:
                    self.console.say(line)
                await self.switch_storage()
            # Not awaited: the watcher must go on reading saves while this load runs, so that a
            # fix saved while an import hangs replaces that load (start_generation ends it).
            reload = asyncio.get_running_loop().create_task(self.pool.start_generation())
            self.reloads.add(reload)
            reload.add_done_callback(self._reload_done)
        finally:
            self.changes -= 1
            self._release_if_idle()

    async def switch_storage(self) -> None:
        """After a change of the settings: reopen each storage connection whose value changed
        and say which store it uses now (the triggers restart on it when the app reloads)."""
        for name in self.connections.update(self.settings.environment):
            try:
                await asyncio.to_thread(self.connections.backend, name)
                shown = self.connections.descriptions.get(name, "")
            except Exception as error:
                shown = f"unavailable: {error}"
            self.console.say(f"{name} changed: storage is now {shown}")

    def _reload_done(self, task: asyncio.Task[Any]) -> None:
        self.reloads.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self.console.say(f"reloading failed: {task.exception()!r}; save again to retry")
        self._release_if_idle()

    def _release_if_idle(self) -> None:
        if not self.reloads and not self.changes and not self.serving.is_set():
            # The reload ended without a load (it failed), or a save raised before its reload
            # began: held requests go on to whatever answers now rather than waiting for
            # their timeout.
            self.state.reloading = None
            self.state.version += 1
            self.serving.set()
            self.publish()

    async def watch_parent(self, pid: int) -> None:
        """Stop when the process that started this run is gone (an editor that was killed
        must not leave its warm app behind)."""
        while os.getppid() == pid:
            await asyncio.sleep(1.0)
        self.console.say(f"the process that started this run ({pid}) is gone; stopping")
        if self.server is not None:
            self.server.should_exit = True

    def http_protocol(self, app: RunnerApp) -> Any:
        """uvicorn's HTTP protocol: the front (host/front.py) on httptools, or uvicorn's own
        h11 protocol when httptools is missing from the environment (an app's own venv with
        plain `uvicorn`): slower and without the header timeout, but the app still runs."""
        try:
            from funcls.runner.host.front import Front, front_protocol
        except ImportError as error:
            self.console.say(
                f"warning: {error.name or 'httptools'} is not installed in this environment; "
                "serving HTTP through uvicorn's h11 protocol (slower, no header timeout). "
                "Install it with: python -m pip install httptools"
            )
            return "h11"
        return front_protocol(Front(app) if self.options.http_front else None)

    async def serve(self) -> int:
        task = asyncio.current_task()
        if task is not None:
            self.main = (asyncio.get_running_loop(), task)
        # The rules run in a thread once the app has loaded (on_index); the banner waits.
        if self.model_failure:  # no model to check; say why instead (issue 17)
            self.console.say(self.model_failure)
        self.check_at_first_load = True
        for problem in self.settings.problems:
            self.console.say(problem)
        host = self.options.host
        if host not in ("127.0.0.1", "localhost", "::1"):
            self.console.say(
                f"warning: listening on {host}, not only on this machine: anyone who can reach "
                "it can call your functions"
                + ("" if self.options.enforce_auth else " (add --enforce-auth to require keys)")
            )
        assert self.options.port is not None
        sock = self.sock or bind(host, self.options.port)
        port = sock.getsockname()[1]
        self.options.port = port
        shown_host = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
        self.state.base_url = f"http://{shown_host}:{port}"
        if self.options.enforce_auth:
            self.state.keys = load_keys(self.settings.root)
        self.durable.configure(
            self.state.base_url,
            port,
            host,
            self.state.keys.get("master") if self.state.keys else None,
        )
        self.pool.listeners.append(self.on_index)
        app = RunnerApp(self.state)
        self.front = AwaitInitialized(app, self.serving, load_wait(), self.not_serving)
        config = uvicorn.Config(
            self.front,
            # Plain HTTP functions are served by the front without ASGI; the rest goes to
            # the RunnerApp through uvicorn (host/front.py).
            http=self.http_protocol(app),
            ws=websocket_protocol(),
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_keep_alive=30,
            server_header=False,
            # On SIGTERM or SIGINT, requests still running get SHUTDOWN_GRACE, then the
            # app processes' drain, then their 500 as the app processes are stopped
            # (Run.grace_over): a stuck invocation must not keep the run alive (the host's
            # web host shuts down within a timeout too, whatever still runs). uvicorn's own
            # timeout, which cancels what still runs, is a backstop.
            timeout_graceful_shutdown=math.ceil(SHUTDOWN_GRACE + STOP_DRAIN + ANSWERS_LIMIT) + 1,
        )
        self.server = StoppingServer(config, self.stopping, self.hurry, self.grace_over)
        loop = asyncio.get_running_loop()
        server_task = loop.create_task(self.server.serve(sockets=[sock]))
        started = time.monotonic()
        # Watch from the start: a save while the app loads must not be missed.
        watcher = (
            loop.create_task(watch(self.settings.root, self.on_change))
            if self.options.reload
            else None
        )
        orphan = (
            loop.create_task(self.watch_parent(self.options.parent_pid))
            if self.options.parent_pid
            else None
        )
        self.background = [task for task in (watcher, orphan) if task is not None]
        try:
            # Inside: a stop while the app loads ends its app processes too.
            await self.pool.start_generation()
            if self.options.write_state:
                self.record = {
                    "pid": os.getpid(),
                    "port": port,
                    "host": host,
                    "url": self.state.base_url,
                    "started": time.time(),
                    "enforce_auth": self.options.enforce_auth,
                    "reload": self.options.reload,
                    # Started by the language server (a warm app): a second run says so.
                    "editor": self.options.parent_pid is not None,
                }
                self.publish()
            self.console.say(f"ready in {time.monotonic() - started:.2f}s")
            await server_task
        finally:
            self.later_signals_hurry()
            await self.end_of_stop()
            self.connections.close()
            if self.options.write_state:
                remove_state(self.settings.root, os.getpid())
            self.console.say(
                f"stopped{f' ({self.stopped_by})' if self.stopped_by else ''}: the app's "
                "processes have ended"
            )
        return 0


class StoppingServer(uvicorn.Server):
    """uvicorn's server, telling the run when its shutdown starts (uvicorn has no hook for
    it): Server.shutdown waits up to timeout_graceful_shutdown for every request, and one
    held for a reload that the stop ends would wait all of it, then be cancelled into a 500
    with a traceback on the console."""

    def __init__(
        self,
        config: uvicorn.Config,
        on_shutdown: Callable[[], None],
        on_hurry: Callable[[], None],
        on_grace_over: Callable[[], None],
    ) -> None:
        super().__init__(config)
        self.on_shutdown = on_shutdown
        self.on_hurry = on_hurry
        self.on_grace_over = on_grace_over
        self.loop: asyncio.AbstractEventLoop | None = None
        # The run says itself what its stop does to requests under way (Run.stopping and
        # the answers of those it ends); uvicorn's line after its grace says it as an error.
        logging.getLogger("uvicorn.error").addFilter(_no_grace_exceeded)

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        self.loop = asyncio.get_running_loop()
        await super().serve(sockets)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.on_shutdown()
        # The run ends the requests still under way after the grace itself (Run.grace_over);
        # uvicorn's own timeout is a backstop.
        grace = asyncio.get_running_loop().call_later(SHUTDOWN_GRACE, self.on_grace_over)
        try:
            await super().shutdown(sockets)
        finally:
            grace.cancel()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """The first signal stops the server (uvicorn raises it again once it has shut
        down); a later one hurries the run's stop (Run.hurry) and is not raised again:
        uvicorn would raise each signal it caught, and asyncio's runner answers a second
        SIGINT with a KeyboardInterrupt in the middle of the run's stop (QA: Ctrl+C twice
        during a long request closed its connection without an answer and left run.json)."""
        if not self.should_exit:
            super().handle_exit(sig, frame)
        elif self.loop is not None:
            self.loop.call_soon_threadsafe(self.on_hurry)


def _no_grace_exceeded(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("Cancel %s running task(s), timeout graceful")


def websocket_protocol() -> Any:
    """uvicorn's own choice of WebSocket protocol (ws="auto"), imported when a client first
    asks for an upgrade: `Config.load` imported the websockets library at every start, on
    the way to the first answer (issue 16). The runner answers no WebSocket (the RunnerApp
    ends the scope, so uvicorn refuses the handshake with 403), as before; without a
    WebSocket library, "none" as "auto" would choose."""
    if (
        importlib.util.find_spec("websockets") is None
        and importlib.util.find_spec("wsproto") is None
    ):
        return "none"

    def protocol(*args: Any, **kwargs: Any) -> Any:
        from uvicorn.protocols.websockets.auto import AutoWebSocketsProtocol

        assert AutoWebSocketsProtocol is not None  # a library was found above
        return AutoWebSocketsProtocol(*args, **kwargs)

    return protocol


SHUTDOWN_GRACE = 5  # seconds
# The first load's remaining work (static check, banner) waits at most this long for the
# requests held until the load to be answered.
FIRST_ANSWERS_LIMIT = 0.25  # seconds
# At the end of the stop, the requests it ended get this long to write their 500.
ANSWERS_LIMIT = 1.0  # seconds


def event_loop_runner() -> Any:
    """uvloop when it is installed (uvicorn[standard] brings it), as uvicorn itself picks."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run
    return uvloop.run


def run(options: RunOptions, early: EarlyStart | None = None) -> int:
    """Serve until stopped; ``early`` holds the app's settings and the app processes
    `prestart` started before this module was imported."""
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="websockets.*")
    runner = Run(options, early=early)
    stop_on_sigterm(runner)
    try:
        return int(event_loop_runner()(runner.serve()))
    except (KeyboardInterrupt, asyncio.CancelledError):  # the latter: stop_on_sigterm's cancel
        return 0


def stop_on_sigterm(runner: Run) -> None:
    """SIGTERM (how the VS Code extension, systemd or a container stop a process) stops the
    run as Ctrl+C does: requests get their grace, the app processes end and
    .funcls/run.json goes. uvicorn catches SIGTERM while it serves and, once it has shut
    down, raises it again with the handler it found (uvicorn/server.py capture_signals): with
    Python's default that killed the process before the cleanup of Run.serve. This handler
    turns it into the SIGINT that the event loop's runner already answers by cancelling
    serve(), whose cleanup then runs."""
    if threading.current_thread() is not threading.main_thread():
        return

    def on_sigterm(signum: int, frame: object) -> None:
        runner.stopped_by = "SIGTERM"
        if signal.getsignal(signal.SIGINT) is signal.SIG_IGN and runner.main is not None:
            # SIGINT ignored: a script's `funcls run &` (a shell without job control starts
            # background commands so) or a supervisor. asyncio's runner then installs no
            # SIGINT handler (asyncio/runners.py, Runner.run), and a SIGTERM before uvicorn
            # served stopped nothing: cancel serve() as that handler does.
            loop, task = runner.main
            loop.call_soon_threadsafe(task.cancel)
            return
        signal.raise_signal(signal.SIGINT)

    signal.signal(signal.SIGTERM, on_sigterm)
