"""The nodes of a parsed JSON document, each with its range (see ``jsondoc.parse_json``).

The Functions host reads its JSON files with Json.NET, which accepts comments and trailing
commas; so does this reader. Anything else that is not JSON is reported as an error with its
exact range, and parsing resumes at the next member or item, so a half-typed function.json
still yields every binding that is complete.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any, Literal

from funcls.model.fastclass import dataclass
from funcls.model.locations import LineIndex, Position, Range

NodeKind = Literal["object", "array", "string", "number", "boolean", "null"]


@dataclass(slots=True)
class JsonError:
    message: str
    range: Range


@dataclass(slots=True)
class JsonMember:
    key: str
    key_range: Range
    value: JsonNode | None
    range: Range

    @property
    def complete(self) -> bool:
        return self.value is not None and self.value.complete


@dataclass(slots=True)
class JsonNode:
    kind: NodeKind
    range: Range
    start: int
    end: int
    value: Any = None
    members: list[JsonMember] = field(default_factory=list)
    items: list[JsonNode] = field(default_factory=list)
    complete: bool = True

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


@dataclass(slots=True)
class JsonDocument:
    text: str
    root: JsonNode | None
    errors: list[JsonError]
    lines: LineIndex

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
