"""The first diagnostics before the server is imported (issue 16), end to end over stdio: the
reader asks ``workspace/configuration`` itself (an id pygls never uses), publishes the opened
document's diagnostics with the settings the client answered, before pygls asks for the
configuration; the server, once loaded, publishes the very same list again; the early answer
reaches no handler of pygls; ``shutdown`` and ``exit`` end the process with status 0."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from funcls.lsp.early_diagnostics import CONFIGURATION_ID
from tests.lsp.support import uri
from tests.lsp.test_framing import ANSWER_S, RawClient

SETTINGS = {"severity": {"AZF": "hint"}}
TEXT = (
    "import azure.functions as func\n"
    "app = func.FunctionApp()\n\n"
    '@app.route(route="a")\n'
    "def one(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("x")\n\n'
    '@app.route(route="a")  # é\n'
    "def one(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("x")\n'
)


class TracingClient(RawClient):
    """Answers workspace/configuration with SETTINGS; keeps every message in order."""

    def __init__(self) -> None:
        self.trace: list[tuple[str, Any]] = []
        super().__init__("stdio")

    def _received(self, message: dict[str, Any]) -> None:
        with self.lock:
            self.trace.append((message.get("method") or "answer", message.get("id")))
        if message.get("method") == "workspace/configuration":
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": [SETTINGS]})
            with self.lock:
                self.lock.notify_all()
            return
        super()._received(message)


def test_first_diagnostics_come_before_the_server_and_equal_its_own(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    script = app / "function_app.py"
    script.write_text(TEXT, encoding="utf-8")
    doc = uri(script)
    caps = {
        "workspace": {"configuration": True},
        "textDocument": {"publishDiagnostics": {"relatedInformation": True}},
    }
    params = {"processId": os.getpid(), "rootUri": uri(tmp_path), "capabilities": caps}
    item = {"uri": doc, "languageId": "python", "version": 4, "text": TEXT}
    client = TracingClient()
    try:
        client.send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params})
        client.answer(1)
        client.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        client.send(
            {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": item}}
        )
        with client.lock:
            assert client.lock.wait_for(
                lambda: sum(p["uri"] == doc for p in client.published) >= 2, ANSWER_S
            ), client.trace
        msg_id, shutdown = client.request_bytes("shutdown", None)
        client.send(shutdown)
        client.answer(msg_id)
        client.send({"jsonrpc": "2.0", "method": "exit"})
        assert client.proc.wait(ANSWER_S) == 0
        mine = [p for p in client.published if p["uri"] == doc]
        assert all(p == mine[0] for p in mine), mine
        assert mine[0]["version"] == 4
        diags = mine[0]["diagnostics"]
        assert diags and all(d["severity"] == 4 for d in diags)  # the client's settings
        assert any("relatedInformation" in d for d in diags)
        asked = [i for m, i in client.trace if m == "workspace/configuration"]
        assert asked[0] == CONFIGURATION_ID and len(asked) == 2 and asked[1] != CONFIGURATION_ID
        methods = [m for m, _ in client.trace]
        early_ask = methods.index("workspace/configuration")
        pygls_ask = methods.index("workspace/configuration", early_ask + 1)
        assert early_ask < methods.index("textDocument/publishDiagnostics") < pygls_ask
        assert not client.null_id_errors
    finally:
        client.close()


def test_a_configuration_change_right_after_initialized_keeps_the_early_path(
    tmp_path: Path,
) -> None:
    """eglot sends ``workspace/didChangeConfiguration`` right after ``initialized``: the
    server asks for the settings again and gets the same answer, so the early publication
    still equals every publication of the server."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    script = app / "function_app.py"
    script.write_text(TEXT, encoding="utf-8")
    doc = uri(script)
    caps = {"workspace": {"configuration": True}}
    params = {"processId": os.getpid(), "rootUri": uri(tmp_path), "capabilities": caps}
    item = {"uri": doc, "languageId": "python", "version": 2, "text": TEXT}
    client = TracingClient()
    try:
        client.send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params})
        client.answer(1)
        client.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        changed = {"settings": None}
        client.send(
            {"jsonrpc": "2.0", "method": "workspace/didChangeConfiguration", "params": changed}
        )
        client.send(
            {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": item}}
        )
        with client.lock:
            assert client.lock.wait_for(
                lambda: sum(p["uri"] == doc for p in client.published) >= 2, ANSWER_S
            ), client.trace
        mine = [p for p in client.published if p["uri"] == doc]
        assert all(p == mine[0] for p in mine), mine
        diags = mine[0]["diagnostics"]
        assert diags and all(d["severity"] == 4 for d in diags)
        assert all("relatedInformation" not in d for d in diags)  # folded into the message
        asked = [i for m, i in client.trace if m == "workspace/configuration"]
        assert asked[0] == CONFIGURATION_ID and len(asked) >= 2
        methods = [m for m, _ in client.trace]
        early_ask = methods.index("workspace/configuration")
        assert early_ask < methods.index("textDocument/publishDiagnostics")
        assert methods.index("textDocument/publishDiagnostics") < methods.index(
            "workspace/configuration", early_ask + 1
        )
    finally:
        client.close()
