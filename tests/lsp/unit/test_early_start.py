"""Start-up (funcls/lsp/startup.py, issue 16): ``initialize`` is answered while the server is
still being imported, pygls is then given the same ``initialize`` (its state is what it would
have been) and its own answer is kept from the client, and every message that came meanwhile
is handled afterwards, in order. The real server and pygls; only the moment the import ends
is held back by the test."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

from funcls.lsp.capabilities import initialize_result
from funcls.lsp.cli import build_server
from funcls.lsp.framing import run_framed
from funcls.lsp.server import FunclsServer
from funcls.lsp.startup import EarlyStart, Loader


class HeldLoader(Loader):
    """A loader whose import is already done (by this test process) but that reports it only
    when the test releases it."""

    def __init__(self) -> None:
        super().__init__(modules=())
        self.release = asyncio.Event()

    async def wait(self) -> None:
        await self.release.wait()
        await super().wait()


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def messages(data: bytes) -> list[dict[str, Any]]:
    out = []
    while data:
        header, _, rest = data.partition(b"\r\n\r\n")
        length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
        out.append(json.loads(rest[:length]))
        data = rest[length:]
    return out


def test_initialize_is_answered_before_the_server_is_loaded_and_the_rest_follows_in_order(
    tmp_path: Any,
) -> None:
    folder = tmp_path / "ws"
    folder.mkdir()
    caps = {"general": {"positionEncodings": ["utf-8", "utf-16"]}}
    init_params = {
        "processId": None,
        "rootUri": folder.as_uri(),
        "workspaceFolders": [{"uri": folder.as_uri(), "name": "ws"}],
        "capabilities": caps,
        "initializationOptions": {"diagnosticsDelayMs": 5},
    }
    burst = b"".join(
        [
            frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": init_params}),
            frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
            frame(
                {"jsonrpc": "2.0", "id": 2, "method": "workspace/symbol", "params": {"query": ""}}
            ),
            frame({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}),
            frame(
                {"jsonrpc": "2.0", "id": 4, "method": "workspace/symbol", "params": {"query": ""}}
            ),
        ]
    )
    written = bytearray()
    built: list[FunclsServer] = []

    class Out:
        def write(self, data: bytes) -> None:
            written.extend(data)

        def close(self) -> None:
            pass

    def attach(server: Any) -> None:
        server._stop_event = threading.Event()
        server.protocol.set_writer(Out())
        built.append(server)

    async def main() -> list[dict[str, Any]]:
        loader = HeldLoader()
        start = EarlyStart(loader, build_server, written.extend, attach)
        chunks = [burst]

        async def read() -> bytes:
            if chunks:
                return chunks.pop(0)
            await asyncio.sleep(3600)
            return b""

        reading = asyncio.ensure_future(
            run_framed(threading.Event(), read, None, deliver=start.deliver)
        )
        for _ in range(50):
            await asyncio.sleep(0.01)
            if written:
                break
        before = messages(bytes(written))
        # Nothing but the initialize answer while the server is not loaded.
        assert before == [{"id": 1, "jsonrpc": "2.0", "result": initialize_result(init_params)}]
        assert built == []
        loader.release.set()
        for _ in range(500):
            await asyncio.sleep(0.01)
            answered = {m.get("id") for m in messages(bytes(written))}
            if {2, 3, 4} <= answered:
                break
        reading.cancel()
        return messages(bytes(written))

    sent = asyncio.run(main())
    answers = [m for m in sent if "id" in m and "method" not in m]
    # One answer per request (pygls' own answer to initialize was kept back), in order.
    assert [a["id"] for a in answers] == [1, 2, 3, 4]
    assert answers[1]["result"] == []
    assert answers[2]["result"] is None
    assert answers[3]["error"]["code"] == -32600  # after shutdown
    errors = [
        m for m in sent if m.get("method") == "window/logMessage" and m["params"]["type"] == 1
    ]
    assert errors == []  # the early answer equals pygls'
    server = built[0]
    # pygls saw initialize: the folders, the options and the negotiated encoding are set.
    assert server.state.index.folders == [str(folder)]
    assert server.init_options == {"diagnosticsDelayMs": 5}
    assert server.settings.diagnostics_delay_ms == 5
    assert server.workspace.position_encoding == "utf-8"


def test_without_the_configuration_answer_the_early_path_gives_up_and_publishes_nothing(
    tmp_path: Any,
) -> None:
    """The client never answers the early ``workspace/configuration``: after EARLY_WAIT_S the
    server is loaded and handles the queued ``initialized`` and ``didOpen`` itself (nothing is
    published with settings that were not read); a request that comes meanwhile waits for
    them, and its answer comes after; the late answer to the early request reaches no one."""
    from funcls.lsp.early_diagnostics import CONFIGURATION_ID
    from funcls.lsp.startup import EARLY_WAIT_S

    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    script = app / "function_app.py"
    script.write_text("import azure.functions as func\napp = func.FunctionApp()\n")
    init_params = {
        "processId": None,
        "rootUri": tmp_path.as_uri(),
        "capabilities": {"workspace": {"configuration": True}},
    }
    item = {"uri": script.as_uri(), "languageId": "python", "version": 1, "text": "x = 1\n"}
    first = b"".join(
        [
            frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": init_params}),
            frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
            frame(
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didOpen",
                    "params": {"textDocument": item},
                }
            ),
        ]
    )
    later = b"".join(
        [
            frame({"jsonrpc": "2.0", "id": CONFIGURATION_ID, "result": [None]}),
            frame(
                {"jsonrpc": "2.0", "id": 2, "method": "workspace/symbol", "params": {"query": ""}}
            ),
        ]
    )
    written = bytearray()

    class Out:
        def write(self, data: bytes) -> None:
            written.extend(data)

        def close(self) -> None:
            pass

    def attach(server: Any) -> None:
        server._stop_event = threading.Event()
        server.protocol.set_writer(Out())

    async def main() -> list[dict[str, Any]]:
        loader = HeldLoader()
        loader.release.set()
        start = EarlyStart(loader, build_server, written.extend, attach)
        chunks: asyncio.Queue[bytes] = asyncio.Queue()
        chunks.put_nowait(first)

        reading = asyncio.ensure_future(
            run_framed(threading.Event(), chunks.get, None, deliver=start.deliver)
        )
        await asyncio.sleep(EARLY_WAIT_S / 2)
        assert start.server is None  # still waiting for the configuration answer
        for _ in range(500):
            await asyncio.sleep(0.01)
            asks = [
                m for m in messages(bytes(written)) if m.get("method") == "workspace/configuration"
            ]
            if len(asks) == 2:
                break
        pygls_ask = frame({"jsonrpc": "2.0", "id": asks[1]["id"], "result": [None]})
        chunks.put_nowait(later + pygls_ask)
        for _ in range(500):
            await asyncio.sleep(0.01)
            if 2 in {m.get("id") for m in messages(bytes(written))}:
                break
        reading.cancel()
        return messages(bytes(written))

    sent = asyncio.run(main())
    methods = [m.get("method") for m in sent]
    asks = [m["id"] for m in sent if m.get("method") == "workspace/configuration"]
    assert asks[0] == CONFIGURATION_ID and len(asks) == 2  # then pygls' own
    pygls_asked = methods.index(
        "workspace/configuration", methods.index("workspace/configuration") + 1
    )
    assert "textDocument/publishDiagnostics" not in methods[:pygls_asked]
    answers = [m["id"] for m in sent if "id" in m and "method" not in m]
    assert answers == [1, 2]
    assert not [
        m for m in sent if m.get("method") == "window/logMessage" and m["params"]["type"] == 1
    ]


def test_the_preload_runs_at_once_and_the_server_import_only_after_start(tmp_path: Any) -> None:
    """``Loader.preload`` (the early diagnostics' imports, issue 16) runs on the loader thread
    while the early path waits for the client; the server's own modules are imported on the
    same thread only once ``start`` is called, so two imports never run together."""
    import sys

    (tmp_path / "funcls_probe_server_mod.py").write_text("IMPORTED = True\n")
    sys.path.insert(0, str(tmp_path))
    try:
        order: list[str] = []
        go_on = threading.Event()

        def first() -> None:
            order.append("first")
            go_on.wait(5)

        # As the server makes it: the import would begin on a timer, held by the first message.
        loader = Loader(modules=("funcls_probe_server_mod",), delay=0.05)
        loader.hold()
        loader.preload(first)
        assert loader.thread.is_alive()
        assert not loader.preloaded.is_set()  # still in `first`
        go_on.set()
        loader.wait_preloaded()
        assert order == ["first"]
        loader.thread.join(0.2)  # the delay's timer has fired meanwhile: held, no start
        assert loader.thread.is_alive()  # waiting for start()
        assert "funcls_probe_server_mod" not in sys.modules
        asyncio.run(loader.wait())
        assert "funcls_probe_server_mod" in sys.modules
        assert loader.error is None
        # Once the thread has begun, a preload comes too late and does nothing.
        loader.preload(lambda: order.append("late"))
        assert order == ["first"]
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("funcls_probe_server_mod", None)


def test_the_early_diagnostics_wait_for_the_preload(tmp_path: Any, monkeypatch: Any) -> None:
    """The early check starts only once the preloaded imports are done (else it would import
    the same modules on the event loop's thread at the same time)."""
    from funcls.lsp import early_diagnostics
    from funcls.lsp.early_diagnostics import CONFIGURATION_ID

    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    script = app / "function_app.py"
    text = "import azure.functions as func\napp = func.FunctionApp()\n"
    script.write_text(text)
    events: list[str] = []

    class SlowPreload(Loader):
        """The server's loader (its thread not begun before the first message), whose
        preload takes 0.3 s longer."""

        def __init__(self) -> None:
            super().__init__(modules=(), delay=5.0)

        def preload(self, first: Any) -> None:
            def slow() -> None:
                time.sleep(0.3)
                first()
                events.append("preloaded")

            super().preload(slow)

    real = early_diagnostics.first_publication

    def publication(*args: Any) -> Any:
        events.append("check")
        return real(*args)

    monkeypatch.setattr(early_diagnostics, "first_publication", publication)
    init_params = {
        "processId": None,
        "rootUri": tmp_path.as_uri(),
        "capabilities": {"workspace": {"configuration": True}},
    }
    item = {"uri": script.as_uri(), "languageId": "python", "version": 1, "text": text}
    burst = b"".join(
        [
            frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": init_params}),
            frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
            frame(
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didOpen",
                    "params": {"textDocument": item},
                }
            ),
            frame({"jsonrpc": "2.0", "id": CONFIGURATION_ID, "result": [None]}),
        ]
    )
    written = bytearray()

    async def main() -> list[dict[str, Any]]:
        loader = SlowPreload()
        start = EarlyStart(loader, build_server, written.extend, lambda server: None)
        chunks = [burst]

        async def read() -> bytes:
            if chunks:
                return chunks.pop(0)
            await asyncio.sleep(3600)
            return b""

        reading = asyncio.ensure_future(
            run_framed(threading.Event(), read, None, deliver=start.deliver)
        )
        for _ in range(300):
            await asyncio.sleep(0.01)
            if "check" in events:
                break
        reading.cancel()
        return messages(bytes(written))

    sent = asyncio.run(main())
    assert events[:2] == ["preloaded", "check"]
    published = [m for m in sent if m.get("method") == "textDocument/publishDiagnostics"]
    assert len(published) == 1 and published[0]["params"]["uri"] == script.as_uri()
