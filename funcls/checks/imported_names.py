"""AZF606: a name imported from one of the app's own modules that the module does not define.

``from models import Greeting`` runs ``models`` and then takes its attribute ``Greeting``, or
else imports the submodule ``models.Greeting``; when neither exists Python raises ImportError
("cannot import name 'Greeting' from 'models'"). When that import runs while the worker loads
function_app.py (or a v1 script), the load fails and the functions are not listed. The app's
own modules are read here, never run (funcls/model/python/bound_names.py says what a module
binds); a module whose names cannot be known for certain gives no finding.
"""

from __future__ import annotations

import ast
import os
import sys
import threading
import weakref
from collections import OrderedDict

from funcls.checks.context import Context
from funcls.checks.edits import fix, fixes, replace
from funcls.checks.findings import Severity, TextEdit
from funcls.checks.imports import STDLIB, _installed
from funcls.checks.registry import REGISTRY, Example, Rule, checker
from funcls.model.distributions import find_site_packages, normalise
from funcls.model.locations import Range
from funcls.model.python.bound_names import (
    MAX_CHARS,
    FromImport,
    ModuleNames,
    _Reader,
    names_of,
)
from funcls.model.python.exprs import Columns
from funcls.model.python.limits import TooCostly, check_parse_cost
from funcls.model.python.module import _splice, _Tree
from funcls.model.python.stdlib_names import stdlib_lacks, stdlib_public_names
from funcls.model.source import relative_import_base

# Modules the worker has imported before it imports the app (sys.modules holds them, so an
# app folder of that name is never read), and the v1 namespace of the app itself.
_WORKER_LOADED = frozenset(
    {"azure", "azure_functions_worker", "google", "grpc", "six", "dateutil", "__app__"}
)

_APP = (
    "import azure.functions as func\n\nfrom models import {name}\n\napp = func.FunctionApp()\n\n\n"
    '@app.route(route="hello")\n'
    "def hello(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse({name}(who="world").text())\n'
)
_MODELS = (
    "from dataclasses import dataclass\n\n\n@dataclass\nclass Greeting:\n    who: str\n\n"
    '    def text(self) -> str:\n        return f"Hello, {self.who}"\n'
)

_STDLIB_APP = (
    "import azure.functions as func\n\nfrom json import {name}\n\napp = func.FunctionApp()\n\n\n"
    '@app.route(route="hello")\n'
    "def hello(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse({name}(req.get_body())["who"])\n'
)

REGISTRY.add_rules(
    (
        Rule(
            "AZF606",
            "imported-name-missing",
            Severity.ERROR,
            "A name imported from one of the app's own modules (`from models import Greeting`) "
            "that the module does not define and that is not a submodule of it.",
            "Python runs the module and then looks the name up in it (or imports a submodule "
            'of that name); when neither exists the import raises ImportError ("cannot import '
            'name"). When the import runs as the worker loads function_app.py, its blueprints '
            "or a v1 script, the load fails and the app shows no functions. Every way a module "
            "binds a name counts (def, class, assignment, import, loops, `with`, `except … as`, "
            "match patterns, `global`, conditional definitions); imports under `if` or "
            "`with`, under `try` with a handler that can catch ImportError, and modules whose "
            "names cannot "
            "be known (a module-level `__getattr__`, `globals()`, `exec`, `sys.modules`, a "
            "star import of a module funcls cannot read) are left alone.",
            Example({"function_app.py": _APP.format(name="Greting"), "models.py": _MODELS}),
            Example({"function_app.py": _APP.format(name="Greeting"), "models.py": _MODELS}),
            "Import the module's name that is spelled closest, keeping the local name.",
        ),
        Rule(
            "AZF607",
            "stdlib-name-missing",
            Severity.ERROR,
            "A name imported from a standard-library module (`from json import lodas`) that "
            "no Python version of the standard library defines.",
            'The worker\'s import of the module fails with ImportError ("cannot import name") '
            "and the app shows no functions. funcls reports it only when it is certain: the "
            "module is found in the standard library of funcls's own interpreter (which "
            "imports that standard-library module, never anything of the workspace) and "
            "lacks the name, no submodule has it, the module has no module-level "
            "`__getattr__`, and typeshed's stub of the module (shipped with jedi, covering "
            "every Python version typeshed supports, 3.9 and later) binds it in no branch, "
            "`sys.version_info` and `sys.platform` branches included. A file or package of "
            "the app named like the module, a package of that name in the app's environment "
            "or requirements.txt (a backport), and `sys.path` edits make funcls stay silent.",
            Example({"function_app.py": _STDLIB_APP.format(name="lodas")}),
            Example({"function_app.py": _STDLIB_APP.format(name="loads")}),
            "Import the module's name that is spelled closest, keeping the local name.",
        ),
    )
)

