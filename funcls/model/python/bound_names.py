"""What names a module binds when it is imported, and which from-imports it runs for certain.

``from m import X`` succeeds when, after ``m`` has run, ``X`` is an attribute of ``m``, or a
submodule ``m.X`` can be imported (Python's ``_handle_fromlist`` and ``import_from``); else it
raises ImportError ("cannot import name"). This module reads, without running anything:

- the names a module binds at its top level, as a superset: anything bound in any branch,
  loop, ``with``, ``except … as``, match pattern, walrus or ``global`` statement counts, so that
  a name reported missing is missing on every path;
- whether those names cannot be known at all (``dynamic``): a module-level ``__getattr__``,
  ``globals()``/``vars()``/``locals()``, ``exec``/``eval``, ``sys.modules``, ``__dict__`` or
  ``__path__``;
- its ``from x import *`` (resolved by the caller: a module it cannot read makes every name
  possible);
- the imports it runs for certain when imported, their failure uncaught: at the top level, in
  class bodies and in ``try`` bodies no handler of which can catch ImportError; never under
  ``if``, loops, handlers, ``with`` (``contextlib.suppress(ImportError)`` swallows it),
  ``if TYPE_CHECKING:`` or ``if __name__ == "__main__":``;
- the attributes it sets on other objects (``config.X = 1``, ``setattr(mod, "X", 1)``): another
  module may add the name before the import runs.
"""

from __future__ import annotations

import ast
import builtins
import threading
from collections import OrderedDict, deque
from dataclasses import field

from funcls.model.fastclass import dataclass
from funcls.model.locations import Range
from funcls.model.python.exprs import Columns
from funcls.model.python.limits import TooCostly, check_parse_cost
from funcls.model.python.walk import push_children

# Bigger files are not analysed (no finding is better than a slow one).
MAX_CHARS = 2 * 1024 * 1024

# Names that make the module's namespace unknowable when the module mentions them.
_DYNAMIC_NAMES = frozenset({"globals", "vars", "locals", "exec", "eval"})
_DYNAMIC_ATTRS = frozenset({"__dict__"})
_DYNAMIC_BOUND = frozenset({"__getattr__", "__path__"})


def builtins_not_catching(error: type[BaseException]) -> frozenset[str]:
    """The names of the built-in exceptions an ``except`` of which cannot catch ``error``: a
    try whose handlers all name only these lets it through. Anything else (``error`` itself, a
    base of it, a bare except, a name funcls cannot see through) may catch it."""
    return frozenset(
        name
        for name, value in vars(builtins).items()
        if isinstance(value, type)
        and issubclass(value, BaseException)
        and not issubclass(error, value)
    )


_NOT_IMPORT_ERRORS = builtins_not_catching(ImportError)


@dataclass(frozen=True, slots=True)
class FromImport:
    """One name of a ``from … import …`` the module runs for certain when imported."""

    module: str  # as written, without the leading dots
    level: int
    name: str
    asname: str | None
    name_range: Range  # the imported name (``X`` of ``from m import X as Y``)
    alias_range: Range  # ``X as Y`` or ``X``


@dataclass(frozen=True, slots=True)
class PlainImport:
    """``import a.b.c`` run for certain when the module is imported."""

    module: str


@dataclass(slots=True)
class ModuleNames:
    names: set[str] = field(default_factory=set)
    star_imports: list[tuple[str, int]] = field(default_factory=list)  # (module, level)
    dynamic: str | None = None  # why the names cannot be known, or None
    from_imports: list[FromImport] = field(default_factory=list)
    plain_imports: list[PlainImport] = field(default_factory=list)
    stored_attributes: set[str] = field(default_factory=set)  # x.NAME = …, setattr(x, "NAME")
    # setattr(<an imported module>, <not a literal>, …): may add any name to another module
    opaque_setattr: bool = False


def module_names(
    text: str, body: list[ast.stmt] | None = None, *, whole: bool = True
) -> ModuleNames | None:
    """What importing ``text`` binds and imports; None when it cannot be read (a syntax error,
    too large or too costly to parse: Python then fails with its own error, reported by other
    rules). ``body``: the statements ``ast.parse(text)`` gives, when the caller has them (the
    model's analysis keeps them for `funcls check`: issue 16), so as not to parse again.
    ``whole=False``: only what the statements say (the top-level names, star imports and
    certain imports), without the walk over every node for ``dynamic``, ``global`` and walrus
    names, stored attributes and ``setattr`` (left empty): a caller that needs those only
    for some modules asks again (None exactly when the whole answer is None)."""
    if len(text) > MAX_CHARS:
        return None
    if body is None:
        try:
            check_parse_cost(text)
            body = ast.parse(text).body
        except (SyntaxError, ValueError, TooCostly, RecursionError, MemoryError):
            return None
    out = ModuleNames()
    try:
        _Reader(out, Columns(text)).module(body, whole)
    except RecursionError:
        return None
    return out


