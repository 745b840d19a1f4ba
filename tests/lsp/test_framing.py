"""Protocol abuse through a raw client process (issue 17): ``funcls --stdio`` (and ``funcls
--tcp``) in a subprocess and bytes written by hand. Wrong ``Content-Length`` headers,
malformed JSON, messages that are no JSON-RPC, unknown methods, versions going backwards,
edits outside the document, a 10 MB document, 5,000 rapid changes and a file deleted while
open. After each abuse a normal request must still be answered, and the diagnostics end equal
to what ``funcls check`` reports for the same text. Messages written in one burst are handled
in order, each after what the previous one scheduled (``funcls/lsp/framing.py``)."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from funcls.checks import CheckConfig, check_app
from funcls.lsp.framing import MAX_BODY, Framer
from funcls.model.loader import load_app
from funcls.model.source import Source
from tests.lsp.support import SAMPLES, uri
from tests.support.ci import tool_missing

ANSWER_S = 30.0  # generous: the machine is shared
# The first answer comes after the server's modules are imported: 1.1 s of CPU without .pyc
# files (PYTHONDONTWRITEBYTECODE), 26 s of wall time at load 18 on 2 cores, measured in a run
# of test_a_burst_is_handled_in_order that failed with "no answer to request 1002 in 30.0 s".
START_S = 120.0
LISTENING = re.compile(r"listening on (\S+):(\d+)")


def start_tcp_server(*extra: str) -> tuple[subprocess.Popen[bytes], str, int]:
    """``funcls --tcp --port 0`` (a free port), and the address it says it listens on."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "funcls", "--tcp", "--port", "0", *extra],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline().decode()
    found = LISTENING.search(line)
    if found is None:
        proc.kill()
        raise AssertionError(f"funcls --tcp did not say where it listens: {line!r}")
    return proc, found.group(1), int(found.group(2))


class RawClient:
    """A client that writes raw bytes and reads the server's messages on a thread, over the
    server's stdin/stdout (``stdio``) or a socket (``tcp``)."""

    def __init__(self, transport: str = "stdio") -> None:
        self.sock: socket.socket | None = None
        if transport == "tcp":
            self.proc, host, port = start_tcp_server()
            self.sock = socket.create_connection((host, port), timeout=ANSWER_S)
            self.sock.settimeout(None)
            self.out: IO[bytes] = self.sock.makefile("rb")
        else:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "funcls", "--stdio"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            assert self.proc.stdout is not None
            self.out = self.proc.stdout
        self.inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.answers: dict[Any, dict[str, Any]] = {}
        self.null_id_errors: list[dict[str, Any]] = []
        self.published: list[dict[str, Any]] = []
        self.lock = threading.Condition()
        self.next_id = 1000
        threading.Thread(target=self._read, daemon=True).start()

    # -- wire --------------------------------------------------------------------------------
    def write(self, data: bytes) -> None:
        if self.sock is not None:
            self.sock.sendall(data)
            return
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
        out = self.out
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

    def request(self, method: str, params: Any, timeout: float = ANSWER_S) -> dict[str, Any]:
        msg_id, message = self.request_bytes(method, params)
        self.send(message)
        return self.answer(msg_id, timeout)

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
            if self.sock is not None:
                self.sock.close()


@pytest.fixture
def app(tmp_path: Path) -> Path:
    root = tmp_path / "v2-app"
    shutil.copytree(SAMPLES / "v2-app", root)
    return root


def started(app: Path, transport: str = "stdio", capabilities: Any = None) -> RawClient:
    c = RawClient(transport)
    try:
        c.request(
            "initialize",
            {"processId": os.getpid(), "rootUri": uri(app), "capabilities": capabilities or {}},
        )
        c.notify("initialized", {})
        # Answered once the server's modules are loaded (initialize is answered before).
        c.request("workspace/symbol", {"query": ""}, START_S)
    except BaseException:
        c.close()
        raise
    return c


@pytest.fixture
def client(app: Path) -> Iterator[RawClient]:
    c = started(app)
    try:
        yield c
    finally:
        c.close()


@pytest.fixture(params=["stdio", "tcp"])
def any_client(app: Path, request: pytest.FixtureRequest) -> Iterator[RawClient]:
    """The same abuse over both transports."""
    c = started(app, request.param)
    try:
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


