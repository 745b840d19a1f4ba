"""Where the cursor is in a JSON text that is being typed: the path of the container, whether a
key or a value is expected, and the token to replace.

Only the text before the cursor decides the path (a forward scan with a stack, tolerant of
comments, trailing commas and anything after the cursor), so half-typed documents work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from funcls.model.jsondoc.open_string import cut_at_line_end, cut_before_key


@dataclass
class _Frame:
    kind: Literal["object", "array"]
    expect: Literal["key", "colon", "value", "comma"]
    key: str | None = None
    index: int = 0
    keys: list[str] = field(default_factory=list)
    last_value_end: int = -1


@dataclass
class JsonContext:
    path: tuple[str | int, ...]  # keys / indices down to the container the cursor is in
    container: Literal["object", "array", "none"]
    position: Literal["key", "value"]
    key: str | None  # the member's key, for a value position in an object
    prefix: str  # what is typed of the token so far (without the opening quote)
    start: int  # offset of the token (its opening quote included)
    end: int  # offset after the token (its closing quote included, when on the same line)
    quoted: bool  # the token is a string
    keys_before: tuple[str, ...] = ()  # keys already written in this object before the cursor
    needs_comma_at: int = -1  # a new member here needs a ',' inserted at this offset

    @property
    def value_path(self) -> tuple[str | int, ...]:
        """The path of the value being completed (container path + key)."""
        if self.container == "object" and self.key is not None:
            return (*self.path, self.key)
        return self.path


def _read_string(text: str, i: int) -> tuple[int, int, bool]:
    """The string opening at ``i`` as the tolerant reader reads it (``open_string.py``): the
    offset where its text ends, where reading resumes after it, and whether it is closed. A
    string left open ends before the next property name on its line, or before the ',' and
    closers at its line's end, or at the line's end."""
    n = len(text)
    j = i + 1
    while j < n:
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == '"':
            after = text[j + 1 : j + 2]  # a name's character: maybe the next name's quote
            cut = cut_before_key(text, i, j) if after.isalpha() or after in ("_", "$") else -1
            return (j, j + 1, True) if cut < 0 else (cut, cut, False)
        if c == "\n":
            break
        j += 1
    j = min(j, n)
    cut = cut_at_line_end(text, i, j)
    return (j, j, False) if cut < 0 else (cut, cut, False)


def _colon_follows(text: str, i: int) -> bool:
    n = len(text)
    while i < n and text[i] in " \t\r\n":
        i += 1
    return i < n and text[i] == ":"


def _after_value(stack: list[_Frame], end: int) -> None:
    if stack:
        top = stack[-1]
        top.expect = "comma"
        top.last_value_end = end


def json_context(text: str, offset: int) -> JsonContext:
    offset = max(0, min(offset, len(text)))
    stack: list[_Frame] = []
    i = 0
    in_string_at = -1
    while i < offset:
        c = text[i]
        if c == '"':
            text_end, resume, closed = _read_string(text, i)
            if offset <= text_end:
                in_string_at = i
                break
            value = text[i + 1 : text_end]
            top = stack[-1] if stack else None
            if top is not None and top.kind == "object" and top.expect in ("key", "comma"):
                if closed:
                    top.key = value
                    top.keys.append(value)
                    top.expect = "colon"
                # A name left open is no name: the object still expects one.
            elif (
                top is not None
                and top.kind == "object"
                and top.expect == "value"
                and closed
                and _colon_follows(text, resume)
            ):
                # A member whose value is not typed yet ("version": on a line of its own):
                # this string is the next member's name (as parser.py reads it).
                top.key = value
                top.keys.append(value)
                top.expect = "colon"
            else:
                _after_value(stack, resume)
                if not closed and stack:
                    stack[-1].last_value_end = -1  # no ',' inserted into text left open
            i = resume
            continue
        if c == "/" and text.startswith("//", i):
            j = text.find("\n", i)
            i = offset if j == -1 else j + 1
            continue
        if c == "/" and text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = offset if j == -1 else j + 2
            continue
        if c == "{":
            stack.append(_Frame("object", "key"))
        elif c == "[":
            stack.append(_Frame("array", "value"))
        elif c in "}]":
            if stack:
                stack.pop()
            _after_value(stack, i + 1)
        elif c == ":":
            if stack and stack[-1].kind == "object":
                stack[-1].expect = "value"
        elif c == ",":
            if stack:
                top = stack[-1]
                if top.kind == "object":
                    top.expect, top.key = "key", None
                else:
                    top.expect = "value"
                    top.index += 1
        elif c.isalnum() or c in "-+.":
            j = i
            while j < offset and (text[j].isalnum() or text[j] in "-+._"):
                j += 1
            if j >= offset:
                break  # the cursor is in this word
            _after_value(stack, j)
            i = j
            continue
        i += 1

    # The token at the cursor.
    quoted = in_string_at >= 0
    if quoted:
        start = in_string_at
        prefix = text[start + 1 : offset]
        text_end, end, closed = _read_string(text, start)
        if not closed:
            j = offset
            while j < text_end and text[j] not in '\n,:}]"':
                j += 1
            end = j
    else:
        start = offset
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-+._$"):
            start -= 1
        prefix = text[start:offset]
        end = offset
        while end < len(text) and (text[end].isalnum() or text[end] in "-+._$"):
            end += 1

    path: list[str | int] = []
    for frame in stack[:-1]:
        if frame.kind == "object":
            path.append(frame.key or "")
        else:
            path.append(frame.index)
    if not stack:
        return JsonContext((), "none", "value", None, prefix, start, end, quoted)
    top = stack[-1]
    if top.kind == "array":
        return JsonContext(tuple(path), "array", "value", None, prefix, start, end, quoted)
    keys_before = tuple(top.keys)
    if top.expect == "value":
        return JsonContext(
            tuple(path), "object", "value", top.key, prefix, start, end, quoted, keys_before
        )
    needs_comma = top.last_value_end if top.expect == "comma" else -1
    if top.expect == "colon":
        # Right after a complete key: nothing to complete until the ':'.
        return JsonContext(
            tuple(path), "none", "key", None, prefix, start, end, quoted, keys_before
        )
    return JsonContext(
        tuple(path), "object", "key", None, prefix, start, end, quoted, keys_before, needs_comma
    )
