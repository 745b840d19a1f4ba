"""The ``funcls`` command."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from funcls import __version__


class UsageError(Exception):
    """A mistake in how funcls was called: printed as one line, exit code 2."""


def _apps_for(paths: Sequence[str]) -> list[object]:
    from funcls.model.workspace import Workspace, find_app_roots

    roots: list[str] = []
    for p in paths:
        if not os.path.exists(p):
            raise UsageError(f"path '{p}' does not exist")
        if not os.path.isdir(p):
            raise UsageError(f"'{p}' is not a folder; give the folder of an app (or above it)")
        found = find_app_roots(p)
        if not found:
            raise UsageError(
                f"no Azure Functions app under '{p}' (looked for host.json or function_app.py)"
            )
        roots.extend(found)
    ws = Workspace([], extra_roots=sorted(set(roots)))
    return list(ws.index_all().values())


def cmd_index(args: argparse.Namespace) -> int:
    from funcls.model.appmodel import App
    from funcls.model.render import render_index_text

    apps = [a for a in _apps_for(args.paths) if isinstance(a, App)]
    if args.format == "json":
        out = {"apps": [_app_json(a) for a in apps]}
        json.dump(out, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_index_text(apps))
    return 0


def _app_json(app: object) -> dict[str, object]:
    from funcls.model.appmodel import App

    assert isinstance(app, App)
    data: dict[str, object] = dict(app.to_json())
    data["problems"] = [
        {
            "kind": p.kind,
            "message": p.message,
            "path": p.path,
            "line": p.range.start.line + 1,
            "column": p.range.start.column + 1,
        }
        for p in app.problems
    ]
    return data


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="funcls",
        description="Language server, checker and local runner for Azure Functions Python apps.",
    )
    parser.add_argument("--version", action="version", version=f"funcls {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p_index = sub.add_parser("index", help="print the functions and bindings funcls finds")
    p_index.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    p_index.add_argument("--format", choices=("text", "json"), default="text")
    p_index.set_defaults(handler=cmd_index)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(handler(args))
    except UsageError as e:
        print(f"funcls: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
