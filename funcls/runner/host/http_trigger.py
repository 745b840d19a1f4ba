"""HTTP requests into the HTTP trigger's payload, and function results into responses."""

from __future__ import annotations

import json
from typing import Any

from funcls.runner.binding_data import json_members, merge
from funcls.runner.invocation import Outcome
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


def outcome_response(outcome: Outcome) -> Response:
    if not outcome.ok:
        error = outcome.error or {}
        return text_response(
            500,
            f"500 Internal Server Error: function '{outcome.function}' failed "
            f"(invocation {outcome.invocation_id}).\n{error.get('type')}: "
            f"{error.get('message')}\nThe traceback is in the output of `funcls run`.\n",
        )
    http = outcome.http
    if http is None:
        return 204, [], b""
    headers: list[tuple[bytes, bytes]] = []
    for name, value in http.get("headers") or []:
        if str(name).lower() in ("content-length", "transfer-encoding"):
            continue
        headers.append((str(name).lower().encode("latin-1"), str(value).encode("latin-1")))
    for cookie in http.get("cookies") or []:
        headers.append((b"set-cookie", str(cookie).encode("latin-1")))
    body = http.get("body") or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    return int(http.get("status") or 200), headers, body
