"""The v2 programming model: decorators on FunctionApp / Blueprint objects.

The indexer follows what azure-functions does when the worker imports the script, step by
step, but from the syntax tree: decorators apply bottom-up, each adds its bindings, the
library's defaults are filled in (route = function name, trigger argument ``req``,
``$return``, the app's auth level), blueprints join the app where ``register_functions`` is
called. Values it cannot resolve statically are marked unknown, never guessed.

The language server re-indexes an edit of one blueprint module without this whole run when
it can prove the result the same (``model/v2/reindex.py::patch_module``): what ``run`` reads
of a module besides its defs' insides must be in ``reindex.module_shape``, and a new way for
one module's functions to depend on another's needs a precondition there
(``tests/lsp/unit/test_reindex_patch.py`` compares both after random edits).
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import field, replace
from typing import Any

from funcls.model.appmodel import (
    AppObject,
    Binding,
    Function,
    Problem,
    Registration,
    Value,
)
from funcls.model.catalogue import (
    CATALOGUE,
    target_library_version,
)
from funcls.model.fastclass import dataclass
from funcls.model.locations import Position, Range
from funcls.model.python.binding_lines import imports_in_functions
from funcls.model.python.module import (
    AppCreation,
    ModuleInfo,
    PyFunction,
    PyValue,
    RawDecorator,
    moved_copies,
    moved_defs,
)
from funcls.model.shift import Memo, Shift, Unshiftable, shifter
from funcls.model.source import Source
from funcls.model.v2.builder import FunctionBuilder
from funcls.model.v2.trace import ImportTrace, trace_imports
from funcls.model.v2.values import ModuleResolver, ValueConverter, enum_member_json


def all_http_methods() -> list[str]:
    """Every HttpMethod member of the targeted library, in declaration order (the ASGI/WSGI
    catch-all function answers them all; azure-functions 2.3 added QUERY)."""
    spec = CATALOGUE.enum("HttpMethod")
    version = target_library_version()
    return [m.json for m in spec.members if m.available_in(version)] if spec else []


@dataclass
class V2Result:
    functions: list[Function] = field(default_factory=list)
    unregistered: list[Function] = field(default_factory=list)
    misplaced: list[Function] = field(default_factory=list)
    app_objects: list[AppObject] = field(default_factory=list)
    registrations: list[Registration] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: set[str] = field(default_factory=set)
    # What importing a module runs of the app: itself, then the app's modules it imports,
    # transitively (the import trace's order). For the script: the modules the worker loads.
    # For a module of a blueprint never registered: what registering it would load too.
    loaded: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _app_object(c: AppCreation, path: str) -> AppObject:
    obj = AppObject(c.var, c.kind, path, c.range, c.call_range, c.top_level)
    if c.kind in ("FunctionApp", "DFApp"):
        positional = ["http_auth_level"]
    elif c.kind in ("AsgiFunctionApp", "WsgiFunctionApp"):
        positional = ["app", "http_auth_level", "function_name"]
    else:
        positional = []
    given: dict[str, PyValue] = dict(c.kwargs)
    for i, a in enumerate(c.args):
        if i < len(positional):
            given.setdefault(positional[i], a)
    lvl = given.get("http_auth_level")
    if lvl is not None:
        obj.auth_level = Value(None, lvl.range, None, known=False, text=lvl.text)
    fname = given.get("function_name")
    if fname is not None:
        obj.function_name = Value(
            fname.const if fname.kind == "const" else None,
            fname.range,
            known=fname.kind == "const",
            text=fname.text,
        )
    return obj


def _resolve_auth_level(
    obj: AppObject, creation: AppCreation, conv: ValueConverter, problems: list[Problem]
) -> None:
    if obj.is_blueprint:
        return
    if obj.auth_level is None:
        obj.auth_level = Value("function", obj.call_range, origin="default")
        return
    pv = creation.kwargs.get("http_auth_level")
    if pv is None and creation.args:
        idx = 1 if obj.kind in ("AsgiFunctionApp", "WsgiFunctionApp") else 0
        pv = creation.args[idx] if idx < len(creation.args) else None
    if pv is None:
        return
    pv = conv.resolver.resolve_ref(pv, obj.path)
    if pv.kind == "enum" and pv.qualname:
        json_value = enum_member_json(pv.qualname)
        if json_value is not None:
            obj.auth_level = Value(json_value, pv.range)
        return
    if pv.kind == "const" and isinstance(pv.const, str):
        # FunctionApp looks a string up by exact member name: "ANONYMOUS" works, "anonymous" fails.
        spec = CATALOGUE.enum("AuthLevel")
        member = next((m for m in spec.members if m.name == pv.const), None) if spec else None
        if member is None:
            problems.append(
                Problem(
                    "app-auth-level",
                    f"FunctionApp(http_auth_level='{pv.const}') fails at import: the library "
                    "looks the string up by exact member name; write "
                    f"func.AuthLevel.{pv.const.upper()} or '{pv.const.upper()}'",
                    obj.path,
                    pv.range,
                    {"value": pv.const},
                )
            )
            obj.auth_level = Value(pv.const, pv.range)
        else:
            obj.auth_level = Value(member.json, pv.range)


def _asgi_function(obj: AppObject) -> Function:
    name = "http_app_func"
    if obj.function_name is not None and obj.function_name.known:
        name = str(obj.function_name.value)
    fn = Function(
        name=name,
        model="v2",
        script_path=obj.path,
        script_exists=True,
        entry_point="http_app_func",
        entry_found=True,
        def_range=obj.range,
        def_name_range=obj.call_range,
        is_async=obj.kind == "AsgiFunctionApp",
        registered_on=obj.var,
        http_type="asgi" if obj.kind == "AsgiFunctionApp" else "wsgi",
        synthetic=True,
    )
    trig = Binding("httpTrigger", "in", "req", obj.path, obj.call_range)
    trig.properties["methods"] = Value(all_http_methods(), obj.call_range, origin="default")
    if obj.auth_level is not None:
        trig.properties["authLevel"] = obj.auth_level
    trig.properties["route"] = Value("/{*route}", obj.call_range, origin="default")
    fn.bindings = [trig, Binding("http", "out", "$return", obj.path, obj.call_range)]
    return fn


def _openai_activity(obj: AppObject, use_range: Range) -> Function:
    fn = Function(
        name="run_model_activity",
        model="v2",
        script_path=obj.path,
        script_exists=True,
        entry_point="run_model_activity",
        entry_found=True,
        def_range=use_range,
        def_name_range=use_range,
        is_async=True,
        registered_on=obj.var,
        synthetic=True,
    )
    b = Binding("activityTrigger", "in", "input", obj.path, use_range)
    b.properties["activity"] = Value("run_model", use_range, origin="default")
    fn.bindings = [b]
    return fn


def _apply_http_defaults(fn: Function, app_level: Value | None) -> None:
    trig = fn.trigger
    if trig is None or trig.type != "httpTrigger":
        return
    anchor = trig.range
    if "route" not in trig.properties or (
        trig.properties["route"].known and trig.properties["route"].value is None
    ):
        trig.properties["route"] = Value(fn.name, anchor, origin="default")
    if "authLevel" not in trig.properties and app_level is not None:
        trig.properties["authLevel"] = Value(
            app_level.value, anchor, None, app_level.known, app_level.text, origin="default"
        )


def _foreign_below(pyf: PyFunction, mine: list[RawDecorator]) -> str | None:
    """The first decorator funcls does not know below the topmost of the app's own, if any.

    The library records whatever callable the decorators below it return, and the worker reads
    that callable's signature (``inspect.signature`` follows ``__wrapped__`` and honours
    ``__signature__``), so a decorator funcls does not know, anywhere under a binding
    decorator, may change what the worker sees.
    """
    if not mine:
        return None
    # By identity (``mine`` is a sublist of ``pyf.decorators``): ``index`` and ``in`` compare
    # the dataclasses field by field, which made a def with N stacked decorators cost N²
    # comparisons (20,000 took minutes; found by scripts/hunt_loader.py).
    own = {id(d) for d in mine}
    below = False
    for d in pyf.decorators:
        if id(d) in own:
            below = True
        elif below:
            return ".".join(d.chain)
    return None


class _Recorder:
    """The resolver's view of the files while one module's functions are built: every answer
    it gave is noted, so that the built functions can be re-used while the answers hold."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.answers: list[tuple[str, str, object]] = []

    def is_file(self, path: str) -> bool:
        found = self.source.is_file(path)
        self.answers.append(("is_file", path, found))
        return found

    def module(self, path: str) -> ModuleInfo | None:
        found = self.source.module(path)
        self.answers.append(("module", path, found))
        return found

    def text(self, path: str) -> str | None:
        # A value computed from a module's text (values.py, objects_to_dicts) depends on more
        # of it than the def: the function is never kept.
        self.answers.append(("module", path, object()))
        return self.source.text(path)

    def still(self, source: Source) -> bool:
        for kind, path, answer in self.answers:
            if kind == "is_file":
                if source.is_file(path) != answer:
                    return False
            elif source.module(path) is not answer:
                return False
        return True


