"""Pure parsers for the strings inside an Azure Functions app.

Timer schedules (:mod:`.ncrontab`), .NET TimeSpans and host.json ``functionTimeout``
(:mod:`.timespan`), HTTP route templates (:mod:`.routes`), binding expressions
(:mod:`.expressions`), blob paths (:mod:`.blob_paths`), trigger binding data
(:mod:`.trigger_metadata`) and Azure Storage names (:mod:`.storage_names`). Parsers raise a
:class:`ParseError` subclass with the offending offsets for input the platform rejects and
attach :class:`ParseWarning` objects for input it accepts but probably should not.

The names below are imported from their modules on first use: importing one parser (or
this package, which every submodule import runs) no longer imports them all, with
``datetime``, ``calendar`` and ``uuid`` (issue 16: no work at import time).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_WHERE = {
    "AppSettingRef": "funcls.model.parsers.expressions",
    "AppSettingSchedule": "funcls.model.parsers.ncrontab",
    "BindingParameter": "funcls.model.parsers.expressions",
    "BindingTemplate": "funcls.model.parsers.expressions",
    "BlobPathError": "funcls.model.parsers.blob_paths",
    "BlobPathPattern": "funcls.model.parsers.blob_paths",
    "CronSchedule": "funcls.model.parsers.ncrontab",
    "ExpressionError": "funcls.model.parsers.expressions",
    "HostingPlan": "funcls.model.parsers.timespan",
    "NameProblem": "funcls.model.parsers.storage_names",
    "ParseError": "funcls.model.parsers.errors",
    "ParseWarning": "funcls.model.parsers.errors",
    "RouteError": "funcls.model.parsers.routes",
    "RouteTemplate": "funcls.model.parsers.routes",
    "Schedule": "funcls.model.parsers.ncrontab",
    "ScheduleError": "funcls.model.parsers.ncrontab_fields",
    "ScheduleErrorKind": "funcls.model.parsers.ncrontab_fields",
    "TimeSpanError": "funcls.model.parsers.timespan",
    "TimeSpanSchedule": "funcls.model.parsers.ncrontab",
    "check_blob_name": "funcls.model.parsers.storage_names",
    "check_container_name": "funcls.model.parsers.storage_names",
    "check_function_timeout": "funcls.model.parsers.timespan",
    "check_queue_name": "funcls.model.parsers.storage_names",
    "check_table_name": "funcls.model.parsers.storage_names",
    "describe": "funcls.model.parsers.ncrontab_describe",
    "explain_five_field": "funcls.model.parsers.ncrontab_describe",
    "find_app_settings": "funcls.model.parsers.expressions",
    "five_field_fix": "funcls.model.parsers.ncrontab",
    "is_five_field": "funcls.model.parsers.ncrontab",
    "next_occurrences": "funcls.model.parsers.ncrontab_next",
    "parse_binding_template": "funcls.model.parsers.expressions",
    "parse_blob_path": "funcls.model.parsers.blob_paths",
    "parse_function_timeout": "funcls.model.parsers.timespan",
    "parse_route": "funcls.model.parsers.routes",
    "parse_schedule": "funcls.model.parsers.ncrontab",
    "parse_timespan": "funcls.model.parsers.timespan",
    "resolve_app_settings": "funcls.model.parsers.expressions",
    "trigger_metadata": "funcls.model.parsers.trigger_metadata",
    "trigger_supplied_names": "funcls.model.parsers.trigger_metadata",
}

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


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
