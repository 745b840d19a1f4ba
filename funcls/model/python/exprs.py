"""Reading Python expressions statically: qualified names, literal values, annotations.

Columns from the ast module are UTF-8 byte offsets; ``Columns`` turns them into code points.
"""

from __future__ import annotations

import ast
import re

from funcls.model.locations import Position, Range
from funcls.model.python.facts import (
    LazyAnnotation,
    LazyPyValue,
    ModuleInfo,
    PyValue,
    ValueKind,
)
from funcls.model.python.limits import FOLDED_CHARS_LIMIT
from funcls.model.signature import Annotation

_BUILTINS = {
    "str",
    "bytes",
    "bytearray",
    "int",
    "float",
    "bool",
    "dict",
    "list",
    "tuple",
    "set",
    "object",
    "None",
    "type",
}
# `typing.List[X]` and `list[X]` stay apart: the worker accepts the first and refuses the second.
_TYPING_LIST = {"typing.List"}
_PUBLIC_AF = {
    "Context",
    "HttpRequest",
    "HttpResponse",
    "Out",
    "TimerRequest",
    "QueueMessage",
    "InputStream",
    "Document",
    "DocumentList",
    "EventHubEvent",
    "EventGridEvent",
    "EventGridOutputEvent",
    "ServiceBusMessage",
    "KafkaEvent",
    "SqlRow",
    "SqlRowList",
    "MySqlRow",
    "MySqlRowList",
    "OrchestrationContext",
    "EntityContext",
    "CloudEvent",
    "MCPToolContext",
    "FunctionApp",
    "AsgiFunctionApp",
    "WsgiFunctionApp",
    "Blueprint",
    "AuthLevel",
    "DataType",
    "Cardinality",
    "AccessRights",
    "HttpMethod",
    "BlobSource",
    "McpPropertyType",
    "PromptArgument",
    "WarmUpContext",
}
_PUBLIC_DF = {
    "DFApp",
    "Blueprint",
    "DurableOrchestrationContext",
    "DurableOrchestrationClient",
    "DurableEntityContext",
}


_new = tuple.__new__


def _ascii_columns(lines: list[str]) -> list[bool]:
    return [line.isascii() for line in lines]


def attribute_chain(node: ast.expr) -> tuple[str, list[str]] | None:
    """`a.b.c` as ("a", ["b", "c"]); None when the chain does not start at a plain name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.reverse()
    return node.id, parts


class Columns:
    """Converts the UTF-8 byte columns of the ast module into code-point columns."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.all_ascii = text.isascii()  # then byte columns are character columns
        # Per line, when not all of it is ASCII (issue 16: most texts are, asked in C once).
        self.ascii = [True] * len(self.lines) if self.all_ascii else _ascii_columns(self.lines)

    def col(self, line: int, byte_col: int) -> int:
        idx = line - 1
        if idx < 0 or idx >= len(self.lines) or self.ascii[idx]:
            return byte_col
        return len(self.lines[idx].encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))

    def start(self, node: ast.AST) -> tuple[int, int]:
        """``range(node).start`` as (line, column), without building the range."""
        ln: int = getattr(node, "lineno", 1)
        c: int = getattr(node, "col_offset", 0)
        if not self.all_ascii and 0 < ln <= len(self.ascii) and not self.ascii[ln - 1]:
            c = self.col(ln, c)
        return ln - 1, c

    def end(self, node: ast.AST) -> tuple[int, int]:
        """``range(node).end`` as (line, column), without building the range."""
        ln: int = getattr(node, "lineno", 1)
        end_ln: int = getattr(node, "end_lineno", None) or ln
        ec: int | None = getattr(node, "end_col_offset", None)
        if ec is None:
            ec = getattr(node, "col_offset", 0)
        if not self.all_ascii and 0 < end_ln <= len(self.ascii) and not self.ascii[end_ln - 1]:
            ec = self.col(end_ln, ec)
        return end_ln - 1, ec

    def range(self, node: ast.AST) -> Range:
        try:  # every expression and statement has all four (issue 16: one lookup each)
            ln: int = node.lineno  # type: ignore[attr-defined]
            c: int = node.col_offset  # type: ignore[attr-defined]
            end_ln: int | None = node.end_lineno  # type: ignore[attr-defined]
            ec: int | None = node.end_col_offset  # type: ignore[attr-defined]
        except AttributeError:
            ln = getattr(node, "lineno", 1)
            c = getattr(node, "col_offset", 0)
            end_ln = getattr(node, "end_lineno", None)
            ec = getattr(node, "end_col_offset", None)
        if self.all_ascii and end_ln and ec is not None:  # most texts (issue 16)
            return _new(Range, (_new(Position, (ln - 1, c)), _new(Position, (end_ln - 1, ec))))
        end_ln = end_ln or ln
        ec = c if ec is None else ec
        ascii = self.ascii
        n = len(ascii)
        if 0 < ln <= n and not ascii[ln - 1]:
            c = self.col(ln, c)
        if 0 < end_ln <= n and not ascii[end_ln - 1]:
            ec = self.col(end_ln, ec)
        # Range.of's tuples without its frame: 18,000 ranges for the 1,000-function bench.
        return _new(Range, (_new(Position, (ln - 1, c)), _new(Position, (end_ln - 1, ec))))


