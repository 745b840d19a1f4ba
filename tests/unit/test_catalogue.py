"""The catalogue's internal consistency: every spec complete, every reference resolvable.

Pure checks of the data; tests/fidelity/test_catalogue_sync.py compares it with the library.
"""

from __future__ import annotations

import re
from typing import get_args

import pytest

from funcls.model.catalogue import _MODULES as BINDING_MODULES
from funcls.model.catalogue import (
    CATALOGUE,
    BindingSpec,
    DecoratorSpec,
    PropertySpec,
    bindings_core,
)
from funcls.model.catalogue.common import (
    ANY,
    GENERIC_OUTPUT_TYPES,
    IMPLICIT_OUTPUT_TYPES,
    WRAPPED_TYPES,
)
from funcls.model.catalogue.types import Direction, Role, RunnerSupport, ValueKind

SPECS = list(CATALOGUE.bindings.values())
DECORATORS = list(CATALOGUE.decorators.values())
KINDS = set(get_args(ValueKind))
ROLES = set(get_args(Role))
DIRECTIONS = set(get_args(Direction))
RUNNERS = set(get_args(RunnerSupport))
NATIVE_FAMILIES = {"http", "timer", "queue", "blob", "table", "durable"}
BUILT_IN = {"httpTrigger", "http", "timerTrigger", "warmupTrigger"}
ANNOTATION = re.compile(r"^(typing\.List\[|list\[)?[A-Za-z_][\w.]*\]?$")


def _ids(items: list[BindingSpec] | list[DecoratorSpec]) -> list[str]:
    return [getattr(i, "type", None) or getattr(i, "name", "?") for i in items]


def _one_line(text: str) -> bool:
    return bool(text.strip()) and "\n" not in text


def test_no_binding_type_is_described_twice() -> None:
    types = [b.type for m in BINDING_MODULES for b in m.BINDINGS]
    dupes = sorted({t for t in types if types.count(t) > 1})
    assert not dupes
    lowered = [t.lower() for t in types]
    assert len(set(lowered)) == len(lowered), "types must differ ignoring case (the host does)"


def test_the_catalogue_covers_the_families_it_promises() -> None:
    expected = {
        "eventHubTrigger", "eventHub", "serviceBusTrigger", "serviceBus", "eventGridTrigger",
        "eventGrid", "cosmosDBTrigger", "cosmosDB", "sqlTrigger", "sql", "mysqlTrigger",
        "mysql", "kafkaTrigger", "kafka", "daprServiceInvocationTrigger", "daprBindingTrigger",
        "daprTopicTrigger", "daprState", "daprSecret", "daprPublish", "daprInvoke",
        "daprBinding", "assistantSkillTrigger", "textCompletion", "assistantQuery",
        "assistantCreate", "assistantPost", "embeddings", "embeddingsStore", "semanticSearch",
        "mcpToolTrigger", "mcpResourceTrigger", "mcpPromptTrigger", "connectorTrigger",
        "orchestrationTrigger", "activityTrigger", "entityTrigger", "durableClient",
        "orchestrationClient", "signalR", "signalRConnectionInfo", "signalRTrigger",
        "sendGrid", "twilioSms", "rabbitMQ", "rabbitMQTrigger", "notificationHub",
        "webPubSub", "webPubSubConnection", "webPubSubTrigger", "webPubSubContext",
        "redisPubSubTrigger", "redisListTrigger", "redisStreamTrigger", "redis", "kusto",
    }  # fmt: skip
    assert expected <= set(CATALOGUE.bindings), expected - set(CATALOGUE.bindings)


@pytest.mark.parametrize("spec", SPECS, ids=_ids(SPECS))
def test_binding_spec_is_complete(spec: BindingSpec) -> None:
    assert spec.family and spec.title
    assert _one_line(spec.summary), "summary is one non-empty line"
    assert spec.description.strip()
    assert spec.docs.startswith("https://")
    assert spec.directions and set(spec.directions) <= DIRECTIONS
    assert len(set(spec.directions)) == len(spec.directions)
    if spec.trigger:
        assert spec.directions == ("in",), "triggers are inputs"
    assert spec.runner in RUNNERS
    if spec.runner == "native":
        assert spec.family in NATIVE_FAMILIES
    assert spec.needs_bundle == (spec.type not in BUILT_IN)
    if spec.family == "durable":
        assert spec.extension_package == "azure-functions-durable"


@pytest.mark.parametrize("spec", SPECS, ids=_ids(SPECS))
def test_binding_properties_are_well_formed(spec: BindingSpec) -> None:
    names = [p.name for p in spec.properties]
    assert len(set(n.lower() for n in names)) == len(names), "duplicate property"
    assert "dataType" in names, "every binding accepts dataType (common.DATA_TYPE)"
    for p in spec.properties:
        _check_property(spec, p)
    for group in spec.one_of:
        assert len(group) >= 2, f"one_of {group} needs alternatives"
        for name in group:
            assert name in names, f"one_of names unknown property {name}"
            prop = next(q for q in spec.properties if q.name == name)
            assert not prop.required, f"{name} is required and in a one_of group"


