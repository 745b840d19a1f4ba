"""Write funcls/model/catalogue/decorators_data.py from the installed azure-functions library.

Run: python scripts/gen_catalogue_decorators.py
Every fact in the output is observed by calling the real decorators on throw-away apps:
parameter names, defaults, the binding type each decorator adds, the function.json key each
parameter becomes, and whether a string given for an enum parameter is parsed by member name.
The descriptions shown to users live in the hand-written binding modules, not here.
"""

from __future__ import annotations

import enum
import inspect
import json
import logging
import sys
import typing
from pathlib import Path
from typing import Any

import azure.durable_functions as df
import azure.functions as func

logging.disable(logging.WARNING)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "funcls" / "model" / "catalogue" / "decorators_data.py"

SKIP = {
    "get_functions",
    "register_functions",
    "register_blueprint",
    "validate_function_names",
    "app_script_file",
    "auth_level",
}
# Decorators whose output is not a plain binding built from their keywords.
SPECIAL = {
    "route": "route",
    "function_name": "function_name",
    "http_type": "http_type",
    "retry": "retry",
    "mcp_tool": "mcp_tool",
    "mcp_tool_property": "mcp_tool_property",
    "mcp_prompt_trigger": "mcp_prompt_trigger",
    "dapr_topic_trigger": "dapr_topic_trigger",
    "durable_client_input": None,
    "durable_openai_agent_orchestrator": "durable_openai_agent_orchestrator",
}
TRIGGERS: set[str] = set()
CONSTANTS: dict[str, dict[str, Any]] = {}
NAME_PARAMS = {"arg_name", "context_name", "input_name", "client_name"}


def unwrap(a: Any) -> list[Any]:
    args = typing.get_args(a)
    if typing.get_origin(a) is typing.Union:
        return [x for x in args if x is not type(None)]
    return [a]


def enum_of(a: Any) -> type[enum.Enum] | None:
    for x in unwrap(a):
        if isinstance(x, type) and issubclass(x, enum.Enum):
            return x
        for y in typing.get_args(x):
            if isinstance(y, type) and issubclass(y, enum.Enum):
                return y
    return None


def kind_of(a: Any) -> str:
    if a is inspect.Parameter.empty:
        return "any"
    parts = unwrap(a)
    if enum_of(a) is not None:
        origin = typing.get_origin(parts[0])
        if any(
            typing.get_origin(p) is not None
            and typing.get_origin(p) is not typing.Union
            and typing.get_origin(p) not in (type,)
            for p in parts
            if p is not str
        ):
            return "enum-list"
        return "enum"
    p = parts[0]
    origin = typing.get_origin(p)
    if p is str:
        return "string"
    if p is bool:
        return "boolean"
    if p is int:
        return "integer"
    if p is float:
        return "number"
    if origin is dict or p is dict:
        return "object"
    if origin is list:
        return "list"
    if getattr(p, "__name__", "") == "time":
        return "time"
    if p is type or origin is type:
        return "type"
    return "any"


def py_default(v: Any) -> str:
    if not isinstance(v, (str, int, float, bool, enum.Enum)):
        return "None"
    if isinstance(v, enum.Enum):
        return f"EnumRef({type(v).__name__!r}, {v.name!r})"
    return repr(v)


# Names the library defines as aliases of another decorator (`schedule = timer_trigger`).
ALIAS_NAMES = {"schedule"}
DURABLE_NAMES = {
    "orchestration_trigger",
    "activity_trigger",
    "entity_trigger",
    "durable_client_input",
    "durable_openai_agent_orchestrator",
}


def members(cls: type) -> list[tuple[str, Any]]:
    out = []
    for name, m in inspect.getmembers(cls):
        if name.startswith("_") or name in SKIP or not callable(m):
            continue
        out.append((name, m))
    out.sort(key=lambda nm: (nm[0] in ALIAS_NAMES, nm[0]))
    return out


def sample_for(kind: str, name: str, e: type[enum.Enum] | None) -> Any:
    if name in NAME_PARAMS:
        return "x"
    if kind in ("string", "time"):
        return f"v_{name}"
    if kind == "boolean":
        return True
    if kind == "integer":
        return 7
    if kind == "enum" and e is not None:
        return list(e)[-1]
    return None


