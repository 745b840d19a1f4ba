"""What both HTTP paths share: the runner's front and an app process serving a connection
handed to it (`handoff.py`, `worker/handed.py`).

Query strings, keys, CORS, the HTTP response of an invocation, the bytes uvicorn writes for
it, and invocation ids. Standard library only: the app process imports this module (and may
run under another interpreter than the runner, without uvicorn or httptools).
"""

from __future__ import annotations

import hmac
import random
import re
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

# (status, headers with lower-case names, body)
Response = tuple[int, list[tuple[bytes, bytes]], bytes]

# No body (and so no Content-Length) on these, whatever the function returned.
NO_BODY_STATUS = (204, 304)


def _status_line(status: int) -> bytes:
    # As uvicorn's httptools protocol writes it (STATUS_LINE): the phrase of http.HTTPStatus,
    # nothing after the code when there is none.
    try:
        phrase = HTTPStatus(status).phrase.encode()
    except ValueError:
        phrase = b""
    return b"HTTP/1.1 %d %s\r\n" % (status, phrase)


STATUS_LINE = {status: _status_line(status) for status in range(100, 600)}


# -- the request --------------------------------------------------------------------------------


def parse_query(query_string: bytes) -> dict[str, str]:
    """The query as the host gives it to a function: a repeated key's values joined by ","."""
    query: dict[str, str] = {}
    for key, value in parse_qsl(query_string.decode("latin-1"), True):
        query[key] = f"{query[key]},{value}" if key in query else value
    return query


def presented_key(query: dict[str, str], headers: dict[str, str]) -> str | None:
    return headers.get("x-functions-key") or query.get("code")


def authorized(level: str, key: str | None, keys: dict[str, str]) -> bool:
    level = level.lower()
    if level == "anonymous" or not keys:
        return True
    if not key:
        return False
    allowed = (
        [keys["master"]] if level in ("admin", "system") else [keys["master"], keys["function"]]
    )
    return any(hmac.compare_digest(key, k) for k in allowed)


def cors_headers(
    origin: str | None, origins: list[str], credentials: bool
) -> list[tuple[bytes, bytes]]:
    if not origin or not origins:
        return []
    if "*" in origins:
        allow = origin if credentials else "*"
    elif origin.rstrip("/") in origins:
        allow = origin
    else:
        return []
    headers = [(b"access-control-allow-origin", allow.encode("latin-1")), (b"vary", b"Origin")]
    if credentials:
        headers.append((b"access-control-allow-credentials", b"true"))
    return headers


# The version (4) and variant (RFC 4122) bits of a UUID, as uuid.UUID(int=…, version=4) sets
# them: cleared, then set.
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)


def new_invocation_id() -> str:
    """A random (version 4) UUID. Invocation ids need to be unique, not secret: taking the
    bits from `random` saves the system call of uuid4() on every request, and formatting
    them here the 3 µs uuid.UUID's checks take."""
    text = f"{random.getrandbits(128) & _UUID_CLEAR | _UUID_SET:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


# -- the response -------------------------------------------------------------------------------


def text_response(
    status: int, text: str, content_type: str = "text/plain; charset=utf-8"
) -> Response:
    body = text.encode("utf-8")
    return status, [(b"content-type", content_type.encode())], body


# What an HTTP/1.1 response may carry: a token as a header name, no control characters
# (CR, LF, NUL, …) in a value, latin-1 text only.
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_BAD_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def response_problem(http: Any) -> str | None:
    """Why the function's HTTP response (messages.HttpResponseData) cannot be sent as it is,
    or None."""
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


def http_response(http: Any) -> Response:
    """A function's valid HTTP response (`response_problem` found nothing) as it is sent."""
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


def plain_http(value: tuple[str | None, Any]) -> dict[str, Any]:
    """A value returned to an HTTP output that is no HttpResponse, as the response."""
    kind, body = value
    if kind == "bytes":
        content_type = "application/octet-stream"
    elif kind == "json":
        content_type = "application/json"
    else:
        content_type = "text/plain; charset=utf-8"
    payload = body if isinstance(body, bytes) else str(body if body is not None else "").encode()
    return {
        "status": 200,
        "headers": [("Content-Type", content_type)],
        "cookies": [],
        "body": payload,
    }


_PLAIN_TYPES = {"bytes": b"application/octet-stream", "json": b"application/json"}
_PLAIN_TEXT = b"text/plain; charset=utf-8"


def plain_response(value: tuple[str | None, Any]) -> Response:
    """`http_response(plain_http(value))` without the dict between them: such a response
    always passes `response_problem`."""
    kind, body = value
    payload = body if isinstance(body, bytes) else str(body if body is not None else "").encode()
    return 200, [(b"content-type", _PLAIN_TYPES.get(kind or "", _PLAIN_TEXT))], payload


def failed_text(function: str, invocation_id: str, error: dict[str, Any]) -> str:
    """The body of the 500 that answers a failed invocation."""
    where = "The traceback is in the output of `funcls run`.\n" if error.get("traceback") else ""
    return (
        f"500 Internal Server Error: function '{function}' failed "
        f"(invocation {invocation_id}).\n{error.get('type')}: "
        f"{error.get('message')}\n{where}"
    )


def bad_response_text(function: str, invocation_id: str, problem: str) -> str:
    return (
        f"500 Internal Server Error: function '{function}' returned a response funcls "
        f"cannot send (invocation {invocation_id}): {problem}\n"
    )


def failure_lines(error: dict[str, Any]) -> list[str]:
    """As the host logs a failed invocation: the result, the exception's type and message
    (the worker's RpcException message), then the stack."""
    lines = ["Result: Failure", f"Exception: {error.get('type')}: {error.get('message')}"]
    trace = str(error.get("traceback") or "").rstrip("\n")
    if trace:
        lines.append(f"Stack: {trace}")
    return lines


def encode_response(
    response: Response,
    defaults: list[tuple[bytes, bytes]],
    cors: list[tuple[bytes, bytes]],
    keep_alive: bool,
    head: bool,
) -> tuple[bytes, bool]:
    """The bytes uvicorn's httptools protocol writes for the RunnerApp's `_send` of the same
    response — its default headers (date), the response's, CORS, then content-length — and
    whether the connection stays open after it."""
    status, headers, body = response
    parts = [STATUS_LINE[status]]
    close = False
    for name, value in (*defaults, *headers, *cors):
        if name == b"connection" and b"close" in [
            token.lower().strip() for token in value.split(b",")
        ]:
            keep_alive = False
            close = True
        parts += (name, b": ", value, b"\r\n")
    if status not in NO_BODY_STATUS:
        parts += (b"content-length: ", str(len(body)).encode(), b"\r\n")
    if not keep_alive and not close:
        parts.append(b"connection: close\r\n")
    parts.append(b"\r\n")
    if not head and status not in NO_BODY_STATUS:
        parts.append(body)
    return b"".join(parts), keep_alive
