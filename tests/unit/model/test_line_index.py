"""LineIndex: the line starts it sums in C are those of every newline, and positions and
offsets go both ways over texts with empty lines, CRLF and text after the last newline."""

from __future__ import annotations

import pytest

from funcls.model.locations import LineIndex, Position


def _starts(text: str) -> list[int]:
    return [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]


@pytest.mark.parametrize(
    "text", ["", "\n", "a", "a\n", "\n\n", "ab\ncd\n\nx", "é\r\nü\r\n", '{\n  "a": 1\n}']
)
def test_positions_and_offsets_round_trip(text: str) -> None:
    lines = LineIndex(text)
    starts = _starts(text)
    assert lines.line_count == len(starts)
    for offset in range(len(text) + 1):
        line = max(i for i, s in enumerate(starts) if s <= offset)
        pos = lines.position(offset)
        assert pos == Position(line, offset - starts[line])
        assert lines.offset(pos) == offset
    assert lines.range(0, len(text)).end == lines.position(len(text))
