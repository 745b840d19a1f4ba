"""The line an edit happens on (issue 16): a Position or Range that starts exactly on
``Shift.at`` moves, one on the line above does not (``model.shift``, ``_Shifter.position`` and
the range copiers).

Enter at the start of a def's first line (its first decorator), of a later decorator's line
and of the ``def`` line itself, then Backspace there: every position the analysis of the text
before gives, moved by the shift the analysis records for such an edit, must be the one a
fresh analysis of the text after gives. Positions go through ``shifted`` alone (as a
``Position``) and inside their ranges; on the first line of a moved def both meet the edge."""

from __future__ import annotations

from typing import Any

import pytest

from funcls.model.locations import Position, Range
from funcls.model.python.facts import ModuleInfo
from funcls.model.python.module import analyse_module, keep_tree, moved_defs
from funcls.model.shift import Shift, shifted

PATH = "/ws/app/blueprints/bp.py"
TEXT = """import azure.functions as func

bp = func.Blueprint()


@bp.queue_trigger(arg_name="msg", queue_name="items", connection="AzureWebJobsStorage")
@bp.blob_output(arg_name="out", path="archive/{rand-guid}.txt", connection="AzureWebJobsStorage")
def on_item(msg: func.QueueMessage, out: func.Out[str]) -> None:
    out.set(msg.get_body().decode())


@bp.timer_trigger(schedule="0 */5 * * * *", arg_name="timer")
def tick(timer: func.TimerRequest) -> None:
    pass
"""


def positions(module: ModuleInfo) -> list[tuple[str, Range]]:
    """Every range of the module's defs that says where something is, named."""
    out: list[tuple[str, Range]] = []
    for f in module.functions:
        out += [(f"{f.name} def", f.def_range), (f"{f.name} name", f.name_range)]
        for i, d in enumerate(f.decorators):
            out += [(f"{f.name} @{i}", d.range), (f"{f.name} @{i} method", d.method_range)]
            out += [(f"{f.name} @{i} {k.name}", k.name_range) for k in d.keywords]
    return out


def line_of(needle: str, text: str = TEXT) -> int:
    return next(i for i, line in enumerate(text.split("\n")) if line.startswith(needle))


# (where: the line the cursor is at, column 0)
PLACES = [
    ("@bp.queue_trigger", "a def's first line (its first decorator)"),
    ("@bp.blob_output", "a later decorator's line"),
    ("def on_item", "a decorated def's def line"),
    ("@bp.timer_trigger", "the first line of the last def"),
]


@pytest.mark.parametrize(("needle", "what"), PLACES)
@pytest.mark.parametrize("key", ["Enter", "Backspace"])
def test_an_edit_at_the_start_of_a_line_moves_what_starts_on_it(
    needle: str, what: str, key: str
) -> None:
    at = line_of(needle)
    lines = TEXT.split("\n")
    if key == "Enter":  # a new empty line above: line `at` and below move down
        before_text = TEXT
        after_lines = [*lines[:at], "", *lines[at:]]
        shift = Shift(PATH, at, 1)
    else:  # Backspace at column 0 of that line, with an empty line above it: they move up
        before_lines = [*lines[:at], "", *lines[at:]]
        before_text = "\n".join(before_lines)
        after_lines = lines
        shift = Shift(PATH, at + 1, -1)
    after_text = "\n".join(after_lines)
    before = analyse_module(PATH, before_text)
    after = analyse_module(PATH, after_text)
    old, new = positions(before), positions(after)
    assert [n for n, _ in old] == [n for n, _ in new]
    for (name, was), (_, now) in zip(old, new, strict=True):
        # Each end alone, as a Position ...
        assert shifted(was.start, shift) == now.start, f"{key} at {what}: {name} start"
        assert shifted(was.end, shift) == now.end, f"{key} at {what}: {name} end"
        # ... and the range whole.
        assert shifted(was, shift) == now, f"{key} at {what}: {name}"
    # The line above the edit stays where it is.
    above = Position(shift.at - 1, 0)
    assert shifted(above, shift) == above


@pytest.mark.parametrize(("needle", "what"), PLACES)
@pytest.mark.parametrize("key", ["Enter", "Backspace"])
def test_the_analysis_after_such_an_edit_equals_a_fresh_one(
    needle: str, what: str, key: str
) -> None:
    """The copies the analysis makes of the defs that moved (``moved_defs``) for the same
    edits, field by field against a fresh analysis."""
    at = line_of(needle)
    lines = TEXT.split("\n")
    blank = [*lines[:at], "", *lines[at:]]
    first, second = (lines, blank) if key == "Enter" else (blank, lines)
    memo: dict[tuple[object, ...], Any] = {}
    keep_tree(memo)
    analyse_module(PATH, "\n".join(first), memo)
    kept = analyse_module(PATH, "\n".join(second), memo)
    assert kept == analyse_module(PATH, "\n".join(second)), f"{key} at {what}"
    for new, old, shift in moved_defs(memo).values():
        assert new.def_range.start.line == old.def_range.start.line + shift.delta
