"""Ask the installed azure-functions library what each decorator emits.

Used by the catalogue sync tests and by `scripts/dump_library.py`. Everything here runs the
real library on throw-away apps built in memory; nothing is guessed.
"""

from __future__ import annotations

import enum
import inspect
import json
import typing
from dataclasses import dataclass, field
from typing import Any

import azure.functions as func

NOT_DECORATORS = {
    "get_functions",
    "register_functions",
    "register_blueprint",
    "validate_function_names",
    "app_script_file",
    "auth_level",
}


@dataclass
class ParamInfo:
    name: str
    required: bool
    default: Any
    annotation: str
    enum_classes: list[str] = field(default_factory=list)


@dataclass
class DecoratorInfo:
    name: str
    params: list[ParamInfo]
    kwargs: bool
    alias_of: str | None = None


def _enum_classes(annotation: Any) -> list[str]:
    found: list[str] = []

    def walk(a: Any) -> None:
        if isinstance(a, type) and issubclass(a, enum.Enum):
            found.append(a.__name__)
        for sub in typing.get_args(a):
            walk(sub)

    walk(annotation)
    return found


def public_decorators(cls: type = func.FunctionApp) -> dict[str, DecoratorInfo]:
    """Every public decorator method of ``cls`` with its parameters."""
    out: dict[str, DecoratorInfo] = {}
    seen: dict[int, str] = {}
    for name, member in inspect.getmembers(cls):
        if name.startswith("_") or name in NOT_DECORATORS or not callable(member):
            continue
        sig = inspect.signature(member)
        params: list[ParamInfo] = []
        kwargs = False
        hints: dict[str, Any]
        try:
            hints = typing.get_type_hints(member)
        except Exception:
            hints = {}
        for p in list(sig.parameters.values())[1:]:
            if p.kind is p.VAR_KEYWORD:
                kwargs = True
                continue
            if p.kind is p.VAR_POSITIONAL:
                continue
            ann = hints.get(p.name, p.annotation)
            params.append(
                ParamInfo(
                    name=p.name,
                    required=p.default is p.empty,
                    default=None if p.default is p.empty else p.default,
                    annotation=str(ann),
                    enum_classes=_enum_classes(ann),
                )
            )
        alias = seen.get(id(member))
        out[name] = DecoratorInfo(name, params, kwargs, alias_of=alias)
        seen.setdefault(id(member), name)
    return out


def function_jsons(app: Any) -> dict[str, dict[str, Any]]:
    """name -> function.json dict, as the worker would index ``app``."""
    result: dict[str, dict[str, Any]] = {}
    for f in app.get_functions():
        result[f.get_function_name()] = json.loads(f.get_function_json())
    return result


# --- binding classes, constants and converters ------------------------------------------------

BINDING_BASE_PARAMS = {"self", "kwargs", "name", "type", "data_type", "direction"}


@dataclass
class BindingClassInfo:
    cls: type
    type_name: str  # get_binding_name()
    direction: str  # "in" / "out"
    trigger: bool
    params: list[str]  # constructor parameters, the Binding base ones excepted


def decorator_classes() -> list[type]:
    """The classes whose public methods are decorators, azure-functions and durable."""
    import azure.durable_functions as df

    return [
        func.FunctionApp,
        func.Blueprint,
        func.AsgiFunctionApp,
        func.WsgiFunctionApp,
        df.DFApp,
        df.Blueprint,
    ]


def _import_binding_modules() -> None:
    import importlib
    import pkgutil

    import azure.durable_functions.decorators.metadata  # noqa: F401
    import azure.functions.decorators as decorators

    for m in pkgutil.iter_modules(decorators.__path__):
        importlib.import_module(f"azure.functions.decorators.{m.name}")


def _original_init(cls: type) -> Any:
    """The __init__ a binding class wrote, under the wrappers BuildDictMeta puts on it."""
    init = cls.__init__  # type: ignore[misc]
    while init.__qualname__.endswith("add_to_dict.<locals>.wrapper"):
        init = next(c.cell_contents for c in init.__closure__ if callable(c.cell_contents))
    return init


def binding_classes() -> list[BindingClassInfo]:
    """Every concrete subclass of azure.functions.decorators.core.Binding with a fixed type."""
    from azure.functions.decorators.core import Binding, OutputBinding, Trigger

    _import_binding_modules()
    found: list[BindingClassInfo] = []
    seen: set[type] = set()
    todo = list(Binding.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls in seen or inspect.isabstract(cls):
            continue
        seen.add(cls)
        name = cls.get_binding_name()  # type: ignore[attr-defined]
        if name is None:  # the generic bindings: the `type` keyword names them
            continue
        params = [
            p
            for p in inspect.signature(_original_init(cls)).parameters
            if p not in BINDING_BASE_PARAMS
        ]
        found.append(
            BindingClassInfo(
                cls=cls,
                type_name=name,
                direction="out" if issubclass(cls, OutputBinding) else "in",
                trigger=issubclass(cls, Trigger),
                params=params,
            )
        )
    return sorted(found, key=lambda b: (b.type_name, b.cls.__name__))


def binding_type_constants() -> dict[str, str]:
    """The binding type names azure.functions.decorators.constants and the durable package
    define (constant name -> value)."""
    import azure.durable_functions.constants as df_constants
    import azure.functions.decorators.constants as constants

    out = {
        f"azure.functions.decorators.constants.{k}": v
        for k, v in vars(constants).items()
        if k.isupper() and isinstance(v, str)
    }
    for k in ("ORCHESTRATION_TRIGGER", "ACTIVITY_TRIGGER", "ENTITY_TRIGGER", "DURABLE_CLIENT"):
        out[f"azure.durable_functions.constants.{k}"] = getattr(df_constants, k)
    return out


def converters() -> dict[str, type]:
    """Binding type -> the converter azure-functions registers for it (the worker's registry)."""
    registry = func.get_binding_registry()
    return {k: v for k, v in registry._bindings.items() if isinstance(k, str)}


def accepts(check: Any, annotation: Any) -> bool:
    """Call a converter's check_*_type_annotation as the worker does; raising means refusal."""
    try:
        return bool(check(annotation))
    except Exception:
        return False


def resolve_annotation(name: str) -> Any | None:
    """A catalogue annotation name (`str`, `azure.functions.QueueMessage`, `typing.List[...]`,
    `list[...]`) as the Python object, or None when the installed packages do not define it."""
    import builtins
    import importlib

    # typing.List is not list here: the library's converters tell them apart (common.py rule 8).
    for prefix, generic in (("list[", list), ("typing.List[", typing.List)):  # noqa: UP006
        if name.startswith(prefix) and name.endswith("]"):
            inner = resolve_annotation(name[len(prefix) : -1])
            return None if inner is None else generic[inner]  # type: ignore[index]
    if "." not in name:
        value = getattr(builtins, name, None)
        return value if isinstance(value, type) else None
    module, _, attr = name.rpartition(".")
    try:
        return getattr(importlib.import_module(module), attr, None)
    except ImportError:
        return None