class ExpressionReader:
    """The expression half of the module analyser: knows the module's imports and constants."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.cols = Columns(text)
        self.info = ModuleInfo(path)
        self._segments = self.cols.lines  # the same lines, split once (read-only)
        # A def's ranges, its parameters' and annotations' made when read (facts.LazyPyFunction,
        # issue 16): for one-shot analyses of ASCII texts; a memo's (the language server's)
        # are made at once, since its lenses, symbols and moved copies read them all.
        self.lazy_defs = self.cols.all_ascii
        self._folded = 0  # characters of constants built by joining strings (limits.py)

    def _fold(self, size: int) -> bool:
        """Whether a string of ``size`` characters may still be built by joining constants:
        each ``R2 = R1 + "b"`` keeps a longer copy, so 50,000 such lines would hold over a
        billion characters; past :data:`FOLDED_CHARS_LIMIT` a joined value is unknown."""
        self._folded += size
        return self._folded <= FOLDED_CHARS_LIMIT

    # -- text helpers ------------------------------------------------------------------------
    def segment(self, node: ast.AST, r: Range | None = None) -> str:
        """The text of ``node``; ``r``: its range, when the caller has it already."""
        if r is None:
            r = self.cols.range(node)
        if r.start.line == r.end.line:
            return self._segments[r.start.line][r.start.column : r.end.column]
        parts = [self._segments[r.start.line][r.start.column :]]
        parts.extend(self._segments[r.start.line + 1 : r.end.line])
        parts.append(self._segments[r.end.line][: r.end.column])
        return "\n".join(parts)

    def unwrap(self, node: ast.expr) -> ast.expr:
        """See through spellings that change nothing at run time: ``typing.cast(T, x)`` is
        ``x`` and ``getattr(x, "name"[, default])`` is ``x.name`` (when ``x`` has it, as an
        imported module or class does)."""
        for _ in range(8):
            if not isinstance(node, ast.Call) or node.keywords:
                return node
            args = node.args
            if (
                isinstance(node.func, ast.Name)
                and node.func.id == "getattr"
                and len(args) in (2, 3)
                and isinstance(args[1], ast.Constant)
                and isinstance(args[1].value, str)
                and args[1].value.isidentifier()
            ):
                attr = ast.Attribute(value=args[0], attr=args[1].value, ctx=ast.Load())
                node = ast.copy_location(attr, node)
                ast.fix_missing_locations(node)
            elif len(args) == 2 and self._qualify_plain(node.func) == "typing.cast":
                node = args[1]
            else:
                return node
        return node

    def imported_module(self, node: ast.expr) -> str | None:
        """``importlib.import_module("azure.functions")`` (possibly cast): the module name."""
        node = self.unwrap(node)
        if (
            isinstance(node, ast.Call)
            and not node.keywords
            and len(node.args) == 1
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and self._qualify_plain(node.func) == "importlib.import_module"
        ):
            return node.args[0].value
        return None

    def qualify(self, node: ast.expr) -> str | None:
        """Dotted qualified name of a Name/Attribute chain through the import table."""
        return self._qualify_plain(self._unwrap_chain(node))

    def _unwrap_chain(self, node: ast.expr) -> ast.expr:
        """``unwrap`` at every link of an attribute chain: getattr(getattr(m, "A"), "B")."""
        node = self.unwrap(node)
        if isinstance(node, ast.Attribute):
            base = self._unwrap_chain(node.value)
            if base is not node.value:
                node = ast.copy_location(
                    ast.Attribute(value=base, attr=node.attr, ctx=ast.Load()), node
                )
        return node

    def _qualify_plain(self, node: ast.expr) -> str | None:
        chain = attribute_chain(node)
        if chain is None:
            return None
        root, parts = chain
        base = self.info.imports.get(root)
        if base is None:
            if root in _BUILTINS and not parts:
                return root
            return None
        return ".".join([base, *parts]) if parts else base

    def range_text(self, node: ast.AST) -> tuple[Range, str]:
        """``(cols.range(node), segment(node))`` in one step: for a node on one line of an
        ASCII text (most), the range from the node's numbers and the text sliced from its
        line, without reading the range back (issue 16)."""
        if self.cols.all_ascii:
            try:
                ln: int = node.lineno  # type: ignore[attr-defined]
                c: int = node.col_offset  # type: ignore[attr-defined]
                end_ln: int | None = node.end_lineno  # type: ignore[attr-defined]
                ec: int | None = node.end_col_offset  # type: ignore[attr-defined]
            except AttributeError:
                pass
            else:
                if end_ln and ec is not None:
                    r = _new(Range, (_new(Position, (ln - 1, c)), _new(Position, (end_ln - 1, ec))))
                    if ln == end_ln:
                        return r, self._segments[ln - 1][c:ec]
                    return r, self.segment(node, r)
        r = self.cols.range(node)
        return r, self.segment(node, r)

    # -- values ------------------------------------------------------------------------------
    def value(self, node: ast.expr, line_limit: int | None = None) -> PyValue:
        t = type(node)
        if (t is ast.Constant or t is ast.Attribute) and self.cols.all_ascii:
            # Most values: a constant or a name's attribute (func.AuthLevel.ANONYMOUS) on one
            # line of an ASCII text; its range is made when read (facts.LazyPyValue: a check
            # reads those of its findings only, issue 16).
            ln = node.lineno
            c = node.col_offset
            ec = node.end_col_offset
            if ln == node.end_lineno and ec is not None:
                at = (ln - 1, c, ln - 1, ec)
                text = self._segments[ln - 1][c:ec]
                if t is ast.Constant:
                    return LazyPyValue(at, "const", text, node.value)  # type: ignore[attr-defined]
                q = self.qualify(node)  # as below
                if q is not None:
                    kind: ValueKind = "enum" if _looks_like_member(q) else "ref"
                    return LazyPyValue(at, kind, text, None, q)
                return LazyPyValue(at, "unknown", text, None)
        r, text = self.range_text(node)
        if type(node) is ast.Constant:  # most values: nothing to unwrap (issue 16)
            return PyValue("const", r, text, node.value)  # const= costs a keyword's parsing
        plain = self.unwrap(node)
        if plain is not node and isinstance(plain, ast.Attribute):
            # getattr(func.AuthLevel, "ANONYMOUS"): read as the attribute, shown as written.
            q = self.qualify(plain)
            if q is not None:
                return PyValue("enum" if _looks_like_member(q) else "ref", r, text, qualname=q)
            return PyValue("unknown", r, text)
        if plain is not node:
            through = self.value(plain, line_limit)
            through.range, through.text = r, text
            return through
        if isinstance(node, ast.Constant):
            return PyValue("const", r, text, const=node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = self.value(node.operand, line_limit)
            if inner.kind == "const" and isinstance(inner.const, (int, float)):
                return PyValue("const", r, text, const=-inner.const)
            return PyValue("unknown", r, text)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            items = [self.value(e, line_limit) for e in node.elts]
            return PyValue("list", r, text, items=items)
        if isinstance(node, ast.Dict):
            entries: dict[str, PyValue] = {}
            for k, v in zip(node.keys, node.values, strict=True):
                if not (isinstance(k, ast.Constant) and isinstance(k.value, str)):
                    return PyValue("unknown", r, text)
                entries[k.value] = self.value(v, line_limit)
            return PyValue("dict", r, text, entries=entries)
        if isinstance(node, ast.JoinedStr):
            parts: list[PyValue] = []
            for part in node.values:
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    parts.append(PyValue("const", r, text, const=part.value))
                elif (
                    isinstance(part, ast.FormattedValue)
                    and part.format_spec is None
                    and part.conversion in (-1, ord("s"))
                ):
                    fv = self.value(part.value, line_limit)
                    if fv.kind == "const":
                        parts.append(PyValue("const", fv.range, fv.text, const=str(fv.const)))
                    elif fv.kind in ("ref", "concat", "call"):
                        parts.append(fv)  # a call: os.getenv("NAME", "default"), resolved later
                    else:
                        return PyValue("unknown", r, text)
                else:
                    return PyValue("unknown", r, text)
            if all(p.kind == "const" for p in parts):
                if not self._fold(sum(len(p.const) for p in parts)):
                    return PyValue("unknown", r, text)
                return PyValue("const", r, text, const="".join(p.const for p in parts))
            return PyValue("concat", r, text, const="format", items=parts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left = self.value(node.left, line_limit)
            right = self.value(node.right, line_limit)
            if (
                left.kind == "const"
                and right.kind == "const"
                and isinstance(left.const, str)
                and isinstance(right.const, str)
            ):
                if not self._fold(len(left.const) + len(right.const)):
                    return PyValue("unknown", r, text)
                return PyValue("const", r, text, const=left.const + right.const)
            if all(
                v.kind in ("ref", "concat", "call")
                or (v.kind == "const" and isinstance(v.const, str))
                for v in (left, right)
            ):
                return PyValue("concat", r, text, const="add", items=[left, right])
            return PyValue("unknown", r, text)
        if isinstance(node, ast.Name):
            const = self.info.constants.get(node.id)
            line = self.info.constant_lines.get(node.id, 1 << 30)
            if const is not None and (line_limit is None or line < line_limit):
                return PyValue(
                    const.kind,
                    r,
                    text,
                    const=const.const,
                    items=const.items,
                    entries=const.entries,
                    qualname=const.qualname,
                    kwargs=const.kwargs,
                )
            q = self.info.imports.get(node.id)
            if q is not None:
                return PyValue("ref", r, text, qualname=q)
            if node.id in ("True", "False", "None"):
                return PyValue("const", r, text, const={"True": True, "False": False}.get(node.id))
            return PyValue("unknown", r, text)
        if isinstance(node, ast.Attribute):
            q = self.qualify(node)
            if q is not None:
                return PyValue("enum" if _looks_like_member(q) else "ref", r, text, qualname=q)
            return PyValue("unknown", r, text)
        if isinstance(node, ast.Call):
            q = self.qualify(node.func)
            if q is None:
                return PyValue("unknown", r, text)
            args = [self.value(a, line_limit) for a in node.args]
            kwargs = {
                k.arg: self.value(k.value, line_limit) for k in node.keywords if k.arg is not None
            }
            return PyValue("call", r, text, qualname=q, items=args, kwargs=kwargs)
        return PyValue("unknown", r, text)

    # -- annotations -------------------------------------------------------------------------
    def annotation(self, node: ast.expr | None) -> Annotation | None:
        if node is None:
            return None
        if self.lazy_defs:
            ln, c, end_ln, ec = node.lineno, node.col_offset, node.end_lineno, node.end_col_offset
            if ln == end_ln and ec is not None:
                # On one line of an ASCII text (most): its range made when read
                # (facts.LazyAnnotation, issue 16), the text sliced from the line.
                text = self._segments[ln - 1][c:ec]
                return LazyAnnotation((ln - 1, c, ln - 1, ec), text, self._normalised(node, text))
        r, text = self.range_text(node)
        return Annotation(text, self._normalised(node, text), r)

    def _normalised(self, node: ast.expr, text: str) -> str | None:
        """``normalise_type(node)``, remembered by the annotation's text and what the module's
        imports say of each name in it (issue 16: every function of an app repeats a few
        annotations). ``normalise_type`` reads nothing else of the module, and the same text
        parses to the same tree; a text whose names could be spelt otherwise in it (not
        ASCII: NFKC; an escape in a string annotation) is worked out every time."""
        if not text.isascii() or "\\" in text:
            return self.normalise_type(node)
        names = _NAMES_IN.get(text)
        if names is None:
            if len(_NAMES_IN) >= 4096:
                _NAMES_IN.clear()
            names = _NAMES_IN[text] = tuple(_NAME.findall(text))
        key = (text, *map(self.info.imports.get, names))
        found = _NORMALISED.get(key, _UNSEEN)
        if found is _UNSEEN:
            if len(_NORMALISED) >= 4096:
                _NORMALISED.clear()
            found = _NORMALISED[key] = self.normalise_type(node)
        return found  # type: ignore[return-value]

    def normalise_type(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                inner = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return None
            return self._normalise_parsed(inner)
        if isinstance(node, ast.Constant) and node.value is None:
            return "None"
        return self._normalise_parsed(node)

    def _normalise_parsed(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and node.value is None:
            return "None"
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            left = self._normalise_parsed(node.left)
            right = self._normalise_parsed(node.right)
            if left is None or right is None:
                return None
            return _union([left, right])
        if isinstance(node, (ast.Name, ast.Attribute)):
            q = self.qualify(node)
            if q is None:
                if isinstance(node, ast.Name) and node.id in _BUILTINS:
                    return node.id
                return None
            return public_name(q)
        if isinstance(node, ast.Subscript):
            base = self._normalise_parsed(node.value)
            if base is None:
                return None
            sl = node.slice
            elts = sl.elts if isinstance(sl, ast.Tuple) else [sl]
            args = [self._normalise_parsed(e) for e in elts]
            if any(a is None for a in args):
                return None
            clean = [a for a in args if a is not None]
            if base in _TYPING_LIST:
                return f"typing.List[{clean[0]}]"
            if base == "typing.Optional":
                return _union([clean[0], "None"])
            if base == "typing.Union":
                return _union(clean)
            return f"{base}[{', '.join(clean)}]"
        return None

    # -- statements --------------------------------------------------------------------------


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# normalise_type's answers by annotation text and imports (``_normalised``).
_NORMALISED: dict[tuple[str | None, ...], str | None] = {}
# The names in each annotation text (``_NAME.findall``), by text: the same few texts again.
_NAMES_IN: dict[str, tuple[str, ...]] = {}
_UNSEEN = object()


def _looks_like_member(qualname: str) -> bool:
    parts = qualname.split(".")
    return len(parts) >= 2 and parts[-2][:1].isupper()


def public_name(q: str | None) -> str | None:
    """``azure.functions._http.HttpRequest`` -> ``azure.functions.HttpRequest``."""
    if q is None:
        return None
    parts = q.split(".")
    last = parts[-1]
    if q.startswith("azure.functions.") and last in _PUBLIC_AF:
        return f"azure.functions.{last}"
    if q.startswith("azure.durable_functions.") and last in _PUBLIC_DF:
        return f"azure.durable_functions.{last}"
    if q in ("typing.List", "typing.Optional", "typing.Union", "typing.Any"):
        return q
    return q


def _union(parts: list[str]) -> str:
    flat: list[str] = []
    for p in parts:
        if p.startswith("typing.Optional[") and p.endswith("]"):
            flat.extend([p[len("typing.Optional[") : -1], "None"])
        elif p.startswith("typing.Union[") and p.endswith("]"):
            flat.extend(s.strip() for s in p[len("typing.Union[") : -1].split(","))
        else:
            flat.append(p)
    seen: list[str] = []
    for p in flat:
        if p not in seen:
            seen.append(p)
    non_none = [p for p in seen if p != "None"]
    if "None" in seen and len(non_none) == 1:
        return f"typing.Optional[{non_none[0]}]"
    return f"typing.Union[{', '.join(seen)}]"
