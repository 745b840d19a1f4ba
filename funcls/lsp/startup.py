"""Start-up in the order a client waits for it (issue 16).

A client spawns the server and sends ``initialize`` at once; nothing else happens until the
answer comes. Importing the server — lsprotocol (0.3 s), pygls, the model, the rules and the
feature modules — took 0.75 s before pygls could even read that request. Now:

1. :class:`Loader` imports the server on a thread, from the moment the first message is
   answered (or a short while after start when none comes);
2. funcls' reader (``framing.run_framed``) takes the first message; if it is an
   ``initialize`` request, :class:`EarlyStart` answers it at once from the stored capabilities
   (``lsp/capabilities.py``, tested equal to pygls' answer);
3. once the import is done the server is built and pygls is given ``initialize`` as if it were
   the first to see it (workspace folders, client capabilities, initializationOptions, position
   encoding all set as before); its own answer is compared with the early one and dropped;
4. every message that arrived meanwhile is still in the reader's buffer and goes to pygls in
   order, one per loop turn, as always: nothing is answered out of order or lost, ``shutdown``
   and ``exit`` included (they take effect once the server is loaded).

Any other first message (a request before ``initialize``, bytes that are no message) is simply
handed to pygls once it is loaded, which answers as it did before.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from funcls.lsp.capabilities import initialize_result
from funcls.lsp.framing import dispatch

log = logging.getLogger(__name__)

# What the server needs, imported on the loader thread (handlers imports the server module,
# pygls, lsprotocol, the model and the rules).
SERVER_MODULES = ("funcls.lsp.handlers",)
CONTENT_TYPE = "application/vscode-jsonrpc; charset=utf-8"  # pygls' header


def frame(message: dict[str, Any]) -> bytes:
    """A message with its header, as pygls writes it."""
    body = json.dumps(message).encode("utf-8")
    header = f"Content-Length: {len(body)}\r\nContent-Type: {CONTENT_TYPE}\r\n\r\n"
    return header.encode("ascii") + body


class Loader:
    """Imports the server's modules on a daemon thread (a client that goes away during the
    import must not keep the process alive).

    The import starts when the first message has been answered (:meth:`start`, called by
    :class:`EarlyStart`) or after ``delay`` seconds, whichever comes first. A stdio client
    writes ``initialize`` as it spawns the server, so it is there at once; an import already
    running would hold the interpreter lock while the reader answers it, and on a loaded
    machine a thread holding the lock may wait for a CPU: the answer took 0.5–0.8 s at load
    average 6 that way (0.2–0.3 s with the import started after it)."""

    def __init__(self, modules: tuple[str, ...] = SERVER_MODULES, delay: float = 0.0) -> None:
        self.modules = modules
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="funcls-import", daemon=True)
        self._lock = threading.Lock()
        if delay > 0:
            timer = threading.Timer(delay, self.start)
            timer.daemon = True
            timer.start()
        else:
            self.start()

    def start(self) -> None:
        with self._lock:
            if self.thread.ident is None:
                self.thread.start()

    def _run(self) -> None:
        try:
            for name in self.modules:
                importlib.import_module(name)
        except BaseException as error:  # re-raised on the loop by wait()
            self.error = error

    async def wait(self) -> None:
        self.start()
        if self.thread.is_alive():
            await asyncio.get_running_loop().run_in_executor(None, self.thread.join)
        if self.error is not None:
            raise self.error


def early_answer(body: bytes) -> tuple[Any, dict[str, Any]] | None:
    """(id, result) when ``body`` is an ``initialize`` request whose answer is known without
    pygls; None for anything else."""
    try:
        message = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
        return None
    msg_id = message.get("id")
    if message.get("method") != "initialize" or isinstance(msg_id, bool):
        return None
    if not isinstance(msg_id, (int, str)):
        return None
    result = initialize_result(message.get("params"))
    return None if result is None else (msg_id, result)


class EarlyStart:
    """Receives every message body from the reader (``run_framed(deliver=…)``): answers an
    ``initialize`` that comes first, waits for the server, then hands everything to pygls.

    ``write`` sends raw bytes to the client before pygls is there; ``attach(server)`` gives the
    built server its writer and stop event (the transport's business)."""

    def __init__(
        self,
        loader: Loader,
        build: Callable[[], Any],
        write: Callable[[bytes], None],
        attach: Callable[[Any], None],
    ) -> None:
        self.loader = loader
        self.build = build
        self.write = write
        self.attach = attach
        self.server: Any = None

    async def deliver(self, body: bytes) -> None:
        if self.server is None:
            answered = early_answer(body)
            if answered is not None:
                msg_id, result = answered
                self.write(frame({"id": msg_id, "jsonrpc": "2.0", "result": result}))
            self.loader.start()
            await self.loader.wait()  # an import error ends the server (funcls.cli reports it)
            server = self.build()
            self.attach(server)
            self.server = server
            if answered is not None:
                self._replay_initialize(body, *answered)
                return
        self._dispatch(body)

    def _dispatch(self, body: bytes) -> None:
        try:
            dispatch(self.server.protocol, body)
        except Exception as exc:
            log.exception("Unable to handle message")
            from pygls.exceptions import JsonRpcException

            self.server.report_server_error(exc, JsonRpcException)

    def _replay_initialize(self, body: bytes, msg_id: Any, sent: dict[str, Any]) -> None:
        """Give pygls the ``initialize`` already answered; keep its answer from the client."""
        protocol = self.server.protocol
        writer = protocol.writer
        captured: list[bytes] = []
        protocol.set_writer(_Capture(captured))
        try:
            self._dispatch(body)
        finally:
            protocol.set_writer(writer)
        for data in captured:
            message = _decode(data)
            is_answer = message.get("id") == msg_id and "method" not in message
            if not is_answer:
                writer.write(data)  # nothing else is sent while initializing; forward it
                continue
            if "error" in message:
                error = message["error"]
                self.server.log(
                    "funcls: initialize was answered before its parameters were read, and "
                    f"they cannot be read ({error.get('message')}); the server may not "
                    "work; check the client's initialize request",
                    _error_type(),
                )
            elif message.get("result") != sent:
                log.error("early initialize answer %s differs from pygls' %s", sent, message)
                self.server.log(
                    "funcls: the capabilities sent at start-up differ from the registered "
                    "features (funcls/lsp/capabilities.json is out of date; run python -m "
                    f"funcls.lsp.capabilities): sent {json.dumps(sent)}, registered "
                    f"{json.dumps(message.get('result'))}",
                    _error_type(),
                )


class _Capture:
    def __init__(self, into: list[bytes]) -> None:
        self.into = into

    def write(self, data: bytes) -> None:
        self.into.append(data)

    def close(self) -> None:
        pass


def _decode(data: bytes) -> dict[str, Any]:
    try:
        message = json.loads(data.split(b"\r\n\r\n", 1)[1])
    except (IndexError, ValueError):
        return {}
    return message if isinstance(message, dict) else {}


def _error_type() -> Any:
    from lsprotocol import types

    return types.MessageType.Error
