"""code-server with the packaged extension, a workspace of two apps, no launch.json and no
editor open: F5 offers the apps by folder (funcls.debugApp's pick), not VS Code's picker of
every debugger installed (QA in code-server). The Functions view of the same session names the
store each queue/blob function uses (Azurite, from local.settings.json) and shows a trigger's
%SETTING% resolved from local.settings.json.

Uses the tools of ``tests/clients/vscode/setup.sh``; outside CI a missing tool skips it, with
``CI=true`` it fails.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator

import pytest

from tests.clients.vscode.session import REPO, Session, find_tools, free_port, vscode_session

pytestmark = [pytest.mark.editor, pytest.mark.slow]


LONG_LOG = """

@app.route(route="long-log", methods=["GET"])
def long_log(req: func.HttpRequest) -> str:
    logging.info("order " + " ".join(f"line-{i}" for i in range(120)))
    return "logged"
"""


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    tools = find_tools()
    tmp = tmp_path_factory.mktemp("vscode")
    ws = tmp_path_factory.mktemp("ws")
    for app in ("v1-app", "v2-app"):
        shutil.copytree(
            REPO / "samples" / app,
            ws / app,
            ignore=shutil.ignore_patterns("__pycache__", ".funcls"),
        )
    # Azurite's endpoints on a port nothing listens on: the runner keeps to its embedded store
    # and the result panel says so, with the reason; the view too, from its own probe.
    closed = free_port()
    settings_file = ws / "v2-app" / "local.settings.json"
    local = json.loads(settings_file.read_text())
    local["Values"]["AzureWebJobsStorage"] = (
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;"
        f"BlobEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;"
        f"QueueEndpoint=http://127.0.0.1:{closed}/devstoreaccount1"
    )
    settings_file.write_text(json.dumps(local, indent=2))
    # A function that logs one long line: the result panel wraps it (QA: it did not).
    script = ws / "v2-app" / "function_app.py"
    script.write_text(script.read_text() + LONG_LOG)
    long_log = script.read_text().splitlines().index("def long_log(req: func.HttpRequest) -> str:")
    process_order = (
        (ws / "v2-app" / "orders_bp.py")
        .read_text()
        .splitlines()
        .index("def process_order(msg: func.QueueMessage, receipt: func.Out[str]) -> None:")
    )
    steps = [
        # The view lists both apps (the extension and its server are up), then F5.
        {"id": "view", "kind": "view", "app": "v2-app", "expect": "process_order"},
        {"id": "f5", "kind": "f5Pick"},
        {
            "id": "longLog",
            "kind": "lensPanel",
            "file": "v2-app/function_app.py",
            "line": long_log + 1,
            "title": "▶ Run GET /api/long-log",
            "function": "long_log",
        },
        {
            "id": "queueRun",
            "kind": "lensPanel",
            "file": "v2-app/orders_bp.py",
            "line": process_order + 1,
            "title": "▶ Run",
            "function": "process_order",
        },
    ]
    settings: dict[str, object] = {
        "funcls.interpreter": [str(REPO / ".venv" / "bin" / "python")],
        "funcls.runArgs": ["--port", str(free_port()), "--no-reload"],
    }
    with vscode_session(tools, tmp, ws, steps, [], settings) as s:
        yield s


def test_f5_without_launch_json_offers_the_apps(session: Session) -> None:
    seen = session.step("f5")
    assert seen["placeholder"] == "Which app?", session.explain("what F5 opened", seen)
    assert [i["label"] for i in seen["items"]] == ["v1-app", "v2-app"], session.explain(
        "what F5 opened", seen
    )


def test_the_view_names_the_store_of_queue_and_blob_functions(session: Session) -> None:
    rows = {r["name"]: r for r in session.step("view")["rows"]}
    assert (
        rows["process_order"]["description"] == "orders · embedded store (Azurite not running)"
    ), session.explain("the view's rows", rows)
    assert rows["get_product"]["description"].endswith("GET /api/products/{id:int}")
    assert "Azurite" not in rows["get_product"]["description"]


def test_the_view_shows_a_queue_setting_resolved(session: Session) -> None:
    rows = {r["name"]: r for r in session.step("view")["rows"]}
    # v2-app's local.settings.json sets PAYMENTS_QUEUE to "payments".
    assert rows["payment_received"]["description"] == "payments (from %PAYMENTS_QUEUE%)", (
        session.explain("the view's rows", rows)
    )


def test_long_log_lines_wrap_in_the_result_panel(session: Session) -> None:
    panel = session.step("longLog")["panel"]
    assert "line-119" in panel["text"], session.explain("the result panel", panel)
    # The URL the run sent, under the status.
    assert "Sent: GET http://localhost:" in panel["text"], session.explain("the panel", panel)
    assert "/api/long-log" in panel["text"]
    [logs] = panel["logs"]
    # Wrapped: nothing to scroll sideways, and the line takes several lines of height.
    assert logs["scrollWidth"] <= logs["clientWidth"], session.explain("the logs' box", logs)
    assert logs["height"] > 40, session.explain("the logs' box", logs)


def test_the_result_panel_names_the_store_of_a_queue_function(session: Session) -> None:
    panel = session.step("queueRun")["panel"]
    assert panel["tab"].startswith("✓ process_order"), session.explain("the result panel", panel)
    # What the runner opened, not a guess from local.settings.json (it said 'Azurite, or the
    # embedded store while Azurite does not answer').
    assert (
        "Store (AzureWebJobsStorage): embedded store at ./.funcls/storage (Azurite not reachable "
        "at http://127.0.0.1:" in panel["text"]
    ), session.explain("the result panel", panel)
    assert "does not answer" not in panel["text"], session.explain("the result panel", panel)
