"""Route parameters read through a local alias of ``req.route_params``.

``params = req.route_params`` binds the very dict the worker fills from the route match
(``azure.functions.HttpRequest.route_params``), so ``params["id"]`` and ``params.get("id")``
read route parameter ``id`` as ``req.route_params["id"]`` does. Only what is certain counts:
the alias is a plain name bound once in the whole function (nested scopes included), by
``NAME = req.route_params`` (or an annotated assignment), never declared ``global`` or
``nonlocal``, and the request parameter is never rebound. Anything more dynamic (an alias of
an alias, a ``dict(...)`` copy, a name bound twice, a key that is not a string literal) is not
a read funcls can name, and is left out, so features built on it stay silent rather than guess.

Syntax trees only; nothing is run. A text that does not parse gives no alias reads.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Sequence

from funcls.model.fastclass import dataclass
from funcls.model.locations import Range
from funcls.model.python.limits import parse as parse_python


@dataclass(frozen=True, slots=True)
class AliasRead:
    """``alias["key"]`` or ``alias.get("key", …)`` (``alias`` is the request parameter's name
    for ``req.route_params["key"]``): ``key_range`` is the text between the quotes, ``range``
    the whole read (columns in characters of the line)."""

    alias: str
    key: str
    key_range: Range
    range: Range
    get: bool = False  # .get("key"): None when absent, instead of KeyError


def _is_route_params(node: ast.AST, request: str) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "route_params"
        and isinstance(node.value, ast.Name)
        and node.value.id == request
    )


def _column(line: str, byte_offset: int) -> int:
    """ast columns count UTF-8 bytes; the model's count characters."""
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", errors="replace"))


def _key(node: ast.AST, lines: list[str]) -> tuple[str, Range] | None:
    """A one-line plain string literal: its value and the range between its quotes."""
    if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
        return None
    end_line = node.end_lineno
    end_col = node.end_col_offset
    if end_line is None or end_col is None or end_line != node.lineno:
        return None
    line = lines[node.lineno - 1]
    start = _column(line, node.col_offset)
    end = _column(line, end_col)
    literal = line[start:end]
    if len(literal) < 2 or literal[0] not in "\"'" or literal[-1] != literal[0]:
        return None  # a prefix (r"", b""), implicit concatenation, triple quotes
    if literal.startswith(literal[0] * 3) or literal[1:-1] != node.value:
        return None
    row = node.lineno - 1
    return node.value, Range.of(row, start + 1, row, end - 1)


def _whole(node: ast.expr, lines: list[str]) -> Range | None:
    end_line, end_col = node.end_lineno, node.end_col_offset
    if end_line is None or end_col is None:
        return None
    start = _column(lines[node.lineno - 1], node.col_offset)
    end = _column(lines[end_line - 1], end_col)
    return Range.of(node.lineno - 1, start, end_line - 1, end)


