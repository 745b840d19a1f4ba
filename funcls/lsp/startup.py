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
import gc
import importlib
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from funcls.lsp.capabilities import initialize_result
from funcls.lsp.framing import dispatch, next_turn

log = logging.getLogger(__name__)

# What the server needs, imported on the loader thread (handlers imports the server module,
# pygls, lsprotocol, the model and the rules).
SERVER_MODULES = ("funcls.lsp.handlers",)
CONTENT_TYPE = "application/vscode-jsonrpc; charset=utf-8"  # pygls' header
# How long the early path waits after its initialize answer for `initialized`, the first
# didOpen and the configuration answer (clients send them at once) before loading the server.
EARLY_WAIT_S = 0.5


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
        self._held = False
        # What the early diagnostics import (:meth:`preload`), then the server's modules once
        # :meth:`start` is called: one thread, so two imports never run at the same time.
        self._first: Callable[[], None] | None = None
        self._go = threading.Event()
        self.preloaded = threading.Event()
        if delay > 0:
            timer = threading.Timer(delay, self._start_unless_held)
            timer.daemon = True
            timer.start()
        else:
            self.start()

    def start(self) -> None:
        with self._lock:
            self._held = False
            self._go.set()
            if self.thread.ident is None:
                self.thread.start()

    def preload(self, first: Callable[[], None]) -> None:
        """Run ``first`` (the early diagnostics' imports) on the thread now, and import the
        server's modules only once :meth:`start` is called. Between the ``initialize`` answer
        and the client's ``initialized``, first ``didOpen`` and configuration answer the
        process has nothing else to do (issue 16). Nothing when the thread has begun."""
        with self._lock:
            if self.thread.ident is not None:
                return
            self._first = first
            self.thread.start()

    def wait_preloaded(self) -> None:
        """Block until what :meth:`preload` was given has run (at once without one): the
        early diagnostics then import nothing while the thread imports."""
        if self._first is not None:
            self.preloaded.wait()

    def hold(self) -> None:
        """A first message came: the import waits for :meth:`start` (the delay's timer does
        not start it any more, so that it does not compete with the early path)."""
        with self._lock:
            self._held = True

    def _start_unless_held(self) -> None:
        with self._lock:
            held = self._held
        if not held:
            self.start()

    def _run(self) -> None:
        try:
            if self._first is not None:
                try:
                    self._first()
                finally:
                    self.preloaded.set()
                self._go.wait()
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
        self.early: _Early | None = None  # initialize was answered here
        self.loading: asyncio.Future[None] | None = None

    async def deliver(self, body: bytes) -> None:
        # While the queued messages are handed to pygls (after the early path gave up on its
        # timer), a new one waits for them: `_early_message` awaits the loading.
        if self.server is not None and (self.loading is None or self.loading.done()):
            if not _is_early_answer(body):
                self._dispatch(body)
            return
        if self.early is not None:
            await self._early_message(body)
            return
        self.loader.hold()
        answered = early_answer(body)
        if answered is not None:
            msg_id, result = answered
            self.write(frame({"id": msg_id, "jsonrpc": "2.0", "result": result}))
            self.early = _Early(body, answered, _params(body))
            if self.early.client is not None:
                from funcls.lsp.early_diagnostics import preload

                self.loader.preload(preload)
                # Wait (bounded) for `initialized` and the first didOpen: the first
                # diagnostics are written before the server is imported.
                loop = asyncio.get_running_loop()
                self.early.timer = loop.call_later(EARLY_WAIT_S, self._give_up)
                return
        await self._load(body)

    async def _early_message(self, body: bytes) -> None:
        early = self.early
        assert early is not None
        if self.loading is not None:
            await self.loading
            await self.deliver(body)
            return
        if _is_early_answer(body):
            early.take_configuration(body)
        else:
            early.queued.append(body)
            method = _method(body)
            if method == "initialized" and not early.initialized and early.client is not None:
                early.initialized = True
                if early.client.configuration:
                    self.write(frame(early_configuration_request()))
                else:
                    early.configured = True
            elif method == "textDocument/didOpen" and early.document is None:
                early.document = _document(body)
            elif (
                method == "workspace/didChangeConfiguration"
                and early.initialized
                and early.client is not None
                and early.client.configuration
            ):
                # eglot sends it right after `initialized`; the server then asks for the
                # settings again and gets the same answer as the early request. A client that
                # cannot be asked pushes them instead, and the server publishes with
                # initializationOptions' settings first: that is left to the server.
                pass
            else:
                early.client = None  # anything else: the server answers it at once
        if early.client is None or early.ready():
            await self._start_loading()

    def _give_up(self) -> None:
        if self.early is not None and self.loading is None:
            self.early.client = None
            self.loading = asyncio.ensure_future(self._load_after_early())

    async def _start_loading(self) -> None:
        if self.loading is None:
            self.loading = asyncio.ensure_future(self._load_after_early())
        await self.loading

    async def _load_after_early(self) -> None:
        early = self.early
        assert early is not None
        if early.timer is not None:
            early.timer.cancel()
        if early.client is not None and early.ready():
            self._publish_first(early)
        queued, early.queued = early.queued, []
        await self._load(early.body, queued)

    def _publish_first(self, early: _Early) -> None:
        from funcls.lsp import early_diagnostics

        assert early.client is not None
        # No collection while the opened document's app is indexed and checked: young
        # collections over that growing model were 0.3–0.6 s of the first diagnostics of
        # one app of 1,000 to 5,000 functions (issue 16; funcls/lsp/collector.py). Nor before
        # the diagnostics are written: the first young collection walks every object the
        # check made (70 ms of CPU before the write, one app of 1,000 at load 7).
        collecting = gc.isenabled()
        gc.disable()
        try:
            try:
                self.loader.wait_preloaded()
                client = early.client
                settings = early_diagnostics.settings_of(
                    client.init_options,
                    early.answered_ok or not client.configuration,
                    early.configuration,
                )
                encoding = early.answered[1].get("capabilities", {}).get("positionEncoding")
                message = early_diagnostics.first_publication(
                    early.client, settings, early.document, encoding
                )
            except Exception:
                log.exception("early diagnostics failed; the server publishes them")
                return
            if message is not None:
                self.write(frame(message))
        finally:
            if collecting:
                gc.enable()

    async def _load(self, body: bytes, queued: list[bytes] | None = None) -> None:
        self.loader.start()
        await self.loader.wait()  # an import error ends the server (funcls.cli reports it)
        server = self.build()
        self.attach(server)
        self.server = server
        answered = early_answer(body) if self.early is None else self.early.answered
        if answered is not None:
            self._replay_initialize(body, *answered)
        else:
            self._dispatch(body)
        for item in queued or []:
            await next_turn()  # one message per loop turn, as the reader does
            self._dispatch(item)

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


