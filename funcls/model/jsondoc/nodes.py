"""The nodes of a parsed JSON document, each with its range (see ``jsondoc.parse_json``).

The Functions host reads its JSON files with Json.NET, which accepts comments and trailing
commas; so does this reader. Anything else that is not JSON is reported as an error with its
exact range, and parsing resumes at the next member or item, so a half-typed function.json
still yields every binding that is complete.

Every range of a node or member is a function of its offsets and the document's line index.
The plain-JSON reader (``fast.py``) therefore gives its nodes the offsets and the line index
only, and a range is made the first time it is read (then kept): a check of 1,000 functions
reads the ranges of the binding values and of few others, and building all of them was a
third of reading the JSON (issue 16). The tolerant reader gives every range as before. The
classes behave as the dataclasses they were (same constructor fields, equality on the
ranges' values, ``repr``, unhashable: ``shown_as`` with the dataclasses' fields).
"""

from __future__ import annotations

from typing import Any, Literal

from funcls.model.fastclass import dataclass
from funcls.model.locations import LineIndex, Position, Range
from funcls.model.shown_as import shown_as

NodeKind = Literal["object", "array", "string", "number", "boolean", "null"]

# The deepest nesting the plain readers (``cread.py``, ``fast.py``) read, as the tolerant reader:
# deeper nesting is an error, reported there.
MAX_DEPTH = 200


@dataclass(slots=True)
class JsonError:
    message: str
    range: Range


@shown_as(fields=("key", "key_range", "value", "range"))
class JsonMember:
    """``key``: the key; ``key_range``: its range, quotes included; ``value``: None when the
    member is cut short; ``range``: from the key's start to the value's end."""

    __slots__ = ("_key_end", "_key_range", "_key_start", "_lines", "_range", "key", "value")

    def __init__(self, key: str, key_range: Range, value: JsonNode | None, range: Range) -> None:
        self.key = key
        self.value = value
        self._key_range: Range | None = key_range
        self._range: Range | None = range
        self._lines: LineIndex | JsonDocument | None = None
        self._key_start = self._key_end = 0

    @classmethod
    def at(
        cls, key: str, key_start: int, key_end: int, value: JsonNode, lines: LineIndex
    ) -> JsonMember:
        """A member whose ranges are made from offsets when read (``value`` complete)."""
        m = _new_object(cls)
        m.key = key
        m.value = value
        m._key_range = m._range = None
        m._lines = lines
        m._key_start = key_start
        m._key_end = key_end
        return m

    @property
    def key_range(self) -> Range:
        r = self._key_range
        if r is None:
            lines = self._lines
            if not isinstance(lines, LineIndex):  # positions not found yet (cread.py)
                assert isinstance(lines, JsonDocument)
                lines.locate()
                lines = self._lines
            assert isinstance(lines, LineIndex)
            r = self._key_range = lines.range(self._key_start, self._key_end)
        return r

    @key_range.setter
    def key_range(self, r: Range) -> None:
        self._key_range = r

    @property
    def range(self) -> Range:
        r = self._range
        if r is None:
            assert self.value is not None
            end = self.value.end  # finds the positions first when not found yet
            lines = self._lines
            if not isinstance(lines, LineIndex):
                assert isinstance(lines, JsonDocument)
                lines.locate()
                lines = self._lines
            assert isinstance(lines, LineIndex)
            r = self._range = lines.range(self._key_start, end)
        return r

    @range.setter
    def range(self, r: Range) -> None:
        self._range = r

    @property
    def complete(self) -> bool:
        return self.value is not None and self.value.complete


_new_object = object.__new__