# A module's defs by the line of their ``def`` keyword (0-based), found once per text: AZF509
# looks up every HTTP function of a module, and walking the whole module for each made a
# module of n functions cost n walks (issue 16). Two texts: the rules visit an app's
# functions module by module (10 misses for 10 modules either way), and each entry holds the
# module's whole syntax tree: with 64, the language server kept the tree of every module it
# had checked once, 60 MB of its heap on one app of 5,000 functions (issue 16).
class _Defs:
    """A module's defs by line: those of the module's own statements at once (one look at
    each, no descent: nearly every function of an app is one), the nested ones only when a
    line is not among those (issue 16, eighth pass: the whole walk of every module's
    statements, with a generator and an isinstance per child, was a quarter of AZF509)."""

    __slots__ = ("_all", "_body", "_top")

    def __init__(self, body: Sequence[ast.stmt]) -> None:
        self._body = body
        self._all: dict[int, ast.FunctionDef | ast.AsyncFunctionDef] | None = None
        top: dict[int, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        fdef, adef = ast.FunctionDef, ast.AsyncFunctionDef
        for s in body:
            t = type(s)
            if t is fdef or t is adef:
                top[s.lineno - 1] = s  # type: ignore[assignment]
        self._top = top

    def get(self, line: int) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        fn = self._top.get(line)
        if fn is not None:
            return fn
        if self._all is None:
            self._all = _all_defs(self._body)
        return self._all.get(line)


@functools.lru_cache(maxsize=2)
def _tree(text: str) -> _Defs | None:
    try:
        tree: ast.Module = parse_python(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return _Defs(tree.body)


def _all_defs(body: Sequence[ast.stmt]) -> dict[int, ast.FunctionDef | ast.AsyncFunctionDef]:
    """Every def of the module by its line. A def is a statement, and statements hold
    statements only in their bodies, handlers and cases: no expression is visited. Two defs
    cannot start on one line (a compound statement neither follows ``;`` nor a colon)."""
    found: dict[int, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    todo: list[ast.AST] = list(body)
    holders = (ast.stmt, ast.excepthandler, ast.match_case)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.setdefault(node.lineno - 1, node)
        for name in node._fields:
            child = getattr(node, name, None)
            if type(child) is list:
                todo.extend(c for c in child if isinstance(c, holders))
    return found


_Assigned = list[tuple[ast.Name, ast.expr]]
_Held = list[tuple[ast.expr, ast.expr, ast.expr]]
_Name, _Constant, _Load, _Attribute = ast.Name, ast.Constant, ast.Load, ast.Attribute
_Subscript, _Call, _arg, _Assign, _AnnAssign = (
    ast.Subscript,
    ast.Call,
    ast.arg,
    ast.Assign,
    ast.AnnAssign,
)
_BINDS_NAME = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})
_IMPORTS = frozenset({ast.Import, ast.ImportFrom})
_DECLARES = frozenset({ast.Global, ast.Nonlocal})
_NAMED = frozenset({ast.ExceptHandler, ast.MatchAs, ast.MatchStar})
_MatchMapping = ast.MatchMapping
# The fields of a node type that may hold nodes, by type, found on first sight: fields that
# hold a context, an operator, a string or a number in every node type that has them are left
# out (``name`` is kept: 3.12's ``type X = …`` holds a Name there).
_SCALARS = frozenset(
    {"ctx", "op", "ops", "attr", "id", "arg", "module", "level", "kind", "is_async"}
    | {"simple", "conversion", "type_comment", "rest"}
)
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(t: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS[t] = tuple(f for f in t._fields if f not in _SCALARS)  # type: ignore[attr-defined]
    return fields


def _walk(fn: ast.AST) -> tuple[dict[str, int], set[str], _Assigned, _Held]:
    """One pass over every node below ``fn`` (its body, nested scopes, parameters and
    decorators): how many times each name is bound, the names declared global or nonlocal,
    the one-name assignments (``NAME = value``, ``NAME: T = value``), and the reads by key
    (``holder[key]``, ``holder.get(key, …)``) whose holder may be the route parameters (a
    name, or an attribute ``….route_params``). Three walks before (issue 16). Nodes are told
    apart by their exact type (the parser makes no subclasses), the most common first, and
    each type's fields that may hold nodes are looked up once (issue 16, eighth pass: an
    isinstance chain and every field of every node before)."""
    counts: dict[str, int] = {}
    declared: set[str] = set()
    assigned: _Assigned = []
    held: _Held = []
    todo: list[ast.AST] = [fn]
    push = todo.append
    ast_type = ast.AST
    child_fields = _CHILD_FIELDS
    i = 0
    while i < len(todo):
        node = todo[i]
        i += 1
        t = type(node)
        if t is _Name:  # nothing below a name (its context has no fields)
            if type(node.ctx) is not _Load:  # type: ignore[attr-defined]
                counts[node.id] = counts.get(node.id, 0) + 1  # type: ignore[attr-defined]
            continue
        if t is _Constant:
            continue
        fields = child_fields.get(t)
        if fields is None:
            fields = _child_fields(t)
        for name in fields:
            child = getattr(node, name, None)
            if type(child) is list:
                for item in child:
                    if isinstance(item, ast_type):
                        push(item)
            elif isinstance(child, ast_type):
                push(child)
        if t is _Attribute:
            continue
        read: ast.expr | None = None
        holder: ast.expr | None = None
        key: ast.expr | None = None
        if t is _Call:
            func = node.func  # type: ignore[attr-defined]
            if type(func) is _Attribute and func.attr == "get" and node.args:  # type: ignore[attr-defined]
                read, holder, key = node, func.value, node.args[0]  # type: ignore[assignment,attr-defined]
        elif t is _Subscript:
            if type(node.ctx) is _Load:  # type: ignore[attr-defined]
                read, holder, key = node, node.value, node.slice  # type: ignore[assignment,attr-defined]
        elif t is _arg:
            counts[node.arg] = counts.get(node.arg, 0) + 1  # type: ignore[attr-defined]
            continue
        elif t is _Assign:
            targets = node.targets  # type: ignore[attr-defined]
            if len(targets) == 1 and type(targets[0]) is _Name:
                assigned.append((targets[0], node.value))  # type: ignore[attr-defined]
            continue
        elif t is _AnnAssign:
            target = node.target  # type: ignore[attr-defined]
            if node.value is not None and node.simple and type(target) is _Name:  # type: ignore[attr-defined]
                assigned.append((target, node.value))  # type: ignore[attr-defined]
            continue
        elif t in _BINDS_NAME:
            if node is not fn:
                counts[node.name] = counts.get(node.name, 0) + 1  # type: ignore[attr-defined]
            continue
        elif t in _IMPORTS:
            for a in node.names:  # type: ignore[attr-defined]
                name = a.asname or a.name.split(".")[0]
                counts[name] = counts.get(name, 0) + 1
            continue
        elif t in _DECLARES:
            declared.update(node.names)  # type: ignore[attr-defined]
            continue
        elif t in _NAMED:
            if node.name:  # type: ignore[attr-defined]
                counts[node.name] = counts.get(node.name, 0) + 1  # type: ignore[attr-defined]
            continue
        elif t is _MatchMapping:
            if node.rest:  # type: ignore[attr-defined]
                counts[node.rest] = counts.get(node.rest, 0) + 1  # type: ignore[attr-defined]
            continue
        else:
            continue
        if (
            read is not None
            and holder is not None
            and key is not None
            and (
                type(holder) is _Name
                or (type(holder) is _Attribute and holder.attr == "route_params")
            )
        ):
            held.append((read, holder, key))
    return counts, declared, assigned, held


# The defs of the statements a caller already has (the model's parse, kept by `funcls check`),
# by the text they were parsed from.
_KEPT: dict[str, _Defs] = {}
_KEPT_MAX = 64


def _defs_of(text: str, body: Sequence[ast.stmt] | None) -> _Defs | None:
    if body is None:
        return _tree(text)
    found = _KEPT.get(text)
    if found is None:
        if len(_KEPT) >= _KEPT_MAX:
            _KEPT.clear()
        found = _KEPT[text] = _Defs(body)
    return found


def alias_reads(text: str, def_line: int, request: str) -> list[AliasRead]:
    """The reads of route parameters through certain aliases of ``request.route_params`` in
    the function whose ``def`` is on ``def_line`` (0-based) of ``text``."""
    return [r for r in route_reads(text, def_line, request) or [] if r.alias != request]


def route_reads(
    text: str, def_line: int, request: str, body: Sequence[ast.stmt] | None = None
) -> list[AliasRead] | None:
    """Every read of a route parameter by a string literal in that function: directly
    (``request.route_params["id"]``, ``alias`` is then ``request``) and through certain aliases.
    None when the reads cannot be known: the text does not parse, the def is not found, or the
    request parameter is rebound. ``body``: the statements ``ast.parse(text)`` gives, when the
    caller has them (``Source.module_body``), so as not to parse the text again."""
    defs = _defs_of(text, body)
    fn = defs.get(def_line) if defs is not None else None
    if fn is None:
        return None
    counts, declared, assigned, held = _walk(fn)
    if counts.get(request) != 1 or request in declared:
        return None  # the request parameter is rebound somewhere: nothing is certain
    aliases: set[str] = set()
    for target, value in assigned:
        if (
            _is_route_params(value, request)
            and counts.get(target.id) == 1
            and target.id not in declared
        ):
            aliases.add(target.id)
    lines: list[str] = []
    out: list[AliasRead] = []
    for node, holder, key_node in held:
        if isinstance(holder, ast.Name) and holder.id in aliases:
            via = holder.id
        elif _is_route_params(holder, request):
            via = request
        else:
            continue
        if not lines:
            lines = text.split("\n")
        key = _key(key_node, lines)
        whole = _whole(node, lines)
        if key is not None and whole is not None:
            out.append(AliasRead(via, key[0], key[1], whole, isinstance(node, ast.Call)))
    out.sort(key=lambda r: (r.key_range.start.line, r.key_range.start.column))
    return out
