from datetime import timedelta

import pytest

from funcls.model.parsers.ncrontab import (
    AppSettingSchedule,
    CronSchedule,
    TimeSpanSchedule,
    field_layout,
    five_field_fix,
    is_five_field,
    parse_schedule,
)
from funcls.model.parsers.ncrontab_fields import FieldRole, ScheduleError, ScheduleErrorKind

R = FieldRole


def cron(text: str) -> CronSchedule:
    schedule = parse_schedule(text)
    assert isinstance(schedule, CronSchedule)
    return schedule


@pytest.mark.parametrize(
    ("text", "role", "values"),
    [
        ("0 */5 * * * *", R.MINUTE, tuple(range(0, 60, 5))),
        ("0 1-30/2 * * * *", R.MINUTE, tuple(range(1, 31, 2))),
        ("0 5/15 * * * *", R.MINUTE, (5, 20, 35, 50)),
        ("5,8,10 * * * * *", R.SECOND, (5, 8, 10)),
        ("5-7 * * * * *", R.SECOND, (5, 6, 7)),
        ("0 0 */2 * * *", R.HOUR, tuple(range(0, 24, 2))),
        ("0 0 0 */10 * *", R.DAY, (1, 11, 21, 31)),  # steps start at the field's minimum
        ("0 0 0 * */3 *", R.MONTH, (1, 4, 7, 10)),
        ("0 30 9 * Jan Mon", R.MONTH, (1,)),
        ("0 30 9 * Jan Mon", R.DAY_OF_WEEK, (1,)),
        ("0 0 0 * JAN-MAR,dec *", R.MONTH, (1, 2, 3, 12)),
        ("0 0 0 * * MON-FRI", R.DAY_OF_WEEK, (1, 2, 3, 4, 5)),
        ("0 0 0 * * sunday,Saturday", R.DAY_OF_WEEK, (0, 6)),
        ("0 0 0 * * 0", R.DAY_OF_WEEK, (0,)),
        ("0 0 0 * * Tu", R.DAY_OF_WEEK, (2,)),  # any prefix of a name; first match wins
        ("0 0 0 * * T", R.DAY_OF_WEEK, (2,)),
        ("0 5-1 * * * *", R.MINUTE, (1, 2, 3, 4, 5)),  # reversed ranges are swapped
        ("0 */0 * * * *", R.MINUTE, tuple(range(60))),  # a step below 1 means 1
        ("0 0 0 * * *", R.DAY, tuple(range(1, 32))),
    ],
)
def test_field_values(text: str, role: FieldRole, values: tuple[int, ...]) -> None:
    assert cron(text).values(role) == values


def test_field_offsets_cover_each_token() -> None:
    schedule = cron("0  */5 * * * 1-5")
    assert [(f.text, f.start, f.end) for f in schedule.fields] == [
        ("0", 0, 1),
        ("*/5", 3, 6),
        ("*", 7, 8),
        ("*", 9, 10),
        ("*", 11, 12),
        ("1-5", 13, 16),
    ]
    assert [name for name, _ in field_layout(schedule)] == [
        "second",
        "minute",
        "hour",
        "day",
        "month",
        "day-of-week",
    ]