# The texts read last and what they bind (``names_of``): a keystroke checks the app again, and
# files with the same text (v1 scripts made from one template) are read once.
_RECENT: OrderedDict[tuple[str, bool], ModuleNames | None] = OrderedDict()
_RECENT_MAX = 512
_RECENT_LOCK = threading.Lock()
# The key each file was last read with (``names_of``'s ``path``): a file's older text is
# dropped when it is read with a new one. Each keystroke of an open module is a new text, and
# the 512 kept were whole module texts: in the language server, after 300 random edits of an
# app of 1,000 functions they held 7.8 million characters (10 MB with their answers), after
# 512 edits of one of 5,000 (125 kB modules) would hold about 85 MB (review of issue 16).
_LAST_READ: dict[tuple[str, bool], tuple[str, bool]] = {}


def names_of(
    text: str, body: list[ast.stmt] | None = None, *, whole: bool = True, path: str | None = None
) -> ModuleNames | None:
    """``module_names(text, body, whole=whole)``, remembered by text for the texts read last
    (``path``: the file the text is of, whose older text is then forgotten). The answer is
    shared: read it, never change it."""
    key = (text, whole)
    with _RECENT_LOCK:
        if path is not None:
            last = _LAST_READ.get((path, whole))
            if last is not None and last != key:
                _RECENT.pop(last, None)
            _LAST_READ[(path, whole)] = key
        if key in _RECENT:
            _RECENT.move_to_end(key)
            return _RECENT[key]
    info = module_names(text, body, whole=whole)
    with _RECENT_LOCK:
        _RECENT[key] = info
        if len(_RECENT) > _RECENT_MAX:
            _RECENT.popitem(last=False)
    return info


# Statement types ``_Reader.bindings`` tells apart by exact type.
_DEFINES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})
_Import, _ImportFrom, _Assign = ast.Import, ast.ImportFrom, ast.Assign
_ASSIGNS = frozenset({ast.Assign, ast.AugAssign, ast.AnnAssign})
# Simple statements that bind no name and hold no statement.
_NO_STATEMENTS = frozenset(
    {ast.Expr, ast.Pass, ast.Return, ast.Raise, ast.Assert, ast.Break, ast.Continue}
    | {ast.Global, ast.Nonlocal}
)


