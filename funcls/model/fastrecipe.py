"""A dataclass built from a recipe instead of ``dataclasses``' own analysis (issue 16).

``funcls.model.fastclass`` gives ``dataclasses.dataclass`` the compiled methods of its tables,
but ``dataclasses`` still analyses each class (the kind of each annotation, through a regular
expression and ``sys.modules``) and writes every method's text to look it up: about 20 ms of
`funcls check`'s start for its 86 classes. The tables also hold a recipe per class, written by
``python -m funcls.model.fastclass --write``: the kind of each annotation (field, ``ClassVar``,
``InitVar``, ``KW_ONLY``), the options, and the flags of every field that decide the methods'
texts, with the texts dataclasses compiled for it, in the order it compiled them.

``replay`` does what ``dataclasses._process_class`` (CPython 3.11, Lib/dataclasses.py) does,
in the same order, with the same Field objects and helpers, except that it takes the methods
from the recipe instead of writing their texts. It first checks everything the texts depend
on (the annotations, options, every field's flags, ``__post_init__``) and everything that
would make dataclasses raise; on any difference it returns None before changing the class,
and the class is built the standard way. The recipes are used only with the ``dataclasses``
whose text-writing functions they were written with (``dataclasses_key``).
"""

from __future__ import annotations

import dataclasses
import sys
import types
import zlib
from collections.abc import Callable, Sequence
from typing import Any

# The option defaults of dataclasses.dataclass (3.10-3.12).
_DEFAULTS = {
    "init": True,
    "repr": True,
    "eq": True,
    "order": False,
    "unsafe_hash": False,
    "frozen": False,
    "match_args": True,
    "kw_only": False,
    "slots": False,
    "weakref_slot": False,
}
# What dataclasses compiles the methods' texts from, and how it names their free variables.
_WRITERS = (
    "_create_fn",
    "_field_assign",
    "_field_init",
    "_init_param",
    "_init_fn",
    "_repr_fn",
    "_frozen_get_del_attr",
    "_cmp_fn",
    "_hash_fn",
    "_tuple_str",
    "_process_class",
    "_get_field",
    "field",
)
_KINDS = {"_FIELD": "f", "_FIELD_CLASSVAR": "c", "_FIELD_INITVAR": "i"}
_key: int | None = None
_FIXED: dict[str, Any] | None = None


class _Stale(Exception):
    """The recipe does not fit the class as declared now."""


def own_annotations(cls: type) -> dict[str, Any]:
    """The annotations dict of ``cls`` itself, the very object ``dataclasses`` reads
    (``inspect.get_annotations`` would give a copy)."""
    annotations: dict[str, Any] = cls.__dict__.get("__annotations__", {})  # noqa: RUF063
    return annotations


def dataclasses_key() -> int:
    """A checksum of this interpreter's dataclasses functions that write the methods' texts
    (their bytecode and constants): a recipe written under another one is not used."""
    global _key
    if _key is None:
        parts = [sys.version.split()[0].rpartition(".")[0].encode()]
        for name in (*_WRITERS, "Field"):
            item = getattr(dataclasses, name, None)
            if name == "Field":
                item = getattr(item, "__init__", None)
            code = getattr(item, "__code__", None)
            if code is None:
                parts.append(b"-")
                continue
            parts.append(code.co_code)
            parts.extend(str(c).encode() for c in code.co_consts if isinstance(c, (str, int)))
        _key = zlib.crc32(b"\0".join(parts))
    return _key


def _flags(fields: Sequence[Any]) -> tuple[tuple[Any, ...], ...]:
    """What the method texts read of each field (inherited ones included)."""
    missing = dataclasses.MISSING
    return tuple(
        (
            f.name,
            _KINDS.get(f._field_type.name, "?"),
            f.init,
            f.repr,
            f.compare,
            f.hash,
            "MISSING" if f.kw_only is missing else f.kw_only,
            "F" if f.default_factory is not missing else ("D" if f.default is not missing else ""),
        )
        for f in fields
    )


