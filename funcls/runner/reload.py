"""Reload on save: watch the app folder and start a fresh set of app processes."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable

import watchfiles

from funcls.model.run_inputs import INPUTS_FILE

IGNORED_DIRS = {
    ".funcls",
    "__pycache__",
    ".git",
    ".venv",
    "venv",
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
