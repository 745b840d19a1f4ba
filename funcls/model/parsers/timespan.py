""".NET TimeSpan strings as the Functions host reads them.

Two places in an app hold a TimeSpan: host.json ``functionTimeout`` (bound by the .NET
configuration binder, i.e. ``TimeSpan.Parse(text, InvariantCulture)``) and a timer trigger
``schedule`` that is not a cron expression (``TimeSpan.TryParse`` in the timer extension's
``TimerSchedule.Create``). Both accept the same grammar, which we reproduce from
dotnet/runtime ``System/Globalization/TimeSpanParse.cs``:

* surrounding white space is ignored and a leading ``-`` makes the value negative;
* one number is a number of *days* (``"5"`` is five days, ``"-1"`` is minus one day);
* two numbers are ``h:mm``; three are ``hh:mm:ss`` or ``d.hh:mm``; four are ``hh:mm:ss.f`` or
  ``d.hh:mm:ss``; five are ``d.hh:mm:ss.f``;
* the culture-specific "general" pattern of the invariant culture (``d:h:mm:ss.FFFFFFF``) is
  tried after the invariant one, so ``"24:00:00"`` — not a valid ``hh:mm:ss`` because hours
  stop at 23 — is read as ``d:hh:mm``, i.e. **24 days**. The timer trigger docs say so too
  ("when the first two digits are 24 or greater, the format is dd:hh:mm");
* hours run 0–23, minutes and seconds 0–59, the fraction has at most 7 digits.
"""

from __future__ import annotations

import re
from datetime import timedelta
from enum import Enum

from funcls.model.fastclass import dataclass
from funcls.model.lazy_re import compiled_on_use
from funcls.model.parsers.errors import ParseError, ParseWarning

MAX_DAYS = 10_675_199  # TimeSpan.MaxValue.Days
# ASCII digits only, as .NET's TimeSpan parser reads them: "00:0²:00" is a format error, not
# int("²") raising ValueError (issue 17, found by tests/fuzz).
_TOKEN = compiled_on_use(r"[0-9]+|[^0-9]+")


class TimeSpanErrorKind(str, Enum):
    EMPTY = "empty"
    FORMAT = "format"
    OUT_OF_RANGE = "out-of-range"


