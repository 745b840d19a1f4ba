"""Re-indexing an app after an edit of one blueprint module, without indexing the rest again.

``load_app`` builds the whole app: the script, the import trace over every module, each
registered blueprint's functions (the defs that did not change come from the indexer's memo,
but every one is still walked, defaulted and added). On one app of 5,000 functions that is
about 40 ms per keystroke, which a completion or hover sent right after the keystroke waits
for (issue 16).

``patch_module`` gives the same ``App`` as ``load_app`` for the common keystroke — inside the
decorators or body of defs of one registered blueprint module, the module's shape unchanged —
by building that module's functions again (``V2Indexer.functions_of``, the same memo, so the
defs that did not change keep their ``Function`` objects) and putting them where the old ones
were. It answers ``None`` whenever it cannot be sure, and the caller indexes the whole app.

The shape is everything of the module the indexer and the import trace read besides what is
inside the defs: imports, constants, app objects, registrations, classes, ``sys.path`` edits,
problems, and each def's name, first position, scope, branch and decorator names. With the
shape unchanged, the trace and every other module's functions are unchanged too, provided no
other module's function read this module (the memo's recorded answers say so).

Lines added or removed inside or between defs (every Enter key) keep the shape: the defs
below the edit stand lower or higher, and nothing else about them changed. The analysis
gives those defs as copies moved by the lines added (``model.python.module.moved_defs``),
the indexer moves their functions the same way (``V2Indexer._moved``), and the shape
compares each moved def where it stood before. A line added above the module's imports,
constants or app objects changes their positions: the shape differs, and the whole app is
indexed.
"""

from __future__ import annotations

import copy
import os

from funcls.model.appmodel import App, Function
from funcls.model.locations import Position
from funcls.model.python.facts import ModuleInfo
from funcls.model.python.module import moved_defs
from funcls.model.source import Source
from funcls.model.v2.indexer import V2Indexer, _memo_of

# Decorators whose functions the indexer adds beside the def (a synthetic activity): never
# patched.
_SYNTHETIC = ("durable_openai_agent_orchestrator",)


def module_shape(module: ModuleInfo) -> tuple[object, ...]:
    """What of ``module`` the v2 indexer and the import trace read outside its defs' insides;
    compared by value."""
    return (
        module.problems,
        module.imports,
        module.import_records,
        module.constants,
        module.constant_lines,
        module.app_creations,
        module.registrations,
        module.classes,
        module.protocols,
        module.sys_paths,
        module.sequences,
        module.partial,
        [
            (f.name, f.def_range.start, f.scope, f.branch, [d.chain for d in f.decorators])
            for f in module.functions
        ],
    )


def _shape_of(source: Source, module: ModuleInfo) -> tuple[object, ...]:
    """``module_shape``, kept for the last analysis of each module (an edit compares the new
    analysis with the one before, which was the new one of the edit before)."""
    kept = source.memo.setdefault("v2-shapes", {})
    assert isinstance(kept, dict)
    hit = kept.get(module.path)
    if hit is not None and hit[0] is module:
        return hit[1]  # type: ignore[no-any-return]
    shape = module_shape(module)
    kept[module.path] = (module, shape)
    return shape


def _same_shape(source: Source, before: ModuleInfo, after: ModuleInfo) -> bool:
    """Whether ``after`` has ``before``'s shape, the defs that lines added or removed above
    them moved (``moved_defs``) compared where they stood."""
    was, now = _shape_of(source, before), _shape_of(source, after)
    if was[:-1] != now[:-1]:
        return False
    old_defs, new_defs = was[-1], now[-1]
    assert isinstance(old_defs, list) and isinstance(new_defs, list)
    if len(old_defs) != len(new_defs):
        return False
    moved = moved_defs(source.memo.get("defs:" + after.path, {}))  # type: ignore[arg-type]
    for i, (old, new) in enumerate(zip(old_defs, new_defs, strict=True)):
        if old == new:
            continue
        entry = moved.get(id(after.functions[i]))
        if entry is None or entry[1] is not before.functions[i]:
            return False
        shift = entry[2]
        start = old[1]
        if start.line >= shift.at:
            start = Position(start.line + shift.delta, start.column)
        if (old[0], start, *old[2:]) != new:
            return False
    return True


