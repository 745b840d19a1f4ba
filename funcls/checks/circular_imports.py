"""AZF608: a circular import between the app's own modules that makes the worker's import fail.

The worker imports function_app.py; every top-level import of one of the app's modules runs
that module there and then, and a module that is already running (half run, because it is
the one importing) is not run again: ``from a import X`` then finds only the names ``a``
bound above the line it is running, and raises ImportError ("cannot import name 'X' from
partially initialized module 'a' (most likely due to a circular import)"). The order comes
from the syntax trees (funcls/model/v2/trace.py); nothing is run.

Reported only when certain: the importing module and the half-run one are the app's own,
every import on the way from the script down to the failing one is a statement of its
module's body (not under ``if``, ``try``, loops, ``with`` or a function), ``X`` is bound only
below the half-run module's import by a statement of its body, nothing above could bind it
(no ``global``, star import, ``globals()``, module ``__getattr__``, no submodule ``X``), no
module of the app sets an attribute ``X`` on anything, and no module edits ``sys.path``.

v1: the worker imports each function's ``__init__.py`` as the package ``__app__.<folder>``
(azure_functions_worker/loader.py, ``load_function``), so the same holds for a cycle inside a
function folder when every import on the way is relative (an absolute ``from folder import X``
runs the file again under another name) and no module reaches into a folder from elsewhere
(``__app__.…``, ``from ..other``), which would make the host's load order matter.
"""

from __future__ import annotations

import os

from funcls.checks.context import Context
from funcls.checks.findings import Related, Severity
from funcls.checks.imports import app_modules
from funcls.checks.registry import REGISTRY, Example, Rule, checker
from funcls.model.appmodel import Function
from funcls.model.fastclass import dataclass
from funcls.model.locations import Location, Range
from funcls.model.python.binding_lines import (
    bound_later,
    imported_name_range,
    imports_in_functions,
    maybe_bound_before,
)
from funcls.model.v2.trace import CircularFailure, trace_imports
from funcls.model.v2.values import ModuleResolver

_APP = (
    "import azure.functions as func\n\nfrom helpers import greet\n\n"
    "app = func.FunctionApp()\n"
    'GREETING = "Hello"\n\n\n'
    '@app.route(route="hello")\n'
    "def hello(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse(greet("world"))\n'
)
_HELPERS_BAD = (
    "from function_app import GREETING\n\n\ndef greet(who: str) -> str:\n"
    '    return f"{GREETING}, {who}"\n'
)
_HELPERS_GOOD = (
    "def greet(who: str) -> str:\n    from function_app import GREETING\n\n"
    '    return f"{GREETING}, {who}"\n'
)

REGISTRY.add_rules(
    (
        Rule(
            "AZF608",
            "circular-import-fails",
            Severity.ERROR,
            "A circular import between the app's own modules in which a module imports a name "
            "from one that is still running and binds that name only below its import.",
            "`function_app.py` imports `helpers`, which runs at once and does `from "
            "function_app import GREETING`; function_app.py is half run (it is still on its "
            "import of helpers) and binds GREETING only further down, so Python raises "
            "ImportError (\"cannot import name 'GREETING' from partially initialized module "
            "'function_app' (most likely due to a circular import)\"), the worker's import of "
            "the script fails and the app shows no functions. funcls follows the app's imports "
            "in the order Python runs them, from the syntax trees, and reports only what is "
            "certain: every import on the way is a plain statement of its module (not under "
            "`if`, `try`, `with`, a loop or a function), the name is bound by a statement of "
            "the module's body below the import and nothing above may bind it (no `global`, "
            "star import, `globals()`, module `__getattr__`, submodule of that name, attribute "
            "set from another module, `sys.path` edit). Fix: bind the name above the import, "
            "move the import below the binding, or import inside the function that uses it. "
            "In a v1 app the same holds inside a function folder, which the worker imports as "
            "the package `__app__.<folder>`: reported when every import of the cycle is "
            "relative (`from . import X`), and then that function does not load.",
            Example({"function_app.py": _APP, "helpers.py": _HELPERS_BAD}),
            Example({"function_app.py": _APP, "helpers.py": _HELPERS_GOOD}),
        ),
    )
)


