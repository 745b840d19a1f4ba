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