def _check_property(spec: BindingSpec, p: PropertySpec) -> None:
    where = f"{spec.type}.{p.name}"
    assert re.fullmatch(r"[a-z][A-Za-z0-9]*", p.name), f"{where}: camelCase function.json key"
    assert p.name not in ("name", "type", "direction"), f"{where}: implicit keys aren't listed"
    assert _one_line(p.summary), f"{where}: one-line summary"
    assert p.kind in KINDS, where
    assert p.role is None or p.role in ROLES, where
    assert set(p.directions) <= set(spec.directions), f"{where}: direction the spec lacks"
    if p.kind in ("enum", "enum-list"):
        assert p.enum or p.values, f"{where}: enum kind needs enum= or values="
    if p.enum:
        enum = CATALOGUE.enum(p.enum)
        assert enum is not None, f"{where}: unknown enum {p.enum}"
        assert p.kind in ("enum", "enum-list"), f"{where}: enum= needs an enum kind"
        if isinstance(p.default, str):
            assert enum.by_json(p.default), f"{where}: default {p.default!r} not in {p.enum}"
    if p.values and p.default is not None:
        assert str(p.default).lower() in {v.lower() for v in p.values}, where
    if p.required:
        assert p.default is None, f"{where}: a required property has no host default"
    if p.kind == "boolean" and p.default is not None:
        assert isinstance(p.default, bool), where
    if p.kind == "integer" and p.default is not None:
        assert isinstance(p.default, int) and not isinstance(p.default, bool), where


@pytest.mark.parametrize("spec", SPECS, ids=_ids(SPECS))
def test_binding_annotation_types(spec: BindingSpec) -> None:
    takes_input = spec.trigger or "in" in spec.directions
    assert bool(spec.input_types) == takes_input, "input_types iff the binding reads data"
    if "out" in spec.directions:
        assert spec.output_types, "an output binding needs output_types"
    elif spec.output_types:
        assert spec.type in IMPLICIT_OUTPUT_TYPES, "output_types on an input: implicit output?"
    if spec.return_types is not None:
        assert "out" in spec.directions
        assert set(spec.return_types) <= set(spec.output_types)
        assert not any("[" in t for t in spec.return_types), "return annotations are classes"
    for name in (*spec.input_types, *spec.output_types):
        assert name == ANY or ANNOTATION.match(name), f"odd annotation name {name!r}"
        assert not name.startswith("list["), "the worker refuses list[T]; use typing_list"
    for name in WRAPPED_TYPES.get(spec.type, ()):
        assert name in spec.input_types


def test_generic_output_constant_is_what_core_uses() -> None:
    table = next(b for b in bindings_core.BINDINGS if b.type == "table")
    assert table.output_types == GENERIC_OUTPUT_TYPES


# --- decorators ------------------------------------------------------------------------------


def _unmapped(d: DecoratorSpec) -> list[str]:
    """Parameters no binding property describes: the ones the docs must cover."""
    props = {p.name for t in d.bindings for p in CATALOGUE.bindings[t].properties}
    return [p.name for p in d.params if p.target in (None, "name", "type") or p.target not in props]


@pytest.mark.parametrize("deco", DECORATORS, ids=_ids(DECORATORS))
def test_decorator_references_resolve(deco: DecoratorSpec) -> None:
    for t in deco.bindings:
        assert t in CATALOGUE.bindings, f"{deco.name} emits unknown type {t}"
    if deco.alias_of:
        target = CATALOGUE.decorator(deco.alias_of)
        assert target is not None and target.params == deco.params
    for p in deco.params:
        assert p.kind in KINDS
        if p.enum:
            assert CATALOGUE.enum(p.enum) is not None, f"{deco.name}({p.name}): {p.enum}"
    names = [p.name for p in deco.params]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("deco", DECORATORS, ids=_ids(DECORATORS))
def test_every_decorator_is_documented(deco: DecoratorSpec) -> None:
    doc = CATALOGUE.doc(deco.name)
    assert doc is not None, f"docs.py lacks {deco.name}"
    assert _one_line(doc.summary)
    assert doc.description.strip()
    missing = [n for n in _unmapped(deco) if not doc.param_summaries.get(n, "").strip()]
    assert not missing, f"docs.py {deco.name}: add param_summaries for {missing}"
    stale = set(doc.param_summaries) - {p.name for p in deco.params}
    assert not stale, f"docs.py {deco.name}: summaries for unknown parameters {stale}"


def test_docs_only_name_known_decorators() -> None:
    from funcls.model.catalogue.docs import DECORATOR_DOCS

    assert set(DECORATOR_DOCS) <= set(CATALOGUE.decorators)


# --- enums -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CATALOGUE.enums))
def test_enum_members_are_unique(name: str) -> None:
    spec = CATALOGUE.enums[name]
    assert spec.summary.strip()
    members = [m.name for m in spec.members]
    assert len(set(members)) == len(members)


def test_lookups_ignore_case_and_suggest() -> None:
    spec = CATALOGUE.binding("QUEUETRIGGER")
    assert spec is not None and spec.type == "queueTrigger"
    assert CATALOGUE.closest_binding_type("servicebustriger") == "serviceBusTrigger"
    cosmos = CATALOGUE.bindings["cosmosDBTrigger"]
    assert CATALOGUE.closest_property(cosmos, "leaseContainername") == "leaseContainerName"
    assert [d.name for d in CATALOGUE.decorators_for("cosmosDBTrigger")] == [
        "cosmos_db_trigger",
        "cosmos_db_trigger_v3",
    ]
