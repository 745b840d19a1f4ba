"""F5's Debug Console and Run with input's sample, in code-server (QA on a fresh profile with a
copy of the v2 sample):

- **F5**: the Debug Console stayed empty for the whole session (the app's output went only to
  its terminal); now it shows the app's output as the terminal does, the function's logs and
  prints included, as the program's output (DAP output events added by the session's adapter,
  client-vscode/src/debug.ts DebugpyProxy, fed by debugModel.ConsoleFeed).
- **Run with input…** pre-filled create_order's items with ``{"product": "sample"}``: no
  "qty", which process_order reads as ``int(item.get("qty", 1))``; now the sample's item has
  ``"qty": 1`` (funcls/model/run_inputs.py, _typed_reads), and the run is accepted (202).

Uses the tools of ``tests/clients/vscode/setup.sh``; outside CI a missing tool skips it, with
``CI=true`` it fails.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.clients.vscode.session import REPO, Session, find_tools, free_port, vscode_session

pytestmark = [pytest.mark.editor, pytest.mark.slow]

PRINTED = "printed by get_product: 2"
FAILING = """

@app.route(route="fails")
def fails(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(str(look_up({})))


def look_up(table: dict) -> str:
    return table["missing"]
"""
LOGGED = "Looking up product 2"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("ws")
    app = ws / "v2-app"
    shutil.copytree(
        REPO / "samples" / "v2-app", app, ignore=shutil.ignore_patterns("__pycache__", ".funcls")
    )
    script = app / "function_app.py"
    text = script.read_text()
    line = '    product_id = int(req.route_params["id"])\n'
    assert line in text
    script.write_text(
        text.replace(
            line,
            line
            + '    print(f"printed by get_product: {product_id}")\n'
            + '    logging.info("Looking up product %s", product_id)\n',
        )
        + FAILING
    )
    return ws


@pytest.fixture(scope="module")
def session(workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    tools = find_tools()
    tmp = tmp_path_factory.mktemp("vscode")
    run_port = free_port()
    script = workspace / "v2-app" / "function_app.py"
    lines = script.read_text().splitlines()
    product_line = next(i for i, text in enumerate(lines, 1) if "product_id = int(" in text)
    get_product = next(i for i, text in enumerate(lines, 1) if "def get_product(" in text)
    fails = next(i for i, text in enumerate(lines, 1) if "def fails(" in text)
    steps: list[dict[str, Any]] = [
        {
            "id": "debug",
            "kind": "debug",
            "app": "v2-app",
            "file": "v2-app/function_app.py",
            "line": product_line,
            "command": "funcls: Debug the app (F5)",
            "url": f"http://127.0.0.1:{run_port}/api/products/2",
            "consoleExpect": [PRINTED, LOGGED, "Executed 'Functions.get_product'"],
        },
        {
            "id": "runWithInput",
            "kind": "runWithInput",
            "app": "v2-app",
            "function": "create_order",
            # The sample as it came, but for the customer (the edit shows the file was read).
            "find": '"customer": "sample"',
            "replace": '"customer": "qa"',
            "lens": "▶ Run create_order",
        },
        {
            "id": "prints",
            "kind": "lensPanel",
            "file": "v2-app/function_app.py",
            "line": get_product,
            "title": "▶ Run",
            "function": "get_product",
        },
        {
            "id": "fails",
            "kind": "lensPanel",
            "file": "v2-app/function_app.py",
            "line": fails,
            "title": "▶ Run",
            "function": "fails",
        },
        # The traceback's first frame: the function's own line (the error's link above it
        # is the innermost frame, look_up's).
        {
            "id": "frameClick",
            "kind": "panelClick",
            "function": "fails",
            "selector": "pre.traceback a",
            "then": "editor",
            "file": "function_app.py",
            "line": fails + 1,
        },
    ]
    settings: dict[str, object] = {
        "funcls.interpreter": [str(REPO / ".venv" / "bin" / "python")],
        "funcls.runArgs": ["--port", str(run_port), "--no-reload"],
    }
    with vscode_session(tools, tmp, workspace, steps, [], settings) as s:
        yield s


def test_the_debug_console_shows_the_functions_logs_and_prints(session: Session) -> None:
    seen = session.step("debug")
    answered = seen["answered"]
    assert answered is not None and answered["status"] == 200, session.explain("continue", seen)
    console = seen["debugConsole"]
    assert console["all"], session.explain("the Debug Console after the request", console)
    # Shown as the program's output (DAP stdout: VS Code's "info"), not in the warning colour
    # that vscode.debug.activeDebugConsole.append gives everything.
    printed = [row for row in console["classes"] if PRINTED in row["text"]]
    assert printed and all("info" in row["className"].split() for row in printed), session.explain(
        "the printed line's classes", console["classes"][-6:]
    )


def test_run_with_input_prefills_a_sample_the_functions_accept(
    session: Session, workspace: Path
) -> None:
    panel = session.step("runWithInput")["panel"]
    saved = json.loads((workspace / "v2-app" / "funcls.inputs.json").read_text())
    body = saved["create_order"]["body"]
    assert body["customer"] == "qa", session.explain("the saved input", saved)
    # One item with the keys process_order reads, qty a number (int(item.get("qty", 1))).
    assert body["items"] == [{"product": "sample", "qty": 1}], session.explain("the sample", saved)
    assert panel["status"].startswith("202"), session.explain("the result panel", panel)


def test_a_run_shows_what_the_function_printed(session: Session) -> None:
    """The ▶ Run's Logs hold the function's print() beside its logging line (they went only to
    the warm app's console)."""
    panel = session.step("prints")["panel"]
    assert panel["status"].startswith("200"), session.explain("the result panel", panel)
    logs = panel["text"].split("Logs", 1)[-1]
    assert "printed by get_product: 1" in logs and "Looking up product 1" in logs, session.explain(
        "the panel's logs", panel
    )


def test_each_traceback_frame_opens_its_line(session: Session, workspace: Path) -> None:
    """A click on the traceback's first frame (the function's own line, not the innermost
    frame the error's link names) opens function_app.py at that line."""
    panel = session.step("fails")["panel"]
    assert "KeyError" in panel["status"], session.explain("the failed run", panel)
    lines = (workspace / "v2-app" / "function_app.py").read_text().splitlines()
    call = next(i for i, text in enumerate(lines, 1) if "str(look_up({}))" in text)
    seen = session.step("frameClick")
    assert seen["cursor"].startswith(f"Ln {call},"), session.explain("the click", seen)