# Decorators that only build with some optional keywords given together.
BASES: dict[str, list[dict[str, Any]]] = {
    "event_grid_output": [
        {"connection": "v_connection"},
        {"topic_endpoint_uri": "v_topic_endpoint_uri", "topic_key_setting": "v_topic_key_setting"},
    ],
}


def observe(owner: str, dname: str, params: list[inspect.Parameter], hints: dict[str, Any]):
    """Merge the observations made from every base call a decorator needs."""
    merged_targets: dict[str, str | None] = {}
    merged_parse: dict[str, str] = {}
    bindings: list[dict[str, Any]] = []
    for extra in BASES.get(dname, [{}]):
        b, t, pm = observe_one(owner, dname, params, hints, extra)
        bindings = bindings or b
        for k, v in t.items():
            if merged_targets.get(k) is None:
                merged_targets[k] = v
        for k, v in pm.items():
            merged_parse.setdefault(k, v)
        for k, v in extra.items():
            hit = [key for key, val in b[0].items() if val == v]
            if hit:
                merged_targets[k] = hit[0]
    return bindings, merged_targets, merged_parse


def observe_one(
    owner: str,
    dname: str,
    params: list[inspect.Parameter],
    hints: dict[str, Any],
    extra: dict[str, Any],
):
    """Return (bindings added, per-param target key, per-param enum parse mode)."""

    def build(overrides: dict[str, Any]) -> list[dict[str, Any]]:
        app = (
            df.DFApp(http_auth_level="ANONYMOUS")
            if owner == "durable"
            else func.FunctionApp(http_auth_level="ANONYMOUS")
        )
        kw: dict[str, Any] = {}
        for p in params:
            if p.default is inspect.Parameter.empty:
                k = kind_of(hints.get(p.name, p.annotation))
                e = enum_of(hints.get(p.name, p.annotation))
                v = sample_for(k, p.name, e)
                if p.name == "type":
                    v = "customType"
                kw[p.name] = v
        kw.update(extra)
        kw.update(overrides)
        deco = getattr(app, dname)(**kw)

        def fn(x: str, req: str) -> None:
            return None

        fn.__name__ = "fn"
        added = deco(fn)
        if added._function.get_trigger() is None:
            app.generic_trigger(arg_name="req", type="probeTrigger")(added)
        if (
            added._function.get_trigger() is not None
            and added._function.get_trigger().name != "req"
        ):
            TRIGGERS.add(dname)
        fjs = [json.loads(f.get_function_json()) for f in app.get_functions()]
        return [b for b in fjs[0]["bindings"] if b.get("type") != "probeTrigger"]

    base = build({})
    CONSTANTS[dname] = dict(base[0]) if base else {}
    targets: dict[str, str | None] = {}
    parse: dict[str, str] = {}
    for p in params:
        ann = hints.get(p.name, p.annotation)
        k = kind_of(ann)
        e = enum_of(ann)
        if p.name in NAME_PARAMS:
            targets[p.name] = "name"
            continue
        if p.default is inspect.Parameter.empty:
            # Required: find the key whose value is the sample we passed.
            v = sample_for(k, p.name, e)
            if p.name == "type":
                targets[p.name] = "type"
                continue
            hit = [key for key, val in base[0].items() if val == v or (e and val in (v.name,))]
            targets[p.name] = hit[0] if hit else None
        else:
            v = sample_for(k, p.name, e)
            if e is not None and v == p.default:
                others = [m for m in e if m != p.default]
                v = others[0] if others else v
            if v is None:
                targets[p.name] = None
                continue
            try:
                got = build({p.name: v})
            except Exception:
                targets[p.name] = None
                continue
            diff = [key for key, val in got[0].items() if base[0].get(key) != val]
            targets[p.name] = diff[0] if diff else None
        if e is not None and k == "enum":
            m = list(e)[-1]
            try:
                got = build({p.name: m.name.lower()})
                val = got[0].get(targets[p.name] or "")
                parse[p.name] = "member-name" if val == m.name else "as-is"
            except Exception:
                parse[p.name] = "member-name"
    return base, targets, parse


