"""`context.call_http`: a real HTTP request made by the engine, as the extension's built-in
HTTP activity makes it. The result is the extension's DurableHttpResponse JSON
(`statusCode`, `headers`, `content`). Managed-identity tokens (`token_source`) are not
fetched: such a call fails and says so. The 202-polling of long-running endpoints is not done:
the first answer is the result. The user information of a URL (`https://user:password@host/`)
is not sent, as .NET's HttpClient does not send it: pass an Authorization header. A request
that fails in any way fails the task with a message whose URL passwords and SAS signatures are
masked (they would reach the instance's output, the log and the management API)."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from funcls.runner.durable.history import Event, EventType, event
from funcls.runner.durable.replay import Work
from funcls.runner.storage import mask_secrets

TIMEOUT = 100.0  # seconds, as HttpClient's default


def _send(request: dict[str, Any]) -> dict[str, Any]:
    content = request.get("content")
    headers = request.get("headers") or {}
    flat = {
        str(k): (", ".join(map(str, v)) if isinstance(v, list) else str(v))
        for k, v in headers.items()
    }
    call = urllib.request.Request(
        without_user(str(request.get("uri"))),
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


def without_user(url: str) -> str:
    """The URL without its user information (`user:password@`)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


async def call_http(work: Work) -> Event:
    try:
        request = json.loads(work.input or "{}")
        if request.get("tokenSource"):
            raise ValueError(
                "call_http with a token_source needs a managed identity, which funcls run does "
                "not have; pass an Authorization header instead"
            )
        response = await asyncio.to_thread(_send, request)
    except Exception as error:  # any failure of the request fails the task, never the engine
        return event(
            EventType.TASK_FAILED,
            TaskScheduledId=work.task_id,
            Reason=f"call_http failed: {mask_secrets(str(error))}",
            Details="",
        )
    return event(
        EventType.TASK_COMPLETED, TaskScheduledId=work.task_id, Result=json.dumps(response)
    )
