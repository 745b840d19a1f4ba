"""Positions at the LSP boundary: model columns are code points, the client counts in its
position encoding (UTF-16 unless it negotiated another). Paths and ``file://`` URIs."""

from __future__ import annotations

import os
from collections.abc import Callable

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from funcls.model.locations import LineIndex, Position, Range

UTF8 = types.PositionEncodingKind.Utf8
UTF16 = types.PositionEncodingKind.Utf16
UTF32 = types.PositionEncodingKind.Utf32


def uri_to_path(uri: str) -> str | None:
    path = to_fs_path(uri)
    return os.path.normpath(path) if path else None


def path_to_uri(path: str) -> str:
    return from_fs_path(path) or "file://" + path


def units(text: str, encoding: str) -> int:
    """Length of ``text`` in the client's code units."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8"))
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def column_from_units(line: str, column: int, encoding: str) -> int:
    """The code point index of a column given in the client's code units."""
    if encoding == UTF32 or line.isascii():
        return min(column, len(line))
    count = 0
    for i, c in enumerate(line):
        if count >= column:
            return i
        if encoding == UTF8:
            count += len(c.encode("utf-8"))
        else:
            count += 2 if ord(c) > 0xFFFF else 1
    return len(line)


class PositionMapper:
    """Converts model positions of any file to the client's units and back.

    ``text_of`` returns the current text of a file (open documents first); the line index of
    each text is cached until the text changes.
    """

    def __init__(self, encoding: str, text_of: Callable[[str], str | None]) -> None:
        self.encoding = encoding
        self._text_of = text_of
        self._lines: dict[str, tuple[str, LineIndex]] = {}

    def lines(self, path: str) -> LineIndex | None:
        text = self._text_of(path)
        if text is None:
            return None
        cached = self._lines.get(path)
        if cached is not None and cached[0] is text:
            return cached[1]
        index = LineIndex(text)
        self._lines[path] = (text, index)
        return index

    def forget(self, path: str) -> None:
        self._lines.pop(path, None)

    def _column(self, lines: LineIndex | None, pos: Position) -> int:
        if lines is None or self.encoding == UTF32:
            return pos.column
        line = lines.line_text(pos.line)
        if line.isascii():
            return pos.column
        return units(line[: pos.column], self.encoding)

    def position(self, path: str, pos: Position) -> types.Position:
        return types.Position(pos.line, self._column(self.lines(path), pos))

    def range(self, path: str, rng: Range) -> types.Range:
        lines = self.lines(path)
        return types.Range(
            types.Position(rng.start.line, self._column(lines, rng.start)),
            types.Position(rng.end.line, self._column(lines, rng.end)),
        )

    def location(self, path: str, rng: Range) -> types.Location:
        return types.Location(path_to_uri(path), self.range(path, rng))

    def from_lsp(self, path: str, pos: types.Position) -> Position:
        lines = self.lines(path)
        if lines is None or self.encoding == UTF32:
            return Position(pos.line, pos.character)
        line = lines.line_text(pos.line)
        return Position(pos.line, column_from_units(line, pos.character, self.encoding))
