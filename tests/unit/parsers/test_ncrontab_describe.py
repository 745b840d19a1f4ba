import pytest

from funcls.model.parsers.ncrontab import parse_schedule
from funcls.model.parsers.ncrontab_describe import describe, explain_five_field
from funcls.model.parsers.ncrontab_fields import ScheduleError


@pytest.mark.parametrize(
    ("text", "description"),
    [
        # The examples table of the Azure Functions timer trigger docs.
        ("0 */5 * * * *", "every 5 minutes, at second 0"),
        ("0 0 * * * *", "every hour, on the hour"),
        ("0 0 */2 * * *", "every 2 hours, on the hour"),
        ("0 0 9-17 * * *", "every hour from 09:00:00 through 17:00:00"),
        ("0 30 9 * * *", "at 09:30:00 every day"),
        ("0 30 9 * * 1-5", "at 09:30:00 on Monday through Friday"),
        ("0 30 9 * Jan Mon", "at 09:30:00 on Monday in January"),
        # Sub-minute.
        ("* * * * * *", "every second"),
        ("*/10 * * * * *", "every 10 seconds"),
        ("0,30 * * * * *", "every 30 seconds"),
        ("*/10 0-4 * * * *", "every 10 seconds during minutes 0 through 4"),
        ("5-7 * * * * *", "every minute, at seconds 5 through 7"),
        # Minutes and hours.
        ("0 * * * * *", "every minute, at second 0"),
        ("0 5/15 * * * *", "every 15 minutes starting at minute 5, at second 0"),
        ("0 */7 * * * *", "every 7 minutes from minute 0 to 56 of each hour, at second 0"),
        (
            "0 0,20 */5 * * *",
            "every 5 hours from hour 0 to 20 of each day, at minutes 0 and 20",
        ),
        ("0 0,30 9-17 * * *", "every 30 minutes, at second 0, between 09:00 and 17:59"),
        (
            "0 */15 9-17 * * 1-5",
            "every 15 minutes, at second 0, between 09:00 and 17:59, on Monday through Friday",
        ),
        ("0 */5 9 * * *", "every 5 minutes, at second 0, between 09:00 and 09:59"),
        ("*/5 * */2 * * *", "every 5 seconds, during hours 0 through 22 in steps of 2"),
        ("15 30 * * * *", "every hour, at minute 30, second 15"),
        ("0 30 */2 * * *", "every 2 hours, at minute 30"),
        ("0 0,30 1,3,5,7 * * *", "every 30 minutes, at second 0, during hours 1, 3, 5 and 7"),
        ("0 0,20 1,3,5,7 * * *", "at minutes 0 and 20 of hours 1, 3, 5 and 7"),
        # A handful of fixed times.
        ("0 0 9,17 * * *", "at 09:00:00 and 17:00:00 every day"),
        ("0 */20 9 * * *", "at 09:00:00, 09:20:00 and 09:40:00 every day"),
        # Days, months, and NCrontab's day AND weekday rule.
        ("0 0 0 1 * *", "at 00:00:00 on day 1 of the month"),
        ("0 0 0 1,15 * *", "at 00:00:00 on days 1 and 15 of the month"),
        ("0 0 0 */5 * *", "at 00:00:00 on days 1, 6, 11, 16, 21, 26 and 31 of the month"),
        ("0 0 0 * JAN-MAR *", "at 00:00:00 in January through March"),
        ("0 15 10 25 12 *", "at 10:15:00 on December 25"),
        ("0 0 0 29 2 *", "at 00:00:00 on February 29"),
        ("0 0 0 13 * FRI", "at 00:00:00 on day 13 of the month when it falls on a Friday"),
        (
            "0 0 9 1-7 * MON",
            "at 09:00:00 on days 1 through 7 of the month when it falls on a Monday",
        ),
        ("0 0 12 * * SAT,SUN", "at 12:00:00 on Sunday and Saturday"),
        ("0 0 0 30 2 *", "never (day 30 does not occur in the chosen months)"),
        # Other schedule kinds.
        ("00:00:10", "every 10 seconds"),
        ("01:30:00", "every 1 hour 30 minutes"),
        ("1.00:00:00", "every 1 day"),
        ("%TimerSchedule%", "the schedule in app setting 'TimerSchedule'"),
        ("0 %Minute% * * * *", "a schedule completed from app settings 'Minute'"),
    ],
)
def test_describe(text: str, description: str) -> None:
    assert describe(parse_schedule(text)) == description


def test_describe_reads_five_fields_like_the_timer_extension() -> None:
    schedule = parse_schedule("*/5 * * * *", allow_five_fields=True)
    assert describe(schedule) == "every 5 minutes, at second 0"


def test_explain_five_field() -> None:
    assert explain_five_field("*/5 * * * *") == (
        "'*/5 * * * *' has 5 fields, the classic cron layout {minute} {hour} {day} {month} "
        "{day-of-week}. Azure Functions documents NCRONTAB with 6 fields, {second} first. The "
        "timer extension counts the fields and reads these 5 as classic cron (every 5 minutes, "
        "at second 0), so the function runs under Core Tools and on instances that stay warm; "
        "but hosts on the Windows Consumption plan have rejected such schedules at startup "
        "('is not a valid CRON expression'), and the scale controller that wakes an idle "
        "Consumption app only understands 6 fields, so the timer can silently stop firing once "
        "the app scales to zero. Write '0 */5 * * * *' for the same times."
    )


def test_explain_five_field_needs_valid_classic_cron() -> None:
    with pytest.raises(ScheduleError):
        explain_five_field("*/5 25 * * *")
