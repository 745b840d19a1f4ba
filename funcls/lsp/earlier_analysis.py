"""A request right after an edit answered from the document's earlier analysis (issue 16).

Pressing Enter in the middle of a module of 500 functions moves the 250 defs below the new
line. Analysing the new text keeps every def's earlier result, but each moved one is copied
with its positions moved (``model/shift.py``): about 20 ms of a completion or hover sent right
after the keystroke, on this machine, before the request could look at its one decorator.

When the edit stays inside one top-level def (the lines between it and the next statement
included), every other def of the new text is the one of the earlier text, moved by the lines
added or removed when it stands below: its text and everything it reads of the module
(imports, constants and app objects above it, which no def creates) are unchanged. So a
request about another def answers from the earlier analysis, reading positions through
:class:`Reuse`, and copies nothing. Whether the edit stays inside: the changed lines lie
between the def's first line and the next statement of the earlier text, and the new text of
that stretch parses on its own into one def followed by blank or comment lines only; then the
new text parses whole into the earlier statements with that one replaced (the reasoning of
``model.python.module._splice``, which the analysis uses for the same edit).

Anything else (an edit above the first def, across two defs, a syntax error in either text, a
request inside the edited def) answers ``None``, and the caller analyses the current text as
before.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from funcls.model.locations import Position, Range
from funcls.model.python.facts import ModuleInfo
from funcls.model.python.limits import parse


def _blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


@dataclass
class Reuse:
    """The earlier analysis of a document, read for its current text. Lines are zero-based:
    the current text's lines ``start`` to ``end`` (inclusive) are the edited def and the blank
    or comment lines after it, which were lines ``start`` to ``end - delta`` of the earlier
    text; every line below moved by ``delta``. ``start`` > ``end`` when nothing changed."""

    module: ModuleInfo
    start: int = 0
    end: int = -1
    delta: int = 0
    # The statements of the edited stretch, earlier and now (for ``same_app_objects``).
    earlier_source: str = ""
    current_source: str = ""
    current_body: list[ast.stmt] = field(default_factory=list)

    def to_earlier(self, pos: Position) -> Position | None:
        """Where ``pos`` of the current text was in the earlier one; None inside the edit."""
        if pos.line < self.start or self.start > self.end:
            return pos
        if pos.line <= self.end:
            return None
        return Position(pos.line - self.delta, pos.column)

    def to_current(self, r: Range) -> Range:
        """A range of the earlier text outside the edit, in the current one."""
        below = self.end - self.delta  # the earlier text's last line of the edit
        if self.start > self.end or self.delta == 0 or r.end.line <= below:
            return r
        start = r.start
        if start.line > below:
            start = Position(start.line + self.delta, start.column)
        return Range(start, Position(r.end.line + self.delta, r.end.column))

    def same_app_objects(self) -> bool:
        """Whether the edited def creates the same app objects as before (an assignment of a
        call inside a def may be one, ``AppCreation.top_level`` False): what completion reads
        of them besides the top level's (their names and kinds) is then unchanged."""
        if self.start > self.end:
            return True
        try:
            before = parse(self.earlier_source).body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
        return _assigned_calls(before) == _assigned_calls(self.current_body)


def _assigned_calls(body: list[ast.stmt]) -> list[tuple[list[str], str]]:
    """Each assignment of a call in ``body`` (what ``_Analyser.nested`` reads for app
    objects): its targets' names and the call's callee, positions left out."""
    out = []
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
                out.append((names, ast.dump(node.value.func)))
    return out


def reuse_analysis(earlier_text: str, earlier: ModuleInfo, text: str) -> Reuse | None:
    """``earlier`` (the analysis of ``earlier_text``) read for ``text``, or None when the
    edit between them is more than one def's (see the module's docstring)."""
    if earlier.partial or any(p.kind == "python-syntax" for p in earlier.problems):
        return None
    if text is earlier_text or text == earlier_text:
        return Reuse(earlier)
    old = earlier_text.split("\n")
    new = text.split("\n")
    n, m = len(old), len(new)
    limit = min(n, m)
    first = 0
    while first < limit and new[first] == old[first]:
        first += 1
    same_end = 0
    while same_end < limit - first and new[m - 1 - same_end] == old[n - 1 - same_end]:
        same_end += 1
    old_end = n - same_end  # old lines [first, old_end) became new lines [first, m - same_end)
    delta = m - n
    if first and new[first - 1].endswith("\\"):
        return None  # a line continued onto the changed ones
    defs = sorted(
        (f.def_range.start.line, f.def_range.end.line)
        for f in earlier.functions
        if f.scope == "module" and not f.branch
    )
    for i, (start, end) in enumerate(defs):
        if start > first:
            return None
        # The def and the blank or comment lines after it, up to the next statement.
        stop = defs[i + 1][0] if i + 1 < len(defs) else n
        last = end
        while last + 1 < stop and _blank_or_comment(old[last + 1]):
            last += 1
        if first > last + 1 or (old_end > first and old_end - 1 > last):
            continue
        stretch = "\n".join(new[start : last + 1 + delta])
        try:
            body = parse(stretch).body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        if len(body) != 1 or not isinstance(body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        return Reuse(
            earlier,
            start,
            last + delta,
            delta,
            "\n".join(old[start : last + 1]),
            stretch,
            body,
        )
    return None
