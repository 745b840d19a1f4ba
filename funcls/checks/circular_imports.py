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
"""

from __future__ import annotations

import os

from funcls.checks.context import Context
from funcls.checks.findings import Related, Severity
from funcls.checks.registry import REGISTRY, Example, Rule, checker
from funcls.model.locations import Location, Range
from funcls.model.python.binding_lines import (
    bound_later,
    imported_name_range,
    imports_in_functions,
    maybe_bound_before,
    top_bindings,
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
            "move the import below the binding, or import inside the function that uses it.",
            Example({"function_app.py": _APP, "helpers.py": _HELPERS_BAD}),
            Example({"function_app.py": _APP, "helpers.py": _HELPERS_GOOD}),
        ),
    )
)


@checker("AZF608")
def circular_imports(ctx: Context) -> None:
    app = ctx.app
    source = app.source
    if app.model != "v2" or app.script_path is None or source is None or app.script_outside:
        return
    script = ctx.module(app.script_path)
    if script is None:
        return
    resolver = ModuleResolver(os.path.normpath(app.root), source)
    inside = os.path.normpath(app.root) + os.sep
    resolver.extra_roots = [p for p in script.sys_paths if (p + os.sep).startswith(inside)]
    trace = trace_imports(script, resolver, source)
    if not trace.failures:
        return
    texts = {p: ctx.text(p) for p in trace.order}
    if any(t is None or "sys.path" in t for t in texts.values()):
        return  # absolute imports may find other files than the ones traced
    if any("importlib" in (t or "") or "__import__" in (t or "") for t in texts.values()):
        return  # a module may run earlier than the trace says
    stored: set[str] = set()
    for t in texts.values():
        tb = top_bindings(t or "")
        if tb is None:
            return
        stored |= tb.stored_attributes
    for failure in trace.failures:
        if not _first_run_traced(failure, texts):
            continue
        _report(ctx, failure, stored)


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


def _report(ctx: Context, failure: CircularFailure, stored: set[str]) -> None:
    rec = failure.record
    name = rec.name
    if name is None or rec.guarded or name in stored:
        return
    # Every import on the way, the failing one included, is a statement of its module's body.
    for path, line in failure.stack:
        tb = top_bindings(ctx.text(path) or "")
        if tb is None or line + 1 not in tb.body_imports:
            return
    if failure.stack[-1] != (failure.importer, rec.range.start.line):
        return
    target = top_bindings(ctx.text(failure.target) or "")
    at = failure.target_line + 1
    if target is None or maybe_bound_before(target, name, at):
        return
    later = bound_later(target, name, at)
    importer = top_bindings(ctx.text(failure.importer) or "")
    if later is None or importer is None:
        return
    where = imported_name_range(importer, rec.range.start.line + 1, name) or rec.range
    target_rel = ctx.rel(failure.target)
    module = os.path.splitext(target_rel)[0].replace(os.sep, ".").removesuffix(".__init__")
    chain = " -> ".join(ctx.rel(p) for p, _ in failure.stack[failure_index(failure) :])
    script = ctx.app.script_path or ""
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
        f"import name '{name}' from partially initialized module '{module}') and the worker's "
        f"import of {ctx.rel(script)} fails, so {effect}: bind '{name}' above line {at} of "
        f"{target_rel}, move that import below line {later}, or import '{name}' inside the "
        "function that uses it",
        failure.importer,
        where,
        related=[
            Related(
                Location(failure.target, Range.point(failure.target_line, 0)),
                f"{target_rel} is running this import",
            ),
            Related(Location(failure.target, Range.point(later - 1, 0)), f"'{name}' is bound here"),
        ],
    )


def failure_index(failure: CircularFailure) -> int:
    """Where the cycle starts in the stack: the half-run module's frame."""
    for i, (path, _line) in enumerate(failure.stack):
        if path == failure.target:
            return i
    return 0
