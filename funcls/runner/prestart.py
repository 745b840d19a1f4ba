"""Start the app processes first: `funcls run` reads the app's settings (the model's loader
and `config.read_host_settings`, light imports) and starts its app processes before it
imports the rest of the runner (uvicorn, storage, the durable engine), so the app process's
interpreter start and the app's import overlap the runner's own (issue 16: command to first
HTTP 200). The pool adopts them when it would have started the same processes
(`WorkerPool._spawn` compares command, environment and folder), and discards them otherwise.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from funcls.model.appmodel import App
from funcls.model.loader import load_app_or_settings
from funcls.model.source import Source
from funcls.runner.config import HostSettings, RunOptions, read_host_settings
from funcls.runner.pool import EarlyProcess, worker_command, worker_environment


@dataclass
class EarlyStart:
    app: App
    settings: HostSettings
    processes: dict[int, EarlyProcess] = field(default_factory=dict)
    failure: str | None = None  # the model's loader crashed: what and where (issue 17)


def prestart(options: RunOptions) -> EarlyStart:
    app, failure = load_app_or_settings(options.app_dir, Source())
    settings = read_host_settings(app)
    early = EarlyStart(app, settings, failure=failure)
    if options.debug_port is not None:
        return early  # the debugger's port is set per process at spawn; start as usual
    command = worker_command(options, settings)
    env = worker_environment(options, settings)
    stdout = sys.stderr.fileno() if options.app_output_to_stderr else None
    for number in range(settings.worker_count):
        early.processes[number] = EarlyProcess.spawn(command, env, settings.root, stdout)
    return early
