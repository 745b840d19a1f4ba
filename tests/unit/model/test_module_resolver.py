"""ModuleResolver(remember=True) (issue 16: one resolver for the import traces of a whole check)
gives what a fresh resolver gives, whatever was asked before: relative names from different
packages, absolute names with and without the script's sys.path additions."""

from __future__ import annotations

import itertools
from pathlib import Path

from funcls.model.source import Source
from funcls.model.v2.values import ModuleResolver

FILES = [
    "function_app.py",
    "helpers.py",
    "pkg/__init__.py",
    "pkg/helpers.py",
    "pkg/sub/__init__.py",
    "pkg/sub/mod.py",
    "other/__init__.py",
    "other/mod.py",
    "src/lib/__init__.py",
    "src/lib/helpers.py",
    "src/helpers_only_in_src.py",
]
NAMES = [
    "helpers",
    "pkg",
    "pkg.helpers",
    "pkg.sub.mod",
    "lib.helpers",
    "helpers_only_in_src",
    ".helpers",
    ".mod",
    "..helpers",
    ".sub.mod",
    "...helpers",
    "missing",
    ".missing",
]
FROM = ["function_app.py", "pkg/helpers.py", "pkg/sub/mod.py", "other/mod.py", None]


def test_remembered_answers_equal_fresh_ones(tmp_path: Path) -> None:
    for name in FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n")
    root = str(tmp_path)
    source = Source(snapshot=True)
    shared = ModuleResolver(root, source, remember=True)
    extra_choices: list[list[str]] = [[], [str(tmp_path / "src")]]
    asked = 0
    for extra, name, where in itertools.product(extra_choices, NAMES, FROM):
        from_path = str(tmp_path / where) if where is not None else None
        fresh = ModuleResolver(root, source)
        fresh.extra_roots = list(extra)
        shared.extra_roots = list(extra)
        expected = fresh.module_path(name, from_path)
        assert shared.module_path(name, from_path) == expected, (extra, name, where)
        assert shared.module_path(name, from_path) == expected  # asked again: remembered
        asked += 1
    assert asked == len(extra_choices) * len(NAMES) * len(FROM)
    # The answers depend on where from and on the script's additions to sys.path.
    shared.extra_roots = []
    assert shared.module_path("lib.helpers", None) is None
    shared.extra_roots = [str(tmp_path / "src")]
    assert shared.module_path("lib.helpers", None) == str(tmp_path / "src/lib/helpers.py")
    assert shared.module_path(".mod", str(tmp_path / "pkg/sub/x.py")) == str(
        tmp_path / "pkg/sub/mod.py"
    )
    assert shared.module_path(".mod", str(tmp_path / "other/x.py")) == str(
        tmp_path / "other/mod.py"
    )


def test_without_remember_nothing_is_kept(tmp_path: Path) -> None:
    """The indexer's resolver lives across edits in the language server: a file created later
    is found."""
    (tmp_path / "function_app.py").write_text("")
    resolver = ModuleResolver(str(tmp_path), Source())
    assert resolver.module_path("late", None) is None
    (tmp_path / "late.py").write_text("")
    assert resolver.module_path("late", None) == str(tmp_path / "late.py")
