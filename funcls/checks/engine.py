"""Runs the checkers over an app and applies the configuration and inline suppressions.

``check_app`` runs every checker over the whole app (``funcls check``). ``IncrementalCheck``
gives the same findings for an app that is re-indexed again and again (the language server):
it keeps, per file of functions, what the per-function checkers found, and re-runs them only
for the files whose ``Function`` objects are new (the indexer re-uses the objects of files that
did not change, see ``model.v2.indexer``); the app-wide checkers run on the whole app.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from itertools import groupby
from operator import is_
from typing import TYPE_CHECKING

from funcls.checks.config import CheckConfig, ConfigError
from funcls.checks.context import Context
from funcls.checks.findings import Finding
from funcls.checks.registry import REGISTRY, Checker, Rule
from funcls.checks.streaming import as_if_registered, streaming_import_in, streaming_import_of
from funcls.checks.wide import WideCheck
from funcls.model.appmodel import App, Function
from funcls.model.fastclass import dataclass
from funcls.model.lazy_re import compiled_on_use

if TYPE_CHECKING:
    import logging

    from funcls.model.shift import Shift


def _log() -> logging.Logger:
    """The rules' logger, imported when a checker fails (issue 16: ``logging`` is a tenth of
    the command's imports and is needed only then)."""
    import logging

    return logging.getLogger("funcls.checks")


# `# funcls: ignore` or `# funcls: ignore[AZF201, AZF3]` on the line of a finding.
_SUPPRESS = compiled_on_use(r"#\s*funcls:\s*ignore\b(?:\[([^\]]*)\])?", re.IGNORECASE)


class CheckerCrash(RuntimeError):
    """A checker raised: a bug in funcls, never the user's mistake."""


def _load_rule_modules() -> None:
    # Importing the family modules registers their rules and checkers.
    from funcls.checks import (  # noqa: F401
        bindings,
        bundle,
        circular_imports,
        decorator_names,
        decorators,
        durable,
        env_values,
        host_keys,
        hostjson,
        imported_names,
        imports,
        packaging,
        route_prefix,
        route_reads,
        scripts,
        settings,
        signatures,
        streaming,
        structure,
        structure_v2,
        values,
        web_apps,
    )


def rules() -> list[Rule]:
    """Every rule, ordered by code."""
    _load_rule_modules()
    return [REGISTRY.rules[c] for c in sorted(REGISTRY.rules)]


# The codes a selection enables, by (select, ignore): `funcls check` asks once per app with
# the same configuration, and matching every rule's code against the prefixes was ~0.5 M
# instructions an app (issue 16, ninth pass). Keyed by the rules registered too (rules are
# only ever added); few selections per process, bounded anyway.
_ENABLED: dict[tuple[tuple[str, ...], tuple[str, ...], int], frozenset[str]] = {}


def enabled_codes(config: CheckConfig) -> frozenset[str]:
    """The codes of the rules ``config`` enables."""
    _load_rule_modules()
    key = (config.select, config.ignore, len(REGISTRY.rules))
    found = _ENABLED.get(key)
    if found is None:
        if len(_ENABLED) >= 64:
            _ENABLED.clear()
        found = frozenset(r.code for r in rules() if config.is_enabled(r.code))
        _ENABLED[key] = found
    return found


def _suppressed(
    ctx: Context, finding: Finding, cache: dict[tuple[str, int], tuple[str, ...] | None]
) -> bool:
    """Whether a ``# funcls: ignore[...]`` comment on the finding's line suppresses it. Each
    line is read once per check (``cache``): thousands of findings on one long line (a
    decorator with 16,000 keywords) made this quadratic, over 60 s (issue 17)."""
    path = finding.path
    if not path.endswith(".py"):
        return False
    where = (path, finding.range.start.line)
    if where in cache:
        codes = cache[where]
    else:
        codes = cache[where] = _suppression(ctx.line_text(path, finding.range.start.line))
    if codes is None:
        return False
    return not codes or any(finding.code.startswith(c) for c in codes)


def _suppression(line: str) -> tuple[str, ...] | None:
    """The codes a line's ignore comment names: None without one, () for all."""
    if "funcls" not in line:
        return None
    m = _SUPPRESS.search(line)
    if m is None:
        return None
    if m.group(1) is None:
        return ()
    codes = tuple(c.strip().upper() for c in m.group(1).split(",") if c.strip())
    return codes or None


