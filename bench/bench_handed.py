"""What an app process spends on one request of a handed connection, in process.

    .venv/bin/python bench/bench_handed.py [--rounds 9] [--tree DIR] [--pieces]

A hello-world app (`def hello(req: func.HttpRequest) -> str`) is loaded with the real
library; a handed connection (worker/handed.py `Connection`) is given one end of a socket
pair and answers wrk's request (`GET /api/hello`, a Host header) 10,000 times per round,
the other end drained every 100 answers. Printed: the CPU time per request (min and median
of the rounds): parsing, the function with the library's objects, the response bytes and
the `send`, without the `recv` and `epoll` calls of the serving loop. `--tree DIR` times the
funcls package found in DIR instead (e.g. an older commit extracted with `git archive`);
`--pieces` also times each step on its own. CPU time, not wall time: the machine is shared.
"""

from __future__ import annotations

import argparse
import mmap
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
import timeit
from pathlib import Path
from typing import Any

APP = """import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello", methods=["GET"])
def hello(req: func.HttpRequest) -> str:
    return "Hello, world"
"""
REQUEST = b"GET /api/hello HTTP/1.1\r\nHost: 127.0.0.1:7071\r\n\r\n"


class _Channel:
    """Stands for the frames to the runner (the console events are dropped)."""

    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []

    def send(self, message: Any) -> None:
        pass

    def add(self, event: tuple[Any, ...]) -> None:
        self.events.append(event)

    def due(self, now: float) -> None:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--tree", default=None, help="time the funcls package in this directory")
    parser.add_argument("--pieces", action="store_true", help="also time each step alone")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(args.tree or Path(__file__).resolve().parents[1]).resolve()))

    from funcls.runner import handoff_table as table
    from funcls.runner.messages import Setup
    from funcls.runner.worker import handed
    from funcls.runner.worker.loader import load_app

    with tempfile.TemporaryDirectory(prefix="funcls-bench-handed-") as tmp:
        (Path(tmp) / "function_app.py").write_text(APP)
        (Path(tmp) / "host.json").write_text('{"version": "2.0"}')
        functions = load_app(tmp).functions
    worker = type("Worker", (), {})()
    worker.channel = _Channel()
    worker.functions = functions
    worker.pool = type("Pool", (), {"size": 1})()
    worker.loop = None
    # The parts of handed.Served a connection reads; built by hand: the real one connects to
    # a runner's hand-off socket.
    served: Any = object.__new__(handed.Served)
    served.worker, served.channel = worker, worker.channel
    served.setup = Setup(1, {}, [], False, 5.0, 100 << 20, "http", "localhost", "bench")
    served.table = mmap.mmap(-1, table.SIZE)
    served.gate = threading.Lock()
    served._date = (0, [])  # remade on the first request
    served.environment = {"APPLICATIONINSIGHTS_ENABLE_AGENT": ""}
    raw = (b"GET", b"/api/hello", "hello", 0, "req", {}, "anonymous", ["$return"], True)
    served.routes = {(b"GET", b"/api/hello"): handed.Route(raw)}
    ours, client = socket.socketpair()
    connection = handed.Connection(served, 1, 0, ours.detach())
    client.setblocking(False)

    def drain() -> None:
        try:
            while client.recv(1 << 20):
                pass
        except BlockingIOError:
            pass
        worker.channel.events.clear()

    connection._serve(REQUEST)
    answer = client.recv(65536)
    assert answer.endswith(b"\r\n\r\nHello, world"), answer
    drain()

    def hundred() -> None:
        for _ in range(100):
            connection._serve(REQUEST)
        drain()

    hundred()
    times = timeit.repeat(hundred, number=100, repeat=args.rounds, timer=time.process_time)
    per_request = [t / 10_000 * 1e6 for t in times]
    where = args.tree or "this tree"
    print(
        f"{where}: {min(per_request):.2f} µs CPU per request (min of {args.rounds}), "
        f"median {statistics.median(per_request):.2f} µs; load average {os.getloadavg()[0]:.1f}"
    )
    if args.pieces:
        _pieces(connection, served)
    return 0


def _pieces(connection: Any, served: Any) -> None:
    from funcls.runner.http_bytes import encode_response, new_invocation_id
    from funcls.runner.messages import Invoke
    from funcls.runner.worker import handed
    from funcls.runner.worker import invoke as invoking

    def timed(name: str, call: Any) -> None:
        best = min(timeit.repeat(call, number=10_000, repeat=7, timer=time.process_time))
        print(f"  {name:<44} {best / 10_000 * 1e6:6.2f} µs")

    route = served.routes[(b"GET", b"/api/hello")]
    info = served.worker.functions["hello"]
    timed("parse (request line, headers, route, body)", lambda: connection._parse(REQUEST))
    timed("invocation id", new_invocation_id)
    if not hasattr(invoking, "http_request"):
        return
    headers = {"host": "127.0.0.1:7071"}
    url = "http://127.0.0.1:7071/api/hello"
    timed(
        "the library's HttpRequest", lambda: invoking.http_request("GET", url, headers, {}, {}, b"")
    )
    request = invoking.http_request("GET", url, headers, {}, {}, b"")
    message = Invoke("id", "hello", {}, {}, {}, {"count": 0, "max": 0})
    timed(
        "the call, $return encoded by the library",
        lambda: invoking.run_sync(info, message, {"req": request}),
    )
    result = invoking.run_sync(info, message, {"req": request})
    timed("the response", lambda: handed._response(route, "id", result))
    response = handed._response(route, "id", result)[0]
    date = served.date(time.time())
    timed("its bytes", lambda: encode_response(response, date, [], True, False))


if __name__ == "__main__":
    raise SystemExit(main())
