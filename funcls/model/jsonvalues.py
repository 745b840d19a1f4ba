"""Model elements read from a JSON document whose ranges are made when first read.

A check reads the ranges of few of the values and bindings of function.json,
local.settings.json and host.json: those of its findings (none on the 1,000-function bench).
Asking a node of a document read by the C decoder for its range makes the document find the
offsets of all its nodes (``jsondoc/cread.py``), about as costly as reading it once more; so
``JsonValue`` and ``JsonBinding`` keep their JSON nodes and ask them for ranges only when
their own ranges are first read (issue 16). Otherwise they are the model's ``Value`` and
``Binding``: same fields, equal to a ``Value``/``Binding`` of the same fields, the same
``repr`` (``shown_as``).

v1's function.json reader makes them from the C decoder's values before the document has
nodes (``JsonValue.at``, ``JsonBinding.at``: ``jsondoc/cread.LazyDocument.raw``); they keep
the document and the place of their member or object in it (the index of each member or
item on the way from the root) and find its node, which makes the document's nodes, only
when a range is read.
"""

from __future__ import annotations

from typing import Any

from funcls.model.appmodel import Binding, Value
from funcls.model.jsondoc import JsonDocument, JsonMember, JsonNode
from funcls.model.jsondoc.cread import to_python
from funcls.model.locations import Range
from funcls.model.shown_as import shown_as
from funcls.model.v2.pyvalues import PyArgValue

# The slots of the fields the properties below stand in front of.
_VALUE_RANGE: Any = Value.__dict__["range"]
_VALUE_KEY_RANGE: Any = Value.__dict__["key_range"]
_BINDING_RANGE: Any = Binding.__dict__["range"]
_TYPE_RANGE: Any = Binding.__dict__["type_range"]
_DIRECTION_RANGE: Any = Binding.__dict__["direction_range"]
_NAME_RANGE: Any = Binding.__dict__["name_range"]
_new = object.__new__

# Where a member or a node is in a document not yet made into nodes: the document and the
# index of each member (in an object) or item (in an array) from its root.
Place = tuple[JsonDocument, tuple[int, ...]]


def _at(place: Place) -> Any:
    """The member (the last index is a member's) or node (an item's) at ``place``."""
    doc, steps = place
    node = doc.root
    found: Any = node
    for i in steps:
        assert node is not None
        if node.kind == "object":
            found = node.members[i]
            node = found.value
        else:
            found = node = node.items[i]
    return found


@shown_as(Value)
class JsonValue(Value):
    """The value of a complete JSON member: ``range`` its value's, ``key_range`` its key's."""

    __slots__ = ("_member",)

    def __init__(self, member: JsonMember) -> None:
        node = member.value
        assert node is not None
        self.value = node.to_python()
        _VALUE_RANGE.__set__(self, None)
        _VALUE_KEY_RANGE.__set__(self, None)
        self.known = True
        self.text = None
        self.origin = "explicit"
        self.env = None
        self._member: JsonMember | Place | None = member

    @classmethod
    def at(cls, value: Any, doc: JsonDocument, steps: tuple[int, ...]) -> JsonValue:
        """The value of the member at ``steps`` of ``doc``, its raw ``value`` as the C decoder
        made it (``cread.LazyDocument.raw``): the member's node found when a range is read."""
        v = _new(cls)
        v.value = value if value.__class__ is str else to_python(value)
        _VALUE_RANGE.__set__(v, None)
        _VALUE_KEY_RANGE.__set__(v, None)
        v.known = True
        v.text = None
        v.origin = "explicit"
        v.env = None
        v._member = (doc, steps)
        return v

    def _resolve(self) -> None:
        m = getattr(self, "_member", None)  # unset in a copy made by object.__new__ (shift.py)
        if m is not None:
            self._member = None
            if m.__class__ is tuple:
                m = _at(m)
            assert isinstance(m, JsonMember)
            assert m.value is not None
            _VALUE_RANGE.__set__(self, m.value.range)
            _VALUE_KEY_RANGE.__set__(self, m.key_range)

    @property
    def range(self) -> Range | None:
        self._resolve()
        return _VALUE_RANGE.__get__(self)  # type: ignore[no-any-return]

    @range.setter
    def range(self, r: Range | None) -> None:
        self._resolve()
        _VALUE_RANGE.__set__(self, r)

    @property
    def key_range(self) -> Range | None:
        self._resolve()
        return _VALUE_KEY_RANGE.__get__(self)  # type: ignore[no-any-return]

    @key_range.setter
    def key_range(self, r: Range | None) -> None:
        self._resolve()
        _VALUE_KEY_RANGE.__set__(self, r)


