"""The shapes of the binding catalogue.

A ``BindingSpec`` describes one function.json binding ``type``; a ``DecoratorSpec`` describes
one decorator of ``FunctionApp`` / ``Blueprint`` (or of ``df.DFApp``) and the bindings it adds.
"""

from __future__ import annotations

import re
from dataclasses import field
from typing import Literal

from funcls.model.fastclass import dataclass
from funcls.model.lazy_re import compiled_on_use

Direction = Literal["in", "out", "inout"]
ValueKind = Literal[
    "string",
    "boolean",
    "integer",
    "number",
    "enum",
    "enum-list",
    "string-list",
    "object",
    "list",
    "time",
    "type",
    "any",
]
RunnerSupport = Literal["native", "invoke", "none"]
DecoratorRole = Literal["trigger", "input", "output", "setting", "modifier"]
EnumParse = Literal["member-name", "as-is"]

# What a property's value means; checks, hovers and references key off these.
Role = Literal[
    "connection",  # names an app setting (or a setting prefix) that holds a connection
    "setting-name",  # names an app setting that holds some other value
    "queue-name",
    "blob-path",
    "table-name",
    "schedule",
    "route",
    "methods",
    "auth-level",
    "event-hub-name",
    "service-bus-queue",
    "service-bus-topic",
    "service-bus-subscription",
    "cosmos-database",
    "cosmos-container",
    "kafka-topic",
    "sql-table",
    "json-text",
]


_CAMEL_RE = compiled_on_use(r"(?<!^)(?=[A-Z])")


def snake_case(camel: str) -> str:
    """``queueName`` -> ``queue_name`` (the decorator keyword for a function.json key)."""
    return _CAMEL_RE.sub("_", camel).lower()


def version_key(version: str) -> tuple[int, ...]:
    """``"2.0.1"`` -> ``(2, 0, 1)``, for comparing library versions."""
    return tuple(int(part) for part in re.findall(r"\d+", version))


def camel_case(snake: str) -> str:
    """``queue_name`` -> ``queueName``, as azure-functions turns keywords into keys."""
    words = snake.split("_")
    return words[0] + "".join(w.title() for w in words[1:])


@dataclass(frozen=True, slots=True)
class EnumMember:
    name: str  # the Python member name, e.g. ANONYMOUS
    json: str  # the canonical function.json spelling, e.g. anonymous
    summary: str = ""
    since: str | None = None  # as DecoratorParam.since: oldest library version that has it

    def available_in(self, library_version: str) -> bool:
        """Whether azure-functions `library_version` has this member."""
        return self.since is None or version_key(library_version) >= version_key(self.since)


@dataclass(frozen=True, slots=True)
class EnumSpec:
    """An enum of azure-functions (or a value set the host defines)."""

    name: str  # e.g. AuthLevel
    qualname: str  # e.g. azure.functions.AuthLevel
    members: tuple[EnumMember, ...]
    summary: str = ""

    def by_name(self, name: str) -> EnumMember | None:
        up = name.upper()
        for m in self.members:
            if m.name.upper() == up:
                return m
        return None

    def by_json(self, value: str) -> EnumMember | None:
        low = value.lower()
        for m in self.members:
            if m.json.lower() == low:
                return m
        return None


@dataclass(frozen=True, slots=True)
class EnumRef:
    """A default value that is a member of a library enum."""

    enum: str
    member: str


@dataclass(frozen=True, slots=True)
class PropertySpec:
    name: str  # function.json key (camelCase)
    kind: ValueKind
    summary: str
    description: str = ""
    required: bool = False
    enum: str | None = None  # EnumSpec name for kind enum / enum-list
    values: tuple[str, ...] = ()  # allowed values when there is no library enum
    default: object = None  # what the host assumes when the property is absent
    role: Role | None = None
    directions: tuple[Direction, ...] = ()  # empty: every direction of the binding
    v1_only: bool = False  # function.json only; no decorator sets it

    @property
    def python_name(self) -> str:
        """The decorator keyword that sets this property."""
        return snake_case(self.name)


# BindingSpec answers asked once per binding property by the rules (issue 16), kept by the
# spec's id (hashing a spec would hash all its fields). Each entry holds its spec, so an id
# is not reused while its entry lives, and is checked with ``is``. Bounded, as property names
# come from the user's files.
_MEMO_SIZE = 50_000
_FOUND: dict[tuple[int, str], tuple[BindingSpec, PropertySpec | None]] = {}
_FOR_DIRECTION: dict[tuple[int, str], tuple[BindingSpec, tuple[PropertySpec, ...]]] = {}


