"""code-server with the packaged extension and an interpreter that has what running the app
needs but not the Azure Storage SDKs (azure-storage-queue, azure-storage-blob): an app whose
AzureWebJobsStorage points at Azurite ran its queue/blob functions on the embedded store, said
only in the server's log (QA in code-server). Running one now brings a warning that names the
functions, the store, the setting, the interpreter and the packages, with Install into This
Interpreter; the run goes on, and the Functions view names the embedded store and why.
Then the user clicks Install into This Interpreter (pip, from the package index): the SDKs
install, Restart the App is offered and clicked, the view names Azurite and the next run's
panel names Azurite's store (QA: that button had never been clicked end to end).

The interpreter: a venv (with pip) whose site folder is this repository's .venv without the
SDKs (a folder of links to every entry of .venv's site-packages but the SDKs' dist-info
folders, azure/ rebuilt without storage/, added with site.addsitedir so that its .pth files,
funcls's editable install among them, apply); pip installs the SDKs into the venv itself.

Uses the tools of ``tests/clients/vscode/setup.sh``; outside CI a missing tool skips it, with
``CI=true`` it fails.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clients.vscode.session import REPO, Session, find_tools, free_port, run, vscode_session
from tests.support.azurite import DEV_ACCOUNT_KEY, DEV_ACCOUNT_NAME, Azurite, require_azurite

pytestmark = [pytest.mark.editor, pytest.mark.slow]

SITE = REPO / ".venv" / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"


@pytest.fixture(scope="module")
def python_without_storage_sdks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("no-sdks")
    site = SITE / "site-packages"
    filtered = base / "site"
    filtered.mkdir()
    for entry in site.iterdir():
        if entry.name.startswith(("azure_storage_queue-", "azure_storage_blob-")):
            continue  # else pip finds them installed and installs nothing
        if entry.name == "azure":
            (filtered / "azure").mkdir()
            for child in entry.iterdir():
                if child.name != "storage":
                    (filtered / "azure" / child.name).symlink_to(child)
        else:
            (filtered / entry.name).symlink_to(entry)
    venv = base / "venv"
    run([sys.executable, "-m", "venv", str(venv)], base)
    [venv_site] = (venv / "lib").glob("python3.*/site-packages")
    (venv_site / "_filtered_site.pth").write_text(
        f"import site; site.addsitedir({str(filtered)!r})\n"
    )
    python = venv / "bin" / "python"
    has = subprocess.run(
        [str(python), "-c", "import azure.functions, uvicorn, httptools, watchfiles, funcls"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert has.returncode == 0, has.stderr
    lacks = subprocess.run(
        [str(python), "-c", "import azure.storage.queue"], capture_output=True, check=False
    )
    assert lacks.returncode != 0, "the venv should lack azure-storage-queue"
    return python


def _sample_app(ws: Path, storage: str | None = None) -> int:
    """samples/v2-app in ``ws`` (AzureWebJobsStorage set to ``storage``, when given); the line
    of process_order's def."""
    shutil.copytree(
        REPO / "samples" / "v2-app",
        ws / "v2-app",
        ignore=shutil.ignore_patterns("__pycache__", ".funcls"),
    )
    if storage is not None:
        settings = ws / "v2-app" / "local.settings.json"
        values = json.loads(settings.read_text())
        values["Values"]["AzureWebJobsStorage"] = storage
        settings.write_text(json.dumps(values, indent=2))
    return (
        (ws / "v2-app" / "orders_bp.py")
        .read_text()
        .splitlines()
        .index("def process_order(msg: func.QueueMessage, receipt: func.Out[str]) -> None:")
    )


@pytest.fixture(scope="module")
def azurite() -> Iterator[Azurite]:
    running = require_azurite()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def session(
    python_without_storage_sdks: Path, azurite: Azurite, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Session]:
    tools = find_tools()
    tmp = tmp_path_factory.mktemp("vscode")
    ws = tmp_path_factory.mktemp("ws")
    # Azurite runs: the SDKs would take the queues and blobs there (the warning's point).
    line = _sample_app(ws, azurite.connection_string)
    steps = [
        {"id": "view", "kind": "view", "app": "v2-app", "expect": "process_order"},
        {
            "id": "run",
            "kind": "runLens",
            "file": "v2-app/orders_bp.py",
            "line": line + 1,
            "title": "▶ Run",
            "expect": "embedded store",
        },
        {"id": "viewAfter", "kind": "view", "app": "v2-app", "expect": "process_order"},
        # Install into This Interpreter (pip, from the package index), then Restart the App.
        {
            "id": "install",
            "kind": "notificationFlow",
            "expect": "embedded store",
            "action": "Install into This Interpreter",
            "thenExpect": "Installed azure-storage-queue",
            "then": "Restart the App",
            "thenWaitMs": 300_000,
        },
        {"id": "viewInstalled", "kind": "view", "app": "v2-app", "expect": "process_order"},
        {
            "id": "runInstalled",
            "kind": "lensPanel",
            "file": "v2-app/orders_bp.py",
            "line": line + 1,
            "title": "▶ Run",
            "function": "process_order",
        },
    ]
    settings: dict[str, object] = {
        "funcls.interpreter": [str(python_without_storage_sdks)],
        "funcls.runArgs": ["--port", str(free_port()), "--no-reload"],
    }
    with vscode_session(tools, tmp, ws, steps, [], settings) as s:
        yield s


