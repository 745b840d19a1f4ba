"""How long the language server takes to answer after framing abuse and large input (issue 17).

Run: ``.venv/bin/python bench/bench_framing.py [--runs 3] [--transport stdio|tcp]``. A raw
client (the one of tests/lsp/test_framing.py) starts ``funcls --stdio`` (or ``funcls --tcp``)
on a copy of samples/v2-app and times,
as medians: a request sent with a Content-Length 1,000,000 bytes too long and with
99,999,999,999 (the answer waits for the reader's pause), a request behind a length 40 bytes
too long, the first diagnostics of a 10 MB document, and the diagnostics after 5,000 one-
character changes written in one burst (``--non-ascii``: to a line holding an accent,
``--emoji``: an accent and an emoji).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.lsp.support import uri  # noqa: E402
from tests.lsp.test_framing import BAD_ROUTE, RawClient, open_script  # noqa: E402


def one_run(
    tmp: Path,
    transport: str,
    burst_only: bool = False,
    non_ascii: bool = False,
    emoji: bool = False,
) -> dict[str, float]:
    app = tmp / "v2-app"
    shutil.copytree(REPO / "samples" / "v2-app", app)
    client = RawClient(transport)
    out: dict[str, float] = {}
    try:
        client.request(
            "initialize", {"processId": os.getpid(), "rootUri": uri(app), "capabilities": {}}
        )
        client.notify("initialized", {})
        script = app / "function_app.py"
        base = script.read_text()
        if non_ascii:  # the burst's line holds an accent: no ASCII fast path
            base = "# café\n" + base
        if emoji:  # and an emoji: two UTF-16 units for one character
            base = "# café 😋\n" + base
        doc = open_script(client, script, base)
        client.alive(doc)
        symbols = {"textDocument": {"uri": doc}}

        if not burst_only:  # pygls' reader never answers these: time the burst alone
            for name, header in (
                ("length +1,000,000", None),
                ("length 99,999,999,999", b"99999999999"),
            ):
                msg_id, message = client.request_bytes("textDocument/documentSymbol", symbols)
                body = json.dumps(message).encode()
                length = header or str(len(body) + 1_000_000).encode()
                started = time.perf_counter()
                client.write(b"Content-Length: " + length + b"\r\n\r\n" + body)
                client.answer(msg_id)
                out[name] = time.perf_counter() - started

            first_id, first = client.request_bytes("textDocument/documentSymbol", symbols)
            second_id, second = client.request_bytes("textDocument/documentSymbol", symbols)
            started = time.perf_counter()
            client.write(client.frame(first, extra=40) + client.frame(second))
            client.answer(first_id)
            client.answer(second_id)
            out["length +40, two requests"] = time.perf_counter() - started

            filler = "# " + "x" * 98 + "\n"
            big = base + filler * (10 * 1024 * 1024 // len(filler)) + BAD_ROUTE
            started = time.perf_counter()
            client.notify(
                "textDocument/didChange",
                {"textDocument": {"uri": doc, "version": 2}, "contentChanges": [{"text": big}]},
            )
            client.diagnostics(doc, 2)
            out["10 MB document: diagnostics"] = time.perf_counter() - started

        client.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": doc, "version": 3}, "contentChanges": [{"text": base}]},
        )
        burst = bytearray()
        width = len(base.splitlines()[0])
        for i in range(5000):
            at = {"line": 0, "character": width + i}
            burst += client.frame(
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didChange",
                    "params": {
                        "textDocument": {"uri": doc, "version": 4 + i},
                        "contentChanges": [{"range": {"start": at, "end": at}, "text": " "}],
                    },
                }
            )
        started = time.perf_counter()
        client.write(bytes(burst))
        client.diagnostics(doc, 5003)
        out["5,000 changes: final diagnostics"] = time.perf_counter() - started
    finally:
        client.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--transport", choices=["stdio", "tcp"], default="stdio")
    parser.add_argument(
        "--burst-only",
        action="store_true",
        help="time the 5,000-change burst alone (run from a checkout with pygls' reader, "
        "e.g. a worktree of a43ea5f, to compare readers: the server is `python -m funcls` "
        "from the current folder)",
    )
    parser.add_argument(
        "--non-ascii",
        action="store_true",
        help="the 5,000 changes go to a line holding an 'é' (UTF-16 clients)",
    )
    parser.add_argument(
        "--emoji", action="store_true", help="… to a line holding an 'é' and an emoji"
    )
    args = parser.parse_args()
    runs = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(
                one_run(Path(tmp), args.transport, args.burst_only, args.non_ascii, args.emoji)
            )
    for name in runs[0]:
        values = [r[name] for r in runs]
        print(
            f"{name:36} median {statistics.median(values) * 1000:8.0f} ms  "
            f"(min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})"
        )


if __name__ == "__main__":
    main()
