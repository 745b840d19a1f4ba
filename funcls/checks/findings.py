"""What a rule reports: a ``Finding`` with a location, related locations and fix data.

The rule engine produces findings; ``funcls check`` prints them and the language server turns
them into LSP diagnostics and code actions. Nothing here knows about either.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field
from enum import IntEnum
from typing import Any

from funcls.model.fastclass import dataclass
from funcls.model.locations import Location, Range


class Severity(IntEnum):
    """Ordered so that a higher value is more serious."""

    HINT = 1
    INFO = 2
    WARNING = 3
    ERROR = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @staticmethod
    def parse(text: str) -> Severity:
        try:
            return Severity[text.strip().upper()]
        except KeyError:
            allowed = ", ".join(s.label for s in Severity)
            raise ValueError(f"'{text}' is not a severity; use one of {allowed}") from None


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace ``range`` of ``path`` with ``new_text`` (zero-width range: insert)."""

    path: str
    range: Range
    new_text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A quick fix: a title the user sees and the edits that apply it."""

    title: str
    edits: tuple[TextEdit, ...]
    preferred: bool = False


@dataclass(frozen=True, slots=True)
class Related:
    location: Location
    message: str


@dataclass(slots=True)
class Finding:
    code: str  # e.g. AZF200
    message: str
    severity: Severity
    location: Location
    related: list[Related] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # rule-specific facts for fixes/tools
    function: str | None = None  # the function it concerns, when there is one
    app_root: str | None = None
    # A second place an editor shows the finding: the file the user edits, when the finding
    # belongs to another one (AZF111: the def renamed in the script, the finding at function.json's
    # entryPoint). ``echo.message`` is what the copy there calls ``location``. ``funcls check``
    # prints and counts the finding once, at ``location``.
    echo: Related | None = None

    @property
    def path(self) -> str:
        return self.location.path

    @property
    def range(self) -> Range:
        return self.location.range

    def sort_key(self) -> tuple[str, int, int, str]:
        r = self.location.range
        return (self.location.path, r.start.line, r.start.column, self.code)

    def echoed(self) -> Finding | None:
        """The copy an editor shows at ``echo``: the same code, message and fixes, related
        back to ``location``."""
        if self.echo is None:
            return None
        return Finding(
            code=self.code,
            message=self.message,
            severity=self.severity,
            location=self.echo.location,
            related=[Related(self.location, self.echo.message)],
            fixes=self.fixes,
            data=self.data,
            function=self.function,
            app_root=self.app_root,
        )


def with_echoes(findings: Iterable[Finding]) -> list[Finding]:
    """What an editor shows: every finding, followed by its copy where it is echoed."""
    out: list[Finding] = []
    for f in findings:
        out.append(f)
        copy = f.echoed()
        if copy is not None:
            out.append(copy)
    return out