def _others_depend(source: Source, path: str, root: str) -> bool:
    """Whether the rest of the app depends on ``path`` beyond its shape: a function built from
    another module recorded an answer about it (a constant it imports from there, say: a full
    indexing would build that function again), or the app has functions decorated on an object
    imported from another module (whether one of those is listed may depend on the text of
    every module the import trace runs, ``V2Indexer._only_traced_imports``)."""
    memo = source.memo.get("v2-functions")
    if not isinstance(memo, dict):
        return False
    for key, built in memo.items():
        # (V2Indexer.functions_of's key: module path, owner var, kind, owner path, root, …)
        if key[4] == root and key[0] != key[3] and built:
            return True
        if key[0] == path:
            continue
        for b in built.values():
            answers = b.answers.answers
            if answers and any(answer[1] == path for answer in answers):
                return True
    return False


def patch_module(app: App, path: str, before: ModuleInfo, source: Source) -> App | None:
    """``app`` indexed again after an edit of the module at ``path``, whose analysis was
    ``before`` when ``app`` was indexed; ``None`` when only a full indexing can tell."""
    path = os.path.normpath(path)
    script = app.script_path
    if script is None or path == os.path.normpath(script):
        return None
    after = source.module(path)
    if after is None or not _same_shape(source, before, after):
        return None
    regs = [r for r in app.registrations if r.blueprint_path == path]
    if len(regs) != 1 or regs[0].blueprint_var is None:
        return None
    var = regs[0].blueprint_var
    if [o.var for o in app.app_objects if o.path == path] != [var]:
        return None
    if any(p.path == path for p in app.problems):
        return None

    if any(f.script_path == path or f.blueprint_path == path for f in app.unregistered):
        return None
    if any(f.script_path == path or f.blueprint_path == path for f in app.misplaced):
        return None
    at = [
        i for i, f in enumerate(app.functions) if f.script_path == path or f.blueprint_path == path
    ]
    if not at or at[-1] - at[0] + 1 != len(at):
        return None
    old = app.functions[at[0] : at[-1] + 1]
    if any(
        f.model != "v2"
        or f.synthetic
        or f.script_path != path
        or f.blueprint_path != path
        or f.registered_on != var
        for f in old
    ):
        return None
    if any(d.chain[-1] in _SYNTHETIC for f in after.functions for d in f.decorators):
        return None
    if _others_depend(source, path, app.root):
        return None

    indexer = V2Indexer(app.root, script, source)
    main = source.module(indexer.script_path)
    if main is None:
        return None
    # As V2Indexer.run sets them before it builds any function (they are part of the memo's
    # key: a different value would build every def again and keep nothing).
    inside = indexer.root + os.sep
    indexer.resolver.extra_roots = [
        p for p in main.sys_paths if p != indexer.root and (p + os.sep).startswith(inside)
    ]
    apps = [o for _, o in indexer.objects_of(main) if not o.is_blueprint and o.top_level]
    if not apps:
        # The script takes its app from another module (V2Indexer.imported_app, found through
        # the import trace): the app's auth level comes from there.
        return None
    app_level = apps[0].auth_level
    if app_level is not None:
        indexer._app_level = (app_level.value, app_level.known, app_level.text)
    indexer.result.problems.clear()  # the script's own (unchanged, already in the app)
    # A name the defs decorate on that is an app object imported from another module: its
    # functions join that object (V2Indexer.follow_imported_back), not this blueprint.
    owners = {d.chain[0] for f in after.functions for d in f.decorators if len(d.chain) == 2}
    for name in owners - {var}:
        qualname = after.imports.get(name)
        if qualname and indexer.resolver.imported_object(qualname, path) is not None:
            return None
    owner = next((o for _, o in indexer.objects_of(after) if o.var == var), None)
    if owner is None or not owner.is_blueprint:
        return None
    built = indexer.functions_of(after, owner)
    if indexer.result.problems or indexer.result.misplaced or len(built) != len(old):
        return None
    new: list[Function] = []
    for _pyf, fn in built:
        fn.blueprint_path = path  # as V2Indexer.register does
        indexer.defaults(fn, app_level)
        new.append(fn)
    # The functions whose defaults are filled in, as V2Indexer.run leaves them.
    done = _memo_of(source, "v2-defaulted")
    for f in old:
        done.pop(id(f), None)
    done.update(indexer._defaulted)
    patched = copy.copy(app)
    patched.functions = [*app.functions[: at[0]], *new, *app.functions[at[-1] + 1 :]]
    return patched