@dataclass(frozen=True, slots=True)
class BindingSpec:
    type: str  # function.json "type"
    family: str  # groups related types: "queue", "blob", "cosmosdb", ...
    title: str  # "Queue storage trigger"
    trigger: bool
    directions: tuple[Direction, ...]
    summary: str  # one line
    description: str  # a paragraph, Markdown
    properties: tuple[PropertySpec, ...] = ()
    # Required alternatives: at least one of each group must be present.
    one_of: tuple[tuple[str, ...], ...] = ()
    # Annotations the worker accepts for the parameter (trigger / input) ...
    input_types: tuple[str, ...] = ()
    # ... and for the T of func.Out[T] or the return annotation (output).
    output_types: tuple[str, ...] = ()
    # Return annotations the worker accepts when this binding is `$return`, where they differ
    # from output_types: the worker reroutes `str` / `bytes` for parameters but never for return
    # annotations (see common.py). None: the same as output_types.
    return_types: tuple[str, ...] | None = None
    # What `funcls run` does with it (funcls/model/runnable.py derives the runner's sets from
    # this): a trigger the runner fires itself ("native": HTTP, timer, queue, blob, and the
    # durable triggers in the embedded engine), runs only by hand ("invoke") or not at all
    # ("none"); an input the runner fetches or an output it writes ("native"), or one it
    # leaves alone ("invoke": the parameter gets None, the value is reported, not sent).
    runner: RunnerSupport = "invoke"
    # Why a function with this trigger is never run by hand (the Run lens, `funcls invoke`),
    # though the runner runs it; empty when it can be.
    not_by_hand: str = ""
    needs_bundle: bool = True  # needs extensionBundle in host.json (http/timer do not)
    # The host runs the function's retry policy (`@app.retry`, function.json / host.json
    # `retry`) for this trigger: Timer, Event Hubs, Cosmos DB and Kafka; other triggers keep
    # their own redelivery and ignore it (learn.microsoft.com, functions-bindings-error-pages
    # "Retry policies"; funcls/runner/retry.py runs it).
    host_retries: bool = False
    docs: str = ""
    extension_package: str | None = None  # pip package the binding needs beyond azure-functions

    def find_property(self, name: str) -> PropertySpec | None:
        key = (id(self), name)
        kept = _FOUND.get(key)
        if kept is not None and kept[0] is self:
            return kept[1]
        found: PropertySpec | None = None
        for p in self.properties:
            if p.name == name:
                found = p
                break
        else:
            low = name.lower()
            for p in self.properties:
                if p.name.lower() == low:
                    found = p
                    break
        if len(_FOUND) < _MEMO_SIZE:
            _FOUND[key] = (self, found)
        return found

    def properties_for(self, direction: str) -> tuple[PropertySpec, ...]:
        key = (id(self), direction)
        kept = _FOR_DIRECTION.get(key)
        if kept is not None and kept[0] is self:
            return kept[1]
        found = tuple(p for p in self.properties if not p.directions or direction in p.directions)
        if len(_FOR_DIRECTION) < _MEMO_SIZE:
            _FOR_DIRECTION[key] = (self, found)
        return found

    def accepted_return_types(self) -> tuple[str, ...]:
        """Return annotations the worker accepts when this binding is `$return`."""
        return self.output_types if self.return_types is None else self.return_types


@dataclass(frozen=True, slots=True)
class DecoratorParam:
    name: str
    kind: ValueKind
    required: bool = False
    default: object = None  # the library's default; emitted into function.json unless None
    target: str | None = None  # the function.json key it sets ("name" for arg_name)
    enum: str | None = None
    parse: EnumParse = "member-name"  # how a string given for an enum parameter is read
    # The oldest azure-functions version, among those the table was generated from, that has
    # this parameter; None when every one of them has it.
    since: str | None = None

    def available_in(self, library_version: str) -> bool:
        """Whether azure-functions `library_version` has this parameter."""
        return self.since is None or version_key(library_version) >= version_key(self.since)


@dataclass(frozen=True, slots=True)
class DecoratorSpec:
    name: str
    role: DecoratorRole
    bindings: tuple[str, ...]  # binding types it adds, in order
    params: tuple[DecoratorParam, ...]
    kwargs: bool = False  # extra keywords become extra function.json keys
    alias_of: str | None = None
    special: str | None = None  # emission the v2 indexer handles by name
    source: Literal["app", "durable"] = "app"
    # Keys the binding class always writes, whatever the decorator is given (key, value).
    constant_properties: tuple[tuple[str, object], ...] = ()
    # The classes that have this decorator (AppObject.kind names); empty: all of them.
    classes: tuple[str, ...] = ()
    since: str | None = None  # as DecoratorParam.since, for the whole decorator

    def available_in(self, library_version: str) -> bool:
        """Whether azure-functions `library_version` has this decorator."""
        return self.since is None or version_key(library_version) >= version_key(self.since)

    def available_on(self, kind: str) -> bool:
        """Whether an object of ``kind`` (FunctionApp, Blueprint, DFApp, …) has it."""
        return not self.classes or kind in self.classes

    def param(self, name: str) -> DecoratorParam | None:
        for p in self.params:
            if p.name == name:
                return p
        return None

    @property
    def required_params(self) -> tuple[DecoratorParam, ...]:
        return tuple(p for p in self.params if p.required)


@dataclass(frozen=True, slots=True)
class DecoratorDoc:
    """Hand-written text for a decorator (bindings carry the text of their properties)."""

    summary: str
    description: str = ""
    param_summaries: dict[str, str] = field(default_factory=dict)
