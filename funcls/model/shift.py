"""Moving what was built from one file's lines when lines are added or removed above it.

Pressing Enter inside a def of a module moves every def below it down one line, and nothing
else about them changes. Analysing those defs again, building their functions again and
checking them again cost hundreds of milliseconds on a module of 500 functions (issue 16),
where a copy of each result with its lines moved costs a few microseconds. ``shifted`` makes
that copy: every ``Position`` at or below ``Shift.at`` of the edited file moves by
``Shift.delta`` lines; everything else is shared with the original.

Only the types the model builds are copied. Anything else that might hold a position (an
object of another class, an ``int`` in a place where it may be a line number: a finding's
``data``) raises ``Unshiftable``, and the caller builds the thing again instead, so a copy is
either exact or not made. The tests compare every copy with what a fresh analysis of the
same text gives (``tests/lsp/unit/test_reindex_patch.py``,
``tests/unit/test_model_shift.py``).
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from enum import Enum
from typing import Any, Literal, NamedTuple, TypeVar, get_args, get_origin

from funcls.model.locations import Location, Position, Range

T = TypeVar("T")
_new = tuple.__new__
# A model object or a range reached twice is copied once (see ``shifter``): id(object) ->
# (object, its copy), the object held so that its id stays its own while the memo lives; a
# range (an immutable tuple, whose copy depends on its value alone) -> its copy.
Memo = dict[Any, Any]


class Shift(NamedTuple):
    """Lines of ``path`` from ``at`` (zero-based, in the text before the edit) move by
    ``delta`` (negative when lines were removed)."""

    path: str
    at: int
    delta: int


class Unshiftable(Exception):
    """The object holds something ``shifted`` cannot move with certainty."""


# Integer fields that are line numbers (zero-based), by class name and field.
_LINE_FIELDS = {("PyFunction", "body_line")}
# Fields holding lines in tuples (the if/else arms a def stands in): moved only when empty.
_REFUSED_UNLESS_EMPTY = {"branch"}
_ATOMS: tuple[type, ...] = (str, bool, float, type(None), Enum)


class _Shifter:
    """One shift applied to many objects (the per-class field lists are made once)."""

    def __init__(self, shift: Shift, ints_ok: bool, memo: Memo | None = None) -> None:
        self.path = shift.path
        self.at = shift.at
        self.delta = shift.delta
        self.ints_ok = ints_ok
        self.memo = memo

    def position(self, p: Position) -> Position:
        return _new(Position, (p[0] + self.delta, p[1])) if p[0] >= self.at else p

    def range(self, r: Range) -> Range:
        at = self.at
        start, end = r
        if end[0] < at:
            return r
        m = self.memo
        if m is not None:
            hit = m.get(r)
            if hit is not None:
                return hit  # type: ignore[no-any-return]
        d = self.delta
        moved = _new(
            Range,
            (
                _new(Position, (start[0] + d, start[1])) if start[0] >= at else start,
                _new(Position, (end[0] + d, end[1])),
            ),
        )
        if m is not None:
            m[r] = moved
        return moved

    def value(self, v: Any) -> Any:
        t = type(v)
        if t is Range:
            return self.range(v)
        copier = _COPIERS.get(t)
        if copier is not None:
            return copier(v, self)
        if t is str or v is None or t is bool:
            return v
        if t is list:
            return [self.value(x) for x in v] if v else []
        if t is dict:
            return {k: self.value(x) for k, x in v.items()} if v else {}
        if t is int:
            if self.ints_ok:
                return v
            raise Unshiftable("an integer that may be a line number")
        if t is Position:
            return self.position(v)
        if t is Location:
            return Location(v.path, self.range(v.range)) if v.path == self.path else v
        if t is tuple:
            return tuple(self.value(x) for x in v)
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            copier = _COPIERS[t] = _copier(t)
            return copier(v, self)
        if isinstance(v, _ATOMS):
            return v
        raise Unshiftable(f"a {t.__name__} object")


# One function per class, written from its fields' declared types: a field declared ``str``,
# ``bool`` or ``int`` (never a line, but for ``_LINE_FIELDS``) is taken as it is, a ``Range``
# is moved inline, a model class (or a list or a ``dict[str, …]`` of one) goes straight to that
# class's function, anything else through ``_Shifter.value``. A def of the generated apps
# holds some 30 objects and 45 ranges, and a keystroke that adds a line on a 500-function
# module copies hundreds of defs: this is several times faster than looking at every value's
# type.
_COPIERS: dict[type, Callable[[Any, _Shifter], Any]] = {}
_PLAIN_TYPES = {"str", "bool", "int", "float", "str | None", "bool | None", "int | None"}
_MOVE_RANGE = """\
    r = o.{name}
    if r is not None and r[1][0] >= at:
        h = m.get(r) if m is not None else None
        if h is not None:
            r = h
        else:
            a, b = was = r
            r = tnew(Range, (tnew(Position, (a[0] + d, a[1])) if a[0] >= at else a,
                             tnew(Position, (b[0] + d, b[1]))))
            if m is not None:
                m[was] = r"""


def _plain_alias(cls: type, name: str) -> bool:
    """Whether ``name``, in the module that defines ``cls``, is a ``Literal`` of strings (a
    def's scope, a value's kind): taken as it is, like a ``str`` field."""
    found = vars(sys.modules[cls.__module__]).get(name)
    return get_origin(found) is Literal and all(type(a) is str for a in get_args(found))


def _model_class(cls: type, name: str) -> type | None:
    """The dataclass ``name`` stands for in the module that defines ``cls``, if any."""
    found = vars(sys.modules[cls.__module__]).get(name)
    if isinstance(found, type) and dataclasses.is_dataclass(found):
        return found
    return None


def _declared(cls: type) -> type:
    """The dataclass that declares ``cls``'s fields: ``cls``, or the model class a subclass
    whose ranges are made when read stands for (``facts.LazyPyFunction``, ``DefFunction``)."""
    for c in cls.__mro__:
        if "__dataclass_fields__" in c.__dict__:
            return c
    return cls


def _copier(cls: type) -> Callable[[Any, _Shifter], Any]:
    model = _declared(cls)  # its field names and the names of its module (annotations)
    params = getattr(cls, "__dataclass_params__", None)
    frozen = bool(params is not None and params.frozen)
    lines = ["def copy(o, S):", "    at = S.at", "    d = S.delta"]
    fields = dataclasses.fields(cls)
    if any(f.name == "path" for f in fields):
        # A binding, an edit, a problem of another file: its positions are that file's.
        lines.append("    if o.path != S.path: return o")
    lines += [
        "    m = S.memo",
        "    if m is not None:",
        "        hit = m.get(id(o))",
        "        if hit is not None and hit[0] is o: return hit[1]",
        "    n = new(C)",
        "    if m is not None: m[id(o)] = (o, n)",
    ]
    uses: dict[str, type] = {}
    for f in fields:
        name, kind = f.name, str(f.type)
        optional = kind.endswith(" | None")
        bare = kind.removesuffix(" | None")
        inner = bare[5:-1] if bare.startswith("list[") else None
        value = bare[10:-1] if bare.startswith("dict[str, ") else None
        direct = _model_class(model, inner or value or bare)
        if name in _REFUSED_UNLESS_EMPTY:
            lines.append(f"    if o.{name}: raise Unshiftable('{cls.__name__}.{name}: lines')")
            expr = f"o.{name}"
        elif (model.__name__, name) in _LINE_FIELDS:
            expr = f"o.{name} + d if o.{name} >= at else o.{name}"
        elif kind in _PLAIN_TYPES or kind.startswith("Literal[") or _plain_alias(model, bare):
            expr = f"o.{name}"
        elif kind == "list[str]":
            expr = f"o.{name}[:]"
        elif bare == "Range":
            lines.append(_MOVE_RANGE.format(name=name))
            expr = "r"
        elif direct is not None:
            uses[direct.__name__] = direct
            fn = f"CP[{direct.__name__}]"
            if inner:
                expr = f"[{fn}(x, S) for x in o.{name}] if o.{name} else []"
            elif value:
                expr = f"{{k: {fn}(x, S) for k, x in o.{name}.items()}} if o.{name} else {{}}"
            else:
                expr = f"{fn}(o.{name}, S)"
            if optional:
                expr = f"None if o.{name} is None else ({expr})"
        elif inner == "Range" and not optional:
            expr = f"[S.range(x) for x in o.{name}] if o.{name} else []"
        else:
            expr = f"S.value(o.{name})"
        if frozen:
            lines.append(f"    setattr(n, '{name}', {expr})")
        else:
            lines.append(f"    n.{name} = {expr}")
    lines.append("    return n")
    namespace: dict[str, Any] = {
        "new": object.__new__,
        "tnew": _new,
        "Range": Range,
        "Position": Position,
        "C": cls,
        "CP": _COPIERS,
        "setattr": object.__setattr__,
        "Unshiftable": Unshiftable,
        **uses,
    }
    exec("\n".join(lines), namespace)  # code written above from the class's field names
    copier: Callable[[Any, _Shifter], Any] = namespace["copy"]
    _COPIERS[cls] = copier
    for used in uses.values():  # written before the first copy is made
        if used not in _COPIERS:
            _copier(used)
    return copier


def shifted(obj: T, shift: Shift, ints_ok: bool = True) -> T:
    """A copy of ``obj`` (a model dataclass, or lists, dicts and tuples of them) whose
    positions in ``shift.path`` at or after line ``shift.at`` moved by ``shift.delta``.
    ``ints_ok``: integers are values, never lines (true of the model's classes, whose line
    fields are known; not of a finding's ``data``). Raises ``Unshiftable``."""
    return _Shifter(shift, ints_ok).value(obj)  # type: ignore[no-any-return]


def shifter(shift: Shift, ints_ok: bool = True, memo: Memo | None = None) -> Callable[[T], T]:
    """``shifted`` for many objects with the same shift. ``memo``: a model object reached
    more than once (a ``Value`` both a decorator's keyword and a binding's property, a
    ``Parameter`` of both a def's analysis and its ``Function``) is copied once and the
    copies share it as the originals do; entries put in beforehand stand for the copy of
    their original (the caller's copies of the same objects with the same shift)."""
    return _Shifter(shift, ints_ok, memo).value
