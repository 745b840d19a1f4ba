"""Completion and hover right after an edit, read from the document's earlier analysis with
its lines moved (issue 16, ``lsp/earlier_analysis.py``), answer what they answer from the
current text's own analysis.

Seeded random typing in a blueprint module (Enter at a line's end and in its middle,
Backspace, characters typed, lines added and removed, app objects, constants, imports and
decorators typed between and inside defs, strings and brackets left open, and undone); the earlier
analysis is that of the text some edits back, as the server's last indexing leaves it. After
every edit, at every decorator name, keyword name and ``@bp.``/``func.AuthLevel.`` of the
text, and at random places, the whole ``Hover`` and ``CompletionList`` are compared with
those made without the earlier analysis."""

from __future__ import annotations

import random
from datetime import datetime, timezone
from pathlib import Path

import pytest

from funcls.lsp import completion, hover
from funcls.lsp.context import make_context
from funcls.lsp.earlier_analysis import reuse_analysis
from funcls.model.locations import Position, Range
from funcls.model.python.module import analyse_module
from funcls.model.workspace import Workspace
from tests.lsp.support import write_app

SCRIPT = """import azure.functions as func

from bp import bp

app = func.FunctionApp()
app.register_functions(bp)
"""

MODULE = '''import logging

import azure.functions as func
from azure.functions import Blueprint as B

bp = func.Blueprint()

SCHEDULE = "0 */5 * * * *"


@bp.timer_trigger(schedule="0 */5 * * * *", arg_name="timer", run_on_startup=False)
def tick(timer: func.TimerRequest) -> None:
    logging.info("tick")
    other = B()
    return None


@bp.queue_trigger(arg_name="msg", queue_name="items", connection="AzureWebJobsStorage")
@bp.blob_output(arg_name="out", path="archive/{rand-guid}.txt", connection="AzureWebJobsStorage")
def on_item(msg: func.QueueMessage, out: func.Out[str]) -> None:
    """Copies an item
    to the archive."""
    out.set(msg.get_body().decode())

LIMIT = 3

# between the defs

@bp.route(route="things", auth_level=func.AuthLevel.ANONYMOUS)
@bp.queue_output(arg_name="msg", queue_name="out", connection="AzureWebJobsStorage")
def things(req: func.HttpRequest, msg: func.Out[str]) -> func.HttpResponse:
    msg.set("x")
    return func.HttpResponse("ok")


@bp.timer_trigger(schedule=SCHEDULE, arg_name="timer")
def tock(timer: func.TimerRequest) -> None:
    logging.info("tock")


@bp.timer_trigger(schedule="0 0 * * * *", arg_name="timer")
async def hourly(timer: func.TimerRequest) -> None:
    pass


@other.queue_output(arg_name="msg", queue_name="out", connection="AzureWebJobsStorage")
def spare(msg: func.Out[str]) -> None:
    pass
'''

TYPED = ["x", " = 1", "'", '"""', "(", ")", "#", ":", "\\", "    ", "B()", "func."]
LINES = [
    "",
    "    ",
    "# a comment",
    "    x = 1",
    "    other = B()",
    "    app2 = func.FunctionApp()",
    "X = 2",
    "bp2 = func.Blueprint()",
    "import os",
    "    import os",
    "@bp.queue_output(arg_name='o', queue_name='q', connection='AzureWebJobsStorage')",
    "def extra():",
    "    pass",
    '    """',
    "    (",
]
NEEDLES = [
    "timer_trigger",
    "queue_trigger",
    "blob_output",
    "queue_output",
    "route(",
    "schedule=",
    "arg_name=",
    "queue_name=",
    "connection=",
    "run_on_startup=",
]
NOW = datetime(2026, 12, 5, 17, 30, 12, tzinfo=timezone.utc)


