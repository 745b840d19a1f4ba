"""Human-readable rendering of the index (``funcls index --format text``)."""

from __future__ import annotations

import os

from funcls.model.appmodel import App, Binding, Function
from funcls.model.runnable import host_json_exclusion

_SKIP = {"connection"}


def _rel(path: str | None, root: str) -> str:
    if not path:
        return "?"
    try:
        return os.path.relpath(path, root)
    except ValueError:
        return path


def _binding_detail(b: Binding) -> str:
    parts: list[str] = []
    for k, v in b.properties.items():
        if k in _SKIP or k == "dataType":
            continue
        shown = v.value if v.known else f"<{v.text}>"
        if isinstance(shown, list):
            shown = ",".join(str(x) for x in shown)
        text = str(shown)
        if len(text) > 60:
            text = text[:57] + "..."
        parts.append(f"{k}={text}")
    conn = b.value("connection")
    if conn is not None:
        parts.append(f"connection={conn.value if conn.known else '<' + str(conn.text) + '>'}")
    return " ".join(parts)


def _where(fn: Function, root: str) -> str:
    if fn.model == "v1":
        return _rel(fn.config_path, root)
    line = fn.def_name_range.start.line + 1 if fn.def_name_range else 0
    return f"{_rel(fn.script_path, root)}:{line}"


def render_function(fn: Function, app: App) -> list[str]:
    trig = fn.trigger
    head = f"  {fn.name}"
    if trig is not None:
        head += f"  [{trig.type}]"
        if trig.type == "httpTrigger":
            route = trig.get("route") or fn.name
            methods = trig.get("methods")
            verbs = ",".join(m.upper() for m in methods) if isinstance(methods, list) else "ALL"
            prefix = app.route_prefix
            url = "/" + "/".join(x for x in (prefix, str(route).strip("/")) if x)
            head += f" {verbs} {url}"
    else:
        head += "  [no trigger]"
    head += f"  ({_where(fn, app.root)})"
    if host_json_exclusion(app.host_functions_list(), fn.name) is not None:
        head += '  [not loaded: host.json "functions" leaves it out]'
    lines = [head]
    for b in fn.bindings:
        detail = _binding_detail(b)
        lines.append(f"      {b.direction:<5} {b.name:<16} {b.type:<22} {detail}".rstrip())
    return lines


def render_index_text(apps: list[App]) -> str:
    out: list[str] = []
    for app in apps:
        n = len(app.functions)
        out.append(f"{app.root}  ({app.model} model, {n} function{'s' if n != 1 else ''})")
        for fn in app.functions:
            out.extend(render_function(fn, app))
        for fn in app.unregistered:
            out.append(f"  {fn.name}  [not registered: its blueprint is never registered]")
        for p in app.problems:
            r = p.range.start
            out.append(f"  ! {_rel(p.path, app.root)}:{r.line + 1}:{r.column + 1}: {p.message}")
        out.append("")
    return "\n".join(out)
