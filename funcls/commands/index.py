"""``funcls index PATH… [--format text|json]``: print the model funcls builds."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from funcls.commands.common import load_apps
from funcls.model.appmodel import App
from funcls.model.render import render_index_text


def app_json(app: App) -> dict[str, Any]:
    data: dict[str, Any] = dict(app.to_json())
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


def run(args: argparse.Namespace) -> int:
    apps = load_apps(args.paths)
    if args.format == "json":
        # One write of the whole text (json.dump wrote its 60,000 pieces one by one).
        sys.stdout.write(json.dumps({"apps": [app_json(a) for a in apps]}, indent=2) + "\n")
    else:
        sys.stdout.write(render_index_text(apps))
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("index", help="print the functions and bindings funcls finds")
    p.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=run, exit_at_once=True)  # cli._exit_at_once