@dataclass(frozen=True)
class CertainFailure:
    """A circular import funcls is certain fails, with what its message needs."""

    failure: CircularFailure
    name: str
    at: int  # 1-based: the line the half-run module is running
    later: int  # 1-based: the line that binds ``name``, below ``at``
    where: Range  # the imported name in the failing import
    function: Function | None  # v1: the function whose load fails (v2: the whole app)


@checker("AZF608")
def circular_imports(ctx: Context) -> None:
    for certain in certain_failures(ctx):
        _report(ctx, certain)


def certain_failures(ctx: Context) -> list[CertainFailure]:
    """The failing circular imports of the app, once per check (AZF306 asks too, to stay
    silent where AZF608 says more)."""
    found: list[CertainFailure] | None = ctx.memo.get("circular_failures")
    if found is None:
        found = ctx.memo["circular_failures"] = _certain_failures(ctx)
    return found


def _certain_failures(ctx: Context) -> list[CertainFailure]:
    app = ctx.app
    source = app.source
    if source is None:
        return []
    if app.model == "v2" and app.script_path is not None and not app.script_outside:
        return _traced(ctx, app.script_path, None)
    if app.model != "v1" or _v1_loads_across_folders(ctx):
        return []
    out: list[CertainFailure] = []
    for fn in app.functions:
        script = fn.script_path
        if fn.model != "v1" or fn.synthetic or script is None or not fn.script_exists:
            continue
        if os.path.basename(script) != "__init__.py":
            continue  # a scriptFile beside __init__.py runs the package's __init__ first
        if not _imports_relatively(ctx, script):
            continue
        out.extend(_traced(ctx, script, fn))
    return out


def _imports_relatively(ctx: Context, script: str) -> bool:
    """Whether a v1 function's script has a relative import: a failure is certain for a
    function only when every import on the way is relative (``_certain``), the script's own
    first of all (the trace starts there), so a script without one needs no trace (issue 16,
    ninth pass: the traces of the bench's 500 v1 scripts, which import only logging and
    azure.functions, were most of AZF608's 43 M instructions)."""
    module = ctx.module(script)
    return module is None or any(r.level > 0 for r in module.import_records)


def _v1_loads_across_folders(ctx: Context) -> bool:
    """Whether a module of the app may run a function folder's modules under the worker's own
    names (``__app__.<folder>``, azure_functions_worker/loader.py ``load_function``) from
    another folder: then which function's load runs them first is up to the host's order."""
    for module in app_modules(ctx):
        for rec in module.import_records:
            if rec.level > 1 or rec.module.split(".")[0] == "__app__":
                return True
    return False


def _traced(ctx: Context, script_path: str, fn: Function | None) -> list[CertainFailure]:
    app = ctx.app
    source = app.source
    script = ctx.module(script_path)
    if script is None or source is None:
        return []
    # One resolver for every trace of this check: it remembers what each name resolved to.
    resolver = ctx.memo.get("circular_resolver")
    if not isinstance(resolver, ModuleResolver):
        resolver = ctx.memo["circular_resolver"] = ModuleResolver(
            os.path.normpath(app.root), source, remember=True
        )
    inside = os.path.normpath(app.root) + os.sep
    resolver.extra_roots = [p for p in script.sys_paths if (p + os.sep).startswith(inside)]
    trace = trace_imports(script, resolver, source, ticks=False)
    if not trace.failures:
        return []
    texts = {p: ctx.text(p) for p in trace.order}
    if any(t is None or "sys.path" in t for t in texts.values()):
        return []  # absolute imports may find other files than the ones traced
    if any("importlib" in (t or "") or "__import__" in (t or "") for t in texts.values()):
        return []  # a module may run earlier than the trace says
    stored: set[str] = set()
    for p in texts:
        tb = ctx.top_bindings(p)
        if tb is None:
            return []
        stored |= tb.stored_attributes
    out: list[CertainFailure] = []
    for failure in trace.failures:
        if not _first_run_traced(failure, texts):
            continue
        if fn is not None and not _within_function_package(failure, script_path):
            continue
        certain = _certain(ctx, failure, stored, fn)
        if certain is not None:
            out.append(certain)
    return out


