"""The invocation's W3C trace context (`context.trace_context`), as the host fills it.

The host sends the worker `RpcTraceContext` from the invocation's current Activity
(azure-functions-host WorkerFunctionInvoker: `Traceparent = Activity.Current?.Id`,
`Tracestate = Activity.Current?.TraceStateString`, `Attributes = Activity.Current?.Tags`;
ScriptInvocationContextExtensions.GetRpcTraceContext drops tags with empty values). For an
HTTP request ASP.NET Core starts that Activity as a child of the request's `traceparent`
header: the same trace id, a new span id, the parent's trace flags, and the `tracestate`
header as the trace state. A request without a valid `traceparent` (and every non-HTTP
trigger) starts a new trace.

Attributes: the request Activity has no tags of its own; the host adds its own only when
`APPLICATIONINSIGHTS_ENABLE_AGENT` is true (GrpcWorkerChannel.AddAdditionalTraceContext):
`ProcessId` (the worker process), `OperationName` (the function), `Category`
(`Function.<name>.User`) and `HostInstanceId`. The worker fills `ProcessId`, the one value
only the app process knows.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Mapping
from typing import Any

# version "-" trace-id "-" parent-id "-" trace-flags (W3C Trace Context, level 1); version
# ff is invalid, and an all-zero trace or parent id too.
_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$")
NEW_TRACE_FLAGS = "01"
"""Flags of a trace the invocation starts (unchanged from earlier funcls; the host's value
depends on its telemetry sampling)."""

HOST_INSTANCE_ID = uuid.uuid4().hex
"""This run's stand-in for the host's instance id (one per host process)."""


def _header(headers: Mapping[str, str] | list[tuple[str, str]] | None, name: str) -> str | None:
    if not headers:
        return None
    items = headers.items() if isinstance(headers, Mapping) else headers
    for key, value in items:
        if str(key).lower() == name:
            return str(value)
    return None


def parse_traceparent(value: str | None) -> tuple[str, str] | None:
    """(trace id, flags) of a valid traceparent header value, else None."""
    if not value:
        return None
    match = _TRACEPARENT.match(value.strip().lower())
    if match is None:
        return None
    version, trace_id, parent_id, flags = match.group(1, 2, 3, 4)
    if version == "ff" or set(trace_id) == {"0"} or set(parent_id) == {"0"}:
        return None
    if version == "00" and match.group(5):
        return None  # version 00 has exactly four fields
    return trace_id, flags


def _span_id() -> str:
    span = random.getrandbits(64)
    return f"{span or 1:016x}"


def invocation_trace(
    function_name: str,
    settings: Mapping[str, str],
    headers: Mapping[str, str] | list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """The `trace` part of an invoke message: traceparent, tracestate, attributes."""
    parent = parse_traceparent(_header(headers, "traceparent"))
    if parent is not None:
        trace_id, flags = parent
        state = _header(headers, "tracestate") or ""
    else:
        trace_id, flags, state = f"{random.getrandbits(128) or 1:032x}", NEW_TRACE_FLAGS, ""
    attributes: dict[str, str] = {}
    if str(settings.get("APPLICATIONINSIGHTS_ENABLE_AGENT", "")).strip().lower() == "true":
        attributes = {
            "HostInstanceId": HOST_INSTANCE_ID,
            "ProcessId": "",  # the app process writes its pid (worker/invoke.py)
            "OperationName": function_name,
            "Category": f"Function.{function_name}.User",
        }
    return {
        "traceparent": f"00-{trace_id}-{_span_id()}-{flags}",
        "tracestate": state,
        "attributes": attributes,
    }