# (schedule, kind, message, (start, end), field index) — messages are exact.
BAD_SCHEDULES = [
    (
        "0 0 25 * * *",
        ScheduleErrorKind.OUT_OF_RANGE,
        "field 3 (hour) is 25; hours run 0–23",
        (4, 6),
        2,
    ),
    (
        "60 * * * * *",
        ScheduleErrorKind.OUT_OF_RANGE,
        "field 1 (second) is 60; seconds run 0–59",
        (0, 2),
        0,
    ),
    (
        "0 0 0 0 * *",
        ScheduleErrorKind.OUT_OF_RANGE,
        "field 4 (day) is 0; days of the month run 1–31",
        (6, 7),
        3,
    ),
    (
        "0 0 0 32 * *",
        ScheduleErrorKind.OUT_OF_RANGE,
        "field 4 (day) is 32; days of the month run 1–31",
        (6, 8),
        3,
    ),
    (
        "0 0 0 * 13 *",
        ScheduleErrorKind.OUT_OF_RANGE,
        "field 5 (month) is 13; months run 1–12 (or JAN–DEC)",
        (8, 10),
        4,
    ),
    (
        "0 0 0 * * 7",
        ScheduleErrorKind.OUT_OF_RANGE,
        "field 6 (day-of-week) is 7; days of the week run 0–6 with 0 = Sunday (or SUN–SAT); "
        "NCrontab does not accept 7 for Sunday, use 0 or SUN",
        (10, 11),
        5,
    ),
    ("0 0 0 * * 1-7", ScheduleErrorKind.OUT_OF_RANGE, None, (12, 13), 5),
    (
        "0 10-70 * * * *",
        ScheduleErrorKind.OUT_OF_RANGE,
        "field 2 (minute) is 70; minutes run 0–59",
        (5, 7),
        1,
    ),
    (
        "0 0 0 ? * MON",
        ScheduleErrorKind.UNSUPPORTED,
        "field 4 (day): '?' (no specific value) is Quartz cron syntax that NCrontab does not "
        "support; use '*'",
        (6, 7),
        3,
    ),
    (
        "0 0 0 L * *",
        ScheduleErrorKind.UNSUPPORTED,
        "field 4 (day): 'L' (last day) is Quartz cron syntax that NCrontab does not support; "
        "NCrontab cannot say 'last day of the month'; run on days 28-31 and check the date in "
        "code",
        (6, 7),
        3,
    ),
    (
        "0 0 0 15W * *",
        ScheduleErrorKind.UNSUPPORTED,
        "field 4 (day): 'W' (nearest weekday) is Quartz cron syntax that NCrontab does not "
        "support; list the days instead",
        (8, 9),
        3,
    ),
    ("0 0 0 * * 5L", ScheduleErrorKind.UNSUPPORTED, None, (11, 12), 5),
    (
        "0 0 0 * * MON#1",
        ScheduleErrorKind.UNSUPPORTED,
        "field 6 (day-of-week): '#' (nth weekday of the month) is Quartz cron syntax that "
        "NCrontab does not support; for 'first Monday' write day 1-7 with day-of-week MON: "
        "NCrontab only fires when both the day and the day of the week match",
        (13, 14),
        5,
    ),
    (
        "0 1,,2 * * * *",
        ScheduleErrorKind.SYNTAX,
        "field 2 (minute) has an empty item in its list '1,,2'",
        (4, 5),
        1,
    ),
    (
        "0 ,5 * * * *",
        ScheduleErrorKind.SYNTAX,
        "field 2 (minute) starts with ','; a list is written like 1,15,30",
        (2, 3),
        1,
    ),
    (
        "0 /5 * * * *",
        ScheduleErrorKind.SYNTAX,
        "field 2 (minute): a step needs a range to step through; write */5 or a-b/N",
        (2, 4),
        1,
    ),
    (
        "0 */x * * * *",
        ScheduleErrorKind.SYNTAX,
        "field 2 (minute): the step after '/' is 'x'; it must be a whole number, as in */5",
        (4, 5),
        1,
    ),
    (
        "0 */ * * * *",
        ScheduleErrorKind.SYNTAX,
        "field 2 (minute): the step after '/' is nothing; it must be a whole number, as in */5",
        (3, 4),
        1,
    ),
    (
        "0 1- * * * *",
        ScheduleErrorKind.SYNTAX,
        "field 2 (minute): the range is missing a number",
        (3, 4),
        1,
    ),
    (
        "0 *-5 * * * *",
        ScheduleErrorKind.SYNTAX,
        "field 2 (minute): '*' cannot be part of a range; write '*' alone or a-b",
        (2, 3),
        1,
    ),
    (
        "0 5x * * * *",
        ScheduleErrorKind.SYNTAX,
        "field 2 (minute): '5x' is not a number; minutes run 0–59",
        (2, 4),
        1,
    ),
    (
        "0 every * * * *",
        ScheduleErrorKind.SYNTAX,
        "field 2 (minute): 'every' is not a number; minutes run 0–59",
        (2, 7),
        1,
    ),
    (
        "0 0 0 * Foo *",
        ScheduleErrorKind.SYNTAX,
        "field 5 (month): 'Foo' is not a month name; use JAN–DEC or 1–12",
        (8, 11),
        4,
    ),
    (
        "0 0 0 * * Mox",
        ScheduleErrorKind.SYNTAX,
        "field 6 (day-of-week): 'Mox' is not a day name; use SUN–SAT or 0–6 (0 = Sunday)",
        (10, 13),
        5,
    ),
    (
        "",
        ScheduleErrorKind.EMPTY,
        "the schedule is empty; write six fields, e.g. '0 */5 * * * *' for every 5 minutes",
        (0, 0),
        None,
    ),
    (
        "1 2 3",
        ScheduleErrorKind.FIELD_COUNT,
        "'1 2 3' has 3 fields; NCRONTAB has 6: {second} {minute} {hour} {day} {month} "
        "{day-of-week}",
        (0, 5),
        None,
    ),
    (
        "0 0 0 1/1 * ? *",
        ScheduleErrorKind.FIELD_COUNT,
        "'0 0 0 1/1 * ? *' has 7 fields; NCRONTAB has 6: {second} {minute} {hour} {day} {month} "
        "{day-of-week}; there is no year field (that is Quartz cron)",
        (14, 15),
        None,
    ),
    (
        "@daily",
        ScheduleErrorKind.FIELD_COUNT,
        "'@daily' is neither an NCRONTAB expression (6 fields: {second} {minute} {hour} {day} "
        "{month} {day-of-week}) nor a TimeSpan (hh:mm:ss); e.g. '0 0 * * * *' runs at the top of "
        "every hour",
        (0, 6),
        None,
    ),
    (
        "0\t*/5 * * * *",
        ScheduleErrorKind.SYNTAX,
        "the schedule contains a tab; NCrontab only separates fields with spaces",
        (1, 2),
        None,
    ),
    (
        "00:99:00",
        ScheduleErrorKind.TIMESPAN,
        "'00:99:00' is not a valid TimeSpan schedule: minutes run 0–59 in hh:mm:ss, got 99",
        (3, 5),
        None,
    ),
    (
        "-00:05:00",
        ScheduleErrorKind.TIMESPAN,
        "a TimeSpan schedule must be a positive interval, not '-00:05:00'",
        (0, 9),
        None,
    ),
    ("00:00:00", ScheduleErrorKind.TIMESPAN, None, (0, 8), None),
    ("%Sched", ScheduleErrorKind.APP_SETTING, None, (0, 1), None),
]


