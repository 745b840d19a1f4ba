"""HTTP streaming in `funcls run`, and the ordinary HTTP path it must not slow down.

    .venv/bin/python bench/bench_http_stream.py [--duration 10] [--base COMMIT] [--after COMMIT]
        [--rounds 2]

1. requests/s and p99 of the hello-world HTTP function (wrk -t2 -c50), with this tree (or
   --after COMMIT) and with --base COMMIT (default: the commit before HTTP streaming,
   0043d85^), run alternately --rounds times each: the ordinary path's speed before and after;
2. the same hello world as an HTTP-streaming app (`azurefunctions-extensions-http-fastapi`,
   `PlainTextResponse`): what serving through the extension's FastAPI app costs;
3. time to the first chunk of a `StreamingResponse` whose generator waits 200 ms before its
   second chunk, and the time of the whole response (median of 20): the first chunk must
   not wait for the second.

Needs `wrk` on PATH and the extension installed (the test extra). Reuses bench_runner's
helpers (start/stop by PID, wrk parsing).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))

from bench_runner import (  # noqa: E402
    BASE_ENV,
    HELLO_APP,
    funcls_run,
    make_app,
    stop,
    wait_for,
    wrk,
)
from commits import export_commit  # noqa: E402

from tests.support.azurite import free_port  # noqa: E402

STREAM_APP = """import asyncio

import azure.functions as func
from azurefunctions.extensions.http.fastapi import PlainTextResponse, Request, StreamingResponse

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello", methods=["GET"])
async def hello(req: Request) -> PlainTextResponse:
    return PlainTextResponse("Hello, world")


@app.route(route="slow", methods=["GET"])
async def slow(req: Request) -> StreamingResponse:
    async def chunks():
        yield b"first\\n"
        await asyncio.sleep(0.2)
        yield b"second\\n"

    return StreamingResponse(chunks(), media_type="text/plain")
"""


def start_run(app: Path, source: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    # HTTP streaming before Python 3.13 needs the setting, as with the worker.
    env = {**BASE_ENV, "PYTHONPATH": str(source), "PYTHON_ENABLE_INIT_INDEXING": "1"}
    process = subprocess.Popen(
        funcls_run(app, port, "--no-reload"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=str(source),
    )
    wait_for(f"http://127.0.0.1:{port}/api/hello")
    return process, port


def measure_hello(app: Path, source: Path, duration: int) -> tuple[float, float]:
    process, port = start_run(app, source)
    try:
        url = f"http://127.0.0.1:{port}/api/hello"
        wrk(url, 2)  # warm up
        return wrk(url, duration)
    finally:
        stop(process)


def first_chunk(port: int) -> tuple[float, float]:
    """Milliseconds to the first chunk's bytes and to the end of the response (raw socket,
    Connection: close, so the end is the server closing)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        started = time.perf_counter()
        sock.sendall(b"GET /api/slow HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
        received = b""
        first = 0.0
        while True:
            data = sock.recv(65536)
            if not data:
                break
            received += data
            if not first and b"first" in received:
                first = time.perf_counter() - started
        whole = time.perf_counter() - started
    assert b"second" in received, received
    return first * 1000, whole * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--base", default="0043d85^")
    parser.add_argument("--after", default=None, help="a commit instead of this tree")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-stream-") as tmp:
        work = Path(tmp)
        base = export_commit(args.base, work / "base")
        after = export_commit(args.after, work / "after") if args.after else REPO
        hello = make_app(work, "hello", HELLO_APP)
        results: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
        for _ in range(args.rounds):
            results["before"].append(measure_hello(hello, base, args.duration))
            results["after"].append(measure_hello(hello, after, args.duration))
        print(f"ordinary HTTP path, hello world, wrk -t2 -c50 -d{args.duration}s:")
        for label, runs in results.items():
            rates = ", ".join(f"{r:,.0f} req/s (p99 {p:.1f} ms)" for r, p in runs)
            where = f"base {args.base}" if label == "before" else args.after or "this tree"
            print(f"  {label} HTTP streaming ({where}): {rates}")
        stream = make_app(work, "stream", STREAM_APP)
        rate, p99 = measure_hello(stream, REPO, args.duration)
        print(f"streaming app, PlainTextResponse hello world: {rate:,.0f} req/s (p99 {p99:.1f} ms)")
        process, port = start_run(stream, REPO)
        try:
            first_chunk(port)  # warm up
            timings = [first_chunk(port) for _ in range(20)]
        finally:
            stop(process)
        firsts = statistics.median(t[0] for t in timings)
        wholes = statistics.median(t[1] for t in timings)
        print(
            "StreamingResponse, 200 ms between its chunks (median of 20): "
            f"first chunk after {firsts:.1f} ms, whole response after {wholes:.1f} ms"
        )
    return 0


if __name__ == "__main__":
    os.environ.pop("PYTHONUNBUFFERED", None)
    sys.exit(main())