@shown_as(fields=("kind", "range", "start", "end", "value", "members", "items", "complete"))
class JsonNode:
    """A value: ``kind``, its ``range`` and offsets ``start``/``end``, its Python ``value``
    (scalars), ``members`` (objects), ``items`` (arrays), ``complete`` (no part missing)."""

    __slots__ = (
        "_end",
        "_lines",
        "_range",
        "_start",
        "complete",
        "items",
        "kind",
        "members",
        "value",
    )

    def __init__(
        self,
        kind: NodeKind,
        range: Range | None,
        start: int,
        end: int,
        value: Any = None,
        members: list[JsonMember] | None = None,
        items: list[JsonNode] | None = None,
        complete: bool = True,
        lines: LineIndex | JsonDocument | None = None,
    ) -> None:
        self.kind = kind
        self._range = range
        self._start = start
        self._end = end
        self.value = value
        self.members: list[JsonMember] = [] if members is None else members
        self.items: list[JsonNode] = [] if items is None else items
        self.complete = complete
        self._lines: LineIndex | JsonDocument | None = lines

    @property
    def start(self) -> int:
        s = self._start
        if s < 0:  # the C read gave no offsets (cread.py): the document finds them all now
            lines = self._lines
            assert isinstance(lines, JsonDocument)
            lines.locate()
            s = self._start
        return s

    @start.setter
    def start(self, offset: int) -> None:
        self._start = offset

    @property
    def end(self) -> int:
        e = self._end
        if e < 0:
            lines = self._lines
            assert isinstance(lines, JsonDocument)
            lines.locate()
            e = self._end
        return e

    @end.setter
    def end(self, offset: int) -> None:
        self._end = offset

    @property
    def range(self) -> Range:
        """Made from ``start`` and ``end`` on the first read when the reader gave none."""
        r = self._range
        if r is None:
            lines = self._lines
            if not isinstance(lines, LineIndex):  # positions not found yet (cread.py)
                assert isinstance(lines, JsonDocument)
                lines.locate()
                lines = self._lines
            assert isinstance(lines, LineIndex)
            r = self._range = lines.range(self._start, self._end)
        return r

    @range.setter
    def range(self, r: Range) -> None:
        self._range = r

    def get(self, key: str) -> JsonNode | None:
        """The value of the last member named ``key`` (Json.NET keeps the last duplicate)."""
        found: JsonNode | None = None
        for m in self.members:
            if m.key == key and m.value is not None:
                found = m.value
        return found

    def member(self, key: str) -> JsonMember | None:
        found: JsonMember | None = None
        for m in self.members:
            if m.key == key:
                found = m
        return found

    def get_ci(self, key: str) -> JsonMember | None:
        """The member whose key equals ``key`` ignoring case (the host's lookups ignore case)."""
        low = key.lower()
        found: JsonMember | None = None
        for m in self.members:
            if m.key.lower() == low:
                found = m
        return found

    def to_python(self) -> Any:
        """The plain Python value of the complete parts of this node."""
        if self.kind == "object":
            out: dict[str, Any] = {}
            for m in self.members:
                if m.value is not None:
                    out[m.key] = m.value.to_python()
            return out
        if self.kind == "array":
            return [i.to_python() for i in self.items]
        return self.value


@shown_as(fields=("text", "root", "errors", "lines"))
class JsonDocument:
    """A document: its ``text``, ``root`` (None when there is no value), ``errors`` and
    ``lines``, the line index of the text (made when first read).

    A document read by the C decoder (``cread.py``) has nodes without offsets: the first
    node or member asked for an offset or a range makes the document ``locate`` them all,
    once, with the plain-JSON reader (``fast.py``). Behaves as the dataclass it was (same
    constructor fields, equality, ``repr``, unhashable; a ``LazyDocument`` equal to a
    document of the same fields)."""

    __slots__ = ("_lines", "errors", "root", "text")

    def __init__(
        self,
        text: str,
        root: JsonNode | None,
        errors: list[JsonError],
        lines: LineIndex | None = None,
    ) -> None:
        self.text = text
        self.root = root
        self.errors = errors
        self._lines = lines

    @property
    def lines(self) -> LineIndex:
        lines = self._lines
        if lines is None:
            lines = self._lines = LineIndex(self.text)
        return lines

    @lines.setter
    def lines(self, lines: LineIndex) -> None:
        self._lines = lines

    def locate(self) -> None:
        """Give every node and member their offsets and line index: those of a document read
        by the C decoder (``cread.LazyDocument``) have none until then; others have them."""

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_python(self) -> Any:
        return self.root.to_python() if self.root is not None else None

    def path_at(self, pos: Position) -> list[JsonNode | JsonMember]:
        """The chain of nodes and members enclosing ``pos``, outermost first."""
        chain: list[JsonNode | JsonMember] = []
        node = self.root
        while node is not None and node.range.contains(pos):
            chain.append(node)
            nxt: JsonNode | None = None
            if node.kind == "object":
                for m in node.members:
                    if m.range.contains(pos):
                        chain.append(m)
                        if m.value is not None and m.value.range.contains(pos):
                            nxt = m.value
                        break
            elif node.kind == "array":
                for item in node.items:
                    if item.range.contains(pos):
                        nxt = item
                        break
            node = nxt
        return chain
