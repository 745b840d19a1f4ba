"""The JSON layout of ``textDocument/formatting`` (funcls/lsp/formatting.py): white space only,
every token as written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funcls.lsp.formatting import layout

REPO = Path(__file__).resolve().parents[3]

CASES = [
    # (text, unit, expected)
    ('{"a":1}', "  ", '{\n  "a": 1\n}'),
    ("{ }", "  ", "{}"),
    ("[ ]", "  ", "[]"),
    ('{"a":{},"b":[]}', "\t", '{\n\t"a": {},\n\t"b": []\n}'),
    # numbers, escapes and literals as written
    (
        '{"n":[1.0 ,2e3,-0],"s":"a\\u00e9\\"q","t":true,"z":null}',
        "  ",
        '{\n  "n": [1.0, 2e3, -0],\n  "s": "a\\u00e9\\"q",\n  "t": true,\n  "z": null\n}',
    ),
    # duplicates and order kept
    ('{"b":1,"a":2,"b":3}', "  ", '{\n  "b": 1,\n  "a": 2,\n  "b": 3\n}'),
    # an array of scalars on one line stays there; one written over lines, or holding
    # objects, is expanded
    (
        '{"m":["get",\n"post"],"d":[{"x":1}]}',
        "  ",
        '{\n  "m": [\n    "get",\n    "post"\n  ],\n  "d": [\n    {\n      "x": 1\n    }\n  ]\n}',
    ),
    ('{"m":[ "get" ,"post" ]}', "    ", '{\n    "m": ["get", "post"]\n}'),
    # punctuation inside strings is not structure
    ('{"p":"a{b}[c],d:e"}', "  ", '{\n  "p": "a{b}[c],d:e"\n}'),
]


@pytest.mark.parametrize(("text", "unit", "expected"), CASES)
def test_layout(text: str, unit: str, expected: str) -> None:
    got = layout(text, unit)
    assert got == expected
    assert json.loads(got, object_pairs_hook=list) == json.loads(text, object_pairs_hook=list)
    assert layout(got, unit) == got  # formatting twice changes nothing


@pytest.mark.parametrize(
    "path", sorted(str(p.relative_to(REPO)) for p in (REPO / "samples").rglob("*.json"))
)
def test_the_samples_are_formatted_already(path: str) -> None:
    text = (REPO / path).read_text()
    assert layout(text, "  ") + "\n" == text
