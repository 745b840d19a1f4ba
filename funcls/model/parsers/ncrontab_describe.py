"""Plain-English descriptions of timer schedules, for hovers and diagnostics.

Common shapes read naturally ("every 5 minutes, at second 0", "at 09:30:00 on Monday through
Friday"); anything else is described field by field, which is always correct if not always
elegant. Day-of-month and day-of-week together are described with NCrontab's meaning: both
must match ("on day 13 of the month when it falls on a Friday").
"""

from __future__ import annotations

from itertools import pairwise

from funcls.model.parsers.ncrontab import (
    FIVE_FIELD_LAYOUT,
    AppSettingSchedule,
    CronSchedule,
    Schedule,
    TimeSpanSchedule,
    five_field_fix,
    parse_schedule,
)
from funcls.model.parsers.ncrontab_fields import DAY_NAMES, MONTH_NAMES, CronField, FieldRole

_MAX_LISTED_TIMES = 6
_MAX_LISTED_VALUES = 8


def describe(schedule: Schedule) -> str:
    if isinstance(schedule, AppSettingSchedule):
        if schedule.setting is not None:
            return f"the schedule in app setting '{schedule.setting}'"
        names = ", ".join(f"'{ref.name}'" for ref in schedule.references)
        return f"a schedule completed from app settings {names}"
    if isinstance(schedule, TimeSpanSchedule):
        from funcls.model.parsers.timespan import (
            describe_duration,  # when used (datetime, issue 16)
        )

        return f"every {describe_duration(schedule.interval)}"
    return _describe_cron(schedule)


def explain_five_field(text: str) -> str:
    """Why a five-field schedule needs a sixth field, in terms of what the host does with it.

    Raises :class:`~funcls.model.parsers.ncrontab_fields.ScheduleError` if the five fields
    are not valid cron either.
    """
    schedule = parse_schedule(text, allow_five_fields=True)
    fix = five_field_fix(text)
    meaning = describe(schedule)
    return (
        f"'{text.strip()}' has 5 fields, the classic cron layout {FIVE_FIELD_LAYOUT}. Azure "
        "Functions documents NCRONTAB with 6 fields, {second} first. The timer extension "
        f"counts the fields and reads these 5 as classic cron ({meaning}), so the function "
        "runs under Core Tools and on instances that stay warm; but hosts on the Windows "
        "Consumption plan have rejected such schedules at startup ('is not a valid CRON "
        "expression'), and the scale controller that wakes an idle Consumption app only "
        "understands 6 fields, so the timer can silently stop firing once the app scales "
        f"to zero. Write '{fix}' for the same times."
    )


def _describe_cron(schedule: CronSchedule) -> str:
    if schedule.never_fires:
        day = schedule.field(FieldRole.DAY).text
        return f"never (day {day} does not occur in the chosen months)"
    fields = schedule.fields
    date = _date_phrase(
        fields[FieldRole.DAY], fields[FieldRole.MONTH], fields[FieldRole.DAY_OF_WEEK]
    )
    times = _fixed_times(fields[FieldRole.SECOND], fields[FieldRole.MINUTE], fields[FieldRole.HOUR])
    if times is not None:
        return f"{times} {date or 'every day'}"
    periodic = _periodic(fields[FieldRole.SECOND], fields[FieldRole.MINUTE], fields[FieldRole.HOUR])
    return f"{periodic}, {date}" if date else periodic


def _fixed_times(second: CronField, minute: CronField, hour: CronField) -> str | None:
    if second.is_all or minute.is_all or hour.is_all:
        return None
    if len(second.values) * len(minute.values) * len(hour.values) > _MAX_LISTED_TIMES:
        return None
    times = [
        f"{h:02d}:{m:02d}:{s:02d}"
        for h in hour.values
        for m in minute.values
        for s in second.values
    ]
    return "at " + _join(times)


