"""Calling one function with real library objects and collecting what it produced."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from typing import Any

import azure.functions as func
from azure.functions.http import HttpRequest, HttpRequestConverter

from funcls.runner.messages import Invoke, Result

from . import context as ctx
from .convert import check_generic_encodable, converter_for, decode_input, encode_output
from .loader import FunctionInfo
from .tracebacks import user_place, user_traceback


class Out(func.Out):  # type: ignore[type-arg]
    def __init__(self) -> None:
        self._value: Any = None

    def set(self, val: Any) -> None:
        self._value = val

    def get(self) -> Any:
        return self._value


class ProcessExit(Exception):
    """User code asked the process to stop (sys.exit): report, then exit like the worker."""

    def __init__(self, code: int, result: Result) -> None:
        super().__init__(code)
        self.code = code
        self.result = result


def prepare(
    info: FunctionInfo, message: Invoke, given: dict[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, Out]]:
    """The function's arguments; ``given`` holds parameters already made (the HTTP
    streaming request), which are not decoded from the wire."""
    metadata = message.metadata
    wire_args = message.args
    args: dict[str, Any] = dict(given or {})
    for name, param in info.inputs.items():
        if name not in args:
            args[name] = decode_input(param, wire_args.get(name), metadata)
    outs = {name: Out() for name in info.outputs}
    args.update(outs)
    if info.requires_context:
        trace = message.trace
        retry = message.retry
        attributes = dict(trace.get("attributes") or {})
        if "ProcessId" in attributes:  # the host's worker process id (trace_context.py)
            attributes["ProcessId"] = str(os.getpid())
        failure = retry.get("exception") or {}
        args["context"] = ctx.Context(
            message.id,
            info.name,
            info.directory,
            ctx.TraceContext(
                trace.get("traceparent", ""),
                trace.get("tracestate", ""),
                attributes,
            ),
            ctx.RetryContext(
                int(retry.get("count", 0)),
                int(retry.get("max", 0)),
                ctx.RpcException(
                    str(failure.get("message", "")),
                    str(failure.get("source", "")),
                    str(failure.get("stack_trace", "")),
                ),
            ),
        )
    return args, outs


def builds_http_request(info: FunctionInfo) -> bool:
    """Whether the function's HTTP trigger parameter is decoded by the library's own
    HttpRequestConverter (an `HttpRequest` or unannotated parameter, no SDK type): then
    `http_request` makes the very object that converter makes, without the `meta.Datum`
    per header, query and route parameter that the wire form goes through. The worker builds
    those Datums from the host's RpcHttp (`datumdef.Datum.from_typed_data`) and calls the
    binding's `decode` (`bindings/meta.py` `from_incoming_proto`), whose
    `HttpRequestConverter.decode` (azure-functions `http.py`) unwraps each Datum's value
    into an `azure.functions.http.HttpRequest`: the same constructor call as here."""
    name = info.http_trigger
    param = info.inputs.get(name) if name else None
    if param is None or param.sdk:
        return False
    return converter_for(param.converter_name) is HttpRequestConverter


def http_request(
    method: str,
    url: str,
    headers: dict[str, str],
    query: dict[str, str],
    route_params: dict[str, str],
    body: bytes,
) -> HttpRequest:
    """HttpRequestConverter.decode's object for a request whose body came as bytes (as the
    runner always sends it). ``query`` must be a dict of this request alone: the request
    keeps a read-only view of it, as of the dict the converter builds."""
    return HttpRequest(
        method=method,
        url=url,
        headers=headers,
        params=query,
        route_params=route_params,
        body_type="bytes",
        body=body,
    )


def finish(
    info: FunctionInfo,
    message: Invoke,
    outs: dict[str, Out],
    returned: Any,
    start: float,
    *,
    encode_return: bool = True,
) -> Result:
    outputs: dict[str, Any] = {}
    for name, out in outs.items():
        value = out.get()
        if value is not None:
            outputs[name] = encode_output(info.outputs[name], value)
    # As the worker's _handle__invocation_request (azure_functions_worker/dispatcher.py): a
    # value returned without a $return binding fails the invocation, and with one the
    # result is always encoded, so None returned for an HTTP $return fails too (the
    # library's HttpResponseConverter.encode refuses None): the host answers 500.
    if returned is not None and info.implicit_return:
        check_generic_encodable(returned)
        returned = None
    if returned is not None and info.return_info is None:
        raise RuntimeError(
            f"function {info.name!r} without a $return binding returned a non-None value; "
            "return None, or declare a $return output binding"
        )
    wire_return = None
    # With HTTP streaming the worker leaves the returned value to the web extension's app
    # (`fi.return_type is not None and not http_v2_enabled` in the dispatcher).
    if info.return_info is not None and encode_return:
        wire_return = encode_output(info.return_info, returned)
    return Result(message.id, True, time.perf_counter() - start, wire_return, outputs)


def _exception_text(exc: BaseException) -> str:
    """str(exc), or a fallback when the exception's own __str__ raises (as the worker's
    Dispatcher._serialize_exception does): the failure must still be reported."""
    try:
        return str(exc)
    except Exception:
        return "Unhandled exception in function. Could not serialize original exception message."


def _exception_traceback(exc: BaseException) -> str:
    try:
        return user_traceback(exc)
    except Exception:
        return ""


def failure(message: Invoke, exc: BaseException, start: float) -> Result:
    error = {
        "type": type(exc).__name__,
        "message": _exception_text(exc),
        "traceback": _exception_traceback(exc),
    }
    return Result(message.id, False, time.perf_counter() - start, error=error)


def exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def run_sync(info: FunctionInfo, message: Invoke, given: dict[str, Any] | None = None) -> Result:
    """Call a plain function; ``given``: parameters already made (`prepare`)."""
    start = time.perf_counter()
    ctx.invocation_local.invocation_id = message.id
    try:
        args, outs = prepare(info, message, given)
        returned = info.func(**args)
        return finish(info, message, outs, returned, start)
    except SystemExit as exc:
        code = exit_code(exc)
        raise ProcessExit(code, exit_failure(message, exc, code, start)) from None
    except Exception as exc:
        return failure(message, exc, start)
    finally:
        ctx.flush_prints(message.id)
        ctx.invocation_local.invocation_id = None


async def run_async(
    info: FunctionInfo, message: Invoke, given: dict[str, Any] | None = None
) -> Result:
    start = time.perf_counter()
    ctx.current_invocation.set(message.id)
    try:
        args, outs = prepare(info, message, given)
        returned = await info.func(**args)
        return finish(info, message, outs, returned, start)
    except SystemExit as exc:
        code = exit_code(exc)
        raise ProcessExit(code, exit_failure(message, exc, code, start)) from None
    except asyncio.CancelledError as exc:
        return failure(message, exc, start)
    except Exception as exc:
        return failure(message, exc, start)
    finally:
        ctx.flush_prints(message.id)


def exit_failure(message: Invoke, exc: SystemExit, code: int, start: float) -> Result:
    """The failure of a function that raised SystemExit: the call as written and where it
    was made (QA: ``sys.exit("bye")`` was reported as "called sys.exit(1)", with no place)."""
    called = "sys.exit()" if exc.code is None else f"sys.exit({exc.code!r})"
    place = user_place(exc)
    where = f" at {place}" if place else ""
    error = {
        "type": "SystemExit",
        "message": f"the function called {called}{where} (exit code {code}); the app process "
        "stops, and the runner starts a new one",
        "traceback": "",
    }
    return Result(message.id, False, time.perf_counter() - start, error=error)
