"""Guard rails that hold the architecture in code rather than in memory (DESIGN.md):

- imports go one way, model ← checks ← lsp / runner / commands: the model imports none of the
  others, the checks no face, the runner never the language server, and the language server
  only the runner's two modules that describe a run (its result, its state file);
- every module of ``funcls/checks`` that registers rules or checkers is loaded by the engine
  (forgetting it in ``_load_rule_modules`` would silently drop its rules).

Imports are read from the source (every ``import``, also those inside functions), never run.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "funcls"

# Which top-level parts of funcls each part may import.
ALLOWED: dict[str, set[str]] = {
    "model": {"model"},
    "checks": {"model", "checks"},
    "runner": {"model", "checks", "runner"},
    "lsp": {"model", "checks", "lsp", "runner"},
    "commands": {"model", "checks", "runner", "commands", "lsp"},
    "schemas": set(),
}
# The language server runs functions through a separate `funcls run` process; from the
# runner it reads only what describes a run.
LSP_MAY_IMPORT_FROM_RUNNER = {"funcls.runner.run_result", "funcls.runner.statefile"}


def imported_modules(path: Path, text: str | None = None) -> list[tuple[int, str]]:
    """The funcls modules ``path`` imports (absolute names), with their line."""
    tree = ast.parse(path.read_text(encoding="utf-8") if text is None else text)
    package = list(path.relative_to(PACKAGE.parent).parent.parts)  # the containing package
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, *([module] if module else [])])
            found.append((node.lineno, module))
    return [(line, m) for line, m in found if m == "funcls" or m.startswith("funcls.")]


def part_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if len(p.relative_to(PACKAGE).parts) > 1)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_imports_go_one_way(path: Path) -> None:
    part = path.relative_to(PACKAGE).parts[0]
    allowed = ALLOWED.get(part)
    assert allowed is not None, f"funcls/{part} is a new part: say what it may import in ALLOWED"
    wrong = []
    for line, module in imported_modules(path):
        target = part_of(module)
        if target == "":
            continue  # the package itself: funcls.__version__
        if target not in allowed:
            wrong.append(f"{path.name}:{line} imports {module} ({part} must not use {target})")
        elif part == "lsp" and target == "runner" and module not in LSP_MAY_IMPORT_FROM_RUNNER:
            allowed_runner = ", ".join(sorted(LSP_MAY_IMPORT_FROM_RUNNER))
            wrong.append(
                f"{path.name}:{line} imports {module} (the server runs apps through a process; "
                f"from the runner it may read only {allowed_runner})"
            )
    assert wrong == []


def test_the_guard_sees_every_kind_of_import() -> None:
    # Absolute, relative and lazy imports are all found (a guard that cannot fail guards
    # nothing).
    probe = PACKAGE / "model" / "probe.py"
    text = "from ..lsp import server\nfrom . import v2\n\ndef f():\n    import funcls.runner.pool\n"
    assert imported_modules(probe, text) == [
        (1, "funcls.lsp"),
        (2, "funcls.model"),
        (5, "funcls.runner.pool"),
    ]


def _registers_rules(path: Path) -> bool:
    """Module-level use of the registry: ``@checker(...)`` or ``REGISTRY.add_rules(...)``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("checker", "add_rules") and path.name != "registry.py":
                return True
    return False


def _loaded_by_engine() -> set[str]:
    engine = PACKAGE / "checks" / "engine.py"
    tree = ast.parse(engine.read_text(encoding="utf-8"))
    loader = next(
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef) and n.name == "_load_rule_modules"
    )
    return {
        alias.name for n in ast.walk(loader) if isinstance(n, ast.ImportFrom) for alias in n.names
    }


def test_every_rule_module_is_loaded_by_the_engine() -> None:
    registering = {p.stem for p in (PACKAGE / "checks").glob("*.py") if _registers_rules(p)}
    assert registering, "no rule module found: the scan is broken"
    assert sorted(registering - _loaded_by_engine()) == []


def test_every_registered_rule_has_a_checker() -> None:
    from funcls.checks.engine import rules
    from funcls.checks.registry import REGISTRY

    codes = {r.code for r in rules()}
    checked = set().union(*(c.codes for c in REGISTRY.checkers))
    assert sorted(codes - checked) == []


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports_with_submodules(path: Path, names: dict[str, Path]) -> set[str]:
    """What ``imported_modules`` finds, plus the modules ``from package import module``
    names."""
    found = {module for _, module in imported_modules(path)}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = list(path.relative_to(PACKAGE.parent).parent.parts)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, *([module] if module else [])])
            found.update(f"{module}.{a.name}" for a in node.names if f"{module}.{a.name}" in names)
    return found


def import_cycles() -> list[list[str]]:
    """Groups of funcls modules that import each other, directly or round a circle, counting
    every import (lazy ones and those only for type checking too): a circle means two modules
    that cannot be understood, tested or moved apart. A module importing its own package
    (``__init__``) does not count."""
    names = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        targets = set()
        for module in _imports_with_submodules(path, names):
            if module in names and module != name and not name.startswith(module + "."):
                targets.add(module)
        graph[name] = targets
    # Tarjan's strongly connected components, iteratively.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    cycles.append(sorted(group))
    return sorted(cycles)


# Circles still to break. None is left (issue 15 broke the last ones: checks.context <->
# registry, model.appmodel <-> python.* <-> source, runner.worker.convert <-> loader); a new
# circle fails, and so does one listed here that is gone.
KNOWN_CYCLES: list[list[str]] = []


def test_no_new_import_cycles() -> None:
    assert import_cycles() == KNOWN_CYCLES


def test_the_cycle_finder_finds_a_circle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "funcls"
    (package / "room").mkdir(parents=True)
    (package / "room" / "a.py").write_text("from funcls.room import b\n")
    (package / "room" / "b.py").write_text("def f():\n    from funcls.room.c import x\n")
    (package / "room" / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from funcls.room.a import y\n"
    )
    (package / "room" / "d.py").write_text("from funcls.room import a\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", package)
    assert import_cycles() == [["funcls.room.a", "funcls.room.b", "funcls.room.c"]]
