"""When a timer schedule fires next.

Day-of-month and day-of-week: NCrontab requires **both** to match. Unlike Vixie cron, which
fires when *either* restricted field matches, ``CrontabSchedule.TryGetNextOccurrence``
(atifaziz/NCrontab ``NCrontab/CrontabSchedule.cs``) first finds the next time allowed by the
second … month fields, then checks ``_daysOfWeek.Contains(nextTime.DayOfWeek)`` and, if the
weekday is not allowed, starts again from 23:59:59 of that day. So ``0 0 0 13 * FRI`` is
"every Friday the 13th", and ``0 0 9 1-7 * MON`` is "the first Monday of every month".

Other NCrontab rules kept here: the search starts at the whole second after ``after`` (its
fraction is dropped, and ``after`` itself never counts); a day that does not exist in a month
(the 31st of April) is skipped. Times are UTC, as on Consumption plans and wherever
``WEBSITE_TIME_ZONE`` is not set; TimeSpan schedules fire every ``interval`` after ``after``
(the extension's ``ConstantSchedule``).
"""

from __future__ import annotations

import calendar
from bisect import bisect_left
from datetime import datetime, timedelta, timezone

from funcls.model.parsers.ncrontab import CronSchedule, TimeSpanSchedule
from funcls.model.parsers.ncrontab_fields import FieldRole

_MAX_YEAR = 9999
_LAST_SECOND = datetime(9999, 12, 31, 23, 59, 59)
# Every day-of-month/month/weekday combination that exists at all recurs within 400 years
# (the Gregorian cycle), so a search that runs longer than that can stop.
_SEARCH_YEARS = 400


def next_occurrences(
    schedule: CronSchedule | TimeSpanSchedule, after: datetime, count: int
) -> list[datetime]:
    """The next ``count`` times (timezone-aware, UTC) strictly after ``after``.

    ``after`` must be timezone-aware. Fewer than ``count`` come back when the schedule stops
    firing (``0 0 0 30 2 *`` never fires; nothing exists past year 9999).
    """
    if after.tzinfo is None or after.utcoffset() is None:
        raise ValueError("next_occurrences needs a timezone-aware 'after' (e.g. UTC)")
    start = after.astimezone(timezone.utc)
    if isinstance(schedule, TimeSpanSchedule):
        return [start + schedule.interval * (n + 1) for n in range(count)]
    if schedule.never_fires:
        return []
    finder = _CronFinder(schedule)
    moment = start.replace(tzinfo=None, microsecond=0)
    if moment >= _LAST_SECOND:
        return []
    moment += timedelta(seconds=1)
    found: list[datetime] = []
    while len(found) < count:
        occurrence = finder.first_at_or_after(moment)
        if occurrence is None:
            break
        found.append(occurrence.replace(tzinfo=timezone.utc))
        if occurrence >= _LAST_SECOND:
            break
        moment = occurrence + timedelta(seconds=1)
    return found


class _CronFinder:
    def __init__(self, schedule: CronSchedule) -> None:
        self.seconds = schedule.values(FieldRole.SECOND)
        self.minutes = schedule.values(FieldRole.MINUTE)
        self.hours = schedule.values(FieldRole.HOUR)
        self.days = schedule.values(FieldRole.DAY)
        self.months = schedule.values(FieldRole.MONTH)
        self.weekdays = frozenset(schedule.values(FieldRole.DAY_OF_WEEK))

    def first_at_or_after(self, t: datetime) -> datetime | None:
        """The earliest allowed whole second at or after naive-UTC ``t``."""
        year, month, day = t.year, t.month, t.day
        hour, minute, second = t.hour, t.minute, t.second
        last_year = min(_MAX_YEAR, year + _SEARCH_YEARS)
        while year <= last_year:
            i = bisect_left(self.months, month)
            if i == len(self.months):
                year, month, day, hour, minute, second = year + 1, self.months[0], 1, 0, 0, 0
                continue
            if self.months[i] != month:
                month, day, hour, minute, second = self.months[i], 1, 0, 0, 0
            allowed_day = self._first_day(year, month, day)
            if allowed_day is None:
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
                day, hour, minute, second = 1, 0, 0, 0
                continue
            if allowed_day != day:
                day, hour, minute, second = allowed_day, 0, 0, 0
            i = bisect_left(self.hours, hour)
            if i == len(self.hours):
                day, hour, minute, second = day + 1, 0, 0, 0
                continue
            if self.hours[i] != hour:
                hour, minute, second = self.hours[i], 0, 0
            i = bisect_left(self.minutes, minute)
            if i == len(self.minutes):
                hour, minute, second = hour + 1, 0, 0
                continue
            if self.minutes[i] != minute:
                minute, second = self.minutes[i], 0
            i = bisect_left(self.seconds, second)
            if i == len(self.seconds):
                minute, second = minute + 1, 0
                continue
            return datetime(year, month, day, hour, minute, self.seconds[i])
        return None

    def _first_day(self, year: int, month: int, day: int) -> int | None:
        """The first day >= ``day`` of this month that both day fields allow."""
        length = calendar.monthrange(year, month)[1]
        for candidate in self.days[bisect_left(self.days, day) :]:
            if candidate > length:
                return None
            # Python: Monday = 0; cron: Sunday = 0.
            weekday = (calendar.weekday(year, month, candidate) + 1) % 7
            if weekday in self.weekdays:
                return candidate
        return None