@dataclass
class _Built:
    """The Function built from one def for one owner, and what it was built from."""

    pyf: PyFunction
    answers: _Recorder
    fn: Function
    misplaced: bool  # not at module level: the app never gets it (V2Result.misplaced)
    problems: list[Problem]


def _memo_of(source: Source, name: str) -> dict[int, Function]:
    memo = source.memo.get(name)
    if not isinstance(memo, dict):
        memo = source.memo[name] = {}
    return memo


def _moved_functions(
    source: Source,
) -> dict[tuple[object, ...], dict[int, tuple[Function, Function, Shift]]]:
    memo = source.memo.get("v2-moved")
    if not isinstance(memo, dict):
        memo = source.memo["v2-moved"] = {}
    return memo


def moved_function(source: Source, fn: Function) -> tuple[Function, Shift] | None:
    """When ``fn`` is a copy of a Function the last indexing built, moved by lines added or
    removed above its def (``V2Indexer._moved``): that Function and the shift.

    Asked from the rules thread while the event loop may index again, adding and dropping
    keys of the memo: its values are listed at once (no Python code runs while ``list``
    copies them), not iterated, which raised 'dictionary changed size during iteration'."""
    for moved in list(_moved_functions(source).values()):
        entry = moved.get(id(fn))
        if entry is not None and entry[0] is fn:
            return entry[1], entry[2]
    return None


def moved_functions(source: Source) -> dict[int, tuple[Function, Function, Shift]]:
    """Every ``moved_function`` answer at once: id(copy) -> (copy, the Function it was
    copied from, the shift); a value's copy is the one when ``entry[0] is fn``. Listed as
    ``moved_function`` lists them (the event loop may index meanwhile)."""
    out: dict[int, tuple[Function, Function, Shift]] = {}
    for moved in list(_moved_functions(source).values()):
        out.update(moved)
    return out


