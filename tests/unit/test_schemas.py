"""The JSON schemas: valid schemas, committed files in step with the catalogue, good documents
accepted (every binding type, what the real azure-functions library writes, the samples), bad
ones rejected at the right place.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import json
import shutil
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from jsonschema import Draft7Validator
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from funcls.model.catalogue import (
    CATALOGUE,
    BindingSpec,
    DecoratorSpec,
    PropertySpec,
    camel_case,
    snake_case,
)
from funcls.model.schemas import (
    SCHEMA_DIR,
    SCHEMA_FILES,
    function_json_schema,
    host_json_schema,
    local_settings_schema,
    schema_for_file,
    stale_schema_files,
)
from tests.support.ci import in_ci, tool_missing

REPO = Path(__file__).resolve().parents[2]
FUNCTION = function_json_schema()
HOST = host_json_schema()
LOCAL = local_settings_schema()
BUILDERS: dict[str, Callable[[], dict[str, Any]]] = {
    name: builder for name, (_, builder) in SCHEMA_FILES.items()
}

Errors = set[tuple[tuple[Any, ...], str]]


def errors(schema: dict[str, Any], doc: Any) -> Errors:
    """(instance path, failing keyword) of every top-level error."""
    return {
        (tuple(e.absolute_path), str(e.validator)) for e in Draft7Validator(schema).iter_errors(doc)
    }


def messages(schema: dict[str, Any], doc: Any) -> str:
    return "\n".join(
        f"{list(e.absolute_path)}: {e.message[:200]}"
        for e in Draft7Validator(schema).iter_errors(doc)
    )


# --- the schemas themselves -------------------------------------------------------------------


@pytest.mark.parametrize("app_file", list(SCHEMA_FILES))
def test_schema_is_valid_draft_07(app_file: str) -> None:
    schema = BUILDERS[app_file]()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    Draft7Validator.check_schema(schema)  # also compiles every pattern (format "regex")


def test_committed_schema_files_match_the_code() -> None:
    stale = stale_schema_files()
    assert not stale, (
        "the committed schema files are out of date with the catalogue / schema code: "
        + ", ".join(p.name for p in stale)
        + "; run: python -m funcls.model.schemas --write"
    )


def test_committed_function_schema_is_the_generated_one() -> None:
    committed = json.loads((SCHEMA_DIR / "function.schema.json").read_text(encoding="utf-8"))
    assert committed == function_json_schema(), (
        "funcls/schemas/function.schema.json differs from the catalogue; "
        "run: python -m funcls.model.schemas --write"
    )


def _patterns(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            elif key == "patternProperties" and isinstance(value, dict):
                yield from value
            yield from _patterns(value)
    elif isinstance(node, list):
        for item in node:
            yield from _patterns(item)


def test_every_pattern_is_a_unicode_ecmascript_regex() -> None:
    """vscode-json-languageservice compiles patterns with ``new RegExp(p, "u")``."""
    node = shutil.which("node")
    if node is None:
        tool_missing("node is not installed; the ECMAScript dialect cannot be checked")
    patterns = sorted({p for s in (FUNCTION, HOST, LOCAL) for p in _patterns(s)})
    script = (
        "const ps = JSON.parse(require('fs').readFileSync(0, 'utf8')); const bad = [];"
        "for (const p of ps) { try { new RegExp(p, 'u'); } catch (e) { bad.push(p); } }"
        "process.stdout.write(JSON.stringify(bad));"
    )
    out = subprocess.run(
        [node, "-e", script], input=json.dumps(patterns), capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []


# --- schema_for_file --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "title"),
    [
        ("function.json", FUNCTION["title"]),
        ("/app/HttpExample/function.json", FUNCTION["title"]),
        ("C:\\app\\HttpExample\\Function.JSON", FUNCTION["title"]),
        ("host.json", HOST["title"]),
        ("/app/host.json", HOST["title"]),
        ("local.settings.json", LOCAL["title"]),
        ("/app/Local.Settings.json", LOCAL["title"]),
    ],
)
def test_schema_for_file_by_name(filename: str, title: str) -> None:
    schema = schema_for_file(filename)
    assert schema is not None and schema["title"] == title


@pytest.mark.parametrize("filename", ["package.json", "hostjson", "settings.json", "function.py"])
def test_schema_for_other_files_is_none(filename: str) -> None:
    assert schema_for_file(filename) is None


def test_schema_for_file_returns_a_copy_and_equals_the_builders() -> None:
    first = schema_for_file("host.json")
    assert first == HOST
    assert first is not None
    first["properties"].clear()
    assert schema_for_file("host.json") == HOST
    assert schema_for_file("function.json") == FUNCTION
    assert schema_for_file("local.settings.json") == LOCAL


# --- function.json: documents built from the catalogue ----------------------------------------


def _sample(prop: PropertySpec) -> Any:
    """A valid value for a property, taken from what the catalogue allows."""
    if prop.kind in ("enum", "enum-list") and prop.enum:
        enum = CATALOGUE.enum(prop.enum)
        assert enum is not None, f"{prop.name}: unknown enum {prop.enum}"
        first = enum.members[0].json
        return [first] if prop.kind == "enum-list" else first
    if prop.values:
        return prop.values[0]
    return {
        "boolean": True,
        "integer": 7,
        "number": 0.5,
        "string-list": ["a", "b"],
        "list": [],
        "object": {},
    }.get(prop.kind, "value")


def _binding(spec: BindingSpec, direction: str, *, everything: bool = False) -> dict[str, Any]:
    binding: dict[str, Any] = {"type": spec.type, "direction": direction, "name": "item"}
    for prop in spec.properties_for(direction):
        if everything or prop.required:
            binding[prop.name] = _sample(prop)
    for group in spec.one_of:
        if not any(name in binding for name in group):
            prop = spec.find_property(group[0])
            binding[group[0]] = _sample(prop) if prop else "value"
    return binding


def _doc(*bindings: dict[str, Any]) -> dict[str, Any]:
    return {"scriptFile": "__init__.py", "bindings": list(bindings)}


CASES = [(s.type, d) for s in CATALOGUE.bindings.values() for d in s.directions]


@pytest.mark.parametrize(("binding_type", "direction"), CASES)
def test_every_binding_type_validates_with_its_required_properties(
    binding_type: str, direction: str
) -> None:
    spec = CATALOGUE.bindings[binding_type]
    doc = _doc(_binding(spec, direction))
    assert errors(FUNCTION, doc) == set(), messages(FUNCTION, doc)


@pytest.mark.parametrize(("binding_type", "direction"), CASES)
def test_every_binding_type_validates_with_all_its_properties(
    binding_type: str, direction: str
) -> None:
    spec = CATALOGUE.bindings[binding_type]
    doc = _doc(_binding(spec, direction, everything=True))
    assert errors(FUNCTION, doc) == set(), messages(FUNCTION, doc)


def _shout(value: Any) -> Any:
    if isinstance(value, str):
        return value.upper()
    if isinstance(value, list):
        return [_shout(v) for v in value]
    return value


@pytest.mark.parametrize(("binding_type", "direction"), CASES)
def test_types_directions_and_enum_values_compare_ignoring_case(
    binding_type: str, direction: str
) -> None:
    """As the host reads them, and as the library writes them (``"IN"``, ``"ANONYMOUS"``)."""
    spec = CATALOGUE.bindings[binding_type]
    binding = _binding(spec, direction, everything=True)
    for prop in spec.properties_for(direction):
        if prop.kind in ("enum", "enum-list") or prop.values:
            binding[prop.name] = _shout(binding[prop.name])
    binding["direction"] = direction.upper()
    binding["type"] = binding_type.upper()
    doc = _doc(binding)
    assert errors(FUNCTION, doc) == set(), messages(FUNCTION, doc)


REQUIRED = [
    (s.type, d, p.name)
    for s in CATALOGUE.bindings.values()
    for d in s.directions
    for p in s.properties_for(d)
    if p.required
]


@pytest.mark.parametrize(("binding_type", "direction", "prop"), REQUIRED)
def test_missing_required_property_is_reported_on_the_binding(
    binding_type: str, direction: str, prop: str
) -> None:
    spec = CATALOGUE.bindings[binding_type]
    binding = _binding(spec, direction)
    del binding[prop]
    assert errors(FUNCTION, _doc(binding)) == {(("bindings", 0), "required")}


ENUMS = [
    (s.type, d, p.name)
    for s in CATALOGUE.bindings.values()
    for d in s.directions
    for p in s.properties_for(d)
    if p.kind == "enum" or p.values
]


@pytest.mark.parametrize(("binding_type", "direction", "prop"), ENUMS)
def test_value_outside_an_enum_is_reported_on_the_property(
    binding_type: str, direction: str, prop: str
) -> None:
    spec = CATALOGUE.bindings[binding_type]
    binding = _binding(spec, direction)
    binding[prop] = "not-a-member"
    assert errors(FUNCTION, _doc(binding)) == {(("bindings", 0, prop), "anyOf")}


ONE_OF = [(s.type, group) for s in CATALOGUE.bindings.values() for group in s.one_of]


@pytest.mark.parametrize(("binding_type", "group"), ONE_OF)
def test_one_of_groups_need_one_member(binding_type: str, group: tuple[str, ...]) -> None:
    spec = CATALOGUE.bindings[binding_type]
    for name in group:
        binding = _binding(spec, spec.directions[0])
        for other in group:
            binding.pop(other, None)
        assert errors(FUNCTION, _doc(binding)) == {(("bindings", 0), "anyOf")}
        prop = spec.find_property(name)
        binding[name] = _sample(prop) if prop else "value"
        assert errors(FUNCTION, _doc(binding)) == set(), messages(FUNCTION, _doc(binding))


def _queue_trigger(**changes: Any) -> dict[str, Any]:
    binding = {"type": "queueTrigger", "direction": "in", "name": "msg", "queueName": "jobs"}
    binding.update(changes)
    return {k: v for k, v in binding.items() if v is not None}


BAD_FUNCTIONS: list[tuple[str, Any, Errors]] = [
    (
        "wrong direction",
        _doc(_queue_trigger(direction="out")),
        {(("bindings", 0, "direction"), "anyOf")},
    ),
    (
        "direction of no type",
        _doc(_queue_trigger(direction="both")),
        {(("bindings", 0, "direction"), "anyOf")},
    ),
    ("missing required", _doc(_queue_trigger(queueName=None)), {(("bindings", 0), "required")}),
    (
        "known type in another case still checked",
        _doc(_queue_trigger(type="QUEUETRIGGER", queueName=None)),
        {(("bindings", 0), "required")},
    ),
    (
        "wrong enum value",
        _doc({"type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "everyone"}),
        {(("bindings", 0, "authLevel"), "anyOf")},
    ),
    (
        "wrong enum value in a list",
        _doc(
            {"type": "httpTrigger", "direction": "in", "name": "req", "methods": ["get", "fetch"]}
        ),
        {(("bindings", 0, "methods", 1), "anyOf")},
    ),
    (
        "wrong JSON type",
        _doc(
            {"type": "timerTrigger", "name": "t", "schedule": "0 * * * * *", "runOnStartup": "yes"}
        ),
        {(("bindings", 0, "runOnStartup"), "type")},
    ),
    (
        "integer given as text",
        _doc({"type": "table", "direction": "in", "name": "t", "tableName": "x", "take": "5"}),
        {(("bindings", 0, "take"), "type")},
    ),
    (
        "output without direction (the host would read it as in)",
        _doc({"type": "queue", "name": "out", "queueName": "jobs"}),
        {(("bindings", 0), "required")},
    ),
    (
        "$return on an input",
        _doc({"type": "blob", "direction": "in", "name": "$return", "path": "a/b"}),
        {(("bindings", 0, "direction"), "pattern")},
    ),
    (
        "double underscore in a name",
        _doc(_queue_trigger(name="my__msg")),
        {(("bindings", 0, "name"), "pattern")},
    ),
    (
        "name starting with a digit",
        _doc(_queue_trigger(name="1msg")),
        {(("bindings", 0, "name"), "pattern")},
    ),
    ("missing name", _doc(_queue_trigger(name=None)), {(("bindings", 0), "required")}),
    ("missing type", _doc({"direction": "in", "name": "x"}), {(("bindings", 0), "required")}),
    (
        "empty type",
        _doc({"type": "", "direction": "in", "name": "x"}),
        {(("bindings", 0, "type"), "minLength")},
    ),
    ("no bindings", {"scriptFile": "__init__.py"}, {((), "required")}),
    ("bindings not a list", {"bindings": {}}, {(("bindings",), "type")}),
    ("disabled neither bool nor text", {"bindings": [], "disabled": 1}, {(("disabled",), "anyOf")}),
    (
        "retry without a count",
        {"bindings": [], "retry": {"strategy": "fixedDelay", "delayInterval": "00:00:05"}},
        {(("retry",), "required")},
    ),
    (
        "retry with a bad interval",
        {
            "bindings": [],
            "retry": {"strategy": "fixedDelay", "maxRetryCount": 3, "delayInterval": "5s"},
        },
        {(("retry", "delayInterval"), "pattern")},
    ),
]


@pytest.mark.parametrize(
    ("case", "doc", "expected"), BAD_FUNCTIONS, ids=[c[0] for c in BAD_FUNCTIONS]
)
def test_bad_function_json_fails_at_the_expected_place(
    case: str, doc: Any, expected: Errors
) -> None:
    assert errors(FUNCTION, doc) == expected, messages(FUNCTION, doc)


GOOD_FUNCTIONS: list[tuple[str, Any]] = [
    (
        "v1 http function",
        {
            "scriptFile": "__init__.py",
            "entryPoint": "main",
            "bindings": [
                {
                    "authLevel": "function",
                    "type": "httpTrigger",
                    "direction": "in",
                    "name": "req",
                    "methods": ["get", "post"],
                    "route": "items/{id:int?}",
                },
                {"type": "http", "direction": "out", "name": "$return"},
            ],
        },
    ),
    (
        "unknown type from an extension, with its own keys",
        {"bindings": [{"type": "myCustomTrigger", "direction": "in", "name": "x", "foo": 1}]},
    ),
    ("unknown property on a known type", _doc(_queue_trigger(queueNmae="typo", extra={"a": 1}))),
    ("trigger without direction reads as in", _doc(_queue_trigger(direction=None))),
    ("snake_case and leading underscore names", _doc(_queue_trigger(name="_my_msg"))),
    (
        "setting expressions in strings",
        _doc(_queue_trigger(queueName="%JobsQueue%", connection="Storage")),
    ),
    ("disabled by a setting", {"disabled": "MyFunctionDisabled", "bindings": []}),
    ("disabled", {"disabled": True, "bindings": []}),
    (
        "retry policy",
        {
            "bindings": [],
            "retry": {
                "strategy": "exponentialBackoff",
                "maxRetryCount": -1,
                "minimumInterval": "00:00:04",
                "maximumInterval": "00:15:00",
            },
        },
    ),
]


@pytest.mark.parametrize(("case", "doc"), GOOD_FUNCTIONS, ids=[c[0] for c in GOOD_FUNCTIONS])
def test_good_function_json_validates(case: str, doc: Any) -> None:
    assert errors(FUNCTION, doc) == set(), messages(FUNCTION, doc)


# --- function.json: what the azure-functions library itself writes ----------------------------

# Decorators that cannot be called with plain values, and why.
NOT_CALLED = {
    "mcp_tool": "derives its binding from the function's signature and docstring",
    "durable_openai_agent_orchestrator": "needs the openai-agents package at decoration time",
}
# Parameters the library refuses together with the ones chosen (connection excludes the pair).
LEFT_OUT = {"event_grid_output": {"topic_endpoint_uri", "topic_key_setting"}}
SAMPLE_STRINGS = {"schedule": "0 */5 * * * *", "route": "items/{id}", "path": "samples/{name}"}


def _resolve_enum(name: str) -> Any:
    spec = CATALOGUE.enum(name)
    assert spec is not None
    module, _, attr = spec.qualname.rpartition(".")
    return getattr(importlib.import_module(module), attr, None)


def _argument(decorator: DecoratorSpec, param: Any, spec: BindingSpec | None) -> tuple[bool, Any]:
    """A value for a decorator parameter that the binding's schema accepts; (False, None): skip."""
    key = param.target or camel_case(param.name)
    prop = spec.find_property(key) if spec else None
    if param.enum:
        enum = _resolve_enum(param.enum)
        if enum is None:  # an enum of another library version than the one installed
            return False, None
        members = list(enum)
        return True, ([members[0]] if param.kind == "enum-list" else members[0])
    if prop is not None and prop.values:
        return True, prop.values[0]
    if param.kind == "string":
        return True, SAMPLE_STRINGS.get(param.name, f"v_{param.name}")
    if param.kind in ("boolean", "integer"):
        target_kind = prop.kind if prop else param.kind
        return target_kind in ("boolean", "integer"), (True if target_kind == "boolean" else 7)
    return False, None


