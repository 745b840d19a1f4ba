"""The answer to ``initialize`` written before pygls is imported (funcls/lsp/capabilities.py,
issue 16) equals what pygls computes from the registered features, for every recorded client
and for the client capabilities pygls' builder reads; the stored file is what the features
give now."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from typing import Any

import pytest
from pygls.protocol import default_converter
from pytest_lsp import client_capabilities

from funcls.lsp import capabilities
from funcls.lsp.capabilities import initialize_result, pygls_initialize_result
from funcls.lsp.startup import early_answer

RECORDED = sorted(
    name.removesuffix(".json").replace("_v", "@v").replace("_", "-")
    for name in os.listdir(
        os.path.join(os.path.dirname(client_capabilities.__code__.co_filename), "clients")
    )
    if name.endswith(".json")
)


def recorded(name: str) -> dict[str, Any]:
    caps = default_converter().unstructure(client_capabilities(name))
    assert isinstance(caps, dict)
    return caps


def params(caps: dict[str, Any]) -> dict[str, Any]:
    return {"processId": 4242, "rootUri": "file:///tmp/ws", "capabilities": caps}


def test_the_stored_capabilities_are_what_the_registered_features_give() -> None:
    with open(capabilities.PATH, encoding="utf-8") as f:
        stored = json.load(f)
    assert stored == capabilities.computed(), (
        "funcls/lsp/capabilities.json is out of date: run python -m funcls.lsp.capabilities"
    )


@pytest.mark.parametrize("name", RECORDED)
def test_recorded_clients_get_the_answer_pygls_gives(name: str) -> None:
    p = params(recorded(name))
    assert initialize_result(p) == pygls_initialize_result(p)


def _set(caps: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    caps = copy.deepcopy(caps)
    *parents, last = path.split(".")
    here = caps
    for key in parents:
        here = here.setdefault(key, {})
    here[last] = value
    return caps


VARIATIONS = [
    ("general.positionEncodings", ["utf-8", "utf-16"]),
    ("general.positionEncodings", ["utf-32"]),
    ("general.positionEncodings", ["utf-7", "utf-8"]),
    ("general.positionEncodings", ["latin-1"]),
    ("general.positionEncodings", []),
    ("textDocument.rename.prepareSupport", True),
    ("textDocument.rename.prepareSupport", False),
    ("textDocument.synchronization.willSave", True),
    ("textDocument.synchronization.willSave", False),
    ("textDocument.synchronization.willSaveWaitUntil", True),
    ("textDocument.synchronization.didSave", True),
    ("workspace.fileOperations.didCreate", True),
    ("workspace.fileOperations.willRename", True),
    ("notebookDocument.synchronization.dynamicRegistration", True),
    ("workspace.workspaceFolders", True),
]


@pytest.mark.parametrize("base", ["plain", "neovim@v0.7.0", "visual-studio-code"])
@pytest.mark.parametrize(("path", "value"), VARIATIONS)
def test_what_the_builder_reads_of_the_client_is_followed(base: str, path: str, value: Any) -> None:
    caps = _set({} if base == "plain" else recorded(base), path, value)
    p = params(caps)
    assert initialize_result(p) == pygls_initialize_result(p)


@pytest.mark.parametrize(
    "unusual",
    [
        None,
        [],
        {"processId": 1},  # no capabilities
        {"capabilities": []},
        {"capabilities": {"general": {"positionEncodings": "utf-8"}}},
        {"capabilities": {"general": {"positionEncodings": [8]}}},
        {"capabilities": {"general": []}},
        {"capabilities": {"textDocument": {"rename": {"prepareSupport": "yes"}}}},
        {"capabilities": {"textDocument": {"synchronization": {"willSave": 1}}}},
    ],
)
def test_parameters_it_cannot_read_as_pygls_would_are_left_to_pygls(unusual: Any) -> None:
    assert initialize_result(unusual) is None


def _body(message: Any) -> bytes:
    return json.dumps(message).encode()


def test_only_an_initialize_request_is_answered_early() -> None:
    p = params({})
    ok = {"jsonrpc": "2.0", "id": 7, "method": "initialize", "params": p}
    assert early_answer(_body(ok)) == (7, initialize_result(p))
    assert early_answer(_body({**ok, "id": "a"})) == ("a", initialize_result(p))
    for other in (
        {**ok, "method": "shutdown"},
        {k: v for k, v in ok.items() if k != "id"},  # a notification
        {**ok, "id": True},
        {**ok, "id": None},
        {**ok, "jsonrpc": "1.0"},
        {**ok, "params": {"capabilities": "none"}},
        [ok],
    ):
        assert early_answer(_body(other)) is None, other
    assert early_answer(b"{not json") is None


def test_the_early_answer_needs_neither_pygls_nor_lsprotocol() -> None:
    """What the reader runs before the server is loaded imports neither."""
    code = (
        "import json, sys\n"
        "from funcls.lsp.framing import Framer, run_framed\n"
        "from funcls.lsp.startup import early_answer, frame\n"
        "body = json.dumps({'jsonrpc': '2.0', 'id': 1, 'method': 'initialize',"
        " 'params': {'capabilities': {}}}).encode()\n"
        "msg_id, result = early_answer(body)\n"
        "assert frame({'id': msg_id, 'jsonrpc': '2.0', 'result': result})\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol',"
        " 'cattrs', 'attrs'))\n"
        "print(json.dumps(loaded))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(out.stdout) == []