def _memo(source: Source, key: tuple[object, ...]) -> dict[int, _Built]:
    """Built functions kept with the source between indexing runs (incremental indexing: a
    keystroke builds the defs it changed again, not the whole app's), by ``id`` of the def
    (the analysis of a module gives the same PyFunction object for a def that did not
    change, see ``model.python.module``)."""
    memo = source.memo.get("v2-functions")
    if not isinstance(memo, dict):
        memo = source.memo["v2-functions"] = {}
    return memo.setdefault(key, {})  # type: ignore[no-any-return]


def _drop_superseded(source: Source, key: tuple[object, ...]) -> None:
    """Forget what ``functions_of`` kept for the same module, owner and app under other
    extra roots or app defaults (the last two parts of ``key``): those builds never serve
    again once the app has moved on, and in the language server every distinct text of the
    app's auth level typed (``func.AuthLevel.A``, ``…AN``, …) kept a copy of the app's
    Functions for good (review of issue 16: 18 texts, 18,000 Functions of a 1,000-function
    app alive). Kept by the key without those two parts (``v2-current``)."""
    current = source.memo.get("v2-current")
    if not isinstance(current, dict):
        current = source.memo["v2-current"] = {}
    where = key[:-2]
    last = current.get(where)
    if last is not None and last != key:
        memo = source.memo.get("v2-functions")
        if isinstance(memo, dict):
            memo.pop(last, None)
        _moved_functions(source).pop(last, None)
    current[where] = key


def _drop_unused(source: Source, root: str, used: set[tuple[object, ...]]) -> None:
    """After a whole indexing of the app at ``root``: forget what ``functions_of`` kept for
    a module and owner of that app the run did not ask about (a blueprint module deleted,
    its blueprint renamed, a registration removed). Its Functions stayed in the memo for the
    server's life (review of issue 16)."""
    for name in ("v2-functions", "v2-moved"):
        memo = source.memo.get(name)
        if isinstance(memo, dict):
            for key in [k for k in memo if len(k) > 4 and k[4] == root and k not in used]:
                del memo[key]
    current = source.memo.get("v2-current")
    if isinstance(current, dict):
        for where in [w for w, k in current.items() if w[4] == root and k not in used]:
            del current[where]


def forget_roots(source: Source, roots: set[str]) -> None:
    """Drop what the indexers kept for the apps at ``roots`` (gone from the workspace): the
    Functions ``functions_of`` built, those whose defaults were filled in, and the v1
    functions of their folders (``loader._v1_function``)."""
    for name in ("v2-functions", "v2-moved", "v2-current"):
        memo = source.memo.get(name)
        if isinstance(memo, dict):
            for key in [k for k in memo if len(k) > 4 and k[4] in roots]:
                del memo[key]
    inside = tuple(os.path.join(root, "") for root in roots)
    defaulted = source.memo.get("v2-defaulted")
    if isinstance(defaulted, dict):
        for key, fn in list(defaulted.items()):
            if (fn.script_path or "").startswith(inside):
                del defaulted[key]
    v1 = source.memo.get("v1-functions")
    if isinstance(v1, dict):
        for folder in [f for f in v1 if isinstance(f, str) and f.startswith(inside)]:
            del v1[folder]


