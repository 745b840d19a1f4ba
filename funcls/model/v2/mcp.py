"""``@app.mcp_tool()``: the trigger the library derives from the function's own signature."""

from __future__ import annotations

import json
import sys
from typing import Any

from funcls.model.appmodel import Binding, DecoratorUse, Function, Value
from funcls.model.python.module import ModuleInfo, mcp_description

# How azure-functions maps a Python annotation to an MCP property type.
_TYPES = {
    "int": "integer",
    "float": "number",
    "str": "string",
    "bool": "boolean",
    "object": "object",
    "datetime.datetime": "string",
}
_MCP_CONTENT = ("azure.functions.mcp_content", "azure.functions.decorators.mcp.mcp_content")


def _unwrap_optional(q: str) -> tuple[str, bool]:
    if q.startswith("typing.Optional[") and q.endswith("]"):
        return q[len("typing.Optional[") : -1], True
    if q.startswith("typing.Union[") and q.endswith("]"):
        parts = [p.strip() for p in q[len("typing.Union[") : -1].split(",")]
        if "None" in parts:
            rest = [p for p in parts if p != "None"]
            return (rest[0] if rest else "str"), True
    return q, False


def _property(
    name: str, qualname: str | None, text: str | None, has_default: bool
) -> dict[str, Any] | None:
    if qualname is None:
        if text is not None and any(s in text for s in ("Optional", "Union", "|", "[", "List")):
            return None  # cannot tell statically; the caller marks the value unknown
        qualname = "__custom__"
    if text is not None and _pep604_union(text) and sys.version_info < (3, 14):
        # Before 3.14 the library's Optional test (get_origin(...) is Union) misses `X | None`:
        # such a parameter maps to "string", not an array, required unless it has a default.
        return {
            "propertyName": name,
            "propertyType": "string",
            "description": "",
            "isArray": False,
            "isRequired": not has_default,
        }
    base, optional = _unwrap_optional(qualname)
    prefix = next((p for p in ("list[", "typing.List[") if base.startswith(p)), None)
    as_array = prefix is not None
    if prefix is not None:
        inner, _ = _unwrap_optional(base[len(prefix) : -1])
        ptype = _TYPES.get(inner, "string")
    else:
        ptype = _TYPES.get(base, "string")
    return {
        "propertyName": name,
        "propertyType": ptype,
        "description": "",
        "isArray": as_array,
        "isRequired": not has_default and not optional,
    }


def _pep604_union(text: str) -> bool:
    depth = 0
    for c in text:
        if c in "[(":
            depth += 1
        elif c in "])":
            depth -= 1
        elif c == "|" and depth == 0:
            return True
    return False


def _is_mcp_result(fn: Function, module: ModuleInfo) -> bool:
    ann = fn.return_annotation
    if ann is None:
        return False
    q = ann.qualname or ""
    if "mcp.types." in q:
        return True
    name = ann.text.strip().strip("'\"")
    decorators = module.classes.get(name, [])
    return any(d in _MCP_CONTENT for d in decorators)


def mcp_tool_binding(
    fn: Function,
    use: DecoratorUse,
    module: ModuleInfo,
    explicit: dict[str, dict[str, Any]],
    idx: int,
) -> Binding:
    bound = {b.name for b in fn.bindings}
    props: list[dict[str, Any]] = []
    known = True
    for p in fn.parameters:
        if p.name in bound or p.kind in ("var-positional", "var-keyword"):
            continue
        q = p.annotation.qualname if p.annotation else "str"
        if q == "azure.functions.MCPToolContext":
            continue
        data = _property(p.name, q, p.annotation.text if p.annotation else None, p.has_default)
        if data is None:
            known = False
            continue
        for key, value in explicit.get(p.name, {}).items():
            if value is not None:
                data[key] = value
        props.append(data)
    b = Binding(
        type="mcpToolTrigger",
        direction="in",
        name="context",
        path=use.path,
        range=use.range,
        decorator="mcp_tool",
        decorator_index=idx,
    )
    b.properties["toolName"] = Value(fn.entry_point, fn.def_name_range, origin="default")
    pyf = module.function(fn.entry_point)
    doc = pyf.docstring if pyf is not None else None
    b.properties["description"] = Value(mcp_description(doc), fn.def_name_range, origin="default")
    if known:
        b.properties["toolProperties"] = Value(
            json.dumps(props), fn.def_name_range, origin="default"
        )
    else:
        b.properties["toolProperties"] = Value(
            None, fn.def_name_range, known=False, text="(derived from the signature at import)"
        )
    meta = use.keywords.get("metadata")
    if meta is not None and not (meta.known and meta.value is None):
        b.properties["metadata"] = meta
    schema = use.keywords.get("use_result_schema")
    flag = bool(schema.value) if schema is not None and schema.known else False
    if not flag and _is_mcp_result(fn, module):
        flag = True
    b.properties["useResultSchema"] = Value(flag, schema.range if schema else use.range)
    fn.signature_rewritten = True
    return b
