import time
from datetime import datetime, timedelta, timezone

import pytest

from funcls.model.parsers.ncrontab import CronSchedule, TimeSpanSchedule, parse_schedule
from funcls.model.parsers.ncrontab_next import next_occurrences

UTC = timezone.utc


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def occurrences(schedule_text: str, after: str, count: int) -> list[str]:
    schedule = parse_schedule(schedule_text)
    assert isinstance(schedule, CronSchedule | TimeSpanSchedule)
    return [
        t.strftime("%Y-%m-%d %H:%M:%S %a") for t in next_occurrences(schedule, at(after), count)
    ]


@pytest.mark.parametrize(
    ("schedule", "after", "expected"),
    [
        (
            "0 */5 * * * *",
            "2024-03-01 18:57:00",
            ["2024-03-01 19:00:00 Fri", "2024-03-01 19:05:00 Fri", "2024-03-01 19:10:00 Fri"],
        ),
        (  # "after" itself never counts
            "0 */5 * * * *",
            "2024-03-01 19:00:00",
            ["2024-03-01 19:05:00 Fri", "2024-03-01 19:10:00 Fri", "2024-03-01 19:15:00 Fri"],
        ),
        (
            "*/10 * * * * *",
            "2024-03-01 23:59:45",
            ["2024-03-01 23:59:50 Fri", "2024-03-02 00:00:00 Sat", "2024-03-02 00:00:10 Sat"],
        ),
        (
            "0 30 9 * * 1-5",
            "2024-03-01 10:00:00",  # a Friday, after 09:30
            ["2024-03-04 09:30:00 Mon", "2024-03-05 09:30:00 Tue", "2024-03-06 09:30:00 Wed"],
        ),
        (
            "0 0 0 29 2 *",
            "2024-03-01 00:00:00",
            ["2028-02-29 00:00:00 Tue", "2032-02-29 00:00:00 Sun", "2036-02-29 00:00:00 Fri"],
        ),
        (  # NCrontab: day AND weekday — every Friday the 13th
            "0 0 0 13 * FRI",
            "2024-01-01 00:00:00",
            ["2024-09-13 00:00:00 Fri", "2024-12-13 00:00:00 Fri", "2025-06-13 00:00:00 Fri"],
        ),
        (  # the first Monday of the month, which Vixie cron's OR rule could not express
            "0 0 9 1-7 * MON",
            "2024-03-01 00:00:00",
            ["2024-03-04 09:00:00 Mon", "2024-04-01 09:00:00 Mon", "2024-05-06 09:00:00 Mon"],
        ),
        (  # months without a 31st are skipped
            "0 0 12 31 * *",
            "2024-03-31 12:00:00",
            ["2024-05-31 12:00:00 Fri", "2024-07-31 12:00:00 Wed", "2024-08-31 12:00:00 Sat"],
        ),
        (
            "0 30 9 * Jan Mon",
            "2024-01-30 00:00:00",
            ["2025-01-06 09:30:00 Mon", "2025-01-13 09:30:00 Mon", "2025-01-20 09:30:00 Mon"],
        ),
        (
            "59 59 23 31 12 *",
            "2024-12-31 23:59:59",
            ["2025-12-31 23:59:59 Wed", "2026-12-31 23:59:59 Thu"],
        ),
        (
            "0 0 */6 * * *",
            "2024-02-28 19:00:00",
            ["2024-02-29 00:00:00 Thu", "2024-02-29 06:00:00 Thu", "2024-02-29 12:00:00 Thu"],
        ),
        (
            "15,45 0 0 1 1,7 *",
            "2024-01-01 00:00:15",
            ["2024-01-01 00:00:45 Mon", "2024-07-01 00:00:15 Mon", "2024-07-01 00:00:45 Mon"],
        ),
        (
            "00:05:00",
            "2024-03-01 18:57:13",
            ["2024-03-01 19:02:13 Fri", "2024-03-01 19:07:13 Fri", "2024-03-01 19:12:13 Fri"],
        ),
    ],
)
def test_next_occurrences(schedule: str, after: str, expected: list[str]) -> None:
    assert occurrences(schedule, after, len(expected)) == expected


def test_results_are_aware_utc_datetimes() -> None:
    schedule = parse_schedule("0 0 * * * *")
    assert isinstance(schedule, CronSchedule)
    plus_two = timezone(timedelta(hours=2))
    (first,) = next_occurrences(schedule, datetime(2024, 3, 1, 10, 30, tzinfo=plus_two), 1)
    assert first == datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    assert first.tzinfo is UTC


def test_the_fraction_of_after_is_dropped_like_ncrontab() -> None:
    schedule = parse_schedule("* * * * * *")
    assert isinstance(schedule, CronSchedule)
    after = datetime(2024, 1, 1, 0, 0, 0, 999_000, tzinfo=UTC)
    assert next_occurrences(schedule, after, 1) == [datetime(2024, 1, 1, 0, 0, 1, tzinfo=UTC)]


def test_naive_after_is_rejected() -> None:
    schedule = parse_schedule("0 * * * * *")
    assert isinstance(schedule, CronSchedule)
    with pytest.raises(ValueError, match="timezone-aware"):
        next_occurrences(schedule, datetime(2024, 1, 1), 1)


def test_a_schedule_that_never_fires_has_no_occurrences() -> None:
    assert occurrences("0 0 0 30 2 *", "2024-01-01 00:00:00", 3) == []


def test_occurrences_stop_at_year_9999() -> None:
    assert occurrences("59 59 23 31 12 *", "9999-01-01 00:00:00", 3) == ["9999-12-31 23:59:59 Fri"]
    assert occurrences("* * * * * *", "9999-12-31 23:59:59", 3) == []


def test_rare_schedules_are_fast() -> None:
    started = time.perf_counter()
    assert len(occurrences("0 0 0 29 2 *", "2024-03-01 00:00:00", 50)) == 50
    assert len(occurrences("0 0 0 13 * FRI", "2024-01-01 00:00:00", 50)) == 50
    assert len(occurrences("0 0 0 30 2 *", "2024-01-01 00:00:00", 50)) == 0
    assert time.perf_counter() - started < 0.5
