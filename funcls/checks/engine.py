"""Runs the checkers over an app and applies the configuration and inline suppressions.

``check_app`` runs every checker over the whole app (``funcls check``). ``IncrementalCheck``
gives the same findings for an app that is re-indexed again and again (the language server):
it keeps, per file of functions, what the per-function checkers found, and re-runs them only
for the files whose ``Function`` objects are new (the indexer re-uses the objects of files that
did not change, see ``model.v2.indexer``); the app-wide checkers run on the whole app.
"""

from __future__ import annotations

import copy
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from funcls.checks.config import CheckConfig, ConfigError
from funcls.checks.context import Context
from funcls.checks.findings import Finding
from funcls.checks.registry import REGISTRY, Checker, Rule
from funcls.model.appmodel import App, Function

log = logging.getLogger("funcls.checks")

# `# funcls: ignore` or `# funcls: ignore[AZF201, AZF3]` on the line of a finding.
_SUPPRESS = re.compile(r"#\s*funcls:\s*ignore\b(?:\[([^\]]*)\])?", re.IGNORECASE)


class CheckerCrash(RuntimeError):
    """A checker raised: a bug in funcls, never the user's mistake."""


def _load_rule_modules() -> None:
    # Importing the family modules registers their rules and checkers.
    from funcls.checks import (  # noqa: F401
        bindings,
        bundle,
        decorators,
        durable,
        env_values,
        hostjson,
        imports,
        packaging,
        scripts,
        settings,
        signatures,
        streaming,
        structure,
        structure_v2,
        values,
    )


def rules() -> list[Rule]:
    """Every rule, ordered by code."""
    _load_rule_modules()
    return [REGISTRY.rules[c] for c in sorted(REGISTRY.rules)]


def _suppressed(ctx: Context, finding: Finding) -> bool:
    path = finding.path
    if not path.endswith(".py"):
        return False
    line = ctx.line_text(path, finding.range.start.line)
    if "funcls" not in line:
        return False
    m = _SUPPRESS.search(line)
    if m is None:
        return False
    if m.group(1) is None:
        return True
    codes = [c.strip().upper() for c in m.group(1).split(",") if c.strip()]
    return any(finding.code.startswith(c) for c in codes)


def check_app(
    app: App, config: CheckConfig | None = None, *, raise_errors: bool = False
) -> list[Finding]:
    """Every finding for ``app``, sorted by file and position.

    ``config`` None: the app's ``[tool.funcls]`` (nearest pyproject.toml above its root), or
    the defaults. A checker that crashes is logged and skipped, so one bug cannot hide the
    other findings; ``raise_errors=True`` re-raises instead (the CLI's exit code 2).
    """
    all_rules = rules()
    if config is None:
        try:
            config = CheckConfig.from_pyproject(app.root)
        except ConfigError:
            log.exception("ignoring the funcls configuration for %s", app.root)
            config = CheckConfig()
    enabled = frozenset(r.code for r in all_rules if config.is_enabled(r.code))
    ctx = Context(app, enabled, config.plan)
    for checker in REGISTRY.checkers:
        if checker.codes & enabled:
            _run(checker, ctx, raise_errors)
    return _finish(ctx, ctx.findings, config)


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
        log.exception("checker %s failed on the app at %s", checker.name, ctx.app.root)
    return ctx.findings[before:]


def _finish(ctx: Context, findings: Iterable[Finding], config: CheckConfig) -> list[Finding]:
    """Duplicates and suppressed findings out, configured severities in, sorted."""
    out: list[Finding] = []
    seen: set[tuple[str, str, int, int, str]] = set()
    for f in findings:
        key = (f.code, f.path, f.range.start.line, f.range.start.column, f.message)
        if key in seen or _suppressed(ctx, f):
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
    }
)


def _group_of(fn: Function) -> str:
    """The file a function's findings are kept by: its function.json (v1) or its module."""
    return fn.config_path or fn.folder or fn.script_path or ""


# The files of an app that per-function checkers may read besides the functions' own.
_APP_FILES = ("host.json", "local.settings.json", "requirements.txt", "pyproject.toml")


@dataclass
class _Group:
    functions: list[Function]
    unregistered: list[Function]
    misplaced: list[Function]
    env: object
    found: dict[str, list[Finding]]  # by checker name

    def same(self, other: _Group) -> bool:
        return (
            self.env == other.env
            and _ids(self.functions) == _ids(other.functions)
            and _ids(self.unregistered) == _ids(other.unregistered)
            and _ids(self.misplaced) == _ids(other.misplaced)
        )


def _ids(fns: list[Function]) -> list[int]:
    return [id(f) for f in fns]


class IncrementalCheck:
    """The findings of one app, kept between runs; see the module's docstring.

    ``run`` returns what ``check_app`` returns for the same app and config. A group (one
    file's functions) is re-checked when one of its Function objects is not the one checked
    last time, or when an app file (``_APP_FILES``, the v2 script) or the config changed.
    """

    def __init__(self) -> None:
        self.groups: dict[str, _Group] = {}
        self.rechecked: list[str] = []  # the groups the last run checked again

    def run(self, app: App, config: CheckConfig) -> list[Finding]:
        all_rules = rules()
        enabled = frozenset(r.code for r in all_rules if config.is_enabled(r.code))
        env = (enabled, config, self._stamps(app), app.model, app.script_path)
        per_function = [
            c for c in REGISTRY.checkers if c.name in PER_FUNCTION and c.codes & enabled
        ]
        groups: dict[str, _Group] = {}
        for attr in ("functions", "unregistered", "misplaced"):
            for fn in getattr(app, attr):
                key = _group_of(fn)
                if key not in groups:
                    groups[key] = _Group([], [], [], env, {})
                getattr(groups[key], attr).append(fn)
        self.rechecked = []
        for key, group in groups.items():
            old = self.groups.get(key)
            if old is not None and old.same(group):
                group.found = old.found
                continue
            self.rechecked.append(key)
            sub = copy.copy(app)
            sub.functions = group.functions
            sub.unregistered = group.unregistered
            sub.misplaced = group.misplaced
            ctx = Context(sub, enabled, config.plan)
            group.found = {c.name: _run(c, ctx) for c in per_function}
        self.groups = groups
        whole = Context(app, enabled, config.plan)
        found: list[Finding] = []
        for checker in REGISTRY.checkers:
            if not (checker.codes & enabled):
                continue
            if checker.name in PER_FUNCTION:
                for group in groups.values():
                    found.extend(group.found.get(checker.name, ()))
            else:
                found.extend(_run(checker, whole))
        return _finish(whole, found, config)

    @staticmethod
    def _stamps(app: App) -> tuple[object, ...]:
        source = app.source
        paths = [os.path.join(app.root, name) for name in _APP_FILES]
        if app.script_path:
            paths.append(app.script_path)
        if source is None:
            return (object(),)  # nothing to compare with: always re-check
        return tuple(source.stamp(os.path.normpath(p)) for p in paths)


def check_apps(
    apps: Iterable[App], config: CheckConfig | None = None, *, raise_errors: bool = False
) -> list[Finding]:
    """The findings of several apps, sorted by file and position."""
    out: list[Finding] = []
    for app in apps:
        out.extend(check_app(app, config, raise_errors=raise_errors))
    out.sort(key=Finding.sort_key)
    return out
