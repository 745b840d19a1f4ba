"""The app processes of a run: start, dispatch, restart, reload.

Each app process is `python -m funcls.runner.worker` connected to the runner by a socket pair;
user code only ever runs there. The pool keeps FUNCTIONS_WORKER_PROCESS_COUNT of them, sends
each invocation to the one with the fewest in flight, restarts one that dies (exception,
sys.exit, os._exit, a signal, or killed after functionTimeout) at once, and on reload starts
a new set, switches to it when it is ready and lets the old set finish what it has.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import field
from typing import Any

from funcls.model.fastclass import dataclass
from funcls.runner import wire
from funcls.runner.config import HostSettings, RunOptions
from funcls.runner.defaults import DEBUG_ENV
from funcls.runner.messages import (
    Back,
    Closed,
    Drain,
    ErrorInfo,
    HttpBody,
    HttpEnd,
    HttpStart,
    Invoke,
    Load,
    Log,
    Message,
    Ready,
    Result,
    Served,
    Shutdown,
)
from funcls.runner.prestart import EarlyProcess, worker_command, worker_environment
from funcls.runner.streams import HttpExchange

READY_TIMEOUT = 120.0
RESTART_POLL = 0.025
"""How often an invocation held during a restart looks for a ready app process (the host's
WorkerConstants.WorkerReadyCheckPollingIntervalMilliseconds)."""
STANDBY_DELAY = 0.05  # seconds after a generation is ready before its standby processes start


class WorkerCrashed(Exception):
    """The app process ended while an invocation was in flight. ``ended``: it ended by itself
    (an exit code or a signal not sent by the runner), not stopped by the runner."""

    def __init__(self, message: str, ended: bool = False) -> None:
        super().__init__(message)
        self.ended = ended


class FunctionTimeout(Exception):
    pass


# When the run stops, how long its app processes' invocations get after uvicorn's grace
# (runner.SHUTDOWN_GRACE) before the processes end.
STOP_DRAIN = 2.0  # seconds


class AppNotLoaded(Exception):
    """No app process can take invocations (the app failed to load, or is restarting)."""


@dataclass
class AppIndex:
    """What the app processes loaded: function descriptions and load errors."""

    functions: list[dict[str, Any]] = field(default_factory=list)
    errors: list[ErrorInfo] = field(default_factory=list)
    python: str = ""
    library: str = ""
    debugger: str = ""  # what the app process said of `--debug`, for the banner

    def function(self, name: str) -> dict[str, Any] | None:
        for f in self.functions:
            if f["name"].lower() == name.lower():
                return f
        return None


def describe_exit(code: int | None) -> str:
    if code is None:
        return "stopped"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        extra = " (a segmentation fault)" if -code == signal.SIGSEGV else ""
        return f"was killed by {name}{extra}"
    return f"exited with code {code}"


class WorkerProcess:
    def __init__(
        self,
        number: int,
        command: list[str],
        env: dict[str, str],
        cwd: str,
        on_log: Callable[[Log], None],
        stdout: int | None = None,
    ) -> None:
        self.stdout = stdout
        self.number = number
        self.command = command
        self.env = env
        self.cwd = cwd
        self.on_log = on_log
        self.process: asyncio.subprocess.Process | _Adopted | None = None
        self.writer: asyncio.WriteTransport | None = None
        self.pending: dict[str, asyncio.Future[Result]] = {}
        self.streams: dict[str, HttpExchange] = {}  # streamed HTTP responses in flight
        # Kept: asyncio.get_running_loop() costs a getpid() system call per call on
        # CPython 3.11, and submit() ran it twice per invocation.
        self.loop = asyncio.get_running_loop()
        self.ready: asyncio.Future[Ready] = self.loop.create_future()
        self.exited: asyncio.Future[int | None] = self.loop.create_future()
        self.started = time.monotonic()
        self.stopping = False
        self.kill_reason: str | None = None
        self._outbox: list[bytes] = []
        # Set when HTTP connections are handed to this process (handoff.py): where its
        # messages about them go, and whether a request runs on one of them now.
        self.on_handed: Callable[[Message], None] | None = None
        self.busy_elsewhere: Callable[[], bool] | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    @property
    def alive(self) -> bool:
        return not self.exited.done()

    async def adopt(self, early: EarlyProcess) -> None:
        """Take over an app process started before the event loop (funcls/runner/prestart.py):
        its channel, and its exit, watched from a thread (asyncio waits only for children it
        started itself)."""
        self.process = _Adopted(early.process, asyncio.get_running_loop())
        self.started = early.started
        await self._connect(early.channel)

    async def start(self, standby: bool = False) -> None:
        """Start the process; with ``standby`` it imports the app only on `load()`."""
        parent, child = socket.socketpair()
        command = [*self.command, "--fd", str(child.fileno())] + (["--standby"] if standby else [])
        try:
            self.process = await asyncio.create_subprocess_exec(
                *command,
                pass_fds=(child.fileno(),),
                env=self.env,
                cwd=self.cwd,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=self.stdout,
                # Out of the terminal's process group: Ctrl+C (SIGINT to the whole group) is
                # for the runner, which stops its app processes itself; they also exit when
                # the runner is gone (the channel closes).
                start_new_session=True,
            )
        finally:
            child.close()
        await self._connect(parent)

    async def _connect(self, channel: socket.socket) -> None:
        """Read the app process's frames as they arrive (a protocol: no coroutine per frame)."""
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_unix_connection(lambda: _Frames(self), sock=channel)
        self.writer = transport

    def _dispatch(self, message: Message) -> None:
        if isinstance(message, Result):
            future = self.pending.pop(message.id, None)
            if future is not None and not future.done():
                future.set_result(message)
        elif isinstance(message, (HttpStart, HttpBody, HttpEnd)):
            exchange = self.streams.get(message.id)
            if exchange is not None:
                exchange.feed(message)
                if exchange.ended:
                    del self.streams[message.id]
        elif isinstance(message, Log):
            self.on_log(message)
        elif isinstance(message, (Served, Back, Closed)):
            if self.on_handed is not None:
                self.on_handed(message)
        elif isinstance(message, Ready) and not self.ready.done():
            self.ready.set_result(message)

    async def _closed(self) -> None:
        """The channel closed: the process is ending; fail what waited for it."""
        code = await self.process.wait() if self.process else None
        reason = self.kill_reason or f"the app process (pid {self.pid}) {describe_exit(code)}"
        for future in self.pending.values():
            if not future.done():
                future.set_exception(WorkerCrashed(reason, ended=self.kill_reason is None))
        self.pending.clear()
        for exchange in self.streams.values():
            exchange.fail(reason)
        self.streams.clear()
        if not self.ready.done():
            self.ready.set_exception(WorkerCrashed(reason))
        if self.writer is not None:
            self.writer.close()
        self.exited.set_result(code)

    def submit(self, message: Invoke) -> asyncio.Future[Result]:
        future: asyncio.Future[Result] = self.loop.create_future()
        if not self.alive or self.writer is None:
            future.set_exception(WorkerCrashed("the app process is not running"))
            return future
        self.pending[message.id] = future
        # Frames queued in one turn of the event loop leave in one write (one syscall).
        self._outbox.append(wire.encode(message))
        if len(self._outbox) == 1:
            self.loop.call_soon(self._flush)
        return future

    def post(self, message: Message) -> None:
        """A frame without an answer (a streamed request's body)."""
        if not self.alive or self.writer is None:
            return
        self._outbox.append(wire.encode(message))
        if len(self._outbox) == 1:
            self.loop.call_soon(self._flush)

    def _flush(self) -> None:
        frames, self._outbox = self._outbox, []
        if frames and self.writer is not None and not self.writer.is_closing():
            self.writer.write(b"".join(frames))

    def load(self) -> None:
        """A standby process: import the app now (it answers Ready when it has)."""
        self.started = time.monotonic()
        self.post(Load())

    def matches(
        self, command: list[str], env: dict[str, str], cwd: str, stdout: int | None
    ) -> bool:
        return self.alive and (self.command, self.env, self.cwd, self.stdout) == (
            command,
            env,
            cwd,
            stdout,
        )

    def kill(self, reason: str) -> None:
        if self.kill_reason is None:
            self.kill_reason = reason
        if self.process is not None and self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()

    async def stop(
        self,
        drain: float = 5.0,
        because: str = "a saved file reloads the app",
        since: float | None = None,
        hurried: Callable[[], str | None] = lambda: None,
    ) -> None:
        """Let invocations in flight and streamed responses finish (up to drain seconds),
        then end the process (``because``: why, for the answer of a request still running;
        ``since``: when the wait for them began, if before this call: the run's stop gives
        uvicorn's grace first; ``hurried``: why the wait ends now, once it does — a second
        Ctrl+C)."""
        self.stopping = True
        began = since if since is not None else time.monotonic()
        if self.alive and self.writer is not None and self.busy_elsewhere is not None:
            # Handed connections: the process reads them itself, and would serve a request
            # that comes on an idle one while those under way end (with the old code, in a
            # reload); from now on it leaves them to the runner.
            with contextlib.suppress(ConnectionError, RuntimeError):
                self.writer.write(wire.encode(Drain()))
        deadline = time.monotonic() + drain
        while (
            (self.pending or self.streams or (self.busy_elsewhere and self.busy_elsewhere()))
            and time.monotonic() < deadline
            and self.alive
            and hurried() is None
        ):
            await asyncio.sleep(0.02)
        if self.alive and (
            self.pending or self.streams or (self.busy_elsewhere and self.busy_elsewhere())
        ):
            # Their 500 says why the process ended, not only its exit code.
            waited = time.monotonic() - began
            self.kill_reason = self.kill_reason or (
                f"the app process (pid {self.pid}) was stopped because "
                f"{hurried() or because}; requests under way had {waited:.0f}s to finish"
            )
        if self.alive and self.writer is not None:
            with contextlib.suppress(ConnectionError, RuntimeError):
                self.writer.write(wire.encode(Shutdown()))
            try:
                await asyncio.wait_for(asyncio.shield(self.exited), 1.0)
            except asyncio.TimeoutError:
                self.kill("stopped by the runner")
        if self.alive:
            self.kill("stopped by the runner")
            await self.exited


