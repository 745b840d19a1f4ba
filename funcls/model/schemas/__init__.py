"""JSON schemas of the app's JSON files, for editors and for the checker.

* ``function.json`` — generated from the binding catalogue (``schemas.function``), so every
  binding type funcls knows is described exactly, and nothing is described twice;
* ``host.json`` (version 2.0) and ``local.settings.json`` — hand-written (``schemas.host``,
  ``schemas.host_extensions``, ``schemas.local``).

The design choices common to all three (draft-07, enums compared ignoring case, additional
properties allowed, descriptions everywhere) are explained in ``schemas.common``; those of the
function.json schema (``if``/``then`` per binding type) in ``schemas.function``.

The three are also committed as files under ``funcls/schemas/`` for clients that take a schema
file (the VS Code extension's ``jsonValidation``, any editor running vscode-json-language-server).
Regenerate them after changing the catalogue or this code::

    python -m funcls.model.schemas --write

and check that they are current (CI does, through the tests) with ``--check``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from funcls.model.schemas.common import Schema
from funcls.model.schemas.function import function_json_schema
from funcls.model.schemas.host import host_json_schema
from funcls.model.schemas.local import local_settings_schema

__all__ = [
    "SCHEMA_DIR",
    "SCHEMA_FILES",
    "function_json_schema",
    "host_json_schema",
    "local_settings_schema",
    "render_schema",
    "schema_for_file",
    "stale_schema_files",
    "write_schema_files",
]

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"

# App file name -> (committed schema file name, builder).
SCHEMA_FILES: dict[str, tuple[str, Callable[[], Schema]]] = {
    "function.json": ("function.schema.json", function_json_schema),
    "host.json": ("host.schema.json", host_json_schema),
    "local.settings.json": ("local.settings.schema.json", local_settings_schema),
}


def render_schema(schema: Schema) -> str:
    """The committed text of a schema: stable key order as built, two-space indent, newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


@cache
def _rendered(app_file: str) -> str:
    return render_schema(SCHEMA_FILES[app_file][1]())


def schema_for_file(filename: str) -> Schema | None:
    """The schema for an app file, by its name (``host.json``, ``local.settings.json``,
    ``function.json``; a path is fine, case is ignored); None for any other file.

    Each call returns a fresh copy the caller may change.
    """
    name = Path(filename.replace("\\", "/")).name.lower()
    if name not in SCHEMA_FILES:
        return None
    result: Schema = json.loads(_rendered(name))
    return result


def write_schema_files(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write the three schema files; return the paths whose content changed."""
    directory.mkdir(parents=True, exist_ok=True)
    changed: list[Path] = []
    for app_file, (schema_file, _) in SCHEMA_FILES.items():
        path = directory / schema_file
        text = _rendered(app_file)
        old = path.read_text(encoding="utf-8") if path.is_file() else None
        if old != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def stale_schema_files(directory: Path = SCHEMA_DIR) -> list[Path]:
    """The committed schema files that are missing or differ from what the code generates."""
    stale: list[Path] = []
    for app_file, (schema_file, _) in SCHEMA_FILES.items():
        path = directory / schema_file
        if not path.is_file() or path.read_text(encoding="utf-8") != _rendered(app_file):
            stale.append(path)
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m funcls.model.schemas",
        description="Write or check the JSON schemas under funcls/schemas/.",
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="regenerate the schema files")
    mode.add_argument("--check", action="store_true", help="fail when a schema file is stale")
    parser.add_argument("--dir", type=Path, default=SCHEMA_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.write:
        changed = write_schema_files(args.dir)
        for path in changed:
            print(f"wrote {path}")
        if not changed:
            print("schema files are up to date")
        return 0
    stale = stale_schema_files(args.dir)
    for path in stale:
        print(
            f"{path} is out of date; run: python -m funcls.model.schemas --write", file=sys.stderr
        )
    return 1 if stale else 0