def check_app(
    app: App, config: CheckConfig | None = None, *, raise_errors: bool = False
) -> list[Finding]:
    """Every finding for ``app``, sorted by file and position.

    ``config`` None: the app's ``[tool.funcls]`` (nearest pyproject.toml above its root), or
    the defaults. A checker that crashes is logged and skipped, so one bug cannot hide the
    other findings; ``raise_errors=True`` re-raises instead (the CLI's exit code 2).
    """
    if config is None:
        try:
            config = CheckConfig.from_pyproject(app.root)
        except ConfigError:
            _log().exception("ignoring the funcls configuration for %s", app.root)
            config = CheckConfig()
    enabled = enabled_codes(config)
    ctx = Context(app, enabled, config.plan)
    unregistered = _unregistered_only(app, enabled, config.plan)
    for checker in REGISTRY.checkers:
        if checker.codes & enabled:
            _run(checker, ctx, raise_errors)
            if checker.name in AS_IF_REGISTERED:
                for sub in unregistered:
                    ctx.findings.extend(_run(checker, sub, raise_errors))
    return _finish(ctx, ctx.findings, config)


def _unregistered_only(app: App, enabled: frozenset[str], plan: str | None) -> list[Context]:
    """Contexts whose app holds, as its functions, the functions the app never registers
    (``App.unregistered``: AZF307), one per file as IncrementalCheck groups them, each with
    what the worker would load once that module is registered (``as_if_registered``), for
    the checkers of ``AS_IF_REGISTERED``."""
    out: list[Context] = []
    for _key, run in groupby(app.unregistered, _file_key):
        fns = list(run)
        sub = copy.copy(app)
        sub.functions, sub.unregistered, sub.misplaced = fns, [], []
        sub.loaded = as_if_registered(app, _blueprint_paths(fns))
        out.append(Context(sub, enabled, plan))
    return out


def _blueprint_paths(fns: list[Function]) -> list[str]:
    return list(dict.fromkeys(f.blueprint_path or f.script_path or "" for f in fns))


def _run(checker: Checker, ctx: Context, raise_errors: bool = False) -> list[Finding]:
    """Run one checker; the findings it added."""
    before = len(ctx.findings)
    try:
        checker.fn(ctx)
    except Exception as e:
        if raise_errors:
            raise CheckerCrash(
                f"checker {checker.name} failed on the app at {ctx.app.root}: {e!r}"
            ) from e
        _log().exception("checker %s failed on the app at %s", checker.name, ctx.app.root)
    return ctx.findings[before:]


def _finish(ctx: Context, findings: Iterable[Finding], config: CheckConfig) -> list[Finding]:
    """Duplicates and suppressed findings out, configured severities in, sorted."""
    out: list[Finding] = []
    seen: set[tuple[str, str, int, int, str]] = set()
    lines: dict[tuple[str, int], tuple[str, ...] | None] = {}
    for f in findings:
        key = (f.code, f.path, f.range.start.line, f.range.start.column, f.message)
        if key in seen or _suppressed(ctx, f, lines):
            continue
        seen.add(key)
        f.severity = config.severity_of(f.code, f.severity)
        out.append(f)
    out.sort(key=Finding.sort_key)
    return out


# Checkers whose findings about a function depend on that function and on the app's files
# (settings, host.json, …) but never on its other functions: run over one file's functions,
# they find what they find over the whole app for those functions. Any checker not listed
# runs over the whole app every time (duplicate names and routes, the storage setting that
# any trigger may need, packaging, …). tests/checks/test_incremental.py compares both ways
# after random edits.
PER_FUNCTION = frozenset(
    {
        "binding_definitions",
        "decorator_calls",
        "doubled_route_prefix",
        "environment_values",
        "expressions",
        "http_methods",
        "orchestrator_calls",
        "parameter_annotations",
        "parameters",
        "return_annotation",
        "routes",
        "schedules",
        "setting_expressions",
        "storage_names",
        "triggers",
        # AZF509 reads the def's own lines in its module's text, found at def_name_range: the
        # same Function object stands for the same lines there (model.v2.indexer).
        "unknown_route_parameters",
    }
)


# Per-function checkers of a function's own mistakes (its bindings and signature, its route,
# schedule, storage names and binding expressions, what it reads of its route): they also run
# over the functions of a blueprint the app never registers (AZF307), which the host would
# check in the same way once it is registered; a mistake there is one still, and it stays
# hidden until the registration otherwise (QA). decorator_calls reads those functions itself
# (decorators.v2_functions). Left out: the checkers of settings (connections, %settings%,
# os.environ reads), which a module the app does not load yet may lack on purpose, and every
# app-wide checker (names, routes and storage the host checks across the functions it loads).
AS_IF_REGISTERED = PER_FUNCTION - {
    "decorator_calls",  # reads those functions itself
    "environment_values",  # settings: os.environ reads
    "setting_expressions",  # settings: %settings% in bindings
}


