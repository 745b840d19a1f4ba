"""Static analysis of one Python module: imports, constants, app objects, decorated functions.

Nothing here imports or runs the module. A file with a syntax error still yields every
top-level statement that parses on its own, plus the error and its exact position.
"""

from __future__ import annotations

import ast
import sys
import textwrap
from dataclasses import dataclass, field
from typing import Any, Literal

from funcls.model.appmodel import Annotation, Parameter, Problem
from funcls.model.locations import LineIndex, Range

ValueKind = Literal["const", "list", "dict", "enum", "call", "ref", "concat", "unknown"]
# A "concat" value joins its items once they resolve to constants (names imported from other
# modules are resolved by the v2 indexer): ``const`` is "add" for ``a + b`` (every part must be
# a string) and "format" for an f-string (parts are formatted with str()).

# Classes whose instances hold functions, by the last part of their qualified name.
APP_CLASSES = {
    "azure.functions.FunctionApp": "FunctionApp",
    "azure.functions.AsgiFunctionApp": "AsgiFunctionApp",
    "azure.functions.WsgiFunctionApp": "WsgiFunctionApp",
    "azure.functions.Blueprint": "Blueprint",
    "azure.durable_functions.DFApp": "DFApp",
    "azure.durable_functions.Blueprint": "DFBlueprint",
}
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


@dataclass(slots=True)
class PyValue:
    """A Python expression, resolved as far as static analysis safely allows."""

    kind: ValueKind
    range: Range
    text: str
    const: Any = None
    items: list[PyValue] = field(default_factory=list)
    entries: dict[str, PyValue] = field(default_factory=dict)
    qualname: str | None = None  # enum member, callee, or imported name
    kwargs: dict[str, PyValue] = field(default_factory=dict)


@dataclass(slots=True)
class Keyword:
    name: str | None  # None for **mapping
    value: PyValue
    name_range: Range


@dataclass(slots=True)
class RawDecorator:
    chain: list[str]  # ["app", "route"] for @app.route(...)
    range: Range
    method_range: Range
    called: bool
    args: list[PyValue] = field(default_factory=list)
    keywords: list[Keyword] = field(default_factory=list)
    has_star_args: bool = False


@dataclass(slots=True)
class PyFunction:
    name: str
    name_range: Range
    def_range: Range  # from the first decorator to the end of the body
    is_async: bool
    params: list[Parameter]
    returns: Annotation | None
    decorators: list[RawDecorator]
    scope: Literal["module", "class", "function"]
    docstring: str | None = None
    body_line: int = 0


@dataclass(slots=True)
class ImportRecord:
    local: str
    module: str  # dotted module as written (without leading dots)
    name: str | None  # imported attribute, None for `import x`
    level: int  # leading dots
    range: Range


@dataclass(slots=True)
class AppCreation:
    var: str
    kind: str
    range: Range
    call_range: Range
    top_level: bool
    args: list[PyValue]
    kwargs: dict[str, PyValue]


@dataclass(slots=True)
class RegisterCall:
    app_var: str
    method: str
    range: Range
    arg: PyValue | None
    arg_chain: list[str]


@dataclass(slots=True)
class ModuleInfo:
    path: str
    problems: list[Problem] = field(default_factory=list)
    imports: dict[str, str] = field(default_factory=dict)  # local name -> qualified name
    import_records: list[ImportRecord] = field(default_factory=list)
    constants: dict[str, PyValue] = field(default_factory=dict)
    constant_lines: dict[str, int] = field(default_factory=dict)
    app_creations: list[AppCreation] = field(default_factory=list)
    functions: list[PyFunction] = field(default_factory=list)
    registrations: list[RegisterCall] = field(default_factory=list)
    classes: dict[str, list[str]] = field(default_factory=dict)  # class -> decorator qualnames
    partial: bool = False  # True when a syntax error hid part of the file

    def function(self, name: str) -> PyFunction | None:
        found = None
        for f in self.functions:
            if f.name == name and f.scope == "module":
                found = f  # the last definition wins, as at run time
        return found


def _ascii_columns(lines: list[str]) -> list[bool]:
    return [line.isascii() for line in lines]


