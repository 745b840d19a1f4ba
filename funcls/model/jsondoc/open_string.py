"""Where a string left open ends: the tolerant reader (``parser.py``) and the completion scan of
the language server (``lsp/jsonctx.py``) read a half-typed string the same way.

A string left open in a one-line object ran on into the structure after it: in
``{"version": "2.0, "logging": {}}`` the quote opening ``"logging"`` closed the string, and
in ``{"authLevel": "anon},`` the object's ``}`` was read as text, so the reader skipped the
members and objects below up to the next ',' at that depth. The string ends instead before
the next property name (``"2.0``) or before the ``,`` / ``}`` / ``]`` at its line's end that it
does not open itself (``"anon``).
"""

from __future__ import annotations

import re

# What follows a '"' that opens the next property name rather than closing the string before
# it: the rest of a name, then ':'. Valid JSON never has a name's characters after a string's
# closing quote, so this reads only text that is broken already.
_KEY_TAIL = re.compile(r'[A-Za-z_$][\w$.\-]*"[ \t]*:')
_SPACE = " \t\r"
_OPENERS = {"}": "{", "]": "["}


def _trim_space(text: str, first: int, k: int) -> int:
    while k > first and text[k - 1] in _SPACE:
        k -= 1
    return k


def cut_before_key(text: str, start: int, quote: int) -> int:
    """The string opening at ``start`` whose next '"' is at ``quote``: when that quote opens
    the next property name (``"2.0, "logging": …``: spaces or a ',' before it, the rest of a
    name and ':' after it), the offset where the string's own text ends (before the spaces
    and the ','), else -1."""
    if not _KEY_TAIL.match(text, quote + 1):
        return -1
    first = start + 1
    k = _trim_space(text, first, quote)
    if k > first and text[k - 1] == ",":
        k = _trim_space(text, first, k - 1)
    return k if k < quote else -1  # "2.0"logging": the string is closed; a ',' is missing


def cut_at_line_end(text: str, start: int, end: int) -> int:
    """The string opening at ``start`` left open up to ``end`` (its line's end or the text's):
    when its text ends with the ',' and the '}' / ']' of the structure around it, closers it
    does not open itself (``"anon},`` in a one-line binding; ``"{name}`` keeps its ``}``),
    the offset where the string's own text ends, else -1."""
    first = start + 1
    k = _trim_space(text, first, end)
    while k > first:
        c = text[k - 1]
        opener = _OPENERS.get(c)
        if c != "," and (opener is None or not _unopened(text, first, k, opener, c)):
            break
        k = _trim_space(text, first, k - 1)
    return k if k < _trim_space(text, first, end) else -1


def _unopened(text: str, first: int, k: int, opener: str, closer: str) -> bool:
    """Whether the text ``first..k`` closes more ``closer`` than it opens."""
    return text.count(closer, first, k) > text.count(opener, first, k)
