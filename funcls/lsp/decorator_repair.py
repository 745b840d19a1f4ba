"""A decorator being typed, read as if it were closed: ``@app.route(route="products/{id`` has
an unterminated string and an unclosed call, so the module's parse drops the def under it
(``model/python/recover.py`` keeps the statements around it) and the model has nothing at the
cursor. A request there (hover on ``route`` or ``app.route``) reads this repair instead: the
decorator's lines with each string closed at its line's end and the open brackets closed after
them, above a placeholder def, analysed on their own. Nothing of the workspace runs; the text
is only parsed."""

from __future__ import annotations

from dataclasses import dataclass

from funcls.model.locations import Position
from funcls.model.python.facts import ModuleInfo
from funcls.model.python.module import analyse_module

_CLOSERS = {"(": ")", "[": "]", "{": "}"}
_STARTS = ("@", "def ", "async def ", "class ")
_MAX_LINES = 40  # a decorator call longer than this is not looked for


@dataclass(frozen=True)
class RepairedDecorator:
    """The analysis of the repaired decorator; its line 0 is line ``first`` of the file (the
    columns are the file's: only closing characters are added, at the lines' ends)."""

    module: ModuleInfo
    first: int

    def to_repair(self, pos: Position) -> Position:
        return Position(pos.line - self.first, pos.column)


def _closed(lines: list[str]) -> str:
    """``lines`` with a string left open at a line's end closed there (a one-quote string
    cannot span lines) and the brackets still open at the end closed after the last line."""
    stack: list[str] = []
    out: list[str] = []
    triple: str | None = None
    for line in lines:
        quote: str | None = None
        i = 0
        while i < len(line):
            c = line[i]
            if triple is not None:
                if line.startswith(triple, i):
                    i += 3
                    triple = None
                    continue
            elif quote is not None:
                if c == "\\":
                    i += 2
                    continue
                if c == quote:
                    quote = None
            elif c == "#":
                break
            elif line.startswith(('"""', "'''"), i):
                triple = line[i : i + 3]
                i += 3
                continue
            elif c in "\"'":
                quote = c
            elif c in _CLOSERS:
                stack.append(_CLOSERS[c])
            elif c in ")]}" and stack and stack[-1] == c:
                stack.pop()
            i += 1
        out.append(line + (quote or ""))
    tail = (triple or "") + "".join(reversed(stack))
    return "\n".join(out) + tail


def repaired_decorator(path: str, text: str, pos: Position) -> RepairedDecorator | None:
    """The top-level decorator whose lines hold ``pos``, repaired and analysed, or None when
    ``pos`` is in no decorator or the repair does not parse either."""
    lines = text.split("\n")
    if not 0 <= pos.line < len(lines):
        return None
    first = pos.line
    while not lines[first].startswith("@"):
        if lines[first].startswith(_STARTS[1:]) or first == 0 or pos.line - first > _MAX_LINES:
            return None
        first -= 1
    end = first + 1
    while end < len(lines) and end - first < _MAX_LINES:
        line = lines[end]
        if not line.strip() or line.startswith(_STARTS):
            break
        end += 1
    if pos.line >= end:
        return None
    # The whole decorator, else its lines up to the cursor's (what follows may be the next
    # statement run into it).
    for last in dict.fromkeys((end, pos.line + 1)):
        snippet = _closed(lines[first:last]) + "\ndef _funcls_typed():\n    pass\n"
        module = analyse_module(path, snippet)
        if not module.partial and module.functions and module.functions[0].decorators:
            return RepairedDecorator(module, first)
    return None