def _per_function_here(ctx: Context) -> frozenset[str]:
    """Checkers that are per function in this app only. ``connection_settings`` (AZF400) is
    when local.settings.json is there and holds a filled AzureWebJobsStorage: otherwise it
    reports each missing setting once for the whole app, or leaves the storage setting to
    AZF403 when any trigger needs it — facts about all the functions."""
    from funcls.checks.settings import STORAGE, _filled, _has_settings

    storage = ctx.app.setting(STORAGE)
    if _has_settings(ctx) and storage is not None and _filled(storage):
        return frozenset({"connection_settings"})
    return frozenset()


_LISTS = ("functions", "unregistered", "misplaced")


@dataclass
class _Group:
    """Functions checked together, from one file, and what the per-function checkers found."""

    functions: list[Function]
    unregistered: list[Function]
    misplaced: list[Function]
    found: dict[str, list[Finding]]  # by checker name

    def members(self) -> list[Function]:
        return [*self.functions, *self.unregistered, *self.misplaced]


@dataclass
class _File:
    """One file's functions: one group for all (first check), or one group per function
    once a check found some of them changed (``split``), so that the next keystroke
    re-checks only the function it changed."""

    env: object
    whole: _Group | None
    split: list[_Group]

    def groups(self) -> list[_Group]:
        return [self.whole] if self.whole is not None else self.split


def _no_pause() -> None:
    pass


def _same_objects(old: list[Function], new: list[Function]) -> bool:
    """Whether the two lists hold the same objects in the same order (compared in C)."""
    return len(old) == len(new) and all(map(is_, old, new))


class IncrementalCheck:
    """The findings of one app, kept between runs; see the module's docstring.

    ``run`` returns what ``check_app`` returns for the same app and config. Functions are
    checked again when their Function object is not the one checked last time (the indexer
    keeps the objects of defs and function.json files that did not change), and all of them
    when what the app holds of its other files (``_app_facts``) or the config changed.
    """

    def __init__(self) -> None:
        self.files: dict[str, _File] = {}
        self.rechecked: list[Function] = []  # the functions the last run checked again
        self.wide = WideCheck()  # app-wide checkers that keep what they read per function
        # Called before each group of per-function checkers and each app-wide checker: the
        # language server pauses its rules thread there while a request is answered.
        self.pause: Callable[[], None] = _no_pause

    def run(self, app: App, config: CheckConfig) -> list[Finding]:
        enabled = enabled_codes(config)
        whole = Context(app, enabled, config.plan)
        names = PER_FUNCTION | _per_function_here(whole)
        env = (enabled, config, self._app_facts(app), names)
        per_function = [c for c in REGISTRY.checkers if c.name in names and c.codes & enabled]
        by_file: dict[str, _Group] = {}
        for attr in _LISTS:
            # A file's functions stand together in the app's lists: one step per run of
            # them, not per function (5,000 of them at every keystroke, issue 16).
            for key, run in groupby(getattr(app, attr), _file_key):
                group = by_file.get(key)
                if group is None:
                    group = by_file[key] = _Group([], [], [], {})
                getattr(group, attr).extend(run)
        sub = copy.copy(app)
        ctx = Context(sub, enabled, config.plan)
        self.rechecked = []

        def check(group: _Group) -> _Group:
            sub.functions, sub.unregistered, sub.misplaced = (
                group.functions,
                group.unregistered,
                group.misplaced,
            )
            self.pause()
            group.found = {c.name: _run(c, ctx) for c in per_function}
            if group.unregistered:
                # As check_app does (AS_IF_REGISTERED): the group's unregistered functions
                # stand for the app's functions, with their modules loaded.
                sub.functions, sub.unregistered, sub.misplaced = group.unregistered, [], []
                sub.loaded = as_if_registered(app, _blueprint_paths(group.unregistered))
                for c in per_function:
                    if c.name in AS_IF_REGISTERED:
                        group.found[c.name] = group.found[c.name] + _run(c, ctx)
                sub.loaded = app.loaded
            self.rechecked.extend(group.members())
            return group

        files: dict[str, _File] = {}
        # The functions lines added or removed moved: their findings are moved, and the
        # app-wide checkers move what they read of them.
        from funcls.model.v2.indexer import moved_functions

        moved = self.wide.moved = moved_functions(app.source) if app.source is not None else {}
        for key, now in by_file.items():
            old = self.files.get(key)
            if old is None or old.env != env:
                files[key] = _File(env, check(now), [])
                continue
            if old.whole is not None and all(
                _same_objects(getattr(old.whole, a), getattr(now, a)) for a in _LISTS
            ):
                files[key] = old
                continue
            kept: dict[int, _Group] = {}
            for g in old.groups():
                members = g.members()
                if len(members) == 1:
                    kept[id(members[0])] = g
            split: list[_Group] = []
            for attr in _LISTS:
                for fn in getattr(now, attr):
                    same = kept.get(id(fn))
                    if same is not None:
                        # Alone in its group, so in the same list of it: the same function.
                        was = getattr(same, attr)
                        if len(was) == 1 and was[0] is fn:
                            split.append(same)
                            continue
                    group = _moved(moved, fn, attr, kept)
                    if group is None:
                        group = _Group([], [], [], {})
                        getattr(group, attr).append(fn)
                        check(group)
                    split.append(group)
            files[key] = _File(env, None, split)
        self.files = files
        # The per-function findings by checker, in the files' and groups' order: one walk
        # over the groups (a file split function by function is hundreds of them, and most
        # find nothing) instead of one per checker.
        by_checker: dict[str, list[Finding]] = {}
        for file in files.values():
            for group in file.groups():
                found_here = group.found
                if any(found_here.values()):  # most groups found nothing: one test in C
                    for name, fs in found_here.items():
                        if fs:
                            by_checker.setdefault(name, []).extend(fs)
        found: list[Finding] = []
        for checker in REGISTRY.checkers:
            if not (checker.codes & enabled):
                continue
            if checker.name in names:
                found.extend(by_checker.get(checker.name, ()))
            else:
                self.pause()
                found.extend(_run(self.wide.in_pass(checker), whole))
        return _finish(whole, found, config)

    @staticmethod
    def _app_facts(app: App) -> tuple[object, ...]:
        """What per-function checkers may read of the app besides its functions, as the app
        holds it (compared by value): never the files on disk, which may have changed since
        the app was indexed."""
        return (
            app.root,
            app.model,
            app.script_path,
            app.host_json,
            app.local_settings_path,
            app.local_settings,
            tuple(app.requirements),
            app.requirements_path,
            app.pyproject,
            tuple(app.funcignore),
            # decorator_calls reads which kind of object a decorator is called on
            tuple((o.var, o.path, o.kind) for o in app.app_objects),
            # parameter_annotations: a module the worker loads importing the HTTP streaming
            # extension changes the types every HTTP function may take; for a blueprint never
            # registered, one that registering it would load (few: its modules alone)
            _streaming_facts(app),
        )


