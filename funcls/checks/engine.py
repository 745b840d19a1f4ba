"""Runs the checkers over an app and applies the configuration and inline suppressions."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from funcls.checks.config import CheckConfig, ConfigError
from funcls.checks.context import Context
from funcls.checks.findings import Finding
from funcls.checks.registry import REGISTRY, Rule
from funcls.model.appmodel import App

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
        if not (checker.codes & enabled):
            continue
        try:
            checker.fn(ctx)
        except Exception as e:
            if raise_errors:
                raise CheckerCrash(
                    f"checker {checker.name} failed on the app at {app.root}: {e!r}"
                ) from e
            log.exception("checker %s failed on the app at %s", checker.name, app.root)
    out: list[Finding] = []
    seen: set[tuple[str, str, int, int, str]] = set()
    for f in ctx.findings:
        key = (f.code, f.path, f.range.start.line, f.range.start.column, f.message)
        if key in seen or _suppressed(ctx, f):
            continue
        seen.add(key)
        f.severity = config.severity_of(f.code, f.severity)
        out.append(f)
    out.sort(key=Finding.sort_key)
    return out


def check_apps(
    apps: Iterable[App], config: CheckConfig | None = None, *, raise_errors: bool = False
) -> list[Finding]:
    """The findings of several apps, sorted by file and position."""
    out: list[Finding] = []
    for app in apps:
        out.extend(check_app(app, config, raise_errors=raise_errors))
    out.sort(key=Finding.sort_key)
    return out