# Distributions that install a module named like a standard-library one (backports): with
# one of them in the app, the name may come from it.
_BACKPORTS = {"enum34": "enum", "futures": "concurrent"}


class _Resolver:
    """Finds the app's own modules the way the worker's imports do (the app root first on
    sys.path), and reads what they bind, once per check.

    It holds its Context weakly: the Context's memo holds the resolver (``reached_modules``),
    and the language server freezes its heap after each pass without walking it
    (funcls/lsp/collector.py), so a cycle between them kept every pass's Context and App
    alive (18bfca2; tests/lsp/test_heap_growth.py counts them)."""

    def __init__(self, ctx: Context, absolute: bool) -> None:
        self.ctx: Context = weakref.proxy(ctx)
        self.root = os.path.normpath(ctx.app.root)
        self.absolute = absolute  # False: sys.path edits make absolute imports uncertain
        source = ctx.app.source
        self.is_file = source.is_file if source is not None else os.path.isfile
        self.listdir = source.listdir if source is not None else _listdir
        self._names: dict[str, ModuleNames | None] = {}
        self._whole: dict[str, ModuleNames | None] = {}
        site = find_site_packages(ctx.app.root)
        self.installed = set(_installed(site).modules) if site is not None else set()

    def names(self, path: str) -> ModuleNames | None:
        """What the statements of ``path`` say (``module_names(whole=False)``): its top-level
        names and imports, without the facts only a walk over every node finds (``whole``)."""
        if path not in self._names:
            self._names[path] = self._read(path, whole=False)
        return self._names[path]

    def whole(self, path: str) -> ModuleNames | None:
        """Everything ``module_names`` finds in ``path``; asked only where a finding may be
        (issue 16: that walk was most of this rule's time, on apps where nothing is missing)."""
        if path not in self._whole:
            self._whole[path] = self._read(path, whole=True)
        return self._whole[path]

    def _read(self, path: str, whole: bool) -> ModuleNames | None:
        text = self.ctx.text(path)
        if text is None:
            return None
        # The statements the model parsed, when `funcls check` kept them (issue 16).
        source = self.ctx.app.source
        body = source.module_body(path, text) if source is not None else None
        if body is None and not whole and source is not None and path in source.overlays:
            # An open document, whose next keystroke changes one statement (issue 16); the
            # other files' texts stay, and names_of remembers them.
            return _statement_names(path, text)
        return names_of(text, body, whole=whole, path=path)

    def folder(self, module: str, level: int, from_path: str) -> str | None:
        """The folder the module's dotted path starts from, or None when not certain."""
        if level:
            base = relative_import_base(from_path, level)
            inside = base == self.root or base.startswith(self.root + os.sep)
            # A relative import in a top-level file has no package: another error.
            return base if inside and os.path.dirname(from_path) != self.root else None
        top = module.split(".")[0]
        if not self.absolute or top in STDLIB or top in _WORKER_LOADED or top in self.installed:
            return None
        return self.root

    def module(self, module: str, level: int, from_path: str) -> str | None:
        """The app file of ``module`` (a .py file or a package's __init__.py); None when it is
        not certainly that file (a namespace package, an extension module next to it)."""
        base = self.folder(module, level, from_path)
        if base is None:
            return None
        parts = [p for p in module.split(".") if p]
        *packages, last = parts or [""]
        folder = os.path.join(base, *packages)
        if not last:  # `from . import x`: the package itself
            init = os.path.join(folder, "__init__.py")
            return init if self.is_file(init) else None
        # Python compares names exactly, also on file systems that ignore case: the listing
        # must hold the very name.
        listing = self.listdir(folder)
        init = os.path.join(folder, last, "__init__.py")
        if last in listing and self.is_file(init):
            return os.path.normpath(init)
        plain = os.path.join(folder, last + ".py")
        others = [n for n in listing if n.startswith(last + ".") and n != last + ".py"]
        if last + ".py" in listing and self.is_file(plain) and not others:
            return os.path.normpath(plain)
        return None

    def packages(self, module_path: str) -> list[str]:
        """The __init__.py files of the packages above ``module_path`` inside the app (their
        code runs first)."""
        out = []
        folder = os.path.dirname(module_path)
        if module_path.endswith("__init__.py"):
            folder = os.path.dirname(folder)
        while folder != self.root and folder.startswith(self.root + os.sep):
            init = os.path.join(folder, "__init__.py")
            if self.is_file(init):
                out.append(init)
            folder = os.path.dirname(folder)
        return out

    def submodule(self, package_init: str, name: str) -> bool:
        """``name`` may be imported as a submodule of the package (any file or folder)."""
        if not package_init.endswith("__init__.py"):
            return False
        folder = os.path.dirname(package_init)
        return any(n == name or n.startswith(name + ".") for n in self.listdir(folder))

    def known(self, path: str, seen: frozenset[str] = frozenset()) -> set[str] | None:
        """Every name ``path`` may bind, or None when they cannot be known."""
        info = self.whole(path)
        if info is None or info.dynamic is not None or len(seen) > 20:
            return None
        out = set(info.names)
        for module, level in info.star_imports:
            target = self.module(module, level, path)
            if target is None or target in seen or target == path:
                return None
            inner = self.known(target, seen | {path})
            if inner is None:
                return None
            out |= inner
            if target.endswith("__init__.py"):
                out |= {n.split(".")[0] for n in self.listdir(os.path.dirname(target))}
        return out


