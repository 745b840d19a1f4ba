from datetime import timedelta

import pytest

from funcls.model.parsers.timespan import (
    FUNCTION_TIMEOUT_LIMITS,
    HostingPlan,
    TimeSpanError,
    TimeSpanErrorKind,
    check_function_timeout,
    describe_duration,
    format_timespan,
    parse_function_timeout,
    parse_timespan,
)


@pytest.mark.parametrize(
    ("text", "value", "layout"),
    [
        ("00:05:00", timedelta(minutes=5), "hh:mm:ss"),
        ("  00:10:00 ", timedelta(minutes=10), "hh:mm:ss"),
        ("23:59:59", timedelta(hours=23, minutes=59, seconds=59), "hh:mm:ss"),
        ("1:2", timedelta(hours=1, minutes=2), "hh:mm"),
        ("1.00:00:00", timedelta(days=1), "d.hh:mm:ss"),
        ("2.03:04", timedelta(days=2, hours=3, minutes=4), "d.hh:mm"),
        ("00:00:01.5", timedelta(seconds=1.5), "hh:mm:ss.f"),
        ("00:00:00.0000001", timedelta(0), "hh:mm:ss.f"),  # 100 ns: below timedelta resolution
        ("2.03:04:05.6", timedelta(days=2, hours=3, minutes=4, seconds=5.6), "d.hh:mm:ss.f"),
        ("5", timedelta(days=5), "d"),
        ("-1", timedelta(days=-1), "d"),
        ("-00:05:00", timedelta(minutes=-5), "hh:mm:ss"),
        ("24:00:00", timedelta(days=24), "d:hh:mm"),
        ("25:00:00:00", timedelta(days=25), "d:hh:mm:ss"),
        ("1:02:03:04.5", timedelta(days=1, hours=2, minutes=3, seconds=4.5), "d:hh:mm:ss.f"),
        ("00:00:00.012345678", timedelta(microseconds=12346), "hh:mm:ss.f"),
    ],
)
def test_parse_timespan_accepts_dotnet_layouts(text: str, value: timedelta, layout: str) -> None:
    parsed = parse_timespan(text)
    assert (parsed.value, parsed.layout) == (value, layout)


@pytest.mark.parametrize(
    ("text", "kind", "message", "span"),
    [
        (
            "",
            TimeSpanErrorKind.EMPTY,
            "the duration is empty; write hh:mm:ss (e.g. 00:05:00) or d.hh:mm:ss (e.g. 1.00:00:00)",
            (0, 0),
        ),
        ("   ", TimeSpanErrorKind.EMPTY, None, (0, 3)),
        (
            "abc",
            TimeSpanErrorKind.FORMAT,
            "'abc' is not a TimeSpan: unexpected 'abc'; write "
            "hh:mm:ss (e.g. 00:05:00) or d.hh:mm:ss (e.g. 1.00:00:00)",
            (0, 3),
        ),
        ("1-2", TimeSpanErrorKind.FORMAT, None, (1, 2)),
        ("5x", TimeSpanErrorKind.FORMAT, None, (1, 2)),
        ("1:2:3:4:5:6", TimeSpanErrorKind.FORMAT, None, (10, 11)),
        (
            "00:60:00",
            TimeSpanErrorKind.OUT_OF_RANGE,
            "minutes run 0–59 in hh:mm:ss, got 60",
            (3, 5),
        ),
        (
            "00:00:60",
            TimeSpanErrorKind.OUT_OF_RANGE,
            "seconds run 0–59 in hh:mm:ss, got 60",
            (6, 8),
        ),
        (
            "1.24:00:00",
            TimeSpanErrorKind.OUT_OF_RANGE,
            "hours run 0–23 in d.hh:mm:ss, got 24",
            (2, 4),
        ),
        ("25:61:00", TimeSpanErrorKind.OUT_OF_RANGE, "hours run 0–23 in d:hh:mm, got 61", (3, 5)),
        (
            "00:00:00.12345678",
            TimeSpanErrorKind.OUT_OF_RANGE,
            "the fraction of a second has at most 7 digits, got 8",
            (9, 17),
        ),
        ("1.2.3", TimeSpanErrorKind.FORMAT, None, (3, 4)),
    ],
)
def test_parse_timespan_errors(
    text: str, kind: TimeSpanErrorKind, message: str | None, span: tuple[int, int]
) -> None:
    with pytest.raises(TimeSpanError) as caught:
        parse_timespan(text)
    assert caught.value.kind is kind
    assert (caught.value.start, caught.value.end) == span
    if message is not None:
        assert caught.value.message == message


