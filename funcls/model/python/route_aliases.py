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
from funcls.model.python.walk import push_children


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


def _bindings(fn: ast.AST, nodes: list[ast.AST]) -> tuple[dict[str, int], set[str]]:
    """How many times each name is bound anywhere in ``fn`` (its body and nested scopes, its
    parameters), and the names declared global or nonlocal there."""
    counts: dict[str, int] = {}
    declared: set[str] = set()

    def bind(name: str) -> None:
        counts[name] = counts.get(name, 0) + 1

    for node in nodes:
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bind(node.id)
        elif isinstance(node, ast.arg):
            bind(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node is not fn:
                bind(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names:
                bind(a.asname or a.name.split(".")[0])
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            declared.update(node.names)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            bind(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            bind(node.rest)
    return counts, declared


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
# module of n functions cost n walks (issue 16).
_Defs = dict[int, "ast.FunctionDef | ast.AsyncFunctionDef"]


@functools.lru_cache(maxsize=64)
def _tree(text: str) -> _Defs | None:
    try:
        tree: ast.Module = parse_python(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return _defs(tree.body)


def _defs(body: Sequence[ast.stmt]) -> _Defs:
    """Every def of the module by its line. A def is a statement, and statements hold
    statements only in their bodies, handlers and cases: no expression is visited. Two defs
    cannot start on one line (a compound statement neither follows ``;`` nor a colon)."""
    found: _Defs = {}
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


def _nodes(root: ast.AST) -> list[ast.AST]:
    """The nodes below ``root`` in ``ast.walk``'s order, without its generators per node
    (issue 16); nodes without fields (``Load``, operators) are left out: nothing here asks
    for them."""
    out = [root]
    push = out.append
    i = 0
    while i < len(out):
        node = out[i]
        i += 1
        push_children(node, push)
    return out


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
        found = _KEPT[text] = _defs(body)
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
    nodes = _nodes(fn)  # walked three times below
    counts, declared = _bindings(fn, nodes)
    if counts.get(request) != 1 or request in declared:
        return None  # the request parameter is rebound somewhere: nothing is certain
    aliases: set[str] = set()
    for node in nodes:
        target: ast.expr | None = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        elif isinstance(node, ast.AnnAssign) and node.value is not None and node.simple:
            target = node.target
        value = getattr(node, "value", None)
        if (
            isinstance(target, ast.Name)
            and value is not None
            and _is_route_params(value, request)
            and counts.get(target.id) == 1
            and target.id not in declared
        ):
            aliases.add(target.id)
    lines = text.split("\n")
    out: list[AliasRead] = []
    for node in nodes:
        holder: ast.expr | None = None
        key_node: ast.AST | None = None
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            holder, key_node = node.value, node.slice
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
        ):
            holder, key_node = node.func.value, node.args[0]
        if isinstance(holder, ast.Name) and holder.id in aliases:
            via = holder.id
        elif holder is not None and _is_route_params(holder, request):
            via = request
        else:
            continue
        key = _key(key_node, lines) if key_node is not None else None
        whole = _whole(node, lines) if isinstance(node, ast.expr) else None
        if key is not None and whole is not None:
            out.append(AliasRead(via, key[0], key[1], whole, isinstance(node, ast.Call)))
    out.sort(key=lambda r: (r.key_range.start.line, r.key_range.start.column))
    return out