def _periodic(second: CronField, minute: CronField, hour: CronField) -> str:
    step = _step(second)
    if second.is_all or step is not None:
        base = "every second" if second.is_all else _every(step, "second", second)
        return ", ".join([base + _during_minutes(minute), *_during_hours(hour)])
    at_seconds = f"at {_unit_values('second', second)}"
    step = _step(minute)
    if minute.is_all or step is not None:
        base = "every minute" if minute.is_all else _every(step, "minute", minute)
        return ", ".join([base, at_seconds, *_during_hours(hour)])
    if minute.values == (0,) and second.values == (0,):
        when = "on the hour"
    else:
        when = f"at {_unit_values('minute', minute)}"
        if second.values != (0,):
            when += f", {_unit_values('second', second)}"
    step = _step(hour)
    if hour.is_all or step is not None:
        base = "every hour" if hour.is_all else _every(step, "hour", hour)
        return f"{base}, {when}"
    values = hour.values
    if _is_contiguous(values) and len(minute.values) == len(second.values) == 1:
        mm_ss = f"{minute.values[0]:02d}:{second.values[0]:02d}"
        return f"every hour from {values[0]:02d}:{mm_ss} through {values[-1]:02d}:{mm_ss}"
    return f"{when} of {_unit_values('hour', hour)}"


def _every(step: tuple[int, int] | None, unit: str, field: CronField) -> str:
    assert step is not None
    size, start = step
    spec = field.spec
    if (spec.high - spec.low + 1) % size:  # the count restarts before a full step: */7
        parent = _PARENT_UNIT[unit]
        return f"every {size} {unit}s from {unit} {start} to {field.values[-1]} of each {parent}"
    text = f"every {size} {unit}s"
    if start != spec.low:
        text += f" starting at {unit} {start}"
    return text


_PARENT_UNIT = {"second": "minute", "minute": "hour", "hour": "day"}


def _during_minutes(minute: CronField) -> str:
    return "" if minute.is_all else f" during {_unit_values('minute', minute)}"


def _during_hours(hour: CronField) -> list[str]:
    if hour.is_all:
        return []
    values = hour.values
    if _is_contiguous(values):
        return [f"between {values[0]:02d}:00 and {values[-1]:02d}:59"]
    return [f"during {_unit_values('hour', hour)}"]


def _date_phrase(day: CronField, month: CronField, weekday: CronField) -> str:
    parts: list[str] = []
    weekdays = _names(weekday.values, DAY_NAMES)
    if len(day.values) == 1 and len(month.values) == 1:
        parts.append(f"on {MONTH_NAMES[month.values[0] - 1]} {day.values[0]}")
        if not weekday.is_all:
            names = _join([DAY_NAMES[v] for v in weekday.values], "or")
            parts.append(f"when it falls on a {names}")
        return " ".join(parts)
    if not day.is_all:
        days = _number_list(day.values)
        noun = "day" if len(day.values) == 1 else "days"
        text = f"on {noun} {days} of the month"
        if not weekday.is_all:
            names = _join([DAY_NAMES[v] for v in weekday.values], "or")
            text += f" when it falls on a {names}"
        parts.append(text)
    elif not weekday.is_all:
        parts.append(f"on {weekdays}")
    if not month.is_all:
        parts.append(f"in {_names(month.values, MONTH_NAMES, first=1)}")
    return " ".join(parts)


def _unit_values(unit: str, field: CronField) -> str:
    values = field.values
    noun = unit if len(values) == 1 else unit + "s"
    return f"{noun} {_number_list(values)}"


def _number_list(values: tuple[int, ...]) -> str:
    step = _step_of(values)
    if len(values) >= 3 and _is_contiguous(values):
        return f"{values[0]} through {values[-1]}"
    if step is not None and len(values) > _MAX_LISTED_VALUES:
        return f"{values[0]} through {values[-1]} in steps of {step}"
    return _join([str(v) for v in values])


def _names(values: tuple[int, ...], names: tuple[str, ...], first: int = 0) -> str:
    if len(values) >= 3 and _is_contiguous(values):
        return f"{names[values[0] - first]} through {names[values[-1] - first]}"
    return _join([names[v - first] for v in values])


def _step(field: CronField) -> tuple[int, int] | None:
    """(step, start) when the field is ``start/step`` running to the top of its range."""
    values = field.values
    size = _step_of(values)
    if size is None or size == 1 or values[-1] + size <= field.spec.high:
        return None
    if values[0] - size >= field.spec.low:
        return None
    return (size, values[0])


def _step_of(values: tuple[int, ...]) -> int | None:
    if len(values) < 2:
        return None
    size = values[1] - values[0]
    if all(b - a == size for a, b in pairwise(values)):
        return size
    return None


def _is_contiguous(values: tuple[int, ...]) -> bool:
    return values[-1] - values[0] == len(values) - 1


def _join(items: list[str], word: str = "and") -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {word} " + items[-1]
