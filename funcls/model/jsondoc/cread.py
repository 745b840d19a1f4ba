"""The first path of ``parse_json``: plain JSON read by the standard library's C decoder, the
nodes' offsets found only when one is asked.

Reading the bench's 540 JSON files with the regular-expression reader (``fast.py``) took
102 M instructions, ``json.loads`` of the same texts 15 M; this reader 44 M (issue 16,
callgrind; ``docs/benchmarks.md``, ninth pass (JSON)). A check reads the
offsets of no node of a file without a finding: the model keeps its JSON nodes and makes
their ranges when read (``v1.py``, ``loader.py``). So this reader builds the nodes from
``json``'s C scanner without offsets; the first node or member of a document asked for an
offset or a range makes the document ``locate`` them all, once: ``fast.py`` reads the text
again and its nodes' offsets and line index are given to this document's nodes.

It reads only texts on which it and ``fast.py`` agree, so that the nodes are those
``fast.py`` builds (``tests/unit/model/test_jsondoc_fast.py`` compares them on random JSON):
no backslash anywhere (the escapes are read by ``fast.py``'s rules: a ``\\uXXXX`` is one
character each, a surrogate pair stays two, where ``json`` joins the pair); at most 200
brackets, so never deeper than ``fast.py``'s limit; nothing but RFC 8259 JSON with ASCII
whitespace (``json`` refuses the rest, ``NaN`` and ``Infinity`` refused here). Numbers: the
same rule as ``fast.py`` (``float`` with a fraction or an exponent, else ``int``); an integer
of more digits than ``int()`` takes makes ``json`` refuse the text, which ``fast.py`` then
reads (its value None). Duplicate keys and their order are kept (``object_pairs_hook``).
Anything refused goes on to ``fast.py``, then to the tolerant reader with its errors.
"""

from __future__ import annotations

import threading
from json import JSONDecoder
from typing import Any

from funcls.model.jsondoc.nodes import MAX_DEPTH, JsonDocument, JsonMember, JsonNode, NodeKind
from funcls.model.locations import LineIndex

_new = object.__new__
_WS = " \t\n\r"

_lock = threading.Lock()


# The slot ``root`` of a document, behind LazyDocument's property, and what it holds until the
# nodes are made.
_ROOT: Any = JsonDocument.__dict__["root"]
_UNMADE: Any = object()


class LazyDocument(JsonDocument):
    """A document read by ``read_plain``: its nodes made when ``root`` is first read, their
    offsets when one is first asked.

    Until then it keeps the C decoder's values (``raw``: an object a tuple of its (key, value)
    pairs, in order and with duplicates, an array a list, scalars as ``json`` makes them):
    v1's function.json reader takes its values from them (``v1.py``, ``jsonvalues.py``), and
    making the nodes of the bench's 540 files was ~10 M instructions of `funcls check`
    (issue 16), which reads the nodes of no function.json without a finding."""

    __slots__ = ("raw",)

    def __init__(self, text: str, raw: Any) -> None:
        self.text = text
        _ROOT.__set__(self, _UNMADE)
        self.errors = []
        self._lines = None
        self.raw = raw

    @property
    def root(self) -> JsonNode | None:
        root = _ROOT.__get__(self)
        if root is _UNMADE:
            with _lock:  # one thread makes them (the language server reads from several)
                root = _ROOT.__get__(self)
                if root is _UNMADE:
                    root = _wrap(self.raw, self)
                    _ROOT.__set__(self, root)
        return root  # type: ignore[no-any-return]

    @root.setter
    def root(self, root: JsonNode | None) -> None:
        _ROOT.__set__(self, root)

    @property
    def built(self) -> bool:
        """Whether the nodes are made (``root`` was read)."""
        return _ROOT.__get__(self) is not _UNMADE

    def locate(self) -> None:
        locate(self)


def _refuse(constant: str) -> Any:
    raise ValueError(constant)  # NaN, Infinity, -Infinity: not JSON


# The members of a node that is no object and the items of one that is no array: one empty
# list for all of them (the nodes are read-only; a list each was a tenth of this reader's
# work, issue 16).
_EMPTY: list[Any] = []


def _node(kind: NodeKind, v: Any, doc: JsonDocument) -> JsonNode:
    """A scalar's node: the slots set here, without JsonNode.__init__'s call (a third less)."""
    n = _new(JsonNode)
    n.kind = kind
    n._range = None
    n._start = n._end = -1
    n.value = v
    n.members = n.items = _EMPTY
    n.complete = True
    n._lines = doc
    return n