def recipe(cls: type, options: dict[str, Any], texts: Sequence[int]) -> tuple[Any, ...]:
    """The recipe of ``cls`` as dataclasses just built it with ``options``; ``texts`` are the
    indices of the texts it compiled, in order (--write)."""
    kw_only_sentinel = dataclasses.KW_ONLY
    own = own_annotations(cls)
    fields = cls.__dataclass_fields__  # type: ignore[attr-defined]
    kinds = []
    for name, annotation in own.items():
        if name in fields and fields[name].type is annotation:
            kinds.append(_KINDS[fields[name]._field_type.name])
        else:  # a KW_ONLY pseudo-field (dataclasses drops it)
            assert annotation is kw_only_sentinel or "KW_ONLY" in str(annotation), name
            kinds.append("k")
    return (
        dict(own),
        "".join(kinds),
        dict(sorted(options.items())),
        hasattr(cls, "__post_init__"),
        _flags(list(fields.values())),
        tuple(texts),
    )


def replay(
    cls: type,
    options: dict[str, Any],
    made: tuple[Any, ...],
    functions: Sequence[Callable[..., Any]],
) -> type | None:
    """``cls`` made a dataclass from its recipe ``made`` (see the module's docstring), or
    None, the class untouched, when the recipe does not fit it."""
    try:
        return _replay(cls, options, made, functions)
    except _Stale:
        return None


def _replay(
    cls: type,
    options: dict[str, Any],
    made: tuple[Any, ...],
    functions: Sequence[Callable[..., Any]],
) -> type:
    dc: Any = dataclasses
    annotations, kinds, recorded_options, post_init, flags, texts = made
    own = own_annotations(cls)
    if own != annotations or options != recorded_options:
        raise _Stale
    o = {**_DEFAULTS, **options}
    if len(o) != len(_DEFAULTS):
        raise _Stale  # an option this recipe does not know
    init, eq, order, frozen = o["init"], o["eq"], o["order"], o["frozen"]
    slots = o["slots"]
    module = sys.modules.get(cls.__module__)
    globals_ = module.__dict__ if module is not None else {}

    # The fields, as _process_class and _get_field make them (nothing of cls changed yet).
    missing = dc.MISSING
    fields: dict[str, Any] = {}
    any_frozen_base = has_dataclass_bases = False
    for b in cls.__mro__[-1:0:-1]:
        base_fields = getattr(b, "__dataclass_fields__", None)
        if base_fields is not None:
            has_dataclass_bases = True
            for f in base_fields.values():
                fields[f.name] = f
            if b.__dataclass_params__.frozen:  # type: ignore[attr-defined]
                any_frozen_base = True
    kw_only = o["kw_only"]
    field_type = {"f": dc._FIELD, "c": dc._FIELD_CLASSVAR, "i": dc._FIELD_INITVAR}
    own_fields = []
    for (name, annotation), kind in zip(own.items(), kinds, strict=True):
        if kind == "k":
            kw_only = True
            continue
        default = getattr(cls, name, missing)
        if isinstance(default, dc.Field):
            f = default
        else:
            if isinstance(default, types.MemberDescriptorType):
                default = missing
            # field(default=default), without its call (dataclasses_key covers both).
            f = dc.Field(default, missing, True, True, None, True, None, missing)
        f.name = name
        f.type = annotation
        f._field_type = field_type[kind]
        if kind == "f" or kind == "i":
            if kind == "i" and f.default_factory is not missing:
                raise _Stale  # dataclasses raises TypeError
            if f.kw_only is missing:
                f.kw_only = kw_only
        elif f.default_factory is not missing or f.kw_only is not missing:
            raise _Stale  # a ClassVar with a factory or kw_only: TypeError
        if kind == "f" and f.default.__class__.__hash__ is None:
            raise _Stale  # a mutable default: ValueError
        own_fields.append(f)
    for f in own_fields:
        fields[f.name] = f
    if _flags(list(fields.values())) != flags or hasattr(cls, "__post_init__") != post_init:
        raise _Stale
    # Everything that makes dataclasses raise, before cls changes.
    for name, value in cls.__dict__.items():
        if isinstance(value, dc.Field) and name not in own:
            raise _Stale
    if has_dataclass_bases and any_frozen_base != bool(frozen):
        raise _Stale
    if order and not eq:
        raise _Stale
    class_hash = cls.__dict__.get("__hash__", missing)
    has_explicit_hash = not (
        class_hash is missing or (class_hash is None and "__eq__" in cls.__dict__)
    )
    hash_action = dc._hash_action[bool(o["unsafe_hash"]), bool(eq), bool(frozen), has_explicit_hash]
    if hash_action is dc._hash_exception:
        raise _Stale
    names = set(cls.__dict__)
    if (order and names & {"__lt__", "__le__", "__gt__", "__ge__"}) or (
        frozen and names & {"__setattr__", "__delattr__"}
    ):
        raise _Stale
    if (o["weakref_slot"] and not slots) or (slots and "__slots__" in names):
        raise _Stale
    if not cls.__doc__:
        raise _Stale  # fastclass gives every class one first; dataclasses would write it

    # The methods, in the order dataclasses compiled them, each given its free variables.
    queue = [functions[i] for i in reversed(texts)]
    fixed = dict(_fixed(), cls=cls)

    def method(name: str) -> Any:
        if not queue:
            raise _Stale
        code = queue.pop().__code__
        create = types.FunctionType(code, globals_, code.co_name)
        free = {}
        for var in code.co_varnames[: code.co_argcount]:
            if var in fixed:
                free[var] = fixed[var]
            elif var[:6] == "_type_" and var[6:] in fields:
                free[var] = fields[var[6:]].type
            elif var[:6] == "_dflt_" and var[6:] in fields:
                f = fields[var[6:]]
                free[var] = f.default if f.default_factory is missing else f.default_factory
            else:
                raise _Stale
        fn = create(**free)
        if fn.__name__ != name:
            raise _Stale
        return fn

    # Check that every method can be made before cls changes.
    made_methods = _methods(cls, o, method)
    if queue:
        raise _Stale

    # From here on as _process_class, cls changed in the same order.
    cls.__dataclass_params__ = dc._DataclassParams(  # type: ignore[attr-defined]
        init, o["repr"], eq, order, o["unsafe_hash"], frozen
    )
    for f in own_fields:
        if isinstance(getattr(cls, f.name, None), dc.Field):
            if f.default is missing:
                delattr(cls, f.name)
            else:
                setattr(cls, f.name, f.default)
    cls.__dataclass_fields__ = fields  # type: ignore[attr-defined]
    for name, fn in made_methods:
        if name == "__hash__":
            continue
        dc._set_new_attribute(cls, name, fn)
    if hash_action is not None:
        hashed: Any = dict(made_methods).get("__hash__")
        if hashed is not None:
            hashed = dc._set_qualname(cls, hashed)
        cls.__hash__ = hashed  # type: ignore[method-assign]
    if o["match_args"]:
        std = [
            f
            for f in fields.values()
            if f._field_type in (dc._FIELD, dc._FIELD_INITVAR) and f.init and not f.kw_only
        ]
        dc._set_new_attribute(cls, "__match_args__", tuple(f.name for f in std))
    if slots:
        cls = dc._add_slots(cls, frozen, o["weakref_slot"])
    dc.abc.update_abstractmethods(cls)
    return cls


