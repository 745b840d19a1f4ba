"""AZF304–AZF312, AZF315: app objects, blueprints and durable functions in the v2 model."""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Callable

from funcls.checks.circular_imports import certain_failures
from funcls.checks.context import Context
from funcls.checks.edits import append_line, fix, fixes, replace
from funcls.checks.findings import Fix, Related, Severity
from funcls.checks.imports import app_modules, local_module
from funcls.checks.packaging import includes_other_lines
from funcls.checks.registry import checker
from funcls.model.appmodel import AppObject, Function, Registration
from funcls.model.loader import script_registers_functions
from funcls.model.locations import Location, Position, Range
from funcls.model.python.binding_lines import imported_name_range
from funcls.model.python.exprs import Columns
from funcls.model.python.limits import parse as parse_python
from funcls.model.v2.app_sources import may_hold_app

DURABLE = "azure-functions-durable"


@checker("AZF304", "AZF315")
def mixed_models(ctx: Context) -> None:
    app = ctx.app
    if app.model != "mixed" or app.script_path is None:
        return
    # A script whose app registers no function makes the worker answer the host's metadata
    # request with use_default_metadata_indexing (azure_functions_worker/dispatcher.py:
    # index_functions returns None for an empty index), and the host then indexes the
    # function.json folders (azure-functions-host FunctionMetadataProvider.cs, "Fallback to
    # host indexing"): the folders are the app. Only an index with a decorated function
    # (or a blueprint funcls cannot follow: model/loader.py script_registers_functions)
    # ignores them.
    if not script_registers_functions(app):
        return
    # The index leaves these folders out then, as the host does (model/loader.py, load_app).
    folders = app.v1_folders
    names = [os.path.basename(f) for f in folders]
    listed = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
    script = os.path.basename(app.script_path)
    ctx.emit(
        "AZF304",
        f"this app has both {script} and function.json folders ({listed}); with {script} "
        "registering functions the host loads only those and ignores the folders, so their "
        f"functions never run: move them into {script} (or a blueprint) and delete the folders",
        app.script_path,
        Range.point(0, 0),
        related=[
            Related(
                Location(os.path.join(folder, "function.json"), Range.point(0, 0)),
                f"v1 function '{name}'",
            )
            for folder, name in zip(folders, names, strict=True)
        ],
    )
    # AZF315: each ignored function.json says so itself, for whoever opens it.
    registers = Related(
        Location(app.script_path, Range.point(0, 0)), f"{script} registers functions"
    )
    for folder, name in zip(folders, names, strict=True):
        config = os.path.join(folder, "function.json")
        first = ctx.line_text(config, 0)
        ctx.emit(
            "AZF315",
            f"the host ignores this function.json: {script} registers functions, and then the "
            f"host loads only those (the worker's index of {script}) and reads no "
            f"function.json folder, so '{name}' never runs; move it into {script} (or a "
            f"blueprint) and delete the folder '{name}'",
            config,
            Range(Position(0, 0), Position(0, 1 if first else 0)),
            related=[registers],
        )


@checker("AZF305", "AZF306")
def app_objects(ctx: Context) -> None:
    app = ctx.app
    script = app.script_path
    if script is None:
        return
    _decorated_elsewhere(ctx)
    apps = [o for o in app.function_apps if o.top_level and o.path == script]
    for extra in apps[1:]:
        ctx.emit(
            "AZF305",
            f"{os.path.basename(script)} creates a second function app '{extra.var}' "
            f"besides '{apps[0].var}'; the worker accepts only one: put the other functions "
            "on a func.Blueprint() and register it with register_functions",
            script,
            extra.range,
            related=[Related(Location(script, apps[0].range), f"'{apps[0].var}'")],
        )
    _imported_apps(ctx, script, apps)
    if apps or any(o.path == script and not o.is_blueprint for o in app.app_objects):
        return
    module = ctx.module(script)
    if module is None or module.partial:
        return
    name = os.path.basename(script)
    if may_hold_app(ctx.text(script) or "", script, app.root, app.source):
        if not app.functions:
            # Say so instead of a silent "0 functions, no problem".
            ctx.emit(
                "AZF306",
                f"{name} gets its function app from somewhere funcls cannot follow (another "
                "module, a factory, importlib): its functions are registered dynamically and "
                "funcls cannot list or check them",
                script,
                Range.point(0, 0),
                severity=Severity.INFO,
            )
        return
    # A script that creates only a blueprint (a blueprint module saved as the app's script) is
    # pointed at that blueprint's line; otherwise at the top of the file.
    blueprint = next((o for o in app.app_objects if o.path == script and o.top_level), None)
    ctx.emit(
        "AZF306",
        f"{name} creates no FunctionApp at its top level, so the host finds no functions; add "
        "app = func.FunctionApp() (and register your blueprints on it)",
        script,
        blueprint.range if blueprint is not None else Range.point(0, 0),
    )