@shown_as(Binding)
class JsonBinding(Binding):
    """A binding of function.json: ``range`` its object's, ``type_range``,
    ``direction_range`` and ``name_range`` the values' of its members so named."""

    __slots__ = ("_direction_node", "_name_node", "_node", "_type_node")

    def __init__(self, node: JsonNode, path: str) -> None:
        self.type = self.direction = self.name = ""
        self.path = path
        _BINDING_RANGE.__set__(self, None)
        self.properties = {}
        _TYPE_RANGE.__set__(self, None)
        _DIRECTION_RANGE.__set__(self, None)
        _NAME_RANGE.__set__(self, None)
        self.decorator = None
        self.decorator_index = None
        self._node: JsonNode | Place | None = node
        # The values of its type, direction and name members (from ``at``: their places).
        self._type_node: JsonNode | Place | None = None
        self._direction_node: JsonNode | Place | None = None
        self._name_node: JsonNode | Place | None = None

    @classmethod
    def at(cls, doc: JsonDocument, steps: tuple[int, ...], path: str) -> JsonBinding:
        """The binding of the object at ``steps`` of ``doc`` (its members added by the
        reader, ``v1.py``), its node found when a range is read."""
        b = cls(None, path)  # type: ignore[arg-type]
        b._node = (doc, steps)
        return b

    def _resolve(self) -> None:
        node = getattr(self, "_node", None)  # unset in a copy made by object.__new__ (shift.py)
        if node is not None:
            self._node = None
            if node.__class__ is tuple:
                node = _at(node)
            assert isinstance(node, JsonNode)
            _BINDING_RANGE.__set__(self, node.range)
            for slot, value in (
                (_TYPE_RANGE, self._type_node),
                (_DIRECTION_RANGE, self._direction_node),
                (_NAME_RANGE, self._name_node),
            ):
                if value.__class__ is tuple:
                    value = _at(value).value
                if value is not None:
                    assert isinstance(value, JsonNode)
                    slot.__set__(self, value.range)

    @property
    def range(self) -> Range:
        self._resolve()
        return _BINDING_RANGE.__get__(self)  # type: ignore[no-any-return]

    @range.setter
    def range(self, r: Range) -> None:
        self._resolve()
        _BINDING_RANGE.__set__(self, r)

    @property
    def type_range(self) -> Range | None:
        self._resolve()
        return _TYPE_RANGE.__get__(self)  # type: ignore[no-any-return]

    @type_range.setter
    def type_range(self, r: Range | None) -> None:
        self._resolve()
        _TYPE_RANGE.__set__(self, r)

    @property
    def direction_range(self) -> Range | None:
        self._resolve()
        return _DIRECTION_RANGE.__get__(self)  # type: ignore[no-any-return]

    @direction_range.setter
    def direction_range(self, r: Range | None) -> None:
        self._resolve()
        _DIRECTION_RANGE.__set__(self, r)

    @property
    def name_range(self) -> Range | None:
        self._resolve()
        return _NAME_RANGE.__get__(self)  # type: ignore[no-any-return]

    @name_range.setter
    def name_range(self, r: Range | None) -> None:
        self._resolve()
        _NAME_RANGE.__set__(self, r)


def has_range(v: Value) -> bool:
    """``v.range is not None``, without making the range of a JSON value or of a decorator
    argument's (``v2/pyvalues.PyArgValue``): each has one."""
    c = v.__class__
    return (
        (c is JsonValue and getattr(v, "_member", None) is not None)
        or (c is PyArgValue and getattr(v, "_pv", None) is not None)
        or v.range is not None
    )
