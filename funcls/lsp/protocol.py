"""The JSON-RPC rules pygls leaves to the server, kept as the LSP specification states them.

* A request before ``initialize`` gets error -32002 (ServerNotInitialized); pygls answered it.
  Document notifications that arrive that early (``didOpen``/``didChange``/``didClose``) are
  kept and replayed once ``initialize`` is handled, so such a document still gets diagnostics
  (the specification lets a server drop them; a client that sends them early means them).
* A request after ``shutdown`` gets InvalidRequest (-32600); pygls dropped it unanswered.
* A request whose parameters do not deserialise (a negative or ≥ 2³¹ position) gets
  InvalidParams (-32602); pygls raised inside its reader and never answered.
* A response of the client that does not deserialise (``workspace/configuration`` answered
  with ``null``) fails the request it answers, instead of leaving it waiting for ever.
* ``didChange``/``didClose`` for a document that was never opened is logged and ignored
  instead of raising ``KeyError`` inside pygls.
* A request answers against the documents as they were when it was sent, as the specification
  orders messages: a request handler that waits before it reads them (for the first indexing:
  ``handlers.after_first_index``, completion) holds the document notifications that arrive
  meanwhile (:meth:`FunclsProtocol.holding_documents`); they, and every message after them,
  are handled in order once it stops waiting. Before, ``didOpen`` + ``completion`` +
  ``didClose`` written at once while the workspace was being indexed completed against the
  file on disk (``tests/lsp/test_framing.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import unquote

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInternalError
from pygls.protocol import LanguageServerProtocol
from pygls.workspace.position_codec import PositionCodec, ServerTextPosition, Utf8, Utf16, Utf32

from funcls.lsp.publisher import INTERACTIVE, RequestGate

log = logging.getLogger(__name__)

_EARLY = frozenset(
    {
        types.TEXT_DOCUMENT_DID_OPEN,
        types.TEXT_DOCUMENT_DID_CHANGE,
        types.TEXT_DOCUMENT_DID_CLOSE,
    }
)
_NEEDS_OPEN = frozenset({types.TEXT_DOCUMENT_DID_CHANGE, types.TEXT_DOCUMENT_DID_CLOSE})
# What a request waiting to read the documents holds back (``holding_documents``).
_DOCUMENT_EDITS = _EARLY | {types.TEXT_DOCUMENT_DID_SAVE}
_MAX_EARLY = 1000  # notifications kept before initialize; more are dropped


class Undecodable:
    """A request or response whose content pygls could not deserialise."""

    def __init__(self, data: dict[str, Any], error: JsonRpcException) -> None:
        self.data = data
        self.error = error
        cause = error.__cause__
        self.detail = str(cause).splitlines()[0] if cause is not None else error.message


class FunclsProtocol(LanguageServerProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initialize_seen = False
        self.early: list[Any] = []
        # Requests waiting before they read the documents, and the messages held behind them
        # in the order they came (``holding_documents``).
        self.holders = 0
        self.held: list[Any] = []
        self._replaying: asyncio.Future[None] | None = None

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if "jsonrpc" in data and "id" in data:
                return Undecodable(data, error)
            raise

    @contextlib.contextmanager
    def holding_documents(self) -> Iterator[None]:
        """Around a request handler's wait before it reads the documents: ``didOpen``,
        ``didChange``, ``didClose`` and ``didSave`` arriving meanwhile, and every message after
        them (answers of the client excepted), are handled once no request waits any more.
        The reader hands each message over after the previous one's first step ran
        (``framing.run_framed``), so a handler entering this at its start is in time."""
        self.holders += 1
        try:
            yield
        finally:
            self.holders -= 1
            if not self.holders and self.held and self._replaying is None:
                self._replaying = asyncio.ensure_future(self._replay())

    def _holds(self, message: Any) -> bool:
        method = getattr(message, "method", None)
        if method in (None, types.CANCEL_REQUEST, types.INITIALIZED):
            # An answer of the client or a cancel reads no document, and the first indexing,
            # which the holders wait for, begins with `initialized`.
            return False
        return bool(self.held) or (self.holders > 0 and method in _DOCUMENT_EDITS)

    async def _replay(self) -> None:
        """The held messages in order, one per loop turn as the reader hands them over; it
        stops when one of them waits in turn (its end starts the replay again)."""
        from funcls.lsp.framing import next_turn

        try:
            while self.held and not self.holders:
                try:
                    self._handle(self.held.pop(0))
                except Exception:
                    log.exception("Unable to handle a held message")
                await next_turn()
        finally:
            self._replaying = None

    def handle_message(self, message: Any) -> None:
        if self._holds(message):
            self.held.append(message)
            return
        self._handle(message)

    def _handle(self, message: Any) -> None:
        if isinstance(message, Undecodable):
            self._undecodable(message)
            return
        method = getattr(message, "method", None)
        msg_id: str | int = getattr(message, "id", None) or 0
        is_request = method is not None and getattr(message, "id", None) is not None
        if self._shutdown and is_request and method != types.EXIT:
            self._send_response(
                msg_id,
                None,
                types.ResponseError(
                    code=types.ErrorCodes.InvalidRequest,
                    message=f"the server is shut down; {method} is not answered after shutdown",
                ),
            )
            return
        if not self.initialize_seen and method not in (types.INITIALIZE, types.EXIT, None):
            if is_request:
                self._send_response(
                    msg_id,
                    None,
                    types.ResponseError(
                        code=types.ErrorCodes.ServerNotInitialized,
                        message=f"{method} before initialize; send initialize first",
                    ),
                )
            elif method in _EARLY and len(self.early) < _MAX_EARLY:
                self.early.append(message)
            else:
                log.info("dropped %s received before initialize", method)
            return
        if method in _NEEDS_OPEN and not self._is_open(message):
            uri = message.params.text_document.uri
            self._server_log(
                f"funcls: {method} for {uri}, which was never opened; ignored (a client "
                "sends textDocument/didOpen first)"
            )
            return
        gate = self._gate()
        if gate is not None and is_request and method in INTERACTIVE:
            gate.started(msg_id)  # the rules thread pauses until the answer is sent
        super().handle_message(message)
        if method == types.INITIALIZE and is_request:
            self.initialize_seen = True
            use_fast_codec(self._workspace)
            early, self.early = self.early, []
            for m in early:
                self.handle_message(m)

    def _gate(self) -> RequestGate | None:
        publisher = getattr(self._server, "publisher", None)
        return getattr(publisher, "gate", None)

    def _send_response(
        self, msg_id: Any, result: Any | None = None, error: types.ResponseError | None = None
    ) -> None:
        super()._send_response(msg_id, result, error)
        gate = self._gate()
        if gate is not None:
            gate.answered(msg_id)

    def _is_open(self, message: Any) -> bool:
        try:
            # pygls keeps documents by their unquoted URI (Workspace.put_text_document): a
            # folder with a '+' or a space, which VS Code sends as %2B / %20, was never found,
            # so every edit there was ignored (QA in code-server, 'JohnServo24+fastapi-…').
            uri = unquote(message.params.text_document.uri)
            return uri in self.workspace.text_documents
        except Exception:
            return True  # let pygls decide (and report) anything unexpected

    def _undecodable(self, message: Undecodable) -> None:
        data = message.data
        if "method" in data:
            self._send_response(
                data["id"],
                None,
                types.ResponseError(
                    code=types.ErrorCodes.InvalidParams,
                    message=f"the parameters of {data['method']} are invalid: {message.detail}",
                ),
            )
            return
        future = self._request_futures.pop(data["id"], None)
        self._server_log(
            f"funcls: the client's answer to request {data['id']!r} could not be read "
            f"({message.detail}); going on without it"
        )
        if future is not None and not future.done():
            future.set_exception(
                JsonRpcInternalError(f"the client's answer could not be read: {message.detail}")
            )

    def _server_log(self, text: str) -> None:
        log.warning("%s", text)
        try:
            self.notify(
                types.WINDOW_LOG_MESSAGE,
                types.LogMessageParams(type=types.MessageType.Warning, message=text),
            )
        except Exception:
            log.exception("could not send a log message")


UTF16_KIND = types.PositionEncodingKind.Utf16
_SURROGATE = re.compile("[\ud800-\udfff]")


class AsciiFastCodec(PositionCodec):
    """pygls' position codec, with a fast path for lines where a code unit is a character.

    pygls converts each position by walking its line one character at a time in Python, for
    every incremental change: 5,000 one-character changes to a line growing to 5,000
    characters took 31 s of the server's time (51 million calls; a minified one-line JSON
    file costs that on every keystroke). On an ASCII line one code unit is one character in
    UTF-8, UTF-16 and UTF-32 alike, so the answer is arithmetic; it is the same answer,
    quirks included (a character past the end maps to the last one). So it is on any line in
    UTF-32, and in UTF-16 (what most clients use) on a line without characters beyond the
    Basic Multilingual Plane (accents, CJK, box drawing: the non-ASCII text people write;
    ``max`` checks that in C). Only UTF-8 on non-ASCII lines and UTF-16 on lines holding an
    emoji or the like still take pygls' walk."""

    def __init__(self, encoding: types.PositionEncodingKind | str | None = UTF16_KIND) -> None:
        super().__init__(encoding)
        # Decided once: pygls takes UTF-16 for an encoding it does not know.
        self.utf32 = isinstance(self.impl, Utf32)
        self.utf16 = isinstance(self.impl, Utf16)
        self.utf8 = isinstance(self.impl, Utf8)

    def one_unit_per_character(self, line: str) -> bool:
        if line.isascii() or self.utf32:
            return True
        return self.utf16 and max(line) <= "\uffff"

    def position_from_client_units(
        self, lines: Sequence[str], position: types.Position
    ) -> ServerTextPosition:
        if 0 <= position.line < len(lines) and self.one_unit_per_character(lines[position.line]):
            line = lines[position.line].replace("\r\n", "\n")
            if not line:
                return ServerTextPosition(position.line, 0)
            character = position.character
            if character > len(line):
                character = len(line) - 1
            return ServerTextPosition(position.line, max(character, 0))
        if 0 <= position.line < len(lines):
            found = self.by_encoding(lines[position.line], position.character)
            if found is not None:
                return ServerTextPosition(position.line, found)
        return super().position_from_client_units(lines, position)

    def by_encoding(self, line: str, character: int) -> int | None:
        """pygls' answer for a UTF-8 or UTF-16 line whose characters take several units
        (an emoji in UTF-16, any non-ASCII in UTF-8), computed by the codecs in C instead of
        a walk in Python: the characters that begin before ``character``, after the same
        clamp. None for a line holding a lone surrogate (pygls counts it as one unit, the
        codecs refuse it or pair it)."""
        if _SURROGATE.search(line):
            return None
        if self.utf16:
            codec, width = "utf-16-le", 2
        elif self.utf8:
            codec, width = "utf-8", 1
        else:
            return None
        line = line.replace("\r\n", "\n")
        data = line.encode(codec)
        units = len(data) // width
        if units == 0:
            return 0
        if character > units:
            character = units - 1
        if character <= 0:
            return 0
        cut = data[: character * width]
        whole = cut.decode(codec, "ignore")  # a character cut in two is left out
        return len(whole) + (len(whole.encode(codec)) < len(cut))

    def position_to_client_units(
        self, lines: Sequence[str], position: ServerTextPosition | types.Position
    ) -> types.Position:
        if 0 <= position.line < len(lines) and self.one_unit_per_character(lines[position.line]):
            length = len(lines[position.line][: position.character])
            return types.Position(line=position.line, character=length)
        return super().position_to_client_units(lines, position)


def use_fast_codec(workspace: Any) -> None:
    """Put :class:`AsciiFastCodec` in place of the codec pygls gave the workspace."""
    codec = getattr(workspace, "_position_codec", None)
    if type(codec) is PositionCodec:
        workspace._position_codec = AsciiFastCodec(codec.encoding)