@pytest.mark.parametrize(("text", "kind", "message", "span", "field_index"), BAD_SCHEDULES)
def test_schedule_errors(
    text: str,
    kind: ScheduleErrorKind,
    message: str | None,
    span: tuple[int, int],
    field_index: int | None,
) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(text)
    error = caught.value
    assert (error.kind, (error.start, error.end), error.field_index) == (kind, span, field_index)
    if message is not None:
        assert error.message == message
    if field_index is not None:
        assert error.field_span is not None
        start, end = error.field_span
        assert text.split()[field_index] == text[start:end]
        assert start <= error.start and error.end <= end


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        (
            "0 5-1 * * * *",
            "reversed-range",
            "field 2 (minute): the range 5-1 runs backwards; NCrontab reads it as 1-5",
        ),
        (
            "0 */0 * * * *",
            "step-below-one",
            "field 2 (minute): a step of 0 is read as 1 by NCrontab, i.e. every value",
        ),
        (
            "0 0 0 * * W",
            "short-name",
            "field 6 (day-of-week): 'W' is read as Wednesday (NCrontab takes any prefix of a "
            "name); write WED to be clear",
        ),
        (
            "0 0 0 30 2 *",
            "never-fires",
            "day 30 never occurs in February, so this schedule never fires",
        ),
        (
            "0 0 0 31 4,6 *",
            "never-fires",
            "day 31 never occurs in April, June, so this schedule never fires",
        ),
    ],
)
def test_schedule_warnings(text: str, kind: str, message: str) -> None:
    (warning,) = cron(text).warnings
    assert (warning.kind, warning.message) == (kind, message)


def test_common_schedules_have_no_warnings() -> None:
    for text in ("0 */5 * * * *", "0 30 9 * * 1-5", "0 0 0 29 2 *", "0 0 0 31 * *"):
        assert cron(text).warnings == ()


def test_five_fields_are_an_error_with_a_fix() -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(" */5 * * * * ")
    error = caught.value
    assert error.kind is ScheduleErrorKind.FIVE_FIELDS
    assert error.fix == "0 */5 * * * *"
    assert (error.start, error.end) == (1, 12)
    assert error.message == (
        "'*/5 * * * *' has 5 fields ({minute} {hour} {day} {month} {day-of-week}); Azure "
        "Functions schedules have 6 with the second first: write '0 */5 * * * *' for the same "
        "times"
    )


