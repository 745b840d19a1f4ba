"""The fast paths of parse_json build exactly the tolerant reader's nodes for plain JSON and
refuse everything else, which the tolerant reader then reads (issue 16): jsondoc/fast.py, and
jsondoc/cread.py, whose nodes find their offsets (fast.py's) only when one is asked."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from funcls.model.jsondoc import parse_json
from funcls.model.jsondoc.cread import LazyDocument, read_plain
from funcls.model.jsondoc.fast import parse_plain
from funcls.model.jsondoc.nodes import JsonMember, JsonNode
from funcls.model.jsondoc.parser import JsonParser


def tolerant(text: str) -> tuple[JsonNode | None, list[object]]:
    parser = JsonParser(text)
    root = parser.parse_document()
    return root, list(parser.errors)


# Keys and strings that exercise escapes, surrogates and non-ASCII text.
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from('"\\/\n\t\b\x00\u2028'),
    max_size=12,
)
VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=25,
)


# Keys and strings json.dumps writes without a backslash (with ensure_ascii=False): the texts
# the C decoder reads (cread.py).
PLAIN_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"\\'),
    max_size=12,
)
PLAIN_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | PLAIN_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(PLAIN_TEXT, inner, max_size=4),
    max_leaves=25,
)


def unlocated(doc: LazyDocument) -> bool:
    """No node or member of ``doc`` has its offsets yet."""
    stack = [doc.root]
    while stack:
        node = stack.pop()
        assert node is not None
        if node._start >= 0 or node._range is not None:
            return False
        for m in node.members:
            if m._key_start >= 0 or m._key_range is not None or m._range is not None:
                return False
            stack.append(m.value)
        stack.extend(node.items)
    return True


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(PLAIN_VALUES, VALUES),
    st.sampled_from([None, 0, 2, 4, "\t"]),
    st.booleans(),
    st.integers(min_value=0),
)
def test_c_read_nodes_then_positions_as_the_tolerant_reader(
    value: object, indent: object, ascii_only: bool, ask: int
) -> None:
    """The C read's nodes: the tolerant reader's values without positions; then, whichever
    node is asked first, every offset and range of the tolerant reader."""
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)  # type: ignore[arg-type]
    doc = read_plain(text)
    if "\\" in text or text.count("[") + text.count("{") > 200:
        assert doc is None
        return
    assert isinstance(doc, LazyDocument) and doc.errors == []
    root, errs = tolerant(text)
    assert errs == [] and root is not None and doc.root is not None
    assert unlocated(doc)
    assert doc.to_python() == root.to_python()
    assert unlocated(doc)  # values are read without positions
    # Ask one node or member, chosen at random, for a position first.
    chain: list[object] = []
    stack = [doc.root]
    while stack:
        node = stack.pop()
        chain.append(node)
        for m in node.members:
            chain.append(m)
            stack.append(m.value)  # type: ignore[arg-type]
        stack.extend(node.items)
    first = chain[ask % len(chain)]
    asked = ("range", "key_range") if isinstance(first, JsonMember) else ("range", "start", "end")
    getattr(first, asked[ask // len(chain) % len(asked)])
    assert not unlocated(doc)
    assert doc.root == root  # kinds, values, offsets, ranges, key ranges, member ranges
    assert parse_json(text).root == root


@settings(max_examples=300, deadline=None)
@given(VALUES, st.sampled_from([None, 0, 2, 4, "\t"]), st.booleans())
def test_same_nodes_as_the_tolerant_reader(value: object, indent: object, ascii_only: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)  # type: ignore[arg-type]
    plain = parse_plain(text)
    assert plain is not None, text
    assert (plain[0], []) == tolerant(text)


@settings(max_examples=300, deadline=None)
@given(VALUES, st.integers(min_value=0), st.sampled_from(list("{}[],:\"'/ 0-.eE\\tfn\ufeff\xa0")))
def test_damaged_text_is_refused_or_read_the_same(value: object, at: int, extra: str) -> None:
    """Whatever the fast path accepts after a random one-character insertion, it reads as the
    tolerant reader does without error; everything else is left to the tolerant reader."""
    text = json.dumps(value, indent=2)
    i = at % (len(text) + 1)
    damaged = text[:i] + extra + text[i:]
    plain = parse_plain(damaged)
    root, errs = tolerant(damaged)
    if plain is not None:
        assert errs == []
        assert plain[0] == root
    lazy = read_plain(damaged)
    if lazy is not None:  # the C read accepts only what fast.py accepts, read alike
        assert plain is not None
        assert lazy.to_python() == root.to_python()  # type: ignore[union-attr]
        assert lazy.root == root
    doc = parse_json(damaged)
    assert (doc.root, doc.errors) == (root, errs)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        '{"a": 1,}',  # trailing comma: Json.NET reads it, the tolerant reader reads it
        '// comment\n{"a": 1}',
        '{"a": 01}',
        '{"a": "tab\there"}',
        "{'a': 1}",
        '{"a": NaN}',
        '\ufeff{"a": 1}',
        '{"a": 1}\xa0',
        '{"a": 1} {}',
        '{"a": "\\x"}',
        '{"a": "\\u12"}',
        '{"a": ١}',
        "[" * 201 + "]" * 201,
    ],
)
def test_refused_and_left_to_the_tolerant_reader(text: str) -> None:
    assert parse_plain(text) is None
    assert read_plain(text) is None
    root, errs = tolerant(text)
    doc = parse_json(text)
    assert (doc.root, doc.errors) == (root, errs)


def test_values_as_the_tolerant_reader_makes_them() -> None:
    # A surrogate pair stays two characters and a float stays a float, as in parser.py
    # (json.loads would join the pair into one character).
    text = '{"s": "\\ud83d\\ude00", "f": 1.0, "e": 1E2, "i": -0, "big": ' + "9" * 5000 + "}"
    plain = parse_plain(text)
    assert plain is not None
    root = plain[0]
    assert root.get("s").value == "\ud83d\ude00"  # type: ignore[union-attr]
    assert root.get("f").value == 1.0 and isinstance(root.get("f").value, float)  # type: ignore[union-attr]
    assert root.get("e").value == 100.0  # type: ignore[union-attr]
    assert root.get("i").value == 0  # type: ignore[union-attr]
    assert root.get("big").value is None  # type: ignore[union-attr]
    assert (root, []) == tolerant(text)
    deep = "[" * 200 + "]" * 200
    assert parse_plain(deep) is not None and (parse_plain(deep)[0], []) == tolerant(deep)  # type: ignore[index]


@pytest.mark.parametrize(
    "text",
    [
        '{"a": Infinity}',
        '{"a": -Infinity}',
        "[NaN]",
        '{"n": ' + "9" * 5000 + "}",  # more digits than int() takes: fast.py reads it (None)
        '{"s": "\\ud83d\\ude00"}',  # a backslash: fast.py's rules for escapes
        "[" * 200 + "{}" + "]" * 200,  # 201 levels: deeper than fast.py's limit
    ],
)
def test_left_by_the_c_read(text: str) -> None:
    """What the C decoder reads otherwise than fast.py is left to fast.py or the tolerant
    reader: parse_json then gives their nodes."""
    assert read_plain(text) is None
    root, errs = tolerant(text)
    doc = parse_json(text)
    assert not isinstance(doc, LazyDocument)
    assert (doc.root, doc.errors) == (root, errs)


def test_c_read_keeps_duplicate_keys_in_order_and_locates_once() -> None:
    text = '{\n  "b": 1,\n  "a": [true, null, 2.5e1],\n  "b": "two"\n}\n'
    doc = read_plain(text)
    assert doc is not None and doc.root is not None
    assert [m.key for m in doc.root.members] == ["b", "a", "b"]
    assert doc.root.get("b").value == "two"  # type: ignore[union-attr]
    assert doc.root.get("a").items[2].value == 25.0  # type: ignore[union-attr]
    assert unlocated(doc)
    second = doc.root.members[2]
    assert second.key_range.start == (3, 2)  # the first ask locates every node
    assert not unlocated(doc) and doc.root._start == 0
    assert doc.root == tolerant(text)[0]
    again = parse_json(text)
    assert repr(doc).startswith("JsonDocument(") and isinstance(again, LazyDocument)
    assert (doc.text, doc.root, doc.errors) == (again.text, again.root, again.errors)