class TimeSpanError(ParseError):
    def __init__(self, kind: TimeSpanErrorKind, message: str, start: int, end: int) -> None:
        super().__init__(message, start, end)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class ParsedTimeSpan:
    """A parsed TimeSpan; ``layout`` names the shape the host recognised (``d.hh:mm:ss`` …)."""

    text: str
    value: timedelta
    layout: str
    warnings: tuple[ParseWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class _Number:
    digits: str
    start: int
    end: int

    @property
    def value(self) -> int:
        return int(self.digits)


# Layouts by the separators between the numbers, in the order .NET tries them. ``d:`` marks
# the culture-specific reading that only applies when the invariant one does not fit.
_LAYOUTS: dict[int, list[tuple[tuple[str, ...], str]]] = {
    1: [((), "d")],
    2: [((":",), "hh:mm")],
    3: [((":", ":"), "hh:mm:ss"), ((".", ":"), "d.hh:mm"), ((":", ":"), "d:hh:mm")],
    4: [
        ((":", ":", "."), "hh:mm:ss.f"),
        ((".", ":", ":"), "d.hh:mm:ss"),
        ((":", ":", ":"), "d:hh:mm:ss"),
    ],
    5: [((".", ":", ":", "."), "d.hh:mm:ss.f"), ((":", ":", ":", "."), "d:hh:mm:ss.f")],
}
_LIMITS = {"d": MAX_DAYS, "hh": 23, "mm": 59, "ss": 59}
_UNIT_WORDS = {"d": "days", "hh": "hours", "mm": "minutes", "ss": "seconds"}
_HINT = "write hh:mm:ss (e.g. 00:05:00) or d.hh:mm:ss (e.g. 1.00:00:00)"


def parse_timespan(text: str) -> ParsedTimeSpan:
    """Parse ``text`` as ``TimeSpan.Parse`` does; raise :class:`TimeSpanError` otherwise."""
    stripped = text.strip()
    if not stripped:
        raise TimeSpanError(
            TimeSpanErrorKind.EMPTY, f"the duration is empty; {_HINT}", 0, len(text)
        )
    base = len(text) - len(text.lstrip())
    numbers: list[_Number] = []
    separators: list[tuple[str, int]] = []  # separator text and offset, between numbers
    negative = False
    for match in _TOKEN.finditer(stripped):
        token, start = match.group(), base + match.start()
        if "0" <= token[0] <= "9":
            numbers.append(_Number(token, start, start + len(token)))
        elif not numbers and token == "-":
            negative = True
        elif not numbers or match.end() == len(stripped):
            raise _format_error(text, token, start)
        else:
            separators.append((token, start))
    if not numbers:
        raise _format_error(text, stripped, base)
    candidates = _LAYOUTS.get(len(numbers))
    if candidates is None:
        extra = numbers[5] if len(numbers) > 5 else numbers[-1]
        raise TimeSpanError(
            TimeSpanErrorKind.FORMAT,
            f"'{stripped}' has {len(numbers)} numbers; a TimeSpan has at most 5 "
            f"(d.hh:mm:ss.fffffff); {_HINT}",
            extra.start,
            extra.end,
        )
    seps = tuple(s for s, _ in separators)
    failures: list[TimeSpanError] = []
    for layout_seps, layout in candidates:
        if seps != layout_seps:
            continue
        try:
            value = _evaluate(layout, numbers)
        except TimeSpanError as failure:
            failures.append(failure)
            continue
        value = -value if negative else value
        warnings: list[ParseWarning] = []
        if layout in ("d", "d:hh:mm"):
            warnings.append(_surprising_layout_warning(stripped, layout, value, base))
        return ParsedTimeSpan(text, value, layout, tuple(warnings))
    if failures:
        # "25:61:00" fails as hh:mm:ss at 25 and as d:hh:mm at 61: report the later number,
        # which is wrong under every reading; on a tie the first (invariant) reading wins.
        raise max(failures, key=lambda failure: failure.start)
    # Point at the first wrong separator of the layout the text comes closest to.
    expected = max(
        (layout_seps for layout_seps, _ in candidates),
        key=lambda want: sum(s == w for s, w in zip(seps, want, strict=True)),
    )
    pairs = zip(separators, expected, strict=True)
    bad = next(((s, off) for (s, off), want in pairs if s != want), (stripped, base))
    raise _format_error(text, bad[0], bad[1])


def _evaluate(layout: str, numbers: list[_Number]) -> timedelta:
    units = re.split(r"[.:]", layout)
    parts: dict[str, int] = {}
    fraction = timedelta()
    for unit, number in zip(units, numbers, strict=True):
        if unit == "f":
            fraction = _fraction(number)
            continue
        limit = _LIMITS[unit]
        if number.value > limit:
            raise TimeSpanError(
                TimeSpanErrorKind.OUT_OF_RANGE,
                f"{_UNIT_WORDS[unit]} run 0–{limit} in {layout}, got {number.value}",
                number.start,
                number.end,
            )
        parts[unit] = number.value
    return (
        timedelta(
            days=parts.get("d", 0),
            hours=parts.get("hh", 0),
            minutes=parts.get("mm", 0),
            seconds=parts.get("ss", 0),
        )
        + fraction
    )


def _fraction(number: _Number) -> timedelta:
    """Seconds fraction as .NET normalises it to 100 ns ticks (7 digits, rounded half up)."""
    digits = number.digits
    if len(digits) <= 7:
        ticks = int(digits.ljust(7, "0"))
    elif not digits.lstrip("0"):
        ticks = 0
    elif digits[0] != "0":
        raise TimeSpanError(
            TimeSpanErrorKind.OUT_OF_RANGE,
            f"the fraction of a second has at most 7 digits, got {len(digits)}",
            number.start,
            number.end,
        )
    else:  # leading zeros: .NET rounds the surplus digits away
        scale = 10 ** (len(digits) - 7)
        ticks, rest = divmod(int(digits), scale)
        ticks += 1 if 2 * rest >= scale else 0
    return timedelta(microseconds=ticks / 10)


def _format_error(text: str, token: str, start: int) -> TimeSpanError:
    shown = token if token.strip() else repr(token)
    return TimeSpanError(
        TimeSpanErrorKind.FORMAT,
        f"'{text.strip()}' is not a TimeSpan: unexpected '{shown}'; {_HINT}",
        start,
        start + len(token),
    )


def _surprising_layout_warning(
    stripped: str, layout: str, value: timedelta, base: int
) -> ParseWarning:
    if layout == "d":
        kind = "bare-number-days"
        message = (
            f"'{stripped}' is read as {describe_duration(value)}: a bare number is a number of "
            f"days; write {format_timespan(value)} to say so, or hh:mm:ss for a shorter time"
        )
    else:
        kind = "hours-as-days"
        message = (
            f"'{stripped}' is read as d:hh:mm, i.e. {describe_duration(value)}, because hours "
            f"stop at 23; write {format_timespan(value)} to say so"
        )
    return ParseWarning(message, base, base + len(stripped), kind)


def format_timespan(value: timedelta) -> str:
    """The .NET constant ("c") format: ``[-][d.]hh:mm:ss[.fffffff]``."""
    sign = "-" if value < timedelta() else ""
    magnitude = -value if sign else value
    ticks = (magnitude.days * 86_400 + magnitude.seconds) * 10_000_000 + magnitude.microseconds * 10
    days, rest = divmod(ticks, 86_400 * 10_000_000)
    hours, rest = divmod(rest, 3600 * 10_000_000)
    minutes, rest = divmod(rest, 60 * 10_000_000)
    seconds, fraction = divmod(rest, 10_000_000)
    text = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    if days:
        text = f"{days}.{text}"
    if fraction:
        text = f"{text}.{fraction:07d}"
    return sign + text


def describe_duration(value: timedelta) -> str:
    """Plain English for a duration: ``"5 minutes"``, ``"1 hour 30 minutes"``, ``"24 days"``."""
    if value < timedelta():
        return "minus " + describe_duration(-value)
    total_us = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    days, rest = divmod(total_us, 86_400_000_000)
    hours, rest = divmod(rest, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds = rest / 1_000_000
    words: list[str] = []
    for amount, unit in ((days, "day"), (hours, "hour"), (minutes, "minute")):
        if amount:
            words.append(f"{amount} {unit}{'' if amount == 1 else 's'}")
    if seconds or not words:
        shown = f"{seconds:g}"
        words.append(f"{shown} second{'' if shown == '1' else 's'}")
    return " ".join(words)


# --- host.json functionTimeout -------------------------------------------------------------


class HostingPlan(str, Enum):
    CONSUMPTION = "consumption"
    FLEX_CONSUMPTION = "flexConsumption"
    PREMIUM = "premium"
    DEDICATED = "dedicated"
    CONTAINER_APPS = "containerApps"

    @property
    def display_name(self) -> str:
        return _PLAN_TITLES[self]


_PLAN_TITLES = {
    HostingPlan.CONSUMPTION: "Consumption",
    HostingPlan.FLEX_CONSUMPTION: "Flex Consumption",
    HostingPlan.PREMIUM: "Premium",
    HostingPlan.DEDICATED: "Dedicated (App Service)",
    HostingPlan.CONTAINER_APPS: "Container Apps",
}


@dataclass(frozen=True, slots=True)
class TimeoutLimits:
    """``default`` applies when host.json has no functionTimeout; ``maximum`` None = unbounded."""

    plan: HostingPlan
    default: timedelta
    maximum: timedelta | None


# Source: azure-functions-host src/WebJobs.Script/Config/ScriptJobHostOptionsSetup.cs —
# MinFunctionTimeout 1 s; the Consumption SKU (but not Flex Consumption) defaults to 5 min and
# rejects anything above MaxFunctionTimeoutDynamic (10 min); every other SKU defaults to 30 min,
# has no upper bound, and reads a value of exactly -1 day ("-1") as "no timeout". The Azure
# Functions docs ("Function app timeout duration", functions-scale.md) give the same table:
# Consumption 5/10 min; Flex Consumption, Premium, Dedicated and Container Apps 30 min/unbounded
# (Premium guarantees 60 min; HTTP responses are still cut at 230 s by the load balancer).
MIN_FUNCTION_TIMEOUT = timedelta(seconds=1)
UNLIMITED_FUNCTION_TIMEOUT = timedelta(days=-1)
FUNCTION_TIMEOUT_LIMITS: dict[HostingPlan, TimeoutLimits] = {
    HostingPlan.CONSUMPTION: TimeoutLimits(
        HostingPlan.CONSUMPTION, timedelta(minutes=5), timedelta(minutes=10)
    ),
    HostingPlan.FLEX_CONSUMPTION: TimeoutLimits(
        HostingPlan.FLEX_CONSUMPTION, timedelta(minutes=30), None
    ),
    HostingPlan.PREMIUM: TimeoutLimits(HostingPlan.PREMIUM, timedelta(minutes=30), None),
    HostingPlan.DEDICATED: TimeoutLimits(HostingPlan.DEDICATED, timedelta(minutes=30), None),
    HostingPlan.CONTAINER_APPS: TimeoutLimits(
        HostingPlan.CONTAINER_APPS, timedelta(minutes=30), None
    ),
}


def parse_function_timeout(text: str) -> timedelta | None:
    """Parse host.json ``functionTimeout``; None means unlimited (``-1``).

    Raises :class:`TimeSpanError` for text that is not a TimeSpan and for values no plan
    accepts (zero, under one second, or negative other than -1). Whether the plan allows the
    value is :func:`check_function_timeout`'s business.
    """
    parsed = parse_timespan(text)
    if parsed.value == UNLIMITED_FUNCTION_TIMEOUT:
        return None
    if parsed.value < MIN_FUNCTION_TIMEOUT:
        stripped = text.strip()
        start = len(text) - len(text.lstrip())
        raise TimeSpanError(
            TimeSpanErrorKind.OUT_OF_RANGE,
            f"functionTimeout '{stripped}' is {describe_duration(parsed.value)}; it must be at "
            "least 00:00:01, or -1 for no limit (not on the Consumption plan)",
            start,
            start + len(stripped),
        )
    return parsed.value


def check_function_timeout(value: timedelta | None, plan: HostingPlan) -> str | None:
    """Why ``plan`` rejects a parsed functionTimeout, or None when it is allowed."""
    limits = FUNCTION_TIMEOUT_LIMITS[plan]
    if limits.maximum is None:
        return None
    maximum = format_timespan(limits.maximum)
    if value is None:
        return (
            f"functionTimeout -1 (no limit) is not allowed on the {plan.display_name} plan; "
            f"the longest allowed is {maximum}"
        )
    if value > limits.maximum:
        return (
            f"functionTimeout {format_timespan(value)} is longer than the {plan.display_name} plan "
            f"allows; the longest allowed is {maximum}"
        )
    return None