# azure_functions_worker/loader.py, index_function_app: every attribute of the script that is a
# FunctionRegister (FunctionApp, AsgiFunctionApp, WsgiFunctionApp, DFApp; a Blueprint is not
# one) counts, however it got there; a second one raises ValueError with this message.
WORKER_SECOND_APP = "More than one {kind} or other top level function app instances are defined."


def _imported_apps(ctx: Context, script: str, apps: list[AppObject]) -> None:
    """AZF305 for a function app the script imports from another module of the app besides
    one it creates (or a second one it imports). Certain only when the import is a statement of
    the script's body, the name it binds is bound nowhere else in the script, and the other
    module binds the name once, to the app it creates there."""
    own = ctx.module(script)
    if own is None:
        return
    found: list[tuple[int, str, str, Range, str]] = []  # line, local, kind, range, origin
    for rec in own.import_records:
        line = rec.range.start.line + 1
        if rec.name is None or rec.guarded or rec.fallback:
            continue
        # What the model knows first: an import of a blueprint (the usual case) needs no
        # reading of the two modules' top-level bindings (issue 16).
        target = local_module(ctx, rec, script)
        made = ctx.module(target) if target is not None and target != script else None
        if made is None or target is None:
            continue
        creations = [c for c in made.app_creations if c.var == rec.name]
        if len(creations) != 1 or not creations[0].top_level:
            continue
        kind = creations[0].kind
        if kind in ("Blueprint", "DFBlueprint"):
            continue
        tb = ctx.top_bindings(script)
        if tb is None or tb.dynamic:
            return
        if line not in tb.body_imports:
            continue
        if sum(rec.local in names for _start, names in tb.statements) != 1:
            continue  # rebound, deleted or also bound elsewhere in the script
        target_tb = ctx.top_bindings(target)
        if target_tb is None or target_tb.dynamic:
            continue
        if sum(rec.name in names for _start, names in target_tb.statements) != 1:
            continue
        where = imported_name_range(tb, line, rec.name) or rec.range
        found.append((line, rec.local, kind, where, f"'{rec.name}' of {ctx.rel(target)}"))
    if not found:
        return
    everything = sorted(
        [*found, *((o.range.start.line + 1, o.var, o.kind, o.range, "") for o in apps)],
        key=lambda item: item[0],
    )
    if len({local for _line, local, _k, _r, _o in everything}) < 2:
        return
    first = everything[0]
    error = WORKER_SECOND_APP.format(kind=first[2])
    name = os.path.basename(script)
    for _line, local, _kind, where, origin in found:
        other = next(item for item in everything if item[1] != local)
        if other[4]:
            said, held = f"imports {other[4]} as '{other[1]}'", f"'{other[1]}'"
        else:
            said, held = f"creates '{other[1]}'", f"'{other[1]}'"
        alias = f" as '{local}'" if not origin.startswith(f"'{local}'") else ""
        ctx.emit(
            "AZF305",
            f"{name} imports the function app {origin}{alias} and also {said}; the worker "
            "takes every function app at the top level of the script and refuses more than "
            f'one ("{error}"), so the app shows no functions: keep one app — make the other '
            "module's app a func.Blueprint() and register it with register_functions, or "
            "decorate every function on the imported app",
            script,
            where,
            related=[Related(Location(script, other[3]), f"the other function app, {held}")],
        )


