"""Binding data and binding expressions at run time.

The trigger supplies binding data (route parameters, query, JSON body members, queue message
properties, blob path captures, …); every other binding's `path`, `queueName`, … is then
resolved from it before the function runs, as the host does: `%Setting%` first, then each
`{name}` looked up ignoring case (`{a.b}` walks into objects), `{rand-guid}`, `{DateTime}`
and `sys.*`. A name without a value fails the invocation like the host ("No value for named
parameter 'id'"). Parsing is the model's (`funcls.model.parsers.expressions`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from funcls.model.parsers.expressions import (
    AppSettingRef,
    BindingParameter,
    LiteralText,
    ParameterKind,
    lookup_setting,
    parse_binding_template,
)


class BindingExpressionError(Exception):
    pass


_DOTNET_FORMAT = (
    ("yyyy", "%Y"),
    ("MM", "%m"),
    ("dd", "%d"),
    ("HH", "%H"),
    ("mm", "%M"),
    ("ss", "%S"),
)


def format_datetime(moment: datetime, dotnet_format: str | None) -> str:
    """A .NET custom date format (the common tokens), or ISO 8601 like DateTime.UtcNow."""
    if not dotnet_format:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = dotnet_format
    for token, directive in _DOTNET_FORMAT:
        out = out.replace(token, directive)
    return moment.strftime(out)


def lookup(data: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    current: Any = data
    for part in path:
        if not isinstance(current, Mapping):
            return None
        folded = part.casefold()
        found = None
        for key, value in current.items():
            if str(key).casefold() == folded:
                found = value
                break
        current = found
        if current is None:
            return None
    return current


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def resolve(
    text: str,
    data: Mapping[str, Any],
    settings: Mapping[str, str],
    *,
    function_name: str = "",
    escape: Callable[[str, str], str] | None = None,
) -> str:
    """The value of a binding property for one invocation. ``escape(name, value)``, when
    given, rewrites each `{name}` value before it is inserted (a table filter's quoting)."""
    try:
        template = parse_binding_template(text)
    except ValueError as error:
        raise BindingExpressionError(f"'{text}': {error}") from None
    now = datetime.now(timezone.utc)
    out: list[str] = []
    for part in template.parts:
        if isinstance(part, LiteralText):
            out.append(part.text)
        elif isinstance(part, AppSettingRef):
            value = lookup_setting(part.name, settings)
            if value is None:
                raise BindingExpressionError(
                    f"'%{part.name}%' does not resolve to a value; add '{part.name}' to "
                    "local.settings.json Values"
                )
            out.append(value)
        elif isinstance(part, BindingParameter):
            value = _parameter(part, data, now, function_name)
            out.append(escape(part.expression, value) if escape is not None else value)
    return "".join(out)


def _parameter(
    part: BindingParameter, data: Mapping[str, Any], now: datetime, function_name: str
) -> str:
    if part.kind == ParameterKind.BUILTIN:
        if part.expression.casefold().startswith("rand-guid"):
            return str(uuid.uuid4())
        return format_datetime(now, part.format)
    if part.kind == ParameterKind.SYSTEM:
        name = part.path[1].casefold() if len(part.path) > 1 else ""
        if name == "randguid":
            return str(uuid.uuid4())
        if name == "utcnow":
            return format_datetime(now, part.format)
        if name == "methodname":
            return function_name
        raise BindingExpressionError(f"'{{{part.expression}}}' is not a sys property")
    value = lookup(data, part.path)
    if value is None:
        raise BindingExpressionError(f"No value for named parameter '{part.expression}'.")
    return _as_text(value)


def merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """base updated with extra, keys compared ignoring case (binding data is looked up that
    way); on a conflict extra wins, as the payload's members win over built-in metadata."""
    folded = {key.casefold(): key for key in base}
    for key, value in extra.items():
        old = folded.get(key.casefold())
        if old is not None:
            del base[old]
        base[key] = value
        folded[key.casefold()] = key
    return base


def json_members(body: bytes | str | None) -> dict[str, Any]:
    """Top-level members of a JSON object payload (the host's "JSON payload" binding data)."""
    if not body:
        return {}
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return {}
    return parsed if isinstance(parsed, dict) else {}
