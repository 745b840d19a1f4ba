"""The `context` argument and invocation-tagged logging.

Like the Python worker, the current invocation id is kept in a context variable (async
functions and what they await) and in one thread-local object (sync functions in the thread
pool). `context.thread_local_storage` is that thread-local object, so a thread the user starts
tags its logs by setting `context.thread_local_storage.invocation_id = context.invocation_id`.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import azure.functions as func
from azure.functions import _abc

from funcls.runner.messages import Log

invocation_local = threading.local()
current_invocation: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "funcls_invocation_id", default=None
)


def current_invocation_id() -> str | None:
    return current_invocation.get() or getattr(invocation_local, "invocation_id", None)


class TraceContext(_abc.TraceContext):
    def __init__(self, trace_parent: str, trace_state: str, attributes: dict[str, str]):
        self._trace_parent = trace_parent
        self._trace_state = trace_state
        self._attributes = attributes

    @property
    def trace_state(self) -> str:
        return self._trace_state

    @property
    def trace_parent(self) -> str:
        return self._trace_parent

    @property
    def attributes(self) -> dict[str, str]:
        return self._attributes

    # The worker's TraceContext (azure_functions_worker/bindings/tracecontext.py) keeps the
    # older capitalised names too, deprecated but still read by apps.
    @property
    def Traceparent(self) -> str:
        return self._trace_parent

    @property
    def Tracestate(self) -> str:
        return self._trace_state

    @property
    def Attributes(self) -> dict[str, str]:
        return self._attributes


class RpcException:
    """`context.retry_context.exception`: the worker hands over the host's RpcException
    message (protos.RpcException: source, stack_trace, message); before any failure, and for
    functions without a retry policy, it is an empty one, as an unset protobuf field reads."""

    __slots__ = ("is_user_exception", "message", "source", "stack_trace", "type")

    def __init__(
        self,
        message: str = "",
        source: str = "",
        stack_trace: str = "",
        is_user_exception: bool = False,
        type: str = "",
    ) -> None:
        self.message = message
        self.source = source
        self.stack_trace = stack_trace
        self.is_user_exception = is_user_exception
        self.type = type

    def __repr__(self) -> str:
        return f"RpcException(message={self.message!r}, source={self.source!r})"


class RetryContext(_abc.RetryContext):
    def __init__(
        self, retry_count: int = 0, max_retry_count: int = 0, exception: Any = None
    ) -> None:
        self._retry_count = retry_count
        self._max_retry_count = max_retry_count
        self._exception = exception

    @property
    def retry_count(self) -> int:
        return self._retry_count

    @property
    def max_retry_count(self) -> int:
        return self._max_retry_count

    @property
    def exception(self) -> Any:
        return self._exception


class Context(func.Context):
    def __init__(
        self,
        invocation_id: str,
        function_name: str,
        function_directory: str,
        trace_context: TraceContext,
        retry_context: RetryContext,
    ) -> None:
        self._invocation_id = invocation_id
        self._function_name = function_name
        self._function_directory = function_directory
        self._trace_context = trace_context
        self._retry_context = retry_context

    @property
    def invocation_id(self) -> str:
        return self._invocation_id

    @property
    def thread_local_storage(self) -> type[threading.local]:
        # The library types it as the class; the worker returns one shared instance.
        return invocation_local  # type: ignore[return-value]

    @property
    def function_name(self) -> str:
        return self._function_name

    @property
    def function_directory(self) -> str:
        return self._function_directory

    @property
    def trace_context(self) -> TraceContext:
        return self._trace_context

    @property
    def retry_context(self) -> RetryContext:
        return self._retry_context


class InvocationLogHandler(logging.Handler):
    """Sends every log record of the app process to the runner, tagged with its invocation."""

    def __init__(self, send: Callable[[Log], None]) -> None:
        super().__init__(logging.DEBUG)
        self._send = send

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
            if record.exc_info:
                message += "\n" + logging.Formatter().formatException(record.exc_info)
            self._send(
                Log(
                    current_invocation_id(),
                    record.levelname,
                    record.name,
                    message,
                    record.created or time.time(),
                )
            )
        except Exception:  # a log call must never break the function
            self.handleError(record)


class InvocationPrints:
    """``sys.stdout`` / ``sys.stderr`` of the app process: what a function prints while it runs
    goes to the runner as log lines of its invocation (logger "stdout" or "stderr"), so the Run
    lens's result, ``funcls invoke`` and the runner's console show them with the function's
    logs. QA in code-server: a ▶ Run's Logs showed the function's ``logging`` lines but none of
    its ``print()`` lines, which went only to the warm app's console (no one sees it). What is
    written outside an invocation (at import) goes to the stream as before.

    A line is sent when it is complete (``print("a", b)`` writes "a", " ", b, "\\n"); the rest
    of an invocation's text is sent when it ends (``flush_invocation``)."""

    MAX_PENDING = 64 * 1024  # characters of one invocation's unfinished line kept

    def __init__(self, stream: Any, logger: str, level: str, send: Callable[[Log], None]) -> None:
        self._stream = stream
        self._logger = logger
        self._level = level
        self._send = send
        self._lock = threading.Lock()
        self._pending: dict[str, str] = {}

    def write(self, text: str) -> int:
        invocation_id = current_invocation_id()
        if invocation_id is None or _handler_copy(sys._getframe(1)):
            return int(self._stream.write(text))
        with self._lock:
            whole = self._pending.pop(invocation_id, "") + str(text)
            lines = whole.split("\n")
            rest = lines.pop()
            if len(rest) > self.MAX_PENDING:
                lines.append(rest)
                rest = ""
            if rest:
                self._pending[invocation_id] = rest
        for line in lines:
            self._log(invocation_id, line)
        return len(text)

    def flush_invocation(self, invocation_id: str) -> None:
        with self._lock:
            rest = self._pending.pop(invocation_id, "")
        if rest:
            self._log(invocation_id, rest)

    def _log(self, invocation_id: str, line: str) -> None:
        with contextlib.suppress(Exception):  # a print must never break the function
            self._send(Log(invocation_id, self._level, self._logger, line, time.time()))

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:  # encoding, fileno, isatty, buffer…
        return getattr(self._stream, name)


