"""The fast path of ``parse_json``: strict JSON read with regular expressions.

Nearly every function.json, host.json and local.settings.json is plain JSON. For those this
reader builds the very nodes the tolerant reader (``parser.py``) builds — same kinds, values,
offsets and ranges — at a third of its cost (issue 16: the tolerant reader, one character at a
time in Python, was a quarter of `funcls index`). It accepts only a subset of what the
tolerant reader reads without error: RFC 8259 JSON with ASCII whitespace, at most 200 levels
deep. On anything else (a comment, a trailing comma, a single quote, a leading zero, a raw tab
in a string, any mistake) it gives up and the tolerant reader reads the text, with its errors.

Values are made as the tolerant reader makes them (not as ``json.loads`` would): ``\\uXXXX``
escapes one character each (a surrogate pair stays two), numbers with ``.`` or an exponent are
``float``, other numbers ``int`` (None when Python refuses the digits).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, cast

from funcls.model.jsondoc.nodes import MAX_DEPTH, JsonMember, JsonNode
from funcls.model.locations import LineIndex

_WS = re.compile(r"[ \t\n\r]*")
# A string: any character but '"', '\' and controls, or one of JSON's escapes.
_STRING = re.compile(r'"((?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*)"')
_KEY_COLON = re.compile(_STRING.pattern + r"[ \t\n\r]*:[ \t\n\r]*")
# The same without escapes, tried first: one repeated character class is a tight loop in
# the regular expression engine, where the alternation above costs a branch per character
# (issue 16: reading the bench's 540 JSON files, 166 -> 130 M instructions). None on an
# escape or a control character: then the above.
_SIMPLE_STRING = re.compile(r'"([^"\\\x00-\x1f]*)"')
_SIMPLE_KEY_COLON = re.compile(_SIMPLE_STRING.pattern + r"[ \t\n\r]*:[ \t\n\r]*")
# A member whose key and string value have no escape, then the comma and spaces after it
# or the closing brace (group 3): the value's part is optional, so that the match gives
# the key alone (group 2 None) when the value is anything else.
_SIMPLE_MEMBER = re.compile(
    _SIMPLE_KEY_COLON.pattern + r'(?:"([^"\\\x00-\x1f]*)"[ \t\n\r]*(?:,[ \t\n\r]*|(\})))?'
)
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|(.))")
# After a member or an item: spaces, then a comma and the spaces after it, or the closing
# bracket (group 1), in one match.
_AFTER_MEMBER = re.compile(r"[ \t\n\r]*(?:,[ \t\n\r]*|(\}))")
_AFTER_ITEM = re.compile(r"[ \t\n\r]*(?:,[ \t\n\r]*|(\]))")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class _NotPlain(Exception):
    """The text is not plain JSON: the tolerant reader takes it."""


def _unescape(m: re.Match[str]) -> str:
    code = m.group(1)
    return chr(int(code, 16)) if code is not None else _ESCAPES[m.group(2)]


def parse_plain(text: str) -> tuple[JsonNode, LineIndex] | None:
    """The root node and line index of ``text`` when it is plain JSON, else None."""
    lines = LineIndex(text)
    n = len(text)
    # It matches at any offset (possibly nothing), so never gives None.
    ws = cast("Callable[..., re.Match[str]]", _WS.match)
    string = _STRING.match
    simple_string = _SIMPLE_STRING.match
    simple_member = _SIMPLE_MEMBER.match
    number = _NUMBER.match
    key_colon = _KEY_COLON.match
    unescape = _ESCAPE.sub
    after_member = _AFTER_MEMBER.match
    after_item = _AFTER_ITEM.match

    member = JsonMember.at
    # Ranges are left to the nodes, made from the offsets when read (nodes.py).

    def value(i: int, depth: int) -> JsonNode:
        """The value starting at ``i`` (no whitespace before it)."""
        if i >= n:
            raise _NotPlain
        c = text[i]
        if c == "{":
            return obj(i, depth + 1)
        if c == "[":
            return arr(i, depth + 1)
        if c == '"':  # a string, read here without a call of its own (a third of the values)
            m = simple_string(text, i) or string(text, i)
            if m is None:
                raise _NotPlain
            s = m.group(1)
            if "\\" in s:
                s = unescape(_unescape, s)
            return JsonNode("string", None, i, m.end(), s, None, None, True, lines)
        if c == "t" and text.startswith("true", i):
            return JsonNode("boolean", None, i, i + 4, True, None, None, True, lines)
        if c == "f" and text.startswith("false", i):
            return JsonNode("boolean", None, i, i + 5, False, None, None, True, lines)
        if c == "n" and text.startswith("null", i):
            return JsonNode("null", None, i, i + 4, None, None, None, True, lines)
        m = number(text, i)
        if m is None:
            raise _NotPlain
        end = m.end()
        raw = text[i:end]
        v: Any
        try:
            v = float(raw) if m.group(1) is not None or m.group(2) is not None else int(raw)
        except ValueError:  # more digits than int() takes
            v = None
        return JsonNode("number", None, i, end, v, None, None, True, lines)

    def obj(start: int, depth: int) -> JsonNode:
        if depth > MAX_DEPTH:
            raise _NotPlain
        members: list[JsonMember] = []
        i = ws(text, start + 1).end()
        if i < n and text[i] == "}":
            i += 1
        else:
            while True:
                # Most members: "key": "value" and the comma or the brace after, in one match;
                # else the key and the colon (with the spaces after it).
                m = simple_member(text, i)
                if m is not None:
                    key, sv, close = m.groups()
                    if sv is not None:
                        v = JsonNode(
                            "string",
                            None,
                            m.start(2) - 1,
                            m.end(2) + 1,
                            sv,
                            None,
                            None,
                            True,
                            lines,
                        )
                        members.append(member(key, i, m.end(1) + 1, v, lines))
                        i = m.end()
                        if close is not None:
                            break
                        continue
                else:
                    m = key_colon(text, i)  # a key with an escape
                    if m is None:
                        raise _NotPlain
                    key = unescape(_unescape, m.group(1))
                vi = m.end()
                if vi < n and text[vi] == '"':  # a string value, most of them: without a call
                    sm = simple_string(text, vi) or string(text, vi)
                    if sm is None:
                        raise _NotPlain
                    sv = sm.group(1)
                    if "\\" in sv:
                        sv = unescape(_unescape, sv)
                    v = JsonNode("string", None, vi, sm.end(), sv, None, None, True, lines)
                else:
                    v = value(vi, depth)
                members.append(member(key, i, m.end(1) + 1, v, lines))
                after = after_member(text, v._end)
                if after is None:
                    raise _NotPlain
                i = after.end()
                if after.group(1) is not None:
                    break
        return JsonNode("object", None, start, i, None, members, None, True, lines)

    def arr(start: int, depth: int) -> JsonNode:
        if depth > MAX_DEPTH:
            raise _NotPlain
        items: list[JsonNode] = []
        i = ws(text, start + 1).end()
        if i < n and text[i] == "]":
            i += 1
        else:
            while True:
                v = value(i, depth)
                items.append(v)
                after = after_item(text, v._end)
                if after is None:
                    raise _NotPlain
                i = after.end()
                if after.group(1) is not None:
                    break
        return JsonNode("array", None, start, i, None, None, items, True, lines)

    try:
        i = ws(text).end()
        if i >= n:
            return None
        root = value(i, 0)
        if ws(text, root._end).end() != n:
            return None
    except (_NotPlain, RecursionError):
        return None
    return root, lines
