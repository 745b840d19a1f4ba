"""Where the time of a completion or hover right after an Enter goes, inside the server
(issue 16): runs ``bench_lsp.py --big N`` with the timing trace of ``bench/lsp_trace`` on the
server and splits each of the last ``--requests`` requests (those sent right after an Enter
or a Backspace) into: waiting before its dispatch (the event loop busy, or the reader thread
waiting for the interpreter lock), the main thread's CPU from dispatch to reply, its run-queue
wait (runnable, no CPU free: the machine's load) and the rest (the interpreter lock held by
another thread). Prints the slowest with what ran around them, the publication's CPU on the
loop and the garbage collections.

    .venv/bin/python bench/lsp_trace_report.py --big 5000 --edits 100
    .venv/bin/python bench/lsp_trace_report.py --big 5000 --edits 100 --against c531661
    .venv/bin/python bench/lsp_trace_report.py --trace /tmp/trace.1234   # an earlier trace

It also prints the server's CPU time for each diagnostics pass after an Enter or a Backspace
(the last ``3 * --edits``): the re-index job and the rules on the rules thread, the
publication on the event loop, and their sum — thread CPU time, which the machine's load
changes far less than the wall time. ``--against COMMIT``: that commit's server is traced
the same way first, on the same app, and both are printed.

The trace is a tool, not a measurement to quote: it wraps functions of the server and adds
its own cost (the bench's own figures are printed beside it).
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import glob
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
Event = tuple[float, str, str, list[str]]


def load(path: str) -> list[Event]:
    events = []
    for line in Path(path).read_text().splitlines():
        t, thread, kind, *fields = line.split("\t")
        events.append((float(t), thread, kind, fields))
    events.sort(key=lambda e: e[0])
    return events


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))] if values else 0.0


def report(events: list[Event], last: int, show: int) -> None:
    reads = [t for t, _, kind, _ in events if kind == "read"]
    rows = []
    for i, (_t, _, kind, f) in enumerate(events):
        if kind != "dispatch" or f[0] not in ("textDocument/completion", "textDocument/hover"):
            continue
        reply = next((e for e in events[i:] if e[2] == "reply" and e[3][0] == f[1]), None)
        if reply is None:
            continue
        read = reads[bisect.bisect_right(reads, float(f[3])) - 1]
        total = (reply[0] - read) * 1000
        before = (float(f[3]) - read) * 1000
        cpu = float(reply[3][3]) - float(f[4])
        wait = float(reply[3][4]) - float(f[5])
        rest = total - before - cpu - wait
        rows.append((read, total, before, cpu, wait, rest, f[0].split("/")[1], reply[0]))
    rows = rows[-last:]
    if not rows:
        print("no completion or hover in the trace")
        return
    first = rows[0][0]
    print(f"{len(rows)} requests, from the reader's read to the reply (ms):")
    for name, col in (
        ("total", 1),
        ("before dispatch", 2),
        ("main thread CPU", 3),
        ("run-queue wait", 4),
        ("rest (lock, I/O)", 5),
    ):
        vals = [r[col] for r in rows]
        print(
            f"  {name:18} p50 {pct(vals, 50):6.1f}  p90 {pct(vals, 90):6.1f}  "
            f"p99 {pct(vals, 99):6.1f}  max {max(vals):6.1f}"
        )
    published = [
        (float(f[0]), float(f[1])) for t, _, k, f in events if k == "publish_roots" and t >= first
    ]
    if published:
        cpu = [c for _, c in published]
        print(
            f"publication on the loop ({len(cpu)}): CPU p50 {pct(cpu, 50):.1f}, "
            f"p99 {pct(cpu, 99):.1f}, max {max(cpu):.1f} ms"
        )
    gcs = [f for t, _, k, f in events if k == "gc" and t >= first]
    print(
        f"garbage collections meanwhile: {len(gcs)}"
        + (f", longest {max(float(f[1]) for f in gcs):.1f} ms" if gcs else "")
    )
    print(f"\nthe {show} slowest (total, before dispatch, CPU, run-queue, rest), what ran:")
    for read, total, before, cpu, wait, rest, method, end in sorted(rows, key=lambda r: -r[1])[
        :show
    ]:
        print(f"\n{method}: {total:.1f} = {before:.1f} + {cpu:.1f} + {wait:.1f} + {rest:.1f} ms")
        for t, thread, kind, f in events:
            if read - 0.1 <= t <= end + 0.001:
                print(f"  {(t - read) * 1000:+8.1f} {thread[:14]:14} {kind:13} {' '.join(f)[:100]}")


def pass_cpu(events: list[Event], last: int) -> None:
    """The server's CPU time (ms) in each of the ``last`` diagnostics passes: the re-index
    job and the rules on the rules thread, the publication on the loop."""
    rows: dict[str, list[float]] = {"re-index job": [], "rules": [], "publication": []}
    for _, thread, kind, f in events:
        if kind == "run_job" and thread.startswith("funcls-rules"):
            rows["re-index job"].append(float(f[1]))
        elif kind == "findings_of" and thread.startswith("funcls-rules"):
            rows["rules"].append(float(f[1]))
        elif kind == "publish_roots":
            rows["publication"].append(float(f[1]))
    rows = {k: v[-last:] for k, v in rows.items()}
    n = min(len(v) for v in rows.values())
    if n == 0:
        print("no diagnostics pass in the trace")
        return
    rows["sum"] = [sum(v[-n:][i] for v in rows.values()) for i in range(n)]
    print(f"server CPU per diagnostics pass, the last {n} (Enter / Backspace), ms:")
    for name, vals in rows.items():
        print(
            f"  {name:13} p50 {pct(vals, 50):6.1f}  p90 {pct(vals, 90):6.1f}  max {max(vals):6.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big", type=int, default=5000, help="functions of the one app")
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--modules", type=int, default=10)
    parser.add_argument("--trace", help="report on this trace file instead of running")
    parser.add_argument("--show", type=int, default=5, help="slowest requests to show")
    parser.add_argument(
        "--against",
        metavar="COMMIT",
        nargs="*",
        default=[],
        help="trace each COMMIT's server first (bench_lsp.py --against), then this tree's",
    )
    args = parser.parse_args()
    if args.trace is not None:
        events = load(args.trace)
        report(events, 2 * args.edits, args.show)
        print()
        pass_cpu(events, 3 * args.edits)
        return
    sys.path.insert(0, str(HERE))
    from bench_lsp import bench_big_app

    # Only the server's processes start after this (this one has read its site).
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(HERE / "lsp_trace"), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    for commit in [*args.against, None]:
        prefix = os.path.join(tempfile.mkdtemp(prefix="funcls-trace-"), "trace")
        os.environ["FUNCLS_TRACE_OUT"] = prefix
        print(f"== {commit or 'this tree'} (load average {os.getloadavg()[0]:.1f})")
        rows = asyncio.run(bench_big_app(args.big, args.modules, 0, args.edits, commit))
        for _, what, result, _ in rows:
            print(f"{what}: {result}")
        path = max(glob.glob(prefix + ".*"), key=os.path.getsize)
        print(f"\ntrace: {path}\n")
        events = load(path)
        report(events, 2 * args.edits, args.show)
        print()
        pass_cpu(events, 3 * args.edits)
        print()


if __name__ == "__main__":
    main()
