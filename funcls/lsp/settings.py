"""Typed settings, read from initializationOptions and ``workspace/configuration``.

Names are camelCase, as editors write them::

    {"funcls": {"select": ["AZF1"], "ignore": ["AZF205"], "severity": {"AZF300": "warning"},
                "extraAppRoots": ["../shared-app"], "diagnosticsDelayMs": 10,
                "invokeTimeoutSeconds": 120, "runResults": "document"}}

A value that is wrong is reported (one message per problem) and its default is used; the other
settings still apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Any

SECTION = "funcls"
SEVERITIES = ("error", "warning", "info", "hint")


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    extra_app_roots: tuple[str, ...] = ()
    # Quiet time after a change before re-checking: it only gathers changes that arrive
    # together (a paste, a multi-cursor edit). A re-check costs one file's worth of work since
    # analysis is incremental (issue 16), so it no longer needs to wait out typing (was 50).
    diagnostics_delay_ms: int = 10
    invoke_timeout_seconds: int = 120
    # How run results reach people: "document" (a summary message and, where the client can
    # open documents, the whole result), "message" (the summary only), "client" (nothing:
    # the client shows the result the command returns).
    run_results: str = "document"
    # How long the editor waits without typing before it sends changes (eglot:
    # eglot-send-changes-idle-time, 0.5 s); the typing hold counts that wait (typing_hold.py).
    # None: known from the client's name (eglot), else 0.
    changes_sent_after_idle_ms: int | None = None


_NAMES = {
    "select": "select",
    "ignore": "ignore",
    "severity": "severity",
    "extraAppRoots": "extra_app_roots",
    "diagnosticsDelayMs": "diagnostics_delay_ms",
    "invokeTimeoutSeconds": "invoke_timeout_seconds",
    "runResults": "run_results",
    "changesSentAfterIdleMs": "changes_sent_after_idle_ms",
}
RUN_RESULTS = ("document", "message", "client")


_CODE = re.compile(r"^AZF\d{0,3}$", re.I)


def _codes(name: str, value: Any, errors: list[str]) -> tuple[str, ...] | None:
    codes = _strings(name, value, errors)
    if codes is None:
        return None
    bad = [c for c in codes if not _CODE.match(c)]
    if bad:
        errors.append(
            f"funcls.{name}: {', '.join(repr(b) for b in bad)} is not a rule code or prefix "
            "(e.g. AZF201 or AZF2); the other entries apply"
        )
    return tuple(c.upper() for c in codes if _CODE.match(c))


def _strings(name: str, value: Any, errors: list[str]) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    errors.append(f"funcls.{name} must be a list of strings, not {_show(value)}")
    return None


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _int(name: str, value: Any, low: int, high: int, errors: list[str]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors.append(
            f"funcls.{name} must be a whole number from {low} to {high}, not {_show(value)}"
        )
        return None
    return value


def _severity(value: Any, errors: list[str]) -> dict[str, str] | None:
    if not isinstance(value, dict):
        errors.append(
            'funcls.severity must map rule codes to severities, e.g. {"AZF300": "warning"}, '
            f"not {_show(value)}"
        )
        return None
    out: dict[str, str] = {}
    for code, sev in value.items():
        if not _CODE.match(str(code)):
            errors.append(f"funcls.severity: {code!r} is not a rule code or prefix")
            continue
        if not isinstance(sev, str) or sev.lower() not in SEVERITIES:
            errors.append(
                f"funcls.severity.{code} must be one of {', '.join(SEVERITIES)}, not {_show(sev)}"
            )
            continue
        out[str(code)] = sev.lower()
    return out


def unwrap(raw: Any) -> Any:
    """Accept both ``{"funcls": {...}}`` and the inner object."""
    if isinstance(raw, dict) and isinstance(raw.get(SECTION), dict):
        return raw[SECTION]
    return raw


def parse_settings(raw: Any, base: Settings | None = None) -> tuple[Settings, list[str]]:
    """Settings from a client's JSON, and a message for each value that was not usable."""
    base = base or Settings()
    raw = unwrap(raw)
    errors: list[str] = []
    if raw is None:
        return base, errors
    if not isinstance(raw, dict):
        return base, [f"funcls settings must be an object, not {_show(raw)}; using the defaults"]
    values: dict[str, Any] = {f.name: getattr(base, f.name) for f in fields(Settings)}
    for key, value in raw.items():
        attr = _NAMES.get(key)
        if attr is None:
            known = ", ".join(_NAMES)
            errors.append(f"funcls.{key} is not a setting (known: {known}); it is ignored")
            continue
        parsed: Any
        if attr in ("select", "ignore"):
            parsed = _codes(key, value, errors)
        elif attr == "extra_app_roots":
            parsed = _strings(key, value, errors)
        elif attr == "severity":
            parsed = _severity(value, errors)
        elif attr == "run_results":
            parsed = value if value in RUN_RESULTS else None
            if parsed is None:
                errors.append(
                    f"funcls.runResults must be one of {', '.join(RUN_RESULTS)}, not {_show(value)}"
                )
        elif attr in ("diagnostics_delay_ms", "changes_sent_after_idle_ms"):
            parsed = _int(key, value, 0, 10_000, errors)
        else:
            parsed = _int(key, value, 1, 3600, errors)
        if parsed is not None:
            values[attr] = parsed
    return Settings(**values), errors