def _decorated_elsewhere(ctx: Context) -> None:
    """Functions decorated on an app object or blueprint that another module of the app creates
    (`from agents.agents import bp` then `@bp.orchestration_trigger(...)`). The indexer lists
    those the library registers: it follows the script's imports in the order Python runs them
    (model.v2.trace). What it does not list runs when funcls cannot tell the object reaches the
    host with it: the module is imported only after the blueprint is registered, through a path
    funcls does not follow, or before the object exists (a circular import Python cannot
    finish). Say so, rather than leave them silently out (information, as for an app funcls
    cannot follow)."""
    app = ctx.app
    # Made when a module first decorates on an imported object (few do: a set of every
    # function was a few ms of each keystroke's rules on 5,000 functions, issue 16).
    known: set[tuple[str | None, Position]] | None = None
    # A module on the way of a circular import that AZF608 reports stops at that import: the
    # error says why its functions are missing, and says more than this information would.
    failing = (
        {p for c in certain_failures(ctx) for p, _line in c.failure.stack}
        if ctx.enabled("AZF608")
        else set()
    )
    for module in app_modules(ctx):
        if module.path in failing:
            continue
        imported: dict[str, tuple[str, str, bool]] = {}
        for rec in module.import_records:
            if rec.name is None or rec.level:
                continue
            target = local_module(ctx, rec, module.path)
            if target is None or target == module.path:
                continue
            made = ctx.module(target)
            kinds = [c.kind for c in made.app_creations if c.var == rec.name] if made else []
            if kinds:
                imported[rec.local] = (target, rec.name, "Blueprint" in kinds[0])
        if not imported:
            continue
        for fn in module.functions:
            if fn.scope != "module":
                continue
            deco = next(
                (d for d in fn.decorators if len(d.chain) == 2 and d.chain[0] in imported), None
            )
            if deco is None:
                continue
            if known is None:
                known = {
                    (f.script_path, f.def_name_range.start)
                    for f in [*app.functions, *app.unregistered, *app.misplaced]
                    if f.def_name_range is not None
                }
            if (module.path, fn.name_range.start) in known:
                continue
            target, var, blueprint = imported[deco.chain[0]]
            when = f"after '{var}' is registered, " if blueprint else ""
            ctx.emit(
                "AZF306",
                f"'{fn.name}' is added to '{var}' of {ctx.rel(target)} from this module, but "
                f"funcls cannot tell that '{var}' holds it when the host reads the app (this "
                f"module runs {when}before '{var}' exists in a circular import, or through an "
                "import funcls does not follow), so it does not list or check this one; import "
                "this module from the app's script"
                + (f" above the registration of '{var}'" if blueprint else "")
                + f", below the line that creates '{var}', or define the function in "
                f"{ctx.rel(target)}",
                module.path,
                deco.range,
                severity=Severity.INFO,
            )


@checker("AZF307")
def unregistered(ctx: Context) -> None:
    app = ctx.app
    if any(p.kind == "blueprint-unresolved" for p in app.problems):
        return  # a registration funcls cannot follow may be the one that adds them
    groups: dict[tuple[str, str], list[Function]] = {}
    for fn in app.unregistered:
        # By the blueprint's module: another module may add a function to it (imported back).
        key = (fn.blueprint_path or fn.script_path or "", fn.registered_on or "")
        groups.setdefault(key, []).append(fn)
    for (path, var), fns in groups.items():
        reg = next(
            (r for r in app.registrations if (r.blueprint_path, r.blueprint_var) == (path, var)),
            None,
        )
        if reg is not None:
            _registered_too_early(ctx, reg, fns)
            continue
        obj = next((o for o in app.blueprints if o.path == path and o.var == var), None)
        rng = obj.range if obj is not None else (fns[0].def_name_range or Range.point(0, 0))
        names = ", ".join(f"'{f.name}'" for f in fns)
        made = next(
            (o for o in app.function_apps if o.path == app.script_path and o.top_level), None
        )
        target = made.var if made is not None else "app"
        ctx.emit(
            "AZF307",
            f"blueprint '{var}' in {ctx.rel(path)} is never registered, so its functions "
            f"({names}) never reach the host; import it in the app's script and call "
            f"{target}.register_functions({var})",
            path,
            rng,
            related=[
                Related(Location(path, f.def_name_range or rng), f"function '{f.name}'")
                for f in fns
            ],
            fixes=fixes(_register_fix(ctx, path, var, made)),
        )