class _Statements:
    """One file's last text read by ``_statement_names``: its top-level statements as
    ``module.py``'s splice keeps them (lines, statements, line offsets), what each statement
    says (by ``id``, the statements kept alive by ``tree``) and their sum."""

    __slots__ = ("answer", "each", "text", "tree")

    def __init__(
        self,
        text: str,
        tree: _Tree,
        each: dict[int, tuple[int, ModuleNames]],
        answer: ModuleNames | None,
    ) -> None:
        self.text = text
        self.tree = tree
        self.each = each  # id(statement) -> (its offset when read, what it says)
        self.answer = answer


# The open documents read last by ``_statement_names`` (a few: each holds its module's syntax
# tree, as the model's analysis does for open documents).
_STATEMENTS: OrderedDict[str, _Statements] = OrderedDict()
_STATEMENTS_MAX = 8
_STATEMENTS_LOCK = threading.Lock()


def _statement_names(path: str, text: str) -> ModuleNames | None:
    """``module_names(text, whole=False)`` (issue 16), reading again only the top-level
    statement an edit changed: a keystroke in a module of 5,000 functions parsed the whole
    module again for this rule (about 31 ms of an Enter). What ``whole=False`` reads is per
    top-level statement (the names each binds, its star imports and the imports it runs for
    certain, in statement order), so the module's answer is the sum of its statements'. The
    statements come from the last text's by ``module.py``'s ``_splice`` (the model's own
    keystroke path: the edited statement parsed on its own, the others kept and moved by the
    lines added or removed above them) or from a whole parse when it cannot splice."""
    if len(text) > MAX_CHARS:
        return None
    with _STATEMENTS_LOCK:
        last = _STATEMENTS.get(path)
        if last is not None:
            _STATEMENTS.move_to_end(path)
    if last is not None and (last.text is text or last.text == text):
        return last.answer
    try:
        check_parse_cost(text)
        spliced = _splice(last.tree, text) if last is not None else None
        if spliced is None:
            body = ast.parse(text).body
            offsets = [0] * len(body)
        else:
            body, offsets = spliced
    except (SyntaxError, ValueError, TooCostly, RecursionError, MemoryError):
        return None  # the last text that parsed stays, for the text that fixes this one
    kept = last.each if last is not None else {}
    each: dict[int, tuple[int, ModuleNames]] = {}
    answer: ModuleNames | None = ModuleNames()
    cols: Columns | None = None
    try:
        for stmt, off in zip(body, offsets, strict=True):
            got = kept.get(id(stmt))
            if got is None:
                # Read at its own lines (a statement parsed now has no offset).
                cols = cols or Columns(text)
                part = ModuleNames()
                _Reader(part, cols).module([stmt], whole=False)
                got = (off, part)
            each[id(stmt)] = got
            _add(answer, got[1], off - got[0])
    except RecursionError:
        answer = None
    lines = text.split("\n")
    with _STATEMENTS_LOCK:
        _STATEMENTS[path] = _Statements(text, _Tree(lines, body, offsets), each, answer)
        _STATEMENTS.move_to_end(path)
        while len(_STATEMENTS) > _STATEMENTS_MAX:
            _STATEMENTS.popitem(last=False)
    return answer


