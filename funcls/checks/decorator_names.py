"""AZF609: a decorator of a top-level def or class whose name the module never binds.

A function moved from function_app.py into a blueprint module keeps ``@app.route(...)``, or
``@bp.route`` is typed in function_app.py where ``bp`` is never imported. Python evaluates the
decorators of a top-level def as the module runs, so the import raises NameError ("name 'app'
is not defined"). The worker imports function_app.py, the modules it imports and v1 scripts
with ``importlib.import_module`` (azure-functions-python-worker
azure_functions_worker/loader.py, ``index_function_app`` and ``load_function``): the exception
fails the indexing, and no function of the app loads.

Only the modules the worker imports for certain are read (``imported_names.reach``, as
AZF606 follows them), never run. A name counts as bound when the module binds it anywhere
(``funcls/model/python/bound_names.py``: imports, assignments, defs, classes, loop, ``with``,
``except`` and match targets, walrus, ``global``); a module whose names cannot be known (a
``from x import *``, a module-level ``__getattr__``, ``globals()``, ``exec``…) gives no
finding, nor does a name some module stores as an attribute (``builtins.app = …``). A name
bound only under ``if TYPE_CHECKING:`` is not bound when the module runs (``typing``'s
constant is False then), so it counts as unbound.

The defs read are those whose decorators run as the module is imported: top-level ones and
those in the arms of a top-level ``if`` or ``try`` (never under ``if TYPE_CHECKING:`` or
``if __name__ == "__main__":``, nor in a ``try`` body a handler of which may catch NameError,
where the error is swallowed). A def in one arm of an ``if`` or in an ``except`` handler runs
only when that arm does: a warning.
"""

from __future__ import annotations

import ast
import builtins
import copy
import os
import re
import threading
from collections import OrderedDict

from funcls.checks.context import Context
from funcls.checks.edits import fix, fixes, replace
from funcls.checks.findings import Severity
from funcls.checks.imported_names import _effect, reached_modules
from funcls.checks.registry import REGISTRY, Example, Rule, checker
from funcls.model.python.bound_names import builtins_not_catching, module_names
from funcls.model.python.exprs import Columns
from funcls.model.python.limits import TooCostly, check_parse_cost

# A decorator at the start of a line: where a top-level def's decorators are. Only a text with
# such a name that its module does not bind is parsed (most modules bind every one).
_DECORATOR = re.compile(r"^@[ \t]*([^\W\d]\w*)", re.MULTILINE)
# Indented ones count only in a module with a top-level if or try, where a def may sit in an
# arm: the decorators of nested defs and methods (``@app.route`` in a ``def register(app):``)
# would otherwise have 44 modules of the eighth round's corpus parsed; 24 are, 8 before the
# arms were read (bench_decorator_names.py).
_INDENTED_DECORATOR = re.compile(r"^[ \t]+@[ \t]*([^\W\d]\w*)", re.MULTILINE)
_TOP_LEVEL_ARMS = re.compile(r"^(?:if|try)\b", re.MULTILINE)
_BUILTINS = frozenset(dir(builtins))
# Each module's decorator names with the text they were read from (``_decorator_bases``): the
# last text of each path, as ``bound_names.names_of`` keeps them.
_BASES: OrderedDict[str, tuple[str, frozenset[str]]] = OrderedDict()
_BASES_MAX = 1024
_BASES_LOCK = threading.Lock()
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_NOT_NAME_ERRORS = builtins_not_catching(NameError)  # a try with only these lets it through

_BLUEPRINT = (
    "import azure.functions as func\n\nbp = func.Blueprint()\n\n\n"
    '@{name}.route(route="orders")\n'
    "def list_orders(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("[]")\n'
)
_APP = (
    "import azure.functions as func\n\nfrom orders import bp\n\n"
    "app = func.FunctionApp()\napp.register_functions(bp)\n"
)

REGISTRY.add_rules(
    (
        Rule(
            "AZF609",
            "decorator-name-undefined",
            Severity.ERROR,
            "A decorator of a top-level function or class whose name the module never binds "
            "(`@app.route` left on a function moved into a blueprint module).",
            "Python runs a top-level def's decorators as it imports the module, so a name "
            "bound nowhere in it raises NameError (\"name 'app' is not defined\"). The worker "
            "imports function_app.py and the modules it imports as it indexes the app: the "
            "load fails and the app shows no functions. Every way a module binds a name counts "
            "(imports, assignments, defs, classes, loops, `with`, `except … as`, match "
            "patterns, walrus, `global`) as do builtins, but not an import under "
            "`if TYPE_CHECKING:`, which never runs; a module with a `from x import *`, a "
            "module-level `__getattr__`, `globals()` or `exec`, and modules the app never "
            "imports are left alone; a module holding functions of the app that it imports "
            "only under a condition (an `if`, a `try` catching ImportError) gets a warning, "
            "as does a def in one arm of a top-level `if` or in an `except` handler. "
            "When the module creates exactly one "
            "FunctionApp, Blueprint or DFApp, the fix uses its name.",
            Example({"function_app.py": _APP, "orders.py": _BLUEPRINT.format(name="app")}),
            Example({"function_app.py": _APP, "orders.py": _BLUEPRINT.format(name="bp")}),
            "Use the app or blueprint the module creates.",
        ),
    )
)