# A write made by this code is a log record formatted by a handler the app added itself
# (`logging.StreamHandler()`, `logging.basicConfig(force=True)`): CPython's StreamHandler.emit
# writes the whole record, with its terminator, in one `stream.write` (Lib/logging/__init__.py).
_STREAM_EMIT = logging.StreamHandler.emit.__code__


def _handler_copy(caller: Any) -> bool:
    """Whether a write, called from the frame ``caller``, is a StreamHandler's text of a
    record that InvocationLogHandler sends too: that text goes to the console only, not as a
    second log line of the invocation (QA: an app's own StreamHandler showed each record twice
    in a Run result's logs, once as the record, once as stderr text). A record that does not
    reach InvocationLogHandler (a logger with propagate off, the root's handlers replaced)
    is kept as printed text."""
    if caller.f_code is not _STREAM_EMIT:
        return False
    record = caller.f_locals.get("record")
    if not isinstance(record, logging.LogRecord):
        return False
    # The handlers Logger.callHandlers runs for the record: its logger's, then its parents'
    # up to the first logger that does not propagate.
    named = logging.Logger.manager.loggerDict.get(record.name)
    found = logging.root if record.name == "root" else named
    if not isinstance(found, logging.Logger):
        return False
    logger: logging.Logger | None = found
    while logger is not None:
        for handler in logger.handlers:
            if isinstance(handler, InvocationLogHandler) and record.levelno >= handler.level:
                return True
        if not logger.propagate:
            return False
        logger = logger.parent
    return False


_prints: list[InvocationPrints] = []


def capture_prints(send: Callable[[Log], None]) -> None:
    """Put InvocationPrints in place of sys.stdout and sys.stderr."""
    out = InvocationPrints(sys.stdout, "stdout", "INFO", send)
    err = InvocationPrints(sys.stderr, "stderr", "WARNING", send)
    sys.stdout, sys.stderr = out, err
    _prints[:] = [out, err]


def flush_prints(invocation_id: str) -> None:
    """Send what an invocation printed without a final newline (called as it ends)."""
    for stream in _prints:
        stream.flush_invocation(invocation_id)