def _library_function_jsons() -> list[tuple[str, dict[str, Any]]]:
    import azure.durable_functions as df

    out: list[tuple[str, dict[str, Any]]] = []
    for decorator in CATALOGUE.decorators.values():
        if decorator.alias_of or decorator.role not in ("trigger", "input", "output"):
            continue
        if decorator.name in NOT_CALLED:
            continue
        spec = CATALOGUE.binding(decorator.bindings[0]) if decorator.bindings else None
        # The catalogue spans several library versions: call what the installed one has.
        method = getattr(df.DFApp, decorator.name, None)
        if method is None:
            continue
        accepted = set(inspect.signature(method).parameters)
        for full in (False, True):
            left_out = LEFT_OUT.get(decorator.name, set())
            wanted = {p.target or camel_case(p.name) for p in decorator.params if p.required}
            if spec is not None:
                for group in spec.one_of:
                    usable = [n for n in group if snake_case(n) not in left_out]
                    if not wanted & set(group) and usable:
                        wanted.add(usable[0])
            kwargs: dict[str, Any] = {}
            for param in decorator.params:
                key = param.target or camel_case(param.name)
                if param.name not in accepted or param.name in left_out:
                    continue
                if param.target == "name":
                    kwargs[param.name] = "item"
                    continue
                if not (full or key in wanted):
                    continue
                if spec is not None and key in {n for g in spec.one_of for n in g} - wanted:
                    continue  # the other spelling of a one-of group
                ok, value = _argument(decorator, param, spec)
                if ok:
                    kwargs[param.name] = value
            app = df.DFApp()

            def user_function(item: Any, timer: Any = None) -> None:
                return None

            wrapped: Any = getattr(app, decorator.name)(**kwargs)(user_function)
            if decorator.role != "trigger":
                app.timer_trigger(arg_name="timer", schedule="0 0 * * * *")(wrapped)
            for fn in app.get_functions():
                label = f"{decorator.name}({'all' if full else 'required'})"
                out.append((label, json.loads(fn.get_function_json())))
    return out