class _Columns:
    """Converts the UTF-8 byte columns of the ast module into code-point columns."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.ascii = _ascii_columns(self.lines)

    def col(self, line: int, byte_col: int) -> int:
        idx = line - 1
        if idx < 0 or idx >= len(self.lines) or self.ascii[idx]:
            return byte_col
        return len(self.lines[idx].encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))

    def range(self, node: ast.AST) -> Range:
        ln = getattr(node, "lineno", 1)
        end_ln = getattr(node, "end_lineno", None) or ln
        c = getattr(node, "col_offset", 0)
        ec = getattr(node, "end_col_offset", None)
        ec = c if ec is None else ec
        return Range.of(ln - 1, self.col(ln, c), end_ln - 1, self.col(end_ln, ec))


def _split_chunks(text: str) -> list[tuple[int, str]]:
    """Top-level statements as (first line index, text); used to recover from syntax errors."""
    lines = text.split("\n")
    starts: list[int] = []
    in_triple: str | None = None
    prev_decorator = False
    depth = 0
    continued = False
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        if in_triple is None and line.startswith(("@", "def ", "async def ", "class ")):
            depth, continued = 0, False  # an unclosed bracket above does not swallow a new def
        opens_here = in_triple is None and depth == 0 and not continued
        if (
            opens_here
            and line
            and not line[0].isspace()
            and not stripped.startswith("#")
            and line[0] not in ")]}"
        ):
            if not prev_decorator:
                starts.append(i)
            prev_decorator = stripped.startswith("@")
        for quote in ('"""', "'''"):
            count = line.count(quote)
            if count % 2 == 1:
                in_triple = None if in_triple == quote else (in_triple or quote)
        if in_triple is None:
            code = line.split("#", 1)[0]
            depth += code.count("(") + code.count("[") + code.count("{")
            depth -= code.count(")") + code.count("]") + code.count("}")
            depth = max(depth, 0)
        continued = line.rstrip().endswith("\\")
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    chunks: list[tuple[int, str]] = []
    for k, s in enumerate(starts):
        e = starts[k + 1] if k + 1 < len(starts) else len(lines)
        chunks.append((s, "\n".join(lines[s:e])))
    return chunks


def _parse_chunk(start: int, chunk: str) -> list[ast.stmt]:
    try:
        return ast.parse("\n" * start + chunk).body
    except (SyntaxError, ValueError):
        pass
    # A half-typed body: keep the decorators and signature by cutting the body short.
    lines = chunk.split("\n")
    head = lines[0].lstrip()
    if not (head.startswith(("@", "def ", "async def ", "class "))):
        return []
    for k in range(len(lines) - 1, 0, -1):
        candidate = "\n".join(lines[:k])
        if not candidate.rstrip().endswith(":"):
            continue
        try:
            return ast.parse("\n" * start + candidate + "\n    pass\n").body
        except (SyntaxError, ValueError):
            continue
    return []


def _recover(text: str) -> list[ast.stmt]:
    body: list[ast.stmt] = []
    for start, chunk in _split_chunks(text):
        body.extend(_parse_chunk(start, chunk))
    return body