def _methods(cls: type, o: dict[str, Any], method: Callable[[str], Any]) -> list[tuple[str, Any]]:
    """The methods _process_class adds, made in its order."""
    dc: Any = dataclasses
    out: list[tuple[str, Any]] = []
    if o["init"]:
        out.append(("__init__", method("__init__")))
    if o["repr"]:
        out.append(("__repr__", dc._recursive_repr(method("__repr__"))))
    if o["eq"]:
        out.append(("__eq__", method("__eq__")))
    if o["order"]:
        for name in ("__lt__", "__le__", "__gt__", "__ge__"):
            out.append((name, method(name)))
    if o["frozen"]:
        out.append(("__setattr__", method("__setattr__")))
        out.append(("__delattr__", method("__delattr__")))
    class_hash = cls.__dict__.get("__hash__", dc.MISSING)
    explicit = not (class_hash is dc.MISSING or (class_hash is None and "__eq__" in cls.__dict__))
    action = dc._hash_action[bool(o["unsafe_hash"]), bool(o["eq"]), bool(o["frozen"]), explicit]
    if action is dc._hash_add:
        out.append(("__hash__", method("__hash__")))
    elif action is dc._hash_set_none:
        out.append(("__hash__", None))
    return out


def _fixed() -> dict[str, Any]:
    """The values dataclasses gives the free variables of the methods it compiles that are
    the same for every class (``_type_<field>``, ``_dflt_<field>`` and ``cls`` are not)."""
    global _FIXED
    if _FIXED is None:
        dc: Any = dataclasses
        _FIXED = {
            "MISSING": dc.MISSING,
            "_HAS_DEFAULT_FACTORY": dc._HAS_DEFAULT_FACTORY,
            "__dataclass_builtins_object__": object,
            "_return_type": None,
            "FrozenInstanceError": dc.FrozenInstanceError,
        }
    return _FIXED
