"""`funcls index --format json` writes its document with its own encoder (issue 16: json's
indenting encoder was a twentieth of the command): it must write exactly what
``json.dumps(value, indent=2)`` writes, for every value json accepts, and refuse the rest."""

from __future__ import annotations

import enum
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from funcls.commands.index import dumps_indented


class Plan(str, enum.Enum):
    PREMIUM = "premium"


class Level(enum.IntEnum):
    HIGH = 3


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.sampled_from([Plan.PREMIUM, Level.HIGH, "\ud800", 'é\u2028\x00"\\/', -0.0, 1e300]),
)
keys = st.one_of(
    st.text(),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.just(Plan.PREMIUM),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(keys, inner, max_size=4),
    ),
    max_leaves=30,
)


@settings(max_examples=500, deadline=None)
@given(values)
def test_writes_what_json_writes(value: object) -> None:
    assert dumps_indented(value) == json.dumps(value, indent=2)


def test_a_document_shaped_like_the_index() -> None:
    document = {
        "apps": [
            {
                "root": "/w/app",
                "functions": [{"name": "hi", "bindings": [], "line": 3, "ok": True}],
                "problems": [],
                "empty": {},
                "ratio": math.pi,
            }
        ]
    }
    assert dumps_indented(document) == json.dumps(document, indent=2)


@pytest.mark.parametrize("bad", [{1j: 1}, {(1, 2): 1}, [object()], {"a": {1, 2}}, b"bytes"])
def test_refuses_what_json_refuses(bad: object) -> None:
    with pytest.raises(TypeError):
        json.dumps(bad, indent=2)
    with pytest.raises(TypeError):
        dumps_indented(bad)
