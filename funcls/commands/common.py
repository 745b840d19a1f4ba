"""Helpers shared by the subcommands."""

from __future__ import annotations

import os
from collections.abc import Sequence

from funcls.commands.errors import UsageError
from funcls.model.appmodel import App
from funcls.model.source import Source
from funcls.model.workspace import Workspace, find_app_roots, not_an_app_message

__all__ = ["UsageError", "app_roots", "load_apps"]


def app_roots(paths: Sequence[str], source: Source | None = None) -> list[str]:
    """The app roots under ``paths``; ``source``: the one the apps will be read with, so that
    the search and the indexing ask the system about each path once (issue 16)."""
    roots: list[str] = []
    for p in paths:
        if not os.path.exists(p):
            raise UsageError(f"path '{p}' does not exist")
        if not os.path.isdir(p):
            raise UsageError(_not_a_folder(p))
        found = find_app_roots(p, source)
        if not found:
            raise UsageError(not_an_app_message(p))
        roots.extend(found)
    return sorted(set(roots))


def _not_a_folder(path: str) -> str:
    """A file given where an app's folder goes (QA: `funcls check function_app.py`, as one
    runs ruff or mypy on a file): name the folder of the app that holds it."""
    message = f"'{path}' is a file; funcls reads whole apps"
    here = os.path.dirname(os.path.abspath(path))
    while True:
        if any(os.path.isfile(os.path.join(here, f)) for f in ("host.json", "function_app.py")):
            shown = os.path.relpath(here) if here != os.getcwd() else "."
            return f"{message}: give its app's folder, '{shown}'"
        parent = os.path.dirname(here)
        if parent == here:
            return f"{message}: give the folder of an app (or one above it)"
        here = parent


def load_apps(paths: Sequence[str], keep_trees: bool = False) -> list[App]:
    # Read once: nothing edits the files while a command reads them (Source.snapshot).
    # keep_trees: the modules' statements stay for the rules (Source.module_body).
    source = Source(snapshot=True, keep_trees=keep_trees)
    ws = Workspace([], extra_roots=app_roots(paths, source), source=source)
    return list(ws.index_all().values())
