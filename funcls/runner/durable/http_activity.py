"""`context.call_http`: a real HTTP request made by the engine, as the extension's built-in
HTTP activity makes it. The result is the extension's DurableHttpResponse JSON
(`statusCode`, `headers`, `content`). Managed-identity tokens (`token_source`) are not
fetched: such a call fails and says so. The 202-polling of long-running endpoints is not done:
the first answer is the result."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from typing import Any

from funcls.runner.durable.history import Event, EventType, event
from funcls.runner.durable.replay import Work

TIMEOUT = 100.0  # seconds, as HttpClient's default


def _send(request: dict[str, Any]) -> dict[str, Any]:
    content = request.get("content")
    headers = request.get("headers") or {}
    flat = {
        str(k): (", ".join(map(str, v)) if isinstance(v, list) else str(v))
        for k, v in headers.items()
    }
    call = urllib.request.Request(
        str(request.get("uri")),
        data=content.encode("utf-8") if isinstance(content, str) else None,
        headers=flat,
        method=str(request.get("method") or "GET").upper(),
    )
    try:
        with urllib.request.urlopen(call, timeout=TIMEOUT) as answer:
            status, answer_headers, body = answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        status, answer_headers, body = error.code, error.headers, error.read()
    return {
        "statusCode": status,
        "headers": dict(answer_headers.items()),
        "content": body.decode("utf-8", "replace"),
    }


async def call_http(work: Work) -> Event:
    try:
        request = json.loads(work.input or "{}")
        if request.get("tokenSource"):
            raise ValueError(
                "call_http with a token_source needs a managed identity, which funcls run does "
                "not have; pass an Authorization header instead"
            )
        response = await asyncio.to_thread(_send, request)
    except (OSError, ValueError) as error:
        return event(
            EventType.TASK_FAILED,
            TaskScheduledId=work.task_id,
            Reason=f"call_http failed: {error}",
            Details="",
        )
    return event(
        EventType.TASK_COMPLETED, TaskScheduledId=work.task_id, Result=json.dumps(response)
    )
