"""Walking a JSON Schema along a document path, for completion and hover in host.json and
local.settings.json (and the parts of function.json the catalogue does not describe)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

Schema = dict[str, Any]


def _resolve(root: Schema, s: Any, depth: int = 0) -> list[Schema]:
    """``s`` with $ref followed and allOf/anyOf/oneOf flattened."""
    if not isinstance(s, dict) or depth > 20:
        return []
    out: list[Schema] = []
    ref = s.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for part in ref[2:].split("/"):
            target = (
                target.get(part.replace("~1", "/").replace("~0", "~"))
                if isinstance(target, dict)
                else None
            )
        out.extend(_resolve(root, target, depth + 1))
    out.append(s)
    for combo in ("allOf", "anyOf", "oneOf"):
        for sub in s.get(combo, []) or []:
            out.extend(_resolve(root, sub, depth + 1))
    for cond in ("then", "else"):
        if isinstance(s.get(cond), dict):
            out.extend(_resolve(root, s[cond], depth + 1))
    return out


def _children(root: Schema, schemas: list[Schema], step: str | int) -> list[Schema]:
    out: list[Schema] = []
    for s in schemas:
        if isinstance(step, int):
            items = s.get("items")
            if isinstance(items, dict):
                out.extend(_resolve(root, items))
            elif isinstance(items, list) and step < len(items):
                out.extend(_resolve(root, items[step]))
            continue
        props = s.get("properties")
        if isinstance(props, dict):
            hit = props.get(step)
            if hit is None:
                low = step.lower()
                hit = next((v for k, v in props.items() if k.lower() == low), None)
            if hit is not None:
                out.extend(_resolve(root, hit))
                continue
        for pattern, sub in (s.get("patternProperties") or {}).items():
            try:
                if re.search(pattern, step):
                    out.extend(_resolve(root, sub))
            except re.error:
                continue
        extra = s.get("additionalProperties")
        if isinstance(extra, dict):
            out.extend(_resolve(root, extra))
    return out


def schemas_at(root: Schema, path: tuple[str | int, ...]) -> list[Schema]:
    """Every (sub)schema that applies at ``path``."""
    current = _resolve(root, root)
    for step in path:
        current = _children(root, current, step)
        if not current:
            return []
    return current


def properties(root: Schema, schemas: list[Schema]) -> Iterator[tuple[str, list[Schema], bool]]:
    """(name, its schemas, required) for every named property the schemas allow."""
    seen: dict[str, list[Schema]] = {}
    required: set[str] = set()
    for s in schemas:
        for name in s.get("required", []) or []:
            if isinstance(name, str):
                required.add(name)
        for name, sub in (s.get("properties") or {}).items():
            seen.setdefault(name, []).extend(_resolve(root, sub))
    for name, subs in seen.items():
        yield name, subs, name in required


def description(schemas: list[Schema]) -> str | None:
    for key in ("markdownDescription", "description"):
        for s in schemas:
            text = s.get(key)
            if isinstance(text, str) and text.strip():
                return text
    return None


def types_of(schemas: list[Schema]) -> set[str]:
    out: set[str] = set()
    for s in schemas:
        t = s.get("type")
        if isinstance(t, str):
            out.add(t)
        elif isinstance(t, list):
            out.update(x for x in t if isinstance(x, str))
        if "enum" in s or "const" in s:
            for v in s.get("enum", [s.get("const")]) or []:
                out.add(_json_type(v))
    return out


def _json_type(v: Any) -> str:
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int | float):
        return "number"
    if isinstance(v, str):
        return "string"
    if v is None:
        return "null"
    return "object" if isinstance(v, dict) else "array"


def values(schemas: list[Schema]) -> list[tuple[Any, str | None]]:
    """Suggested values (enum, const, examples, default, booleans) with their descriptions."""
    out: list[tuple[Any, str | None]] = []
    seen: set[str] = set()

    def add(v: Any, doc: str | None) -> None:
        key = repr(v)
        if key not in seen:
            seen.add(key)
            out.append((v, doc))

    for s in schemas:
        enum = s.get("enum")
        docs = s.get("enumDescriptions") or s.get("markdownEnumDescriptions") or []
        if isinstance(enum, list):
            for i, v in enumerate(enum):
                add(v, docs[i] if i < len(docs) and isinstance(docs[i], str) else None)
        if "const" in s:
            add(s["const"], s.get("description"))
    for s in schemas:
        for v in s.get("examples", []) or []:
            if isinstance(v, str | int | float | bool):
                add(v, None)
        if "default" in s and isinstance(s["default"], str | int | float | bool):
            add(s["default"], "default")
    if "boolean" in types_of(schemas):
        add(True, None)
        add(False, None)
    return out
