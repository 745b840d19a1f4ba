"""Functions whose def's ranges are read from the Python analysis when first asked (issue 16).

A check with no finding reads a function's ``def_range`` and ``def_name_range`` rarely (the
line of the def, for a few rules), and the analysis of the def makes them only when read
(``facts.LazyPyFunction``): copying them into the ``Function`` when it is built would make
them all. The v2 builder and v1's ``_attach_entry`` set both range slots to the
``PyFunction`` and change the ``Function``'s class to ``DefFunction``, whose properties read
each range from it when first asked (and keep it in the slot). Otherwise it is the
model's ``Function`` (``shown_as``: equal to a ``Function`` of the same fields, the same
``repr``). Changing the class costs about 800 instructions, a setter called by
``Function.__init__`` about 1,000 (callgrind, Python 3.11), a Range about 2,500 in place.
"""

from __future__ import annotations

from typing import Any

from funcls.model.appmodel import Function
from funcls.model.locations import Range
from funcls.model.shown_as import shown_as

_FN_DEF_RANGE: Any = Function.__dict__["def_range"]
_FN_DEF_NAME_RANGE: Any = Function.__dict__["def_name_range"]
_RANGE = Range


@shown_as(Function)
class DefFunction(Function):
    """``def_range`` and ``def_name_range`` read from the ``PyFunction`` their slots hold
    until then. No slot of its own, so that a built ``Function`` can become one (the
    ``Function.__init__`` of a subclass would call the properties' setters)."""

    __slots__ = ()

    @property
    def def_range(self) -> Range | None:
        r = _FN_DEF_RANGE.__get__(self)
        if r is not None and r.__class__ is not _RANGE:  # the PyFunction, first read
            r = r.def_range
            _FN_DEF_RANGE.__set__(self, r)
        return r  # type: ignore[no-any-return]

    @def_range.setter
    def def_range(self, r: Range | None) -> None:
        _FN_DEF_RANGE.__set__(self, r)

    @property
    def def_name_range(self) -> Range | None:
        r = _FN_DEF_NAME_RANGE.__get__(self)
        if r is not None and r.__class__ is not _RANGE:  # the PyFunction, first read
            r = r.name_range
            _FN_DEF_NAME_RANGE.__set__(self, r)
        return r  # type: ignore[no-any-return]

    @def_name_range.setter
    def def_name_range(self, r: Range | None) -> None:
        _FN_DEF_NAME_RANGE.__set__(self, r)
