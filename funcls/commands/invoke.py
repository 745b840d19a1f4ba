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


def given_input(args: argparse.Namespace) -> dict[str, Any]:
    """The parts of the request the options spell out (the rest comes from the saved input,
    else a sample: `funcls.model.run_inputs`)."""
    given: dict[str, Any] = {}
    if args.method:
        given["method"] = args.method
    if args.path:
        given["path"] = args.path
    if args.header:
        given["headers"] = _pairs(args.header, ":", "header")
    if args.query:
        given["query"] = _pairs(args.query, "=", "query parameter")
    if args.blob_name is not None:
        given["name"] = args.blob_name
    if args.input is not None:
        given["input"] = _text(args.input, "--input")
    if args.body is not None:
        given.update(_body(args.body))
    return given


def build_request(root: str, name: str, given: dict[str, Any], saved: bool) -> dict[str, Any]:
    """The request to send: what was given, completed from the saved input and the sample
    (when the static index knows the function), in the admin API's form."""
    from funcls.model.loader import load_app_or_settings
    from funcls.model.run_inputs import InputError, body_text, is_blob, read_saved, resolve_input
    from funcls.model.source import Source

    binary = given.pop("body_base64", None)
    legacy = given.pop("input", None)
    app, failure = load_app_or_settings(root, Source())
    if failure:  # sent as given; the running app knows its functions (issue 17)
        print(f"funcls: {failure}", file=sys.stderr)
    fn = app.function(name)
    if fn is None:
        request = dict(given)  # the runner says what it knows of the name
        if legacy is not None:
            request["input"] = legacy
    else:
        if legacy is not None:
            given.setdefault("name" if is_blob(fn) else "body", legacy)
        if binary is not None:
            given.setdefault("body", "")
        inputs = read_saved(root) if saved else None
        if inputs is not None and inputs.error:
            # A typo in the saved inputs would otherwise send the sample without a word.
            print(
                f"funcls: warning: {inputs.error}; what could not be read there is not used "
                "(fix the file, or pass --no-saved)",
                file=sys.stderr,
            )
        try:
            request, _ = resolve_input(app, fn, given, inputs)
        except InputError as error:
            raise UsageError(str(error)) from None
        request["body"] = body_text(request.get("body"))
        _check_event_json(fn, request["body"])
    if binary is not None:
        request.pop("body", None)
        request["body_base64"] = binary
    return request


def _check_event_json(fn: Any, body: str) -> None:
    """An Event Grid event is JSON: the host's conversion fails on anything else, where the
    runner would hand the function the text as the event's data (QA: a typo in --body ran
    without a word)."""
    trigger = fn.trigger
    if trigger is None or trigger.type.lower() != "eventgridtrigger" or not body.strip():
        return
    try:
        event = json.loads(body)
        problem = None if isinstance(event, dict) else f"JSON {type(event).__name__}, not an object"
    except ValueError as error:
        problem = f"not JSON: {error}"
    if problem is not None:
        raise UsageError(
            f"the event for Event Grid function '{fn.name}' is {problem}; give the event, or "
            'its data, as a JSON object: --body \'{"data": {"id": 1}}\''
        )


# The most of an HTTP answer's body `funcls invoke` prints (text format, no --output).
SHOWN_BODY = 64 * 1024


def _save_body(result: dict[str, Any], path: str) -> bool:
    """Write the answer's whole body to ``path``; the result then names the file instead
    of carrying the body."""
    if result.get("bodyBase64") is not None:
        data = base64.b64decode(result.pop("bodyBase64"))
    else:
        data = str(result.get("body") or "").encode("utf-8")
    result["body"] = None
    try:
        with open(path, "wb") as f:
            f.write(data)
    except OSError as error:
        print(f"funcls invoke: cannot write {path}: {error.strerror}", file=sys.stderr)
        return False
    result["bodySize"], result["bodyFile"] = len(data), path
    return True


def run(args: argparse.Namespace) -> int:
    from funcls.commands.run import app_root
    from funcls.runner.client import InvokeError, invoke
    from funcls.runner.run_result import render_result

    root = app_root(args.app_dir)
    request = build_request(root, args.name, given_input(args), not args.no_saved)
    if args.output is None and args.format == "text":
        # Printed, a 50 MB answer is of no use and cost six times its size (QA, runner16);
        # its head, its size and --output FILE are.
        request["bodyLimit"] = SHOWN_BODY
    try:
        result, _ = invoke(root, args.name, request)
    except InvokeError as error:
        print(f"funcls invoke: {error}", file=sys.stderr)
        return 2
    if args.output is not None and result.get("status") is None:
        print(
            f"funcls invoke: no HTTP answer, so nothing written to {args.output}", file=sys.stderr
        )
    elif args.output is not None and not _save_body(result, args.output):
        return 2
    if args.format == "json":
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_result(result))
    return 0 if result["ok"] else 1


def register(sub: Any) -> None:
    p = sub.add_parser(
        "invoke",
        help="run one function once and print its result",
        description="Run one function once: through a running `funcls run` of the app if "
        "there is one, else in a fresh app process. What the options leave out comes from the "
        "app's funcls.inputs.json (the inputs the editor's Run lens saves), else from a sample "
        "built from the function's bindings. Exit code 1 when the function failed or an HTTP "
        "function answered with a status of 400 or more.",
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument("app_dir", nargs="?", default=".", metavar="APP_DIR")
    p.add_argument(
        "--input",
        default=None,
        metavar="TEXT|@FILE",
        help="the trigger's input: queue message, event JSON, request body… (for a blob "
        "trigger, the blob's path)",
    )
    p.add_argument(
        "--name",
        dest="blob_name",
        default=None,
        metavar="BLOB_PATH",
        help="blob triggers: the blob's path, e.g. uploads/a.csv; with --body, that blob is "
        "written with the body first",
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
    p.add_argument(
        "--body",
        default=None,
        metavar="TEXT|@FILE",
        help="the HTTP request body, the message or event, or the content of the blob",
    )
    p.add_argument(
        "--no-saved",
        action="store_true",
        help="ignore funcls.inputs.json: send only the options and the sample",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--output",
        default=None,
        metavar="FILE",
        help="HTTP functions: write the answer's whole body to FILE (and print its size "
        "instead); without it the text format prints the body's first 64 KiB",
    )
    p.set_defaults(handler=run)
