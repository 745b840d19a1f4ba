"""Where the cursor is in a Python file being typed, found from the text around it (the file
may not parse): after ``@app.``, inside a decorator call, after ``func.AuthLevel.``, or in the
parameter list of a ``def``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_DECORATOR_HEAD = re.compile(r"@\s*([A-Za-z_]\w*)\s*\.\s*([A-Za-z_]\w*)\s*\(")
_AT_METHOD = re.compile(r"^\s*@\s*([A-Za-z_]\w*)\s*\.\s*([A-Za-z_]\w*)?$")
_ATTRIBUTE = re.compile(r"([A-Za-z_][\w.]*)\.([A-Za-z_]\w*)?$")
_DEF_HEAD = re.compile(r"[ \t]*(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(")
_IDENT_CHARS = re.compile(r"[A-Za-z0-9_]")
# Comments and string literals as Python's tokenizer reads them; an unclosed triple-quoted
# string runs to the end of the text, an unclosed one-line string to the end of its line.
_NOT_CODE = re.compile(
    r"#[^\n]*"
    r'|"""(?:\\.|[^\\])*?(?:"""|\Z)'
    r"|'''(?:\\.|[^\\])*?(?:'''|\Z)"
    r'|"(?:\\.|[^"\\\n])*(?:"|(?=\n)|\Z)'
    r"|'(?:\\.|[^'\\\n])*(?:'|(?=\n)|\Z)",
    re.S,
)


@dataclass
class DecoratorName:
    """``@target.pre|``"""

    target: str
    prefix: str
    start: int
    end: int
    has_call: bool


@dataclass
class DecoratorCall:
    """Inside ``@target.method( … | … )``."""

    target: str
    method: str
    keyword: str | None  # the keyword whose value is at the cursor; None: a keyword name
    prefix: str
    start: int
    end: int
    quote: str | None = None  # the string's quote character when the cursor is in a string
    in_list: bool = False
    present: set[str] = field(default_factory=set)
    call_end: int = -1  # offset of the closing ')' (or -1)
    decorator_start: int = 0
    positional: int = 0  # arguments before the cursor's one that have no keyword


@dataclass
class Attribute:
    """``chain.pre|`` e.g. ``func.AuthLevel.AN``"""

    chain: str
    prefix: str
    start: int
    end: int


@dataclass
class DefParameters:
    """Inside the parameter list of ``def name(…|``."""

    name: str
    prefix: str
    start: int
    end: int
    present: list[str] = field(default_factory=list)


PyContext = DecoratorName | DecoratorCall | Attribute | DefParameters


def _word_end(text: str, i: int) -> int:
    while i < len(text) and _IDENT_CHARS.match(text[i]):
        i += 1
    return i


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def in_string_or_comment(text: str, offset: int) -> bool:
    """True when ``offset`` lies inside a comment or a string literal (its quotes excluded)."""
    for m in _NOT_CODE.finditer(text):
        if m.start() >= offset:
            return False
        if offset < m.end():
            return True
        if offset == m.end():
            token = m.group()
            if token.startswith("#"):
                return True
            quote = token[:3] if token[:3] in ('"""', "'''") else token[0]
            closed = len(token) >= 2 * len(quote) and token.endswith(quote)
            return not closed
    return False


def python_context(text: str, offset: int) -> PyContext | None:
    """The completion context at ``offset``; None inside comments and strings, except for
    the string arguments of a decorator call."""
    offset = max(0, min(offset, len(text)))
    found = _python_context(text, offset)
    if found is None:
        return None
    at = found.decorator_start if isinstance(found, DecoratorCall) else offset
    return None if in_string_or_comment(text, at) else found


def _python_context(text: str, offset: int) -> PyContext | None:
    ls = _line_start(text, offset)
    before = text[ls:offset]
    m = _AT_METHOD.match(before)
    if m:
        prefix = m.group(2) or ""
        end = _word_end(text, offset)
        has_call = text[end : end + 1] == "("
        return DecoratorName(m.group(1), prefix, offset - len(prefix), end, has_call)
    call = _decorator_call(text, offset)
    if call is not None:
        return call
    a = _ATTRIBUTE.search(before)
    if a and not before[: a.start()].rstrip().endswith(("def", "class")):
        prefix = a.group(2) or ""
        return Attribute(a.group(1), prefix, offset - len(prefix), _word_end(text, offset))
    return _def_parameters(text, offset)


def _decorator_call(text: str, offset: int) -> DecoratorCall | None:
    # Find the line of the decorator that may hold the cursor: up to 40 lines above.
    ls = _line_start(text, offset)
    for _ in range(40):
        line = text[ls : text.find("\n", ls) if text.find("\n", ls) != -1 else len(text)]
        stripped = line.lstrip()
        if stripped.startswith("@"):
            break
        if stripped.startswith(("def ", "async def ", "class ")) and ls < _line_start(text, offset):
            return None
        if ls == 0:
            return None
        ls = _line_start(text, ls - 1)
    else:
        return None
    at = text.index("@", ls)
    head = _DECORATOR_HEAD.match(text, at)
    if head is None or head.end() > offset:
        return None
    return _scan_call(text, offset, head.group(1), head.group(2), head.end(), at)


def _scan_call(
    text: str, offset: int, target: str, method: str, i: int, at: int
) -> DecoratorCall | None:
    stack = ["("]
    keyword: str | None = None
    present: set[str] = set()
    positional = 0
    snapshot: DecoratorCall | None = None
    n = len(text)
    while i < n:
        if i >= offset and snapshot is None:
            if not stack:
                return None
            snapshot = _snapshot(text, offset, target, method, keyword, stack, None, at)
            snapshot.positional = positional
        c = text[i]
        if c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                if text[j] == "\\":
                    j += 1
                elif text[j] == "\n" and len(quote) == 1:
                    break
                j += 1
            closed = j < n and text.startswith(quote, j)
            if snapshot is None and i < offset <= j:
                snapshot = _snapshot(text, offset, target, method, keyword, stack, (i, quote), at)
                snapshot.positional = positional
            i = j + (len(quote) if closed else 0)
            continue
        if c == "#":
            j = text.find("\n", i)
            i = n if j == -1 else j
            continue
        if c in "([{":
            stack.append(c)
        elif c in ")]}":
            stack.pop()
            if not stack:
                if snapshot is not None:
                    snapshot.present = present
                    snapshot.call_end = i
                return snapshot
        elif c == "," and len(stack) == 1:
            if keyword is None:
                positional += 1
            keyword = None
        elif c == "=" and len(stack) == 1 and text[i + 1 : i + 2] != "=":
            m = re.search(r"([A-Za-z_]\w*)\s*$", text[max(0, i - 80) : i])
            if m:
                keyword = m.group(1)
                present.add(keyword)
        elif text.startswith("def ", i) and text[i - 1 : i] in ("\n", " ", ""):
            break
        i += 1
    if snapshot is None and i >= offset and stack:
        snapshot = _snapshot(text, offset, target, method, keyword, stack, None, at)
        snapshot.positional = positional
    if snapshot is not None:
        snapshot.present = present
    return snapshot


def _snapshot(
    text: str,
    offset: int,
    target: str,
    method: str,
    keyword: str | None,
    stack: list[str],
    string: tuple[int, str] | None,
    at: int,
) -> DecoratorCall:
    in_list = len(stack) >= 2 and stack[1] == "["
    if string is not None:
        start, quote = string
        prefix = text[start + len(quote) : offset]
        end = text.find(quote, offset)
        line_end = text.find("\n", offset)
        if end == -1 or (line_end != -1 and end > line_end and len(quote) == 1):
            end = offset
        else:
            end += len(quote)
        return DecoratorCall(
            target, method, keyword, prefix, start, end, quote[0], in_list, decorator_start=at
        )
    start = offset
    while start > 0 and (_IDENT_CHARS.match(text[start - 1]) or text[start - 1] == "."):
        start -= 1
    prefix = text[start:offset]
    if keyword is None and "." in prefix:
        keyword = ""
    return DecoratorCall(
        target,
        method,
        keyword,
        prefix,
        start,
        _word_end(text, offset),
        None,
        in_list,
        decorator_start=at,
    )


def _def_parameters(text: str, offset: int) -> DefParameters | None:
    ls = _line_start(text, offset)
    for _ in range(15):
        m = _DEF_HEAD.match(text, ls)
        if m:
            inner = text[m.end() : offset]
            depth = 0
            for c in inner:
                depth += c in "([{"
                depth -= c in ")]}"
                if depth < 0:
                    return None
            if ":" in inner.split(",")[-1] or "=" in inner.split(",")[-1]:
                return None
            start = offset
            while start > 0 and _IDENT_CHARS.match(text[start - 1]):
                start -= 1
            params = [p.split(":")[0].split("=")[0].strip(" *\n") for p in inner.split(",")[:-1]]
            return DefParameters(
                m.group(1),
                text[start:offset],
                start,
                _word_end(text, offset),
                [p for p in params if p],
            )
        if ls == 0:
            return None
        ls = _line_start(text, ls - 1)
    return None