def test_what_the_library_writes_validates() -> None:
    documents = _library_function_jsons()
    assert len(documents) > 80, "every binding decorator should be exercised twice"
    problems = [
        f"{label}:\n{messages(FUNCTION, doc)}" for label, doc in documents if errors(FUNCTION, doc)
    ]
    assert not problems, "\n".join(problems)


# --- host.json --------------------------------------------------------------------------------

PYTHON_TEMPLATE_HOST = {
    "version": "2.0",
    "logging": {
        "applicationInsights": {"samplingSettings": {"isEnabled": True, "excludedTypes": "Request"}}
    },
    "extensionBundle": {
        "id": "Microsoft.Azure.Functions.ExtensionBundle",
        "version": "[4.*, 5.0.0)",
    },
}

GOOD_HOSTS: list[tuple[str, Any]] = [
    ("minimal", {"version": "2.0"}),
    ("python template", PYTHON_TEMPLATE_HOST),
    (
        "busy app",
        {
            "version": "2.0",
            "functionTimeout": "00:10:00",
            "functions": ["HttpExample", "QueueWorker"],
            "logging": {
                "fileLoggingMode": "debugOnly",
                "logLevel": {
                    "default": "Warning",
                    "Function.HttpExample": "Information",
                    "Host.Results": "error",
                },
                "console": {"isEnabled": True},
            },
            "extensions": {
                "http": {
                    "routePrefix": "",
                    "maxOutstandingRequests": 200,
                    "maxConcurrentRequests": 100,
                    "dynamicThrottlesEnabled": True,
                    "hsts": {"isEnabled": True, "maxAge": "10"},
                    "customHeaders": {"X-Content-Type-Options": "nosniff"},
                },
                "queues": {
                    "maxPollingInterval": "00:00:02",
                    "visibilityTimeout": "00:00:30",
                    "batchSize": 16,
                    "maxDequeueCount": 5,
                    "newBatchThreshold": 8,
                    "messageEncoding": "none",
                },
                "blobs": {"maxDegreeOfParallelism": 4, "poisonBlobThreshold": 1},
                "serviceBus": {
                    "prefetchCount": 100,
                    "maxConcurrentCalls": 16,
                    "clientRetryOptions": {"mode": "exponential", "maxRetries": 3},
                },
                "eventHubs": {
                    "maxEventBatchSize": 100,
                    "initialOffsetOptions": {"type": "fromEnd"},
                },
                "cosmosDB": {"connectionMode": "Direct"},
                "kafka": {"maxBatchSize": 64},
                "sql": {"maxBatchSize": 100, "pollingIntervalMs": 1000},
            },
            "concurrency": {"dynamicConcurrencyEnabled": True, "snapshotPersistenceEnabled": True},
            "healthMonitor": {
                "enabled": True,
                "healthCheckInterval": "00:00:10",
                "counterThreshold": 0.8,
            },
            "singleton": {"lockPeriod": "00:00:15"},
            "retry": {"strategy": "fixedDelay", "maxRetryCount": 3, "delayInterval": "00:00:05"},
            "aggregator": {"batchSize": 1000, "flushTimeout": "00:00:30"},
            "watchDirectories": ["shared"],
            "watchFiles": ["settings.yaml"],
            "telemetryMode": "OpenTelemetry",
            "extensionBundle": {
                "id": "Microsoft.Azure.Functions.ExtensionBundle.Preview",
                "version": "[4.*, 5.0.0)",
            },
        },
    ),
    (
        "durable app, keys in any case",
        {
            "version": "2.0",
            "extensions": {
                "durableTask": {
                    "HubName": "MyTaskHub",
                    "storageProvider": {"type": "azureManaged", "connectionStringName": "DTS"},
                    "maxConcurrentActivityFunctions": 10,
                    "tracing": {"traceInputsAndOutputs": False},
                }
            },
        },
    ),
    ("unlimited timeout", {"version": "2.0", "functionTimeout": "-1"}),
    ("day-long timeout", {"version": "2.0", "functionTimeout": "1.00:00:00"}),
    (
        "older queue polling in milliseconds",
        {"version": "2.0", "extensions": {"queues": {"maxPollingInterval": 2000}}},
    ),
    (
        "settings a newer extension adds",
        {"version": "2.0", "extensions": {"queues": {"brandNew": 1}, "newThing": {}}},
    ),
]

