"""Source positions shared by every model element.

Lines and columns are zero-based, as in LSP. Columns count Unicode code points of the line
(Python ``str`` indices); the language server converts them to the client's position encoding.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate, count
from operator import add
from typing import NamedTuple

from funcls.model.fastclass import dataclass


class Position(NamedTuple):
    """Named tuples: cheap to build (the indexers make hundreds of thousands) and ordered."""

    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.line + 1}:{self.column + 1}"


_new = tuple.__new__


class Range(NamedTuple):
    start: Position
    end: Position

    @staticmethod
    def of(start_line: int, start_column: int, end_line: int, end_column: int) -> Range:
        # tuple.__new__ is what the named tuples' own __new__ calls, less a Python frame each:
        # the indexers make a hundred thousand of these (issue 16).
        return _new(
            Range,
            (_new(Position, (start_line, start_column)), _new(Position, (end_line, end_column))),
        )

    @staticmethod
    def point(line: int, column: int) -> Range:
        p = _new(Position, (line, column))
        return _new(Range, (p, p))

    def contains(self, pos: Position) -> bool:
        """True when ``pos`` lies within the range, both ends included."""
        return self.start <= pos <= self.end

    def __str__(self) -> str:
        return f"{self.start}-{self.end}"


@dataclass(frozen=True, slots=True)
class Location:
    """A range in one file. ``path`` is absolute and normalised."""

    path: str
    range: Range

    def __str__(self) -> str:
        return f"{self.path}:{self.range.start}"


class LineIndex:
    """Turns string offsets into positions for one text (and back)."""

    __slots__ = ("_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        # Line i starts after the lengths of the lines above it and their i newlines: sums
        # made in C (issue 16: a find() per line took 18 M instructions for the bench's 540
        # JSON files, this 14.5 M).
        starts: list[int] = list(
            map(add, accumulate(map(len, text.split("\n")), initial=0), count())
        )
        starts.pop()  # the sum after the last line
        self._starts = starts

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def position(self, offset: int) -> Position:
        starts = self._starts
        line = bisect_right(starts, offset) - 1
        return _new(Position, (line, offset - starts[line]))

    def offset(self, pos: Position) -> int:
        if pos.line >= len(self._starts):
            return len(self._text)
        return min(self._starts[pos.line] + pos.column, len(self._text))

    def range(self, start: int, end: int) -> Range:
        starts = self._starts
        line = bisect_right(starts, start) - 1
        a = _new(Position, (line, start - starts[line]))
        line = bisect_right(starts, end) - 1
        return _new(Range, (a, _new(Position, (line, end - starts[line]))))

    def line_text(self, line: int) -> str:
        if line >= len(self._starts):
            return ""
        start = self._starts[line]
        end = self._starts[line + 1] - 1 if line + 1 < len(self._starts) else len(self._text)
        return self._text[start:end].rstrip("\r")