def _register_fix(ctx: Context, path: str, var: str, made: AppObject | None) -> Fix | None:
    """AZF307's quick fix: the app's script imports the blueprint ``var`` of ``path`` (unless
    it does already) and registers it, placed as the new-blueprint command places its own
    registration (``model.scaffold.module.plan_registration``): below the script's last
    registration, else below the app's creation. A blueprint of the script itself is
    registered at its end, below every def that adds to it (registering copies the functions
    the blueprint holds at that moment). None when that cannot be written safely: no app the
    script creates at its top level, a module path that is not importable, a name the script
    uses for something else, or a blueprint module that imports the script (the new import
    would be circular)."""
    from funcls.model.scaffold.functions import Insert, ScaffoldError
    from funcls.model.scaffold.module import plan_registration

    script = ctx.app.script_path
    text = ctx.text(script) if script is not None else None
    if made is None or script is None or text is None:
        return None
    name = os.path.basename(script)
    title = f"Register {var} in {name}"
    call = f"{made.var}.register_functions({var})"
    if os.path.normpath(path) == os.path.normpath(script):
        end = ctx.end_of(script).start
        lead = ("" if text.endswith("\n") else "\n") + "\n\n"
        return fix(title, replace(script, Range(end, end), lead + call + "\n"), preferred=True)
    module_name = _module_name(ctx, path)
    if module_name is None or _imports_script(ctx, path, script):
        return None
    imported = _imported_as(ctx, script, path, var)
    last = module_name.rsplit(".", 1)[-1]
    alias = imported or (f"{last}_bp" if var == "bp" else var)
    try:
        inserts: tuple[Insert, ...] = plan_registration(
            text, name, module_name, alias, var=var, app_var=made.var, imported=bool(imported)
        )
    except (ScaffoldError, SyntaxError, ValueError):
        return None
    edits = [replace(script, Range(i.at, i.at), i.text) for i in inserts]
    return fix(title, *edits, preferred=True)


def _module_name(ctx: Context, path: str) -> str | None:
    """The dotted name the worker imports ``path`` by (the app root is on sys.path)."""
    rel = os.path.relpath(path, ctx.app.root)
    if rel.startswith("..") or not rel.endswith(".py"):
        return None
    parts = rel[:-3].split(os.sep)
    if parts[-1] == "__init__":
        parts.pop()
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return ".".join(parts)


def _imports_script(ctx: Context, path: str, script: str) -> bool:
    module = ctx.module(path)
    if module is None:
        return True
    return any(local_module(ctx, rec, path) == script for rec in module.import_records)


def _imported_as(ctx: Context, script: str, path: str, var: str) -> str | None:
    """The name the script's top level binds ``var`` of ``path`` to by an import, if any."""
    module = ctx.module(script)
    tb = ctx.top_bindings(script)
    if module is None or tb is None:
        return None
    for rec in module.import_records:
        if rec.name != var or rec.guarded or rec.fallback:
            continue
        if rec.range.start.line + 1 in tb.body_imports and local_module(ctx, rec, script) == path:
            return rec.local
    return None


def _registered_too_early(ctx: Context, reg: Registration, fns: list[Function]) -> None:
    for fn in fns:
        bp = fn.registered_on
        line = reg.range.start.line + 1
        if os.path.normpath(fn.script_path or reg.path) == os.path.normpath(reg.path):
            where, fix_it = f"on line {line}", f"below the last function of '{bp}'"
        else:
            # Another module adds it, and runs after the registration (see model.v2.trace).
            where = f"in {ctx.rel(reg.path)} line {line}, which runs before this def does"
            fix_it = (
                f"so that it runs after every function of '{bp}' is defined (after this module "
                "has run)"
            )
        ctx.emit(
            "AZF307",
            f"function '{fn.name}' is added to blueprint '{bp}' after '{reg.app_var}' registers "
            f"it {where}; registering copies the functions the blueprint holds at that moment, "
            f"so '{fn.name}' never reaches the host: move the registration {fix_it}",
            fn.script_path or reg.path,
            fn.def_name_range or reg.range,
            related=[Related(Location(reg.path, reg.range), "the registration")],
            function=fn,
        )


@checker("AZF308")
def misplaced(ctx: Context) -> None:
    for fn in ctx.app.misplaced:
        if fn.scope == "function":
            # A def nested in a function is registered when that function runs: the library
            # keeps the function object, and the worker calls what it indexed, not a name of
            # the module (azure_functions_worker/loader.py index_function_app:
            # app.get_functions(); functions.py Registry.add_indexed_function:
            # function.get_user_function(); worker 7e6acf3). It loads when the enclosing
            # function runs at import (a factory's blueprint, a register_routes(app) the
            # script calls), and is simply not there otherwise: nothing fails. AZF312 says
            # that funcls does not list such functions. Corpus: the tenth round's blueprint
            # factory (bc4d750); a def nested in a function the script calls, decorated on
            # the module's app (eleventh round).
            continue
        use = fn.decorators[0] if fn.decorators else None
        rng = use.name_range if use is not None else (fn.def_name_range or Range.point(0, 0))
        shown = f"@{use.target}.{use.method}" if use is not None else "the app's decorator"
        if fn.scope == "main":
            why = (
                'defined under `if __name__ == "__main__":`; that block does not run when the '
                "worker imports the script, so the function is never registered: move the def "
                "out of the block"
            )
        else:
            first = fn.parameters[0].name if fn.parameters else None
            if first is None or any(b.name == first for b in fn.bindings):
                continue  # no 'self' to fill: the worker calls the plain function as it is
            why = (
                "a method of a class; the library registers the plain function and the worker "
                f"calls it with the bindings as arguments, so '{first}' gets none and the "
                "function does not load: move the def to the top level"
            )
        ctx.emit(
            "AZF308",
            f"{shown} is on '{fn.name}', {why}",
            fn.script_path or "",
            rng,
            function=fn,
        )


