"""Which rules run and how loud they are: ``--select`` / ``--ignore``, ``[tool.funcls]``.

This module is the one place that decides it, for every face: ``funcls check`` (its options on
top of the nearest pyproject.toml's ``[tool.funcls]``), the language server (the editor's
``funcls.select`` / ``ignore`` / ``severity`` settings on top of the same table, through
:func:`resolve_config`) and the server's fallback when the rule engine fails
(:meth:`CheckConfig.apply`). The VS Code extension passes its settings through unread.

Codes are matched as prefixes: ``AZF2`` means every signature rule, ``AZF20`` AZF200–AZF209.
When a code matches both a select and an ignore entry, the longer (more specific) entry
wins, and ignore wins a tie — so ``select = ["AZF2"], ignore = ["AZF201"]`` runs every
signature rule but AZF201, and ``ignore = ["AZF2"], select = ["AZF201"]`` runs only AZF201
of that family.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import field, replace
from typing import Any

from funcls.checks.findings import Finding, Severity
from funcls.model.fastclass import dataclass
from funcls.model.lazy_re import compiled_on_use

_CODE = compiled_on_use(r"^AZF\d{0,3}$")
PYPROJECT = "pyproject.toml"


class ConfigError(ValueError):
    """A mistake in funcls' configuration; the message names the place and the fix."""


def normalise_code(text: str, where: str = "") -> str:
    code = text.strip().upper()
    if code in ("ALL", "AZF"):
        return "AZF"
    if not _CODE.match(code):
        place = f" in {where}" if where else ""
        raise ConfigError(
            f"'{text}'{place} is not a rule code or prefix; write e.g. AZF201 or AZF2 "
            "(funcls check --list-rules shows every code)"
        )
    return code


def _longest(code: str, prefixes: Iterable[str]) -> int:
    return max((len(p) for p in prefixes if code.startswith(p)), default=-1)


