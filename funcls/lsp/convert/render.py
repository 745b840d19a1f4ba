"""Decorators for v1 bindings: the v2 code that makes the library write the same
function.json entries (used by the *Convert to the v2 model* refactoring)."""

from __future__ import annotations

import json
from typing import Any

from funcls.model.appmodel import Binding
from funcls.model.catalogue import CATALOGUE, DecoratorParam, DecoratorSpec, camel_case, snake_case

GENERIC = {
    "trigger": "generic_trigger",
    "input": "generic_input_binding",
    "output": "generic_output_binding",
}


class ConversionError(Exception):
    """The binding cannot be written as a decorator; the message says why."""


def py_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if value is None:
        return "None"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{json.dumps(str(k))}: {py_literal(v)}" for k, v in value.items())
            + "}"
        )
    raise ConversionError(f"cannot write {value!r} as Python")


def enum_expr(param: DecoratorParam, value: Any, alias: str) -> str:
    """``func.AuthLevel.ANONYMOUS`` for an enum parameter's JSON value."""
    spec = CATALOGUE.enum(param.enum or "")
    if spec is None or param.parse == "as-is":
        return py_literal(value)
    if param.kind == "enum-list" and isinstance(value, list):
        names = []
        for v in value:
            m = spec.by_json(str(v)) or spec.by_name(str(v))
            names.append(py_literal(m.name if m else v))
        return "[" + ", ".join(names) + "]"
    m = spec.by_json(str(value)) or spec.by_name(str(value))
    if m is None:
        return py_literal(value)
    qual = spec.qualname
    if qual.startswith("azure.functions."):
        return f"{alias}.{qual[len('azure.functions.') :]}.{m.name}"
    return py_literal(m.name)


def _explicit(b: Binding) -> dict[str, Any]:
    return {k: v.value for k, v in b.properties.items() if v.origin == "explicit"}


def role_of(b: Binding) -> str:
    if b.is_trigger:
        return "trigger"
    return "output" if b.direction == "out" else "input"


def choose_decorator(b: Binding) -> DecoratorSpec:
    role = role_of(b)
    candidates = [
        d for d in CATALOGUE.decorators_for(b.type) if d.role == role and d.special != "route"
    ]
    props = {k.lower() for k in _explicit(b)}

    def coverage(d: DecoratorSpec) -> tuple[int, int, bool]:
        targets = {(p.target or "").lower() for p in d.params}
        missing = len(props - targets)
        return (0 if missing == 0 or d.kwargs else 1, missing, d.name.endswith("_v3"))

    candidates.sort(key=coverage)
    if candidates:
        return candidates[0]
    generic = CATALOGUE.decorator(GENERIC[role])
    assert generic is not None
    return generic


def _keyword_for(key: str) -> str:
    kw = snake_case(key)
    if camel_case(kw) != key or not kw.isidentifier():
        raise ConversionError(f"property '{key}' cannot be written as a decorator keyword")
    return kw


def decorator_call(b: Binding, target: str, alias: str) -> str:
    """``@app.queue_trigger(arg_name="msg", queue_name="orders", …)`` for one binding."""
    spec = choose_decorator(b)
    args: list[str] = []
    by_target = {(p.target or "").lower(): p for p in spec.params if p.target}
    for p in spec.params:
        if p.target == "name":
            args.append(f"{p.name}={py_literal(b.name)}")
            break
    if spec.special == "generic":
        args.append(f"type={py_literal(b.type)}")
    for key, value in _explicit(b).items():
        param = by_target.get(key.lower())
        if param is not None and param.target not in ("name", "type"):
            rendered = enum_expr(param, value, alias) if param.enum else py_literal(value)
            args.append(f"{param.name}={rendered}")
        elif spec.kwargs:
            args.append(f"{_keyword_for(key)}={py_literal(value)}")
        else:
            raise ConversionError(f"@{target}.{spec.name} has no argument for '{key}'")
    return f"@{target}.{spec.name}({', '.join(args)})"


def route_call(
    trigger: Binding, output: Binding | None, target: str, alias: str, app_level: str | None
) -> str:
    spec = CATALOGUE.decorator("route")
    assert spec is not None
    params = {p.name: p for p in spec.params}
    props = _explicit(trigger)
    args: list[str] = []
    extra: dict[str, Any] = {}
    for key, value in props.items():
        low = key.lower()
        if low == "route":
            args.append(f"route={py_literal(value)}")
        elif low == "methods":
            verbs = [str(m).upper() for m in value] if isinstance(value, list) else value
            args.append(f"methods={py_literal(verbs)}")
        elif low == "authlevel":
            args.append(f"auth_level={enum_expr(params['auth_level'], value, alias)}")
        else:
            extra[key] = value
    if (
        not any(a.startswith("auth_level=") for a in args)
        and (app_level or "function") != "function"
    ):
        args.append(f"auth_level={alias}.AuthLevel.FUNCTION")
    if trigger.name != "req":
        args.append(f"trigger_arg_name={py_literal(trigger.name)}")
    if output is not None and output.name != "$return":
        args.append(f"binding_arg_name={py_literal(output.name)}")
    if extra:
        args.append(f"trigger_extra_fields={py_literal(extra)}")
    out_extra = _explicit(output) if output is not None else {}
    if out_extra:
        args.append(f"binding_extra_fields={py_literal(out_extra)}")
    return f"@{target}.route({', '.join(args)})"


def decorators_for(
    bindings: list[Binding], target: str, alias: str, app_level: str | None
) -> list[str]:
    """Decorator lines for a v1 function's bindings: the trigger first."""
    trig = next((b for b in bindings if b.is_trigger), None)
    lines: list[str] = []
    rest = [b for b in bindings if b is not trig]
    if trig is not None and trig.type.lower() == "httptrigger":
        out = next((b for b in rest if b.type.lower() == "http" and b.direction == "out"), None)
        lines.append(route_call(trig, out, target, alias, app_level))
        rest = [b for b in rest if b is not out]
    elif trig is not None:
        lines.append(decorator_call(trig, target, alias))
    for b in rest:
        if b.type.lower() == "http":
            raise ConversionError("an http output without an HTTP trigger has no decorator")
        lines.append(decorator_call(b, target, alias))
    return lines
