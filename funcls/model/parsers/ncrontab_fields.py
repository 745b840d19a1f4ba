"""One field of an NCRONTAB expression, read the way NCrontab reads it.

Source: atifaziz/NCrontab ``NCrontab/CrontabFieldImpl.cs`` (``InternalParse``, ``ParseValue``)
and ``NCrontab/CrontabField.cs`` (``Accumulate``). What that code does, and we reproduce:

* a list item is split on ``,`` only when the first comma is not the first character;
* ``/`` (the first one, not at the start) separates a step, parsed with ``int.Parse``; a
  step below 1 is silently treated as 1;
* ``*`` is the whole range; ``a-b`` (first ``-``, not at the start) a range — a *reversed*
  range is silently swapped, so ``5-1`` means ``1-5``; a single value with a step runs from
  that value to the top of the field (``5/15`` in minutes is 5, 20, 35, 50);
* a value starting with a digit is a number; otherwise, for months and days of the week, it
  is matched case-insensitively as a *prefix* of the full English name, first match wins
  (``Mon``, ``monday``, even ``M``; ``T`` is Tuesday, ``S`` Sunday);
* day-of-week runs 0–6 with 0 = Sunday; ``7`` is "higher than the maximum" and rejected;
* there is no ``?``, ``L``, ``W`` or ``#``.
"""

from __future__ import annotations

import re
from enum import Enum, IntEnum

from funcls.model.fastclass import dataclass
from funcls.model.parsers.errors import ParseError, ParseWarning

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


class FieldRole(IntEnum):
    SECOND = 0
    MINUTE = 1
    HOUR = 2
    DAY = 3
    MONTH = 4
    DAY_OF_WEEK = 5


@dataclass(frozen=True, slots=True)
class FieldSpec:
    role: FieldRole
    name: str
    low: int
    high: int
    range_text: str  # completes "… is 25; <range_text>"
    names: tuple[str, ...] = ()


FIELD_SPECS = (
    FieldSpec(FieldRole.SECOND, "second", 0, 59, "seconds run 0–59"),
    FieldSpec(FieldRole.MINUTE, "minute", 0, 59, "minutes run 0–59"),
    FieldSpec(FieldRole.HOUR, "hour", 0, 23, "hours run 0–23"),
    FieldSpec(FieldRole.DAY, "day", 1, 31, "days of the month run 1–31"),
    FieldSpec(FieldRole.MONTH, "month", 1, 12, "months run 1–12 (or JAN–DEC)", MONTH_NAMES),
    FieldSpec(
        FieldRole.DAY_OF_WEEK,
        "day-of-week",
        0,
        6,
        "days of the week run 0–6 with 0 = Sunday (or SUN–SAT)",
        DAY_NAMES,
    ),
)


class ScheduleErrorKind(str, Enum):
    EMPTY = "empty"
    FIELD_COUNT = "field-count"
    FIVE_FIELDS = "five-fields"
    SYNTAX = "syntax"
    OUT_OF_RANGE = "out-of-range"
    UNSUPPORTED = "unsupported"  # Quartz-only syntax: ? L W #
    TIMESPAN = "timespan"
    APP_SETTING = "app-setting"


class ScheduleError(ParseError):
    """A schedule the host rejects.

    ``start``/``end`` cover the offending part (a value, a step, a character); for errors in
    one field, ``field_index`` is its 0-based position in the text and ``field_span`` its
    whole extent.
    """

    def __init__(
        self,
        kind: ScheduleErrorKind,
        message: str,
        start: int,
        end: int,
        *,
        field_index: int | None = None,
        field_span: tuple[int, int] | None = None,
        fix: str | None = None,
    ) -> None:
        super().__init__(message, start, end)
        self.kind = kind
        self.field_index = field_index
        self.field_span = field_span
        self.fix = fix  # a replacement for the whole schedule text, when one is certain


@dataclass(frozen=True, slots=True)
class CronField:
    role: FieldRole
    text: str
    start: int
    end: int
    values: tuple[int, ...]  # sorted, distinct

    @property
    def spec(self) -> FieldSpec:
        return FIELD_SPECS[self.role]

    @property
    def is_all(self) -> bool:
        return len(self.values) == self.spec.high - self.spec.low + 1


