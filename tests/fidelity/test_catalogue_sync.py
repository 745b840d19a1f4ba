"""The catalogue against the installed azure-functions and azure-functions-durable.

This is the mechanical sync the design promises: when the library gains a decorator, a
parameter, a binding type, a binding-class argument, an enum member or an accepted annotation,
one of these tests fails and says what to add where. It must pass on every library version
funcls supports (1.x on Python <= 3.12, 2.x on 3.13+); decorators_data.py is the union of them,
with `since` on what older versions lack (scripts/gen_catalogue_decorators.py --merge).
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Iterable
from typing import Any

import azure.functions as func
import pytest

from funcls.model.catalogue import CATALOGUE, DecoratorSpec, EnumRef, camel_case
from funcls.model.catalogue.common import (
    ANY,
    IMPLICIT_OUTPUT_TYPES,
    REROUTED_TYPES,
    WORKER_CONVERTER_TYPES,
    WRAPPED_TYPES,
)
from funcls.model.catalogue.types import BindingSpec
from tests.support.library_introspect import (
    ParamInfo,
    accepts,
    binding_classes,
    binding_type_constants,
    converters,
    decorator_classes,
    public_decorators,
    resolve_annotation,
)

LIBRARY = func.__version__
SDK_PREFIX = "azurefunctions.extensions."
REGEN = "regenerate with `python scripts/gen_catalogue_decorators.py --merge` (see its docstring)"


def _report(problems: Iterable[str], what: str) -> None:
    problems = sorted(set(problems))
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        pytest.fail(f"{what} (azure-functions {LIBRARY}):\n{lines}", pytrace=False)


# --- decorators --------------------------------------------------------------------------------


def _library_default(value: Any) -> tuple[bool, object]:
    """(comparable, the value as the table writes it) for a library default."""
    if isinstance(value, enum.Enum):
        return True, EnumRef(type(value).__name__, value.name)
    if value is None or isinstance(value, (str, int, float, bool)):
        return True, value
    return False, None  # an object (e.g. df.RetryOptions()): the table records no default


def _param_problems(cls: type, spec: DecoratorSpec, lib: ParamInfo) -> list[str]:
    where = f"{cls.__name__}.{spec.name}({lib.name})"
    ours = spec.param(lib.name)
    if ours is None:
        return [f"{where}: parameter missing from decorators_data.py; {REGEN}"]
    problems = []
    if ours.required != lib.required:
        problems.append(f"{where}: library required={lib.required}, catalogue {ours.required}")
    comparable, default = _library_default(lib.default)
    if comparable and not lib.required and ours.default != default:
        problems.append(f"{where}: library default {default!r}, catalogue {ours.default!r}")
    if not comparable and ours.default is not None:
        problems.append(f"{where}: library default is an object; catalogue says {ours.default!r}")
    if not ours.available_in(LIBRARY):
        problems.append(f"{where}: present in {LIBRARY} but marked since={ours.since}")
    return problems


@pytest.mark.parametrize("cls", decorator_classes(), ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_library_decorator_and_parameter_is_catalogued(cls: type) -> None:
    problems: list[str] = []
    for name, info in public_decorators(cls).items():
        spec = CATALOGUE.decorator(name)
        if spec is None:
            problems.append(f"{cls.__name__}.{name}: decorator missing; {REGEN}")
            continue
        if not spec.available_in(LIBRARY):
            problems.append(f"{cls.__name__}.{name}: present in {LIBRARY}, marked {spec.since}")
        if spec.kwargs != info.kwargs:
            problems.append(f"{cls.__name__}.{name}: library **kwargs={info.kwargs}")
        for lib in info.params:
            problems += _param_problems(cls, spec, lib)
        if spec.alias_of and getattr(cls, name) is not getattr(cls, spec.alias_of):
            problems.append(f"{cls.__name__}.{name} is no longer an alias of {spec.alias_of}")
    _report(problems, "library decorators the catalogue lacks or describes wrongly")


def test_catalogued_decorators_exist_in_the_library() -> None:
    """The reverse: nothing in the table that the installed library should have but lacks."""
    union: dict[str, set[str]] = {}
    for cls in decorator_classes():
        for name, info in public_decorators(cls).items():
            union.setdefault(name, set()).update(p.name for p in info.params)
    problems = []
    for spec in CATALOGUE.decorators.values():
        if spec.name not in union:
            if spec.available_in(LIBRARY):
                problems.append(f"{spec.name}: not in the library; set since= or remove it")
            continue
        for p in spec.params:
            if p.name not in union[spec.name] and p.available_in(LIBRARY):
                problems.append(f"{spec.name}({p.name}): not in the library; since={p.since}")
    _report(problems, "catalogue decorators or parameters the installed library does not have")


def _resolve_qualname(qualname: str) -> Any:
    module, _, attr = qualname.rpartition(".")
    try:
        return getattr(importlib.import_module(module), attr, None)
    except ImportError:
        return None


def test_library_enum_members_are_catalogued() -> None:
    problems = []
    users: dict[str, list[bool]] = {}
    for d in CATALOGUE.decorators.values():
        for p in d.params:
            if p.enum:
                users.setdefault(p.enum, []).append(p.available_in(LIBRARY))
    for spec in CATALOGUE.enums.values():
        lib = _resolve_qualname(spec.qualname)
        if lib is None:
            # Fine only when every parameter using it belongs to a newer library version.
            if any(users.get(spec.name, [True])):
                problems.append(f"{spec.qualname}: not found in the library")
            continue
        lib_names = set(lib.__members__)  # aliases included (McpPropertyType.DATETIME)
        missing = sorted(n for n in lib_names if spec.by_name(n) is None)
        if missing:
            problems.append(f"enums.py {spec.name}: add members {missing}")
        for m in spec.members:
            if m.name in lib_names and not m.available_in(LIBRARY):
                problems.append(f"enums.py {spec.name}.{m.name}: in {LIBRARY}, since={m.since}")
            if m.name not in lib_names and m.available_in(LIBRARY):
                problems.append(f"enums.py {spec.name}.{m.name}: not in {LIBRARY}; set since=")
    for d in CATALOGUE.decorators.values():
        for p in d.params:
            if p.enum and CATALOGUE.enum(p.enum) is None:
                problems.append(f"{d.name}({p.name}): enum {p.enum} is not in enums.py")
    _report(problems, "library enums the catalogue lacks")


# --- binding types and their properties ----------------------------------------------------


def test_every_binding_type_the_library_can_emit_is_catalogued() -> None:
    problems = []
    for info in binding_classes():
        if info.type_name not in CATALOGUE.bindings:
            problems.append(
                f"{info.cls.__module__}.{info.cls.__name__} emits type {info.type_name!r}: "
                "add a BindingSpec"
            )
    for const, value in binding_type_constants().items():
        if value not in CATALOGUE.bindings:
            problems.append(f"{const} = {value!r}: add a BindingSpec")
    for d in CATALOGUE.decorators.values():
        for t in d.bindings:
            if t not in CATALOGUE.bindings:
                problems.append(f"decorator {d.name} emits {t!r}: add a BindingSpec")
    _report(problems, "binding types without a BindingSpec")


def test_binding_class_arguments_are_properties() -> None:
    problems = []
    for info in binding_classes():
        spec = CATALOGUE.bindings.get(info.type_name)
        if spec is None:
            continue  # reported by the test above
        where = f"{info.cls.__name__} ({info.type_name})"
        if spec.trigger != info.trigger:
            problems.append(f"{where}: library trigger={info.trigger}, spec {spec.trigger}")
        if info.direction not in spec.directions:
            problems.append(f"{where}: direction {info.direction} not in {spec.directions}")
        props = {p.name: p for p in spec.properties}
        for param in info.params:
            key = camel_case(param)
            prop = props.get(key)
            if prop is None:
                problems.append(f"{where}: argument {param} -> add property {key!r}")
            elif prop.directions and info.direction not in prop.directions:
                problems.append(f"{where}: property {key} lacks direction {info.direction}")
        if "dataType" not in props:
            problems.append(f"{where}: add the dataType property (common.DATA_TYPE)")
    _report(problems, "binding-class arguments with no property in the catalogue")


def test_decorator_targets_are_properties_of_the_emitted_bindings() -> None:
    problems = []
    for d in CATALOGUE.decorators.values():
        specs = [CATALOGUE.bindings[t] for t in d.bindings if t in CATALOGUE.bindings]
        names = {p.name for s in specs for p in s.properties}
        for p in d.params:
            if p.target in (None, "name", "type") or not specs:
                continue
            if p.target not in names:
                problems.append(f"{d.name}({p.name}) writes {p.target!r}: no such property")
            for s in specs:
                prop = next((q for q in s.properties if q.name == p.target), None)
                if prop is not None and prop.v1_only:
                    problems.append(f"{s.type}.{prop.name} is set by {d.name}: not v1_only")
        for key, _ in d.constant_properties:
            if key not in names:
                problems.append(f"{d.name} always writes {key!r}: no such property")
        if d.role == "trigger" and specs and not specs[0].trigger:
            problems.append(f"{d.name} is a trigger but {specs[0].type} is not")
    _report(problems, "decorator keys the binding specs do not describe")


# --- annotation types ------------------------------------------------------------------------


def _annotation_pool() -> dict[str, Any]:
    """Candidate annotations: builtins, every class azure.functions exports, the durable
    contexts, list[...] of each, and every name the catalogue lists."""
    names = {"str", "bytes", "bytearray", "dict", "int", "float", "bool"}
    for attr in dir(func):
        value = getattr(func, attr)
        if isinstance(value, type) and not attr.startswith("_"):
            names.add(f"azure.functions.{attr}")
    names |= {n for types in WRAPPED_TYPES.values() for n in types}
    for spec in CATALOGUE.bindings.values():
        names |= {*spec.input_types, *spec.output_types, *(spec.return_types or ())}
    names = {n for n in names if n != ANY and not n.startswith(SDK_PREFIX)}
    bases = [n for n in names if "[" not in n]
    names |= {f"list[{n}]" for n in bases} | {f"typing.List[{n}]" for n in bases}
    pool = {n: resolve_annotation(n) for n in names}
    return {n: t for n, t in pool.items() if t is not None}


POOL = _annotation_pool()


def test_listed_annotations_resolve() -> None:
    problems = []
    for spec in CATALOGUE.bindings.values():
        for name in {*spec.input_types, *spec.output_types, *(spec.return_types or ())}:
            if name == ANY or name.startswith(SDK_PREFIX) or name in POOL:
                continue
            problems.append(f"{spec.type}: {name!r} is not a type of the installed packages")
    _report(problems, "annotation names that do not resolve")


def _listed(types: tuple[str, ...]) -> set[str]:
    return set(POOL) if ANY in types else {t for t in types if t in POOL}


def _covered(name: str, by: set[str]) -> bool:
    """Whether a listed class already covers `name` as a subclass (MCPToolContext is a dict)."""
    t = POOL[name]
    return isinstance(t, type) and any(
        isinstance(POOL[b], type) and issubclass(t, POOL[b]) for b in by
    )


def _compare(
    spec: BindingSpec,
    side: str,
    listed: tuple[str, ...],
    check: Any,
    extras: set[str],
    *,
    classes_only: bool = False,
) -> list[str]:
    accepted = {
        name
        for name, t in POOL.items()
        if accepts(check, t) and (isinstance(t, type) or not classes_only)
    }
    if ANY in listed:
        everything = {n for n, t in POOL.items() if isinstance(t, type) or not classes_only}
        if accepted != everything:
            return [f"{spec.type} {side}: lists typing.Any but the converter is selective"]
        return []
    have = {n for n in _listed(listed) if isinstance(POOL[n], type) or not classes_only}
    problems = [
        f"{spec.type} {side}: the converter accepts {name}; add it"
        for name in accepted - have
        if not _covered(name, have & accepted)
    ]
    problems += [
        f"{spec.type} {side}: the converter refuses {name} (not a documented exception in "
        "common.py); remove it"
        for name in have - accepted - extras
    ]
    return problems


def test_annotation_types_agree_with_the_converters() -> None:
    problems: list[str] = []
    for type_name, conv in converters().items():
        spec = CATALOGUE.bindings.get(type_name)
        if spec is None:
            problems.append(f"{type_name}: has a converter but no BindingSpec")
            continue
        implicit = bool(getattr(conv, "has_implicit_output", lambda: False)())
        if implicit != (type_name in IMPLICIT_OUTPUT_TYPES):
            problems.append(f"{type_name}: has_implicit_output is {implicit}; fix common.py")
        rerouted = set() if implicit else set(REROUTED_TYPES)
        wrapped = set(WRAPPED_TYPES.get(type_name, ()))
        takes_input = spec.trigger or "in" in spec.directions
        if takes_input and hasattr(conv, "check_input_type_annotation"):
            problems += _compare(
                spec,
                "input",
                spec.input_types,
                conv.check_input_type_annotation,
                rerouted | wrapped,
            )
        gives_output = "out" in spec.directions or implicit
        if gives_output and hasattr(conv, "check_output_type_annotation"):
            check = conv.check_output_type_annotation
            problems += _compare(spec, "output", spec.output_types, check, rerouted | wrapped)
            # Return annotations are never rerouted to the generic binding and must be classes
            # (common.py, rules 4 and 8).
            problems += _compare(
                spec, "return", spec.accepted_return_types(), check, set(), classes_only=True
            )
    _report(problems, "annotation types that disagree with the worker's converters")


def test_worker_converter_types_are_the_library_registry() -> None:
    # AZF101 tells a harmless case difference from one that loses the converter by this set.
    problems = [
        f"{t}: has a converter; add it to WORKER_CONVERTER_TYPES in common.py"
        for t in converters()
        if t not in WORKER_CONVERTER_TYPES
    ]
    problems += [
        f"{t}: in WORKER_CONVERTER_TYPES but not a catalogued binding type"
        for t in WORKER_CONVERTER_TYPES
        if t not in CATALOGUE.bindings
    ]
    _report(problems, "binding types with a worker converter")


def test_types_without_a_converter_list_the_generic_types() -> None:
    from funcls.model.catalogue.common import GENERIC_INPUT_TYPES, GENERIC_OUTPUT_TYPES

    registry = converters()
    problems = []
    for spec in CATALOGUE.bindings.values():
        if spec.type in registry:
            continue
        sdk_in = {t for t in spec.input_types if t.startswith(SDK_PREFIX)}
        if (spec.trigger or "in" in spec.directions) and set(spec.input_types) - sdk_in != set(
            GENERIC_INPUT_TYPES
        ):
            problems.append(f"{spec.type}: input_types should be GENERIC_INPUT_TYPES")
        if "out" in spec.directions and set(spec.output_types) != set(GENERIC_OUTPUT_TYPES):
            problems.append(f"{spec.type}: output_types should be GENERIC_OUTPUT_TYPES")
    _report(problems, "binding types the worker handles with its generic binding")
