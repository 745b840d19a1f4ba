"""Which hovers answer from the current text before its edits are indexed (issue 16), and that
what they answer is what the hover after indexing answers, at the same place."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol.types import MarkupContent

from funcls.lsp import hover
from funcls.lsp.context import make_context
from funcls.model.loader import load_app
from funcls.model.locations import Position
from funcls.model.workspace import Workspace
from tests.lsp.support import make_workspace

ADDED = "\n\n# lines added above the decorators\n\n\n"


def at(text: str, needle: str, offset: int = 1) -> Position:
    i = text.index(needle) + offset
    return Position(text.count("\n", 0, i), i - (text.rfind("\n", 0, i) + 1))


@pytest.mark.parametrize(
    ("needle", "dirty", "answers"),
    [
        ("queue_output", ["orders_bp.py"], True),  # a decorator name: the catalogue's
        ("queue_name=", ["orders_bp.py"], True),  # a keyword of its call
        ("queue_output", ["orders_bp.py", "local.settings.json"], False),  # a JSON change
        ("route(route=", ["orders_bp.py"], False),  # the route as a URL: the app's
        ('"orders", connection', ["orders_bp.py"], False),  # a value: functions using it
        ("create_order(", ["orders_bp.py"], False),  # a function: its bindings, findings
        ("order_queue: func", ["orders_bp.py"], False),  # a parameter: its binding
    ],
)
def test_what_answers_before_the_index(
    tmp_path: Path, needle: str, dirty: list[str], answers: bool
) -> None:
    folder = make_workspace(tmp_path / "ws")
    app = folder / "v2-app"
    path = str(app / "orders_bp.py")
    index = Workspace([str(folder)])
    index.index_all()
    text = (app / "orders_bp.py").read_text()
    edited = text.replace("bp = func.Blueprint()\n", "bp = func.Blueprint()\n" + ADDED, 1)
    index.source.open(path, 1, edited)  # the app is still the one indexed from `text`
    ctx = make_context(index)
    pos = at(edited, needle)
    fresh = hover.text_hover(ctx, path, pos, [str(app / d) for d in dirty])
    assert (fresh is not None) is answers, fresh
    if fresh is None:
        return
    # The same hover once the edit is indexed: same text, same range.
    index.apps[str(app)] = load_app(str(app), index.source)
    indexed = hover.hover(make_context(index), path, pos)
    assert indexed is not None
    assert fresh.contents == indexed.contents
    assert fresh.range == indexed.range
    assert fresh.range is not None and fresh.range.start.line == pos.line


def test_an_app_object_from_another_module_waits(tmp_path: Path) -> None:
    folder = make_workspace(tmp_path / "ws")
    app = folder / "v2-app"
    path = str(app / "orders_bp.py")
    index = Workspace([str(folder)])
    index.index_all()
    text = (app / "orders_bp.py").read_text()
    edited = text.replace("bp = func.Blueprint()\n", "from shared import bp\n", 1)
    index.source.open(path, 1, edited)
    pos = at(edited, "queue_output")
    assert hover.text_hover(make_context(index), path, pos, [path]) is None


@pytest.mark.parametrize(
    ("schedule", "answers"),
    [
        ('"0 */5 * * * *"', True),  # a string of the text: in words, with its next runs
        ("EVERY_FIVE", False),  # a name imported from another module: the app resolves it
    ],
)
def test_a_timer_trigger_answers_when_its_schedule_is_in_the_text(
    tmp_path: Path, schedule: str, answers: bool
) -> None:
    folder = make_workspace(tmp_path / "ws")
    app = folder / "v2-app"
    path = str(app / "function_app.py")
    index = Workspace([str(folder)])
    index.index_all()
    text = (app / "function_app.py").read_text()
    literal = 'schedule="0 */5 * * * *"'
    assert literal in text
    edited = ADDED + text.replace(literal, f"schedule={schedule}", 1)
    if not answers:
        edited = "from schedules import EVERY_FIVE\n" + edited
    index.source.open(path, 1, edited)
    ctx = make_context(index)
    pos = at(edited, "timer_trigger")
    fresh = hover.text_hover(ctx, path, pos, [path])
    assert (fresh is not None) is answers, fresh
    if fresh is None:
        return
    assert isinstance(fresh.contents, MarkupContent)
    assert "**Timer schedule** `0 */5 * * * *`" in fresh.contents.value, fresh.contents.value
    index.apps[str(app)] = load_app(str(app), index.source)
    indexed = hover.hover(make_context(index), path, pos)
    assert indexed is not None
    assert fresh.contents == indexed.contents
    assert fresh.range == indexed.range
