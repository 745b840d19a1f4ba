"""The rule registry: every rule's code, name, severity, text and examples, and the checkers.

A *rule* is the documented unit users see (``AZF200``). A *checker* is the function that
finds the mistakes of one or more rules; several rules often share one walk over the model
(the binding checks read every binding once). Checkers are pure functions of the model: they
receive a :class:`~funcls.checks.context.Context` and report through it.

Codes are stable once released: never reuse or renumber one. Families:
``AZF1xx`` binding definitions (function.json and decorators), ``AZF2xx`` the Python
signature, ``AZF3xx`` app structure, ``AZF4xx`` settings and host.json, ``AZF5xx`` values
parsed by the host (schedules, routes, expressions, names), ``AZF6xx`` packaging.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import field
from typing import Any, TypeVar

from funcls.checks.findings import Severity
from funcls.model.fastclass import dataclass

# A checker: a function of one run's `funcls.checks.context.Context` that reports through it.
# The registry holds rules as data and does not name the Context (which reads the rules'
# severities from here): the decorator keeps each checker's own, precise signature.
CheckerFn = Callable[[Any], None]
F = TypeVar("F", bound=CheckerFn)


@dataclass(frozen=True, slots=True)
class Example:
    """A small app for the docs and the tests: files on top of the default app.

    ``files`` maps a path relative to the app root to its text; ``None`` removes a file of
    the default app (see :data:`DEFAULT_APP`). The docs show only the files given here.
    """

    files: Mapping[str, str | None]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str  # short kebab-case name, e.g. "binding-without-parameter"
    severity: Severity
    summary: str  # one line: what the rule finds
    rationale: str  # why it matters: what the host or the worker does
    bad: Example
    good: Example
    fix: str = ""  # what the quick fix does, when there is one

    @property
    def family(self) -> str:
        return self.code[:4]


@dataclass(frozen=True, slots=True)
class Checker:
    codes: frozenset[str]
    fn: CheckerFn
    name: str


@dataclass
class Registry:
    rules: dict[str, Rule] = field(default_factory=dict)
    checkers: list[Checker] = field(default_factory=list)

    def add_rules(self, rules: tuple[Rule, ...]) -> None:
        for r in rules:
            if r.code in self.rules:
                raise ValueError(f"rule {r.code} is registered twice")
            self.rules[r.code] = r

    def checker(self, *codes: str) -> Callable[[F], F]:
        """Register ``fn`` as the checker that reports ``codes``."""

        def register(fn: F) -> F:
            self.checkers.append(Checker(frozenset(codes), fn, fn.__name__))
            return fn

        return register


REGISTRY = Registry()
checker = REGISTRY.checker

# The app every example starts from: correct and complete, so that only the example's own
# files make a difference.
DEFAULT_APP: Mapping[str, str] = {
    "host.json": (
        "{\n"
        '  "version": "2.0",\n'
        '  "extensionBundle": {\n'
        '    "id": "Microsoft.Azure.Functions.ExtensionBundle",\n'
        '    "version": "[4.*, 5.0.0)"\n'
        "  }\n"
        "}\n"
    ),
    "local.settings.json": (
        "{\n"
        '  "IsEncrypted": false,\n'
        '  "Values": {\n'
        '    "FUNCTIONS_WORKER_RUNTIME": "python",\n'
        '    "AzureWebJobsStorage": "UseDevelopmentStorage=true"\n'
        "  }\n"
        "}\n"
    ),
    "requirements.txt": "azure-functions\n",
    ".funcignore": ".venv\nlocal.settings.json\n",
}
