"""HTTP requests into the HTTP trigger's payload, and function results into responses."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from funcls.runner.binding_data import json_members, merge
from funcls.runner.invocation import Outcome
from funcls.runner.messages import HttpResponseData
from funcls.runner.trigger_data import TriggerPayload


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


Response = tuple[int, list[tuple[bytes, bytes]], bytes]


def text_response(
    status: int, text: str, content_type: str = "text/plain; charset=utf-8"
) -> Response:
    body = text.encode("utf-8")
    return status, [(b"content-type", content_type.encode())], body


def json_response(status: int, value: Any) -> Response:
    return text_response(status, json.dumps(value, indent=2), "application/json; charset=utf-8")


# What an HTTP/1.1 response may carry: a token as a header name, no control characters
# (CR, LF, NUL, …) in a value, latin-1 text only.
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_BAD_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
# No body (and so no Content-Length) on these, whatever the function returned.
NO_BODY_STATUS = (204, 304)


def _response_problem(http: HttpResponseData) -> str | None:
    """Why the function's HTTP response cannot be sent as it is, or None."""
    status = http.get("status")
    if not isinstance(status, int) or not 200 <= status <= 599:
        return f"status code {status!r} is not a final HTTP status; use 200-599"
    for name, value in http["headers"]:
        if not _TOKEN.match(str(name)):
            return f"header name {str(name)!r} is not a valid HTTP header name"
        text = str(value)
        if _BAD_VALUE.search(text):
            return f"header {name} has a control character (CR, LF, …) in its value {text!r}"
        try:
            text.encode("latin-1")
        except UnicodeEncodeError:
            return (
                f"header {name} has characters HTTP headers cannot carry in its value "
                f"{text!r}; percent-encode it (urllib.parse.quote) or put it in the body"
            )
    return None


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
        where = (
            "The traceback is in the output of `funcls run`.\n" if error.get("traceback") else ""
        )
        return text_response(
            500,
            f"500 Internal Server Error: function '{outcome.function}' failed "
            f"(invocation {outcome.invocation_id}).\n{error.get('type')}: "
            f"{error.get('message')}\n{where}",
        )
    http = outcome.http
    if http is None:
        # No HTTP output was produced: the host answers an empty 200 when the function
        # returned a value to another binding (its $return is a queue or a blob), and 204 No
        # Content when it returned nothing (the worker's own suites check both:
        # test_queue_return and test_no_return).
        returned = outcome.returned is not None or any(r.name == "$return" for r in outcome.outputs)
        return (200 if returned else 204), [], b""
    problem = _response_problem(http)
    if problem is not None:
        text = bad_response_text(outcome, problem)
        if report is not None:
            report(text.removeprefix("500 Internal Server Error: ").rstrip())
        return text_response(500, text)
    headers: list[tuple[bytes, bytes]] = []
    for name, value in http["headers"]:
        if name.lower() in ("content-length", "transfer-encoding"):
            continue
        headers.append((name.lower().encode("latin-1"), value.encode("latin-1")))
    for cookie in http["cookies"]:
        headers.append((b"set-cookie", cookie.encode("latin-1")))
    status = http["status"]
    # The body is bytes from the app process (messages.HttpResponseData): sent as it is.
    return status, headers, b"" if status in NO_BODY_STATUS else http["body"]


def bad_response_text(outcome: Outcome, problem: str) -> str:
    return (
        f"500 Internal Server Error: function '{outcome.function}' returned a response funcls "
        f"cannot send (invocation {outcome.invocation_id}): {problem}\n"
    )
