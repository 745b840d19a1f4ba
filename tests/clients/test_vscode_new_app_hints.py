"""What the Functions view and New function tell a new user in code-server (QA findings of the
vscode16 pass): an app without functions offers New function…; a queue function's store is
the one its run will use (no "· Azurite" while nothing answers at Azurite's endpoints); New
function -> Durable's install offer stays until answered (a modal dialog: as an information
notification it hid after a few seconds while the app failed to load).

Uses the tools of ``tests/clients/vscode/setup.sh``; outside CI a missing tool skips it, with
``CI=true`` it fails.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.clients.vscode.session import Session, find_tools, vscode_session

pytestmark = [pytest.mark.editor, pytest.mark.slow]


def funcls(*args: str, cwd: Path) -> None:
    subprocess.run([sys.executable, "-m", "funcls", *args], cwd=cwd, check=True, timeout=60)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("hints-ws")
    funcls("new", "app", "empty", cwd=ws)
    # The app's own interpreter, without azure-functions-durable: New function -> Durable
    # offers to install it there.
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(ws / "empty" / ".venv")], check=True
    )
    funcls("new", "app", "queued", cwd=ws)
    funcls("new", "function", "-t", "queue", "-n", "on_queue", cwd=ws / "queued")
    # Azurite's endpoints on free ports nothing listens on.
    queue, blob = free_port(), free_port()
    (ws / "queued" / "local.settings.json").write_text(
        '{"IsEncrypted": false, "Values": {"FUNCTIONS_WORKER_RUNTIME": "python",'
        ' "AzureWebJobsStorage": "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;'
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
        f"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;"
        f'QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;"}}}}'
    )
    return ws


@pytest.fixture(scope="module")
def session(ws: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    tools = find_tools()
    tmp = tmp_path_factory.mktemp("vscode")
    steps: list[dict[str, Any]] = [
        {"id": "emptyView", "kind": "view", "app": "empty", "expect": "New function…"},
        {"id": "queuedView", "kind": "view", "app": "queued", "expect": "on_queue"},
        {
            "id": "newDurable",
            "kind": "newFunction",
            "file": "empty/function_app.py",
            "command": "funcls: New function…",
            "answers": [
                ["New function: trigger", "durable-orchestration"],
                ["New function: Durable", "greet"],
            ],
            "shows": "greet_durable.py",
        },
        {
            "id": "offer",
            "kind": "dialog",
            "expect": "azure-functions-durable added",
            "waitMs": 30_000,
        },
    ]
    settings: dict[str, object] = {"funcls.interpreter": [sys.executable]}
    with vscode_session(tools, tmp, ws, steps, [], settings) as s:
        yield s


def test_an_app_without_functions_offers_new_function(session: Session) -> None:
    rows = session.step("emptyView")["rows"]
    names = [r["name"] for r in rows]
    at = names.index("empty")
    assert names[at + 1] == "New function…", session.explain("the view", rows)


def test_a_queue_function_says_the_embedded_store_while_azurite_does_not_answer(
    session: Session,
) -> None:
    rows = session.step("queuedView")["rows"]
    row = next(r for r in rows if r["name"] == "on_queue")
    assert "Azurite not running" in row["description"], session.explain("the row", row)
    assert "· Azurite" not in row["description"], session.explain("the row", row)


def test_new_durable_function_s_install_offer_is_a_dialog(session: Session) -> None:
    offer = session.step("offer")
    assert offer["text"] is not None, session.explain("the offer", offer)
    assert "Install into" in offer["text"], session.explain("the offer", offer)
