"""Route parameters read through a local alias of ``req.route_params``: only certain aliases."""

from __future__ import annotations

import pytest

from funcls.model.locations import Range
from funcls.model.python.route_aliases import alias_reads

HEAD = "def main(req):\n"


def keys(body: str) -> list[str]:
    return [r.key for r in alias_reads(HEAD + body, 0, "req")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('    p = req.route_params\n    return p["id"]\n', ["id"]),
        ('    p = req.route_params\n    return p.get("id", "0")\n', ["id"]),
        ('    p: dict = req.route_params\n    return p["id"]\n', ["id"]),
        # A closure reads the same dict.
        ('    p = req.route_params\n\n    def inner():\n        return p["id"]\n', ["id"]),
        # Several reads in one statement.
        ('    p = req.route_params\n    a, b = p["a"], p.get("b")\n', ["a", "b"]),
    ],
)
def test_followed(body: str, expected: list[str]) -> None:
    assert keys(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        # The name is bound twice: which dict it holds at a read depends on the run.
        '    p = req.route_params\n    if req.method == "POST":\n        p = {}\n    return p["id"]\n',
        '    p = req.route_params\n    for p in []:\n        pass\n    return p["id"]\n',
        '    p = req.route_params\n\n    def inner():\n        p = {}\n        return p["id"]\n',
        # Declared global: another function may rebind it.
        '    global p\n    p = req.route_params\n    return p["id"]\n',
        # The request is rebound: req.route_params may be another object's.
        '    req = other()\n    p = req.route_params\n    return p["id"]\n',
        # An alias of an alias, a copy, a key that is not a plain literal.
        '    p = req.route_params\n    q = p\n    return q["id"]\n',
        '    p = dict(req.route_params)\n    return p["id"]\n',
        '    p = req.route_params\n    k = "id"\n    return p[k]\n',
        '    p = req.route_params\n    return p[f"id"] + p[r"id"] + p["i" "d"]\n',
        # Writing into the alias is not a read.
        '    p = req.route_params\n    p["id"] = "1"\n',
    ],
)
def test_not_followed(body: str) -> None:
    assert keys(body) == []


def test_ranges_count_characters_not_bytes() -> None:
    text = HEAD + '    p = req.route_params\n    s = "é\N{SHOPPING TROLLEY}" + p["id"]\n'
    (read,) = alias_reads(text, 0, "req")
    line = text.split("\n")[2]
    start = line.index('p["id"]')
    assert (read.alias, read.key) == ("p", "id")
    assert read.key_range == Range.of(2, start + 3, 2, start + 5)
    assert read.range == Range.of(2, start, 2, start + len('p["id"]'))


def test_a_text_that_does_not_parse_gives_nothing() -> None:
    assert alias_reads(HEAD + '    p = req.route_params\n    return p["id"\n', 0, "req") == []
    assert alias_reads(HEAD + '    p = req.route_params\n    return p["id"]\n', 5, "req") == []