def edit(rng: random.Random, lines: list[str]) -> str:
    """One edit as people type, on ``lines`` in place; its name."""
    i = rng.randrange(len(lines))
    line = lines[i]
    r = rng.random()
    if r < 0.3:
        indent = line[: len(line) - len(line.lstrip())]
        lines.insert(i + 1, indent)
        return f"Enter at the end of line {i}"
    if r < 0.4:
        col = rng.randrange(len(line) + 1)
        lines[i : i + 1] = [line[:col], "    " + line[col:]]
        return f"Enter at {i}:{col}"
    if r < 0.55:
        if not line.strip():
            del lines[i]
            return f"Backspace on empty line {i}"
        if i + 1 < len(lines):
            lines[i : i + 2] = [line + lines[i + 1].lstrip()]
            return f"lines {i} and {i + 1} joined"
        return "nothing"
    if r < 0.75:
        col = rng.randrange(len(line) + 1)
        lines[i] = line[:col] + rng.choice(TYPED) + line[col:]
        return f"typed at {i}:{col}"
    if r < 0.9:
        lines.insert(i, rng.choice(LINES))
        return f"line added at {i}"
    if len(lines) > 20:
        del lines[i]
        return f"line {i} deleted"
    return "nothing"


def places(text: str, rng: random.Random) -> list[Position]:
    """Decorator and keyword names, ``@bp.`` and ``func.AuthLevel.``, and random places."""
    out = []
    for n, line in enumerate(text.split("\n")):
        for needle in NEEDLES:
            col = line.find(needle)
            if col >= 0:
                out.append(Position(n, col + 1))
        for needle in ("@bp.", "@other.", "func.AuthLevel."):
            col = line.find(needle)
            if col >= 0:
                out.append(Position(n, col + len(needle)))
    lines = text.split("\n")
    for _ in range(5):
        n = rng.randrange(len(lines))
        out.append(Position(n, rng.randrange(len(lines[n]) + 1)))
    return out


@pytest.mark.parametrize("seed", range(4))
def test_answers_from_the_earlier_analysis_equal_the_current_texts(
    tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    script = write_app(tmp_path / "ws" / "app", SCRIPT)
    path = str(script.parent / "bp.py")
    Path(path).write_text(MODULE)
    index = Workspace([str(tmp_path / "ws")])
    index.index_all()
    ctx = make_context(index, now=lambda: NOW)
    text = MODULE
    earlier = (text, analyse_module(path, text))
    reused = declined = compared = answered = 0
    valid = text  # the last text that parsed
    for step in range(80):
        if step % 20 == 19:
            text = valid = MODULE
            what = "reverted to the saved text"
        elif text != valid and rng.random() < 0.7:
            text, what = valid, "undo to the last text that parsed"
        else:
            lines = text.split("\n")
            what = edit(rng, lines)
            text = "\n".join(lines)
            if not analyse_module(path, text).partial:
                valid = text
        index.source.open(path, step + 2, text)
        reuse = reuse_analysis(earlier[0], earlier[1], text)
        if reuse is None:
            declined += 1
        else:
            reused += 1
        for pos in places(text, rng):
            where = f"seed {seed}, step {step} ({what}), at {pos}"
            got = hover.text_hover(ctx, path, pos, [path], earlier)
            index.source.open(path, step + 2, text)  # the current text's analysis, again
            assert got == hover.text_hover(ctx, path, pos, [path]), where
            if got is not None and reuse is not None and reuse.to_earlier(pos) is not None:
                answered += 1  # from the earlier analysis
            got_items = completion.complete(ctx, path, pos, None, False, earlier)
            index.source.open(path, step + 2, text)
            assert got_items == completion.complete(ctx, path, pos, None, False), where
            compared += 1
        if rng.random() < 0.4:  # the server indexed the text: its analysis is the earlier one
            earlier = (text, analyse_module(path, text))
    assert reused >= 10 and declined >= 10, (reused, declined)
    assert answered > 40 and compared > 800, (answered, compared)


def test_an_enter_below_moves_nothing_above_and_the_hover_below_moves() -> None:
    text = MODULE
    module = analyse_module("/ws/bp.py", text)
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if 'logging.info("tick")' in line)
    lines.insert(at + 1, "    ")
    reuse = reuse_analysis(text, module, "\n".join(lines))
    assert reuse is not None
    tick = next(i for i, line in enumerate(lines) if line.startswith("@bp.timer_trigger"))
    below = next(i for i, line in enumerate(lines) if line.startswith("@bp.queue_trigger"))
    assert reuse.to_earlier(Position(tick - 1, 0)) == Position(tick - 1, 0)
    assert reuse.to_earlier(Position(at + 1, 2)) is None  # inside the edited def
    assert reuse.to_earlier(Position(below, 3)) == Position(below - 1, 3)
    assert reuse.to_current(Range.of(below - 1, 1, below - 1, 4)) == Range.of(below, 1, below, 4)
    assert reuse.to_current(Range.of(tick - 1, 1, tick - 1, 4)) == Range.of(
        tick - 1, 1, tick - 1, 4
    )


