"""``funcls new app [DIR]`` and ``funcls new function --trigger T --name N …``: create an app or
add a function, as ``func init`` / ``func new`` do, from the catalogue's templates."""

from __future__ import annotations

import argparse
import codecs
import json
import os
import sys
from typing import Any

from funcls.commands.common import UsageError
from funcls.model.scaffold.functions import ScaffoldError, template_list
from funcls.model.scaffold.module import apply_inserts
from funcls.model.scaffold.plan import Changes, FileChange, plan_new_app, plan_new_function
from funcls.model.source import Source


def write_changes(changes: Changes) -> list[str]:
    """Write every change; returns the paths written. New files are created exclusively, and
    inserts keep the file's byte-order mark and line endings."""
    written: list[str] = []
    for change in changes.files:
        _write(change)
        written.append(change.path)
    return written


def _write(change: FileChange) -> None:
    if change.text is not None:
        os.makedirs(os.path.dirname(change.path), exist_ok=True)
        with open(change.path, "x", encoding="utf-8", newline="\n") as f:
            f.write(change.text)
        return
    with open(change.path, "rb") as f:
        raw = f.read()
    bom = raw.startswith(codecs.BOM_UTF8)
    text = raw.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    out = apply_inserts(text, change.inserts, newline)
    with open(change.path, "wb") as f:
        f.write((codecs.BOM_UTF8 if bom else b"") + out.encode("utf-8"))


def _settings(pairs: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--setting '{pair}' is not KEY=VALUE, e.g. --setting route=orders")
        out[key.strip()] = value
    return out


def _report(changes: Changes, written: list[str], base: str) -> None:
    for path in written:
        verb = "created" if any(c.path == path and c.creates for c in changes.files) else "updated"
        print(f"{verb} {os.path.relpath(path, base)}")
    for note in changes.notes:
        print(f"note: {note}")


def run_app(args: argparse.Namespace) -> int:
    try:
        changes = plan_new_app(args.dir, Source(), v1=args.v1)
    except ScaffoldError as e:
        raise UsageError(str(e)) from None
    written = write_changes(changes)
    _report(changes, written, os.getcwd())
    print(f"next: add a function with 'funcls new function --trigger http --name hello {args.dir}'")
    return 0


def _print_templates(fmt: str) -> None:
    templates = template_list()
    if fmt == "json":
        json.dump(templates, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    print("Triggers for --trigger, with their settings (--setting KEY=VALUE) and defaults;")
    print("<name> stands for the function's name.")
    for t in templates:
        only = "" if t.get("v1", True) else "  (v2 apps only)"
        print(f"{t['trigger']:<18} {t['title']}{only}")
        for s in t["settings"]:
            need = " (required)" if s["required"] else ""
            print(f"    {s['name']}={s['default']}{need}  {s['description']}")


def run_function(args: argparse.Namespace) -> int:
    if args.list:
        _print_templates(args.format)
        return 0
    if not args.trigger or not args.name:
        raise UsageError(
            "funcls new function needs --trigger and --name (see the triggers with --list)"
        )
    try:
        changes = plan_new_function(
            args.app_dir,
            Source(),
            args.trigger,
            args.name,
            _settings(args.setting),
            file=args.file,
            v1=args.v1,
        )
    except ScaffoldError as e:
        raise UsageError(str(e)) from None
    written = write_changes(changes)
    _report(changes, written, os.getcwd())
    if changes.show_path:
        where = os.path.relpath(changes.show_path, os.getcwd())
        print(f"function '{args.name}' is at {where}:{changes.show_line + 1}")
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("new", help="create an app or add a function from a template")
    kinds = p.add_subparsers(dest="new_kind", metavar="KIND", required=True)
    a = kinds.add_parser("app", help="create a v2 app: host.json, local.settings.json, …")
    a.add_argument("dir", nargs="?", default=".", metavar="DIR")
    a.add_argument("--v1", action="store_true", help="a v1 app (no function_app.py)")
    a.set_defaults(handler=run_app)
    f = kinds.add_parser("function", help="add a function for a trigger")
    f.add_argument("app_dir", nargs="?", default=".", metavar="APP_DIR")
    f.add_argument("--trigger", "-t", help="the template: http, timer, queue, … (see --list)")
    f.add_argument("--name", "-n", help="the function's name (also its Python def name)")
    f.add_argument(
        "--setting",
        "-s",
        action="append",
        metavar="KEY=VALUE",
        help="a setting of the trigger, e.g. route=orders or schedule='0 0 * * * *'",
    )
    f.add_argument(
        "--file",
        help="the v2 module to add it to (default function_app.py); a missing one is created "
        "as a blueprint and registered in function_app.py",
    )
    f.add_argument("--v1", action="store_true", help="a function.json folder (v1 model)")
    f.add_argument("--list", action="store_true", help="print the templates and their settings")
    f.add_argument("--format", choices=("text", "json"), default="text", help="for --list")
    f.set_defaults(handler=run_function)
