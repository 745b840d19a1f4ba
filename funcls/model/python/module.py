"""Static analysis of one Python module: imports, constants, app objects, decorated functions.

Nothing here imports or runs the module. A file with a syntax error still yields every
top-level statement that parses on its own, plus the error and its exact position.
"""

from __future__ import annotations

import ast
import os
import sys
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Literal

from funcls.model.locations import LineIndex, Position, Range
from funcls.model.python.conditions import (
    catches_import_error,
    folder_of,
    is_type_checking,
    main_guard,
)
from funcls.model.python.exprs import ExpressionReader, public_name
from funcls.model.python.facts import (
    AppCreation,
    Assignment,
    ImportRecord,
    Keyword,
    LazyKeyword,
    LazyParameter,
    LazyPyFunction,
    ModuleInfo,
    PyFunction,
    PyValue,
    RawDecorator,
    RegisterCall,
    ValueKind,
)
from funcls.model.python.limits import TooCostly, check_parse_cost
from funcls.model.python.recover import REPAIRED, recover_statements
from funcls.model.shift import Memo, Shift, Unshiftable, shifter
from funcls.model.signature import Parameter, Problem, Scope

__all__ = [
    "APP_CLASSES",
    "AppCreation",
    "Assignment",
    "ImportRecord",
    "Keyword",
    "ModuleInfo",
    "PyFunction",
    "PyValue",
    "RawDecorator",
    "RegisterCall",
    "ValueKind",
    "analyse_module",
    "mcp_description",
]
_new = tuple.__new__
# Classes whose instances hold functions, by the last part of their qualified name.
APP_CLASSES = {
    "azure.functions.FunctionApp": "FunctionApp",
    "azure.functions.AsgiFunctionApp": "AsgiFunctionApp",
    "azure.functions.WsgiFunctionApp": "WsgiFunctionApp",
    "azure.functions.Blueprint": "Blueprint",
    "azure.durable_functions.DFApp": "DFApp",
    "azure.durable_functions.Blueprint": "DFBlueprint",
}


# The fields that hold statements (or the except handlers and match cases that hold them), in
# the order of each node's ``_fields``.
_STATEMENT_LISTS = ("body", "handlers", "orelse", "finalbody", "cases")
# The statements that hold no other statement.
_SIMPLE = frozenset(
    {
        ast.Expr,
        ast.Return,
        ast.Assign,
        ast.AugAssign,
        ast.AnnAssign,
        ast.Pass,
        ast.Break,
        ast.Continue,
        ast.Import,
        ast.ImportFrom,
        ast.Global,
        ast.Nonlocal,
        ast.Raise,
        ast.Assert,
        ast.Delete,
    }
)


def statements(node: ast.stmt) -> Iterator[ast.AST]:
    """``node`` and the statements inside it (with the except handlers and match cases
    between), in the order ``ast.walk`` gives them. ``ast.walk`` also goes through every
    expression, where no statement can be: walking function bodies with it was a tenth of
    indexing (issue 16). Breadth first like ``ast.walk``: dropping nodes whose subtrees hold
    no statement keeps the others' order, as their parents are all kept."""
    todo: deque[ast.AST] = deque((node,))
    pop = todo.popleft
    extend = todo.extend
    while todo:
        n = pop()
        yield n
        for name in _STATEMENT_LISTS:
            children = getattr(n, name, None)
            if children and isinstance(children, list):
                extend(children)


