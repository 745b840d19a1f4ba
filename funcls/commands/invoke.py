"""``funcls invoke NAME [APP_DIR]``: run one function once and print its result."""

from __future__ import annotations

import argparse
import base64
import json
import sys
from typing import Any

from funcls.commands.common import UsageError


def _file(value: str) -> bytes:
    try:
        with open(value, "rb") as f:
            return f.read()
    except OSError as error:
        raise UsageError(f"cannot read {value}: {error.strerror}") from None


def _text(value: str | None, option: str) -> str | None:
    """The option's text, or the UTF-8 text of the file after @."""
    if value is None or not value.startswith("@"):
        return value
    data = _file(value[1:])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(
            f"{option} {value}: the file is not UTF-8 text; "
            "send a binary HTTP body with --body @FILE"
        ) from None


def _body(value: str) -> dict[str, str]:
    """--body as the request wants it: text, or base64 for a file that is not UTF-8."""
    if not value.startswith("@"):
        return {"body": value}
    data = _file(value[1:])
    try:
        return {"body": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(data).decode("ascii")}


def _pairs(items: list[str] | None, sep: str, what: str) -> dict[str, str]:
    """NAME<sep>VALUE options; a repeated name gets its values joined as the host joins a
    repeated query parameter (`a=1&a=2` -> "1,2") or header ("1, 2")."""
    out: dict[str, str] = {}
    for item in items or []:
        key, found, value = item.partition(sep)
        if not found or not key.strip():
            raise UsageError(f"{what} '{item}' must look like NAME{sep}VALUE")
        if sep == ":":
            key, value, joiner = key.strip().lower(), value.strip(), ", "
        else:
            joiner = ","
        out[key] = f"{out[key]}{joiner}{value}" if key in out else value
    return out


def render_text(result: dict[str, Any], where: str) -> str:
    lines: list[str] = []
    status = result["status"]
    lines.append(
        f"{result['function']}: {status} in {result['duration_ms']:.1f} ms "
        f"(invocation {result['invocation_id']}, on {where})"
    )
    http = result.get("http")
    if http is not None:
        lines.append(f"HTTP {http['status']}")
        for name, value in http.get("headers") or []:
            lines.append(f"{name}: {value}")
        lines.append("")
        lines.append(
            http.get("body")
            if "body" in http
            else f"<binary body, base64: {http.get('body_base64')}>"
        )
    if result.get("return_value") is not None:
        lines.append(f"return value: {json.dumps(result['return_value'])}")
    for output in result.get("outputs") or []:
        note = "sent" if output["sent"] else "NOT SENT (funcls does not connect to this service)"
        lines.append(
            f"output {output['name']} → {output['type']} {output['target']} [{note}]: "
            + json.dumps(output["value"])
        )
    if result.get("logs"):
        lines.append("logs:")
        for log in result["logs"]:
            lines.append(f"  {log['level']} {log['message']}")
    error = result.get("error")
    if error:
        lines.append("error:")
        text = error.get("traceback") or f"{error.get('type')}: {error.get('message')}"
        lines.extend("  " + line for line in text.rstrip().split("\n"))
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    from funcls.commands.run import app_root
    from funcls.runner.client import InvokeError, invoke

    root = app_root(args.app_dir)
    request: dict[str, Any] = {"input": _text(args.input, "--input")}
    if args.method:
        request["method"] = args.method
    if args.path:
        request["path"] = args.path
    if args.header:
        request["headers"] = _pairs(args.header, ":", "header")
    if args.query:
        request["query"] = _pairs(args.query, "=", "query parameter")
    if args.body is not None:
        request.update(_body(args.body))
    try:
        result, where = invoke(root, args.name, request)
    except InvokeError as error:
        print(f"funcls invoke: {error}", file=sys.stderr)
        return 2
    if args.format == "json":
        json.dump({**result, "ran_on": where}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(result, where))
    return 0 if result["status"] == "succeeded" else 1


def register(sub: Any) -> None:
    p = sub.add_parser(
        "invoke",
        help="run one function once and print its result",
        description="Run one function once: through a running `funcls run` of the app if "
        "there is one, else in a fresh app process. Exit code 1 when the function failed.",
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument("app_dir", nargs="?", default=".", metavar="APP_DIR")
    p.add_argument(
        "--input",
        default=None,
        metavar="TEXT|@FILE",
        help="the trigger's input: queue message, blob path, event JSON, request body…",
    )
    p.add_argument(
        "--method",
        default=None,
        help="HTTP method (HTTP functions; default GET, or the function's method if not GET)",
    )
    p.add_argument(
        "--path", default=None, help="request path, e.g. /api/products/2 or /api/search?q=tea"
    )
    p.add_argument("--header", action="append", metavar="NAME:VALUE", help="repeatable")
    p.add_argument("--query", action="append", metavar="NAME=VALUE", help="repeatable")
    p.add_argument("--body", default=None, metavar="TEXT|@FILE", help="HTTP request body")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=run)
