"""A real uvicorn server on a loopback socket, in a thread, with the HTTP front's protocol
class: the in-process tests of the front's timeouts and hot path talk to it with raw sockets."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn


@contextmanager
def serving(app: Any, http: Any, **config: Any) -> Iterator[tuple[str, int]]:
    """Serve ``app`` with the protocol class ``http``; yields the (host, port) to connect to
    and stops the server afterwards."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    options: dict[str, Any] = {"lifespan": "off", "log_level": "critical", **config}
    server = uvicorn.Server(uvicorn.Config(app, http=http, **options))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        assert server.started
        yield sock.getsockname()
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
