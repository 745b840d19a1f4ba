"""The language server over a WebSocket, answering bad messages as stdio and TCP do (issue 17).

    funcls --ws [--host 127.0.0.1] [--port 2087] [--log-file FILE]
    python -m funcls.lsp.websocket [--host 127.0.0.1] [--port 2088] [--log-file FILE]

pygls' own WebSocket loop (``LanguageServer.start_ws`` → ``pygls.io_.run_websocket``) hands
each frame to ``json.loads`` and, when that fails, only logs "Unable to handle message": a
client that sent a malformed request waits for an answer for ever. Frames need no
``Content-Length`` (one frame is one message, so a length cannot be wrong here), but their
contents can be; this loop sends each frame through funcls' ``framing.dispatch``, which
answers a body that is not JSON with "Parse error" (-32700) and a JSON value that is no
message with "Invalid Request" (-32600), both with ``id: null`` as JSON-RPC 2.0 section 5
says, and goes on. Messages are handled one per event-loop turn (``framing.next_turn``), as
on stdio and TCP, so a ``didOpen`` is indexed before the completion sent right after it.

One client at a time, as on TCP: the server holds one session's documents, so a second
connection while the first is open is closed at once (close code 1013, "try again later").
The client closing the connection ends the server (as pygls does).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import threading
from collections.abc import Callable
from typing import Any

from funcls.lsp.framing import dispatch, next_turn

log = logging.getLogger(__name__)

DEFAULT_PORT = 2088
TRY_AGAIN_LATER = 1013  # RFC 6455 close code registered for "try again later"


class FrameWriter:
    """pygls' writer interface over a WebSocket connection: one frame per message, text
    frames (the body is UTF-8 JSON; browser clients read text frames)."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def write(self, data: bytes) -> Any:
        return self.connection.send(data.decode("utf-8"))

    def close(self) -> Any:
        return self.connection.close()


async def run_connection(connection: Any, protocol: Any, stop_event: threading.Event) -> None:
    """Read frames until the client goes or the server exits; each one to ``dispatch``."""
    from websockets.exceptions import ConnectionClosed

    protocol.set_writer(FrameWriter(connection), include_headers=False)
    while not stop_event.is_set():
        try:
            data = await connection.recv(decode=False)
        except ConnectionClosed:
            break
        try:
            dispatch(protocol, data)
        except Exception:  # a bug in a handler: logged, the connection goes on
            log.exception("could not handle a WebSocket message")
        await next_turn()


def serve_ws(
    server: Any,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    listening: Callable[[list[str]], None] | None = None,
) -> int:
    """Serve ``server`` (a pygls ``LanguageServer``) to one WebSocket client at a time until
    that client leaves or sends ``exit``; ``listening`` is told the bound addresses (port 0
    picks a free one). Returns the exit code: 0, or 1 for ``exit`` without ``shutdown``."""
    try:
        from websockets.asyncio.server import serve
    except ImportError:
        print(
            "funcls: the WebSocket transport needs the 'websockets' package; install it with "
            "'pip install websockets' or serve with --stdio or --tcp",
            file=sys.stderr,
        )
        return 2
    server._stop_event = stop_event = threading.Event()
    code = 0

    async def main() -> None:
        finished = asyncio.Event()
        busy = False

        async def connection(ws: Any) -> None:
            nonlocal busy
            if busy:
                log.warning("refused a second LSP client %s", ws.remote_address)
                await ws.close(TRY_AGAIN_LATER, "funcls serves one client at a time")
                return
            busy = True
            try:
                await run_connection(ws, server.protocol, stop_event)
            finally:
                finished.set()

        async with serve(connection, host, port, max_size=None) as listener:
            server._server = listener
            if listening is not None:
                listening([_address(s.getsockname()) for s in listener.sockets])
            await finished.wait()
            server._server = None

    try:
        asyncio.run(main())
    except SystemExit as e:  # pygls' exit handler: 0 after shutdown, 1 without
        code = e.code if isinstance(e.code, int) else 0
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return code


def _address(sockname: Any) -> str:
    host, port = sockname[0], sockname[1]
    return f"ws://[{host}]:{port}" if ":" in host else f"ws://{host}:{port}"


def serve_args(args: argparse.Namespace) -> int:
    """``funcls --ws [--host H] [--port N] [--log-file F]``."""
    if args.log_file:
        logging.basicConfig(filename=args.log_file, level=logging.INFO)
        logging.getLogger("pygls").setLevel(logging.WARNING)
    else:
        logging.basicConfig(level=logging.WARNING)
    from funcls.lsp.cli import build_server
    from funcls.lsp.collector import configure

    configure()  # young collections only, as over stdio and TCP (funcls/lsp/collector.py)

    def announce(addresses: list[str]) -> None:
        print(f"funcls: language server listening on {', '.join(addresses)}", file=sys.stderr)
        sys.stderr.flush()

    return serve_ws(build_server(), args.host, args.port, announce)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m funcls.lsp.websocket")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--log-file")
    return serve_args(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