# Quartz-only syntax: (how to find it in a list item, the character to point at, what it
# means, what to do instead). 'W' alone is not here: NCrontab reads it as Wednesday.
_QUARTZ = (
    (re.compile(r".*\?.*"), "?", "'?' (no specific value)", "use '*'"),
    (
        re.compile(r"L(W|-\d+)?|\d+L", re.IGNORECASE),
        "L",
        "'L' (last day)",
        "NCrontab cannot say 'last day of the month'; run on days 28-31 and check the date in code",
    ),
    (re.compile(r"\d+W", re.IGNORECASE), "W", "'W' (nearest weekday)", "list the days instead"),
    (
        re.compile(r".*#.*"),
        "#",
        "'#' (nth weekday of the month)",
        "for 'first Monday' write day 1-7 with day-of-week MON: NCrontab only fires when both "
        "the day and the day of the week match",
    ),
)


class _FieldReader:
    def __init__(self, spec: FieldSpec, position: int, span: tuple[int, int]) -> None:
        self.spec = spec
        self.index = position
        self.span = span
        self.warnings: list[ParseWarning] = []

    def label(self) -> str:
        return f"field {self.index + 1} ({self.spec.name})"

    def fail(self, kind: ScheduleErrorKind, message: str, start: int, end: int) -> ScheduleError:
        return ScheduleError(
            kind, message, start, end, field_index=self.index, field_span=self.span
        )

    def warn(self, message: str, start: int, end: int, kind: str) -> None:
        self.warnings.append(ParseWarning(f"{self.label()}: {message}", start, end, kind))

    def read(self, token: str, offset: int) -> set[int]:
        values: set[int] = set()
        first_comma = token.find(",")
        if first_comma > 0:
            position = offset
            for item in token.split(","):
                if not item:
                    raise self.fail(
                        ScheduleErrorKind.SYNTAX,
                        f"{self.label()} has an empty item in its list '{token}'",
                        position,
                        position + 1,
                    )
                values |= self.item(item, position)
                position += len(item) + 1
            return values
        if first_comma == 0:
            raise self.fail(
                ScheduleErrorKind.SYNTAX,
                f"{self.label()} starts with ','; a list is written like 1,15,30",
                offset,
                offset + 1,
            )
        return self.item(token, offset)

    def item(self, item: str, offset: int) -> set[int]:
        for pattern, char, what, advice in _QUARTZ:
            if pattern.fullmatch(item):
                at = offset + item.upper().index(char)
                raise self.fail(
                    ScheduleErrorKind.UNSUPPORTED,
                    f"{self.label()}: {what} is Quartz cron syntax that NCrontab does not "
                    f"support; {advice}",
                    at,
                    at + 1,
                )
        base, step = item, 1
        slash = item.find("/")
        if slash == 0:
            raise self.fail(
                ScheduleErrorKind.SYNTAX,
                f"{self.label()}: a step needs a range to step through; write */{item[1:]} "
                "or a-b/N",
                offset,
                offset + len(item),
            )
        if slash > 0:
            base, step = item[:slash], self.step(item[slash + 1 :], offset + slash + 1)
        if base == "*":
            low, high = self.spec.low, self.spec.high
        elif base.find("-", 1) > 0:
            dash = base.find("-", 1)
            low = self.value(base[:dash], offset, "range")
            high = self.value(base[dash + 1 :], offset + dash + 1, "range")
            if low > high:
                self.warn(
                    f"the range {base} runs backwards; NCrontab reads it as {high}-{low}",
                    offset,
                    offset + len(base),
                    "reversed-range",
                )
                low, high = high, low
        else:
            low = self.value(base, offset, "value")
            high = self.spec.high if slash > 0 else low
        return set(range(low, high + 1, step))

    def step(self, text: str, offset: int) -> int:
        if not re.fullmatch(r"[+-]?\d+", text):
            what = "nothing" if not text else f"'{text}'"
            start = offset if text else offset - 1  # point at the '/' when nothing follows
            raise self.fail(
                ScheduleErrorKind.SYNTAX,
                f"{self.label()}: the step after '/' is {what}; it must be a whole number, "
                "as in */5",
                start,
                offset + len(text) if text else offset,
            )
        step = int(text)
        if step < 1:
            self.warn(
                f"a step of {step} is read as 1 by NCrontab, i.e. every value",
                offset,
                offset + len(text),
                "step-below-one",
            )
            return 1
        return step

    def value(self, text: str, offset: int, context: str) -> int:
        spec = self.spec
        end = offset + len(text)
        if not text:  # only the end of a range can be empty: point at its '-'
            raise self.fail(
                ScheduleErrorKind.SYNTAX,
                f"{self.label()}: the {context} is missing a number",
                offset - 1,
                offset,
            )
        if text[0].isascii() and text[0].isdigit():
            if not (text.isascii() and text.isdigit()):
                raise self.fail(
                    ScheduleErrorKind.SYNTAX,
                    f"{self.label()}: '{text}' is not a number; {spec.range_text}",
                    offset,
                    end,
                )
            number = int(text)
            if number < spec.low or number > spec.high:
                message = f"{self.label()} is {number}; {spec.range_text}"
                if spec.role is FieldRole.DAY_OF_WEEK and number == 7:
                    message += "; NCrontab does not accept 7 for Sunday, use 0 or SUN"
                raise self.fail(ScheduleErrorKind.OUT_OF_RANGE, message, offset, end)
            return number
        if text == "*":
            raise self.fail(
                ScheduleErrorKind.SYNTAX,
                f"{self.label()}: '*' cannot be part of a range; write '*' alone or a-b",
                offset,
                end,
            )
        for index, name in enumerate(spec.names):
            if name.casefold().startswith(text.casefold()):
                if len(text) < 3:
                    self.warn(
                        f"'{text}' is read as {name} (NCrontab takes any prefix of a name); "
                        f"write {name[:3].upper()} to be clear",
                        offset,
                        end,
                        "short-name",
                    )
                return spec.low + index
        if spec.names:
            kind = "month" if spec.role is FieldRole.MONTH else "day"
            choices = "JAN–DEC or 1–12" if kind == "month" else "SUN–SAT or 0–6 (0 = Sunday)"
            message = f"{self.label()}: '{text}' is not a {kind} name; use {choices}"
        else:
            message = f"{self.label()}: '{text}' is not a number; {spec.range_text}"
            if "%" in text:
                message += " (an app setting reference is written %Name%)"
        raise self.fail(ScheduleErrorKind.SYNTAX, message, offset, end)


