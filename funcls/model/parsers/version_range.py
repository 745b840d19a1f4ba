"""NuGet version ranges, as host.json `extensionBundle.version` writes them.

The host picks the highest bundle the range admits. Forms: `4.0.0` (at least), `[4.0.0]`
(exactly), `[4.0.0, 5.0.0)` / `(4.0.0, 5.0.0]` (between, each end open or closed), `(, 5.0.0)`
and `[4.0.0, )` (one end unbounded). A lower bound may float its last part: `[4.*, 5.0.0)`.
"""

from __future__ import annotations

import re

from funcls.model.fastclass import dataclass

_VERSION = re.compile(r"^\d+(\.\d+){0,3}(-[0-9A-Za-z.-]+)?$")
_FLOATING = re.compile(r"^\d+(\.\d+){0,2}\.\*$|^\*$")


class VersionRangeError(ValueError):
    pass


@dataclass(frozen=True)
class VersionRange:
    lower: tuple[int, ...] | None  # None: no lower bound
    lower_inclusive: bool
    upper: tuple[int, ...] | None  # None: no upper bound
    upper_inclusive: bool

    def admits_major(self, major: int) -> bool:
        """Whether some version with this major number lies in the range."""
        low, high = _normal((major,)), _normal((major + 1,))
        if self.lower is not None and self.lower >= high:
            return False
        return not (
            self.upper is not None
            and (self.upper < low or (self.upper == low and not self.upper_inclusive))
        )

    def highest_major(self) -> int | None:
        """The largest major version the range admits; None when it has no upper bound."""
        if self.upper is None:
            return None
        for major in range(self.upper[0], -1, -1):
            if self.admits_major(major):
                return major
        return None


def _normal(version: tuple[int, ...]) -> tuple[int, ...]:
    return version + (0,) * max(0, 4 - len(version))


def _parse_version(text: str, *, floating: bool, where: str) -> tuple[int, ...]:
    text = text.strip()
    if floating and _FLOATING.match(text):
        parts = [p for p in text.split(".") if p != "*"]
        return tuple(int(p) for p in parts) or (0,)
    if not _VERSION.match(text):
        hint = " (a '*' may only end the lower bound)" if "*" in text else ""
        raise VersionRangeError(f"'{text}' is not a version{hint} in the {where}")
    core = text.split("-", 1)[0]
    return tuple(int(p) for p in core.split("."))


def parse_version_range(text: str) -> VersionRange:
    """Parse a NuGet range; VersionRangeError says what is wrong."""
    s = text.strip()
    if not s:
        raise VersionRangeError("the version range is empty")
    if s[0] not in "[(":
        if s[-1] in ")]" or "," in s:
            raise VersionRangeError("a range with a comma must open with '[' or '('")
        return VersionRange(
            _normal(_parse_version(s, floating=True, where="version")), True, None, False
        )
    if s[-1] not in ")]":
        raise VersionRangeError(f"the range opens with '{s[0]}' but does not end with ')' or ']'")
    lower_inclusive, upper_inclusive = s[0] == "[", s[-1] == "]"
    body = s[1:-1]
    if not body.strip():
        raise VersionRangeError("the brackets hold no version")
    if "," not in body:
        if not (lower_inclusive and upper_inclusive):
            raise VersionRangeError("a single version in brackets must be written [x.y.z]")
        exact = _normal(_parse_version(body, floating=False, where="range"))
        return VersionRange(exact, True, exact, True)
    if body.count(",") > 1:
        raise VersionRangeError("a range has two ends: one comma at most")
    low_text, high_text = (p.strip() for p in body.split(","))
    if not low_text and not high_text:
        raise VersionRangeError("a range needs at least one of its two ends")
    lower = (
        _normal(_parse_version(low_text, floating=True, where="lower bound")) if low_text else None
    )
    upper = (
        _normal(_parse_version(high_text, floating=False, where="upper bound"))
        if high_text
        else None
    )
    if (
        lower is not None
        and upper is not None
        and (lower > upper or (lower == upper and not (lower_inclusive and upper_inclusive)))
    ):
        raise VersionRangeError("the lower bound is above the upper bound: no version fits")
    return VersionRange(lower, lower_inclusive, upper, upper_inclusive)