class V2Indexer:
    def __init__(self, root: str, script_path: str, source: Source) -> None:
        self.root = root
        self.script_path = os.path.normpath(script_path)
        self.source = source
        self.resolver = ModuleResolver(root, source)
        self.result = V2Result()
        self._openai_done = False
        self._added: set[tuple[str, Position]] = set()  # blueprint defs registered so far
        self._keys: set[tuple[object, ...]] = set()  # the memo keys functions_of used
        self._late: dict[tuple[str, Position], Function] = {}  # defined after registration
        self._app_level: tuple[object, ...] = ()  # what _apply_http_defaults fills in
        # Functions whose defaults are filled in already: kept ones (functions_of) were filled
        # in by an earlier run with the same app defaults (part of their memo key).
        self._defaulted: dict[int, Function] = {}
        # A module's defs by the names their decorators start with (`bp` of `@bp.route`),
        # made once per module: looking through every def for each registered blueprint made
        # N blueprints of one function each cost N² (found by scripts/hunt_loader.py).
        self._by_owner: dict[int, tuple[ModuleInfo, dict[str, list[PyFunction]]]] = {}
        self._trace = ImportTrace()
        self._script_bps: dict[str, AppObject] = {}
        self._traced_only: dict[str, bool] = {}
        # Functions other modules decorate on an object (path, var) they import back, with the
        # tick at which their def runs (see model.v2.trace).
        self._foreign: dict[tuple[str, str], list[tuple[int, PyFunction, Function]]] = {}

    def _decorated_by(self, module: ModuleInfo, var: str) -> list[PyFunction]:
        entry = self._by_owner.get(id(module))
        if entry is None or entry[0] is not module:
            groups: dict[str, list[PyFunction]] = {}
            for pyf in module.functions:
                for name in dict.fromkeys(d.chain[0] for d in pyf.decorators if len(d.chain) == 2):
                    groups.setdefault(name, []).append(pyf)
            entry = (module, groups)
            self._by_owner[id(module)] = entry
        return entry[1].get(var, [])

    def functions_of(
        self, module: ModuleInfo, owner: AppObject
    ) -> list[tuple[PyFunction, Function]]:
        """The functions ``owner``'s decorators make in ``module``. A def unchanged since the
        last indexing run (same PyFunction object, same answers about the other files, same
        app defaults) gives the same Function object, so checks of it can be kept too."""
        key = (
            module.path,
            owner.var,
            owner.kind,
            owner.path,
            self.root,
            tuple(self.resolver.extra_roots),
            self._app_level,
        )
        _drop_superseded(self.source, key)
        memo = _memo(self.source, key)
        self._keys.add(key)
        kept: dict[int, _Built] = {}
        out: list[tuple[PyFunction, Function]] = []
        defs = self.source.memo.get("defs:" + module.path, {})
        moved_pyfs = moved_defs(defs)  # type: ignore[arg-type]
        copied = moved_copies(defs)  # type: ignore[arg-type]
        moved: dict[int, tuple[Function, Function, Shift]] = {}
        # Moved by an earlier run (the rules may not have seen them yet): still copies.
        moved_before = _moved_functions(self.source).get(key, {})
        for pyf in self._decorated_by(module, owner.var):
            mine = [d for d in pyf.decorators if len(d.chain) == 2 and d.chain[0] == owner.var]
            if not mine:
                continue
            built = memo.get(id(pyf))
            if built is None or built.pyf is not pyf or not built.answers.still(self.source):
                built = self._moved(pyf, memo, moved_pyfs, copied, moved) or self._build(
                    pyf, mine, module, owner
                )
            elif moved_before:
                entry = moved_before.get(id(built.fn))
                if entry is not None and entry[0] is built.fn:
                    moved[id(built.fn)] = entry
            kept[id(pyf)] = built
            self.result.problems.extend(built.problems)
            if built.misplaced:
                self.result.misplaced.append(built.fn)
            else:
                out.append((pyf, built.fn))
        memo.clear()
        memo.update(kept)
        _moved_functions(self.source)[key] = moved
        return out

    def _moved(
        self,
        pyf: PyFunction,
        memo: dict[int, _Built],
        moved_pyfs: dict[int, tuple[PyFunction, PyFunction, Shift]],
        copied: dict[int, Memo],
        moved: dict[int, tuple[Function, Function, Shift]],
    ) -> _Built | None:
        """The Function of a def the analysis moved (lines added or removed above it,
        ``moved_defs``), moved the same way: when the def it was copied from was built last
        time reading nothing of any file (``answers`` empty: whatever it read of another file
        could sit anywhere, and what it read of its own module is in the def's state)."""
        entry = moved_pyfs.get(id(pyf))
        if entry is None or entry[0] is not pyf:
            return None
        old_pyf, shift = entry[1], entry[2]
        was = memo.get(id(old_pyf))
        if was is None or was.pyf is not old_pyf or was.answers.answers:
            return None
        # The Function holds the def's Parameter and return Annotation objects and ranges
        # (the builder takes them from the PyFunction) and shares Values between its
        # decorators' keywords and its bindings' properties: each is copied once, the moved
        # def's copies standing for its own (the same shift made them: ``moved_copies``),
        # so the copy shares what a Function built from the moved def would share.
        made = copied.get(id(pyf))
        copies: Memo = dict(made) if made is not None else {}
        for p, q in zip(old_pyf.params, pyf.params, strict=True):
            copies[id(p)] = (p, q)
        if old_pyf.returns is not None:
            copies[id(old_pyf.returns)] = (old_pyf.returns, pyf.returns)
        try:
            move = shifter(shift, memo=copies)
            fn = move(was.fn)
            problems = [move(p) for p in was.problems]
        except Unshiftable:
            return None
        moved[id(fn)] = (fn, was.fn, shift)
        return _Built(pyf, was.answers, fn, was.misplaced, problems)

    def _build(
        self, pyf: PyFunction, mine: list[RawDecorator], module: ModuleInfo, owner: AppObject
    ) -> _Built:
        recorder = _Recorder(self.source)
        if any("mcp" in d.chain[-1] for d in pyf.decorators):
            # mcp_tool reads other parts of the module (classes, the def by name): never kept.
            recorder.answers.append(("module", module.path, object()))
        resolver_source = self.resolver.source
        self.resolver.source = recorder  # type: ignore[assignment]
        problems: list[Problem] = []
        try:
            fn = FunctionBuilder(pyf, module, owner, self.resolver, problems).build(mine)
        finally:
            self.resolver.source = resolver_source
        misplaced = pyf.scope != "module"
        if not misplaced:
            fn.foreign_decorator = _foreign_below(pyf, mine)
        return _Built(pyf, recorder, fn, misplaced, problems)

    def objects_of(self, module: ModuleInfo) -> list[tuple[AppCreation, AppObject]]:
        conv = ValueConverter(self.resolver, module.path, self.result.problems)
        out = []
        for c in module.app_creations:
            obj = _app_object(c, module.path)
            _resolve_auth_level(obj, c, conv, self.result.problems)
            out.append((c, obj))
        return out

    def run(self) -> V2Result:
        main = self.source.module(self.script_path)
        if main is None:
            return self.result
        self.result.files.add(self.script_path)
        self.result.problems.extend(main.problems)
        inside = self.root + os.sep
        self.resolver.extra_roots = [
            p for p in main.sys_paths if p != self.root and (p + os.sep).startswith(inside)
        ]
        self._trace = trace_imports(main, self.resolver, self.source)
        self.result.loaded[main.path] = tuple(self._trace.order)
        creations = self.objects_of(main)
        for _, obj in creations:
            self.result.app_objects.append(obj)
        apps = [o for _, o in creations if not o.is_blueprint and o.top_level]
        if not apps:
            imported = self.imported_app(main)
            if imported is not None:
                apps = [imported]
                self.result.app_objects.append(imported)
                self.result.files.add(imported.path)
        app_level = apps[0].auth_level if apps else None
        if app_level is not None:
            self._app_level = (app_level.value, app_level.known, app_level.text)
        local_bps = {o.var: o for _, o in creations if o.is_blueprint}
        self._script_bps = local_bps
        registered_bp_keys: set[tuple[str, str]] = set()
        self.follow_imported_back(
            main,
            [o for _, o in creations if o.top_level] + [a for a in apps if a.path != main.path],
        )

        # Events of the main module in source order: app creations, decorated defs, registrations;
        # a function another module decorates on the app sits at the script's line that was
        # running when that module ran (an import), in the order the modules ran.
        events: list[tuple[int, int, int, Any]] = []
        for c, obj in creations:
            if not obj.is_blueprint and obj.top_level:
                events.append((c.range.start.line, 0, 0, ("create", obj)))
        for app_obj in apps:
            if app_obj.path == main.path:
                for pyf, fn in self.functions_of(main, app_obj):
                    events.append((pyf.def_start.line, 1, 0, ("fn", fn)))
            else:
                # The app another module creates: what that module decorates on it runs at
                # the script line that imported it; the script's own defs are among the
                # functions decorated on the imported object (follow_imported_back).
                line = self._trace.script_line.get(app_obj.path, -1)
                events.append((line, 0, 0, ("create", app_obj)))
                home = self.source.module(app_obj.path)
                for pyf, fn in self.functions_of(home, app_obj) if home is not None else []:
                    fn.blueprint_path = app_obj.path
                    tick = self._trace.ticks.get((app_obj.path, pyf.def_range.start.line), 0)
                    events.append((line, 1, tick, ("fn", fn)))
            for tick, pyf, fn in self._foreign.get((app_obj.path, app_obj.var), []):
                if fn.script_path == main.path:
                    line = pyf.def_range.start.line
                else:
                    line = self._trace.script_line.get(fn.script_path or "", -1)
                events.append((line, 1, tick, ("fn", fn)))
        for reg in main.registrations:
            events.append((reg.range.start.line, 2, 0, ("reg", (reg, main))))
        # A module the script's imports run may register a blueprint on the app it imports
        # back (`from function_app import app`, then `app.register_functions(bp)`): that
        # happens at the script line that ran the module, in the order of the ticks.
        for line, tick, reg, module in self.foreign_registrations(main, apps):
            events.append((line, 1, tick, ("reg", (reg, module))))
        events.sort(key=lambda e: (e[0], e[1], e[2]))

        for _, _, _, (kind, payload) in events:
            if kind == "create":
                obj = payload
                if obj.kind in ("AsgiFunctionApp", "WsgiFunctionApp"):
                    self.result.functions.append(_asgi_function(obj))
            elif kind == "fn":
                self.add_function(payload, app_level)
            elif kind == "reg":
                reg, home = payload
                bps = local_bps
                if home is not main:
                    bps = {
                        o.var: o for _, o in self.objects_of(home) if o.is_blueprint and o.top_level
                    }
                self.register(reg, home, main, bps, app_level, registered_bp_keys)

        for fn in self._late.values():
            self.defaults(fn, app_level)
            self.result.unregistered.append(fn)
        self.scan_unregistered(main, registered_bp_keys, app_level)
        done = _memo_of(self.source, "v2-defaulted")
        done.clear()
        done.update(self._defaulted)
        _drop_unused(self.source, self.root, self._keys)
        return self.result

    def defaults(self, fn: Function, app_level: Value | None) -> None:
        done = _memo_of(self.source, "v2-defaulted")
        if done.get(id(fn)) is fn:
            self._defaulted[id(fn)] = fn
            return
        _apply_http_defaults(fn, app_level)
        self._defaulted[id(fn)] = fn

    def add_function(self, fn: Function, app_level: Value | None) -> None:
        uses_agent = any(u.method == "durable_openai_agent_orchestrator" for u in fn.decorators)
        if uses_agent and not self._openai_done:
            self._openai_done = True
            owner = next((o for o in self.result.app_objects if o.var == fn.registered_on), None)
            if owner is not None:
                use = next(
                    u for u in fn.decorators if u.method == "durable_openai_agent_orchestrator"
                )
                self.result.functions.append(_openai_activity(owner, use.range))
        self.defaults(fn, app_level)
        self.result.functions.append(fn)

    def register(
        self,
        reg: Any,
        home_module: ModuleInfo,
        main: ModuleInfo,
        local_bps: dict[str, AppObject],
        app_level: Value | None,
        registered: set[tuple[str, str]],
        element: tuple[list[str], ModuleInfo] | None = None,
    ) -> None:
        """``element``: the registration is one turn of a loop over a sequence another module
        binds; the element's name chain, read in that module."""
        if element is None and reg.loop_over is not None:
            elements = self._loop_elements(reg, home_module)
            if elements is not None:
                for e in elements:
                    self.register(
                        reg, home_module, main, local_bps, app_level, registered, element=e
                    )
                return
        chain: list[str] = reg.arg_chain
        here = home_module
        scope = here  # where the registration's argument is looked up
        if element is not None:
            chain, scope = element
            local_bps = {
                o.var: o for _, o in self.objects_of(scope) if o.is_blueprint and o.top_level
            }
        registration = Registration(
            app_var=reg.app_var,
            path=here.path,
            range=reg.range,
            arg_text=".".join(chain)
            if element is not None
            else (reg.arg.text if reg.arg is not None else ""),
            blueprint_path=None,
            blueprint_var=None,
        )
        self.result.registrations.append(registration)
        target: tuple[str, str] | None = None
        if len(chain) == 1 and chain[0] in local_bps:
            target = (scope.path, chain[0])
        elif len(chain) == 1 and chain[0] in scope.imports:
            target = self.resolver.imported_object(scope.imports[chain[0]], scope.path)
        elif len(chain) == 2 and chain[0] in scope.imports:
            mod_path = self.resolver.module_path(scope.imports[chain[0]], scope.path)
            if mod_path is not None:
                target = (mod_path, chain[1])
        if target is None:
            if not chain:
                # ``app.register_functions(build("nightly"))``: a factory's result.
                why = (
                    "does not run the app's code, and this is what an expression gives (a "
                    "call's result), not the name of a blueprint"
                )
            elif (
                chain[0] not in scope.imports
                and chain[0] not in local_bps
                and not scope.star_import
            ):
                # ``blueprint = getattr(module, "blueprint")`` in a loop over the app's modules.
                why = (
                    f"does not run the app's code, and '{chain[0]}' is bound by code here, not "
                    "by an import or a Blueprint() of this module"
                )
            else:
                why = "only follows imports of modules inside the app folder"
            self.result.problems.append(
                Problem(
                    "blueprint-unresolved",
                    f"cannot find where '{registration.arg_text}' is defined in the app; funcls "
                    + why,
                    here.path,
                    reg.range,
                )
            )
            return
        path, var = target
        if path != main.path:
            path, var = self.resolver.defining_module(path, var)
        registration.blueprint_path, registration.blueprint_var = path, var
        module = main if path == main.path else self.source.module(path)
        if module is None:
            # A blueprint module that cannot be read (not UTF-8, too large) fails the
            # worker's import of the script: say so (AZF603) instead of losing its functions
            # without a word (issue 17, found by tests/fuzz).
            err = self.source.errors.get(os.path.normpath(path))
            problem = (
                Problem("file-unreadable", err.message, path, Range.point(0, 0)) if err else None
            )
            if problem is not None and problem not in self.result.problems:
                self.result.problems.append(problem)
            return
        self.result.files.add(path)
        if path != main.path:
            self.result.problems.extend(p for p in module.problems if p not in self.result.problems)
        bp_obj = None
        for _c, obj in self.objects_of(module) if path != main.path else []:
            if obj.var == var:
                bp_obj = obj
                if obj not in self.result.app_objects and not any(
                    o.var == obj.var and o.path == obj.path for o in self.result.app_objects
                ):
                    self.result.app_objects.append(obj)
        if path == main.path:
            bp_obj = self._script_bps.get(var)
        if bp_obj is None:
            return
        registered.add((path, var))
        ticks = self._trace.ticks
        at = ticks.get((here.path, reg.range.start.line))
        own = self.functions_of(module, bp_obj)
        for pyf, fn in self.with_imported_back(own, path, var, at):
            fn.blueprint_path = path
            # register_functions copies what the blueprint holds when the call runs
            # (azure/functions/decorators/function_app.py, FunctionRegister.register_functions:
            # `self._function_builders.extend(function_container._function_builders)`); a def
            # that runs later adds to the blueprint only. A function another module adds
            # (imported back) is in the file it is written in.
            home = fn.script_path or path
            start = pyf.def_start  # not the whole range (issue 16)
            key = (home, start)
            tick = ticks.get((home, start.line))
            if at is not None and tick is not None:
                late = tick > at
            else:
                late = home == here.path == path and start > reg.range.start
            if key in self._added:
                continue
            if late and home not in (here.path, path) and not self._only_traced_imports(home):
                # It may have run earlier, through an import the trace does not follow: not
                # listed, and not said to be late either (AZF306 information, as before).
                continue
            if late:
                self._late[key] = fn
                continue
            self._added.add(key)
            self._late.pop(key, None)
            self.add_function(fn, app_level)

    def _loop_elements(
        self, reg: Any, here: ModuleInfo
    ) -> list[tuple[list[str], ModuleInfo]] | None:
        """The elements a loop registers, when its sequence is a literal list or tuple another
        module of the app binds and leaves alone (``from steps import step_blueprints``, then
        ``for bp in step_blueprints: app.register_functions(bp)``): the library registers each
        element in turn, as the same loop over a list of the script would
        (azure/functions/decorators/function_app.py, FunctionRegister.register_functions). The
        name is followed through imports and re-exports to the module that binds it, read
        statically (ModuleInfo.sequences); None when that is not certain."""
        over: list[str] = reg.loop_over
        target: tuple[str, str] | None = None
        if len(over) == 1 and over[0] in here.imports:
            target = self.resolver.imported_object(here.imports[over[0]], here.path)
        elif len(over) == 2 and over[0] in here.imports:
            mod_path = self.resolver.module_path(here.imports[over[0]], here.path)
            if mod_path is not None:
                target = (mod_path, over[1])
        if target is None:
            return None
        path, var = self.resolver.defining_module(*target)
        module = self.source.module(path)
        if module is None or module.partial or path == here.path:
            return None
        elements = module.sequences.get(var)
        if not elements or any(not e for e in elements):
            return None
        self.result.files.add(path)
        return [(e, module) for e in elements]

    def imported_app(self, main: ModuleInfo) -> AppObject | None:
        """The function app the script imports from another module of the app (``from
        application.app import app``, created there at the top level). The worker takes
        whichever FunctionRegister it finds among the script module's names, created there or
        imported (azure_functions_worker/loader.py, ``index_function_app``: ``isinstance(
        getattr(imported_module, i, None), FunctionRegister)`` for each name of the module),
        and the object holds every function decorated on it, in whichever module."""
        for rec in main.import_records:
            if rec.name is None or rec.guarded or (main.path, rec.local) in self._trace.unbound:
                continue
            qualname = main.imports.get(rec.local)
            hit = self.resolver.imported_object(qualname, main.path) if qualname else None
            if hit is None:
                continue
            owner_path, var = self.resolver.defining_module(*hit)
            if owner_path == main.path:
                continue
            module = self.source.module(owner_path)
            if module is None:
                continue
            for c, obj in self.objects_of(module):
                if c.var == var and c.top_level and not obj.is_blueprint:
                    return obj
        return None

    def _only_traced_imports(self, path: str) -> bool:
        """Whether the app's modules can import ``path`` only where the trace sees it: none of
        them imports it inside a function (run whenever that is called) nor uses importlib
        or ``__import__``."""
        done = self._traced_only.get(path)
        if done is not None:
            return done
        stem = os.path.splitext(os.path.basename(path))[0]
        if stem == "__init__":
            stem = os.path.basename(os.path.dirname(path))
        answer = True
        for other in self._trace.order:
            text = self.source.text(other) or ""
            if "importlib" in text or "__import__" in text:
                answer = False
                break
            if stem in text and imports_in_functions(text, stem):
                answer = False
                break
        self._traced_only[path] = answer
        return answer

    def foreign_registrations(
        self, main: ModuleInfo, apps: list[AppObject]
    ) -> list[tuple[int, int, Any, ModuleInfo]]:
        """(script line, tick, registration, module) of each registration another module of
        the app runs on the script's app, which it imports back (``from function_app import
        app``); one whose import of the app fails (a circular import) or that the module never
        reaches runs not."""
        trace = self._trace
        names = {(a.path, a.var) for a in apps}
        out: list[tuple[int, int, Any, ModuleInfo]] = []
        for path in trace.order[1:]:
            module = self.source.module(path)
            if module is None or not module.registrations:
                continue
            for reg in module.registrations:
                tick = trace.ticks.get((path, reg.range.start.line))
                qualname = module.imports.get(reg.app_var)
                if tick is None or qualname is None or (path, reg.app_var) in trace.unbound:
                    continue
                hit = self.resolver.imported_object(qualname, path)
                if hit is None:
                    continue
                owner_path, var = self.resolver.defining_module(*hit)
                if (owner_path, var) in names:
                    out.append((trace.script_line.get(path, -1), tick, reg, module))
        return out

    def follow_imported_back(self, main: ModuleInfo, script_objects: list[AppObject]) -> None:
        """The functions modules of the app decorate on an app object or blueprint they import
        from the module that creates it (``from function_app import app``, ``from
        agents.agents import bp``), for every module the script's imports run. A module whose
        import of the object fails (a circular import that reaches the creator before the
        object is bound) adds nothing: the worker stops there."""
        trace = self._trace
        known: dict[tuple[str, str], AppObject] = {(o.path, o.var): o for o in script_objects}
        for path in trace.order:
            # The script too: it may decorate on a blueprint it imports (after registering it).
            module = main if path == main.path else self.source.module(path)
            if module is None:
                continue
            for rec in module.import_records:
                if rec.name is None or (path, rec.local) in trace.unbound:
                    continue
                if not self._decorated_by(module, rec.local):
                    continue  # nothing here is decorated on that name: no need to resolve it
                qualname = module.imports.get(rec.local)
                hit = self.resolver.imported_object(qualname, path) if qualname else None
                if hit is None:
                    continue
                owner_path, var = self.resolver.defining_module(*hit)
                if owner_path == path:
                    continue
                owner = known.get((owner_path, var)) or self._object_in(owner_path, var, known)
                if owner is None:
                    continue
                local = owner if rec.local == var else replace(owner, var=rec.local)
                for pyf, fn in self.functions_of(module, local):
                    fn.registered_on = var
                    if not owner.is_blueprint:  # the script's app, created there or imported
                        fn.blueprint_path = owner_path
                    tick = trace.ticks.get((path, pyf.def_range.start.line))
                    if tick is not None:
                        self._foreign.setdefault((owner_path, var), []).append((tick, pyf, fn))
                self.result.files.add(path)
        for found in self._foreign.values():
            found.sort(key=lambda f: f[0])

    def _object_in(
        self, path: str, var: str, known: dict[tuple[str, str], AppObject]
    ) -> AppObject | None:
        """The top-level blueprint ``var`` that module ``path`` creates, if it does."""
        module = self.source.module(path)
        if module is None or not any(
            c.var == var and c.top_level and c.kind in ("Blueprint", "DFBlueprint")
            for c in module.app_creations
        ):
            return None
        for _c, obj in self.objects_of(module):
            if obj.var == var and obj.top_level:
                known[(path, var)] = obj
                return obj
        return None

    def with_imported_back(
        self, own: list[tuple[PyFunction, Function]], path: str, var: str, at: int | None
    ) -> list[tuple[PyFunction, Function]]:
        """The blueprint's own functions and those other modules add to it, in the order their
        defs run (the caller keeps those that run before the registration at tick ``at``).
        Without the ticks of them all (a module the trace did not reach), only its own
        functions, as before."""
        foreign = self._foreign.get((path, var))
        if not foreign:
            return own
        ticks = self._trace.ticks
        own_ticks = [ticks.get((path, pyf.def_range.start.line)) for pyf, _ in own]
        if at is None or any(t is None for t in own_ticks):
            return own
        merged = [(t or 0, pyf, fn) for t, (pyf, fn) in zip(own_ticks, own, strict=True)]
        merged += foreign
        merged.sort(key=lambda f: f[0])
        return [(pyf, fn) for _, pyf, fn in merged]

    def scan_unregistered(
        self, main: ModuleInfo, registered: set[tuple[str, str]], app_level: Value | None
    ) -> None:
        """Blueprints created anywhere in the app that no ``register_functions`` call adds.
        Not those of a module that is not the app's code: a test module, or one .funcignore
        leaves out of the deployment (``not_app_code``)."""
        funcignore: list[str] | None = None  # read when a blueprint is found unregistered
        for path in self.python_files():
            if path == self.script_path:
                module: ModuleInfo | None = main
            else:
                text = self.source.text(path)
                if text is None or "Blueprint" not in text:
                    continue
                module = self.source.module(path)
            if module is None:
                continue
            for _c, obj in self.objects_of(module) if module is not main else []:
                if not obj.is_blueprint:
                    continue
                if not any(
                    o.var == obj.var and o.path == obj.path for o in self.result.app_objects
                ):
                    self.result.app_objects.append(obj)
            for obj in list(self.result.app_objects):
                if obj.path != path or not obj.is_blueprint or (path, obj.var) in registered:
                    continue
                if path != self.script_path:
                    if funcignore is None:
                        funcignore = _funcignore_patterns(self.source, self.root)
                    if not_app_code(self.root, path, funcignore):
                        break
                for _, fn in self.functions_of(module, obj):
                    fn.blueprint_path = path
                    self.defaults(fn, app_level)
                    self.result.unregistered.append(fn)
                self.result.files.add(path)
                if path not in self.result.loaded:
                    # Only modules of unregistered blueprints: no walk over the app's modules.
                    order = trace_imports(module, self.resolver, self.source, ticks=False).order
                    self.result.loaded[path] = tuple(order)

    def python_files(self) -> list[str]:
        from funcls.model.source import SKIP_DIRS

        out: list[str] = []
        stack = [self.root]
        # Each real folder once, and only folders inside the app: two links to '.' made the
        # walk branch without end, one to '/' walked the whole disk (issue 17).
        real_root = os.path.realpath(self.root)
        seen = {real_root}
        while stack:
            d = stack.pop()
            for name in self.source.listdir(d):
                p = os.path.join(d, name)
                if name.endswith(".py") and self.source.is_file(p):
                    out.append(os.path.normpath(p))
                elif name not in SKIP_DIRS and not name.startswith(".") and self.source.is_dir(p):
                    if name in ("tests", "test") and d == self.root:
                        continue
                    real = os.path.realpath(p)
                    if real in seen or os.path.commonpath([real_root, real]) != real_root:
                        continue
                    seen.add(real)
                    if self.source.is_file(os.path.join(p, "host.json")) or self.source.is_file(
                        os.path.join(p, "function_app.py")
                    ):
                        continue  # a nested app of its own
                    stack.append(p)
        return sorted(out)