# The values of a field's text that reads without a warning, by (role, text): the values
# depend on nothing else (the offset and position only place errors and warnings). The
# schedules of an app differ in one field or two ('0 */5 * * * *', '0 */6 * * * *'), so
# most fields were read again for each: the Quartz patterns, the items, the sets (issue 16,
# twelfth pass: 300 fields of 50 schedules on the 1,000-function bench, ~55 texts).
# Bounded, as the texts come from the user's files.
_VALUES: dict[tuple[FieldRole, str], tuple[int, ...]] = {}
_VALUES_KEEP = 4096


def parse_field(
    role: FieldRole, token: str, offset: int, position: int
) -> tuple[CronField, list[ParseWarning]]:
    """Read ``token`` (at ``offset`` in the schedule, field ``position`` 0-based) as ``role``."""
    key = (role, token)
    values = _VALUES.get(key)
    if values is not None:
        return CronField(role, token, offset, offset + len(token), values), []
    reader = _FieldReader(FIELD_SPECS[role], position, (offset, offset + len(token)))
    values = tuple(sorted(reader.read(token, offset)))
    if not reader.warnings:
        if len(_VALUES) >= _VALUES_KEEP:
            _VALUES.clear()
        _VALUES[key] = values
    field = CronField(role, token, offset, offset + len(token), values)
    return field, reader.warnings
