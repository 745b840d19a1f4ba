"""The result of running one function by hand, as every face shows it: `funcls invoke` (text
and `--format json`), the admin endpoint behind it and the editor's Run lens.

A plain JSON object (camelCase, as LSP clients read it)::

    {"ok": false, "function": "create_order", "trigger": "httpTrigger",
     "summary": "create_order → 400 Bad Request in 3 ms: send the order as JSON",
     "request": {"method": "POST", "path": "/api/orders", "url": "http://…", "headers": {…},
                 "body": "…"},
     "status": 400, "statusText": "Bad Request", "headers": [["Content-Type", "…"]],
     "body": "send the order as JSON", "returnValue": null,
     "outputs": [{"name": "order_queue", "type": "queue", "target": "orders", "sent": false,
                  "value": …}],
     "logs": [{"level": "INFO", "message": "…"}],
     "error": {"type": "KeyError", "message": "'items'", "file": "/app/orders_bp.py",
               "line": 31, "traceback": "…"} | null,
     "durationMs": 3.1, "invocationId": "…", "ranOn": "http://127.0.0.1:7071",
     "stores": [{"setting": "AzureWebJobsStorage", "store": "azurite",
                 "description": "Azurite at http://127.0.0.1:10001 (queues), …"}]}

``stores`` (only for a function with queue, blob or table bindings): the store each of its
connection settings reached in this run — "embedded", "azurite", "azure", or "none" when the
setting could not be opened — and the runner's one line about it (a fallback's reason
included).

``bodySize`` (only when the caller asked for at most ``body_limit`` bytes of the body and it
was longer): the whole body's size in bytes; ``body``/``bodyBase64`` then hold its first
``body_limit`` bytes (``funcls invoke`` prints a 50 MB answer that way, and saves it whole
with ``--output FILE``).

``ok`` is false when the function raised, crashed or timed out, and when an HTTP function
answered with a status of 400 or more.
"""

from __future__ import annotations

import base64
import http
import json
import os
import re
from typing import Any

from funcls.runner.invocation import Outcome, preview

MAX_SUMMARY_BODY = 160
_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)', re.M)
_LIBRARY_PARTS = (os.sep + "site-packages" + os.sep, os.sep + "dist-packages" + os.sep)