def _base(node: ast.expr) -> tuple[ast.Name, str] | None:
    """The name a decorator expression starts from (``app`` of ``@app.route(...)``) and the
    attribute read from it first (``route``; "" when none)."""
    attr = ""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            attr = node.attr
            node = node.value
        elif isinstance(node, ast.Subscript):
            attr = ""
            node = node.value
        elif isinstance(node, ast.Name):
            return node, attr
        else:
            return None


def _is_type_checking(test: ast.expr) -> bool:
    """``TYPE_CHECKING`` or ``typing.TYPE_CHECKING``: False when the module runs."""
    if isinstance(test, ast.Attribute):
        return test.attr == "TYPE_CHECKING"
    return isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"


def _is_not_type_checking(test: ast.expr) -> bool:
    """``not TYPE_CHECKING``: True when the module runs, so its body runs and its else never."""
    return (
        isinstance(test, ast.UnaryOp)
        and isinstance(test.op, ast.Not)
        and _is_type_checking(test.operand)
    )


def _is_main_guard(test: ast.expr) -> bool:
    """``__name__ == "__main__"``: False when the worker imports the module."""
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and len(test.comparators) == 1
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "__main__"
    )


def _may_catch_name_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return not all(isinstance(n, ast.Name) and n.id in _NOT_NAME_ERRORS for n in names)


def _decorated_defs(
    body: list[ast.stmt], arm: ast.stmt | None = None
) -> list[tuple[ast.stmt, ast.stmt | None]]:
    """The defs and classes whose decorators run as the module is imported, each with the
    ``if`` or ``try`` statement one arm of which it sits in (None: it runs whenever the import
    gets that far). See the module's docstring for what is left out."""
    out: list[tuple[ast.stmt, ast.stmt | None]] = []
    for stmt in body:
        if isinstance(stmt, _DEFS):
            out.append((stmt, arm))
        elif isinstance(stmt, ast.If):
            if _is_type_checking(stmt.test) or _is_main_guard(stmt.test):
                out += _decorated_defs(stmt.orelse, arm)  # the else arm runs on import
            elif _is_not_type_checking(stmt.test):
                out += _decorated_defs(stmt.body, arm)  # runs on import, its else never
            else:
                out += _decorated_defs(stmt.body, arm or stmt)
                out += _decorated_defs(stmt.orelse, arm or stmt)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            handlers: list[ast.ExceptHandler] = getattr(stmt, "handlers", [])
            if not any(_may_catch_name_error(h) for h in handlers):
                out += _decorated_defs(getattr(stmt, "body", []), arm)
            out += _decorated_defs(getattr(stmt, "orelse", []), arm)
            for h in handlers:
                out += _decorated_defs(h.body, arm or stmt)
            out += _decorated_defs(getattr(stmt, "finalbody", []), arm)
    return out


def _typing_only(text: str, body: list[ast.stmt], names: set[str]) -> set[str]:
    """Which of ``names`` the module binds only under ``if TYPE_CHECKING:`` (or in the else
    arm of ``if not TYPE_CHECKING:``), at the top level or in the arms of a top-level ``if``,
    ``try``, loop, ``with`` or ``match``: ``typing.TYPE_CHECKING`` is False when the module
    runs (CPython Lib/typing.py, ``TYPE_CHECKING = False``), so those imports never happen as
    the worker imports the module; the else arm of ``if TYPE_CHECKING:`` runs, and counts."""
    bound = module_names(text, _run_time(body))
    if bound is None or bound.dynamic:
        return set()
    return names - bound.names


_ARMS = ("body", "orelse", "finalbody")