BAD_HOSTS: list[tuple[str, Any, Errors]] = [
    (
        "missing version",
        {"extensionBundle": PYTHON_TEMPLATE_HOST["extensionBundle"]},
        {((), "required")},
    ),
    ("version 1", {"version": "1.0"}, {(("version",), "anyOf")}),
    (
        "timeout in words",
        {"version": "2.0", "functionTimeout": "5 minutes"},
        {(("functionTimeout",), "pattern")},
    ),
    (
        "bundle without a version",
        {"version": "2.0", "extensionBundle": {"id": "Microsoft.Azure.Functions.ExtensionBundle"}},
        {(("extensionBundle",), "required")},
    ),
    (
        "bundle version not a range",
        {
            "version": "2.0",
            "extensionBundle": {
                "id": "Microsoft.Azure.Functions.ExtensionBundle",
                "version": "latest",
            },
        },
        {(("extensionBundle", "version"), "pattern")},
    ),
    (
        "unknown log level",
        {"version": "2.0", "logging": {"logLevel": {"default": "Verbose"}}},
        {(("logging", "logLevel", "default"), "anyOf")},
    ),
    (
        "queue batch size as text",
        {"version": "2.0", "extensions": {"queues": {"batchSize": "16"}}},
        {(("extensions", "queues", "batchSize"), "type")},
    ),
    (
        "queue batch size over 32",
        {"version": "2.0", "extensions": {"queues": {"batchSize": 64}}},
        {(("extensions", "queues", "batchSize"), "maximum")},
    ),
    (
        "unknown message encoding",
        {"version": "2.0", "extensions": {"queues": {"messageEncoding": "utf8"}}},
        {(("extensions", "queues", "messageEncoding"), "anyOf")},
    ),
    (
        "route prefix not text",
        {"version": "2.0", "extensions": {"http": {"routePrefix": None}}},
        {(("extensions", "http", "routePrefix"), "type")},
    ),
    (
        "functions not a list",
        {"version": "2.0", "functions": "HttpExample"},
        {(("functions",), "type")},
    ),
    (
        "task hub with a dash",
        {"version": "2.0", "extensions": {"durableTask": {"hubName": "my-hub"}}},
        {(("extensions", "durableTask", "hubName"), "pattern")},
    ),
]


