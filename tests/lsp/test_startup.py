"""Start-up end to end (issue 16): a client that writes ``initialize`` and everything after it
in one burst, without waiting — over stdio and TCP — gets the initialize answer pygls would
give, every request answered once and in order (those that came while the server was still
being imported included), and ``shutdown`` + ``exit`` end the process with status 0."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from funcls.lsp.capabilities import pygls_initialize_result
from tests.lsp.support import SAMPLES, uri
from tests.lsp.test_framing import ANSWER_S, RawClient


class OrderedClient(RawClient):
    """Also keeps the order in which answers arrive."""

    def _received(self, message: dict[str, Any]) -> None:
        if "id" in message and "method" not in message:
            with self.lock:
                self.order = [*getattr(self, "order", []), message["id"]]
        super()._received(message)


@pytest.mark.parametrize("transport", ["stdio", "tcp"])
@pytest.mark.parametrize("client_caps", [{}, {"general": {"positionEncodings": ["utf-32"]}}])
def test_a_burst_from_spawn_to_exit_is_answered_in_order(
    tmp_path: Path, transport: str, client_caps: dict[str, Any]
) -> None:
    app = tmp_path / "v2-app"
    shutil.copytree(SAMPLES / "v2-app", app)
    script = app / "function_app.py"
    doc = uri(script)
    params = {"processId": os.getpid(), "rootUri": uri(app), "capabilities": client_caps}
    client = OrderedClient(transport)
    try:
        item = {"uri": doc, "languageId": "python", "version": 1, "text": script.read_text()}
        symbols = {"textDocument": {"uri": doc}}
        hover = {**symbols, "position": {"line": 0, "character": 0}}
        burst = [
            {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params},
            {"jsonrpc": "2.0", "method": "initialized", "params": {}},
            {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": item}},
            {"jsonrpc": "2.0", "id": 2, "method": "textDocument/documentSymbol", "params": symbols},
            {"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover", "params": hover},
            {"jsonrpc": "2.0", "id": 4, "method": "shutdown"},
            {"jsonrpc": "2.0", "method": "exit"},
        ]
        client.write(b"".join(client.frame(m) for m in burst))
        assert client.proc.wait(ANSWER_S) == 0
        answers = {i: client.answer(i) for i in (1, 2, 3, 4)}
        assert client.order == [1, 2, 3, 4]
        assert answers[1]["result"] == pygls_initialize_result(params)
        names = {s["name"] for s in answers[2]["result"]}
        assert names, answers[2]  # the opened document's functions
        assert "result" in answers[3]
        assert answers[4]["result"] is None
    finally:
        client.close()


@pytest.mark.parametrize("transport", ["stdio", "tcp"])
def test_exit_without_shutdown_right_after_initialize_ends_with_status_1(
    tmp_path: Path, transport: str
) -> None:
    client = RawClient(transport)
    try:
        params = {"processId": os.getpid(), "rootUri": uri(tmp_path), "capabilities": {}}
        init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params}
        client.write(client.frame(init) + client.frame({"jsonrpc": "2.0", "method": "exit"}))
        assert client.proc.wait(ANSWER_S) == 1
        assert "capabilities" in client.answer(1)["result"]
    finally:
        client.close()