def _add(answer: ModuleNames | None, part: ModuleNames, delta: int) -> None:
    """Add one statement's answer, its imports moved ``delta`` lines, to the module's."""
    if answer is None:
        return
    answer.names |= part.names
    answer.star_imports += part.star_imports
    answer.plain_imports += part.plain_imports
    if not delta:
        answer.from_imports += part.from_imports
        return
    for imp in part.from_imports:
        answer.from_imports.append(
            FromImport(
                imp.module,
                imp.level,
                imp.name,
                imp.asname,
                _moved(imp.name_range, delta),
                _moved(imp.alias_range, delta),
            )
        )


def _moved(r: Range, delta: int) -> Range:
    return Range.of(r.start.line + delta, r.start.column, r.end.line + delta, r.end.column)


def _listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


def _starts(ctx: Context) -> list[str]:
    """The files the worker imports: the v2 script when the app has one (the host then reads
    no function.json folder), else the v1 functions' scripts."""
    app = ctx.app
    if app.script_path is not None:
        unread = app.script_outside or ctx.text(app.script_path) is None
        return [] if unread else [os.path.normpath(app.script_path)]
    out = [
        os.path.normpath(f.script_path)
        for f in app.functions
        if f.model == "v1" and f.script_path and f.script_exists and not f.script_outside
    ]
    return list(dict.fromkeys(out))


def reach(resolver: _Resolver, starts: list[str]) -> tuple[list[str], dict[str, str]]:
    """The modules the worker imports for certain from ``starts`` (the files it imports, the
    v2 script first), in the order reached, and the start each was first reached from (also
    AZF609's modules)."""
    # Which module each reached module was first reached from (the file the worker imports):
    # the v2 script first, then the v1 scripts it does not import itself.
    reached: dict[str, str] = {starts[0]: starts[0]}
    order = [starts[0]]
    later = starts[1:]
    i = 0
    while len(order) < 2000:
        if i == len(order):
            while later and later[0] in reached:
                later.pop(0)
            if not later:
                break
            reached[later[0]] = later[0]
            order.append(later.pop(0))
        path = order[i]
        i += 1
        info = resolver.names(path)
        if info is None:
            continue
        if "sys.path" in (resolver.ctx.text(path) or ""):
            resolver.absolute = False
        targets: list[str] = []
        for plain in info.plain_imports:
            t = resolver.module(plain.module, 0, path)
            if t is not None:
                targets += [*resolver.packages(t), t]
        for imp in info.from_imports:
            t = resolver.module(imp.module, imp.level, path)
            if t is None:
                continue
            targets += [*resolver.packages(t), t]
            sub = resolver.module(f"{imp.module}.{imp.name}".lstrip("."), imp.level, path)
            if sub is not None:
                targets.append(sub)
        for t in targets:
            if t not in reached:
                reached[t] = reached[path]
                order.append(t)
    return order, reached


def reached_modules(
    ctx: Context,
) -> tuple[_Resolver, list[str], dict[str, str]] | None:
    """The resolver and ``reach``'s answer for the app, once per check (AZF606/607 and AZF609
    both ask: issue 16, the second walk was ~34 M instructions of `funcls check` on the
    unique-texts bench); None when the worker imports no file. Callers copy ``reached``
    before changing it."""
    if "reached_modules" not in ctx.memo:
        starts = _starts(ctx)
        walk = None
        if starts:
            # Absolute imports resolve against the app root only while nothing edits sys.path.
            edits_path = any("sys.path" in (ctx.text(p) or "") for p in starts)
            resolver = _Resolver(ctx, absolute=not edits_path)
            order, reached = reach(resolver, starts)
            walk = (resolver, order, reached)
        ctx.memo["reached_modules"] = walk
    found: tuple[_Resolver, list[str], dict[str, str]] | None = ctx.memo["reached_modules"]
    return found


@checker("AZF606", "AZF607")
def imported_names(ctx: Context) -> None:
    walk = reached_modules(ctx)
    if walk is None:
        return
    resolver, order, reached = walk
    # What only the walk over every node of every reached module says, worked out when an
    # import is not settled by the statements alone (on most apps, none is).
    everywhere: list[tuple[bool, set[str]]] = []

    def walked() -> tuple[bool, set[str]]:
        """Whether absolute imports resolve as traced (no sys.path edit, no setattr of
        unknown names on an imported module), and every attribute name stored anywhere."""
        if not everywhere:
            wholes = [resolver.whole(p) for p in order]
            opaque = any(x is not None and x.opaque_setattr for x in wholes)
            stored: set[str] = set()
            for x in wholes:
                if x is not None:
                    stored |= x.stored_attributes
            everywhere.append((resolver.absolute and not opaque, stored))
        return everywhere[0]

    infos = [resolver.names(p) for p in order]
    for path, info in zip(order, infos, strict=True):
        if info is None:
            continue
        for imp in info.from_imports:
            top = imp.module.split(".")[0]
            if imp.level == 0 and top in STDLIB:
                certain = walked()[0] and not _stdlib_shadowed(ctx, resolver, top)
                if certain and stdlib_lacks(imp.module, imp.name):
                    _emit_stdlib(ctx, path, imp, reached[path])
                continue
            # Every test below only lets an import through to the report, so the cheap ones
            # come first; the name bound at the target's top level settles most imports.
            if imp.name.startswith("__"):
                continue
            target = resolver.module(imp.module, imp.level, path)
            if target is None or resolver.submodule(target, imp.name):
                continue
            top_level = resolver.names(target)
            if top_level is None or imp.name in top_level.names:
                continue  # known() is None or holds it
            absolute_ok, stored = walked()
            if (imp.level == 0 and not absolute_ok) or imp.name in stored:
                continue
            names = resolver.known(target)
            if names is None or imp.name in names:
                continue
            _emit(ctx, path, imp, target, names, reached[path])