class _Analyser:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.cols = _Columns(text)
        self.info = ModuleInfo(path)
        self._segments = text.split("\n")

    # -- text helpers ------------------------------------------------------------------------
    def segment(self, node: ast.AST) -> str:
        r = self.cols.range(node)
        if r.start.line == r.end.line:
            return self._segments[r.start.line][r.start.column : r.end.column]
        parts = [self._segments[r.start.line][r.start.column :]]
        parts.extend(self._segments[r.start.line + 1 : r.end.line])
        parts.append(self._segments[r.end.line][: r.end.column])
        return "\n".join(parts)

    def qualify(self, node: ast.expr) -> str | None:
        """Dotted qualified name of a Name/Attribute chain through the import table."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        root = node.id
        parts.reverse()
        base = self.info.imports.get(root)
        if base is None:
            if root in _BUILTINS and not parts:
                return root
            return None
        return ".".join([base, *parts]) if parts else base

    # -- values ------------------------------------------------------------------------------
    def value(self, node: ast.expr, line_limit: int | None = None) -> PyValue:
        r = self.cols.range(node)
        text = self.segment(node)
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
                    elif fv.kind in ("ref", "concat"):
                        parts.append(fv)
                    else:
                        return PyValue("unknown", r, text)
                else:
                    return PyValue("unknown", r, text)
            if all(p.kind == "const" for p in parts):
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
                return PyValue("const", r, text, const=left.const + right.const)
            if all(
                v.kind in ("ref", "concat") or (v.kind == "const" and isinstance(v.const, str))
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
        return Annotation(self.segment(node), self.normalise_type(node), self.cols.range(node))

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
            return _public_name(q)
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
    def run(self, body: list[ast.stmt]) -> ModuleInfo:
        self.module_body(body)
        return self.info

    def module_body(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.statement(stmt)

    def statement(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    self.info.imports[alias.asname] = alias.name
                    local = alias.asname
                else:
                    local = alias.name.split(".")[0]
                    self.info.imports[local] = local
                self.info.import_records.append(
                    ImportRecord(local, alias.name, None, 0, self.cols.range(stmt))
                )
        elif isinstance(stmt, ast.ImportFrom):
            module = stmt.module or ""
            for alias in stmt.names:
                if alias.name == "*":
                    continue
                local = alias.asname or alias.name
                prefix = "." * stmt.level + (f"{module}." if module else "")
                self.info.imports[local] = prefix + alias.name
                self.info.import_records.append(
                    ImportRecord(local, module, alias.name, stmt.level, self.cols.range(stmt))
                )
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            value = stmt.value
            if value is None:
                return
            for t in targets:
                if isinstance(t, ast.Name):
                    self.assignment(t.id, stmt, value, top_level=True)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            self.maybe_register(stmt.value, stmt)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.function(stmt, "module")
            self.nested(stmt.body)
        elif isinstance(stmt, ast.ClassDef):
            self.info.classes[stmt.name] = [
                q for q in (self.qualify(_callee(d)) for d in stmt.decorator_list) if q
            ]
            for item in stmt.body:
                if (
                    isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and item.decorator_list
                ):
                    self.function(item, "class")
        elif isinstance(stmt, ast.If):
            self.module_body(stmt.body)
            self.module_body(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            self.module_body(stmt.body)
            for h in stmt.handlers:
                self.module_body(h.body)
            self.module_body(stmt.orelse)
            self.module_body(stmt.finalbody)
        elif isinstance(stmt, ast.With):
            self.module_body(stmt.body)

    def nested(self, body: list[ast.stmt]) -> None:
        """Decorated defs and app objects inside a function body (the host never sees them)."""
        for node in body:
            for sub in ast.walk(node):
                if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)) and sub.decorator_list:
                    self.function(sub, "function")
                elif isinstance(sub, ast.Assign) and isinstance(sub.value, ast.Call):
                    for t in sub.targets:
                        if isinstance(t, ast.Name):
                            self.assignment(t.id, sub, sub.value, top_level=False)

    def assignment(self, name: str, stmt: ast.stmt, value: ast.expr, top_level: bool) -> None:
        if isinstance(value, ast.Call):
            q = self.qualify(value.func)
            kind = APP_CLASSES.get(_public_name(q) or "") if q else None
            if kind is not None:
                self.info.app_creations.append(
                    AppCreation(
                        var=name,
                        kind=kind,
                        range=self.cols.range(stmt),
                        call_range=self.cols.range(value),
                        top_level=top_level,
                        args=[self.value(a) for a in value.args],
                        kwargs={
                            k.arg: self.value(k.value) for k in value.keywords if k.arg is not None
                        },
                    )
                )
                return
        if top_level:
            v = self.value(value, line_limit=getattr(stmt, "lineno", 1) - 1)
            if v.kind != "unknown":
                self.info.constants[name] = v
                self.info.constant_lines[name] = getattr(stmt, "lineno", 1) - 1
            else:
                self.info.constants.pop(name, None)

    def maybe_register(self, call: ast.Call, stmt: ast.stmt) -> None:
        f = call.func
        if not (
            isinstance(f, ast.Attribute)
            and f.attr in ("register_functions", "register_blueprint")
            and isinstance(f.value, ast.Name)
        ):
            return
        arg_node = call.args[0] if call.args else None
        if arg_node is None:
            for k in call.keywords:
                if k.arg == "function_container":
                    arg_node = k.value
        chain: list[str] = []
        node = arg_node
        while isinstance(node, ast.Attribute):
            chain.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name):
            chain.append(node.id)
        chain.reverse()
        self.info.registrations.append(
            RegisterCall(
                app_var=f.value.id,
                method=f.attr,
                range=self.cols.range(stmt),
                arg=self.value(arg_node) if arg_node is not None else None,
                arg_chain=chain,
            )
        )

    def function(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        scope: Literal["module", "class", "function"],
    ) -> None:
        cols = self.cols
        decorators = [self.decorator(d) for d in node.decorator_list]
        first = node.decorator_list[0] if node.decorator_list else node
        start = cols.range(first).start
        end = cols.range(node).end
        name_line = node.lineno
        line_text = self._segments[name_line - 1] if name_line - 1 < len(self._segments) else ""
        idx = line_text.find(node.name, cols.col(name_line, node.col_offset))
        name_range = (
            Range.of(name_line - 1, idx, name_line - 1, idx + len(node.name))
            if idx >= 0
            else cols.range(node)
        )
        params = self.parameters(node.args)
        raw_doc = ast.get_docstring(node, clean=False)
        self.info.functions.append(
            PyFunction(
                name=node.name,
                name_range=name_range,
                def_range=Range(start, end),
                is_async=isinstance(node, ast.AsyncFunctionDef),
                params=params,
                returns=self.annotation(node.returns),
                decorators=[d for d in decorators if d is not None],
                scope=scope,
                docstring=_runtime_doc(raw_doc),
                body_line=node.body[0].lineno - 1 if node.body else name_line - 1,
            )
        )

    def parameters(self, args: ast.arguments) -> list[Parameter]:
        out: list[Parameter] = []
        positional = [*args.posonlyargs, *args.args]
        n_defaults = len(args.defaults)
        for i, a in enumerate(positional):
            has_default = i >= len(positional) - n_defaults
            out.append(self.param(a, has_default, "positional"))
        if args.vararg is not None:
            out.append(self.param(args.vararg, False, "var-positional"))
        for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            out.append(self.param(a, d is not None, "keyword"))
        if args.kwarg is not None:
            out.append(self.param(args.kwarg, False, "var-keyword"))
        return out

    def param(
        self,
        a: ast.arg,
        has_default: bool,
        kind: Literal["positional", "keyword", "var-positional", "var-keyword"],
    ) -> Parameter:
        r = self.cols.range(a)
        name_range = Range.of(
            r.start.line, r.start.column, r.start.line, r.start.column + len(a.arg)
        )
        return Parameter(a.arg, name_range, self.annotation(a.annotation), has_default, kind)

    def decorator(self, node: ast.expr) -> RawDecorator | None:
        called = isinstance(node, ast.Call)
        func = node.func if isinstance(node, ast.Call) else node
        chain: list[str] = []
        f = func
        while isinstance(f, ast.Attribute):
            chain.append(f.attr)
            f = f.value
        if not isinstance(f, ast.Name):
            return None
        chain.append(f.id)
        chain.reverse()
        r = self.cols.range(func)
        if isinstance(func, ast.Attribute):
            method_range = Range.of(
                r.end.line, r.end.column - len(func.attr), r.end.line, r.end.column
            )
        else:
            method_range = r
        dec = RawDecorator(
            chain=chain, range=self.cols.range(node), method_range=method_range, called=called
        )
        if isinstance(node, ast.Call):
            limit = node.lineno - 1
            for a in node.args:
                if isinstance(a, ast.Starred):
                    dec.has_star_args = True
                    continue
                dec.args.append(self.value(a, limit))
            for k in node.keywords:
                kr = self.cols.range(k)
                name_range = (
                    Range.of(
                        kr.start.line, kr.start.column, kr.start.line, kr.start.column + len(k.arg)
                    )
                    if k.arg
                    else kr
                )
                dec.keywords.append(Keyword(k.arg, self.value(k.value, limit), name_range))
        return dec


def _callee(node: ast.expr) -> ast.expr:
    return node.func if isinstance(node, ast.Call) else node


def _runtime_doc(raw: str | None) -> str | None:
    """The docstring as ``func.__doc__`` holds it on the running Python."""
    if raw is None:
        return None
    if sys.version_info >= (3, 13):
        # 3.13 strips the common indentation of docstrings at compile time.
        lines = raw.expandtabs().split("\n")
        rest = [ln for ln in lines[1:] if ln.strip()]
        margin = min((len(ln) - len(ln.lstrip()) for ln in rest), default=0)
        return "\n".join([lines[0], *(ln[margin:] if ln.strip() else "" for ln in lines[1:])])
    return raw


def mcp_description(doc: str | None) -> str:
    """What ``mcp_tool`` makes of a docstring."""
    return textwrap.dedent(doc or "").strip()


def _looks_like_member(qualname: str) -> bool:
    parts = qualname.split(".")
    return len(parts) >= 2 and parts[-2][:1].isupper()


def _public_name(q: str | None) -> str | None:
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


def analyse_module(path: str, text: str) -> ModuleInfo:
    """Analyse one module's source; never raises on bad input."""
    body: list[ast.stmt]
    problems: list[Problem] = []
    partial = False
    try:
        body = ast.parse(text, filename=path).body
    except SyntaxError as e:
        line = max((e.lineno or 1) - 1, 0)
        lines = LineIndex(text)
        line_text = lines.line_text(line)
        col = max((e.offset or 1) - 1, 0)
        col = min(col, len(line_text))
        end_line = max((getattr(e, "end_lineno", None) or (line + 1)) - 1, line)
        end_col = getattr(e, "end_offset", None)
        if end_line == line:
            # Python versions disagree on end offsets past the end of the line: clamp to it.
            end_col_i = max((end_col or 0) - 1, col + 1)
            end_col_i = max(min(end_col_i, len(line_text)), col)
        else:
            end_col_i = max((end_col or 1) - 1, 0)
        problems.append(
            Problem(
                "python-syntax",
                e.msg,
                path,
                Range.of(line, col, end_line, end_col_i),
                {"line_text": line_text},
            )
        )
        body = _recover(text)
        partial = True
    except ValueError as e:  # e.g. null bytes
        problems.append(Problem("python-syntax", str(e), path, Range.point(0, 0)))
        body = []
        partial = True
    analyser = _Analyser(path, text)
    info = analyser.run(body)
    info.problems.extend(problems)
    info.partial = partial
    return info