def _streaming_facts(app: App) -> object:
    """Whether the app's loaded modules import the HTTP streaming extension, else the
    modules of unregistered blueprints whose own imports do (``as_if_registered``)."""
    if streaming_import_in(app) is not None:
        return True
    return tuple(
        sorted(
            p
            for p, modules in app.loaded.items()
            if p != app.script_path and streaming_import_of(app, modules) is not None
        )
    )


def _file_key(fn: Function) -> str:
    """The file a function's findings are kept by: its function.json (v1) or its module."""
    return fn.config_path or fn.folder or fn.script_path or ""


def _moved(
    moved: dict[int, tuple[Function, Function, Shift]],
    fn: Function,
    attr: str,
    kept: dict[int, _Group],
) -> _Group | None:
    """The findings of a function that lines added or removed above its def moved
    (``moved``: ``model.v2.indexer.moved_functions``): those of the function it was copied
    from, moved the same way. A per-function checker finds in the copy what it found in the
    original, moved: the copy differs only by its lines, and so does the text the checkers
    read of it. None when the original was not checked alone or a finding holds what cannot
    be moved."""
    entry = moved.get(id(fn))
    if entry is None or entry[0] is not fn:
        return None
    old, shift = entry[1], entry[2]
    same = kept.get(id(old))  # a group of one function (IncrementalCheck.run)
    if same is None:
        return None
    was = getattr(same, attr)
    if len(was) != 1 or was[0] is not old:
        return None
    found = same.found
    if any(found.values()):
        from funcls.model.shift import Unshiftable, shifter

        move = shifter(shift, ints_ok=False)
        try:
            # Most checkers find nothing in a function: no comprehension for those.
            found = {name: [move(f) for f in fs] if fs else [] for name, fs in found.items()}
        except Unshiftable:
            return None
    # (else nothing to move: the original's dict of empty lists, never changed, is shared)
    one = _Group([], [], [], found)
    getattr(one, attr).append(fn)
    return one


def check_apps(
    apps: Iterable[App], config: CheckConfig | None = None, *, raise_errors: bool = False
) -> list[Finding]:
    """The findings of several apps, sorted by file and position."""
    out: list[Finding] = []
    for app in apps:
        out.extend(check_app(app, config, raise_errors=raise_errors))
    out.sort(key=Finding.sort_key)
    return out
