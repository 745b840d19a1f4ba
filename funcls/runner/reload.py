"""Reload on save: watch the app folder and start a fresh set of app processes."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable

import watchfiles

# funcls.model.run_inputs.INPUTS_FILE, written here: importing that module imports the
# model's app, source and parsers (40 ms from source), on the way to the runner's first answer
# (issue 16). tests/unit/test_run_start_imports.py keeps the two equal.
INPUTS_FILE = "funcls.inputs.json"

IGNORED_DIRS = {
    ".funcls",
    "__pycache__",
    ".git",
    # The app's own environment (funcls/model/appvenv.py VENV_NAMES; tests/unit/test_appvenv.py):
    # pip installing into it is no change of the app's.
    ".venv",
    "venv",
    "env",
    "node_modules",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".python_packages",
    "__blobstorage__",
    "__queuestorage__",
    "__azurite_db_blob__",
}
# Files the app never reads: the inputs the editor's Run lens saves.
IGNORED_FILES = {INPUTS_FILE}
WATCHED_SUFFIXES = (".py", ".json", ".txt", ".cfg", ".ini", ".toml", ".yaml", ".yml", ".env")


def interesting(change: watchfiles.Change, path: str) -> bool:
    parts = set(path.split(os.sep))
    if parts & IGNORED_DIRS:
        return False
    name = os.path.basename(path)
    if name in IGNORED_FILES or name.startswith(".#") or name.endswith(("~", ".swp", ".tmp")):
        return False
    return name.endswith(WATCHED_SUFFIXES)


async def watch(root: str, on_change: Callable[[list[str]], Awaitable[None]]) -> None:
    async for changes in watchfiles.awatch(
        root, watch_filter=interesting, debounce=50, step=20, recursive=True
    ):
        paths = sorted({os.path.relpath(path, root) for _, path in changes})
        await on_change(paths)