@pytest.mark.parametrize(
    ("change", "reused"),
    [
        (lambda t: t.replace('    logging.info("tick")\n', '    logging.info("tick")\n\n'), True),
        (lambda t: t.replace("LIMIT = 3\n", "LIMIT = 4\n"), False),  # a constant: state
        (lambda t: t.replace("bp = func.Blueprint()\n", "bp = func.Blueprint()\n\n"), False),
        (lambda t: t.replace("    return None\n", "    return (\n"), False),  # left open
        (lambda t: t.replace("    pass\n", "    pass\n\nX = 1\n"), False),  # a statement
        (lambda t: t.replace("\n\n@bp.route", "\n@bp.route"), False),  # above a decorator
        (lambda t: t.replace("    out.set", "    x = 1\n    out.set"), True),
    ],
)
def test_which_edits_read_the_earlier_analysis(change: object, reused: bool) -> None:
    module = analyse_module("/ws/bp.py", MODULE)
    text = change(MODULE)  # type: ignore[operator]
    assert text != MODULE
    assert (reuse_analysis(MODULE, module, text) is not None) is reused


@pytest.mark.parametrize(
    "replacement",
    ["", "    other = make()\n", "    other = B\n", "    x = 1\n    other = make()\n"],
)
def test_an_app_object_made_or_changed_inside_the_edited_def_is_read_again(
    tmp_path: Path, replacement: str
) -> None:
    """``other = B()`` inside ``tick`` is an app object ``@other.`` completes on: an edit of
    ``tick`` that makes it something else completes from the current text (nothing), not
    from the earlier analysis (a blueprint's decorators)."""
    script = write_app(tmp_path / "ws" / "app", SCRIPT)
    path = str(script.parent / "bp.py")
    Path(path).write_text(MODULE)
    index = Workspace([str(tmp_path / "ws")])
    index.index_all()
    ctx = make_context(index, now=lambda: NOW)
    earlier = (MODULE, analyse_module(path, MODULE))
    text = MODULE.replace("    other = B()\n", replacement, 1)
    index.source.open(path, 2, text)
    reuse = reuse_analysis(earlier[0], earlier[1], text)
    assert reuse is not None and not reuse.same_app_objects()
    line = next(i for i, s in enumerate(text.split("\n")) if s.startswith("@other."))
    pos = Position(line, len("@other."))
    got = completion.complete(ctx, path, pos, None, False, earlier)
    index.source.open(path, 2, text)
    assert got == completion.complete(ctx, path, pos, None, False)
    assert got is None
    index.source.open(path, 2, MODULE)
    was = next(i for i, s in enumerate(MODULE.split("\n")) if s.startswith("@other."))
    assert completion.complete(ctx, path, Position(was, pos.column), None, False) is not None