def status_text(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def user_frame(traceback_text: str, app_root: str) -> tuple[str, int] | None:
    """The innermost frame of the traceback that is the user's code: inside the app and not
    an installed package (a `.venv` inside the app holds libraries, not the user's code)."""
    root = os.path.realpath(app_root) + os.sep if app_root else ""
    found: tuple[str, int] | None = None
    for match in _FRAME.finditer(traceback_text or ""):
        path = match.group("file")
        real = os.path.realpath(path)
        if any(part in real for part in _LIBRARY_PARTS):
            continue
        if root and not real.startswith(root):
            continue
        found = (path, int(match.group("line")))
    return found


def run_result(
    outcome: Outcome,
    trigger: str,
    request: dict[str, Any],
    ran_on: str,
    app_root: str = "",
    body_limit: int | None = None,
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ok": outcome.ok,
        "function": outcome.function,
        "trigger": trigger,
        "summary": "",
        "request": request,
        "status": None,
        "statusText": None,
        "headers": None,
        "body": None,
        "returnValue": preview(outcome.returned[1]) if outcome.returned else None,
        "outputs": [o.to_json() for o in outcome.outputs],
        "logs": [{"level": log["level"], "message": log["message"]} for log in outcome.logs],
        "error": None,
        "durationMs": round(outcome.duration * 1000, 2),
        "invocationId": outcome.invocation_id,
        "ranOn": ran_on,
    }
    if outcome.http is not None:
        status = int(outcome.http.get("status") or 200)
        result["status"] = status
        result["statusText"] = status_text(status)
        result["headers"] = [list(h) for h in outcome.http.get("headers") or []]
        body = outcome.http.get("body") or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        cut = body_limit is not None and len(body) > body_limit
        if cut:
            result["bodySize"] = len(body)
        text = _utf8_head(body[:body_limit] if cut else body, cut)
        if text is not None:
            result["body"] = text
        else:
            result["bodyBase64"] = base64.b64encode(body[:body_limit] if cut else body).decode(
                "ascii"
            )
        if status >= 400:
            result["ok"] = False
    if outcome.error:
        error = outcome.error
        if (
            trigger == "httpTrigger"
            and outcome.http is None
            and error.get("type") != "AppNotLoaded"
        ):
            # What the caller got: the host answers a function that raised with 500, as
            # http_trigger.outcome_response does here (AppNotLoaded: 503, it never ran).
            result["status"], result["statusText"] = 500, status_text(500)
        trace = str(error.get("traceback") or "")
        frame = user_frame(trace, app_root)
        result["ok"] = False
        result["error"] = {
            "type": str(error.get("type") or "Error"),
            "message": str(error.get("message") or ""),
            "file": frame[0] if frame else None,
            "line": frame[1] if frame else None,
            "traceback": trace,
        }
    result["summary"] = summary(result)
    return result


def _utf8_head(data: bytes, cut: bool) -> str | None:
    """``data`` as UTF-8 text, or None when it is not; a head cut inside a character loses
    that character's first bytes rather than counting as binary."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if not cut or error.start < len(data) - 3:
            return None
        try:
            return data[: error.start].decode("utf-8")
        except UnicodeDecodeError:
            return None


def _duration(ms: float) -> str:
    if ms < 10:
        return f"{ms:.1f} ms"
    if ms < 10_000:
        return f"{ms:.0f} ms"
    return f"{ms / 1000:.1f} s"


def _one_line(text: str, limit: int = MAX_SUMMARY_BODY) -> str:
    # The head first: a 50 MB body split into words would be copied twice for 160 characters.
    flat = " ".join(text[: limit * 8].split())
    if len(flat) <= limit and len(text) > limit * 8:
        flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def summary(result: dict[str, Any]) -> str:
    """One line that names the outcome: `get_product → 200 OK in 3 ms: {"id": 1, …}`."""
    name = result["function"]
    took = _duration(float(result.get("durationMs") or 0))
    error = result.get("error")
    if error:
        where = ""
        if error.get("file"):
            where = f" at {os.path.basename(error['file'])}:{error['line']}"
        text = f"{error['type']}: {error['message']}" if error.get("message") else error["type"]
        return f"{name} failed in {took}{where}: {_one_line(text)}"
    if result.get("status") is not None:
        head = f"{name} → {result['status']} {result.get('statusText') or ''}".rstrip()
        body = result.get("body")
        if body is None and result.get("bodyBase64"):
            body = f"<{body_size(result)} bytes of binary data>"
        return f"{head} in {took}" + (f": {_one_line(body)}" if body else "")
    parts: list[str] = []
    if result.get("returnValue") is not None:
        parts.append(f"returned {_one_line(_show(result['returnValue']))}")
    for output in result.get("outputs") or []:
        verb = "→" if output.get("sent") else "→ (not sent)"
        target = output.get("target") or output.get("type")
        parts.append(f"{output['name']} {verb} {target}")
    tail = "; ".join(parts)
    return f"{name} succeeded in {took}" + (f": {_one_line(tail)}" if tail else "")


def body_size(result: dict[str, Any]) -> int:
    """The size in bytes of the HTTP answer's whole body."""
    if result.get("bodySize") is not None:
        return int(result["bodySize"])
    if result.get("bodyBase64"):
        encoded = str(result["bodyBase64"])
        return len(encoded) * 3 // 4 - encoded[-2:].count("=")
    return len(str(result.get("body") or "").encode("utf-8"))


def _show(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _pretty(text: str, headers: list[list[str]] | None) -> str:
    """A JSON body indented; anything else as it is."""
    kind = next((v for k, v in headers or [] if k.lower() == "content-type"), "")
    looks_json = "json" in kind.lower() or text.lstrip()[:1] in ("{", "[")
    if looks_json:
        try:
            return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except ValueError:
            pass
    return text


def _shown_size(result: dict[str, Any]) -> str:
    shown = dict(result, bodySize=None)
    return f"{body_size(shown):,}"


def render_result(result: dict[str, Any]) -> str:
    """The whole result for people: status line, headers, body, outputs, logs, error."""
    lines: list[str] = [f"### {result['summary']}"]
    request = result.get("request") or {}
    if request.get("method"):
        lines.append(f"{request['method']} {request.get('url') or request.get('path', '')}")
    elif request.get("name"):
        lines.append(f"blob {request['name']}")
    if request.get("body") not in (None, ""):
        lines.append(_pretty(str(request["body"]), [["content-type", "json"]]))
    lines.append("")
    if result.get("status") is not None:
        lines.append(f"HTTP/1.1 {result['status']} {result.get('statusText') or ''}".rstrip())
        for name, value in result.get("headers") or []:
            lines.append(f"{name}: {value}")
        lines.append("")
        if result.get("body") is not None:
            lines.append(_pretty(result["body"], result.get("headers")))
        elif result.get("bodyBase64"):
            lines.append(f"<binary body, base64: {result['bodyBase64']}>")
        if result.get("bodyFile"):
            lines.append(f"<{result['bodySize']:,} bytes, saved to {result['bodyFile']}>")
        elif result.get("bodySize") is not None:
            lines.append(
                f"… (the first {_shown_size(result)} of {result['bodySize']:,} bytes; "
                "--output FILE saves the whole body)"
            )
        lines.append("")
    if result.get("returnValue") is not None:
        lines.append("return value: " + _show(result["returnValue"]))
    for output in result.get("outputs") or []:
        note = "sent" if output["sent"] else "NOT SENT (funcls does not connect to this service)"
        lines.append(
            f"output {output['name']} → {output['type']} {output['target']} [{note}]: "
            + _show(output["value"])
        )
    if result.get("logs"):
        lines.append("logs:")
        lines.extend(f"  {log['level']} {log['message']}" for log in result["logs"])
    error = result.get("error")
    if error:
        if error.get("file"):
            lines.append(f"error at {error['file']}:{error['line']}:")
        else:
            lines.append("error:")
        text = error.get("traceback") or f"{error.get('type')}: {error.get('message')}"
        lines.extend("  " + line for line in text.rstrip().split("\n"))
    for store in result.get("stores") or []:
        lines.append(f"store ({store['setting']}): {store['description']}")
    lines.append(f"(invocation {result.get('invocationId')}, on {result.get('ranOn')})")
    return "\n".join(lines).rstrip() + "\n"