def test_twenty_four_hours_reads_as_days_with_a_warning() -> None:
    parsed = parse_timespan("24:00:00")
    assert [(w.kind, w.message) for w in parsed.warnings] == [
        (
            "hours-as-days",
            "'24:00:00' is read as d:hh:mm, i.e. 24 days, because hours stop at 23; "
            "write 24.00:00:00 to say so",
        )
    ]


def test_bare_number_is_days_with_a_warning() -> None:
    parsed = parse_timespan(" 5")
    assert parsed.warnings[0].kind == "bare-number-days"
    assert (parsed.warnings[0].start, parsed.warnings[0].end) == (1, 2)
    assert not parse_timespan("00:00:05").warnings


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (timedelta(minutes=5), "00:05:00"),
        (timedelta(days=1, seconds=1), "1.00:00:01"),
        (timedelta(seconds=1.5), "00:00:01.5000000"),
        (timedelta(minutes=-5), "-00:05:00"),
    ],
)
def test_format_timespan_uses_the_constant_format(value: timedelta, text: str) -> None:
    assert format_timespan(value) == text
    assert parse_timespan(text).value == value


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (timedelta(seconds=10), "10 seconds"),
        (timedelta(seconds=1), "1 second"),
        (timedelta(minutes=5), "5 minutes"),
        (timedelta(hours=1, minutes=30), "1 hour 30 minutes"),
        (timedelta(days=24), "24 days"),
        (timedelta(seconds=1.5), "1.5 seconds"),
        (timedelta(0), "0 seconds"),
        (timedelta(days=-1), "minus 1 day"),
    ],
)
def test_describe_duration(value: timedelta, words: str) -> None:
    assert describe_duration(value) == words


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("00:05:00", timedelta(minutes=5)),
        ("-1", None),
        ("-1.00:00:00", None),
        ("00:00:01", timedelta(seconds=1)),
        ("10675199.02:48:05", timedelta(days=10675199, hours=2, minutes=48, seconds=5)),
    ],
)
def test_parse_function_timeout(text: str, value: timedelta | None) -> None:
    assert parse_function_timeout(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "00:00:00",
            "functionTimeout '00:00:00' is 0 seconds; it must be at least 00:00:01, "
            "or -1 for no limit (not on the Consumption plan)",
        ),
        (
            "-2",
            "functionTimeout '-2' is minus 2 days; it must be at least 00:00:01, or -1 for "
            "no limit (not on the Consumption plan)",
        ),
        ("00:00:00.5", None),
    ],
)
def test_parse_function_timeout_rejects_values_no_plan_accepts(
    text: str, message: str | None
) -> None:
    with pytest.raises(TimeSpanError) as caught:
        parse_function_timeout(text)
    assert caught.value.kind is TimeSpanErrorKind.OUT_OF_RANGE
    assert (caught.value.start, caught.value.end) == (0, len(text))
    if message is not None:
        assert caught.value.message == message


@pytest.mark.parametrize(
    ("value", "plan", "message"),
    [
        (timedelta(minutes=10), HostingPlan.CONSUMPTION, None),
        (
            timedelta(minutes=10, seconds=1),
            HostingPlan.CONSUMPTION,
            "functionTimeout 00:10:01 is longer than the Consumption plan allows; "
            "the longest allowed is 00:10:00",
        ),
        (
            None,
            HostingPlan.CONSUMPTION,
            "functionTimeout -1 (no limit) is not allowed on the Consumption plan; "
            "the longest allowed is 00:10:00",
        ),
        (None, HostingPlan.FLEX_CONSUMPTION, None),
        (None, HostingPlan.PREMIUM, None),
        (timedelta(days=2), HostingPlan.DEDICATED, None),
        (None, HostingPlan.CONTAINER_APPS, None),
    ],
)
def test_check_function_timeout_by_plan(
    value: timedelta | None, plan: HostingPlan, message: str | None
) -> None:
    assert check_function_timeout(value, plan) == message


def test_plan_limits_table() -> None:
    table = {
        plan: (limits.default, limits.maximum) for plan, limits in FUNCTION_TIMEOUT_LIMITS.items()
    }
    assert table == {
        HostingPlan.CONSUMPTION: (timedelta(minutes=5), timedelta(minutes=10)),
        HostingPlan.FLEX_CONSUMPTION: (timedelta(minutes=30), None),
        HostingPlan.PREMIUM: (timedelta(minutes=30), None),
        HostingPlan.DEDICATED: (timedelta(minutes=30), None),
        HostingPlan.CONTAINER_APPS: (timedelta(minutes=30), None),
    }