def test_five_fields_are_checked_as_classic_cron_first() -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule("0 25 * * *")
    assert caught.value.kind is ScheduleErrorKind.OUT_OF_RANGE
    assert caught.value.message == "field 2 (hour) is 25; hours run 0–23"
    assert caught.value.field_index == 1


def test_five_fields_read_like_the_timer_extension_when_allowed() -> None:
    schedule = parse_schedule("*/5 9 * * MON", allow_five_fields=True)
    assert isinstance(schedule, CronSchedule)
    assert schedule.five_field
    assert schedule.values(R.SECOND) == (0,)
    assert schedule.values(R.MINUTE) == tuple(range(0, 60, 5))
    assert schedule.values(R.HOUR) == (9,)
    assert schedule.values(R.DAY_OF_WEEK) == (1,)
    assert field_layout(schedule)[0][0] == "minute"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("*/5 * * * *", True),
        ("  0 9 * * 1-5  ", True),
        ("0 */5 * * * *", False),
        ("%Schedule%", False),
        ("00:05:00", False),
        ("*/5\t* * * *", False),
    ],
)
def test_is_five_field(text: str, expected: bool) -> None:
    assert is_five_field(text) is expected


def test_five_field_fix() -> None:
    assert five_field_fix(" 0 9 * * 1-5 ") == "0 0 9 * * 1-5"


@pytest.mark.parametrize(
    ("text", "interval", "layout"),
    [
        ("00:05:00", timedelta(minutes=5), "hh:mm:ss"),
        ("01:00:00", timedelta(hours=1), "hh:mm:ss"),
        ("1.00:00:00", timedelta(days=1), "d.hh:mm:ss"),
        ("24:00:00", timedelta(days=24), "d:hh:mm"),
        (" 00:00:10 ", timedelta(seconds=10), "hh:mm:ss"),
        ("5", timedelta(days=5), "d"),
    ],
)
def test_timespan_schedules(text: str, interval: timedelta, layout: str) -> None:
    schedule = parse_schedule(text)
    assert isinstance(schedule, TimeSpanSchedule)
    assert (schedule.interval, schedule.layout) == (interval, layout)


def test_timespan_schedule_keeps_surprise_warnings() -> None:
    schedule = parse_schedule("24:00:00")
    assert isinstance(schedule, TimeSpanSchedule)
    assert [w.kind for w in schedule.warnings] == ["hours-as-days"]


@pytest.mark.parametrize(
    ("text", "names", "setting"),
    [
        ("%TimerSchedule%", ["TimerSchedule"], "TimerSchedule"),
        (" %TimerSchedule% ", ["TimerSchedule"], "TimerSchedule"),
        ("%Jobs:Nightly%", ["Jobs:Nightly"], "Jobs:Nightly"),
        ("0 %Minute% * * * *", ["Minute"], None),
        ("%A%%B%", ["A", "B"], None),
    ],
)
def test_app_setting_schedules(text: str, names: list[str], setting: str | None) -> None:
    schedule = parse_schedule(text)
    assert isinstance(schedule, AppSettingSchedule)
    assert [ref.name for ref in schedule.references] == names
    assert schedule.setting == setting


def test_never_fires() -> None:
    assert cron("0 0 0 30 2 *").never_fires
    assert cron("0 0 0 31 2,4 *").never_fires
    assert not cron("0 0 0 29 2 *").never_fires
    assert not cron("0 0 0 30,31 2,3 *").never_fires


def test_a_field_read_before_reads_the_same_elsewhere() -> None:
    """A field's values are kept by its text (issue 16, twelfth pass): the same text in
    another schedule, place or role reads as a fresh parse does, and a text with a warning
    is not kept, so each schedule gets its own warning at its own place."""
    from funcls.model.parsers import ncrontab, ncrontab_fields

    texts = ["0 */7 * * * *", "1 2 */7 * * *", "0 0 0 * Ja *", "30 0 0 * Ja *"]
    fresh = []
    for text in texts:
        ncrontab_fields._VALUES.clear()
        fresh.append(cron(text))
    ncrontab_fields._VALUES.clear()
    kept = []
    for text in texts:
        ncrontab._PARSED.clear()
        kept.append(cron(text))
    assert kept == fresh
    # "Ja" is read as January with a warning, each at its own place
    assert [[w.start for w in s.warnings] for s in kept[2:]] == [[8], [9]]
    assert (R.MINUTE, "*/7") in ncrontab_fields._VALUES
    assert (R.MONTH, "Ja") not in ncrontab_fields._VALUES
