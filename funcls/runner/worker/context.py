"""The `context` argument and invocation-tagged logging.

Like the Python worker, the current invocation id is kept in a context variable (async
functions and what they await) and in one thread-local object (sync functions in the thread
pool). `context.thread_local_storage` is that thread-local object, so a thread the user starts
tags its logs by setting `context.thread_local_storage.invocation_id = context.invocation_id`.
"""

from __future__ import annotations

import contextvars
import logging
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
