"""Format Document in VS Code (code-server, the packaged extension) on a v1 app's JSON files
and a Python file: VS Code's own JSON formatter does the work and funcls offers no second one.

funcls answers ``textDocument/formatting`` for the editors whose JSON server it is (Emacs,
Neovim: ``test_json_formatting.py``); the VS Code extension drops that provider after start
(140ae66), since registered it would be a second formatter of JSON and of Python ("There are
multiple formatters for 'Python' files") that answers nothing for Python. This checks it end
to end: the messy function.json and host.json come back one member a line with the same JSON,
no notification or dialog speaks of several formatters, the .py file is left as it is, and the client
never sent funcls a formatting request (its trace, ``funcls.trace.server`` "verbose"), while
it did tell funcls of the documents (so the server was there to ask).

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

from tests.clients.vscode.session import REPO, Session, find_tools, vscode_session

pytestmark = [pytest.mark.editor, pytest.mark.slow]

MESSY_FUNCTION_JSON = (
    '{"bindings": [\n  {"type":"queueTrigger" ,"direction": "in",\n"name": "msg",'
    '   "queueName":"orders",   "connection": "AzureWebJobsStorage"},\n'
    '    {  "type": "blob","direction": "out","name": "receipt",\n\n'
    '"path": "receipts/{id}.json", "connection": "AzureWebJobsStorage" }  ]}\n'
)
MESSY_HOST_JSON = '{"version":   "2.0",\n"logging": {"logLevel": {"default": "Information"}}}\n'


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("ws")
    app = ws / "v1-app"
    shutil.copytree(
        REPO / "samples" / "v1-app", app, ignore=shutil.ignore_patterns("__pycache__", ".funcls")
    )
    (app / "process_order" / "function.json").write_text(MESSY_FUNCTION_JSON)
    (app / "host.json").write_text(MESSY_HOST_JSON)
    return ws


@pytest.fixture(scope="module")
def session(workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    tools = find_tools()
    tmp = tmp_path_factory.mktemp("vscode")
    steps: list[dict[str, Any]] = [
        {
            "id": "functionJson",
            "kind": "formatDocument",
            "file": "v1-app/process_order/function.json",
            "settleMs": 4000,  # the extension starts and funcls opens the document
        },
        {"id": "hostJson", "kind": "formatDocument", "file": "v1-app/host.json"},
        {"id": "python", "kind": "formatDocument", "file": "v1-app/get_product/__init__.py"},
    ]
    # A verbose trace names each document the client tells funcls of.
    with vscode_session(tools, tmp, workspace, steps, [], {"funcls.trace.server": "verbose"}) as s:
        yield s


def _one_member_a_line(text: str) -> bool:
    """Every line holds at most one member (one ':' outside strings)."""
    for line in text.splitlines():
        outside = line.split('"')[::2]
        if sum(part.count(":") for part in outside) > 1:
            return False
    return True


@pytest.mark.parametrize(
    ("step", "rel", "messy"),
    [
        ("functionJson", "process_order/function.json", MESSY_FUNCTION_JSON),
        ("hostJson", "host.json", MESSY_HOST_JSON),
    ],
)
def test_vs_code_formats_the_json_files_with_its_own_formatter(
    session: Session, workspace: Path, step: str, rel: str, messy: str
) -> None:
    seen = session.step(step)
    text = (workspace / "v1-app" / rel).read_text()
    assert text != messy, session.explain(f"{rel} was not formatted", seen)
    assert json.loads(text) == json.loads(messy)
    assert _one_member_a_line(text) and text.count("\n") > messy.count("\n"), text
    said = [t for t in seen["toasts"] + seen["dialogs"] if "formatter" in t.lower()]
    assert not said, session.explain("VS Code spoke of formatters", seen)


def test_python_files_get_no_formatter_from_funcls(session: Session, workspace: Path) -> None:
    seen = session.step("python")
    said = [t for t in seen["toasts"] + seen["dialogs"] if "multiple formatters" in t.lower()]
    assert not said, session.explain("VS Code found several Python formatters", seen)
    script = workspace / "v1-app" / "get_product" / "__init__.py"
    assert (
        script.read_text()
        == (REPO / "samples" / "v1-app" / "get_product" / "__init__.py").read_text()
    )


def test_the_client_never_asks_funcls_to_format(session: Session) -> None:
    # All steps first: the trace is read once the documents were formatted.
    for step in ("functionJson", "hostJson", "python"):
        session.step(step)
    trace = "\n".join(log.read_text() for log in session.funcls_logs())
    assert "Sending notification 'textDocument/didOpen'" in trace, session.explain(
        "funcls was not told of any document (no server to ask?)"
    )
    assert "function.json" in trace and "__init__.py" in trace
    assert "textDocument/formatting" not in trace, session.explain(
        "the client sent funcls a formatting request", trace[-2000:]
    )