class _Reader:
    def __init__(self, out: ModuleNames, cols: Columns) -> None:
        self.out = out
        self.cols = cols
        self.import_aliases: set[str] = set()

    def module(self, body: list[ast.stmt], whole: bool = True) -> None:
        self.bindings(body)
        self.certain_imports(body)
        if not whole:
            return
        self.whole_tree(body)
        for name in _DYNAMIC_BOUND & self.out.names:
            self.out.dynamic = self.out.dynamic or f"it binds {name}"

    # -- names bound at the top level -------------------------------------------------------
    def bindings(self, body: list[ast.stmt]) -> None:
        """The names ``body``'s statements bind. Statements are told apart by exact type (the
        parser makes no subclasses), and a simple statement, which holds no statements, ends
        its turn there (issue 16, eighth pass: an isinstance chain and five ``getattr`` for
        the bodies of every import and expression before)."""
        names = self.out.names
        for stmt in body:
            st = type(stmt)
            if st in _DEFINES:
                names.add(stmt.name)  # type: ignore[attr-defined]
                continue  # their bodies bind their own names (``global`` is read elsewhere)
            if st is _Import:
                for a in stmt.names:  # type: ignore[attr-defined]
                    local = a.asname or a.name.split(".")[0]
                    names.add(local)
                    self.import_aliases.add(local)
                continue
            if st is _ImportFrom:
                for a in stmt.names:  # type: ignore[attr-defined]
                    if a.name == "*":
                        self.out.star_imports.append((stmt.module or "", stmt.level))  # type: ignore[attr-defined]
                    else:
                        local = a.asname or a.name
                        names.add(local)
                        self.import_aliases.add(local)
                continue
            if st in _ASSIGNS:
                # A bare annotation (``x: int``) binds nothing at run time; counted anyway, so
                # that only names the module never mentions as its own are reported.
                targets = stmt.targets if st is _Assign else [stmt.target]  # type: ignore[attr-defined]
                for t in targets:
                    self.target(t)
                continue
            if st in _NO_STATEMENTS:
                continue
            if isinstance(stmt, (ast.For, ast.AsyncFor)):
                self.target(stmt.target)
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                for item in stmt.items:
                    if item.optional_vars is not None:
                        self.target(item.optional_vars)
            elif isinstance(stmt, ast.Delete):
                for t in stmt.targets:
                    self.target(t)  # bound before it was deleted: counted
            elif isinstance(stmt, ast.Match):
                for case in stmt.cases:
                    for node in ast.walk(case.pattern):
                        if isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
                            names.add(node.name)
                        elif isinstance(node, ast.MatchMapping) and node.rest:
                            names.add(node.rest)
            elif type(stmt).__name__ == "TypeAlias":  # Python 3.12 ``type X = …``
                name = getattr(stmt, "name", None)
                if isinstance(name, ast.Name):
                    names.add(name.id)
            for handler in getattr(stmt, "handlers", ()):
                if handler.name:
                    names.add(handler.name)
                self.bindings(handler.body)
            for case in getattr(stmt, "cases", ()):
                self.bindings(case.body)
            for attr in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, attr, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    self.bindings(inner)

    def target(self, node: ast.expr) -> None:
        if isinstance(node, ast.Name):
            self.out.names.add(node.id)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for e in node.elts:
                self.target(e)
        elif isinstance(node, ast.Starred):
            self.target(node.value)

    # -- everything else, anywhere in the module ---------------------------------------------
    def whole_tree(self, body: list[ast.stmt]) -> None:
        """Every node, in ``ast.walk``'s order (breadth first, children in field order),
        without its generators per node: the walk was half of this rule's time (issue 16).
        Nodes without fields (``Load``, operators) are not visited: nothing here looks at
        them."""
        out = self.out
        todo: deque[ast.AST] = deque(body)
        pop = todo.popleft
        push = todo.append
        name_type, constant_type = ast.Name, ast.Constant
        while todo:
            node = pop()
            if isinstance(node, constant_type):
                continue  # no node below it
            if isinstance(node, name_type):  # nor below a name (its context has no fields)
                if node.id in _DYNAMIC_NAMES and out.dynamic is None:
                    out.dynamic = f"it calls {node.id}()"
                continue
            push_children(node, push)
            if isinstance(node, ast.Attribute):
                sys_modules = node.attr == "modules" and _is_name(node.value, "sys")
                if (node.attr in _DYNAMIC_ATTRS or sys_modules) and out.dynamic is None:
                    out.dynamic = f"it uses {_spell(node)}"
                if isinstance(node.ctx, ast.Store) and not _is_self(node.value):
                    out.stored_attributes.add(node.attr)
            elif isinstance(node, ast.Global):
                out.names.update(node.names)
            elif isinstance(node, ast.NamedExpr):
                if isinstance(node.target, ast.Name):
                    out.names.add(node.target.id)  # walrus: local in a function, counted anyway
            elif isinstance(node, ast.Call) and _called(node, "setattr") and node.args:
                key = node.args[1] if len(node.args) > 1 else None
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    out.stored_attributes.add(key.value)
                elif isinstance(node.args[0], ast.Name) and node.args[0].id in self.import_aliases:
                    out.opaque_setattr = True

    # -- imports that run for certain -------------------------------------------------------
    def certain_imports(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, ast.Import):
                self.out.plain_imports.extend(PlainImport(a.name) for a in stmt.names)
            elif isinstance(stmt, ast.ImportFrom):
                for a in stmt.names:
                    if a.name == "*":
                        continue
                    whole = self.cols.range(a)
                    start = whole.start
                    name_range = Range.of(
                        start.line, start.column, start.line, start.column + len(a.name)
                    )
                    self.out.from_imports.append(
                        FromImport(
                            stmt.module or "", stmt.level, a.name, a.asname, name_range, whole
                        )
                    )
            elif isinstance(stmt, ast.ClassDef):
                self.certain_imports(stmt.body)
            elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
                handlers: list[ast.ExceptHandler] = getattr(stmt, "handlers", [])
                if not any(_may_catch_import_error(h) for h in handlers):
                    self.certain_imports(getattr(stmt, "body", []))
                    self.certain_imports(getattr(stmt, "orelse", []))
                self.certain_imports(getattr(stmt, "finalbody", []))


def _may_catch_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return not all(isinstance(n, ast.Name) and n.id in _NOT_IMPORT_ERRORS for n in names)


def _called(node: ast.Call, name: str) -> bool:
    return isinstance(node.func, ast.Name) and node.func.id == name


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id in ("self", "cls")


def _spell(node: ast.Attribute) -> str:
    return f"{node.value.id}.{node.attr}" if isinstance(node.value, ast.Name) else f"….{node.attr}"
