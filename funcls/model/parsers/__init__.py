"""Pure parsers for the strings inside an Azure Functions app.

Timer schedules (:mod:`.ncrontab`), .NET TimeSpans and host.json ``functionTimeout``
(:mod:`.timespan`), HTTP route templates (:mod:`.routes`), binding expressions
(:mod:`.expressions`), blob paths (:mod:`.blob_paths`), trigger binding data
(:mod:`.trigger_metadata`) and Azure Storage names (:mod:`.storage_names`). Parsers raise a
:class:`ParseError` subclass with the offending offsets for input the platform rejects and
attach :class:`ParseWarning` objects for input it accepts but probably should not.
"""

from funcls.model.parsers.blob_paths import BlobPathError, BlobPathPattern, parse_blob_path
from funcls.model.parsers.errors import ParseError, ParseWarning
from funcls.model.parsers.expressions import (
    AppSettingRef,
    BindingParameter,
    BindingTemplate,
    ExpressionError,
    find_app_settings,
    parse_binding_template,
    resolve_app_settings,
)
from funcls.model.parsers.ncrontab import (
    AppSettingSchedule,
    CronSchedule,
    Schedule,
    TimeSpanSchedule,
    five_field_fix,
    is_five_field,
    parse_schedule,
)
from funcls.model.parsers.ncrontab_describe import describe, explain_five_field
from funcls.model.parsers.ncrontab_fields import ScheduleError, ScheduleErrorKind
from funcls.model.parsers.ncrontab_next import next_occurrences
from funcls.model.parsers.routes import RouteError, RouteTemplate, parse_route
from funcls.model.parsers.storage_names import (
    NameProblem,
    check_blob_name,
    check_container_name,
    check_queue_name,
    check_table_name,
)
from funcls.model.parsers.timespan import (
    HostingPlan,
    TimeSpanError,
    check_function_timeout,
    parse_function_timeout,
    parse_timespan,
)
from funcls.model.parsers.trigger_metadata import trigger_metadata, trigger_supplied_names

__all__ = [
    "AppSettingRef",
    "AppSettingSchedule",
    "BindingParameter",
    "BindingTemplate",
    "BlobPathError",
    "BlobPathPattern",
    "CronSchedule",
    "ExpressionError",
    "HostingPlan",
    "NameProblem",
    "ParseError",
    "ParseWarning",
    "RouteError",
    "RouteTemplate",
    "Schedule",
    "ScheduleError",
    "ScheduleErrorKind",
    "TimeSpanError",
    "TimeSpanSchedule",
    "check_blob_name",
    "check_container_name",
    "check_function_timeout",
    "check_queue_name",
    "check_table_name",
    "describe",
    "explain_five_field",
    "find_app_settings",
    "five_field_fix",
    "is_five_field",
    "next_occurrences",
    "parse_binding_template",
    "parse_blob_path",
    "parse_function_timeout",
    "parse_route",
    "parse_schedule",
    "parse_timespan",
    "resolve_app_settings",
    "trigger_metadata",
    "trigger_supplied_names",
]
