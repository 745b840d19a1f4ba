"""The run's console: the host's invocation lines and the app's logs.

Every invocation prints `Executing 'Functions.<name>' (Reason=…, Id=…)` and
`Executed 'Functions.<name>' (Succeeded|Failed, Id=…, Duration=…ms)`, as the host does; a
failure adds the host's `Result: Failure` / `Exception: <Type>: <message>` / `Stack:` lines.
The app's `logging` records print as the host prints them, `[timestamp] message`, and records
of the worker's and library's own loggers (`azure_functions_worker`, `azure.functions`) are
system logs the host keeps off the console. With `tag_logs` (`funcls run --log-tags`) each
record is tagged `[<function> <id8>] LEVEL message` instead, the invocation found from the id
the app process attached (threads included when they set
`context.thread_local_storage.invocation_id`). Callers that want the logs of one invocation
(the synchronous invoke endpoint) register a collector for its id.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import sys
import threading
import time
from datetime import datetime, timezone
from typing import Any, TextIO

from funcls.runner.messages import Log

FLUSH_DELAY = 0.05
SYSTEM_LOGGERS = ("azure_functions_worker", "azure.functions")
LOG_LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}


_second_cache: tuple[int, str] = (-1, "")


def timestamp(moment: float | None = None) -> str:
    """ISO 8601 UTC with milliseconds; the formatted second is cached (called per line)."""
    global _second_cache
    now = moment if moment is not None else time.time()
    second = int(now)
    if _second_cache[0] != second:
        when = datetime.fromtimestamp(second, timezone.utc)
        _second_cache = (second, when.strftime("%Y-%m-%dT%H:%M:%S."))
    return f"{_second_cache[1]}{int((now - second) * 1000):03d}Z"


class Console:
    def __init__(
        self, stream: TextIO | None = None, quiet: bool = False, tag_logs: bool = False
    ) -> None:
        self.stream = stream or sys.stdout
        self.quiet = quiet
        self.tag_logs = tag_logs
        self.interactive = bool(getattr(self.stream, "isatty", lambda: False)())
        self.immediate = self.interactive or bool(os.environ.get("PYTHONUNBUFFERED"))
        self._flush_pending = False
        self._pending: list[str] = []  # lines not yet written (see _flush_soon)
        self._lock = threading.Lock()  # the static check reports from a thread
        atexit.register(self._flush)
        self.names: dict[str, str] = {}  # invocation id -> function name, while running
        self.collectors: dict[str, list[dict[str, Any]]] = {}

    def line(self, text: str, moment: float | None = None) -> None:
        if self.quiet:
            return
        with self._lock:
            self._pending.append(f"[{timestamp(moment)}] {text}\n")
        self._flush_soon()

    def _flush_soon(self) -> None:
        """Lines are written in one go per turn of the event loop for a terminal (or with
        PYTHONUNBUFFERED), so they show at once; a pipe or file gets them within 50 ms. Under
        load that is one write and one syscall for many lines instead of one per line."""
        if self._flush_pending:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._flush()
            return
        self._flush_pending = True
        if self.immediate:
            loop.call_soon(self._flush)
        else:
            loop.call_later(FLUSH_DELAY, self._flush)

    def _flush(self) -> None:
        self._flush_pending = False
        with self._lock:
            text, self._pending = "".join(self._pending), []
        with contextlib.suppress(BrokenPipeError, ValueError):
            if text:
                self.stream.write(text)
            self.stream.flush()

    def say(self, text: str) -> None:
        """A message from the runner itself: written at once, with any lines before it (only
        the lines of each invocation, many per second under load, wait for the batch)."""
        self.line(f"funcls: {text}")
        self._flush()

    def block(self, text: str) -> None:
        """Several lines at once (the banner, a traceback): written at once."""
        if self.quiet:
            return
        with self._lock:
            self._pending.append(text if text.endswith("\n") else text + "\n")
        self._flush()

    def started(
        self, function: str, invocation_id: str, reason: str, moment: float | None = None
    ) -> None:
        """``moment``: when it started, for an invocation an app process reports afterwards
        (a connection handed to it, handoff.py)."""
        self.names[invocation_id] = function
        self.line(
            f"Executing 'Functions.{function}' (Reason='{reason}', Id={invocation_id})", moment
        )

    def finished(
        self,
        function: str,
        invocation_id: str,
        ok: bool,
        duration: float,
        detail: str = "",
        moment: float | None = None,
    ) -> None:
        outcome = "Succeeded" if ok else "Failed"
        self.forget(invocation_id)
        self.line(
            f"Executed 'Functions.{function}' ({outcome}, Id={invocation_id}, "
            f"Duration={duration * 1000:.0f}ms)",
            moment,
        )
        if detail:
            self.block(_indent(detail) if self.tag_logs else detail)

    def replay(self, events: list[tuple[Any, ...]], reason: str) -> None:
        """The lines `started`, `finished` and `say` print for invocations an app process ran
        itself (messages.Served: `("s", id, function, moment)` and `("f", id, function, ok,
        duration, detail, moment, note)`), in order; the plain ones added in one go (under
        load a batch holds about a thousand invocations, 20 batches a second: the runner's
        main cost then, so the stamp's second is made once per second of the batch, as
        `timestamp` makes it, and the rest of each line in one f-string)."""
        names = self.names
        lines: list[str] = []
        append = lines.append
        second = -1
        stamp = ""
        tail = f"' (Reason='{reason}', Id="
        for event in events:
            if event[0] == "s":
                _, invocation_id, function, moment = event
                names[invocation_id] = function
                whole = int(moment)
                if whole != second:
                    second = whole
                    stamp = timestamp(float(whole))[:-4]
                append(
                    f"[{stamp}{int((moment - whole) * 1000):03d}Z] Executing 'Functions."
                    f"{function}{tail}{invocation_id})\n"
                )
                continue
            _, invocation_id, function, ok, duration, detail, moment, note = event
            if detail or note:
                self._add(lines)
                lines = []
                append = lines.append
                self.finished(function, invocation_id, ok, duration, detail, moment)
                if note:
                    self.say(note)
                continue
            whole = int(moment)
            if whole != second:
                second = whole
                stamp = timestamp(float(whole))[:-4]
            append(
                f"[{stamp}{int((moment - whole) * 1000):03d}Z] Executed 'Functions.{function}' "
                f"({'Succeeded' if ok else 'Failed'}, Id={invocation_id}, "
                f"Duration={duration * 1000:.0f}ms)\n"
            )
        self.forget("")
        # Written now, with any line before them: the batch is the app process's 50 ms of
        # invocations already, and a timer for it would wake the runner once more per batch.
        self._add(lines)
        if lines and not self.quiet:
            self._flush()

    def _add(self, lines: list[str]) -> None:
        if self.quiet or not lines:
            return
        with self._lock:
            self._pending.extend(lines)
        self._flush_soon()

    def forget(self, invocation_id: str) -> None:
        """Logs may still come from threads after the end; keep the name a little longer."""
        if len(self.names) > 10000:
            for key in list(self.names)[:5000]:
                self.names.pop(key, None)

    def app_log(self, message: Log) -> None:
        invocation_id = message.id
        level = message.level
        text = message.message
        if invocation_id:
            collector = self.collectors.get(invocation_id)
            if collector is not None:
                collector.append({"level": level, "logger": message.logger, "message": text})
        if not self.tag_logs:
            if not is_system_logger(message.logger):
                self.line(text, message.time)
            return
        if invocation_id:
            name = self.names.get(invocation_id, "?")
            tag = f"[{name} {invocation_id[:8]}]"
        else:
            tag = "[app]"
        self.line(f"{tag} {level} {text}", message.time)


def is_system_logger(name: str) -> bool:
    return any(name == n or name.startswith(n + ".") for n in SYSTEM_LOGGERS)


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.rstrip("\n").split("\n"))