def _within_function_package(failure: CircularFailure, script_path: str) -> bool:
    """v1: the worker imports a function's ``__init__.py`` as ``__app__.<folder>``; a relative
    import inside the folder names the same module objects, an absolute one (``from folder
    import X``, with the app root on sys.path) runs the same file again as another module.
    Certain only when every import on the way is relative and stays inside the folder."""
    folder = os.path.dirname(os.path.normpath(script_path)) + os.sep
    if failure.record.level == 0:
        return False
    for path, _line in failure.stack:
        if not os.path.normpath(path).startswith(folder):
            return False
    return os.path.normpath(failure.target).startswith(folder)


def _first_run_traced(failure: CircularFailure, texts: dict[str, str | None]) -> bool:
    """No module of the cycle is also imported inside a function (which may run it earlier,
    when funcls cannot tell, and then the cycle may resolve)."""
    for path, _line in failure.stack[failure_index(failure) :]:
        stem = os.path.splitext(os.path.basename(path))[0]
        if stem == "__init__":
            stem = os.path.basename(os.path.dirname(path))
        if any(stem in (t or "") and imports_in_functions(t or "", stem) for t in texts.values()):
            return False
    return True


def _certain(
    ctx: Context, failure: CircularFailure, stored: set[str], fn: Function | None
) -> CertainFailure | None:
    rec = failure.record
    name = rec.name
    if name is None or rec.guarded or name in stored:
        return None
    # Every import on the way, the failing one included, is a statement of its module's body.
    for path, line in failure.stack:
        tb = ctx.top_bindings(path)
        if tb is None or line + 1 not in tb.body_imports:
            return None
        if fn is not None and not _relative_import_at(ctx, path, line):
            return None
    if failure.stack[-1] != (failure.importer, rec.range.start.line):
        return None
    target = ctx.top_bindings(failure.target)
    at = failure.target_line + 1
    if target is None or maybe_bound_before(target, name, at):
        return None
    later = bound_later(target, name, at)
    importer = ctx.top_bindings(failure.importer)
    if later is None or importer is None:
        return None
    where = imported_name_range(importer, rec.range.start.line + 1, name) or rec.range
    return CertainFailure(failure, name, at, later, where, fn)


def _relative_import_at(ctx: Context, path: str, line: int) -> bool:
    module = ctx.module(path)
    recs = [r for r in module.import_records if r.range.start.line == line] if module else []
    return bool(recs) and all(r.level > 0 for r in recs)


def _report(ctx: Context, certain: CertainFailure) -> None:
    failure, name, at, later = certain.failure, certain.name, certain.at, certain.later
    target_rel = ctx.rel(failure.target)
    module = os.path.splitext(target_rel)[0].replace(os.sep, ".").removesuffix(".__init__")
    chain = " -> ".join(ctx.rel(p) for p, _ in failure.stack[failure_index(failure) :])
    fn = certain.function
    if fn is not None:
        # loader.py load_function imports a function's folder as __app__.<folder>.
        module = "__app__." + module
        script = fn.script_path or ""
        load = f"the worker's load of function '{fn.name}' ({ctx.rel(script)}) fails"
        effect = f"'{fn.name}' does not load"
    else:
        script = ctx.app.script_path or ""
        load = f"the worker's import of {ctx.rel(script)} fails"
        effect = (
            "the app shows no functions"
            if failure.stack[0][0] == os.path.normpath(script)
            else "its functions do not load"
        )
    ctx.emit(
        "AZF608",
        f"'{name}' is imported from {target_rel} while {target_rel} is still running its "
        f"import on line {at} (a circular import: {chain} -> {target_rel}), and {target_rel} "
        f"binds '{name}' only on line {later}, below it; Python raises ImportError (cannot "
        f"import name '{name}' from partially initialized module '{module}') and {load}, "
        f"so {effect}: bind '{name}' above line {at} of "
        f"{target_rel}, move that import below line {later}, or import '{name}' inside the "
        "function that uses it",
        failure.importer,
        certain.where,
        related=[
            Related(
                Location(failure.target, Range.point(failure.target_line, 0)),
                f"{target_rel} is running this import",
            ),
            Related(Location(failure.target, Range.point(later - 1, 0)), f"'{name}' is bound here"),
        ],
        function=fn,
    )


def failure_index(failure: CircularFailure) -> int:
    """Where the cycle starts in the stack: the half-run module's frame."""
    for i, (path, _line) in enumerate(failure.stack):
        if path == failure.target:
            return i
    return 0
