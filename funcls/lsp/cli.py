"""``funcls --stdio`` / ``funcls --tcp --host H --port N``: start the language server."""

from __future__ import annotations

import argparse
import logging
import sys


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
    from funcls.lsp.framing import serve_stdio, serve_tcp
    from funcls.lsp.server import FunclsServer

    server = build_server()
    assert isinstance(server, FunclsServer)
    # funcls' own reader instead of pygls' start_io/start_tcp: it survives wrong
    # Content-Length headers and answers malformed JSON (funcls/lsp/framing.py, issue 17).
    if args.tcp:
        return serve_tcp(server, args.host, args.port, announce)
    return serve_stdio(server)


def announce(addresses: list[str]) -> None:
    """Say where the server listens (stderr: ``--port 0`` picks a free port)."""
    print(f"funcls: language server listening on {', '.join(addresses)}", file=sys.stderr)
    sys.stderr.flush()
