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
    if args.log_file:
        logging.basicConfig(
            filename=args.log_file,
            level=logging.INFO,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        logging.getLogger("pygls").setLevel(logging.WARNING)
    else:
        logging.basicConfig(level=logging.WARNING)
    from funcls.lsp.collector import configure
    from funcls.lsp.framing import serve_stdio, serve_tcp

    # Young collections only from here: the early diagnostics index and check the opened
    # document's app while the server is imported, and full collections over that growing
    # heap were seconds of the first diagnostics on 5,000 functions (funcls/lsp/collector.py).
    configure()
    from funcls.lsp.startup import EarlyStart, Loader

    # The server's modules are imported on a thread once the reader has answered the first
    # message, or after IMPORT_DELAY_S without one (funcls/lsp/startup.py, issue 16).
    loader = Loader(delay=IMPORT_DELAY_S)

    def build() -> object:
        # No cyclic garbage collection from here until the workspace is indexed (FunclsServer.
        # started collects once and freezes what is left): the first index only adds
        # long-lived objects, and the collector's passes over that growing heap took 0.2 s of
        # the first diagnostics of one app of 1,000 functions (issue 16). What the imports
        # made is frozen now; the collector stays on during the imports, which leave garbage
        # (off from the start: 10 MB more peak RSS for 35 ms less CPU).
        gc.freeze()
        gc.disable()
        # The collector comes back after the first indexing; this is for a client that never
        # sends `initialized`.
        asyncio.get_running_loop().call_later(GC_OFF_AT_MOST_S, gc.enable)
        return build_server()

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
