"""The fast path of parse_json (jsondoc/fast.py) builds exactly the tolerant reader's nodes for
plain JSON and refuses everything else, which the tolerant reader then reads (issue 16)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from funcls.model.jsondoc import parse_json
from funcls.model.jsondoc.fast import parse_plain
from funcls.model.jsondoc.nodes import JsonNode
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