@pytest.mark.parametrize(("case", "doc"), GOOD_HOSTS, ids=[c[0] for c in GOOD_HOSTS])
def test_good_host_json_validates(case: str, doc: Any) -> None:
    assert errors(HOST, doc) == set(), messages(HOST, doc)


@pytest.mark.parametrize(("case", "doc", "expected"), BAD_HOSTS, ids=[c[0] for c in BAD_HOSTS])
def test_bad_host_json_fails_at_the_expected_place(case: str, doc: Any, expected: Errors) -> None:
    assert errors(HOST, doc) == expected, messages(HOST, doc)


# --- local.settings.json ----------------------------------------------------------------------

TYPICAL_LOCAL = {
    "IsEncrypted": False,
    "Values": {
        "FUNCTIONS_WORKER_RUNTIME": "python",
        "AzureWebJobsStorage": "UseDevelopmentStorage=true",
        "AzureWebJobsFeatureFlags": "EnableWorkerIndexing",
    },
}

GOOD_LOCALS: list[tuple[str, Any]] = [
    ("empty", {}),
    ("typical", TYPICAL_LOCAL),
    (
        "everything",
        {
            "IsEncrypted": False,
            "Values": {
                **TYPICAL_LOCAL["Values"],
                "FUNCTIONS_WORKER_RUNTIME": "Python",
                "PYTHON_SCRIPT_FILE_NAME": "app.py",
                "PYTHON_ENABLE_WORKER_EXTENSIONS": "1",
                "FUNCTIONS_WORKER_PROCESS_COUNT": "4",
                "PYTHON_THREADPOOL_THREAD_COUNT": "8",
                "WEBSITE_TIME_ZONE": "Europe/Paris",
                "AzureWebJobs.HttpExample.Disabled": "true",
                "AzureWebJobs.QueueWorker.Disabled": "0",
                "AzureFunctionsJobHost__logging__logLevel__default": "Debug",
                "MyStorage__accountName": "mystorage",
                "ServiceBusConnection": "Endpoint=sb://example.servicebus.windows.net/;...",
            },
            "Host": {"LocalHttpPort": 7072, "CORS": "*", "CORSCredentials": False},
            "ConnectionStrings": {"SqlDb": "Server=localhost;Database=app"},
        },
    ),
]

