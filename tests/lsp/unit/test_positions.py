"""Columns: code points in the model, the client's units at the boundary."""

from __future__ import annotations

import pytest
from lsprotocol import types

from funcls.lsp.positions import PositionMapper, column_from_units, path_to_uri, units, uri_to_path
from funcls.model.locations import Position, Range

LINE = 'x = "⏰😀" + y'  # ⏰: 1 UTF-16 unit, 3 UTF-8 bytes; 😀: 2 units, 4 bytes


@pytest.mark.parametrize(
    ("encoding", "column", "expected"),
    [("utf-32", 9, 9), ("utf-16", 9, 10), ("utf-8", 9, 14), ("utf-16", 2, 2)],
)
def test_units(encoding: str, column: int, expected: int) -> None:
    assert units(LINE[:column], encoding) == expected
    assert column_from_units(LINE, expected, encoding) == column


def test_mapper_round_trip() -> None:
    text = f"first\n{LINE}\n"
    mapper = PositionMapper("utf-16", lambda path: text)
    rng = Range(Position(1, 5), Position(1, 9))
    assert mapper.range("/a.py", rng) == types.Range(types.Position(1, 5), types.Position(1, 8 + 2))
    assert mapper.from_lsp("/a.py", types.Position(1, 10)) == Position(1, 9)
    assert mapper.from_lsp("/a.py", types.Position(0, 3)) == Position(0, 3)


def test_uris() -> None:
    assert path_to_uri("/tmp/a b/function.json") == "file:///tmp/a%20b/function.json"
    assert uri_to_path("file:///tmp/a%20b/function.json") == "/tmp/a b/function.json"
    assert uri_to_path("untitled:Untitled-1") is None
