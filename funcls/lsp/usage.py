"""Who uses what: the bindings that read a setting, and the functions that write to or read
from a queue, a blob container, an event hub… (by the catalogue's property roles)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from funcls.model.appmodel import App, Binding, Function, Value
from funcls.model.locations import Position, Range
from funcls.model.source import Source

CHANNEL_ROLES = {
    "queue-name": "Storage queue",
    "blob-path": "blob container",
    "event-hub-name": "event hub",
    "service-bus-queue": "Service Bus queue",
    "service-bus-topic": "Service Bus topic",
    "kafka-topic": "Kafka topic",
    "cosmos-container": "Cosmos DB container",
    "table-name": "table",
    "sql-table": "SQL table",
}
_PERCENT = re.compile(r"%([^%\s\"']+)%")


@dataclass(frozen=True)
class Use:
    fn: Function
    binding: Binding
    key: str
    value: Value
    range: Range  # the value, or the %Setting% inside it


def bindings(app: App) -> Iterator[tuple[Function, Binding]]:
    for fn in (*app.functions, *app.unregistered):
        for b in fn.bindings:
            yield fn, b


def _settings_map(app: App) -> dict[str, str]:
    return {k.lower(): str(v.value) for k, v in app.settings.items() if v.known}


def resolve(app: App, text: str) -> str:
    """``text`` with ``%Setting%`` replaced from local.settings.json where possible."""
    if "%" not in text:
        return text
    values = _settings_map(app)
    return _PERCENT.sub(lambda m: values.get(m.group(1).lower(), m.group(0)), text)


def channel(app: App, b: Binding, key: str, value: Value) -> tuple[str, str] | None:
    """(kind, name) of the queue / container / hub a property names, or None."""
    spec = b.spec
    prop = spec.find_property(key) if spec else None
    if prop is None or prop.role not in CHANNEL_ROLES:
        return None
    if not value.known or not isinstance(value.value, str) or not value.value:
        return None
    name = resolve(app, value.value)
    if prop.role == "blob-path":
        name = name.lstrip("/").split("/", 1)[0]
        if not name or "{" in name:
            return None
    return CHANNEL_ROLES[prop.role], name.lower()


def channel_uses(app: App, kind: str, name: str) -> list[Use]:
    out = []
    for fn, b in bindings(app):
        for key, v in b.properties.items():
            if v.origin == "default" or v.range is None:
                continue
            if channel(app, b, key, v) == (kind, name.lower()):
                out.append(Use(fn, b, key, v, v.range))
    return out


def channel_names(
    app: App, role: str, skip: tuple[str, Position] | None = None
) -> dict[str, list[Function]]:
    """Names used for properties of ``role`` in the app, and by which functions; ``skip``:
    (path, position) of the binding being edited, which does not count."""
    out: dict[str, list[Function]] = {}
    for fn, b in bindings(app):
        spec = b.spec
        if spec is None or (skip is not None and b.path == skip[0] and b.range.contains(skip[1])):
            continue
        for key, v in b.properties.items():
            prop = spec.find_property(key)
            if prop is None or prop.role != role or not v.known or not isinstance(v.value, str):
                continue
            name = v.value.split("/", 1)[0] if role == "blob-path" else v.value
            if name and "{" not in name:
                out.setdefault(name, []).append(fn)
    return out


def _is_connection(b: Binding, key: str) -> bool:
    spec = b.spec
    prop = spec.find_property(key) if spec else None
    if prop is not None:
        return prop.role in ("connection", "setting-name")
    return key.lower() in ("connection", "connectionstringsetting")


def setting_uses(app: App, name: str, source: Source) -> list[Use]:
    """Every binding property that reads app setting ``name``: connections naming it (or a
    ``name__…`` group) and ``%name%`` inside values."""
    low = name.lower()
    out: list[Use] = []
    for fn, b in bindings(app):
        for key, v in b.properties.items():
            if v.origin == "default" or v.range is None or not v.known:
                continue
            if not isinstance(v.value, str):
                continue
            if _is_connection(b, key) and v.value.lower() == low:
                out.append(Use(fn, b, key, v, v.range))
                continue
            if "%" in v.value:
                for rng in _percent_ranges(source, b.path, v.range, low):
                    out.append(Use(fn, b, key, v, rng))
    return out


def _percent_ranges(source: Source, path: str, rng: Range, low: str) -> list[Range]:
    if rng.start.line != rng.end.line:
        return [rng]
    text = source.text(path)
    if text is None:
        return []
    lines = text.split("\n", rng.start.line + 1)
    if rng.start.line >= len(lines):
        return []
    segment = lines[rng.start.line][rng.start.column : rng.end.column]
    out = []
    for m in _PERCENT.finditer(segment):
        if m.group(1).lower() == low:
            col = rng.start.column
            out.append(Range.of(rng.start.line, col + m.start(), rng.start.line, col + m.end()))
    return out


def settings_in_use(app: App) -> dict[str, list[Function]]:
    """Setting names the app's bindings read (connections and %references%)."""
    out: dict[str, list[Function]] = {}
    for fn, b in bindings(app):
        for key, v in b.properties.items():
            if v.origin == "default" or not v.known or not isinstance(v.value, str):
                continue
            if _is_connection(b, key) and v.value:
                out.setdefault(v.value, []).append(fn)
            for m in _PERCENT.finditer(v.value):
                out.setdefault(m.group(1), []).append(fn)
    return out