BAD_LOCALS: list[tuple[str, Any, Errors]] = [
    ("number value", {"Values": {"Retries": 3}}, {(("Values", "Retries"), "type")}),
    ("boolean value", {"Values": {"FeatureOn": True}}, {(("Values", "FeatureOn"), "type")}),
    (
        "another runtime",
        {"Values": {"FUNCTIONS_WORKER_RUNTIME": "node"}},
        {(("Values", "FUNCTIONS_WORKER_RUNTIME"), "anyOf")},
    ),
    ("IsEncrypted as text", {"IsEncrypted": "false"}, {(("IsEncrypted",), "type")}),
    (
        "too many worker processes",
        {"Values": {"FUNCTIONS_WORKER_PROCESS_COUNT": "20"}},
        {(("Values", "FUNCTIONS_WORKER_PROCESS_COUNT"), "pattern")},
    ),
    (
        "disabled flag in words",
        {"Values": {"AzureWebJobs.HttpExample.Disabled": "yes"}},
        {(("Values", "AzureWebJobs.HttpExample.Disabled"), "anyOf")},
    ),
    (
        "port out of range",
        {"Host": {"LocalHttpPort": 70000}},
        {(("Host", "LocalHttpPort"), "maximum")},
    ),
    ("Values not an object", {"Values": []}, {(("Values",), "type")}),
]


