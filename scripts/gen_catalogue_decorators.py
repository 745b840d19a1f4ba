"""Write funcls/model/catalogue/decorators_data.py from the installed azure-functions library.

Run: python scripts/gen_catalogue_decorators.py [--merge]
Every fact in the output is observed by calling the real decorators on throw-away apps:
parameter names, defaults, the binding type each decorator adds, the function.json key each
parameter becomes, and whether a string given for an enum parameter is parsed by member name.
The descriptions shown to users live in the hand-written binding modules, not here.

The table describes every library version funcls supports: azure-functions 1.x (Python up to
3.12) and 2.x (Python 3.13+), which adds decorator parameters and enum members. Build it in two
steps, oldest library first:

    .venv/bin/python scripts/gen_catalogue_decorators.py                 # azure-functions 1.x
    /path/to/py313-venv/bin/python scripts/gen_catalogue_decorators.py --merge   # 2.x

`--merge` reads the existing table, observes the installed library, and writes the union:
decorators and parameters only some versions have get `since=<oldest version that has them>`
(None: all of them), `LIBRARY_VERSIONS` lists every version merged in, and anything else that
differs between versions (a default, a target) is reported on stderr and taken from the newer
version. The sync tests (tests/fidelity/test_catalogue_sync.py) accept a parameter the
installed library lacks only when its `since` is newer than the installed version.
"""

from __future__ import annotations

import argparse
import enum
import inspect
import json
import logging
import re
import shutil
import subprocess
import sys
import typing
from dataclasses import replace
from pathlib import Path
from typing import Any

import azure.durable_functions as df
import azure.functions as func

from funcls.model.catalogue.types import DecoratorParam, DecoratorSpec, EnumRef

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


def default_of(v: Any) -> object:
    """The library default as the table stores it (None for defaults that are not literals)."""
    if isinstance(v, enum.Enum):
        return EnumRef(type(v).__name__, v.name)
    if isinstance(v, (str, int, float, bool)):
        return v
    return None


# The classes a decorator can be called on, by the names the indexer uses (AppObject.kind).
APP_CLASSES: dict[str, type] = {
    "FunctionApp": func.FunctionApp,
    "Blueprint": func.Blueprint,
    "AsgiFunctionApp": func.AsgiFunctionApp,
    "WsgiFunctionApp": func.WsgiFunctionApp,
    "DFApp": df.DFApp,
    "DFBlueprint": df.Blueprint,
}


def classes_of(name: str) -> tuple[str, ...]:
    """The classes that have decorator ``name``; () when every one of them does."""
    have = tuple(k for k, cls in APP_CLASSES.items() if callable(getattr(cls, name, None)))
    return () if len(have) == len(APP_CLASSES) else have


def observe_library() -> list[DecoratorSpec]:
    """Every decorator of DFApp and FunctionApp, as the installed library builds it."""
    specs: list[DecoratorSpec] = []
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
            fixed = {
                k: v
                for k, v in CONSTANTS.get(dname, {}).items()
                if k not in ("type", "direction", "name")
                and k not in set(targets.values())
                and not any(p.name == k for p in params)
            }
            out_params: list[DecoratorParam] = []
            for p in params:
                ann = hints.get(p.name, p.annotation)
                e = enum_of(ann)
                pm = parse.get(p.name) if e is not None else None
                out_params.append(
                    DecoratorParam(
                        name=p.name,
                        kind=kind_of(ann),  # type: ignore[arg-type]
                        required=p.default is inspect.Parameter.empty,
                        default=(
                            None if p.default is inspect.Parameter.empty else default_of(p.default)
                        ),
                        target=targets.get(p.name),
                        enum=e.__name__ if e is not None else None,
                        parse="as-is" if pm == "as-is" else "member-name",
                    )
                )
            specs.append(
                DecoratorSpec(
                    name=dname,
                    role=role,  # type: ignore[arg-type]
                    bindings=types,
                    params=tuple(out_params),
                    kwargs=kwargs,
                    alias_of=alias,
                    special=special,
                    source=owner_name,  # type: ignore[arg-type]
                    constant_properties=tuple(sorted(fixed.items())),
                    classes=classes_of(dname),
                )
            )
    return specs


