"""``funcls index PATH… [--format text|json]``: print the model funcls builds."""

from __future__ import annotations

import argparse
import sys
from json.encoder import encode_basestring_ascii
from typing import Any

from funcls.commands.common import load_apps
from funcls.model.appmodel import App
from funcls.model.render import render_index_text
from funcls.model.runnable import host_json_exclusion


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
    listed = app.host_functions_list()
    if listed is not None:
        # Functions host.json's "functions" list leaves out: the host does not load them.
        for entry in data["functions"]:
            why = host_json_exclusion(listed, entry["name"])
            if why is not None:
                entry["excluded"] = why
    return data


def dumps_indented(value: Any) -> str:
    """``json.dumps(value, indent=2)``, character for character, at a third of its cost: with
    an indent, ``json`` encodes in Python through a generator per container (17 ms of the
    1,000-function index's 18,000 lines; issue 16). Strings go through the same C escaper
    (ASCII only), numbers and constants are written as ``json`` writes them, keys converted as
    it converts them; anything else raises TypeError as ``json`` does."""
    out: list[str] = []
    write = out.append
    esc = encode_basestring_ascii

    def key(k: object) -> str:
        if isinstance(k, str):
            return esc(k)
        if isinstance(k, float):
            return '"' + _float(k) + '"'
        if k is True or k is False or k is None:
            return '"' + {True: "true", False: "false", None: "null"}[k] + '"'
        if isinstance(k, int):
            return '"' + int.__repr__(k) + '"'
        raise TypeError(f"keys must be str, int, float, bool or None, not {type(k).__name__}")

    def encode(o: Any, indent: str) -> None:
        kind = type(o)
        if kind is str:
            write(esc(o))
        elif kind is dict or (kind is not list and isinstance(o, dict)):
            if not o:
                write("{}")
                return
            inner = indent + "  "
            opening = "{" + inner
            between = "," + inner
            first = True
            for k, v in o.items():
                write((opening if first else between) + key(k) + ": ")
                first = False
                encode(v, inner)
            write(indent + "}")
        elif kind is list or isinstance(o, (list, tuple)):
            if not o:
                write("[]")
                return
            inner = indent + "  "
            write("[" + inner)
            first = True
            for v in o:
                if not first:
                    write("," + inner)
                first = False
                encode(v, inner)
            write(indent + "]")
        elif isinstance(o, str):
            write(esc(o))
        elif o is None:
            write("null")
        elif o is True:
            write("true")
        elif o is False:
            write("false")
        elif isinstance(o, int):
            write(int.__repr__(o))
        elif isinstance(o, float):
            write(_float(o))
        else:
            raise TypeError(f"Object of type {kind.__name__} is not JSON serializable")

    encode(value, "\n")
    return "".join(out)


def _float(f: float) -> str:
    if f != f:
        return "NaN"
    if f == float("inf"):
        return "Infinity"
    if f == float("-inf"):
        return "-Infinity"
    return float.__repr__(f)


def run(args: argparse.Namespace) -> int:
    apps = load_apps(args.paths)
    if args.format == "json":
        # One write of the whole text (json.dump wrote its 60,000 pieces one by one).
        sys.stdout.write(dumps_indented({"apps": [app_json(a) for a in apps]}) + "\n")
    else:
        sys.stdout.write(render_index_text(apps))
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("index", help="print the functions and bindings funcls finds")
    p.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=run, exit_at_once=True)  # cli._exit_at_once