@pytest.mark.parametrize(("case", "doc"), GOOD_LOCALS, ids=[c[0] for c in GOOD_LOCALS])
def test_good_local_settings_validate(case: str, doc: Any) -> None:
    assert errors(LOCAL, doc) == set(), messages(LOCAL, doc)


@pytest.mark.parametrize(("case", "doc", "expected"), BAD_LOCALS, ids=[c[0] for c in BAD_LOCALS])
def test_bad_local_settings_fail_at_the_expected_place(
    case: str, doc: Any, expected: Errors
) -> None:
    assert errors(LOCAL, doc) == expected, messages(LOCAL, doc)


# --- the sample apps --------------------------------------------------------------------------

SAMPLE_FILES = sorted(
    p
    for name in SCHEMA_FILES
    for p in (REPO / "samples").rglob(name)
    if "node_modules" not in p.parts
)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[str(p.relative_to(REPO)) for p in SAMPLE_FILES])
def test_sample_app_files_validate(path: Path) -> None:
    schema = schema_for_file(path.name)
    assert schema is not None
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert errors(schema, doc) == set(), messages(schema, doc)


def test_schemas_do_not_mutate_between_builds() -> None:
    """The builders return fresh data: a caller that edits one does not change the next."""
    first = function_json_schema()
    pristine = copy.deepcopy(first)
    first["definitions"]["binding"]["allOf"].clear()
    assert function_json_schema() == pristine


# --- through a real client: vscode-json-language-server with the committed files -------------
# End to end (marked slow): the language server VS Code and most editors use for JSON, given
# the committed schema files exactly as the VS Code extension's jsonValidation hands them over.