def test_wrong_content_lengths_are_survived_and_answered(any_client: RawClient, app: Path) -> None:
    client = any_client
    script = app / "function_app.py"
    doc = open_script(client, script, script.read_text())
    client.alive(doc)
    symbols = {"textDocument": {"uri": doc}}

    # Far larger than the body, then the client waits: answered after a pause.
    msg_id, message = client.request_bytes("textDocument/documentSymbol", symbols)
    client.write(client.frame(message, extra=1_000_000))
    assert "result" in client.answer(msg_id)
    client.alive(doc)

    # 99,999,999,999: not believed (pygls' reader asked for 93 GiB and died).
    msg_id, message = client.request_bytes("textDocument/documentSymbol", symbols)
    client.write(b"Content-Length: 99999999999\r\n\r\n" + json.dumps(message).encode())
    assert "result" in client.answer(msg_id)
    client.alive(doc)

    # 40 bytes too long, the next message right behind it in the same write: both answered.
    first_id, first = client.request_bytes("textDocument/documentSymbol", symbols)
    second_id, second = client.request_bytes("textDocument/documentSymbol", symbols)
    client.write(client.frame(first, extra=40) + client.frame(second))
    assert "result" in client.answer(first_id)
    assert "result" in client.answer(second_id)

    # 10 bytes too short: that body is no JSON (-32700), the stream recovers at the next header.
    cut_id, cut = client.request_bytes("textDocument/documentSymbol", symbols)
    client.write(client.frame(cut, extra=-10))
    client.alive(doc)
    errors = client.null_errors(1)
    assert errors[0]["error"]["code"] == -32700
    assert cut_id not in client.answers

    # A header without Content-Length and bytes that are no header at all.
    client.write(b"Content-Type: application/json\r\n\r\n")
    client.write(b"garbage that is no header\r\n\r\n")
    client.alive(doc)
    assert client.proc.poll() is None


def test_malformed_json_and_unknown_methods_get_spec_errors(
    any_client: RawClient, app: Path
) -> None:
    client = any_client
    script = app / "function_app.py"
    doc = open_script(client, script, script.read_text())
    client.alive(doc)

    for body in (b'{"jsonrpc": "2.0", "id": 7, "method": ', b"\xff\xfe{}", b"{'single': 1}"):
        client.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    for value in ([1, 2], 42, {"id": 3}):
        client.send(value)  # type: ignore[arg-type]
    client.alive(doc)
    errors = client.null_errors(5)
    assert [e["error"]["code"] for e in errors] == [-32700] * 3 + [-32600] * 2
    assert all(e["id"] is None and e["error"]["message"] for e in errors)
    assert client.answer(3)["error"]["code"] == -32600  # its id is known: answered with it

    params = {"textDocument": {"uri": doc}}
    old = {"jsonrpc": "1.0", "id": 9, "method": "textDocument/documentSymbol", "params": params}
    client.send(old)
    assert client.answer(9)["error"]["code"] == -32600

    answer = client.request("funcls/noSuchMethod", {"x": 1})
    assert answer["error"]["code"] == -32601  # MethodNotFound
    client.notify("funcls/noSuchNotification", {"x": 1})
    client.notify("$/noSuchNotification", {})
    client.alive(doc)


SNIPPETS = {"textDocument": {"completion": {"completionItem": {"snippetSupport": True}}}}


@pytest.mark.parametrize("transport", ["stdio", "tcp"])
def test_a_burst_is_handled_in_order(tmp_path: Path, transport: str) -> None:
    """didOpen and completion in one write: the completion sees the opened text. The first
    reader of funcls' own handled a whole read in one loop turn, so the completion ran
    before the re-indexing that didOpen schedules and answered from the file on disk."""
    root = tmp_path / "v1-app"
    shutil.copytree(SAMPLES / "v1-app", root)
    path = root / "process_order" / "function.json"
    doc = uri(path)
    # The file on disk binds the entry's parameter "msg"; the opened text binds nothing, so
    # the queueTrigger snippet proposes "msg" as its name only when it sees the opened text.
    text = '{\n  "bindings": [\n    {\n      "type": ""\n    }\n  ]\n}'
    client = started(root, transport, SNIPPETS)
    try:
        client.alive(uri(root / "host.json"))  # indexed: completion does not wait for it
        for round_ in range(5):
            item = {"uri": doc, "languageId": "json", "version": round_ + 1, "text": text}
            msg_id, completion = client.request_bytes(
                "textDocument/completion",
                {"textDocument": {"uri": doc}, "position": {"line": 3, "character": 15}},
            )
            burst = [
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didOpen",
                    "params": {"textDocument": item},
                },
                completion,
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didClose",
                    "params": {"textDocument": {"uri": doc}},
                },
            ]
            client.write(b"".join(client.frame(m) for m in burst))
            result = client.answer(msg_id)["result"]
            items = result["items"] if isinstance(result, dict) else result
            queue_trigger = next(i for i in items if i["label"] == "queueTrigger")
            edit = queue_trigger.get("textEdit", {}).get("newText") or queue_trigger["insertText"]
            assert '"name": "${1:msg}"' in edit, (round_, edit)
    finally:
        client.close()