def _stdlib_shadowed(ctx: Context, resolver: _Resolver, top: str) -> bool:
    """A module named ``top`` other than the standard library's may be the one imported: a
    file or package at the app root (first on sys.path), one in the app's environment, or a
    backport requirements.txt lists (the deployed packages come before the standard library
    on the worker's sys.path). ``__future__`` names are the compiler's (a SyntaxError)."""
    if top == "__future__":
        return True
    if any(n == top or n.startswith(top + ".") for n in resolver.listdir(resolver.root)):
        return True
    if top in resolver.installed:
        return True
    listed = {r.name for r in ctx.app.requirements}
    return normalise(top) in listed or any(_BACKPORTS.get(r) == top for r in listed)


def _effect(ctx: Context, start: str) -> str:
    return (
        "the app shows no functions"
        if start == os.path.normpath(ctx.app.script_path or "")
        else "the functions it holds do not load"
    )


def _closest_fix(path: str, imp: FromImport, public: list[str]) -> tuple[str, TextEdit | None]:
    import difflib  # when used: a suggestion for a typo (issue 16)

    close = difflib.get_close_matches(imp.name, public, n=1, cutoff=0.75)
    if not close:
        return "", None
    new = close[0] if imp.asname else f"{close[0]} as {imp.name}"
    return close[0], replace(path, imp.name_range, new)


def _emit_stdlib(ctx: Context, path: str, imp: FromImport, start: str) -> None:
    close, edit = _closest_fix(path, imp, stdlib_public_names(imp.module))
    hint = f"; did you mean '{close}'?" if close else ""
    line = imp.name_range.start.line + 1
    message = (
        f"'{imp.name}' is imported from the standard-library module '{imp.module}' by "
        f"{ctx.rel(path)} line {line}, but no Python version from 3.9 defines it there (neither "
        f"Python {sys.version_info.major}.{sys.version_info.minor}'s '{imp.module}' nor "
        f"typeshed's stub of it), so the worker's import of {ctx.rel(start)} fails with "
        f"ImportError (cannot import name '{imp.name}' from '{imp.module}') and "
        f"{_effect(ctx, start)}: import a name '{imp.module}' defines{hint}"
    )
    ctx.emit(
        "AZF607",
        message,
        path,
        imp.name_range,
        fixes=fixes(fix(f"Import '{close}' instead" if close else "", edit, preferred=True)),
    )


def _emit(
    ctx: Context, path: str, imp: FromImport, target: str, names: set[str], start: str
) -> None:
    # Python names the module by its full dotted name (relative imports resolved).
    dotted = os.path.splitext(ctx.rel(target))[0].replace(os.sep, ".")
    module = dotted.removesuffix(".__init__")
    public = sorted(n for n in names if not n.startswith("_"))
    close, edit = _closest_fix(path, imp, public)
    hint = f"; did you mean '{close}'?" if close else ""
    line = imp.name_range.start.line + 1
    effect = _effect(ctx, start)
    message = (
        f"'{imp.name}' is imported from {ctx.rel(target)} by {ctx.rel(path)} line {line}, but "
        f"that module does not define it (nor is it a submodule), so the worker's import of "
        f"{ctx.rel(start)} fails with ImportError (cannot import name '{imp.name}' from "
        f"'{module}') and {effect}: define '{imp.name}' in {ctx.rel(target)} or import a name "
        f"it defines{hint}"
    )
    ctx.emit(
        "AZF606",
        message,
        path,
        imp.name_range,
        fixes=fixes(fix(f"Import '{close}' instead" if close else "", edit, preferred=True)),
    )