class _Early:
    """The early path between its ``initialize`` answer and the server's start."""

    def __init__(self, body: bytes, answered: tuple[Any, dict[str, Any]], params: Any) -> None:
        from funcls.lsp.early_diagnostics import Client

        self.body = body
        self.answered = answered
        client: Client | None = Client.from_initialize(params)
        if client is not None and client.pull_diagnostics:
            client = None  # the client pulls; nothing to publish early
        self.client = client
        self.queued: list[bytes] = []
        self.initialized = False
        self.configured = False
        self.answered_ok = False
        self.configuration: Any = None
        self.document: Any = None
        self.timer: asyncio.TimerHandle | None = None

    def take_configuration(self, body: bytes) -> None:
        try:
            message = json.loads(body)
        except (ValueError, RecursionError):
            return
        self.configured = True
        self.answered_ok = "result" in message and "error" not in message
        self.configuration = message.get("result")

    def ready(self) -> bool:
        return self.initialized and self.configured and self.document is not None


def early_configuration_request() -> dict[str, Any]:
    """``workspace/configuration`` as ``handlers.pull_configuration`` asks it."""
    from funcls.lsp.early_diagnostics import CONFIGURATION_ID
    from funcls.lsp.settings import SECTION

    params = {"items": [{"section": SECTION}]}
    return {
        "jsonrpc": "2.0",
        "id": CONFIGURATION_ID,
        "method": "workspace/configuration",
        "params": params,
    }


def _message(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def _method(body: bytes) -> Any:
    message = _message(body)
    return message.get("method") if isinstance(message, dict) else None


def _params(body: bytes) -> Any:
    message = _message(body)
    return message.get("params") if isinstance(message, dict) else None


def _document(body: bytes) -> Any:
    params = _params(body)
    return params.get("textDocument") if isinstance(params, dict) else None


def _is_early_answer(body: bytes) -> bool:
    """The client's answer to our own ``workspace/configuration`` (never pygls')."""
    from funcls.lsp.early_diagnostics import CONFIGURATION_ID

    if CONFIGURATION_ID.encode() not in body:
        return False
    message = _message(body)
    return (
        isinstance(message, dict)
        and message.get("id") == CONFIGURATION_ID
        and "method" not in message
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