JSON_SERVER = REPO / "node_modules" / ".bin" / "vscode-json-language-server"
# Outside CI a missing server skips these tests; in CI (CI=true) they run and fail loudly.
needs_json_server = pytest.mark.skipif(
    (not JSON_SERVER.exists() or shutil.which("node") is None) and not in_ci(),
    reason="vscode-json-language-server is not installed (npm install at the repo root)",
)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[str(JSON_SERVER), "--stdio"]))
async def json_client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    capabilities = types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            completion=types.CompletionClientCapabilities(
                completion_item=types.ClientCompletionItemOptions(
                    snippet_support=True,
                    documentation_format=[types.MarkupKind.Markdown, types.MarkupKind.PlainText],
                )
            ),
            hover=types.HoverClientCapabilities(
                content_format=[types.MarkupKind.Markdown, types.MarkupKind.PlainText]
            ),
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(),
        )
    )
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            initialization_options={"handledSchemaProtocols": ["file"]},
        )
    )
    schemas = [
        {"fileMatch": [app_file], "url": (SCHEMA_DIR / schema_file).as_uri()}
        for app_file, (schema_file, _) in SCHEMA_FILES.items()
    ]
    settings = {"json": {"schemas": schemas, "validate": {"enable": True}}}
    lsp_client.set_configuration(settings["json"], section="json")
    lsp_client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=settings)
    )
    yield lsp_client
    await lsp_client.shutdown_session()


async def _open(client: LanguageClient, path: str, text: str) -> list[types.Diagnostic]:
    uri = f"file:///app/{path}"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="json", version=1, text=text)
        )
    )
    while True:  # diagnostics of other documents may be re-published meanwhile
        params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        if params.uri == uri:
            return list(params.diagnostics)


def _at(text: str, needle: str) -> types.Position:
    offset = text.index(needle)
    return types.Position(line=0, character=offset)


@needs_json_server
@pytest.mark.slow
async def test_json_language_server_reports_the_one_real_problem(
    json_client: LanguageClient,
) -> None:
    """Library-style spellings (``IN``, ``ANONYMOUS``) pass; a wrong direction gets one warning."""
    text = json.dumps(
        {
            "bindings": [
                {"direction": "IN", "type": "httpTrigger", "name": "req", "authLevel": "ANONYMOUS"},
                {"direction": "OUT", "type": "http", "name": "$return"},
                {"type": "queueTrigger", "direction": "out", "name": "msg", "queueName": "q"},
                {"type": "myExtensionTrigger", "direction": "in", "name": "x", "anything": 1},
            ]
        }
    )
    diagnostics = await _open(json_client, "HttpExample/function.json", text)
    start = text.index('"out"')
    assert diagnostics == [
        types.Diagnostic(
            range=types.Range(
                start=types.Position(line=0, character=start),
                end=types.Position(line=0, character=start + len('"out"')),
            ),
            message='Value is not accepted. Valid values: "in".',
            severity=types.DiagnosticSeverity.Warning,
            code=1,
        )
    ]


@needs_json_server
@pytest.mark.slow
async def test_json_language_server_completes_types_and_per_type_properties(
    json_client: LanguageClient,
) -> None:
    text = '{"bindings": [{"type": "", "name": "msg"}, {"type": "queueTrigger", }]}'
    await _open(json_client, "QueueExample/function.json", text)
    uri = "file:///app/QueueExample/function.json"

    types_at = _at(text, '""')
    types_at.character += 1
    result = await json_client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types_at
        )
    )
    assert result is not None
    items = result.items if isinstance(result, types.CompletionList) else result
    assert {i.label.strip('"') for i in items} == set(CATALOGUE.bindings)

    props_at = _at(text, "}]}")
    result = await json_client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=props_at
        )
    )
    assert result is not None
    items = result.items if isinstance(result, types.CompletionList) else result
    expected = {"name", "direction"} | {
        p.name for p in CATALOGUE.bindings["queueTrigger"].properties
    }
    assert {i.label for i in items} == expected


@needs_json_server
@pytest.mark.slow
async def test_json_language_server_checks_host_and_local_settings(
    json_client: LanguageClient,
) -> None:
    host = json.dumps({"version": "2.0", "extensions": {"queues": {"messageEncoding": "None"}}})
    assert await _open(json_client, "host.json", host) == []
    local = json.dumps({"Values": {"FUNCTIONS_WORKER_RUNTIME": "node"}})
    diagnostics = await _open(json_client, "local.settings.json", local)
    assert [d.message for d in diagnostics] == ['Value is not accepted. Valid values: "python".']