def durable_use_of(fn: Function) -> tuple[str, Range] | None:
    """Where ``fn`` uses Durable Functions: its first binding of the durable extension."""
    for b in fn.bindings:
        spec = b.spec
        if spec is not None and spec.extension_package == DURABLE:
            if b.decorator_index is not None and b.decorator_index < len(fn.decorators):
                return b.path, fn.decorators[b.decorator_index].name_range
            return b.path, b.type_range or b.range
    return None


FirstUse = Callable[[], tuple[str, Range] | None]


def _durable_use(ctx: Context, first_in_functions: FirstUse | None) -> tuple[str, Range] | None:
    app = ctx.app
    for o in app.app_objects:
        if o.is_durable:
            return o.path, o.call_range
    if first_in_functions is not None:
        return first_in_functions()
    for fn in app.functions:
        use = durable_use_of(fn)
        if use is not None:
            return use
    return None


@checker("AZF309")
def durable_package(ctx: Context) -> None:
    report_durable_package(ctx, None)


def report_durable_package(ctx: Context, first_in_functions: FirstUse | None) -> None:
    """AZF309; ``first_in_functions``: the first function's use in the app's order, as the
    language server keeps it (``checks.wide``), instead of reading every function."""
    app = ctx.app
    if app.requirements_path is None or app.requirements_unreadable is not None:
        return  # AZF601 reports the missing or unreadable requirements.txt
    if any(r.name == DURABLE for r in app.requirements):
        return
    if includes_other_lines(ctx.text(app.requirements_path) or ""):
        return  # it may be listed in a file requirements.txt includes (-r)
    use = _durable_use(ctx, first_in_functions)
    if use is None:
        return
    path, rng = use
    ctx.emit(
        "AZF309",
        f"Durable Functions are used here but requirements.txt does not list {DURABLE}; "
        "add it, or the app fails to import once deployed",
        path,
        rng,
        related=[Related(Location(app.requirements_path, Range.point(0, 0)), "requirements.txt")],
        fixes=fixes(
            fix(
                f"Add {DURABLE} to requirements.txt",
                append_line(ctx, app.requirements_path, DURABLE),
                preferred=True,
            )
        ),
    )


@checker("AZF310", "AZF312")
def indexer_problems(ctx: Context) -> None:
    for p in ctx.app.problems:
        if p.kind == "durable-drops-decorators":
            ctx.emit("AZF310", p.message, p.path, p.range)
        elif p.kind == "blueprint-unresolved":
            ctx.emit("AZF312", p.message, p.path, p.range)


@checker("AZF311")
def registered_twice(ctx: Context) -> None:
    seen: dict[tuple[str, str, str], Range] = {}
    for reg in ctx.app.registrations:
        if reg.blueprint_path is None or reg.blueprint_var is None:
            continue
        key = (reg.app_var, reg.blueprint_path, reg.blueprint_var)
        first = seen.get(key)
        if first is None:
            seen[key] = reg.range
            continue
        ctx.emit(
            "AZF311",
            f"blueprint '{reg.arg_text}' is registered on '{reg.app_var}' again, which adds "
            "each of its functions a second time (duplicate function names): remove this call",
            reg.path,
            reg.range,
            related=[Related(Location(reg.path, first), "first registration")],
        )


# Registrations made by code funcls does not run (corpus, fifth round: 33 functions registered in
# a `for` loop over a registry with `_app.function_name(name)(_app.route(...)(handler))`, 14 by a
# helper called as `register_advisor_route(bp, "status", get_status)`, 3 by a home-made decorator
# from `mcp_tool = get_mcp_tool(app)`). funcls reads decorators of top-level defs and decorator
# calls at the top level; these it does not list, which AZF312 information now says instead of
# a silent shorter list. A text pre-filter keeps the parse off modules without such lines, and
# the answer is kept while the module's text is the same object (the language server's passes).
_NOT_REGISTERING = frozenset(
    {"isinstance", "print", "id", "repr", "str", "type", "hasattr", "getattr", "len", "vars"}
)
_unfollowed_kept: dict[str, tuple[str, frozenset[str], list[tuple[str, Range, str]]]] = {}


