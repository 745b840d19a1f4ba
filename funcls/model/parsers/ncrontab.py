"""Timer trigger ``schedule`` strings, read the way the Functions host reads them.

The timer extension (Azure/azure-webjobs-sdk-extensions, ``TimerSchedule.Create``) first
replaces every ``%Setting%`` in the schedule, then tries the result as an NCRONTAB expression
(``CronSchedule.TryCreate``) and, failing that, as a .NET TimeSpan; anything else stops the
function from loading with "The schedule expression was not recognized as a valid cron
expression or timespan string."

NCRONTAB (atifaziz/NCrontab) splits on the space character only and wants six fields,
``{second} {minute} {hour} {day} {month} {day-of-week}``; field syntax is described in
:mod:`funcls.model.parsers.ncrontab_fields`, occurrence rules in
:mod:`funcls.model.parsers.ncrontab_next`.

Five fields: Azure Functions documents six, but the timer extension counts the fields and
parses a five-field expression as classic cron, ``{minute} {hour} {day} {month}
{day-of-week}``, firing at second 0 (``CronSchedule.HasSeconds``, added by
Azure/azure-webjobs-sdk-extensions PR #310 for issue #309). So ``*/5 * * * *`` runs every
five minutes under Core Tools and on warm instances. But on the Windows Consumption plan the
host itself pre-validated the schedule as a *six*-field expression and refused to load the
function ("'*/5 * * * *' is not a valid CRON expression.", azure-functions-host
``CoreExtensionsScriptBindingProvider``, until PR #11601 in 2026), and the scale controller,
which wakes an idle Consumption app for its timers, only parsed six-field expressions, so the
app ran the timer while warm and then silently stopped (azure-functions-host issues #6389,
#7123). Writing ``0`` in front keeps the same times and works everywhere, so by default we
report five fields as an error with that fix; ``allow_five_fields=True`` reads them as the
extension does, for the local runner.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from funcls.model.fastclass import dataclass
from funcls.model.parsers.errors import ParseWarning
from funcls.model.parsers.expressions import AppSettingRef, ExpressionError, find_app_settings
from funcls.model.parsers.ncrontab_fields import (
    FIELD_SPECS,
    MONTH_NAMES,
    CronField,
    FieldRole,
    ScheduleError,
    ScheduleErrorKind,
    parse_field,
)

if TYPE_CHECKING:
    # Imported when a TimeSpan schedule is read (_timespan): datetime was ~4 M instructions
    # of every `funcls check` start (issue 16, ninth pass).
    from datetime import timedelta

FIELD_LAYOUT = "{second} {minute} {hour} {day} {month} {day-of-week}"
FIVE_FIELD_LAYOUT = "{minute} {hour} {day} {month} {day-of-week}"
# Timer extension + host (PR #11601, TimerTriggerPlatformOptionsSetup): a TimeSpan schedule is
# an error on the Windows Consumption plan and a warning on Linux Consumption, because the
# scale controller only understands cron; the docs say TimeSpan needs an App Service plan.
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # February may have 29


@dataclass(frozen=True, slots=True)
class CronSchedule:
    text: str
    fields: tuple[CronField, ...]  # six, in FieldRole order (seconds first)
    five_field: bool = False  # read from a five-field expression: seconds fixed at 0
    warnings: tuple[ParseWarning, ...] = ()

    def field(self, role: FieldRole) -> CronField:
        return self.fields[role]

    def values(self, role: FieldRole) -> tuple[int, ...]:
        return self.fields[role].values

    @property
    def never_fires(self) -> bool:
        """True when no allowed day exists in any allowed month (``0 0 0 30 2 *``)."""
        first_day = self.values(FieldRole.DAY)[0]
        return all(first_day > _DAYS_IN_MONTH[m - 1] for m in self.values(FieldRole.MONTH))


@dataclass(frozen=True, slots=True)
class TimeSpanSchedule:
    text: str
    interval: timedelta
    layout: str  # the TimeSpan shape recognised, e.g. "hh:mm:ss"
    warnings: tuple[ParseWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class AppSettingSchedule:
    """A schedule that names app settings; resolve them and parse the result."""

    text: str
    references: tuple[AppSettingRef, ...]

    @property
    def setting(self) -> str | None:
        """The setting name when the whole schedule is one ``%Name%``."""
        refs = self.references
        stripped = self.text.strip()
        if len(refs) == 1 and stripped == self.text[refs[0].start : refs[0].end]:
            return refs[0].name
        return None


Schedule = CronSchedule | TimeSpanSchedule | AppSettingSchedule


# Schedules parsed, by text: apps repeat schedules across functions and every check parses
# each again (issue 16). Only what parses is kept; the schedules are frozen.
_PARSED: dict[tuple[str, bool], Schedule] = {}
_PARSED_MAX = 4096


def parse_schedule(text: str, *, allow_five_fields: bool = False) -> Schedule:
    """Parse a timer ``schedule``; raise :class:`ScheduleError` for what the host rejects."""
    key = (text, allow_five_fields)
    known = _PARSED.get(key)
    if known is None:
        known = _parse_schedule(text, allow_five_fields)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[key] = known
    return known


def _parse_schedule(text: str, allow_five_fields: bool) -> Schedule:
    if "%" in text:
        try:
            return AppSettingSchedule(text, find_app_settings(text))
        except ExpressionError as error:
            raise ScheduleError(
                ScheduleErrorKind.APP_SETTING, error.message, error.start, error.end
            ) from error
    stripped = text.strip(" ")
    if not stripped.strip():
        raise ScheduleError(
            ScheduleErrorKind.EMPTY,
            "the schedule is empty; write six fields, e.g. '0 */5 * * * *' for every 5 minutes",
            0,
            len(text),
        )
    for index, char in enumerate(text):
        if char.isspace() and char != " ":
            name = {"\t": "a tab", "\n": "a line break", "\r": "a line break"}.get(char)
            raise ScheduleError(
                ScheduleErrorKind.SYNTAX,
                f"the schedule contains {name or repr(char)}; NCrontab only separates fields "
                "with spaces",
                index,
                index + 1,
            )
    tokens = [(m.group(), m.start()) for m in re.finditer(r"[^ ]+", text)]
    if len(tokens) == 6:
        return _cron(text, tokens, FieldRole.SECOND)
    if len(tokens) == 5:
        schedule = _cron(text, tokens, FieldRole.MINUTE)
        if allow_five_fields:
            return schedule
        start = tokens[0][1]
        end = tokens[-1][1] + len(tokens[-1][0])
        raise ScheduleError(
            ScheduleErrorKind.FIVE_FIELDS,
            f"'{stripped}' has 5 fields ({FIVE_FIELD_LAYOUT}); Azure Functions schedules have "
            f"6 with the second first: write '{five_field_fix(text)}' for the same times",
            start,
            end,
            fix=five_field_fix(text),
        )
    if len(tokens) == 1:
        return _timespan(text, tokens[0])
    start = tokens[0][1]
    end = tokens[-1][1] + len(tokens[-1][0])
    message = f"'{stripped}' has {len(tokens)} fields; NCRONTAB has 6: {FIELD_LAYOUT}"
    if len(tokens) == 7:
        start = tokens[6][1]
        message += "; there is no year field (that is Quartz cron)"
    raise ScheduleError(ScheduleErrorKind.FIELD_COUNT, message, start, end)


# FieldRole by value without the enum's call (its values are 0-5 in order).
_ROLES = tuple(FieldRole)


def _cron(text: str, tokens: list[tuple[str, int]], first: FieldRole) -> CronSchedule:
    fields: list[CronField] = []
    warnings: list[ParseWarning] = []
    if first is FieldRole.MINUTE:
        at = tokens[0][1]
        fields.append(CronField(FieldRole.SECOND, "", at, at, (0,)))
    for position, (token, offset) in enumerate(tokens):
        field, field_warnings = parse_field(_ROLES[first + position], token, offset, position)
        fields.append(field)
        warnings.extend(field_warnings)
    schedule = CronSchedule(text, tuple(fields), first is FieldRole.MINUTE)
    if schedule.never_fires:
        day = schedule.field(FieldRole.DAY)
        months = ", ".join(MONTH_NAMES[m - 1] for m in schedule.values(FieldRole.MONTH))
        warnings.append(
            ParseWarning(
                f"day {day.text} never occurs in {months}, so this schedule never fires",
                day.start,
                day.end,
                "never-fires",
            )
        )
    return CronSchedule(text, schedule.fields, schedule.five_field, tuple(warnings))


def _timespan(text: str, token: tuple[str, int]) -> TimeSpanSchedule:
    from datetime import timedelta

    from funcls.model.parsers.timespan import (  # when used (datetime, issue 16)
        TimeSpanError,
        parse_timespan,
    )

    word, offset = token
    try:
        parsed = parse_timespan(text)
    except TimeSpanError as error:
        if re.fullmatch(r"[-\d.:]+", word) and any(ch.isdigit() for ch in word):
            message = f"'{word}' is not a valid TimeSpan schedule: {error.message}"
            raise ScheduleError(
                ScheduleErrorKind.TIMESPAN, message, error.start, error.end
            ) from error
        raise ScheduleError(
            ScheduleErrorKind.FIELD_COUNT,
            f"'{word}' is neither an NCRONTAB expression (6 fields: {FIELD_LAYOUT}) nor a "
            "TimeSpan (hh:mm:ss); e.g. '0 0 * * * *' runs at the top of every hour",
            offset,
            offset + len(word),
        ) from error
    if parsed.value <= timedelta():
        raise ScheduleError(
            ScheduleErrorKind.TIMESPAN,
            f"a TimeSpan schedule must be a positive interval, not '{word}'",
            offset,
            offset + len(word),
        )
    return TimeSpanSchedule(text, parsed.value, parsed.layout, parsed.warnings)


def is_five_field(text: str) -> bool:
    """True for a schedule of exactly five space-separated fields (classic cron)."""
    return (
        "%" not in text
        and len(text.split()) == 5
        and not any(ch.isspace() and ch != " " for ch in text)
    )


def five_field_fix(text: str) -> str:
    """The six-field schedule that fires at the same times as five-field ``text``."""
    return "0 " + text.strip()


def field_layout(schedule: CronSchedule) -> tuple[tuple[str, CronField], ...]:
    """(field name, field) for the fields present in the text, for hover tables."""
    first = 1 if schedule.five_field else 0
    return tuple((FIELD_SPECS[f.role].name, f) for f in schedule.fields[first:])
