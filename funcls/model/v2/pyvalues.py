"""Values of decorator arguments whose ranges are made when first read (issue 16).

A check reads the ranges of few of the values of the decorators: those of its findings (none
on the 1,000-function bench). ``PyArgValue`` keeps the analysis record of the expression (a
``PyValue``) and of the keyword that names it, and asks them for their ranges only when its
own are first read, as ``jsonvalues.JsonValue`` does for JSON. Otherwise it is the model's
``Value``: same fields, equal to a ``Value`` of the same fields, the same ``repr`` (``shown_as``).
"""

from __future__ import annotations

from typing import Any

from funcls.model.appmodel import Binding, Value
from funcls.model.locations import Range
from funcls.model.python.facts import Keyword, PyValue
from funcls.model.shown_as import shown_as

_VALUE_RANGE: Any = Value.__dict__["range"]
_VALUE_KEY_RANGE: Any = Value.__dict__["key_range"]


@shown_as(Value)
class PyArgValue(Value):
    """``range`` the expression's (``pv``), ``key_range`` the keyword name's (``kw``, or none)."""

    __slots__ = ("_kw", "_pv")

    def __init__(
        self,
        value: Any,
        pv: PyValue,
        kw: Keyword | None,
        known: bool = True,
        text: str | None = None,
        env: str | None = None,
    ) -> None:
        self.value = value
        self.known = known
        self.text = text
        self.origin = "explicit"
        self.env = env
        self._pv: PyValue | None = pv
        self._kw: Keyword | None = kw
        if kw is None:
            _VALUE_KEY_RANGE.__set__(self, None)

    @property
    def range(self) -> Range | None:
        pv = getattr(self, "_pv", None)  # unset in a copy made by object.__new__ (shift.py)
        if pv is not None:
            self._pv = None
            _VALUE_RANGE.__set__(self, pv.range)
        return _VALUE_RANGE.__get__(self)  # type: ignore[no-any-return]

    @range.setter
    def range(self, r: Range | None) -> None:
        self._pv = None
        _VALUE_RANGE.__set__(self, r)

    @property
    def key_range(self) -> Range | None:
        kw = getattr(self, "_kw", None)  # unset in a copy made by object.__new__ (shift.py)
        if kw is not None:
            self._kw = None
            _VALUE_KEY_RANGE.__set__(self, kw.name_range)
        return _VALUE_KEY_RANGE.__get__(self)  # type: ignore[no-any-return]

    @key_range.setter
    def key_range(self, r: Range | None) -> None:
        self._kw = None
        _VALUE_KEY_RANGE.__set__(self, r)

    def with_keyword(self, kw: Keyword | None) -> PyArgValue:
        """This value, its ``key_range`` that of ``kw`` (none without one)."""
        self._kw = kw
        if kw is None:
            _VALUE_KEY_RANGE.__set__(self, None)
        return self


_NAME_RANGE: Any = Binding.__dict__["name_range"]


@shown_as(Binding)
class PyBinding(Binding):
    """A binding a decorator adds whose ``name_range`` is that of the value naming it
    (``arg_name=``), read from that value when first read (``name_from``)."""

    __slots__ = ("_name_value",)

    def name_from(self, v: Value) -> None:
        self._name_value: Value | None = v

    @property
    def name_range(self) -> Range | None:
        v = getattr(self, "_name_value", None)  # unset in a copy made by object.__new__
        if v is not None:
            self._name_value = None
            _NAME_RANGE.__set__(self, v.range)
        return _NAME_RANGE.__get__(self)  # type: ignore[no-any-return]

    @name_range.setter
    def name_range(self, r: Range | None) -> None:
        self._name_value = None
        _NAME_RANGE.__set__(self, r)
