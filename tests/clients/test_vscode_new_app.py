"""New app and New function in VS Code, as a new user meets them: code-server with the packaged
extension on an empty folder. The server's edit creates the files (VS Code answers the edit
before it opens the documents, and saves them a moment later); the new function is listed, has
its ▶ Run lens and runs, and no file of the new app ever shows a problem meanwhile. Then F2 on
names funcls does not rename.

Uses the tools of ``tests/clients/vscode/setup.sh``; outside CI a missing tool skips it, with
``CI=true`` it fails.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.clients.vscode.session import Session, find_tools, vscode_session

pytestmark = [pytest.mark.editor, pytest.mark.slow]

NOTHING_TO_RENAME = (
    "funcls renames what Azure Functions binds (a binding's name with its parameter, a v1 entry"
    " point); other Python names need a Python extension's rename."
)


# (trigger, function name): the templates besides http (funcls.new.templates).
OTHER_TEMPLATES = [
    ("timer", "tick"),
    ("queue", "on_queue"),
    ("blob", "on_blob"),
    ("eventhub", "on_event"),
    ("servicebus-queue", "on_sb_queue"),
    ("servicebus-topic", "on_sb_topic"),
    ("cosmosdb", "on_change"),
    ("eventgrid", "on_grid"),
]


TYPED = """

@app.route(route="typed")
def typed(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("typed, not saved")
"""


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("empty-ws")


@pytest.fixture(scope="module")
def session(ws: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    tools = find_tools()
    tmp = tmp_path_factory.mktemp("vscode")
    shop = ws / "shop"
    script = "shop/function_app.py"
    steps = [
        {"id": "pause", "kind": "pause", "waitMs": 30_000},
        {"id": "view", "kind": "view", "app": "shop", "expect": "hello"},
        # F2 on a local variable (Python's, not funcls's) and on the binding's parameter.
        {
            "id": "renameLocal",
            "kind": "rename",
            "file": script,
            "line": 9,
            "column": 6,
            "newName": "person",
        },
        {
            "id": "renameBinding",
            "kind": "rename",
            "file": script,
            "line": 8,
            "column": 11,
            "newName": "request",
        },
    ]
    queries: list[dict[str, Any]] = [
        {
            "id": "newApp",
            "kind": "execute",
            "command": "funcls.new.app",
            "arguments": [str(shop), {"v1": False}],
        },
        {
            "id": "newFunction",
            "kind": "execute",
            "command": "funcls.new.function",
            "arguments": [str(shop), {"trigger": "http", "name": "hello"}],
        },
        # Every other template, with its default settings, as New function… offers them.
        *(
            {
                "id": f"new-{trigger}",
                "kind": "execute",
                "command": "funcls.new.function",
                "arguments": [str(shop), {"trigger": trigger, "name": name}],
            }
            for trigger, name in OTHER_TEMPLATES
        ),
        {
            "id": "lenses",
            "kind": "codeLens",
            "file": str(shop / "function_app.py"),
            "expect": "▶ Run",
            "expectArgument": OTHER_TEMPLATES[-1][1],
        },
        # A function typed into the editor, not saved, then its Run; typed once VS Code has
        # saved what New app… created (it does so a moment after that edit).
        {
            "id": "type",
            "kind": "edit",
            "file": str(shop / "function_app.py"),
            "append": TYPED,
            "waitMs": 8_000,
        },
        {
            "id": "runTyped",
            "kind": "execute",
            "command": "funcls.runFunction",
            "arguments": [str(shop), "typed"],
        },
        {
            "id": "run",
            "kind": "execute",
            "command": "funcls.runFunction",
            "arguments": [str(shop), "hello"],
        },
    ]
    settings: dict[str, object] = {"funcls.interpreter": [sys.executable]}
    with vscode_session(tools, tmp, ws, steps, queries, settings) as s:
        yield s


def test_new_app_and_function_are_listed_and_run_without_a_save_by_the_user(
    session: Session, ws: Path
) -> None:
    shop = ws / "shop"
    assert session.probed("newApp")["ok"] is True
    assert session.probed("newFunction") == {
        "ok": True,
        "file": str(shop / "function_app.py"),
        "line": 7,
    }
    titles = [lens["title"] for lens in session.probed("lenses")]
    # The title is the request a click sends (7f5ae0c): the route plus the sample query with
    # the parameters the code reads (req.params.get("name")), so the template answers with
    # that value instead of its default "world".
    assert "▶ Run GET /api/hello?name=sample" in titles, session.explain("the lenses", titles)
    run = session.probed("run")
    assert (run["ok"], run["status"], run["body"]) == (True, 200, "Hello, sample!"), (
        session.explain("the run", run)
    )
    rows = session.step("view")["rows"]
    names = [r["name"] for r in rows]
    assert names[0] == "shop" and "hello" in names[1:], session.explain("the view", rows)


def test_run_saves_the_app_first(session: Session, ws: Path) -> None:
    """A function typed and not saved: the Run saves function_app.py (funcls.saveBeforeRun) and
    runs it; before, the runner read the saved file and had no such function."""
    assert session.probed("type") == {"dirty": True}
    run = session.probed("runTyped")
    assert (run["ok"], run["body"]) == (True, "typed, not saved"), session.explain("the run", run)
    assert "def typed(" in (ws / "shop" / "function_app.py").read_text()


def test_every_template_gives_a_function_with_a_run_lens(session: Session) -> None:
    for trigger, _ in OTHER_TEMPLATES:
        made = session.probed(f"new-{trigger}")
        assert made["ok"] is True, session.explain(f"New function {trigger}", made)
    lenses = session.probed("lenses")
    runs = sorted(lens["arguments"][1] for lens in lenses if lens["title"].startswith("▶ Run"))
    assert runs == sorted(["hello", *(name for _, name in OTHER_TEMPLATES)]), session.explain(
        "the Run lenses", lenses
    )


def test_no_file_of_the_new_app_shows_a_problem_meanwhile(session: Session, ws: Path) -> None:
    """The server read the files before the editor had saved them: the empty .funcignore had
    an AZF602 warning for about 2 s."""
    timeline = session.probe["diagnostics"]
    shop = str(ws / "shop")
    ours = {p: counts for p, counts in timeline.items() if p.startswith(shop)}
    assert str(ws / "shop" / ".funcignore") in ours, session.explain("the diagnostics", timeline)
    assert all(count == 0 for counts in ours.values() for _, count in counts), session.explain(
        "problems shown in the new app's files", ours
    )


def test_f2_on_a_name_funcls_does_not_rename_says_so_at_once(session: Session) -> None:
    """Without a Python extension, F2 on a local variable showed the rename box and, after a
    new name was typed, renamed nothing."""
    seen = session.step("renameLocal")
    assert seen["first"] == "message", session.explain("F2 on a local variable", seen)
    assert seen["messageBefore"] == NOTHING_TO_RENAME, session.explain("the message", seen)


def test_f2_on_a_binding_parameter_renames_the_binding_too(session: Session) -> None:
    seen = session.step("renameBinding")
    assert seen["first"] == "box", session.explain("F2 on the trigger's parameter", seen)
    lines = seen["lines"]  # as the editor shows them (the rename is not saved)
    assert any(line.endswith('trigger_arg_name="request")') for line in lines), session.explain(
        "the decorator after the rename", lines
    )
    assert "def hello(request: func.HttpRequest) -> func.HttpResponse:" in lines, session.explain(
        "the def after the rename", lines
    )
