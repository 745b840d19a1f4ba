"""``funcls --stdio`` / ``funcls --tcp --host H --port N``: start the language server."""

from __future__ import annotations

import argparse
import logging


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
    from funcls.lsp.server import FunclsServer

    server = build_server()
    assert isinstance(server, FunclsServer)
    if args.tcp:
        server.start_tcp(args.host, args.port)
    else:
        server.start_io()
    return 0