def _run_time(body: list[ast.stmt]) -> list[ast.stmt]:
    """``body`` without what runs only under a type checker: the body of each ``if
    TYPE_CHECKING:`` and the else arm of each ``if not TYPE_CHECKING:``, at any depth of
    statements (defs and classes are kept whole: ``module_names`` reads no names in them but
    ``global`` and walrus ones). The statements that hold such an ``if`` are shallow copies;
    the tree itself, which the model's analysis shares, is left as it is."""
    out: list[ast.stmt] = []
    for stmt in body:
        if isinstance(stmt, ast.If) and _is_type_checking(stmt.test):
            out += _run_time(stmt.orelse)
            continue
        if isinstance(stmt, ast.If) and _is_not_type_checking(stmt.test):
            out += _run_time(stmt.body)
            continue
        if isinstance(stmt, _DEFS) or not _holds_type_checking(stmt):
            out.append(stmt)
            continue
        new = copy.copy(stmt)
        for attr in _ARMS:
            inner = getattr(stmt, attr, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                setattr(new, attr, _run_time(inner))
        for attr in ("handlers", "cases"):  # except handlers, match cases
            parts = getattr(stmt, attr, None)
            if parts:
                setattr(new, attr, [_with_body(part, _run_time(part.body)) for part in parts])
        out.append(new)
    return out


def _with_body(node: ast.AST, body: list[ast.stmt]) -> ast.AST:
    new = copy.copy(node)
    new.body = body  # type: ignore[attr-defined]
    return new


def _holds_type_checking(stmt: ast.stmt) -> bool:
    """Whether a compound statement holds an ``if`` on TYPE_CHECKING anywhere in its arms."""
    return any(
        isinstance(node, ast.If)
        and (_is_type_checking(node.test) or _is_not_type_checking(node.test))
        for node in ast.walk(stmt)
    )


def _body(ctx: Context, path: str, text: str) -> list[ast.stmt] | None:
    source = ctx.app.source
    body = source.module_body(path, text) if source is not None else None
    if body is not None:
        return body
    try:
        check_parse_cost(text)
        return ast.parse(text).body
    except (SyntaxError, ValueError, TooCostly, RecursionError, MemoryError):
        return None


def _after_newline(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` (``^…``, MULTILINE) led by the newline instead of ``^``: the regular
    expression engine looks for a literal first character with a fast scan, and tries a
    pattern that starts with ``^`` at every character (issue 16: on a blueprint module of
    500 defs, 126 kB, 10.9 M instructions for ``_DECORATOR.findall``, 1.8 M this way)."""
    return re.compile("\n" + pattern.pattern.removeprefix("^"))


_DECORATOR_AFTER_NEWLINE = _after_newline(_DECORATOR)
_INDENTED_AFTER_NEWLINE = _after_newline(_INDENTED_DECORATOR)
_ARMS_AFTER_NEWLINE = _after_newline(_TOP_LEVEL_ARMS)


def _line_findall(pattern: re.Pattern[str], after_newline: re.Pattern[str], text: str) -> list[str]:
    """``pattern.findall(text)`` for a pattern of one group that starts a line and never
    holds a newline: its match at the text's start, then those after a newline."""
    first = pattern.match(text)
    found: list[str] = after_newline.findall(text)
    return [first.group(1), *found] if first is not None else found


def _decorators(text: str) -> list[str]:
    """The names decorators at the start of a line begin with, and the indented ones in a
    module with a top-level if or try (where a def may sit in an arm)."""
    written = _line_findall(_DECORATOR, _DECORATOR_AFTER_NEWLINE, text)
    if _TOP_LEVEL_ARMS.match(text) or _ARMS_AFTER_NEWLINE.search(text):
        written += _line_findall(_INDENTED_DECORATOR, _INDENTED_AFTER_NEWLINE, text)
    return written


def _decorator_bases(path: str, text: str) -> frozenset[str]:
    """``_decorators(text)`` but builtins and dunder names, for the text of ``path``; the
    same text of a path is read once. The language server runs this checker after every
    keystroke over every module the worker imports, and all but the edited one keep their
    text (issue 16: on 2,000 functions in 4 blueprint modules, these scans were most of the
    54 M instructions AZF609 took of a keystroke's 102 M of rules)."""
    with _BASES_LOCK:
        last = _BASES.get(path)
        if last is not None and (last[0] is text or last[0] == text):
            _BASES.move_to_end(path)
            return last[1]
    found = frozenset(n for n in _decorators(text) if n not in _BUILTINS and not n.startswith("__"))
    with _BASES_LOCK:
        _BASES[path] = (text, found)
        _BASES.move_to_end(path)
        while len(_BASES) > _BASES_MAX:
            _BASES.popitem(last=False)
    return found


@checker("AZF609")
def decorator_names(ctx: Context) -> None:
    walk = reached_modules(ctx)
    if walk is None:
        return
    resolver, order, first = walk
    reached = dict(first)  # AZF606/607 read the same walk: add to a copy
    # Modules holding functions of the app that the worker does not import for certain (under
    # an `if`, a `try` that catches ImportError): a warning, as their import may not run.
    known = set(order)
    # Each module once, not once per function (issue 16: 5,000 normpath calls a keystroke).
    scripts = dict.fromkeys(
        f.script_path for f in ctx.app.functions if f.model == "v2" and f.script_path
    )
    maybe = [p for p in map(os.path.normpath, scripts) if p not in known]
    for path in dict.fromkeys(maybe):
        reached[path] = order[0]
    stored: set[str] | None = None
    for path in [*order, *dict.fromkeys(maybe)]:
        certain = path in known
        text = ctx.text(path)
        if not text or "@" not in text:
            continue
        top = resolver.names(path)
        if top is None:
            continue
        used = set(_decorator_bases(path, text))
        missing = used - top.names
        body: list[ast.stmt] | None = None
        typing_only: set[str] = set()
        if "TYPE_CHECKING" in text and used & top.names:
            body = _body(ctx, path, text)
            typing_only = _typing_only(text, body, used & top.names) if body is not None else set()
            missing |= typing_only
        if not missing:
            continue
        whole = resolver.whole(path)
        if whole is None or whole.dynamic or whole.star_imports:
            continue
        if stored is None:  # another module may set it on builtins
            stored = set()
            for p in reached:
                w = resolver.whole(p)
                stored |= w.stored_attributes if w is not None else set()
        missing -= (whole.names - typing_only) | stored
        if not missing:
            continue
        body = body if body is not None else _body(ctx, path, text)
        if body is None:
            continue
        cols = Columns(text)
        for stmt, arm in _decorated_defs(body):
            for dec in stmt.decorator_list:  # type: ignore[attr-defined]
                base = _base(dec)
                if base is not None and base[0].id in missing:
                    _emit(
                        ctx,
                        path,
                        cols,
                        base[0],
                        base[1],
                        reached[path],
                        order,
                        reached,
                        certain,
                        arm,
                        base[0].id in typing_only,
                    )


def _emit(
    ctx: Context,
    path: str,
    cols: Columns,
    node: ast.Name,
    attr: str,
    start: str,
    order: list[str],
    reached: dict[str, str],
    certain: bool,
    arm: ast.stmt | None = None,
    typing_only: bool = False,
) -> None:
    name = node.id
    where = cols.range(node)
    line = where.start.line + 1
    info = ctx.module(path)
    creations = [c for c in info.app_creations if c.top_level] if info is not None else []
    owners = {c.var for c in creations}
    written = f"@{name}.{attr}" if attr else f"@{name}"
    edit = None
    use = ""
    if len(owners) == 1:
        c = creations[0]
        r = c.call_range
        call = f"{c.kind}(…)"
        if r.start.line == r.end.line:
            call = (ctx.text(path) or "").split("\n")[r.start.line][r.start.column : r.end.column]
        use = f"@{c.var}.{attr}" if attr else f"@{c.var}"
        hint = f"{c.var} = {call} is defined on line {c.range.start.line + 1}: use {use}"
        edit = replace(path, where, c.var)
    elif typing_only:
        hint = f"import '{name}' outside 'if TYPE_CHECKING:' in {ctx.rel(path)}"
    else:
        hint = f"define or import '{name}' in {ctx.rel(path)}"
    # Another module that creates the name, unless the worker imports it first (function_app.py,
    # a v1 script): importing it back from a module it imports would be circular (AZF306).
    for other in order:
        other_info = ctx.module(other) if other not in (path, reached[other]) else None
        if other_info is not None and any(
            c.var == name and c.top_level for c in other_info.app_creations
        ):
            also = f"{hint}, or " if edit is not None else ""
            hint = f"{also}import '{name}' from {ctx.rel(other)}, which creates it"
            break
    fails = (
        f"the worker's import of {ctx.rel(start)} fails"
        if certain
        else f"when {ctx.rel(start)} imports it (not for certain), the import fails"
    )
    if arm is not None:
        what = "if" if isinstance(arm, ast.If) else "try"
        fails = f"when the '{what}' on line {arm.lineno} runs this arm, {fails}"
    unbound = (
        "is imported only under 'if TYPE_CHECKING:', which is False when the module runs"
        if typing_only
        else "is bound nowhere in that module"
    )
    message = (
        f"'{name}' of {written} on line {line} of {ctx.rel(path)} {unbound}, so {fails} with "
        f"NameError (name '{name}' is not defined) and {_effect(ctx, start)}: {hint}"
    )
    ctx.emit(
        "AZF609",
        message,
        path,
        where,
        severity=None if certain and arm is None else Severity.WARNING,
        fixes=fixes(fix(f"Use '{use}'", edit, preferred=True)),
    )
