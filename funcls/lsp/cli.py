"""``funcls --stdio`` / ``funcls --tcp --host H --port N``: start the language server."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from funcls.lsp.framing import Deliver

GC_OFF_AT_MOST_S = 60.0
IMPORT_DELAY_S = 0.05


def build_server() -> object:
    from funcls.lsp.handlers import register
    from funcls.lsp.server import FunclsServer

    server = FunclsServer()
    register(server)
    return server


def serve(args: argparse.Namespace) -> int:
    # No cyclic garbage collection until the workspace is indexed (FunclsServer.
    # index_workspace collects once and freezes what is left): the imports and the first
    # index only add long-lived objects, and the collector's passes over that growing heap
    # were a quarter of indexing 1,000 functions in `funcls index` (issue 16).
    gc.disable()
    if args.log_file:
        logging.basicConfig(
            filename=args.log_file,
            level=logging.INFO,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        logging.getLogger("pygls").setLevel(logging.WARNING)
    else:
        logging.basicConfig(level=logging.WARNING)
    from funcls.lsp.framing import serve_stdio, serve_tcp
    from funcls.lsp.startup import EarlyStart, Loader

    # The server's modules are imported on a thread once the reader has answered the first
    # message, or after IMPORT_DELAY_S without one (funcls/lsp/startup.py, issue 16).
    loader = Loader(delay=IMPORT_DELAY_S)

    def build() -> object:
        server = build_server()
        # The collector comes back after the first indexing; this is for a client that never
        # sends `initialized`.
        asyncio.get_running_loop().call_later(GC_OFF_AT_MOST_S, gc.enable)
        return server

    def session(write: Callable[[bytes], None], attach: Callable[[Any], None]) -> Deliver:
        return EarlyStart(loader, build, write, attach).deliver

    # funcls' own reader instead of pygls' start_io/start_tcp: it survives wrong
    # Content-Length headers and answers malformed JSON (funcls/lsp/framing.py, issue 17).
    if args.tcp:
        return serve_tcp(session, args.host, args.port, announce)
    return serve_stdio(session)


def announce(addresses: list[str]) -> None:
    """Say where the server listens (stderr: ``--port 0`` picks a free port)."""
    print(f"funcls: language server listening on {', '.join(addresses)}", file=sys.stderr)
    sys.stderr.flush()
