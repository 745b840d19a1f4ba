"""The app process's loop: load the app, report its functions, run invocations.

A reader thread takes frames from the runner's socket and hands them to the asyncio loop of
the main thread: `async def` functions run on that loop, plain functions in a thread pool of
PYTHON_THREADPOOL_THREAD_COUNT threads (the executor's default size when unset), as in the
Python worker. Results and logs go back over the same socket, written under a lock.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import queue
import socket
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from funcls.runner import wire
from funcls.runner.defaults import DEBUG_CLIENT_ENV, DEBUG_ENV
from funcls.runner.messages import (
    Drain,
    Handoff,
    HttpDisconnect,
    HttpRequest,
    Invoke,
    Load,
    Message,
    Ready,
    Result,
    Served,
    Shutdown,
)

from .app_path import forget_funcls_folder
from .context import InvocationLogHandler, capture_prints
from .extensions import http_v2_base
from .http_stream import Exchange, StreamServer, run_streamed
from .invoke import ProcessExit, run_async, run_sync
from .loader import FunctionInfo, load_app
from .threads import start_helper

if TYPE_CHECKING:
    from .handed import Served as HandedConnections

HANDED_DRAIN = 5.0  # seconds a stop waits for requests under way on handed connections
EVENTS_DELAY = 0.05  # seconds a batch of console events (Channel.events) gathers at most
# How much later than EVENTS_DELAY the events thread sends a batch when serving threads sent
# the last one themselves (they send each batch as a request ends, under load).
EVENTS_LATE = 0.2


class Channel:
    """Frames to the runner. Threads that finish together share one write: the first one
    in becomes the flusher and sends everything queued until the queue is empty.

    `events` are the console events of invocations served on handed connections
    (messages.Served), added with `add`: they leave before any other frame (a log line of
    the app comes after its invocation's Executing line, as in the runner), and in batches.
    Under load the serving thread sends a batch itself once it is EVENTS_DELAY old, as a
    request ends (`due`), so that no other thread wakes (and takes the interpreter from the
    serving one) for each batch; the events thread, woken by the first event after it went
    idle, sends what the serving threads leave: an Executing line while its function runs,
    the last batch when requests stop (at most EVENTS_DELAY + EVENTS_LATE after its first
    event)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.lock = threading.Lock()
        self.send_lock = threading.Lock()  # held while bytes go out: frames never interleave
        self.queued: list[bytes] = []
        self.flushing = False
        self.events: list[tuple[Any, ...]] = []  # appended to by connection threads
        self.batch_began = 0.0  # time.time() when events last left (a batch's start)
        self.by_serving = False  # the last batch was sent by a serving thread (`due`)
        self._watched = False  # the events thread is timing a batch: no need to wake it
        self._wake = threading.Event()
        self._ticking = False

    def add(self, event: tuple[Any, ...]) -> None:
        """A console event of a connection thread's invocation."""
        self.events.append(event)
        if not self._watched:
            self._watched = True
            self._wake.set()

    def due(self, now: float) -> None:
        """A serving thread answered a request (``now``: time.time()): it sends the batch
        when the batch is EVENTS_DELAY old, without waiting on the runner: what the socket
        does not take at once is left to the events thread."""
        if now - self.batch_began >= EVENTS_DELAY and self.events:
            self.by_serving = True
            self.send(None, wait=False)

    def tick(self) -> None:
        """Start the events thread (once)."""
        if self._ticking:
            return
        self._ticking = True
        start_helper(self._send_events, "funcls-events")

    def _send_events(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            time.sleep(EVENTS_DELAY)
            while True:
                # While serving threads send the batches, it looks again when theirs is due,
                # even if they have just taken the events: going idle then, to be woken by
                # the next request's event, locked it into a wake-up per batch (its
                # EVENTS_DELAY sleep ended as theirs was sent, every 50 ms).
                if (self.events or self.by_serving) and not self.queued:
                    late = EVENTS_DELAY + (EVENTS_LATE if self.by_serving else 0.0)
                    wait = self.batch_began + late - time.time()
                    if 0 < wait <= late:  # (beyond: the clock was set back)
                        time.sleep(wait)
                        continue
                if self.events or self.queued:  # (queued: what `due` could not write)
                    self.by_serving = False
                    self.send(None)
                self._watched = False
                if not (self.events or self.queued):  # (else added before _watched was cleared)
                    break
                self._watched = True

    def _take_events(self) -> None:
        """Queue the events as one frame (self.lock held)."""
        if self.events:
            events, self.events = self.events, []
            self.batch_began = time.time()
            self.queued.append(wire.encode(Served(events)))

    def send(self, message: Message | None, wait: bool = True) -> None:
        """Queue ``message`` (None: only the events) and write what is queued, unless another
        thread is writing (it writes this too). ``wait=False``: only what the socket takes
        now; the rest stays first in the queue and the events thread writes it."""
        data = wire.encode(message) if message is not None else b""
        with self.lock:
            self._take_events()
            if data:
                self.queued.append(data)
            if self.flushing:
                return
            self.flushing = True
        while True:
            with self.lock:
                batch, self.queued = self.queued, []
                if not batch:
                    self.flushing = False
                    return
            with self.send_lock:
                if wait:
                    self._write(batch)
                    continue
                rest = self._write_now(batch)
            if rest:
                with self.lock:
                    self.queued.insert(0, rest)
                    self.flushing = False
                if not self._watched:
                    self._watched = True
                    self._wake.set()
                return

    def drain(self) -> None:
        """Send whatever is queued now (before the process exits)."""
        with self.send_lock:
            with self.lock:
                self._take_events()
                batch, self.queued = self.queued, []
            if batch:
                self._write(batch)

    def _write_now(self, batch: list[bytes]) -> bytes:
        """Write what the socket takes without waiting; the rest."""
        data = batch[0] if len(batch) == 1 else b"".join(batch)
        try:
            sent = self.sock.send(data, socket.MSG_DONTWAIT)
        except BlockingIOError:
            sent = 0
        except OSError:
            os._exit(0)  # the runner is gone: nothing left to do
        return data[sent:]

    def _write(self, batch: list[bytes]) -> None:
        try:
            self.sock.sendall(batch[0] if len(batch) == 1 else b"".join(batch))
        except OSError:
            os._exit(0)  # the runner is gone: nothing left to do


def _thread_count() -> int | None:
    raw = os.environ.get("PYTHON_THREADPOOL_THREAD_COUNT", "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    return None


class InvocationPool:
    """The thread pool for plain functions: a fixed number of threads taking calls from one
    queue (ThreadPoolExecutor's size rule, without a Future per call)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.calls: queue.SimpleQueue[tuple[Any, tuple[Any, ...]]] = queue.SimpleQueue()
        self.threads: list[threading.Thread] = []

    def submit(self, fn: Any, *args: Any) -> None:
        if len(self.threads) < self.size and self.calls.qsize() >= self._idle():
            thread = threading.Thread(
                target=self._run, name=f"funcls-invoke_{len(self.threads)}", daemon=True
            )
            self.threads.append(thread)
            thread.start()
        self.calls.put((fn, args))

    _busy = 0
    _count_lock = threading.Lock()

    def _idle(self) -> int:
        return len(self.threads) - self._busy

    def _run(self) -> None:
        while True:
            fn, args = self.calls.get()
            with self._count_lock:
                self._busy += 1
            try:
                fn(*args)
            finally:
                with self._count_lock:
                    self._busy -= 1


class Worker:
    def __init__(
        self,
        channel: Channel,
        functions: dict[str, FunctionInfo],
        streams: StreamServer | None = None,
    ) -> None:
        self.channel = channel
        self.functions = functions
        self.loop = asyncio.new_event_loop()
        self.pool = InvocationPool(_thread_count() or min(32, (os.cpu_count() or 1) + 4))
        self.streams = streams  # the web extension's app, when the app streams HTTP
        self.handed: HandedConnections | None = None  # connections the runner handed over

    def dispatch(self, message: Message) -> None:
        if isinstance(message, Drain):
            # A reload stops this process: a request on a handed connection now would be
            # answered by the old code, while the runner holds the others for the new one.
            if self.handed is not None:
                self.handed.drain()
            return
        if isinstance(message, Shutdown):
            if self.handed is not None:
                self.handed.stop(HANDED_DRAIN)
            self.stop(0)
        if isinstance(message, Handoff):
            if self.handed is None:
                try:
                    # Imported only now: an app process the runner hands nothing to
                    # starts without it.
                    from .handed import Served as HandedConnections

                    self.handed = HandedConnections(self, message.address, message.token)
                except (OSError, AttributeError):  # AttributeError: no epoll here
                    return  # the runner keeps serving every connection itself
                self.channel.tick()
            return
        if isinstance(message, (HttpRequest, HttpDisconnect)):
            if self.streams is not None:
                self.streams.feed(message)
            return
        if not isinstance(message, Invoke):
            return
        info = self.functions.get(message.function)
        if info is None:
            error = {
                "type": "FunctionNotFound",
                "message": f"no function '{message.function}' in this app process",
                "traceback": "",
            }
            self.channel.send(Result(message.id, False, 0.0, error=error))
            return
        if info.http_stream and self.streams is not None:
            # The exchange exists before the body frames that follow this message are fed.
            exchange = self.streams.open(message, info.http_trigger or "")
            self.loop.create_task(self._streamed(info, message, self.streams, exchange))
        elif info.is_async:
            self.loop.create_task(self._async(info, message))
        else:
            self.pool.submit(self._sync, info, message)

    async def _streamed(
        self,
        info: FunctionInfo,
        message: Invoke,
        streams: StreamServer,
        exchange: Exchange,
    ) -> None:
        try:
            result = await run_streamed(streams, exchange, info, message, self._in_pool)
        except ProcessExit as exit_:
            self.channel.send(exit_.result)
            self.stop(exit_.code)
        self.channel.send(result)

    def _in_pool(self, fn: Any, *args: Any) -> asyncio.Future[Any]:
        """Run fn(*args) on the invocation pool; the future resolves on the loop."""
        future: asyncio.Future[Any] = self.loop.create_future()

        def settle(value: Any, error: BaseException | None) -> None:
            if future.done():
                return
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(value)

        def call() -> None:
            try:
                value = fn(*args)
            except BaseException as error:  # SystemExit too: the coroutine reports it
                self.loop.call_soon_threadsafe(settle, None, error)
            else:
                self.loop.call_soon_threadsafe(settle, value, None)

        self.pool.submit(call)
        return future

    async def _async(self, info: FunctionInfo, message: Invoke) -> None:
        try:
            result = await run_async(info, message)
        except ProcessExit as exit_:
            self.channel.send(exit_.result)
            self.stop(exit_.code)
        self.channel.send(result)

    def _sync(self, info: FunctionInfo, message: Invoke) -> None:
        try:
            result = run_sync(info, message)
        except ProcessExit as exit_:
            self.channel.send(exit_.result)
            self.stop(exit_.code)
        self.channel.send(result)

    def stop(self, code: int) -> None:
        self.channel.drain()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)

    def read_forever(self) -> None:
        """Plain functions go from here straight to the thread pool; only coroutines (and
        control messages) take the hop to the event loop."""
        stream = self.channel.sock.makefile("rb", buffering=1 << 16)
        while True:
            try:
                message = wire.read_blocking(stream)
            except OSError:
                message = None
            if message is None:
                self.stop(0)
                return
            info = self.functions.get(message.function) if isinstance(message, Invoke) else None
            if info is not None and not info.is_async and not info.http_stream:
                self.pool.submit(self._sync, info, message)
            else:
                self.loop.call_soon_threadsafe(self.dispatch, message)

    def run(self) -> None:
        asyncio.set_event_loop(self.loop)
        start_helper(self.read_forever, "funcls-reader")
        self.loop.run_forever()


def _configure_logging(channel: Channel) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(InvocationLogHandler(channel.send))
    capture_prints(channel.send)
    root.setLevel(logging.INFO)
    # The storage SDKs log every HTTP request at INFO; the host does not show those either.
    logging.getLogger("azure.core.pipeline.policies.http_logging_policy").setLevel(logging.WARNING)


def _listen_for_debugger() -> str:
    """With `funcls run --debug`, let a debugger attach (debugpy) before the app is imported,
    so breakpoints at import time work too. Returns a line for the banner."""
    where = os.environ.pop(DEBUG_ENV, "")
    client = os.environ.pop(DEBUG_CLIENT_ENV, "").strip()
    if not where:
        return ""
    host, _, port = where.rpartition(":")
    try:
        import debugpy
    except ImportError:
        return (
            f"cannot listen on {where}: debugpy is not installed for {sys.executable}; "
            "pip install debugpy"
        )
    for attempt in range(50):  # a crashed predecessor's port can take a moment to free
        try:
            debugpy.listen((host, int(port)))
            if client:
                return f"debugpy listens on {where}; {client} attaches to it"
            return f"debugpy listens on {where}; attach your editor's Python debugger there"
        except RuntimeError as error:
            if attempt == 49:
                return f"cannot listen on {where}: {error}"
            time.sleep(0.1)
    return ""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="funcls-worker")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--script", default=None)
    parser.add_argument("--functions", default="")
    parser.add_argument("--standby", action="store_true")
    args = parser.parse_args(argv)
    sock = socket.socket(fileno=args.fd)
    sock.setblocking(True)
    channel = Channel(sock)
    _configure_logging(channel)
    os.chdir(args.root)
    if args.standby:
        # Started ahead of a reload or restart, with the interpreter and azure-functions
        # already imported: the app is imported when the runner says so (messages.Load).
        message = wire.recv_blocking(sock)
        if not isinstance(message, Load):
            os._exit(0)
    debugger = _listen_for_debugger()
    forget_funcls_folder()
    result = load_app(args.root, args.script)
    wanted = {n.lower() for n in args.functions.split(",") if n}
    functions = {
        name: info
        for name, info in result.functions.items()
        if not wanted or name.lower() in wanted
    }
    streams = None
    base = http_v2_base()
    if base is not None and any(info.http_stream for info in functions.values()):
        try:
            streams = StreamServer(base, channel.send)
        except Exception as exc:  # the worker fails its init too (HttpServerInitError)
            result.errors.append(
                {
                    "function": "(app)",
                    "message": "HTTP streaming: the web extension's app cannot be built: "
                    f"{type(exc).__name__}: {exc}; reinstall the extension package "
                    "(azurefunctions-extensions-http-fastapi) and its dependencies",
                    "traceback": "",
                }
            )
            functions = {k: v for k, v in functions.items() if not v.http_stream}
    channel.send(
        Ready(
            os.getpid(),
            sys.version.split()[0],
            _library_version(),
            [info.describe() for info in functions.values()],
            result.errors,
            debugger,
        )
    )
    # What the interpreter, azure-functions and the app made so far lives as long as the
    # process: out of the collector's reach, a full collection under load no longer walks
    # it (7.3 ms of CPU once in 6 s of wrk -c50 on the hello world, bench/bench_tail.py),
    # as the runner does after its first load.
    gc.freeze()
    Worker(channel, functions, streams).run()


def _library_version() -> str:
    try:
        from importlib.metadata import version

        return version("azure-functions")
    except Exception:
        return "unknown"
