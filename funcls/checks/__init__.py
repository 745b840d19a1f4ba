"""The rule engine: rules AZFnnn over the app model, producing ``Finding`` objects.

Entry points for the language server and ``funcls check``: :func:`check_app`,
:func:`check_apps`, :class:`CheckConfig` and :func:`rules`.
"""

from funcls.checks.config import CheckConfig, ConfigError
from funcls.checks.engine import CheckerCrash, check_app, check_apps, rules
from funcls.checks.findings import Finding, Fix, Related, Severity, TextEdit
from funcls.checks.registry import Example, Rule

__all__ = [
    "CheckConfig",
    "CheckerCrash",
    "ConfigError",
    "Example",
    "Finding",
    "Fix",
    "Related",
    "Rule",
    "Severity",
    "TextEdit",
    "check_app",
    "check_apps",
    "rules",
]
