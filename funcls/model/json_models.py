"""The JSON object a class of the app expects, read from its annotations: what a function's
trigger JSON must hold when the function builds a dataclass or a pydantic model from it
(``Order(**req.get_json())``, ``Order.model_validate(body)``,
``Order.model_validate_json(req.get_body())``). run_inputs makes its sample body from it: QA
in code-server, "Run with input…" of a function that builds ``Order`` from its body pre-filled
``{}`` or ``"sample"`` values the model refused (pydantic: "Input should be a valid integer").

Read from the source text with ``ast`` (never imported, never run). One value per annotation:
a number for ``int``/``float``, ``true`` for ``bool``, a list of one item for ``list[X]``, a
nested object for another class of the app, the first of a ``Literal``, the constant default
of a field when it has one.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

# A class of the app by the name a module uses for it (its own or imported), with the lookup
# of the module that defines it.
Lookup = Callable[[str], "tuple[ast.ClassDef, Lookup] | None"]

SAMPLE_TEXT = "sample"
# Methods of a class that build it from a JSON object / from JSON text (pydantic v2, then v1).
FROM_OBJECT = frozenset({"model_validate", "parse_obj", "from_dict"})
FROM_TEXT = frozenset({"model_validate_json", "parse_raw"})
_MAX_DEPTH = 4  # nested classes followed

_BY_NAME: dict[str, Any] = {
    "int": 1,
    "float": 1.0,
    "Decimal": 1,
    "complex": 1,
    "bool": True,
    "str": SAMPLE_TEXT,
    "bytes": SAMPLE_TEXT,
    "dict": {},
    "Dict": {},
    "Mapping": {},
    "datetime": "2026-01-01T00:00:00Z",
    "date": "2026-01-01",
    "time": "12:00:00",
    "UUID": "00000000-0000-0000-0000-000000000001",
    "EmailStr": "someone@example.com",
    "HttpUrl": "https://example.com",
    "AnyUrl": "https://example.com",
}
_LISTS = frozenset(
    {"list", "List", "Sequence", "set", "Set", "frozenset", "FrozenSet", "tuple", "Tuple"}
)
_WRAPPERS = frozenset({"Optional", "Annotated", "Required", "NotRequired", "Final"})
# Calls that convert one value: the code reads a number where it writes int(body["qty"]).
CONVERSIONS: dict[str, Any] = {"int": 1, "float": 1.0, "Decimal": 1, "bool": True}


def class_fields(cls: ast.ClassDef, lookup: Lookup, depth: int = 0) -> dict[str, Any]:
    """The JSON object ``cls`` is built from: each field its constructor or validator takes
    (annotated names of its body and of its bases among ``classes``, in order; not a
    ``ClassVar``, a ``_private`` name or a dataclass ``field(init=False)``), with a sample
    value of its annotation, or its constant default. ``lookup`` finds the classes its
    module names (bases, the types of fields)."""
    out: dict[str, Any] = {}
    if depth > _MAX_DEPTH:
        return out
    for base in cls.bases:
        name = _name_of(base)
        found = lookup(name) if name is not None else None
        if found is not None and found[0] is not cls:
            out.update(class_fields(found[0], found[1], depth + 1))
    for stmt in cls.body:
        if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
            continue
        name = stmt.target.id
        if name.startswith("_") or _is_classvar(stmt.annotation) or _not_in_init(stmt.value):
            continue
        default = _constant_default(stmt.value)
        out[name] = (
            default
            if default is not None
            else annotation_sample(stmt.annotation, lookup, depth + 1)
        )
    return out


def annotation_sample(node: ast.expr, lookup: Lookup, depth: int = 0) -> Any:
    """A JSON value of the type ``node`` annotates."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:  # a forward reference: "Item", "list[Item]"
            parsed = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return SAMPLE_TEXT
        return annotation_sample(parsed, lookup, depth)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):  # X | None
        for side in (node.left, node.right):
            if not (isinstance(side, ast.Constant) and side.value is None):
                return annotation_sample(side, lookup, depth)
    if isinstance(node, ast.Subscript):
        outer = _name_of(node.value)
        args = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        if outer in _LISTS:
            return [annotation_sample(args[0], lookup, depth)] if args else []
        if outer in ("dict", "Dict", "Mapping", "MutableMapping"):
            return {}
        if outer == "Literal":
            first = args[0] if args else None
            return first.value if isinstance(first, ast.Constant) else SAMPLE_TEXT
        if outer == "Union" or outer in _WRAPPERS:
            chosen = next(
                (a for a in args if not (isinstance(a, ast.Constant) and a.value is None)), None
            )
            return annotation_sample(chosen, lookup, depth) if chosen is not None else None
        return SAMPLE_TEXT
    name = _name_of(node)
    if name is None:
        return SAMPLE_TEXT
    if name in _BY_NAME:
        return _BY_NAME[name]
    if name in _LISTS:
        return []
    found = lookup(name) if depth <= _MAX_DEPTH else None
    return class_fields(found[0], found[1], depth + 1) if found is not None else SAMPLE_TEXT


def module_classes(tree: ast.Module) -> dict[str, ast.ClassDef]:
    """The module's top-level classes by name."""
    return {stmt.name: stmt for stmt in tree.body if isinstance(stmt, ast.ClassDef)}


def _name_of(node: ast.expr) -> str | None:
    """``X`` of ``X`` or ``module.X``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_classvar(annotation: ast.expr) -> bool:
    head = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    return _name_of(head) == "ClassVar"


def _not_in_init(value: ast.expr | None) -> bool:
    """``field(init=False)`` (dataclasses) and pydantic's ``PrivateAttr()``."""
    if not isinstance(value, ast.Call):
        return False
    name = _name_of(value.func)
    if name == "PrivateAttr":
        return True
    return name == "field" and any(
        k.arg == "init" and isinstance(k.value, ast.Constant) and k.value.value is False
        for k in value.keywords
    )


def _constant_default(value: ast.expr | None) -> Any:
    """A field's default when it is a JSON constant (``qty: int = 1``, ``Field(1)``,
    ``field(default=1)``, ``Field(default="eur")``); None otherwise."""
    if isinstance(value, ast.Call) and _name_of(value.func) in ("Field", "field"):
        given = value.args[0] if value.args else None
        for k in value.keywords:
            if k.arg == "default":
                given = k.value
        value = given
    if isinstance(value, ast.Constant) and isinstance(value.value, bool | int | float | str):
        return value.value
    return None