def unfollowed_registrations(text: str, names: frozenset[str]) -> list[tuple[str, Range, str]]:
    """(var, range, what) for each app object of ``names`` (top-level variables of the module)
    handed to a call (``helper(app, ...)``) or whose decorator is applied inside a loop or a
    function; at most one of each kind per variable."""
    from funcls.model.catalogue import CATALOGUE

    hits = [
        n
        for n in names
        # literal tests first (C speed on a module of thousands of decorated defs), the
        # regular expressions only on a module that has such a spelling at all
        if (
            ((n + ")") in text or (n + ",") in text)
            and re.search(rf"[(,]\s*{re.escape(n)}\s*[,)]", text)
        )
        or (
            (f" {n}." in text or f"\t{n}." in text or f" @{n}." in text)
            and re.search(rf"^[ \t]+@?{re.escape(n)}\.\w+\(", text, re.M)
        )
    ]
    if not hits:
        return []
    try:
        tree = parse_python(text)
    except (SyntaxError, ValueError):
        return []
    found: dict[tuple[str, str], tuple[str, Range, str]] = {}

    columns = Columns(text)  # ast's columns count UTF-8 bytes, an editor's characters

    def rng(node: ast.expr) -> Range:
        (line, col), (end_line, end_col) = columns.start(node), columns.end(node)
        return Range.of(line, col, end_line, end_col)

    def visit(node: ast.AST, inside: str | None) -> None:
        if isinstance(node, ast.Call):
            callee = ast.unparse(node.func) if hasattr(ast, "unparse") else "a call"
            func_node = node.func
            on_app = isinstance(func_node, ast.Attribute) and isinstance(func_node.value, ast.Name)
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                if (
                    isinstance(arg, ast.Name)
                    and arg.id in hits
                    and not on_app
                    and not (isinstance(func_node, ast.Name) and func_node.id in _NOT_REGISTERING)
                ):
                    found.setdefault(
                        (arg.id, "passed"),
                        (arg.id, rng(node), f"{callee}() is handed '{arg.id}'"),
                    )
            if (
                inside is not None
                and on_app
                and isinstance(func_node, ast.Attribute)
                and isinstance(func_node.value, ast.Name)
                and func_node.value.id in hits
                and CATALOGUE.decorator(func_node.attr) is not None
            ):
                var = func_node.value.id
                found.setdefault(
                    (var, "scoped"),
                    (var, rng(func_node), f"{var}.{func_node.attr}() is applied inside {inside}"),
                )
        for child in ast.iter_child_nodes(node):
            scope = inside
            if scope is None and isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
                # the loop's body and else; its iterable or test is evaluated at the top
                once = node.test if isinstance(node, ast.While) else node.iter
                scope = None if child is once else "a loop"
            elif scope is None and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                # the body; decorators, defaults and annotations run where the def is
                scope = "a function" if child in node.body else None
            elif scope is None and isinstance(node, (ast.Lambda, ast.comprehension)):
                scope = "a function" if isinstance(node, ast.Lambda) else "a loop"
            visit(child, scope)

    visit(tree, None)
    return list(found.values())


@checker("AZF312")
def registrations_funcls_does_not_run(ctx: Context) -> None:
    by_path: dict[str, set[str]] = {}
    for o in ctx.app.app_objects:
        if o.top_level:
            by_path.setdefault(o.path, set()).add(o.var)
    for path, vars_ in by_path.items():
        text = ctx.text(path)
        if not text:
            continue
        names = frozenset(vars_)
        kept = _unfollowed_kept.get(path)
        if kept is not None and kept[0] is text and kept[1] == names:
            found = kept[2]
        else:
            found = unfollowed_registrations(text, names)
            if len(_unfollowed_kept) >= 32:
                _unfollowed_kept.clear()
            _unfollowed_kept[path] = (text, names, found)
        for _var, where, what in found:
            ctx.emit(
                "AZF312",
                f"{what}, code funcls does not run: the functions it registers there are not "
                "listed or checked (funcls reads decorated top-level defs and decorator calls "
                "at the top level of a module)",
                path,
                where,
                severity=Severity.INFO,
            )
