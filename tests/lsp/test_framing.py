"""Protocol abuse through a raw client process (issue 17): ``funcls --stdio`` in a subprocess
and bytes written by hand: versions going backwards, edits outside the document, a 10 MB
document, 5,000 rapid changes and a file deleted while open. After each abuse a normal
request must still be answered, and the diagnostics end equal to what ``funcls check``
reports for the same text. (Wrong ``Content-Length`` headers are not survived yet: a reader
of funcls' own made message handling racy under load and was withdrawn.)"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from funcls.checks import CheckConfig, check_app
from funcls.model.loader import load_app
from funcls.model.source import Source
from tests.lsp.support import SAMPLES, uri

ANSWER_S = 30.0  # generous: the machine is shared


class RawClient:
    """A client that writes raw bytes and reads the server's messages on a thread."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "funcls", "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.answers: dict[Any, dict[str, Any]] = {}
        self.null_id_errors: list[dict[str, Any]] = []
        self.published: list[dict[str, Any]] = []
        self.lock = threading.Condition()
        self.next_id = 1000
        threading.Thread(target=self._read, daemon=True).start()

    # -- wire --------------------------------------------------------------------------------
    def write(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    @staticmethod
    def frame(message: dict[str, Any], extra: int = 0) -> bytes:
        body = json.dumps(message).encode()
        return b"Content-Length: %d\r\n\r\n" % (len(body) + extra) + body

    def send(self, message: dict[str, Any]) -> None:
        self.write(self.frame(message))

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                if line == b"\r\n":
                    break
            assert length is not None
            message = json.loads(out.read(length))
            self._received(message)

    def _received(self, message: dict[str, Any]) -> None:
        if "method" in message and "id" in message:  # a request of the server
            result: Any = None
            if message["method"] == "workspace/configuration":
                result = [{} for _ in message["params"]["items"]]
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
            return
        with self.lock:
            if "method" in message:
                if message["method"] == "textDocument/publishDiagnostics":
                    self.published.append(message["params"])
            elif message.get("id") is None:
                self.null_id_errors.append(message)
            else:
                self.answers[message["id"]] = message
            self.lock.notify_all()

    # -- requests ----------------------------------------------------------------------------
    def request_bytes(self, method: str, params: Any) -> tuple[int, dict[str, Any]]:
        self.next_id += 1
        return self.next_id, {
            "jsonrpc": "2.0",
            "id": self.next_id,
            "method": method,
            "params": params,
        }

    def answer(self, msg_id: Any, timeout: float = ANSWER_S) -> dict[str, Any]:
        with self.lock:
            if not self.lock.wait_for(lambda: msg_id in self.answers, timeout):
                raise AssertionError(f"no answer to request {msg_id} in {timeout} s")
            return self.answers[msg_id]

    def request(self, method: str, params: Any) -> dict[str, Any]:
        msg_id, message = self.request_bytes(method, params)
        self.send(message)
        return self.answer(msg_id)

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def alive(self, doc: str) -> None:
        """A normal request is answered and the process still runs."""
        answer = self.request("textDocument/documentSymbol", {"textDocument": {"uri": doc}})
        assert "result" in answer, answer
        assert self.proc.poll() is None

    def null_errors(self, count: int) -> list[dict[str, Any]]:
        with self.lock:
            ok = self.lock.wait_for(lambda: len(self.null_id_errors) >= count, ANSWER_S)
            assert ok, f"expected {count} errors with id null, got {self.null_id_errors}"
            return list(self.null_id_errors)

    def diagnostics(self, doc: str, version: int) -> list[tuple[str, int]]:
        def found() -> list[dict[str, Any]]:
            return [p for p in self.published if p["uri"] == doc and p.get("version") == version]

        with self.lock:
            assert self.lock.wait_for(lambda: bool(found()), 120), f"no diagnostics for {version}"
            last = found()[-1]
        return sorted((str(d["code"]), d["range"]["start"]["line"]) for d in last["diagnostics"])

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                self.request("shutdown", None)
                self.notify("exit", None)
                self.proc.wait(10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def app(tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "v2-app"
    shutil.copytree(SAMPLES / "v2-app", root)
    return root


@pytest.fixture
def client(app: Path) -> Iterator[RawClient]:
    c = RawClient()
    try:
        c.request(
            "initialize",
            {"processId": os.getpid(), "rootUri": uri(app), "capabilities": {}},
        )
        c.notify("initialized", {})
        yield c
    finally:
        c.close()


def checked(root: Path, path: Path, text: str) -> list[tuple[str, int]]:
    """What ``funcls check`` reports for ``path`` holding ``text``."""
    path.write_text(text, newline="")
    findings = check_app(load_app(str(root), Source()), CheckConfig())
    return sorted((f.code, f.range.start.line) for f in findings if f.path == str(path))


def open_script(client: RawClient, script: Path, text: str, version: int = 1) -> str:
    doc = uri(script)
    item = {"uri": doc, "languageId": "python", "version": version, "text": text}
    client.notify("textDocument/didOpen", {"textDocument": item})
    return doc


BAD_ROUTE = (
    '\n\n@app.route(route="a//b")\n'
    "def doubled(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("x")\n'
)


def test_versions_backwards_and_edits_outside_converge_to_check(
    client: RawClient, app: Path
) -> None:
    script = app / "function_app.py"
    base = script.read_text()
    doc = open_script(client, script, base, version=10)
    client.alive(doc)
    # A version going backwards is applied as sent (the client's text is the truth).
    client.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": doc, "version": 3},
            "contentChanges": [{"text": base + BAD_ROUTE}],
        },
    )
    shown = client.diagnostics(doc, 3)
    assert ("AZF502", base.count("\n") + 2) in shown
    assert shown == checked(app, script, base + BAD_ROUTE)

    # Edits whose range lies outside the document: answered, nothing crashes, and a full
    # text afterwards gives the checker's findings.
    far = {"start": {"line": 10_000, "character": 5}, "end": {"line": 10_001, "character": 0}}
    past_line = {"start": {"line": 0, "character": 999}, "end": {"line": 0, "character": 1000}}
    inverted = {"start": {"line": 5, "character": 0}, "end": {"line": 1, "character": 0}}
    for version, rng in ((4, far), (5, past_line), (6, inverted)):
        client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": doc, "version": version},
                "contentChanges": [{"range": rng, "text": "# edit\n"}],
            },
        )
        client.alive(doc)
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": doc, "version": 7}, "contentChanges": [{"text": base}]},
    )
    assert client.diagnostics(doc, 7) == checked(app, script, base)


