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
from collections.abc import Sequence

from funcls.model.fastclass import dataclass
from funcls.model.locations import Range
from funcls.model.python.exprs import Columns
from funcls.model.python.limits import TooCostly, check_parse_cost
from funcls.model.python.walk import push_children

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


class _Scan:
    """One walk over a top-level statement: the names it may bind (a superset: locals of
    functions too), whether it makes the namespace dynamic, the attribute names it stores.
    Every node is visited once, as ``ast.walk`` would, but without its two generators per
    node; three such walks were most of AZF305's and AZF608's time (issue 16). Nodes without
    fields (``Load``, operators) and anything below a name or a constant hold nothing asked
    for here, and are not visited."""

    __slots__ = ("dynamic", "stored")

    def __init__(self) -> None:
        self.dynamic = False
        self.stored: set[str] = set()

    def names(self, stmt: ast.stmt) -> set[str]:
        out: set[str] = set()
        add = out.add
        todo: list[ast.AST] = [stmt]
        pop = todo.pop
        push = todo.append
        name_type, constant_type, attribute_type = ast.Name, ast.Constant, ast.Attribute
        defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        imports = (ast.Import, ast.ImportFrom)
        bound_by_name = (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)
        store_del = (ast.Store, ast.Del)
        store = ast.Store
        while todo:
            node = pop()
            cls = type(node)
            if cls is constant_type:
                continue
            if cls is name_type:
                name = node.id  # type: ignore[attr-defined]
                if isinstance(node.ctx, store_del):  # type: ignore[attr-defined]
                    add(name)
                if name in _DYNAMIC_CALLS:
                    self.dynamic = True
                continue
            push_children(node, push)
            if cls is attribute_type:
                attr = node.attr  # type: ignore[attr-defined]
                if attr == "__dict__" or (
                    attr == "modules"
                    and isinstance(node.value, name_type)  # type: ignore[attr-defined]
                    and node.value.id == "sys"  # type: ignore[attr-defined]
                ):
                    self.dynamic = True
                if isinstance(node.ctx, store):  # type: ignore[attr-defined]
                    self.stored.add(attr)
            elif isinstance(node, defs):
                add(node.name)
            elif isinstance(node, imports):
                out.update(a.asname or a.name.split(".")[0] for a in node.names)  # '*' kept
            elif isinstance(node, bound_by_name):
                if node.name:
                    add(node.name)
            elif isinstance(node, ast.MatchMapping):
                if node.rest:
                    add(node.rest)
            elif isinstance(node, ast.Global):
                out.update(node.names)
            elif cls.__name__ == "TypeAlias":
                alias = getattr(node, "name", None)
                if isinstance(alias, name_type):
                    add(alias.id)
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


# The last texts' answers (was functools.lru_cache(256) on the text alone).
_MEMO_SIZE = 256
_memo: dict[str, TopBindings | None] = {}


def top_bindings(text: str, body: Sequence[ast.stmt] | None = None) -> TopBindings | None:
    """None when the module cannot be read (a syntax error, too large or costly to parse).

    ``body``: the statements ``ast.parse(text)`` gives, when the caller has them (the model's
    parse, ``Source.module_body``): the text is not parsed again (issue 16)."""
    if text in _memo:
        return _memo[text]
    found = _top_bindings(text, body)
    if len(_memo) >= _MEMO_SIZE:
        _memo.clear()
    _memo[text] = found
    return found


def _top_bindings(text: str, body: Sequence[ast.stmt] | None) -> TopBindings | None:
    if len(text) > MAX_CHARS:
        return None
    try:
        check_parse_cost(text)
        statements_of = body if body is not None else ast.parse(text).body
    except (SyntaxError, ValueError, TooCostly, RecursionError, MemoryError):
        return None
    scan = _Scan()
    statements = tuple((s.lineno, frozenset(scan.names(s))) for s in statements_of)
    dynamic = scan.dynamic or any(
        isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "__getattr__"
        for s in statements_of
    )
    straight: dict[str, list[int]] = {}
    for s in statements_of:
        for name in _straight(s):
            straight.setdefault(name, []).append(s.lineno)
    imports = frozenset(
        s.lineno for s in statements_of if isinstance(s, (ast.Import, ast.ImportFrom))
    )
    return TopBindings(
        statements,
        {k: tuple(v) for k, v in straight.items()},
        imports,
        frozenset(scan.stored),
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