class _Analyser(ExpressionReader):
    """Walks a module's statements and records what the indexers need."""

    _top: Scope = "module"  # "main" inside `if __name__ == "__main__":`
    # The defs of the previous analysis of this file, and those of this one (function_statement)
    memo_in: dict[tuple[object, ...], Any] | None = None
    memo_out: dict[tuple[object, ...], Any] | None = None
    _state: tuple[object, ...] | None = None
    _body: list[ast.stmt] | None = None  # the module's statements (``run``)
    # The top-level call statement ``main()`` whose def's body is being read for the
    # registrations it makes (``maybe_called_def``): they run, and are placed, there.
    _site: ast.stmt | None = None

    # The defs of this analysis that are copies of the last one's moved by lines added or
    # removed above them: id(new) -> (new, old, shift) (see ``moved_defs``).
    moved: dict[int, tuple[PyFunction, PyFunction, Shift]]
    # id(new) -> what its copy made of each object and range of the def it was copied from
    # (see ``moved_copies``).
    copied: dict[int, Memo]

    def run(self, body: list[ast.stmt], offsets: list[int] | None = None) -> ModuleInfo:
        """``offsets``: lines to add to each top-level statement's positions first (a statement
        below lines added or removed, see ``_splice``); a def whose analysis is kept needs
        none, the others are moved in place and their offset set to 0."""
        # Module-level names bound to a literal tuple or list (blueprints to register in a loop).
        self._sequences: dict[str, list[ast.expr]] = {}
        self._branch: tuple[tuple[int, int], ...] = ()
        self._import_guard = 0  # > 0 inside try/except ImportError or `if TYPE_CHECKING:`
        self._fallback = 0  # > 0 inside the handler of a try that catches ImportError
        self.moved = {}
        self.copied = {}
        self._by_text: dict[tuple[object, ...], list[tuple[int, Any]]] | None = None
        self.info.sequences = _fixed_sequences(body)
        self._body = body
        if offsets is None:
            self.module_body(body)
            return self.info
        for i, stmt in enumerate(body):
            off = offsets[i]
            if off:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and self._kept(
                    stmt, off
                ):
                    continue
                ast.increment_lineno(stmt, off)
                offsets[i] = 0
            self.statement(stmt)
        return self.info

    def module_body(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.statement(stmt)

    def statement(self, stmt: ast.stmt) -> None:
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._state = None  # imports or constants may change below
        self._statement(stmt)

    def function_statement(self, stmt: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """A def: its function (and what is nested in it), or the same as last time when
        its lines, its place and what it reads of the module (imports, constants) are the
        same (incremental indexing: a keystroke analyses the def it changed, not every def of
        the module; the memo belongs to the caller, see ``analyse_module``)."""
        if self.memo_in is None:  # a one-shot analysis: no memo to read or fill (issue 16)
            self.function(stmt, self._top)
            self.nested(stmt.body)
            return
        if self._kept(stmt, 0):
            return
        key = self._memo_key(stmt, 0)
        if key is not None and self.memo_in is not None and self.memo_out is not None:
            state = self._state_now()
            n_functions, n_apps = len(self.info.functions), len(self.info.app_creations)
            self.function(stmt, self._top)
            self.nested(stmt.body)
            made = list(self.info.functions[n_functions:])
            self.memo_out[key] = (state, made, list(self.info.app_creations[n_apps:]))
            return
        self.function(stmt, self._top)
        self.nested(stmt.body)

    def _kept(self, stmt: ast.FunctionDef | ast.AsyncFunctionDef, off: int) -> bool:
        """Whether the def (its lines ``off`` below where its syntax tree says) is the same
        as in the last analysis, then its functions are added from there: the same objects
        when it stands where it stood, copies moved by the lines added or removed above it
        otherwise (a keystroke that adds a line moves every def below it)."""
        key = self._memo_key(stmt, off)
        if key is None or self.memo_in is None or self.memo_out is None:
            return False
        state = self._state_now()
        kept = self.memo_in.get(key)
        if kept is None or kept[0] != state:
            kept = self._moved_copy(key, state)
            if kept is None:
                return False
        else:
            # Moved by an earlier analysis of the same lines (the file analysed again before
            # the app was indexed): still a copy of the def it was copied from.
            before = self.memo_in.get(_MOVED)
            copied = self.memo_in.get(_COPIED) or {}
            if before:
                for f in kept[1]:
                    entry = before.get(id(f))
                    if entry is not None and entry[0] is f:
                        self.moved[id(f)] = entry
                        if id(f) in copied:
                            self.copied[id(f)] = copied[id(f)]
        # The same objects: the indexer keeps what it built from them (maybe_apply copies a
        # def before it changes one).
        self.info.functions.extend(kept[1])
        self.info.app_creations.extend(kept[2])
        self.memo_out[key] = kept
        return True

    def _moved_copy(self, key: tuple[object, ...], state: tuple[object, ...]) -> Any:
        """The last analysis of a def with the same text and state on another line, moved
        to ``key``'s line; None when there is none (or it holds what cannot be moved)."""
        assert self.memo_in is not None
        if self._by_text is None:
            self._by_text = {}
            for k, v in self.memo_in.items():
                if len(k) == 4 and isinstance(k[1], int):
                    self._by_text.setdefault((k[0], k[2], k[3]), []).append((k[1], v))
        first = key[1]
        assert isinstance(first, int)
        for was, kept in self._by_text.get((key[0], key[2], key[3]), ()):
            if was == first or kept[0] != state:
                continue
            shift = Shift(self.path, was - 1, first - was)
            copies: Memo = {}
            try:
                moved = shifter(shift, memo=copies)
                made = [moved(f) for f in kept[1]]
                apps = [moved(a) for a in kept[2]]
            except Unshiftable:
                return None
            for new, old in zip(made, kept[1], strict=True):
                self.moved[id(new)] = (new, old, shift)
                self.copied[id(new)] = copies
            return (state, made, apps)
        return None

    def _memo_key(
        self, stmt: ast.FunctionDef | ast.AsyncFunctionDef, off: int
    ) -> tuple[object, ...] | None:
        if self.memo_in is None or self._branch or self._import_guard:
            return None
        first = min([stmt.lineno, *(d.lineno for d in stmt.decorator_list)]) + off
        last = (stmt.end_lineno or stmt.lineno) + off
        # With the column the def ends at: the statements recovered from a file with a syntax
        # error may end inside a line, where a def of the same lines parsed whole does not.
        text = "\n".join(self._segments[first - 1 : last])
        return (text, first, self._top, stmt.end_col_offset)

    def _state_now(self) -> tuple[object, ...]:
        if self._state is None:
            info = self.info
            self._state = (
                tuple(info.imports.items()),
                tuple(
                    (name, info.constant_lines.get(name), value)
                    for name, value in info.constants.items()
                ),
            )
        return self._state

    def _statement(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    self.info.imports[alias.asname] = alias.name
                    local = alias.asname
                else:
                    local = alias.name.split(".")[0]
                    self.info.imports[local] = local
                self.info.import_records.append(
                    ImportRecord(
                        local,
                        alias.name,
                        None,
                        0,
                        self.cols.range(stmt),
                        self._import_guard > 0,
                        self._fallback > 0,
                    )
                )
        elif isinstance(stmt, ast.ImportFrom):
            module = stmt.module or ""
            for alias in stmt.names:
                if alias.name == "*":
                    self.info.star_import = True
                    continue
                local = alias.asname or alias.name
                prefix = "." * stmt.level + (f"{module}." if module else "")
                self.info.imports[local] = prefix + alias.name
                self.info.import_records.append(
                    ImportRecord(
                        local,
                        module,
                        alias.name,
                        stmt.level,
                        self.cols.range(stmt),
                        self._import_guard > 0,
                        self._fallback > 0,
                    )
                )
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            value = stmt.value
            if value is None:
                return
            if isinstance(value, ast.Call):
                # ``submit = app.route(...)(submit_job)``: applied by hand and kept in a name;
                # the decorator registers the function when it runs either way.
                self.maybe_apply(value)
            wraps = (
                value.args[0].id
                if isinstance(value, ast.Call)
                and value.args
                and isinstance(value.args[0], ast.Name)
                else None
            )
            for t in targets:
                self.binds(t, wraps)
                if isinstance(t, ast.Name):
                    self.alias(t.id, value)
                    self.assignment(t.id, stmt, value, top_level=True)
                    if isinstance(value, (ast.Tuple, ast.List)):
                        self._sequences[t.id] = list(value.elts)
                    else:
                        self._sequences.pop(t.id, None)
        elif isinstance(stmt, ast.AugAssign):
            self.binds(stmt.target)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            self.maybe_apply(stmt.value)
            self.maybe_register(stmt.value, stmt)
            self.maybe_called_def(stmt.value, stmt)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.function_statement(stmt)
        elif isinstance(stmt, ast.ClassDef):
            self.info.classes[stmt.name] = [
                q for q in (self.qualify(_callee(d)) for d in stmt.decorator_list) if q
            ]
            bases = {self.qualify(_callee(b)) for b in stmt.bases}
            if bases & {"typing.Protocol", "typing_extensions.Protocol"}:
                self.info.protocols.add(stmt.name)
            else:
                self.info.protocols.discard(stmt.name)
            for item in stmt.body:
                if (
                    isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and item.decorator_list
                ):
                    self.function(item, "class")
        elif isinstance(stmt, ast.If):
            guard = main_guard(stmt.test)
            type_checking = is_type_checking(stmt.test)
            self._import_guard += type_checking
            with self.arm(stmt, 0):
                self.guarded(stmt.body, guard is True)
            self._import_guard -= type_checking
            with self.arm(stmt, 1):
                self.guarded(stmt.orelse, guard is False)
        elif isinstance(stmt, ast.Try):
            # try/except ImportError: the handler runs instead of the body (the import that
            # fails comes first); any other handler may run after part of the body did.
            exclusive = any(catches_import_error(h) for h in stmt.handlers)
            shields = any(catches_import_error(h, broadly=True) for h in stmt.handlers)
            self._import_guard += shields
            with self.arm(stmt, 0, exclusive):
                self.module_body(stmt.body)
            self._import_guard -= shields
            with self.arm(stmt, 0, exclusive):
                self.module_body(stmt.orelse)
            for i, h in enumerate(stmt.handlers, start=1):
                fallback = catches_import_error(h, broadly=True)
                self._fallback += fallback
                with self.arm(stmt, i, catches_import_error(h)):
                    self.module_body(h.body)
                self._fallback -= fallback
            self.module_body(stmt.finalbody)
        elif isinstance(stmt, ast.With):
            for with_item in stmt.items:
                if with_item.optional_vars is not None:
                    self.binds(with_item.optional_vars)
            self.module_body(stmt.body)
        elif isinstance(stmt, ast.For):
            self.binds(stmt.target)
            self.loop(stmt)

    def binds(self, target: ast.expr, wraps: str | None = None) -> None:
        """The names a top-level statement binds by assignment (``ModuleInfo.assignments``);
        those of ``if __name__ == "__main__":`` are not bound when the host imports the
        module."""
        if self._top != "module":
            return
        if isinstance(target, ast.Name):
            self.info.assignments.append(Assignment(target.id, self.cols.range(target), wraps))
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.binds(element)
        elif isinstance(target, ast.Starred):
            self.binds(target.value)

    def loop(self, stmt: ast.For) -> None:
        """``for bp in (a, b): app.register_functions(bp)``: one registration per element of
        a literal tuple or list, or of a module-level name bound to one."""
        if not isinstance(stmt.target, ast.Name):
            return
        elements: list[ast.expr] | None = None
        if isinstance(stmt.iter, (ast.Tuple, ast.List)):
            elements = list(stmt.iter.elts)
        elif isinstance(stmt.iter, ast.Name):
            elements = self._sequences.get(stmt.iter.id)
        if elements is None:
            # A sequence funcls cannot read here (imported from another module, built by a
            # call): each registration is recorded as written, with the loop variable and the
            # sequence's name, so the indexer can read a literal list another module of the
            # app binds (ModuleInfo.sequences); otherwise its argument, the loop variable, is
            # one funcls cannot follow (AZF312 information), and the blueprints the loop may
            # register are not called unregistered (AZF307).
            over = _name_chain(stmt.iter)
            if len(over) > 2 or _uses(self._body or [], over) != 1:
                over = []  # changed or read elsewhere here (``append``, ``+=``): not certain
            for inner in stmt.body:
                if isinstance(inner, ast.Expr) and isinstance(inner.value, ast.Call):
                    self.maybe_register(
                        inner.value, inner, over=(stmt.target.id, over) if over else None
                    )
            return
        for inner in stmt.body:
            if not (isinstance(inner, ast.Expr) and isinstance(inner.value, ast.Call)):
                continue
            call, var = inner.value, stmt.target.id
            uses_var = any(
                isinstance(n, ast.Name) and n.id == var
                for a in [*call.args, *(k.value for k in call.keywords)]
                for n in ast.walk(a)
            )
            for element in elements if uses_var else elements[:1]:
                self.maybe_register(call, inner, {var: element})

    def maybe_called_def(self, call: ast.Call, stmt: ast.stmt) -> None:
        """``main()`` at the top level, ``main`` a def of this module above it: the call runs
        the def's body while the worker imports the module, so the registrations among its
        own statements (``app.register_functions(bp)``, a loop over a literal list bound in
        the body) are the module's, made on the call's line. Only a plain def that takes no
        argument, and only its straight-line statements: a branch inside it may not run. Not
        under ``if __name__ == "__main__":``, which does not run when the worker imports."""
        if self._top != "module" or not isinstance(call.func, ast.Name):
            return
        if call.args or call.keywords or self._site is not None:
            return
        node = self._def_above(call.func.id, stmt)
        if node is None or node.decorator_list:
            return
        args = node.args
        if len(args.defaults) < len(args.posonlyargs) + len(args.args) or any(
            d is None for d in args.kw_defaults
        ):
            return  # a required parameter: the call raises TypeError before the body runs
        outer = self._sequences
        self._sequences = dict(outer)
        self._site = stmt
        try:
            for inner in node.body:
                if isinstance(inner, ast.Assign):
                    for target in inner.targets:
                        if isinstance(target, ast.Name):
                            if isinstance(inner.value, (ast.Tuple, ast.List)):
                                self._sequences[target.id] = list(inner.value.elts)
                            else:
                                self._sequences.pop(target.id, None)
                elif isinstance(inner, ast.Expr) and isinstance(inner.value, ast.Call):
                    self.maybe_register(inner.value, inner)
                elif isinstance(inner, ast.For):
                    self.loop(inner)
        finally:
            self._sequences = outer
            self._site = None

    def _def_above(self, name: str, stmt: ast.stmt) -> ast.FunctionDef | None:
        """The top-level ``def name`` bound when ``stmt`` runs: the last one above it when
        ``stmt`` is a top-level statement, else (a call inside a top-level ``if``/``try``)
        the module's last one."""
        found = None
        for s in self._body or []:
            if s is stmt:
                break
            if isinstance(s, ast.FunctionDef) and s.name == name:
                found = s
            elif isinstance(s, ast.AsyncFunctionDef) and s.name == name:
                found = None  # calling an async def runs nothing
        return found

    @contextmanager
    def arm(self, stmt: ast.stmt, arm: int, exclusive: bool = True) -> Iterator[None]:
        """Statements of one arm of a branch (see PyFunction.branch)."""
        outer = self._branch
        if exclusive:
            self._branch = (*outer, (stmt.lineno, arm))
        try:
            yield
        finally:
            self._branch = outer

    def guarded(self, body: list[ast.stmt], main_only: bool) -> None:
        outer = self._top
        if main_only:
            self._top = "main"
        try:
            self.module_body(body)
        finally:
            self._top = outer

    def nested(self, body: list[ast.stmt]) -> None:
        """Decorated defs and app objects inside a function body (the host never sees them)."""
        for node in body:
            if type(node) in _SIMPLE:
                # A statement that holds no other (most of a body): itself only, without
                # ``statements``' generator (issue 16).
                if type(node) is ast.Assign and isinstance(node.value, ast.Call):
                    for t in node.targets:
                        if isinstance(t, ast.Name):
                            self.assignment(t.id, node, node.value, top_level=False)
                continue
            for sub in statements(node):
                if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)) and sub.decorator_list:
                    self.function(sub, "function")
                elif isinstance(sub, ast.Assign) and isinstance(sub.value, ast.Call):
                    for t in sub.targets:
                        if isinstance(t, ast.Name):
                            self.assignment(t.id, sub, sub.value, top_level=False)

    def alias(self, name: str, value: ast.expr) -> None:
        """``func = importlib.import_module("azure.functions")`` and ``make = func.FunctionApp``
        (possibly through cast/getattr) name what an import would: record them so."""
        module = self.imported_module(value)
        if module is not None:
            self.info.imports[name] = module
            return
        inner = self.unwrap(value)
        if isinstance(inner, (ast.Name, ast.Attribute)):
            q = self.qualify(inner)
            if q is not None and "." in q:
                self.info.imports[name] = q

    def assignment(self, name: str, stmt: ast.stmt, value: ast.expr, top_level: bool) -> None:
        if isinstance(value, ast.Call):
            q = self.qualify(value.func)
            kind = APP_CLASSES.get(public_name(q) or "") if q else None
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

    def maybe_apply(self, call: ast.Call) -> str | None:
        """``app.route("users")(create_user)``: a decorator applied by hand to a def of this
        module, as the outermost one (``app.route(...)(app.queue_output(...)(f))`` nests).
        Returns the def's name."""
        if not (isinstance(call.func, ast.Call) and len(call.args) == 1 and not call.keywords):
            return None
        arg = call.args[0]
        if isinstance(arg, ast.Name):
            name: str | None = arg.id
        elif isinstance(arg, ast.Call):
            name = self.maybe_apply(arg)
        else:
            return None
        pyf = self.info.function(name) if name else None
        dec = self.decorator(call.func) if pyf is not None else None
        if pyf is None or dec is None or len(dec.chain) != 2:
            return None
        # A copy: the def's object may be shared with the memo of earlier analyses.
        copy = _fresh(pyf)
        at = next(i for i, f in enumerate(self.info.functions) if f is pyf)
        self.info.functions[at] = copy
        copy.decorators.insert(0, dec)
        return name

    def maybe_sys_path(self, call: ast.Call) -> None:
        """``sys.path.insert(0, <dir>)`` / ``sys.path.append(<dir>)`` with a folder funcls can
        work out: a literal (relative to the app folder, the worker's working directory) or
        built from ``__file__`` (``os.path.join(os.path.dirname(__file__), "src")``,
        ``Path(__file__).parent / "src"``)."""
        f = call.func
        if not (isinstance(f, ast.Attribute) and f.attr in ("insert", "append")):
            return
        if self.qualify(f.value) != "sys.path":
            return
        arg = call.args[-1] if call.args else None
        here = os.path.dirname(os.path.abspath(self.path))
        folder = folder_of(arg, here, self.qualify) if arg is not None else None
        if folder is not None:
            self.info.sys_paths.append(os.path.normpath(folder))

    def maybe_register(
        self,
        call: ast.Call,
        stmt: ast.stmt,
        loop: dict[str, ast.expr] | None = None,
        over: tuple[str, list[str]] | None = None,
    ) -> None:
        """A registration call; ``loop`` maps a loop variable to the element it stands for,
        ``over`` names the loop variable and the sequence it runs over when this module does
        not bind that sequence."""
        self.maybe_sys_path(call)
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
        if loop and isinstance(node, ast.Name) and node.id in loop:
            if arg_node is node:
                arg_node = loop[node.id]
            node = loop[node.id]
            while isinstance(node, ast.Attribute):
                chain.append(node.attr)
                node = node.value
        if isinstance(node, ast.Name):
            chain.append(node.id)
        chain.reverse()
        looped = over is not None and chain == [over[0]]
        self.info.registrations.append(
            RegisterCall(
                app_var=f.value.id,
                method=f.attr,
                range=self.cols.range(self._site or stmt),
                arg=self.value(arg_node) if arg_node is not None else None,
                arg_chain=chain,
                loop_var=over[0] if looped and over is not None else None,
                loop_over=over[1] if looped and over is not None else None,
            )
        )

    def function(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        scope: Scope,
    ) -> None:
        cols = self.cols
        decorator_list = node.decorator_list
        decorators = [self.decorator(d) for d in decorator_list] if decorator_list else []
        first = decorator_list[0] if decorator_list else node
        name_line = node.lineno
        end_lineno, end_col_offset = node.end_lineno, node.end_col_offset
        line_text = self._segments[name_line - 1] if name_line - 1 < len(self._segments) else ""
        params = self.parameters(node.args)
        # ast.get_docstring(node, clean=False), without its isinstance(…, ast.Str): a class
        # check written in Python, deprecated, a tenth of a small def's analysis (issue 16).
        raw_doc = None
        body = node.body
        if body and isinstance(body[0], ast.Expr):
            doc_node = body[0].value
            if isinstance(doc_node, ast.Constant) and isinstance(doc_node.value, str):
                raw_doc = doc_node.value
        returns = node.returns
        if self.lazy_defs and end_lineno and end_col_offset is not None:  # most (issue 16)
            idx = line_text.find(node.name, node.col_offset)
            if idx >= 0:
                # Its ranges made when read (facts.LazyPyFunction, issue 16): a check with no
                # finding reads only where the def starts.
                self.info.functions.append(
                    LazyPyFunction(
                        (
                            first.lineno - 1,
                            first.col_offset,
                            end_lineno - 1,
                            end_col_offset,
                            name_line - 1,
                            idx,
                            idx + len(node.name),
                        ),
                        node.name,
                        isinstance(node, ast.AsyncFunctionDef),  # is_async
                        params,
                        None if returns is None else self.annotation(returns),
                        [d for d in decorators if d is not None] if decorators else [],
                        scope,
                        raw_doc if raw_doc is None else _runtime_doc(raw_doc),  # docstring
                        body[0].lineno - 1 if body else name_line - 1,  # body_line
                        self._branch,
                        getattr(node, REPAIRED, False),  # partial_signature
                    )
                )
                return
        if cols.all_ascii and end_lineno and end_col_offset is not None:  # most texts (issue 16)
            def_range = _new(
                Range,
                (
                    _new(Position, (first.lineno - 1, first.col_offset)),
                    _new(Position, (end_lineno - 1, end_col_offset)),
                ),
            )
            name_from = node.col_offset
        else:
            start_line, start_column = cols.start(first)
            end_line, end_column = cols.end(node)
            def_range = Range.of(start_line, start_column, end_line, end_column)
            name_from = cols.col(name_line, node.col_offset)
        idx = line_text.find(node.name, name_from)
        name_range = (
            _new(
                Range,
                (
                    _new(Position, (name_line - 1, idx)),
                    _new(Position, (name_line - 1, idx + len(node.name))),
                ),
            )
            if idx >= 0
            else cols.range(node)
        )
        # The fields in their order, without keywords (issue 16: parsing a dozen keywords
        # costs as much as the rest of the call).
        self.info.functions.append(
            PyFunction(
                node.name,
                name_range,
                def_range,
                isinstance(node, ast.AsyncFunctionDef),  # is_async
                params,
                None if returns is None else self.annotation(returns),
                [d for d in decorators if d is not None] if decorators else [],
                scope,
                raw_doc if raw_doc is None else _runtime_doc(raw_doc),  # docstring
                body[0].lineno - 1 if body else name_line - 1,  # body_line
                self._branch,
                getattr(node, REPAIRED, False),  # partial_signature
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
        # The name starts the parameter.
        annotation = a.annotation
        if self.lazy_defs:
            # Its range made when read (facts.LazyParameter, issue 16): a check with no
            # finding reads none.
            column = a.col_offset
            return LazyParameter(
                (a.lineno - 1, column, column + len(a.arg)),
                a.arg,
                None if annotation is None else self.annotation(annotation),
                has_default,
                kind,
            )
        if self.cols.all_ascii:
            line, column = a.lineno - 1, a.col_offset
        else:
            line, column = self.cols.start(a)
        name_range = _new(
            Range, (_new(Position, (line, column)), _new(Position, (line, column + len(a.arg))))
        )
        return Parameter(
            a.arg,
            name_range,
            None if annotation is None else self.annotation(annotation),
            has_default,
            kind,
        )

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
        if isinstance(func, ast.Attribute):  # the attribute's name ends it
            if self.cols.all_ascii and func.end_lineno and func.end_col_offset is not None:
                line, column = func.end_lineno - 1, func.end_col_offset
            else:
                line, column = self.cols.end(func)
            method_range = _new(
                Range,
                (_new(Position, (line, column - len(func.attr))), _new(Position, (line, column))),
            )
        else:
            method_range = self.cols.range(func)
        dec = RawDecorator(chain, self.cols.range(node), method_range, called)
        if isinstance(node, ast.Call):
            limit = node.lineno - 1
            for a in node.args:
                if isinstance(a, ast.Starred):
                    dec.has_star_args = True
                    continue
                dec.args.append(self.value(a, limit))
            for k in node.keywords:
                if k.arg:  # the keyword's name starts it
                    if self.cols.all_ascii:
                        line, column = k.lineno - 1, k.col_offset
                        # Its range made when read (facts.LazyKeyword, issue 16).
                        at = (line, column, column + len(k.arg))
                        dec.keywords.append(LazyKeyword(k.arg, self.value(k.value, limit), at))
                        continue
                    line, column = self.cols.start(k)
                    name_range = _new(
                        Range,
                        (
                            _new(Position, (line, column)),
                            _new(Position, (line, column + len(k.arg))),
                        ),
                    )
                else:
                    name_range = self.cols.range(k)
                dec.keywords.append(Keyword(k.arg, self.value(k.value, limit), name_range))
        return dec


def _fresh(f: PyFunction) -> PyFunction:
    """A copy whose decorator list may change (``maybe_apply`` inserts into it)."""
    if type(f) is LazyPyFunction:
        return f.fresh(list(f.decorators))
    return replace(f, decorators=list(f.decorators))


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
    import textwrap  # for mcp_tool's description only (issue 16: not at import)

    return textwrap.dedent(doc or "").strip()


def _too_deep(path: str, text: str, error: BaseException) -> Problem:
    """A problem for a module nested too deeply to parse, at its longest line (Python does not
    say where; a long chain of operators is the usual cause)."""
    lines = text.split("\n")
    line = max(range(len(lines)), key=lambda i: len(lines[i]))
    what = str(error) or type(error).__name__
    return Problem(
        "python-syntax",
        f"an expression nests too deeply for Python's parser ({what}), most likely on line "
        f"{line + 1}, the longest; split it into smaller expressions",
        path,
        Range.of(line, 0, line, len(lines[line])),
    )


# Memo keys of analyse_module besides the defs: keep the syntax tree of the last analysis
# (set by the caller for the files being edited), and that tree with the lines it came from.
_KEEP_TREE = ("keep-tree",)
_TREE = ("tree",)
_MOVED = ("moved",)
_COPIED = ("copied",)


def moved_defs(
    memo: dict[tuple[object, ...], Any],
) -> dict[int, tuple[PyFunction, PyFunction, Shift]]:
    """The defs of a module's last analysis (with ``memo``) that are copies of the analysis
    before moved by lines added or removed above them, by ``id``: (def, the def it was
    copied from, the shift)."""
    moved = memo.get(_MOVED)
    return moved if isinstance(moved, dict) else {}


def moved_copies(memo: dict[tuple[object, ...], Any]) -> dict[int, Memo]:
    """For each def of ``moved_defs``, by ``id``: what its copy made of each object and
    range it copied (``shift.shifter``'s memo), for the ``Function`` built from the def it
    was copied from to be moved with the same copies (``V2Indexer._moved``)."""
    copied = memo.get(_COPIED)
    return copied if isinstance(copied, dict) else {}


def keep_tree(memo: dict[tuple[object, ...], Any], keep: bool = True) -> None:
    """Ask ``analyse_module`` to keep this file's syntax tree between analyses, so that an
    edit inside one top-level statement parses that statement only (for open documents), or
    (``keep=False``) to drop it."""
    if keep:
        memo[_KEEP_TREE] = True
    else:
        memo.pop(_KEEP_TREE, None)
        memo.pop(_TREE, None)


class _Tree:
    """The syntax tree an open document's last analysis was made from: its lines, its
    top-level statements, and for each statement the lines to add to the positions its
    nodes hold (statements below lines added or removed are moved only when analysed again,
    see ``_Analyser.run``)."""

    __slots__ = ("body", "lines", "offsets")

    def __init__(self, lines: list[str], body: list[ast.stmt], offsets: list[int]) -> None:
        self.lines = lines
        self.body = body
        self.offsets = offsets


def _only_blank_or_comments(lines: list[str]) -> bool:
    for line in lines:
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return False
    return True


def _splice(tree: _Tree, text: str) -> tuple[list[ast.stmt], list[int]] | None:
    """The module's statements (and their line offsets) when ``text`` differs from the
    tree's lines only inside one top-level statement, or only by blank and comment lines
    between statements: the old statements, with that one parsed again on its own and the
    ones below moved by the lines added or removed. None when the change is anything else
    (a full parse then).

    A statement of whole lines that parses on its own into one statement ending on its last
    line is what the whole file's parse gives there too: the statement before it ended on an
    earlier line and the one after starts at column 0 of a later line. Blank and comment
    lines outside every statement belong to none."""
    old, body, offsets = tree.lines, tree.body, tree.offsets
    new = text.split("\n")
    if not body:
        return None
    n, m = len(old), len(new)
    first = 0
    limit = min(n, m)
    while first < limit and new[first] == old[first]:
        first += 1
    if first == n == m:
        return list(body), list(offsets)
    same_end = 0
    while same_end < limit - first and new[m - 1 - same_end] == old[n - 1 - same_end]:
        same_end += 1
    # Old lines [first, old_end) became new lines [first, new_end) (zero-based).
    old_end, new_end = n - same_end, m - same_end
    delta = m - n
    spans = []
    for s, off in zip(body, offsets, strict=True):
        start = min([s.lineno, *(d.lineno for d in getattr(s, "decorator_list", []))]) + off
        spans.append((start, (s.end_lineno or s.lineno) + off))
    # The statements the changed lines touch: that overlap the old lines replaced, or hold
    # lines inserted strictly inside them (spans are 1-based, the lines zero-based).
    if old_end > first:
        touched = [i for i, (a, b) in enumerate(spans) if a - 1 < old_end and first < b]
    else:
        touched = [i for i, (a, b) in enumerate(spans) if a - 1 < first < b]
    if first and new[first - 1].endswith("\\"):
        return None  # a line continued onto the changed ones
    if (
        not touched
        and _only_blank_or_comments(new[first:new_end])
        and _only_blank_or_comments(old[first:old_end])
    ):
        # Between statements: those below move.
        return list(body), [
            o + delta if a - 1 >= old_end else o for o, (a, _) in zip(offsets, spans, strict=True)
        ]
    # An insertion between two statements joins the one above or the one below.
    candidates = touched or [i for i, (a, b) in enumerate(spans) if b == first or a - 1 == old_end]
    for k in candidates[:2]:
        start, end = spans[k]
        if not (start - 1 <= first and old_end <= end):
            continue
        if k + 1 < len(body) and spans[k + 1][0] <= end:
            return None  # another statement on the same line (`a = 1; b = 2`)
        if k > 0 and spans[k - 1][1] >= start:
            return None
        try:
            parsed = ast.parse("\n".join(new[start - 1 : end + delta])).body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        stmt = body[k]
        if len(parsed) != 1 or type(parsed[0]) is not type(stmt):
            continue
        ast.increment_lineno(parsed[0], start - 1)
        if (parsed[0].end_lineno or 0) != end + delta:
            continue
        return (
            [*body[:k], parsed[0], *body[k + 1 :]],
            [*offsets[:k], 0, *(o + delta for o in offsets[k + 1 :])],
        )
    return None


def analyse_module(
    path: str, text: str, memo: dict[tuple[object, ...], Any] | None = None
) -> ModuleInfo:
    """Analyse one module's source; never raises on bad input.

    ``memo``: a dict the caller keeps for this file between analyses (``Source`` does): the
    defs whose lines and context did not change since the last analysis are taken from it,
    and it is left holding this analysis' defs."""
    return _analyse(path, text, memo)[0]


def analyse_module_once(path: str, text: str) -> tuple[ModuleInfo, list[ast.stmt] | None]:
    """``analyse_module`` for a file analysed once (one-shot commands: no memo to keep), with
    the statements ``ast.parse(text)`` gives when the text parsed whole without an error
    (else None), for rules that read more of the module than the analysis keeps."""
    return _analyse(path, text, None)


# One-shot analyses (``analyse_module_once``): the statements of the small texts parsed last,
# by text. The folders of a v1 app made from one template (``func new``) hold the same
# __init__.py: on the 1,000-function bench, 540 files are 38 texts (issue 16). The statements
# are shared by the files of one text, read-only as every kept tree (the one-shot analysis
# moves none: only a memo's splice does). Small texts only, so that the texts and trees kept
# stay small.
_same_text: dict[str, list[ast.stmt]] = {}
_SAME_TEXT_KEEP = 256  # texts
_SAME_TEXT_CHARS = 16_384


def _parsed_once(text: str) -> list[ast.stmt]:
    """``ast.parse(text).body`` (it raises as ``ast.parse`` does), the same list for the same
    text while it is kept."""
    body = _same_text.get(text)
    if body is None:
        check_parse_cost(text)  # minutes in Python's parser: refused
        body = ast.parse(text).body
        if len(_same_text) >= _SAME_TEXT_KEEP:
            _same_text.clear()  # one step, whatever another thread does meanwhile
        _same_text[text] = body
    return body


def _analyse(
    path: str, text: str, memo: dict[tuple[object, ...], Any] | None
) -> tuple[ModuleInfo, list[ast.stmt] | None]:
    body: list[ast.stmt]
    problems: list[Problem] = []
    partial = False
    # Taken out while this analysis runs: it may move the tree's statements (see run).
    tree = memo.pop(_TREE, None) if memo is not None else None
    spliced: tuple[list[ast.stmt], list[int]] | None = None
    offsets: list[int] | None = None
    try:
        if memo is None and len(text) <= _SAME_TEXT_CHARS:
            body = _parsed_once(text)
        else:
            check_parse_cost(text)  # minutes in Python's parser: refused
            spliced = _splice(tree, text) if isinstance(tree, _Tree) else None
            if spliced is not None:
                body, offsets = spliced
            else:
                # No file name: for a syntax error CPython reads the error's line from the
                # named file on disk to place it (the saved text, not an editor's unsaved
                # one), and gives columns of that line; without one it uses the text parsed.
                body = ast.parse(text).body
    except TooCostly as e:
        width = len(LineIndex(text).line_text(e.line))
        problems.append(
            Problem("python-syntax", str(e), path, Range.of(e.line, e.column, e.line, width))
        )
        body = []
        partial = True
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
        body = recover_statements(text)
        partial = True
    except ValueError as e:  # e.g. null bytes
        problems.append(Problem("python-syntax", str(e), path, Range.point(0, 0)))
        body = []
        partial = True
    except (RecursionError, MemoryError) as e:
        # Python's own compiler fails the same way, so the worker cannot import the module.
        problems.append(_too_deep(path, text, e))
        body = []
        partial = True
    analyser = _Analyser(path, text)
    if memo is not None:
        analyser.memo_in, analyser.memo_out = dict(memo), {}
        analyser.lazy_defs = False
    try:
        info = analyser.run(body, offsets)
    except RecursionError as e:  # parsed, but nested deeper than the analysis follows
        problems.append(_too_deep(path, text, e))
        info = _Analyser(path, text).run([])
        partial = True
    if memo is not None and analyser.memo_out is not None:
        keep_tree = memo.get(_KEEP_TREE)
        memo.clear()
        memo.update(analyser.memo_out)
        memo[_MOVED] = analyser.moved
        memo[_COPIED] = analyser.copied
        if keep_tree:
            memo[_KEEP_TREE] = True
            if not partial:
                memo[_TREE] = _Tree(text.split("\n"), body, offsets or [0] * len(body))
    info.problems.extend(problems)
    info.partial = partial
    return info, (body if not partial and spliced is None else None)


def _name_chain(node: ast.expr) -> list[str]:
    """``a`` -> ["a"], ``a.b.c`` -> ["a", "b", "c"]; [] for anything else."""
    chain: list[str] = []
    while isinstance(node, ast.Attribute):
        chain.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return []
    chain.append(node.id)
    chain.reverse()
    return chain


def _fixed_sequences(body: list[ast.stmt]) -> dict[str, list[list[str]]]:
    """Module-level names another module may loop over to register blueprints
    (``ModuleInfo.sequences``): bound by one unconditional top-level assignment to a literal
    list or tuple of names (``[orders.bp, stock_bp]``), and named nowhere else in the module
    (no ``append``, ``+=``, second binding, ``global`` in a function, import of the same
    name), in a module that neither star-imports nor calls ``globals()`` or ``exec``. Anything
    less certain is left out, and a loop over it stays a registration funcls cannot follow
    (AZF312 information)."""
    candidates: dict[str, list[list[str]]] = {}
    for stmt in body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, (ast.List, ast.Tuple))
        ):
            name = stmt.targets[0].id
            if name in candidates:
                continue  # bound twice: dropped below (two uses)
            chains = [_name_chain(e) for e in stmt.value.elts]
            if chains and all(chains):  # names only: never ``__all__`` or a list of constants
                candidates[name] = chains
    if not candidates:
        return {}
    uses: dict[str, int] = dict.fromkeys(candidates, 0)
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name):
                if node.id in uses:
                    uses[node.id] += 1
                elif node.id in ("globals", "exec"):
                    return {}
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    bound = alias.asname or alias.name.split(".")[0]
                    if alias.name == "*":
                        return {}
                    if bound in uses:
                        uses[bound] += 2
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                for n in node.names:
                    if n in uses:
                        uses[n] += 2
    return {name: elements for name, elements in candidates.items() if uses[name] == 1}


def _uses(body: list[ast.stmt], chain: list[str]) -> int:
    """How many times the module names ``chain`` (``x`` or ``mod.x``), loads and stores."""
    count = 0
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name):
                count += len(chain) == 1 and node.id == chain[0]
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                count += len(chain) == 2 and (node.value.id, node.attr) == (chain[0], chain[1])
    return count