@dataclass(frozen=True)
class CheckConfig:
    select: tuple[str, ...] = ()  # empty: every rule
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)  # by code or prefix
    source: str | None = None  # the pyproject.toml it came from, if any
    # The hosting plan, when the project names it: functionTimeout limits depend on it.
    plan: str | None = None

    def is_enabled(self, code: str) -> bool:
        selected = _longest(code, self.select) if self.select else 0
        ignored = _longest(code, self.ignore)
        if selected < 0:
            return False
        return ignored < 0 or selected > ignored

    def severity_of(self, code: str, default: Severity) -> Severity:
        best, found = -1, default
        for prefix, sev in self.severity.items():
            if code.startswith(prefix) and len(prefix) > best:
                best, found = len(prefix), sev
        return found

    def merged(self, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> CheckConfig:
        """This config with command-line choices on top: ``select`` replaces the configured
        selection, ``ignore`` adds to it."""
        sel = tuple(normalise_code(c, "--select") for c in select)
        ign = tuple(normalise_code(c, "--ignore") for c in ignore)
        return replace(self, select=sel or self.select, ignore=self.ignore + ign)

    def with_severity(self, severity: Mapping[str, str]) -> CheckConfig:
        """This config with severities chosen on top (an editor's ``funcls.severity``): codes
        or prefixes, upper or lower case; for one key, the choice on top wins."""
        if not severity:
            return self
        merged = dict(self.severity)
        for key, value in severity.items():
            code = normalise_code(str(key), "severity")
            try:
                merged[code] = Severity.parse(value)
            except ValueError as e:
                raise ConfigError(f"severity.{key}: {e}") from None
        return replace(self, severity=merged)

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        """The findings of enabled rules, each with its configured severity: what
        :func:`funcls.checks.engine.check_app` does, for findings made outside it."""
        out = []
        for f in findings:
            if self.is_enabled(f.code):
                f.severity = self.severity_of(f.code, f.severity)
                out.append(f)
        return out

    # -- pyproject.toml ----------------------------------------------------------------------
    @staticmethod
    def from_mapping(data: Mapping[str, Any], where: str = "[tool.funcls]") -> CheckConfig:
        known = {"select", "ignore", "severity", "plan"}
        for key in data:
            if key not in known:
                allowed = ", ".join(sorted(known))
                raise ConfigError(f"unknown key '{key}' in {where}; funcls reads {allowed}")
        select = _code_list(data.get("select", []), f"{where} select")
        ignore = _code_list(data.get("ignore", []), f"{where} ignore")
        sev_table = data.get("severity", {})
        if not isinstance(sev_table, Mapping):
            raise ConfigError(
                f'{where} severity must be a table, e.g. severity = {{ AZF201 = "warning" }}'
            )
        severity: dict[str, Severity] = {}
        for key, value in sev_table.items():
            code = normalise_code(str(key), f"{where} severity")
            if not isinstance(value, str):
                raise ConfigError(f"{where} severity.{key} must be a string such as 'warning'")
            try:
                severity[code] = Severity.parse(value)
            except ValueError as e:
                raise ConfigError(f"{where} severity.{key}: {e}") from None
        plan = data.get("plan")
        from funcls.model.parsers.timespan import HostingPlan  # when used (datetime, issue 16)

        plans = [p.value for p in HostingPlan]
        if plan is not None and plan not in plans:
            raise ConfigError(f"{where} plan must be one of {', '.join(plans)}, not {plan!r}")
        return CheckConfig(select=select, ignore=ignore, severity=severity, plan=plan)

    @staticmethod
    def from_pyproject(path: str) -> CheckConfig:
        """Read ``[tool.funcls]`` from ``path`` (a pyproject.toml, or a folder: the nearest
        pyproject.toml in it or above it). No file or no table: the default config."""
        found = path if os.path.isfile(path) else find_pyproject(path)
        if found is None:
            return CheckConfig()
        try:
            data = _read_toml(found)
        except ConfigError:
            if _names_funcls(found):
                raise  # its [tool.funcls] cannot be read: checking with defaults would mislead
            # Not funcls' configuration, only a broken file beside the app (corpus:
            # ASISaga/linkedin-mcp-server's [project] writes `dependencies` twice, and `funcls
            # check` refused the whole app, AZF304 included): the defaults apply.
            return CheckConfig()
        tool = data.get("tool", {})
        table = tool.get("funcls") if isinstance(tool, Mapping) else None
        if table is None:
            return CheckConfig(source=None)
        if not isinstance(table, Mapping):
            raise ConfigError(f"[tool.funcls] in {found} must be a table")
        return replace(CheckConfig.from_mapping(table, f"[tool.funcls] of {found}"), source=found)


def resolve_config(
    root: str,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    severity: Mapping[str, str] | None = None,
) -> CheckConfig:
    """Which rules run for the app at ``root`` and how loud: the nearest pyproject.toml's
    ``[tool.funcls]``, then ``select`` (replaces its selection), ``ignore`` (adds to it) and
    ``severity`` (overrides by code or prefix) — the command line's or the editor's choices.
    Raises ConfigError with the place and the fix."""
    found = find_pyproject(root)
    base = CheckConfig.from_pyproject(found) if found else CheckConfig()
    return base.merged(select, ignore).with_severity(severity or {})


def _code_list(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f'{where} must be a list of codes, e.g. ["AZF201", "AZF5"]')
    return tuple(normalise_code(v, where) for v in value)


def find_pyproject(folder: str) -> str | None:
    """The nearest pyproject.toml in ``folder`` or above it."""
    d = os.path.abspath(folder)
    while True:
        candidate = os.path.join(d, PYPROJECT)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def _names_funcls(path: str) -> bool:
    """Whether a pyproject.toml's text mentions funcls at all (so may hold its table)."""
    try:
        with open(path, "rb") as f:
            return b"funcls" in f.read(1 << 20)
    except OSError:
        return True


def _read_toml(path: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        try:
            import tomli as tomllib
        except ImportError as e:
            raise ConfigError(
                f"reading {path} needs the 'tomli' package on Python 3.10; pip install tomli"
            ) from e
    try:
        with open(path, "rb") as f:
            data: dict[str, Any] = tomllib.load(f)
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror or e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path} is not valid TOML: {e}") from None
    return data