def main() -> None:
    lines: list[str] = [
        "# ruff: noqa: E501",
        '"""Decorator facts observed from azure-functions (generated; do not edit by hand).',
        "",
        "Regenerate with `python scripts/gen_catalogue_decorators.py`. The catalogue sync tests",
        "fail when the installed library has a decorator or parameter this table lacks.",
        '"""',
        "",
        "from funcls.model.catalogue.types import DecoratorParam as P",
        "from funcls.model.catalogue.types import DecoratorSpec, EnumRef",
        "",
        f"LIBRARY_VERSION = {getattr(func, '__version__', '?')!r}",
        "",
        "DECORATORS: tuple[DecoratorSpec, ...] = (",
    ]
    sources = [("durable", df.DFApp), ("app", func.FunctionApp)]
    done: set[str] = set()
    for owner, cls in sources:
        ids: dict[int, str] = {}
        for dname, m in members(cls):
            if dname in done:
                continue
            if owner == "durable" and dname not in DURABLE_NAMES:
                continue
            alias = ids.get(id(m))
            ids.setdefault(id(m), dname)
            done.add(dname)
            sig = inspect.signature(m)
            try:
                hints = typing.get_type_hints(m)
            except Exception:
                hints = {}
            params = [
                p
                for p in list(sig.parameters.values())[1:]
                if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
            ]
            kwargs = any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values())
            special = SPECIAL.get(dname)
            if dname in (
                "function_name",
                "http_type",
                "retry",
                "mcp_tool",
                "mcp_tool_property",
                "durable_openai_agent_orchestrator",
            ):
                bindings: list[dict[str, Any]] = []
                targets: dict[str, str | None] = {p.name: None for p in params}
                parse: dict[str, str] = {}
                role = "modifier" if dname not in ("mcp_tool",) else "trigger"
                if dname == "retry":
                    role = "setting"
            elif dname == "route":
                bindings = [
                    {"type": "httpTrigger", "direction": "IN"},
                    {"type": "http", "direction": "OUT"},
                ]
                targets = {
                    "route": "route",
                    "trigger_arg_name": "name",
                    "binding_arg_name": "name",
                    "methods": "methods",
                    "auth_level": "authLevel",
                    "trigger_extra_fields": None,
                    "binding_extra_fields": None,
                }
                parse = {"auth_level": "member-name", "methods": "member-name"}
                role = "trigger"
            else:
                bindings, targets, parse = observe(owner, dname, params, hints)
                d = bindings[0]["direction"] if bindings else "IN"
                is_trigger = dname in TRIGGERS
                role = "trigger" if is_trigger else ("input" if d == "IN" else "output")
            owner_name = owner
            if owner == "app" and dname in (
                "orchestration_trigger",
                "activity_trigger",
                "entity_trigger",
                "durable_client_input",
            ):
                owner_name = "durable"
            types = tuple(b["type"] for b in bindings)
            if dname.startswith("generic_"):
                types = ()  # the `type` keyword names the binding
                special = "generic"
            if dname == "mcp_tool":
                types = ("mcpToolTrigger",)
            lines.append("    DecoratorSpec(")
            lines.append(f"        name={dname!r},")
            lines.append(f"        role={role!r},")
            lines.append(f"        bindings={types!r},")
            if alias:
                lines.append(f"        alias_of={alias!r},")
            if special:
                lines.append(f"        special={special!r},")
            if owner_name != "app":
                lines.append(f"        source={owner_name!r},")
            fixed = {
                k: v
                for k, v in CONSTANTS.get(dname, {}).items()
                if k not in ("type", "direction", "name")
                and k not in set(targets.values())
                and not any(p.name == k for p in params)
            }
            if fixed:
                lines.append(f"        constant_properties={tuple(sorted(fixed.items()))!r},")
            lines.append(f"        kwargs={kwargs!r},")
            lines.append("        params=(")
            for p in params:
                ann = hints.get(p.name, p.annotation)
                k = kind_of(ann)
                e = enum_of(ann)
                args = [repr(p.name), repr(k)]
                if p.default is inspect.Parameter.empty:
                    args.append("required=True")
                elif p.default is not None and py_default(p.default) != "None":
                    args.append(f"default={py_default(p.default)}")
                t = targets.get(p.name)
                if t is not None:
                    args.append(f"target={t!r}")
                if e is not None:
                    args.append(f"enum={e.__name__!r}")
                    pm = parse.get(p.name)
                    if pm and pm != "member-name":
                        args.append(f"parse={pm!r}")
                lines.append(f"            P({', '.join(args)}),")
            lines.append("        ),")
            lines.append("    ),")
    lines.append(")")
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)} ({len(done)} decorators)", file=sys.stderr)


if __name__ == "__main__":
    main()
