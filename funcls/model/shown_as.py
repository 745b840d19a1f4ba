"""``@shown_as(Model)``: a class that stands in for a model class compares, hashes and prints
as that class (issue 16).

The model's values, bindings and analysis records whose ranges are made when first read
(``jsonvalues.JsonValue``/``JsonBinding``, ``v2.pyvalues.PyArgValue``/``PyBinding``,
``python.facts.LazyPyValue``/``LazyKeyword``) are subclasses of slotted dataclasses; the
JSON nodes (``jsondoc.nodes``) are slotted classes that replaced dataclasses. Each must stay
what it stands for: equal to an instance of the model class with the same fields (both ways:
the dataclass's own ``__eq__`` declines a subclass, Python then asks this one), unhashable as
a dataclass with ``eq`` and without ``frozen``, and the same ``repr``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T", bound=type)


def shown_as(model: type | None = None, *, fields: tuple[str, ...] = ()) -> Callable[[T], T]:
    """Give the decorated class ``__eq__``, ``__hash__`` and ``__repr__`` as the dataclass
    ``model`` has them: equal to any instance of ``model`` (itself included) whose compared
    fields are equal, read through the class's own attributes in order (a lazy range is made
    then) and compared as a dataclass's tuple compares them (the same object, or ``==``);
    ``__hash__`` None; ``repr`` naming ``model`` and its shown fields. ``model`` None: the
    decorated class itself, ``fields`` then the fields of the dataclass it was (in order)."""

    def decorate(cls: T) -> T:
        shown = cls if model is None else model
        if fields:
            compared = shown_fields = fields
        else:
            declared = dataclasses.fields(shown)
            compared = tuple(f.name for f in declared if f.compare)
            shown_fields = tuple(f.name for f in declared if f.repr)
        name = shown.__qualname__

        def __eq__(self: Any, other: object) -> bool:
            if not isinstance(other, shown):
                return NotImplemented
            # Field by field, stopping at the first that differs: a lazy range after it is not
            # made for nothing (reading one of a JSON value locates its whole document).
            for field in compared:
                mine, theirs = getattr(self, field), getattr(other, field)
                if mine is not theirs and mine != theirs:
                    return False
            return True

        def __repr__(self: Any) -> str:
            inner = ", ".join(f"{f}={getattr(self, f)!r}" for f in shown_fields)
            return f"{name}({inner})"

        __eq__.__qualname__ = f"{cls.__qualname__}.__eq__"
        __repr__.__qualname__ = f"{cls.__qualname__}.__repr__"
        cls.__eq__ = __eq__  # type: ignore[assignment]
        cls.__hash__ = None  # type: ignore[assignment]
        cls.__repr__ = __repr__  # type: ignore[assignment]
        return cls

    return decorate
