"""HTTP requests into the HTTP trigger's payload, and function results into responses."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from funcls.runner.binding_data import json_members, merge
from funcls.runner.http_bytes import (
    NO_BODY_STATUS,
    Response,
    bad_response_text,
    failed_text,
    http_response,
    response_problem,
    text_response,
)
from funcls.runner.invocation import Outcome
from funcls.runner.trigger_data import TriggerPayload

__all__ = [
    "NO_BODY_STATUS",
    "Response",
    "http_payload",
    "json_response",
    "outcome_response",
    "text_response",
]


def http_payload(
    method: str,
    url: str,
    headers: dict[str, str],
    query: dict[str, str],
    params: dict[str, str],
    body: bytes,
    *,
    binding_data: bool = True,
) -> TriggerPayload:
    data = (
        "http",
        {
            "method": method,
            "url": url,
            "headers": headers,
            "query": query,
            "params": params,
            "body": ("bytes", body),
        },
    )
    if not binding_data:
        return TriggerPayload(data, {}, {})
    binding: dict[str, Any] = {k: v for k, v in query.items() if k.lower() != "code"}
    merge(binding, json_members(body) if _looks_json(headers, body) else {})
    merge(binding, params)
    merge(binding, {"Query": dict(query), "Headers": dict(headers)})
    return TriggerPayload(data, {}, binding)


def _looks_json(headers: dict[str, str], body: bytes) -> bool:
    if not body:
        return False
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    return "json" in content_type.lower() or body.lstrip()[:1] in (b"{", b"[")


def json_response(status: int, value: Any) -> Response:
    return text_response(status, json.dumps(value, indent=2), "application/json; charset=utf-8")


def outcome_response(outcome: Outcome, report: Callable[[str], None] | None = None) -> Response:
    """The HTTP response of an invocation; report(text) hears of a response that cannot be
    sent (the function succeeded, so the console has no error for it yet)."""
    if not outcome.ok:
        error = outcome.error or {}
        if error.get("type") == "AppNotLoaded":
            # No app process to take it (a restart after a crash is under way): the request
            # never reached the function, so say when to try again rather than 500.
            busy = text_response(503, f"503 Service Unavailable: {error.get('message')}\n")
            return busy[0], [*busy[1], (b"retry-after", b"1")], busy[2]
        return text_response(500, failed_text(outcome.function, outcome.invocation_id, error))
    http = outcome.http
    if http is None:
        # No HTTP output was produced: the host answers an empty 200 when the function
        # returned a value to another binding (its $return is a queue or a blob), and 204 No
        # Content when it returned nothing (the worker's own suites check both:
        # test_queue_return and test_no_return).
        returned = outcome.returned is not None or any(r.name == "$return" for r in outcome.outputs)
        return (200 if returned else 204), [], b""
    problem = response_problem(http)
    if problem is not None:
        text = bad_response_text(outcome.function, outcome.invocation_id, problem)
        if report is not None:
            report(text.removeprefix("500 Internal Server Error: ").rstrip())
        return text_response(500, text)
    return http_response(http)
