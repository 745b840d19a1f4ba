"""The language server over a WebSocket (``funcls --ws``), abused by a raw
client (issue 17): a frame that is not JSON gets "Parse error" (-32700) and one that is JSON
but no message "Invalid Request" (-32600), both with ``id: null``, and the server goes on
answering; pygls' own loop only logged them, so the client waited for ever. One client at a
time; ``shutdown`` then ``exit`` ends the process with 0."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.lsp.support import SAMPLES, uri
from tests.support.ci import tool_missing

ANSWER_S = 30.0
LISTENING = re.compile(r"listening on (ws://\S+)")


def start_ws_server() -> tuple[subprocess.Popen[bytes], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "funcls", "--ws", "--port", "0"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline().decode()
    found = LISTENING.search(line)
    if found is None:
        proc.kill()
        raise AssertionError(f"the WebSocket server did not say where it listens: {line!r}")
    return proc, found.group(1)


async def answer(ws: Any, msg_id: object) -> dict[str, Any]:
    """The next message that answers ``msg_id`` (notifications from the server skipped)."""
    while True:
        frame = await asyncio.wait_for(ws.recv(), ANSWER_S)
        message = json.loads(frame)
        if "method" not in message and message.get("id") == msg_id:
            return dict(message)


def request(msg_id: int, method: str, params: object) -> str:
    return json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})


async def test_bad_frames_are_answered_and_the_server_goes_on(tmp_path: Path) -> None:
    try:
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed
    except ImportError:
        tool_missing("the websockets package is not installed (pip install websockets)")
    proc, address = start_ws_server()
    try:
        async with connect(address, max_size=None) as ws:
            await ws.send('{"jsonrpc": "2.0", "id": 1, "method": ')  # cut short
            broken = await answer(ws, None)
            assert broken["error"]["code"] == -32700, broken
            assert "not valid JSON" in broken["error"]["message"]
            await ws.send(b"\xff\xfe not UTF-8")
            assert (await answer(ws, None))["error"]["code"] == -32700
            await ws.send("[1, 2]")
            assert (await answer(ws, None))["error"]["code"] == -32600
            await ws.send('{"id": 7, "method": "initialize"}')  # no "jsonrpc"
            assert (await answer(ws, 7))["error"]["code"] == -32600

            # The session works after all that.
            app = tmp_path / "v2-app"
            shutil.copytree(SAMPLES / "v2-app", app)
            await ws.send(
                request(
                    2, "initialize", {"processId": None, "rootUri": uri(app), "capabilities": {}}
                )
            )
            init = await answer(ws, 2)
            assert init["result"]["capabilities"]["hoverProvider"], init
            await ws.send(json.dumps({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
            main = app / "function_app.py"
            text = main.read_text()
            await ws.send(
                json.dumps(
                    {
                        "jsonrpc": "2.0",
                        "method": "textDocument/didOpen",
                        "params": {
                            "textDocument": {
                                "uri": uri(main),
                                "languageId": "python",
                                "version": 1,
                                "text": text,
                            }
                        },
                    }
                )
            )
            line = text.split("\n").index(next(x for x in text.split("\n") if "@app.route" in x))
            await ws.send('{"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover", "par')
            assert (await answer(ws, None))["error"]["code"] == -32700
            await ws.send(
                request(
                    4,
                    "textDocument/hover",
                    {
                        "textDocument": {"uri": uri(main)},
                        "position": {"line": line, "character": 2},
                    },
                )
            )
            hover = await answer(ws, 4)
            assert "FunctionApp" in hover["result"]["contents"]["value"], hover

            # A second client is refused while this one is connected.
            async with connect(address) as other:
                with pytest.raises(ConnectionClosed) as closed:
                    await asyncio.wait_for(other.recv(), ANSWER_S)
                assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013

            await ws.send(request(5, "shutdown", None))
            assert (await answer(ws, 5)).get("result") is None
            await ws.send(json.dumps({"jsonrpc": "2.0", "method": "exit"}))
        assert await asyncio.to_thread(proc.wait, ANSWER_S) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


async def test_frames_sent_together_are_handled_in_order(tmp_path: Path) -> None:
    """didOpen, completion and didClose sent back to back: the completion sees the opened
    text (each frame is handled in its own loop turn, after what the one before scheduled,
    as on stdio and TCP; tests/lsp/test_framing.py::test_a_burst_is_handled_in_order)."""
    try:
        from websockets.asyncio.client import connect
    except ImportError:
        tool_missing("the websockets package is not installed (pip install websockets)")
    root = tmp_path / "v1-app"
    shutil.copytree(SAMPLES / "v1-app", root)
    path = root / "process_order" / "function.json"
    doc = uri(path)
    # On disk the binding is named "msg" already; the opened text names none, so the
    # queueTrigger snippet proposes "msg" only when the completion sees the opened text.
    text = '{\n  "bindings": [\n    {\n      "type": ""\n    }\n  ]\n}'
    snippets = {"textDocument": {"completion": {"completionItem": {"snippetSupport": True}}}}
    proc, address = start_ws_server()
    try:
        async with connect(address, max_size=None) as ws:
            await ws.send(
                request(
                    1,
                    "initialize",
                    {"processId": None, "rootUri": uri(root), "capabilities": snippets},
                )
            )
            await answer(ws, 1)
            await ws.send(json.dumps({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
            symbols = {"textDocument": {"uri": uri(root / "host.json")}}
            await ws.send(request(2, "textDocument/documentSymbol", symbols))
            await answer(ws, 2)  # indexed: completion does not wait for it
            for round_ in range(3):
                item = {"uri": doc, "languageId": "json", "version": round_ + 1, "text": text}
                where = {"textDocument": {"uri": doc}, "position": {"line": 3, "character": 15}}
                for message in (
                    {
                        "jsonrpc": "2.0",
                        "method": "textDocument/didOpen",
                        "params": {"textDocument": item},
                    },
                    {
                        "jsonrpc": "2.0",
                        "id": 10 + round_,
                        "method": "textDocument/completion",
                        "params": where,
                    },
                    {
                        "jsonrpc": "2.0",
                        "method": "textDocument/didClose",
                        "params": {"textDocument": {"uri": doc}},
                    },
                ):
                    await ws.send(json.dumps(message))
                result = (await answer(ws, 10 + round_))["result"]
                items = result["items"] if isinstance(result, dict) else result
                queue_trigger = next(i for i in items if i["label"] == "queueTrigger")
                edit = (
                    queue_trigger.get("textEdit", {}).get("newText") or queue_trigger["insertText"]
                )
                assert '"name": "${1:msg}"' in edit, (round_, edit)
            await ws.send(request(99, "shutdown", None))
            await answer(ws, 99)
            await ws.send(json.dumps({"jsonrpc": "2.0", "method": "exit"}))
        assert await asyncio.to_thread(proc.wait, ANSWER_S) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