def _funcignore_patterns(source: Source, root: str) -> list[str]:
    path = os.path.join(root, ".funcignore")
    text = source.text(path) if source.is_file(path) else None
    lines = (ln.strip() for ln in (text or "").split("\n"))
    return [ln for ln in lines if ln and not ln.startswith("#")]


def not_app_code(root: str, path: str, funcignore: list[str]) -> bool:
    """A module that is not the app's code, though inside its folder: the worker imports only
    the script and what it imports (azure_functions_worker/loader.py index_function_app), so
    a module it never imports is the app's only once registered; these never should be:

    - a test module, by pytest's default names (``test_*.py``, ``*_test.py``, ``conftest.py``)
      or in a ``tests``/``test`` folder: a blueprint there is test scaffolding;
    - a module .funcignore excludes: the deployment (Core Tools' func azure functionapp
      publish, the VS Code extension) does not upload it, so the app in Azure cannot import
      it. Patterns as gitignore reads them, in order, ``!`` re-including: one without a
      ``/`` inside matches any part of the path; one with it, the path from the root."""
    rel = os.path.relpath(path, root).replace(os.sep, "/")
    parts = rel.split("/")
    name = parts[-1]
    if name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py"):
        return True
    if any(p in ("tests", "test") for p in parts[:-1]):
        return True
    excluded = False
    for raw in funcignore:
        negate = raw.startswith("!")
        pattern = (raw[1:] if negate else raw).strip()
        anchored = "/" in pattern.rstrip("/")
        pattern = pattern.strip("/")
        if pattern.startswith("**/"):
            pattern, anchored = pattern[3:], False
        if not pattern:
            continue
        if anchored:
            hit = any(
                fnmatch.fnmatchcase("/".join(parts[:i]), pattern) for i in range(1, len(parts) + 1)
            )
        else:
            hit = any(fnmatch.fnmatchcase(p, pattern) for p in parts)
        if hit:
            excluded = not negate
    return excluded


def index_v2_app(root: str, script_path: str, source: Source) -> V2Result:
    return V2Indexer(root, script_path, source).run()