class _Frames(asyncio.Protocol):
    """Frames from an app process (wire.py), handed to its WorkerProcess as they complete."""

    def __init__(self, worker: WorkerProcess) -> None:
        self.worker = worker
        self.buffer = bytearray()

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        header = wire.HEADER.size
        start = 0
        end = len(buffer)
        try:
            while end - start >= header:
                (size,) = wire.HEADER.unpack_from(buffer, start)
                if size > wire.MAX_FRAME:
                    raise ValueError(f"a frame of {size} bytes, over {wire.MAX_FRAME}")
                if end - start - header < size:
                    break
                body = bytes(buffer[start + header : start + header + size])
                start += header + size
                self.worker._dispatch(wire.decode(body))
        except ValueError as error:  # not funcls at the other end: nothing more can be read
            buffer.clear()
            self.worker.kill(f"the app process sent what is no message ({error}); stopped")
            return
        if start:
            del buffer[:start]

    def connection_lost(self, exc: Exception | None) -> None:
        asyncio.get_running_loop().create_task(self.worker._closed())


Listener = Callable[[AppIndex], Awaitable[None]]


class WorkerPool:
    def __init__(
        self,
        options: RunOptions,
        settings: HostSettings,
        on_log: Callable[[Log], None],
        say: Callable[[str], None],
    ) -> None:
        self.options = options
        self.settings = settings
        self.on_log = on_log
        self.say = say
        self.workers: list[WorkerProcess] = []
        # Why the run's stop ends the wait for invocations under way now (hurry).
        self.hurried: str | None = None
        self.index = AppIndex()
        self.loaded = asyncio.Event()
        self.listeners: list[Listener] = []
        self.closing = False
        self._generation = 0
        self._reload_lock = asyncio.Lock()
        self._requests = 0  # start_generation calls so far (the newest one wins)
        self._turn = 0  # which app process pick() looks at first
        self._loading: list[WorkerProcess] = []  # the generation being loaded, if any
        self._crash_times: list[float] = []
        self._restarting = 0  # app processes being replaced after a crash (_watch)
        self._reloading = False  # a reload's processes are loading; the old ones stop
        # App processes started before the event loop (prestart.py), by number.
        self.early: dict[int, EarlyProcess] = {}
        # Standby app processes for the next reload or restart, by number (_standby).
        self.standby: dict[int, WorkerProcess] = {}

    # -- starting ---------------------------------------------------------------------------

    def command(self) -> list[str]:
        return worker_command(self.options, self.settings)

    def environment(self) -> dict[str, str]:
        return worker_environment(self.options, self.settings)

    async def _spawn(self, number: int) -> WorkerProcess:
        stdout = sys.stderr.fileno() if self.options.app_output_to_stderr else None
        env = self.environment()
        if self.options.debug_port is not None and number == 0:
            env[DEBUG_ENV] = f"127.0.0.1:{self.options.debug_port}"
        command = self.command()
        spare = self.standby.pop(number, None)
        if spare is not None:
            if spare.matches(command, env, self.settings.root, stdout):
                spare.load()
                return spare
            spare.kill("the settings changed")
        worker = WorkerProcess(number, command, env, self.settings.root, self.on_log, stdout)
        early = self.early.pop(number, None)
        if early is not None and early.same(command, env, self.settings.root, stdout):
            await worker.adopt(early)
        else:
            if early is not None:
                early.discard()
            await worker.start()
        return worker

    async def _await_ready(self, worker: WorkerProcess) -> AppIndex:
        try:
            ready = await asyncio.wait_for(asyncio.shield(worker.ready), READY_TIMEOUT)
        except asyncio.TimeoutError:
            worker.kill("the app took too long to load")
            return AppIndex(errors=[_app_error(f"loading the app took over {READY_TIMEOUT}s")])
        except WorkerCrashed as crash:
            return AppIndex(errors=[_app_error(f"{crash} while loading the app")])
        return AppIndex(
            functions=list(ready.functions),
            errors=list(ready.errors),
            python=ready.python,
            library=ready.library,
            debugger=ready.debugger,
        )

    async def start_generation(self) -> AppIndex:
        """Start a full set of app processes, switch to them, retire the previous set."""
        self._requests += 1
        request = self._requests
        # A save while the previous generation still loads (an import that hangs, then the
        # fix) must not wait for that load's READY_TIMEOUT behind the lock: end it.
        for worker in self._loading:
            worker.kill("a newer save replaced this load")
        async with self._reload_lock:
            if request != self._requests:
                return self.index  # a newer save waits for the lock; it loads the app
            self._generation += 1
            generation = self._generation
            count = self.settings.worker_count
            if self.options.debug_port is not None:
                # The debugger's port belongs to one process: retire the old one first.
                count = 1
                for worker in self.workers:
                    await worker.stop()
            elif self.workers:
                # A reload: the old app processes take no new invocation and stop once those
                # under way are done, while the new ones load; invocations that come
                # meanwhile wait for the new code (_held_until_ready). The host does the same:
                # a file change restarts its script host (FileMonitoringService ->
                # RestartHostAsync), whose old instance stops, and invocations wait for the
                # new one (HostAvailabilityCheckMiddleware; host/availability.py).
                self._reloading = True
                for worker in self.workers:
                    if not worker.stopping:
                        worker.stopping = True  # at once: pick() skips it from now on
                        asyncio.get_running_loop().create_task(worker.stop())
            fresh = list(await asyncio.gather(*(self._spawn(n) for n in range(count))))
            self._loading = fresh
            try:
                indexes = await asyncio.gather(*(self._await_ready(w) for w in fresh))
            except asyncio.CancelledError:
                # The run stops while the app loads (Ctrl+C during an import that hangs):
                # nothing else holds these processes, which run in sessions of their own and
                # would outlive the run (QA: one waited in its import after the run ended).
                for worker in fresh:
                    worker.kill("funcls run stopped while the app was loading")
                raise
            finally:
                self._loading = []
                self._reloading = False
            if request != self._requests:
                for worker in fresh:
                    worker.kill("a newer save replaced this load")
                return self.index
            old = self.workers
            self.workers = fresh
            self.index = indexes[0]
            for worker in fresh:
                asyncio.get_running_loop().create_task(self._watch(worker, generation))
            self.loaded.set()
        for worker in old:
            asyncio.get_running_loop().create_task(worker.stop())
        for listener in self.listeners:
            await listener(self.index)
        self._standby_soon(range(count))
        return self.index

    def _standby_soon(self, numbers: range | list[int]) -> None:
        """With reload on, start standby processes for the next generation or restart a
        moment after this one is ready (not while it loads): a save then costs the app's
        import, not an interpreter start and azure-functions' import too."""
        if not self.options.reload or self.options.debug_port is not None or self.closing:
            return
        loop = asyncio.get_running_loop()
        for number in numbers:
            loop.call_later(STANDBY_DELAY, self._start_standby, number)

    def _start_standby(self, number: int) -> None:
        asyncio.get_running_loop().create_task(self._standby(number))

    async def _standby(self, number: int) -> None:
        if self.closing or number in self.standby:
            return
        stdout = sys.stderr.fileno() if self.options.app_output_to_stderr else None
        worker = WorkerProcess(
            number, self.command(), self.environment(), self.settings.root, self.on_log, stdout
        )
        # A standby that ends unused (stopped with the run, or killed) has no one to read
        # why: mark the answer read.
        worker.ready.add_done_callback(_retrieve)
        try:
            await worker.start(standby=True)
        except OSError:
            return
        # Offered only once started: its channel must be open to take the Load message.
        if self.closing or number in self.standby:
            worker.kill("not needed")
            return
        self.standby[number] = worker

    async def _watch(self, worker: WorkerProcess, generation: int) -> None:
        await asyncio.shield(worker.exited)
        if self.closing or worker.stopping or generation != self._generation:
            return
        reason = worker.kill_reason or f"the app process (pid {worker.pid}) " + describe_exit(
            worker.exited.result()
        )
        self._restarting += 1
        try:
            now = time.monotonic()
            self._crash_times = [t for t in self._crash_times if now - t < 10] + [now]
            delay = 0.0 if len(self._crash_times) < 3 else min(5.0, 0.25 * len(self._crash_times))
            self.say(f"{reason}; starting a new one" + (f" in {delay:.1f}s" if delay else ""))
            if delay:
                await asyncio.sleep(delay)
            if self.closing or generation != self._generation:
                return
            replacement = await self._spawn(worker.number)
            if worker in self.workers:
                self.workers[self.workers.index(worker)] = replacement
            index = await self._await_ready(replacement)
            if replacement.alive:
                asyncio.get_running_loop().create_task(self._watch(replacement, generation))
                self.say(f"app process {replacement.pid} is ready")
                self._standby_soon([worker.number])
            if generation != self._generation:
                return  # a reload began meanwhile: its index is the one to publish
            if index.errors != self.index.errors or index.functions != self.index.functions:
                self.index = index
                for listener in self.listeners:
                    await listener(self.index)
        finally:
            self._restarting -= 1

    # -- invoking ---------------------------------------------------------------------------

    def pick(self) -> WorkerProcess:
        """The app process with the fewest invocations in flight; among equals, the next in
        turn, as the host hands invocations to its worker channels in rotation (so that every
        process of FUNCTIONS_WORKER_PROCESS_COUNT gets work even when requests are quick)."""
        best: WorkerProcess | None = None
        count = len(self.workers)
        start = self._turn % count if count else 0
        self._turn += 1
        for i in range(count):
            worker = self.workers[(start + i) % count]
            if worker.exited.done() or worker.stopping or not worker.ready.done():
                continue
            # Killed (functionTimeout) but not reaped yet: what it was sent would fail with
            # its kill. The host restarts the worker of a timed-out invocation
            # (azure-functions-host WebScriptHostExceptionHandler.OnTimeoutExceptionAsync:
            # RestartWorkerWithInvocationIdAsync) and holds invocations meanwhile (below).
            if worker.kill_reason is not None:
                continue
            if worker.ready.exception() is not None:
                continue
            if best is None or len(worker.pending) < len(best.pending):
                best = worker
        if best is None:
            raise AppNotLoaded("the app is restarting; try again in a moment")
        return best

    async def _held_until_ready(self) -> WorkerProcess:
        """An app process for an invocation that came when none was ready. While a crashed
        one is being replaced the invocation waits for the replacement, as the host holds
        it (WorkerFunctionInvoker.DelayUntilFunctionDispatcherInitializedOrShutdown polls
        the dispatcher every 25 ms while its state is WorkerProcessRestarting, for up to
        (ErrorEventsThreshold + 1) x the worker initialization timeout); before, such a
        request got 503 once the restart took over half a second, as it may under load.
        A reload holds it the same way until the new app processes are ready (the
        FileMonitoringService's restart of the script host). Otherwise (the app failed to
        load) it waits half a second at most, then AppNotLoaded."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        while True:
            await asyncio.sleep(RESTART_POLL)
            try:
                return self.pick()
            except AppNotLoaded:
                waited = loop.time() - started
                if (
                    self.closing
                    or waited >= READY_TIMEOUT
                    or (not self._replacing() and not self._reloading and waited >= 0.5)
                ):
                    raise

    def _replacing(self) -> bool:
        """An app process is being replaced: it crashed, or was killed and its exit (then
        its replacement, _watch) is still to come. (One killed for a load that timed out
        stays in the list, exited and not watched: not counted.)"""
        return bool(self._restarting) or any(
            w.kill_reason is not None and w.alive and not w.stopping for w in self.workers
        )

    async def invoke(
        self,
        message: Invoke,
        timeout: float | None,
        exchange: HttpExchange | None = None,
    ) -> Result:
        """Run one invocation in an app process. With ``exchange`` (a streamed HTTP
        response) functionTimeout covers the response until its last chunk too."""
        if not self.loaded.is_set():
            await self.loaded.wait()
        try:
            worker = self.pick()
        except AppNotLoaded:
            worker = await self._held_until_ready()
        future = worker.submit(message)
        if exchange is not None and not future.done():
            worker.streams[message.id] = exchange
            exchange.attach(message.id, worker.post)
        if timeout is None:
            return await future
        # A timer per invocation rather than wait_for(): no extra task on the hot path.
        timer = worker.loop.call_later(
            timeout, self._timed_out, worker, future, message.function, timeout, exchange
        )
        try:
            return await future
        finally:
            if exchange is None:
                timer.cancel()
            else:
                exchange.on_end(timer.cancel)

    @staticmethod
    def _timed_out(
        worker: WorkerProcess,
        future: asyncio.Future[Result],
        name: str,
        timeout: float,
        exchange: HttpExchange | None = None,
    ) -> None:
        if future.done() and (exchange is None or exchange.ended):
            return
        if not future.done():
            future.set_exception(
                FunctionTimeout(
                    f"the function ran past functionTimeout ({timeout:g}s) and was stopped"
                )
            )
            what = f"function '{name}' ran"
        else:
            what = f"the streamed response of function '{name}' was still being sent"
        reason = (
            f"{what} past functionTimeout ({timeout:g}s); "
            f"the app process (pid {worker.pid}) was stopped"
        )
        if exchange is not None:
            exchange.fail(reason)
        worker.kill(reason)

    def under_way(self) -> int:
        """Invocations and streamed responses the app processes are busy with."""
        return sum(len(w.pending) + len(w.streams) for w in self.workers)

    async def close(self, since: float | None = None) -> None:
        """Stop every app process (``since``: when the run's stop began, for the answers of
        requests it ends)."""
        self.closing = True
        for early in self.early.values():
            early.discard()
        spares = list(self.standby.values())
        self.standby.clear()
        for spare in spares:
            spare.kill("the run is stopping")
        await asyncio.gather(
            *(
                w.stop(
                    drain=STOP_DRAIN,
                    because="funcls run is stopping",
                    since=since,
                    hurried=lambda: self.hurried,
                )
                for w in self.workers
            )
        )
        await asyncio.gather(*(s.exited for s in spares if s.process is not None))

    def hurry(self, why: str) -> None:
        """End the stop's wait for invocations under way now (they are answered 500, saying
        ``why``), also when close() has not begun yet."""
        self.hurried = self.hurried or why


def _app_error(message: str) -> ErrorInfo:
    return {"function": "(app)", "message": message, "traceback": ""}


class _Adopted:
    """An EarlyProcess's Popen with the interface WorkerProcess uses of an asyncio process."""

    def __init__(self, process: subprocess.Popen[bytes], loop: asyncio.AbstractEventLoop) -> None:
        self._process = process
        self.pid = process.pid
        self._exited: asyncio.Future[int] = loop.create_future()

        def wait() -> None:
            code = process.wait()
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
                loop.call_soon_threadsafe(_settle, self._exited, code)

        threading.Thread(target=wait, name=f"funcls-wait-{process.pid}", daemon=True).start()

    @property
    def returncode(self) -> int | None:
        return self._process.returncode

    async def wait(self) -> int:
        return await asyncio.shield(self._exited)

    def kill(self) -> None:
        self._process.kill()


def _retrieve(future: asyncio.Future[Ready]) -> None:
    if not future.cancelled():
        future.exception()


def _settle(future: asyncio.Future[int], code: int) -> None:
    if not future.done():
        future.set_result(code)
