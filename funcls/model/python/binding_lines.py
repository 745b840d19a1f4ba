"""Where a module binds its top-level names, by line: what a circular import finds in a module
that is half run.

``from a import X`` while ``a`` is still running its own imports finds only what ``a`` has
bound so far (Python's ``_handle_fromlist``/``import_from``: "cannot import name 'X' from
partially initialized module 'a' (most likely due to a circular import)"). This module reads,
without running anything, whether a name may be bound above a line (a superset: any binding
form anywhere inside the top-level statements that start above it, ``global`` statements,
star imports and the ways of writing names funcls cannot see make the answer "maybe"), and
where a name is bound for certain further down, in statements of the module body itself
(not under ``if``, ``try``, loops or ``with``).
"""

from __future__ import annotations

import ast
import functools

from funcls.model.fastclass import dataclass
from funcls.model.locations import Range
from funcls.model.python.exprs import Columns
from funcls.model.python.limits import TooCostly, check_parse_cost

MAX_CHARS = 2 * 1024 * 1024

# Names whose use means the module's namespace may change in ways not written as bindings.
_DYNAMIC_CALLS = frozenset({"globals", "vars", "locals", "exec", "eval", "setattr", "__import__"})


@dataclass(frozen=True, slots=True)
class TopBindings:
    """The names each top-level statement may bind, by the statement's first line (1-based)."""

    statements: tuple[tuple[int, frozenset[str]], ...]
    # Names bound by a statement of the module body itself (def, class, plain assignment,
    # import), with the statement's line: bound for certain once that line has run.
    straight: dict[str, tuple[int, ...]]
    # Lines of the import statements of the module body itself (not under try, if, with…).
    body_imports: frozenset[int]
    # Attribute names the module sets on any object (`other.X = 1`, `setattr(o, "X", 1)`).
    stored_attributes: frozenset[str]
    dynamic: bool  # globals(), exec, sys.modules, __dict__, a module __getattr__, …
    text: str


def _may_bind(stmt: ast.stmt) -> set[str]:
    """Every name ``stmt`` may bind in the module (a superset: locals of functions too)."""
    out: set[str] = set()
    for node in ast.walk(stmt):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            out.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out.update(a.asname or a.name.split(".")[0] for a in node.names)  # '*' kept
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            out.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            out.add(node.rest)
        elif isinstance(node, ast.Global):
            out.update(node.names)
        elif type(node).__name__ == "TypeAlias":
            name = getattr(node, "name", None)
            if isinstance(name, ast.Name):
                out.add(name.id)
    return out


def _straight(stmt: ast.stmt) -> set[str]:
    """Names a statement of the module body binds for certain when it runs."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    if isinstance(stmt, ast.Assign):
        return {t.id for t in stmt.targets if isinstance(t, ast.Name)}
    if isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        return {stmt.target.id} if isinstance(stmt.target, ast.Name) else set()
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return {a.asname or a.name.split(".")[0] for a in stmt.names if a.name != "*"}
    return set()


def _dynamic(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in _DYNAMIC_CALLS:
            return True
        if isinstance(node, ast.Attribute) and (
            node.attr == "__dict__"
            or (
                node.attr == "modules"
                and isinstance(node.value, ast.Name)
                and node.value.id == "sys"
            )
        ):
            return True
    return any(
        isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "__getattr__"
        for s in tree.body
    )


def _stored(tree: ast.Module) -> frozenset[str]:
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            out.add(node.attr)
    return frozenset(out)


@functools.lru_cache(maxsize=256)
def top_bindings(text: str) -> TopBindings | None:
    """None when the module cannot be read (a syntax error, too large or costly to parse)."""
    if len(text) > MAX_CHARS:
        return None
    try:
        check_parse_cost(text)
        tree = ast.parse(text)
    except (SyntaxError, ValueError, TooCostly, RecursionError, MemoryError):
        return None
    try:
        statements = tuple((s.lineno, frozenset(_may_bind(s))) for s in tree.body)
        dynamic = _dynamic(tree)
        stored = _stored(tree)
    except RecursionError:
        return None
    straight: dict[str, list[int]] = {}
    for s in tree.body:
        for name in _straight(s):
            straight.setdefault(name, []).append(s.lineno)
    imports = frozenset(s.lineno for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom)))
    return TopBindings(
        statements,
        {k: tuple(v) for k, v in straight.items()},
        imports,
        stored,
        dynamic,
        text,
    )


def maybe_bound_before(tb: TopBindings | None, name: str, line: int) -> bool:
    """Whether ``name`` may be bound by the time the statement on ``line`` (1-based) runs:
    False only when certainly not (no statement starting above it may bind it, nor a star
    import, nor anything funcls cannot read)."""
    if tb is None or tb.dynamic:
        return True
    return any(start < line and (name in names or "*" in names) for start, names in tb.statements)


def bound_later(tb: TopBindings | None, name: str, line: int) -> int | None:
    """The first line (1-based) below ``line`` of a module-body statement that binds ``name``
    for certain, or None."""
    if tb is None:
        return None
    return next((n for n in tb.straight.get(name, ()) if n > line), None)


def imported_name_range(tb: TopBindings, line: int, name: str) -> Range | None:
    """The range of ``name`` in the ``from … import`` statement of the module body on
    ``line`` (1-based)."""
    try:
        tree = ast.parse(tb.text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    cols = Columns(tb.text)
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.lineno == line:
            for a in stmt.names:
                if a.name == name:
                    start = cols.range(a).start
                    return Range.of(start.line, start.column, start.line, start.column + len(name))
    return None


def imports_in_functions(text: str, stem: str) -> bool:
    """Whether an import inside a function of ``text`` may name module ``stem`` (True when
    the text cannot be read)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import) and any(
                stem in a.name.split(".") for a in inner.names
            ):
                return True
            if isinstance(inner, ast.ImportFrom) and (
                stem in (inner.module or "").split(".") or any(a.name == stem for a in inner.names)
            ):
                return True
    return False