# --- merging tables of several library versions -------------------------------------------


def version_key(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", v))


def _presence(since: str | None, versions: list[str]) -> set[str]:
    """The versions of `versions` an item with this `since` exists in."""
    if since is None:
        return set(versions)
    return {v for v in versions if version_key(v) >= version_key(since)}


def _since(present: set[str], versions: list[str]) -> str | None:
    if present >= set(versions):
        return None
    return min(present, key=version_key)


def _expected(since: str | None, version: str) -> bool:
    """Whether an item with this `since` should exist in `version`."""
    return since is None or version_key(version) >= version_key(since)


def _pick(old: Any, new: Any, newer: bool, what: str) -> Any:
    if old != new:
        print(f"warning: {what} differs between versions: {old!r} / {new!r}", file=sys.stderr)
    return new if newer else old


def merge(
    old_specs: tuple[DecoratorSpec, ...],
    old_versions: list[str],
    new_specs: list[DecoratorSpec],
    new_version: str,
) -> tuple[list[DecoratorSpec], list[str]]:
    """The union of an existing table and a fresh observation, with `since` filled in."""
    versions = sorted({*old_versions, new_version}, key=version_key)
    newer = version_key(new_version) >= max(version_key(v) for v in old_versions)
    old_by_name = {d.name: d for d in old_specs}
    new_by_name = {d.name: d for d in new_specs}
    first, second = (new_specs, old_specs) if newer else (list(old_specs), new_specs)
    names = [d.name for d in first]
    names += [d.name for d in second if d.name not in names]
    merged: list[DecoratorSpec] = []
    for name in names:
        old, new = old_by_name.get(name), new_by_name.get(name)
        old_present = _presence(old.since, old_versions) if old else set()
        present = old_present | ({new_version} if new else set())
        if old and not new and _expected(old.since, new_version):
            print(f"warning: {name} is missing from azure-functions {new_version}", file=sys.stderr)
        if old is None or new is None:
            base = old or new
            assert base is not None
            merged.append(replace(base, since=_since(present, versions)))
            continue
        old_params = {p.name: p for p in old.params}
        new_params = {p.name: p for p in new.params}
        pfirst, psecond = (new.params, old.params) if newer else (old.params, new.params)
        order = [p.name for p in pfirst]
        order += [p.name for p in psecond if p.name not in order]
        params: list[DecoratorParam] = []
        for pname in order:
            op, np_ = old_params.get(pname), new_params.get(pname)
            p_present = (_presence(op.since, old_versions) & old_present if op else set()) | (
                {new_version} if np_ else set()
            )
            if op and not np_ and _expected(op.since, new_version):
                print(
                    f"warning: {name}({pname}) is missing from azure-functions {new_version}",
                    file=sys.stderr,
                )
            if op is None or np_ is None:
                chosen = op or np_
            else:
                chosen = _pick(replace(op, since=None), np_, newer, f"{name}({pname})")
            assert chosen is not None
            params.append(replace(chosen, since=_since(p_present, versions)))
        base = _pick(
            replace(old, params=(), since=None, constant_properties=(), classes=()),
            replace(new, params=(), constant_properties=(), classes=()),
            newer,
            name,
        )
        owners = (
            ()
            if not old.classes or not new.classes
            else tuple(sorted(set(old.classes) | set(new.classes)))
        )
        constants = dict(old.constant_properties)
        constants.update(new.constant_properties)
        merged.append(
            replace(
                base,
                params=tuple(params),
                constant_properties=tuple(sorted(constants.items())),
                since=_since(present, versions),
                classes=owners,
            )
        )
    return merged, versions


# --- writing the table ---------------------------------------------------------------------


def _value(v: object) -> str:
    if isinstance(v, EnumRef):
        return f"EnumRef({v.enum!r}, {v.member!r})"
    return repr(v)


def render(specs: list[DecoratorSpec], versions: list[str]) -> str:
    merge_note = (
        [
            "Merged from several library versions with `--merge`: `since` marks what the older",
            "ones lack.",
        ]
        if len(versions) > 1
        else []
    )
    lines: list[str] = [
        "# ruff: noqa: E501",
        '"""Decorator facts observed from azure-functions (generated; do not edit by hand).',
        "",
        "Regenerate with `python scripts/gen_catalogue_decorators.py` (see its docstring). The",
        "catalogue sync tests fail when the installed library has a decorator or parameter this",
        "table lacks.",
        *merge_note,
        '"""',
        "",
        "from funcls.model.catalogue.types import DecoratorParam as P",
        "from funcls.model.catalogue.types import DecoratorSpec, EnumRef",
        "",
        "# The azure-functions versions the table was generated from, oldest first.",
        f"LIBRARY_VERSIONS: tuple[str, ...] = {tuple(versions)!r}",
        "LIBRARY_VERSION = LIBRARY_VERSIONS[-1]",
        "",
        "DECORATORS: tuple[DecoratorSpec, ...] = (",
    ]
    for d in specs:
        lines.append("    DecoratorSpec(")
        lines.append(f"        name={d.name!r},")
        lines.append(f"        role={d.role!r},")
        lines.append(f"        bindings={d.bindings!r},")
        if d.alias_of:
            lines.append(f"        alias_of={d.alias_of!r},")
        if d.special:
            lines.append(f"        special={d.special!r},")
        if d.source != "app":
            lines.append(f"        source={d.source!r},")
        if d.constant_properties:
            lines.append(f"        constant_properties={d.constant_properties!r},")
        if d.since:
            lines.append(f"        since={d.since!r},")
        if d.classes:
            lines.append(f"        classes={d.classes!r},")
        lines.append(f"        kwargs={d.kwargs!r},")
        lines.append("        params=(")
        for p in d.params:
            args = [repr(p.name), repr(p.kind)]
            if p.required:
                args.append("required=True")
            elif p.default is not None:
                args.append(f"default={_value(p.default)}")
            if p.target is not None:
                args.append(f"target={p.target!r}")
            if p.enum is not None:
                args.append(f"enum={p.enum!r}")
                if p.parse != "member-name":
                    args.append(f"parse={p.parse!r}")
            if p.since:
                args.append(f"since={p.since!r}")
            lines.append(f"            P({', '.join(args)}),")
        lines.append("        ),")
        lines.append("    ),")
    lines.append(")")
    return "\n".join(lines) + "\n"


def format_output() -> None:
    """Format the table the way the repository's ruff config does, when ruff is at hand."""
    local = ROOT / ".venv" / "bin" / "ruff"
    ruff = shutil.which("ruff") or (str(local) if local.exists() else None)
    if ruff is None:
        print(f"note: ruff not found; run `ruff format {OUT}`", file=sys.stderr)
        return
    subprocess.run([ruff, "format", "--quiet", str(OUT)], cwd=ROOT, check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument(
        "--merge",
        action="store_true",
        help="keep what the existing table has and add this library version's observations",
    )
    args = ap.parse_args()
    version = getattr(func, "__version__", "?")
    specs = observe_library()
    versions = [version]
    if args.merge:
        from funcls.model.catalogue import decorators_data as existing

        old_versions = list(
            getattr(existing, "LIBRARY_VERSIONS", None) or (existing.LIBRARY_VERSION,)
        )
        specs, versions = merge(existing.DECORATORS, old_versions, specs, version)
    OUT.write_text(render(specs, versions))
    format_output()
    print(
        f"wrote {OUT.relative_to(ROOT)} ({len(specs)} decorators; azure-functions "
        f"{', '.join(versions)})",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
