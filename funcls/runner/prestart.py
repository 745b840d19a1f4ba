"""Start the app processes first: `funcls run` binds its port, reads what the app processes'
command and environment depend on (`config.early_worker_settings`: local.settings.json with
the standard library) and starts them before it imports the model, reads the app's settings
with it, and imports the rest of the runner (uvicorn, storage, the durable engine), so the
app process's interpreter start and the app's import overlap the runner's own (issue 16:
command to first HTTP 200). The pool adopts them when it would have started the same
processes (`WorkerPool._spawn` compares command, environment and folder), and discards them
otherwise.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time

# The standard decorator, not funcls.model.fastclass: imported before the app processes
# start, when nothing of the model may be (tests/runner/test_prestart.py).
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from funcls.runner import timeline
from funcls.runner.config import (
    DEFAULT_PORT,
    HostSettings,
    RunOptions,
    early_host_settings,
    early_worker_settings,
    read_host_settings,
)

if TYPE_CHECKING:
    from funcls.model.appmodel import App

# The app process's command and environment, and the early process itself, live here rather
# than in pool.py (which imports them from here): importing the pool means importing asyncio,
# and whatever prestart imports delays the app process's start.


def worker_command(options: RunOptions, settings: HostSettings) -> list[str]:
    """The command of an app process (the runner passes `--fd N` on top)."""
    python = options.python or sys.executable
    # Under a debugger, frozen standard-library modules would hide their breakpoints.
    debug = ["-Xfrozen_modules=off"] if options.debug_port is not None else []
    command = [python, *debug, "-m", "funcls.runner.worker", "--root", settings.root]
    command += ["--script", settings.script_name]
    if options.functions:
        command += ["--functions", ",".join(options.functions)]
    return command


def worker_environment(options: RunOptions, settings: HostSettings) -> dict[str, str]:
    env = dict(settings.environment)
    env.setdefault("FUNCTIONS_WORKER_RUNTIME", "python")
    env["AzureWebJobsScriptRoot"] = settings.root
    env["PYTHONUNBUFFERED"] = "1"
    if options.python:
        here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
    return env


@dataclass
class EarlyProcess:
    """An app process started before the runner's event loop and heavy imports, so that its
    interpreter start and the app's import overlap the runner's own start-up."""

    command: list[str]
    env: dict[str, str]
    cwd: str
    stdout: int | None
    process: subprocess.Popen[bytes]
    channel: socket.socket  # the runner's end of the socket pair
    started: float

    @classmethod
    def spawn(
        cls, command: list[str], env: dict[str, str], cwd: str, stdout: int | None
    ) -> EarlyProcess:
        started = time.monotonic()
        parent, child = socket.socketpair()
        try:
            process = subprocess.Popen(
                [*command, "--fd", str(child.fileno())],
                pass_fds=(child.fileno(),),
                env=env,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                start_new_session=True,  # as WorkerProcess.start
            )
        finally:
            child.close()
        return cls(command, env, cwd, stdout, process, parent, started)

    def same(self, command: list[str], env: dict[str, str], cwd: str, stdout: int | None) -> bool:
        """Whether it is the process the pool would start now (else it is discarded)."""
        return (self.command, self.env, self.cwd, self.stdout) == (command, env, cwd, stdout)

    def discard(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.process.wait()
        self.channel.close()


def bind(host: str, port: int) -> socket.socket:
    """The run's listening socket. Bound by `prestart`, before the runner's heavy imports:
    from then on a client's connection waits in the backlog (and its request for the app's
    first load, host/availability.py) instead of being refused."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit it; without it headers and body leave in two segments
        # and a client's delayed ACK adds 40 ms to every response (uvloop does not set it for
        # a socket it did not create).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(False)
    return sock


@dataclass
class EarlyStart:
    # None when host.json and local.settings.json were plain JSON: the settings came from
    # `early_host_settings` and the runner reads the app with the model after its first
    # answers (runner.Run.check).
    app: App | None
    settings: HostSettings
    processes: dict[int, EarlyProcess] = field(default_factory=dict)
    failure: str | None = None  # the model's loader crashed: what and where (issue 17)
    sock: socket.socket | None = None  # the listening socket, with prestart(listen=True)


def prestart(options: RunOptions, listen: bool = False) -> EarlyStart:
    """The app's settings read and its app processes started; with ``listen``, the port
    bound first (a port in use raises OSError before any process starts). ``options.port``
    is then the port asked for: --port, else local.settings.json's LocalHttpPort, else 7071.
    The processes start from `early_worker_settings`, before the model is imported; when
    that cannot read the settings, after it. When host.json and local.settings.json are
    plain JSON (`early_host_settings`), the model is not imported here at all."""
    full = early_host_settings(options.app_dir)
    early_settings = full or early_worker_settings(options.app_dir)
    sock = None
    if listen and early_settings is not None:
        if options.port is None:
            options.port = early_settings.local_http_port or DEFAULT_PORT
        sock = bind(options.host, options.port)
    processes: dict[int, EarlyProcess] = {}
    if early_settings is not None:
        processes = _spawn(options, early_settings)
        timeline.mark("app process started")
    if full is not None:
        timeline.mark("settings read")
        return EarlyStart(None, full, processes, sock=sock)
    from funcls.model.loader import load_app_or_settings
    from funcls.model.source import Source

    app, failure = load_app_or_settings(options.app_dir, Source())
    settings = read_host_settings(app)
    timeline.mark("settings read")
    if early_settings is None:  # local.settings.json is not plain JSON: the model read it
        if listen:
            if options.port is None:
                options.port = settings.local_http_port or DEFAULT_PORT
            sock = bind(options.host, options.port)
        processes = _spawn(options, settings)
        timeline.mark("app process started")
    return EarlyStart(app, settings, processes, failure=failure, sock=sock)


def _spawn(options: RunOptions, settings: HostSettings) -> dict[int, EarlyProcess]:
    if options.debug_port is not None:
        return {}  # the debugger's port is set per process at spawn; start as usual
    command = worker_command(options, settings)
    env = worker_environment(options, settings)
    stdout = sys.stderr.fileno() if options.app_output_to_stderr else None
    return {
        number: EarlyProcess.spawn(command, env, settings.root, stdout)
        for number in range(settings.worker_count)
    }
