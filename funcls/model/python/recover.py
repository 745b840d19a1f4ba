"""Recovering from a syntax error: parse top-level statements one by one.

A module with a syntax error still yields every top-level statement that parses on its own;
a function whose body is half-typed keeps its decorators and signature.
"""

from __future__ import annotations

import ast

from funcls.model.lazy_re import compiled_on_use


def split_chunks(text: str) -> list[tuple[int, str]]:
    """Top-level statements as (first line index, text); used to recover from syntax errors."""
    lines = text.split("\n")
    starts: list[int] = []
    in_triple: str | None = None
    prev_decorator = False
    depth = 0
    continued = False
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        if in_triple is None and line.startswith(("@", "def ", "async def ", "class ")):
            depth, continued = 0, False  # an unclosed bracket above does not swallow a new def
        opens_here = in_triple is None and depth == 0 and not continued
        if (
            opens_here
            and line
            and not line[0].isspace()
            and not stripped.startswith("#")
            and line[0] not in ")]}"
        ):
            if not prev_decorator:
                starts.append(i)
            prev_decorator = stripped.startswith("@")
        for quote in ('"""', "'''"):
            count = line.count(quote)
            if count % 2 == 1:
                in_triple = None if in_triple == quote else (in_triple or quote)
        if in_triple is None:
            code = line.split("#", 1)[0]
            depth += code.count("(") + code.count("[") + code.count("{")
            depth -= code.count(")") + code.count("]") + code.count("}")
            depth = max(depth, 0)
        continued = line.rstrip().endswith("\\")
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    chunks: list[tuple[int, str]] = []
    for k, s in enumerate(starts):
        e = starts[k + 1] if k + 1 < len(starts) else len(lines)
        chunks.append((s, "\n".join(lines[s:e])))
    return chunks


# Cut points tried for a half-typed def or class: the last ones (most of the body kept) and
# the first ones (the signature), so a long body costs a bounded number of parses.
CUTS_TRIED = 8


def _parse_at(start: int, text: str) -> list[ast.stmt]:
    """``text``'s statements with line numbers as if it began on line ``start`` (0-based).
    Parsed alone and shifted: prefixing ``start`` newlines made recovery quadratic in the
    file's lines (16,000 statements before a syntax error: 4.7 s in ``compile``, issue 17)."""
    body = ast.parse(text).body
    if start:
        for stmt in body:
            ast.increment_lineno(stmt, start)
    return body


def parse_chunk(start: int, chunk: str) -> list[ast.stmt]:
    try:
        return _parse_at(start, chunk)
    except (SyntaxError, ValueError):
        pass
    # A half-typed body: keep the decorators and signature by cutting the body short.
    lines = chunk.split("\n")
    head = lines[0].lstrip()
    if not (head.startswith(("@", "def ", "async def ", "class "))):
        return []
    cuts = [k for k in range(len(lines) - 1, 0, -1) if lines[k - 1].rstrip().endswith(":")]
    if len(cuts) > 2 * CUTS_TRIED:
        cuts = cuts[:CUTS_TRIED] + cuts[-CUTS_TRIED:]
    for k in cuts:
        try:
            return _parse_at(start, "\n".join(lines[:k]) + "\n    pass\n")
        except (SyntaxError, ValueError):
            continue
    return _signature_repaired(start, lines)


# Marks a def whose signature ``_signature_repaired`` closed (``PyFunction.partial_signature``).
REPAIRED = "funcls_partial_signature"
# Lines of a signature being typed that are looked at after its def line.
_SIGNATURE_LINES = 12
_BODY_ASSIGNMENT = compiled_on_use(r"\s*[A-Za-z_]\w*\s+=\s")  # ``x = 1``; a default is ``x=1``
_LAST_TOKEN = compiled_on_use(r"[\w.]*$")
_OPENERS = {"(": ")", "[": "]", "{": "}"}


def _closers(text: str) -> str | None:
    """The brackets ``text`` leaves open, closed; None when a one-quote string runs past its
    line or a bracket closes one never opened."""
    stack: list[str] = []
    quote: str | None = None
    i = 0
    while i < len(text):
        c = text[i]
        if quote is not None:
            if c == "\n":
                return None
            if c == "\\":
                i += 1
            elif c == quote:
                quote = None
        elif c == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        elif c in "\"'":
            quote = c
        elif c in _OPENERS:
            stack.append(_OPENERS[c])
        elif c in ")]}" and (not stack or stack.pop() != c):
            return None
        i += 1
    return None if quote is not None else "".join(reversed(stack))


def _signature_repaired(start: int, lines: list[str]) -> list[ast.stmt]:
    """A def whose signature is being typed (``def main(req: func.HttpRequest`` with no
    closing parenthesis yet, or no colon): its decorators and the signature lines that read
    as parameters, closed where they stop, above the lines below when they parse as its body
    (else an empty one), so that its parameters are known while it is typed. The body lines
    would read as parameters inside the open parenthesis: a line is taken only while the
    signature with it still parses, and never when it looks like a statement (``x = 1``: a
    default is written ``x=1``). An unfinished last name (``req: func.``) is dropped. Without
    a body the def ends at its last signature line. It is marked (``REPAIRED``); nothing of
    it is run."""
    if lines[0].lstrip().startswith("class "):
        return []
    d = next(
        (i for i, line in enumerate(lines) if line.lstrip().startswith(("def ", "async def "))),
        None,
    )
    if d is None or d > _SIGNATURE_LINES:
        return []
    # The signature's lines are found with empty bodies (small parses); the lines below are
    # parsed as its body once, at the end.
    best = 0
    for k in range(d + 1, min(len(lines), d + 1 + _SIGNATURE_LINES) + 1):
        if k > d + 1 and (_BODY_ASSIGNMENT.match(lines[k - 1]) or not lines[k - 1].strip()):
            break
        if _closed_signature(start, lines[:k], []) is None:
            if best:
                break
            continue
        best = k
    return (_closed_signature(start, lines[:best], lines[best:]) or []) if best else []


def _closed_signature(start: int, lines: list[str], rest: list[str]) -> list[ast.stmt] | None:
    """``lines`` (decorators and the signature so far) closed into a def, with ``rest`` (the
    lines below) as its body when they parse so, else an empty one ending on the last line."""
    head = "".join(line + "\n" for line in lines[:-1])
    last = lines[-1].rstrip()
    # The last line as typed, then without its unfinished name, then without a dangling
    # annotation or arrow: the first that closes into a def that parses.
    tries = [last]
    trimmed = _LAST_TOKEN.sub("", last).rstrip()
    for t in (trimmed, trimmed.rstrip(":").rstrip(), trimmed.removesuffix("->").rstrip()):
        if t not in tries:
            tries.append(t)
    for t in tries:
        text = head + t
        closers = _closers(text)
        if closers is None:
            continue
        colon = "" if text.rstrip().endswith(":") and not closers else ":"
        with_body = "\n".join([text + closers + colon, *rest]) if rest else None
        for whole, candidate in ((True, with_body), (False, text + closers + colon + " pass")):
            if candidate is None:
                continue
            try:
                body = _parse_at(start, candidate)
            except (SyntaxError, ValueError):
                continue
            node = body[0] if len(body) == 1 else None
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            setattr(node, REPAIRED, True)
            if not whole:
                node.end_lineno = start + len(lines)
                node.end_col_offset = len(lines[-1].encode("utf-8"))
            return body
    return None


def recover_statements(text: str) -> list[ast.stmt]:
    body: list[ast.stmt] = []
    for start, chunk in split_chunks(text):
        body.extend(parse_chunk(start, chunk))
    return body