def test_running_a_queue_function_warns_of_the_embedded_store(
    session: Session, python_without_storage_sdks: Path
) -> None:
    seen = session.step("run")
    ours = [n for n in seen["notifications"] if "embedded store" in n]
    assert len(ours) == 1, session.explain("the notifications", seen)
    *head, message = ours[0].splitlines()
    assert head == [
        "Source: funcls — Azure Functions for Python",
        "Install into This Interpreter",
        "Select Interpreter",
    ], session.explain("the notification's actions", ours)
    # The app's 5 queue/blob functions (v2-app), the first three named.
    assert message.startswith(
        "funcls run will keep the queues and blobs of create_order, get_receipt, heartbeat and "
        "2 more "
    ), session.explain("the notification", message)
    assert "in the embedded store (.funcls/storage/), not in Azurite (AzureWebJobsStorage): " in (
        message
    ), session.explain("the notification", message)
    assert f"{python_without_storage_sdks} lacks azure-storage-queue, azure-storage-blob" in (
        message
    ), session.explain("the notification", message)


def test_the_view_then_names_the_embedded_store(session: Session) -> None:
    rows = {r["name"]: r for r in session.step("viewAfter")["rows"]}
    assert rows["process_order"]["description"] == "orders · embedded store (no Azure SDKs)", (
        session.explain("the view's rows", rows)
    )


def test_install_into_this_interpreter_then_restart_uses_azurite(
    session: Session, python_without_storage_sdks: Path
) -> None:
    seen = session.step("install")
    *actions, message = seen["answer"].splitlines()
    assert actions == ["Source: funcls — Azure Functions for Python", "Restart the App"], (
        session.explain("the install's answer", seen)
    )
    assert message == (
        f"Installed azure-storage-queue, azure-storage-blob into {python_without_storage_sdks}."
    ), session.explain("the install's answer", seen)
    has = subprocess.run(
        [str(python_without_storage_sdks), "-c", "import azure.storage.queue, azure.storage.blob"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert has.returncode == 0, has.stderr
    rows = {r["name"]: r for r in session.step("viewInstalled")["rows"]}
    assert rows["process_order"]["description"] == "orders · Azurite", session.explain(
        "the view's rows after the install", rows
    )
    panel = session.step("runInstalled")["panel"]
    # The panel names the store the runner opened (5b01e88): with the SDKs installed, the
    # Azurite this test runs — never the missing SDKs' note the run before the install gave.
    text = panel["text"]
    assert "Store (AzureWebJobsStorage): Azurite" in text, session.explain(
        "the result panel after the install", panel
    )
    assert "SDKs are not installed" not in text, session.explain("the panel", panel)
    assert "lacks azure-storage" not in panel["text"], session.explain("the panel", panel)


def test_no_warning_while_azurite_is_not_running(
    python_without_storage_sdks: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """QA in code-server: a new app (UseDevelopmentStorage=true) with queue and blob functions,
    no Azurite running, warned that the interpreter lacked the SDKs "to use Azurite"; with them
    the runner would still find Azurite down and use its embedded store. The run's panel says
    which store it used and why; no warning. (An Azurite on a free port that nothing listens on
    stands for one not started.)"""
    tools = find_tools()
    tmp = tmp_path_factory.mktemp("vscode-down")
    ws = tmp_path_factory.mktemp("ws-down")
    down = azurite_down_connection_string()
    line = _sample_app(ws, down)
    steps = [
        {"id": "view", "kind": "view", "app": "v2-app", "expect": "process_order"},
        {
            "id": "panel",
            "kind": "lensPanel",
            "file": "v2-app/orders_bp.py",
            "line": line + 1,
            "title": "▶ Run",
            "function": "process_order",
        },
        # The warning came with the Run's environment check, before its result.
        {"id": "notifications", "kind": "notifications", "waitMs": 2000},
    ]
    settings: dict[str, object] = {
        "funcls.interpreter": [str(python_without_storage_sdks)],
        "funcls.runArgs": ["--port", str(free_port()), "--no-reload"],
    }
    with vscode_session(tools, tmp, ws, steps, [], settings) as session:
        text = session.step("panel")["panel"]["text"]
        seen = session.step("notifications")["items"]
        warnings = [n for n in seen if "lacks azure-storage" in n]
        assert warnings == [], session.explain("the notifications", seen)
        assert "Store (AzureWebJobsStorage): embedded store at " in text, session.explain(
            "the panel", text
        )


def azurite_down_connection_string() -> str:
    """A development-account connection string to loopback ports nothing listens on."""
    blob, queue = free_port(), free_port()
    return (
        f"DefaultEndpointsProtocol=http;AccountName={DEV_ACCOUNT_NAME};"
        f"AccountKey={DEV_ACCOUNT_KEY};"
        f"BlobEndpoint=http://127.0.0.1:{blob}/{DEV_ACCOUNT_NAME};"
        f"QueueEndpoint=http://127.0.0.1:{queue}/{DEV_ACCOUNT_NAME}"
    )
