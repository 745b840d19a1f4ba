"""Lines added or removed in an open module (issue 16): the analysis parses only the statement
that changed and copies the defs below it moved by the lines added or removed
(``model.python.module``, ``model.shift``). After every edit of seeded random sequences the
analysis equals a fresh one of the same text, field by field."""

from __future__ import annotations

import random
from typing import Any

import pytest

from funcls.checks.findings import Finding, Related, Severity
from funcls.model.locations import Location, Range
from funcls.model.python.module import analyse_module, keep_tree, moved_defs
from funcls.model.shift import Shift, Unshiftable, shifted
from tests.checks.test_incremental import KINDS, function

PATH = "/ws/app/blueprints/bp.py"


def module_text(n: int) -> str:
    parts = [
        "import logging\n\nimport azure.functions as func\n\n",
        "from blueprints.names import QUEUE\n\nbp = func.Blueprint()\nPREFIX = 'p'\n",
    ]
    for i in range(n):
        parts.append("\n\n" + function(KINDS[i % len(KINDS)], i, "bp"))
    parts.append("\n\n@bp.route(route=PREFIX)\ndef uses_prefix(req):\n    return req\n")
    return "".join(parts)


def line_edit(rng: random.Random, lines: list[str]) -> str:
    """One edit a person makes while typing, on ``lines`` in place: its name."""
    i = rng.randrange(1, len(lines))
    r = rng.random()
    if r < 0.25:
        lines.insert(i, "    ")
        return "Enter (indented)"
    if r < 0.4:
        lines.insert(i, rng.choice(["", "# note"]))
        return "Enter (blank or comment)"
    if r < 0.6:
        if lines[i].strip() in ("", "# note", "x = 1") or lines[i] == "    x = 1":
            del lines[i]
            return "a line removed"
        return "nothing"
    if r < 0.75:
        lines.insert(i, rng.choice(["    x = 1", "x = 1"]))
        return "a statement typed"
    if r < 0.85:
        lines[i] = lines[i] + "\n" + lines[i]
        return "a line duplicated"
    if i + 1 < len(lines):
        lines[i] = lines[i] + lines.pop(i + 1)
        return "two lines joined"
    return "nothing"


@pytest.mark.parametrize("seed", range(6))
def test_random_line_edits_give_the_analysis_a_fresh_one_gives(seed: int) -> None:
    rng = random.Random(seed)
    text = module_text(30)
    memo: dict[tuple[object, ...], Any] = {}
    keep_tree(memo)
    analyse_module(PATH, text, memo)
    moved = 0
    for step in range(120):
        lines = text.split("\n")
        what = line_edit(rng, lines)
        text = "\n".join(lines)
        kept = analyse_module(PATH, text, memo)
        assert kept == analyse_module(PATH, text), f"seed {seed}, step {step}: {what}"
        for new, old, shift in moved_defs(memo).values():
            assert new in kept.functions and old is not new
            assert new.def_range.start.line == old.def_range.start.line + shift.delta
        moved += len(moved_defs(memo))
    assert moved > 500  # the copies were made (and compared) many times


def test_enter_in_a_def_moves_the_defs_below_it_only() -> None:
    text = module_text(6)
    memo: dict[tuple[object, ...], Any] = {}
    keep_tree(memo)
    first = analyse_module(PATH, text, memo)
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("def timer_1"))
    after = analyse_module(PATH, "\n".join([*lines[: at + 1], "    ", *lines[at + 1 :]]), memo)
    names = [f.name for f in first.functions]
    assert names[:3] == ["queue_0", "timer_1", "http_2"]
    # Above the edit: the same objects; the edited def: analysed again; below: moved copies.
    assert after.functions[0] is first.functions[0]
    assert after.functions[1] is not first.functions[1]
    moved = moved_defs(memo)
    assert sorted(moved) == sorted(id(f) for f in after.functions[2:])
    for _, old, shift in moved.values():  # each from its old first line down, one line
        assert shift == Shift(PATH, old.def_range.start.line, 1)


def test_a_def_reading_a_constant_that_moved_is_analysed_again() -> None:
    """``uses_prefix`` reads PREFIX: a line added above PREFIX moves the constant, and the
    def (whose analysis depends on where the constants it reads stand) is not copied."""
    text = module_text(2)
    memo: dict[tuple[object, ...], Any] = {}
    keep_tree(memo)
    analyse_module(PATH, text, memo)
    text = text.replace("bp = func.Blueprint()\n", "bp = func.Blueprint()\n\n", 1)
    after = analyse_module(PATH, text, memo)
    assert after == analyse_module(PATH, text)
    assert not moved_defs(memo)


def finding(path: str, line: int, data: dict[str, object]) -> Finding:
    here = Location(path, Range.of(line, 4, line, 9))
    return Finding(
        "AZF200",
        "binding 'msg' has no parameter",
        Severity.ERROR,
        here,
        related=[Related(Location("/ws/app/function_app.py", Range.of(line, 0, line, 3)), "x")],
        data=data,
    )


def test_a_finding_moves_in_its_file_only_and_never_with_numbers_in_its_data() -> None:
    shift = Shift(PATH, 10, 2)
    moved = shifted(finding(PATH, 12, {"name": "msg"}), shift, ints_ok=False)
    assert moved.range == Range.of(14, 4, 14, 9)
    # Related information in another file stays where it is.
    assert moved.related[0].location.range == Range.of(12, 0, 12, 3)
    assert shifted(finding(PATH, 9, {}), shift, ints_ok=False).range == Range.of(9, 4, 9, 9)
    # A number in a finding's data may be a line: the finding is not moved, it is checked again.
    with pytest.raises(Unshiftable):
        shifted(finding(PATH, 12, {"line": 12}), shift, ints_ok=False)


def test_every_model_class_is_copied_field_for_field() -> None:
    """A copy with nothing to move equals the original for every field of every class the
    shift copies: empty and None values stay what they were (a None retry is not {})."""
    from dataclasses import fields

    from funcls.model.appmodel import Binding, DecoratorUse, Function, Value

    value = Value("x", Range.of(3, 1, 3, 4))
    fn = Function(
        "f",
        "v2",
        bindings=[Binding("queueTrigger", "in", "msg", PATH, Range.of(3, 0, 3, 9), {"q": value})],
        decorators=[
            DecoratorUse("queue_trigger", "bp", PATH, Range.of(3, 0, 3, 9), Range.of(3, 1, 3, 2))
        ],
        retry=None,
        def_range=Range.of(3, 0, 5, 0),
    )
    for retry in (None, {}, {"strategy": value}):
        fn.retry = retry
        same = shifted(fn, Shift(PATH, 10, 1))
        assert same is not fn
        assert same == fn and [getattr(same, f.name) for f in fields(fn)] == [
            getattr(fn, f.name) for f in fields(fn)
        ]
        moved = shifted(fn, Shift(PATH, 0, 2))
        assert moved.def_range == Range.of(5, 0, 7, 0)
        assert moved.retry == (
            None if retry is None else {k: Value("x", Range.of(5, 1, 5, 4)) for k in retry}
        )
