"""Python source whose parse would take minutes is refused before it is parsed (issue 17).

Python's parser (3.11) takes time growing with the square of the number of replacement fields
in one f-string: ``ast.parse`` of ``X = f"{1}{1}…"`` took 0.04 s with 5,000 fields, 0.33 s
with 20,000, 1.1 s with 40,000 (``compile`` the same), and a 3 MB f-string (1,000,000 fields)
did not finish in 300 s. Implicit concatenation of many strings or f-strings, a 3 MB plain
string and a 3 MB f-string without fields all parse in well under a second. So the one
input bounded here is an f-string literal with more than :data:`FSTRING_FIELD_LIMIT` fields,
found by a linear scan that never builds a tree; such a text is refused with
:class:`TooCostly`, a ``ValueError``, so every caller that treats a ``ValueError`` of
``ast.parse`` as "does not parse" treats it the same way.

The analysis' own work is bounded here too: :data:`FOLDED_CHARS_LIMIT` caps the characters of
string constants it builds by joining others (``exprs.ExpressionReader._fold``); found by
``bench/bench_parse_shapes.py`` ("route of concatenated constants": 8,000 lines of
``R1 = R0 + "b"`` held 114 MB).
"""

from __future__ import annotations

import ast
from typing import Any

from funcls.model.lazy_re import compiled_on_use

FSTRING_FIELD_LIMIT = 20_000  # fields in one f-string: ast.parse took 0.33 s here
# Characters of string constants one module's analysis may build by joining others ("a" + b,
# f"{a}{b}"): a chain of N assignments each adding to the last keeps N²/2 characters.
FOLDED_CHARS_LIMIT = 4 * 1024 * 1024

# An f-string's prefix and opening quote (f, rf, fr in any case), not preceded by a name
# character: the "f" ending `if"…"` or `elif"…"` starts no f-string.
_FSTRING_START = compiled_on_use(r"(?<![\w])(?:[rR][fF]|[fF][rR]|[fF])('''|\"\"\"|'|\")")
_SINGLE_BODY = {
    "'": compiled_on_use(r"(?:[^'\\\n]|\\.)*"),
    '"': compiled_on_use(r'(?:[^"\\\n]|\\.)*'),
}


class TooCostly(ValueError):
    """A text refused before parsing; ``line`` (0-based) and ``column`` say where."""

    def __init__(self, message: str, line: int, column: int, fields: int) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.fields = fields


def crowded_fstring(text: str, limit: int = FSTRING_FIELD_LIMIT) -> tuple[int, int] | None:
    """(offset, fields) of the first f-string literal of ``text`` with more than ``limit``
    replacement fields, or None. Linear in the text; approximate where quotes hide inside
    comments (a stray ``f"`` in a comment is measured to the end of its line)."""
    if text.count("{") <= limit:
        return None
    pos = 0
    while (m := _FSTRING_START.search(text, pos)) is not None:
        quote = m.group(1)
        start = m.end()
        if len(quote) == 3:
            end = text.find(quote, start)
            end = len(text) if end < 0 else end
        else:
            body = _SINGLE_BODY[quote].match(text, start)
            end = body.end() if body is not None else start
        fields = text.count("{", start, end) - 2 * text.count("{{", start, end)
        if fields > limit:
            return m.start(), fields
        pos = max(end + len(quote), m.end())
    return None


def check_parse_cost(text: str) -> None:
    """Raise :class:`TooCostly` when parsing ``text`` would take minutes."""
    crowded = crowded_fstring(text)
    if crowded is None:
        return
    offset, fields = crowded
    line = text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1)
    raise TooCostly(
        f"an f-string with {fields:,} replacement fields on line {line + 1}: Python's parser "
        f"takes minutes on it (its time grows with the square of the count; funcls stops at "
        f"{FSTRING_FIELD_LIMIT:,}), so this file is not analysed and the worker's import is as "
        "slow; build the text at run time instead (e.g. ''.join(...))",
        line,
        column,
        fields,
    )


def parse(text: str, filename: str = "<unknown>", mode: str = "exec") -> Any:
    """``ast.parse`` that first refuses a text whose parse would take minutes
    (:class:`TooCostly`, a ``ValueError``)."""
    check_parse_cost(text)
    return ast.parse(text, filename=filename, mode=mode)