def _wrap(v: Any, doc: JsonDocument) -> JsonNode:
    """The node of a value the C scanner made (an object: a tuple of its pairs)."""
    t = v.__class__
    if t is tuple:
        return _object(v, doc)
    if t is str:
        return _node("string", v, doc)
    if t is bool:
        return _node("boolean", v, doc)
    if t is int or t is float:
        return _node("number", v, doc)
    if v is None:
        return _node("null", None, doc)
    n = _node("array", None, doc)
    n.items = [_wrap(i, doc) for i in v]
    return n


def _object(pairs: tuple[tuple[str, Any], ...], doc: JsonDocument) -> JsonNode:
    members: list[JsonMember] = []
    append = members.append
    for key, v in pairs:
        if v.__class__ is str:  # most values: without a call
            n = _new(JsonNode)
            n.kind = "string"
            n._range = None
            n._start = n._end = -1
            n.value = v
            n.members = n.items = _EMPTY
            n.complete = True
            n._lines = doc
            v = n
        else:
            v = _wrap(v, doc)
        m = _new(JsonMember)
        m.key = key
        m.value = v
        m._key_range = m._range = None
        m._lines = doc
        m._key_start = m._key_end = -1
        append(m)
    n = _node("object", None, doc)
    n.members = members
    return n


def to_python(v: Any) -> Any:
    """``JsonNode.to_python`` of the node of a raw value (``LazyDocument.raw``): an object a
    dict (the last duplicate's value, at the first's place), an array a list."""
    t = v.__class__
    if t is tuple:
        return {k: to_python(x) for k, x in v}
    if t is list:
        return [to_python(x) for x in v]
    return v


# Objects as tuples of their pairs (a C call): duplicate keys and their order kept, no Python
# frame per object.
_scan = JSONDecoder(object_pairs_hook=tuple, parse_constant=_refuse).scan_once  # type: ignore[attr-defined]


def read_plain(text: str) -> JsonDocument | None:
    """The document of ``text``, nodes without offsets, when the C decoder reads it as
    ``fast.py`` would; else None."""
    if "\\" in text or text.count("[") + text.count("{") > MAX_DEPTH:
        return None
    start = len(text) - len(text.lstrip(_WS))
    try:
        value, end = _scan(text, start)
    except (ValueError, StopIteration, RecursionError):
        return None
    if end != len(text) and end != len(text.rstrip(_WS)):
        return None  # more after the value
    return LazyDocument(text, value)


def locate(doc: JsonDocument) -> None:
    """Give the nodes and members of ``doc`` (read by ``read_plain``) their offsets and line
    index: ``fast.py``'s, read once more from the text."""
    # Imported when a document is first located (issue 16: compiling fast.py's ten patterns
    # at import was ~6 M instructions of every `funcls check` and `funcls index`, which locate
    # no document of an app without findings).
    from funcls.model.jsondoc.fast import parse_plain

    plain = parse_plain(doc.text)
    if plain is None:  # never on a text read_plain read (the tests): offsets 0, not a crash
        lines = doc.lines
        if doc.root is not None:
            _zero(doc.root, lines)
        return
    other, lines = plain
    if doc._lines is None:
        doc._lines = lines
    assert doc.root is not None
    stack = [(doc.root, other)]
    pop = stack.pop
    push = stack.append
    while stack:
        a, b = pop()
        a._start = b._start
        a._end = b._end
        a._lines = lines
        if a.kind != b.kind:
            _zero(a, lines)
        elif a.kind == "object":
            mine, theirs = a.members, b.members
            for ma, mb in zip(mine, theirs, strict=False):
                ma._key_start = mb._key_start
                ma._key_end = mb._key_end
                ma._lines = lines
                assert ma.value is not None and mb.value is not None
                push((ma.value, mb.value))
            for ma in mine[len(theirs) :]:
                ma._key_start = ma._key_end = 0
                ma._lines = lines
                assert ma.value is not None
                _zero(ma.value, lines)
        elif a.kind == "array":
            mine_items, their_items = a.items, b.items
            stack.extend(zip(mine_items, their_items, strict=False))
            for item in mine_items[len(their_items) :]:
                _zero(item, lines)


def _zero(node: JsonNode, lines: LineIndex) -> None:
    """Offsets 0 for a subtree ``fast.py`` does not read alike (never, by the tests)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n._start < 0:
            n._start = n._end = 0
        n._lines = lines
        for m in n.members:
            if m._key_start < 0:
                m._key_start = m._key_end = 0
            m._lines = lines
            if m.value is not None:
                stack.append(m.value)
        stack.extend(n.items)