def test_a_10_mb_document_and_5000_rapid_changes(client: RawClient, app: Path) -> None:
    script = app / "function_app.py"
    base = script.read_text()
    filler = "# " + "x" * 98 + "\n"
    big = base + filler * (10 * 1024 * 1024 // len(filler)) + BAD_ROUTE
    assert len(big.encode()) > 10 * 1024 * 1024
    doc = open_script(client, script, big, version=1)
    client.alive(doc)
    assert client.diagnostics(doc, 1) == checked(app, script, big)

    # 5,000 one-character changes in one burst at the end of line 0, then the whole text.
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": doc, "version": 2}, "contentChanges": [{"text": base}]},
    )
    burst = bytearray()
    for i in range(5000):
        at = {"line": 0, "character": len(base.splitlines()[0]) + i}
        change = {"range": {"start": at, "end": at}, "text": "x" if i % 2 else " "}
        burst += client.frame(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": doc, "version": 3 + i},
                    "contentChanges": [change],
                },
            }
        )
    started = time.monotonic()
    client.write(bytes(burst))
    client.alive(doc)
    first, rest = base.split("\n", 1)
    final = first + "".join("x" if i % 2 else " " for i in range(5000)) + "\n" + rest
    assert client.diagnostics(doc, 5002) == checked(app, script, final)
    assert time.monotonic() - started < 120


def test_a_file_deleted_while_open(client: RawClient, app: Path) -> None:
    script = app / "orders_bp.py"
    text = script.read_text()
    doc = open_script(client, script, text)
    client.alive(doc)
    script.unlink()
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": doc, "type": 3}]})
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": doc, "version": 2}, "contentChanges": [{"text": text + "\n"}]},
    )
    client.alive(doc)
    client.notify("textDocument/didSave", {"textDocument": {"uri": doc}})
    client.notify("textDocument/didClose", {"textDocument": {"uri": doc}})
    main = uri(app / "function_app.py")
    client.alive(main)
    assert client.proc.poll() is None


# -- the framer alone ----------------------------------------------------------------------
def frame(body: bytes, length: int | None = None) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % (len(body) if length is None else length) + body