def test_a_request_waiting_for_the_first_index_sees_its_documents(tmp_path: Path) -> None:
    """initialized, didOpen, completion and didClose in one write, in a workspace of 41 apps:
    the completion waits for the first indexing (``handlers.on_completion``), which yields to
    the loop between apps, so the reader hands over didClose meanwhile. The completion must
    still answer against the document as open when it was sent (the LSP specification: a
    notification after a request does not change what the request sees); before, it answered
    from the file on disk, closed behind its back."""
    root = tmp_path / "v1-app"
    shutil.copytree(SAMPLES / "v1-app", root)
    for i in range(40):  # more apps than loop turns the burst needs
        other = tmp_path / f"app{i:02}"
        other.mkdir()
        (other / "host.json").write_text('{"version": "2.0"}\n')
        (other / "function_app.py").write_text(
            "import azure.functions as func\n\napp = func.FunctionApp()\n"
        )
    path = root / "process_order" / "function.json"
    doc = uri(path)
    text = '{\n  "bindings": [\n    {\n      "type": ""\n    }\n  ]\n}'
    client = RawClient("stdio")
    try:
        client.request(
            "initialize",
            {"processId": os.getpid(), "rootUri": uri(tmp_path), "capabilities": SNIPPETS},
        )
        item = {"uri": doc, "languageId": "json", "version": 1, "text": text}
        msg_id, completion = client.request_bytes(
            "textDocument/completion",
            {"textDocument": {"uri": doc}, "position": {"line": 3, "character": 15}},
        )
        burst = [
            {"jsonrpc": "2.0", "method": "initialized", "params": {}},
            {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": item}},
            completion,
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didClose",
                "params": {"textDocument": {"uri": doc}},
            },
        ]
        client.write(b"".join(client.frame(m) for m in burst))
        result = client.answer(msg_id, START_S)["result"]
        items = result["items"] if isinstance(result, dict) else result
        queue_trigger = next(i for i in items if i["label"] == "queueTrigger")
        edit = queue_trigger.get("textEdit", {}).get("newText") or queue_trigger["insertText"]
        assert '"name": "${1:msg}"' in edit, edit
        client.alive(doc)  # the didClose held back was handled afterwards
    finally:
        client.close()


def test_tcp_listens_on_loopback_only_by_default() -> None:
    """``funcls --tcp`` without ``--host`` binds 127.0.0.1: another address of this machine
    is refused."""
    proc, host, port = start_tcp_server()
    try:
        assert host == "127.0.0.1"
        with socket.create_connection((host, port), timeout=10):
            pass  # loopback: accepted
        others = [a for a in machine_addresses() if not a.startswith("127.")]
        if not others:
            tool_missing(
                "this machine has no network address besides loopback (the test connects through one)"
            )
        for address in others:
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection((address, port), timeout=10).close()
    finally:
        proc.kill()
        proc.wait()
    # The check can fail: asked to listen on every address, the other address connects.
    proc, host, port = start_tcp_server("--host", "0.0.0.0")
    try:
        with socket.create_connection((others[0], port), timeout=10):
            pass
    finally:
        proc.kill()
        proc.wait()


def machine_addresses() -> list[str]:
    """This machine's IPv4 addresses (from the interfaces the kernel routes to)."""
    found: set[str] = set()
    for name in (socket.gethostname(), "localhost"):
        with contextlib.suppress(OSError):
            found.update(info[4][0] for info in socket.getaddrinfo(name, None, socket.AF_INET))
    try:  # the address used to reach outside (no packet is sent for UDP connect)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("198.51.100.1", 9))
            found.add(probe.getsockname()[0])
    except OSError:
        pass
    return sorted(str(a) for a in found)


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


def bodies(framer: Framer, paused: bool = False) -> list[bytes]:
    out = []
    while (b := framer.next_body(paused)) is not None:
        out.append(b)
    return out


def test_framer_splits_a_stream_fed_byte_by_byte() -> None:
    a, b = b'{"a": 1}', b'{"b": "Content-Length: 5"}'
    stream = frame(a) + frame(b, len(b) + 40) + frame(a) + frame(b, len(b) - 3) + frame(a)
    framer = Framer()
    got: list[bytes] = []
    for i in range(len(stream)):
        framer.feed(stream[i : i + 1])
        got += bodies(framer)
    assert got == [a, b, a, b[:-3], a]


def test_framer_does_not_believe_a_length_over_the_limit() -> None:
    framer = Framer()
    framer.feed(b"Content-Length: %d\r\n\r\n" % (MAX_BODY + 1) + b'{"x": [1, 2]}')
    assert bodies(framer) == []  # the value may go on: wait
    assert bodies(framer, paused=True) == [b'{"x": [1, 2]}']
    assert any("over" in n for n in framer.notes)
