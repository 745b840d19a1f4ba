"""The local runner, measured side by side in one run on this machine.

    .venv/bin/python bench/bench_runner.py [--duration 10] [--rounds 3] [--messages 2000]
        [--no-azurite] [--no-queues] [--no-startup] [--commit COMMIT] [--against COMMIT]
        [--no-handoff]
    .venv/bin/python bench/bench_runner.py --compare-start COMMIT [--rounds 7]

1. command to first HTTP 200: `funcls run samples/v2-app` (a fresh copy, embedded storage)
   until GET /api/products/2 answers 200; median of 5 starts (target < 0.5 s, issue 16);
2. requests/s and p99 latency of a hello-world HTTP function under 50 concurrent connections
   (wrk -t2 -c50), against a bare uvicorn + Starlette hello world on the same machine, in
   alternating rounds (funcls, bare, funcls, bare, …, the order turning each round: the
   machine is shared, so its load moves between rounds); medians of the rounds and of each
   round's share (target: at least 80 % of bare), p99 judged per round (each round's ratio
   to bare's, their median, each side's worst round; target: median within 2x, funcls' worst
   no worse than bare's worst), each server's latency histogram in each round (p50, p90,
   p99, p99.9, max) with the load average at its start, and the CPU time each server (with
   its app processes) spent per request, from /proc, with the runner's own part;
   `--against COMMIT` gives that commit's funcls a turn in every round too (before and after
   in the same conditions);
3. file save to the new code answering: rewrite the function's return value and poll until
   the answer changes; median of 5 saves (target < 250 ms);
4. queue messages processed per second by a queue-triggered function that does nothing, on
   the embedded store and on Azurite (started on free ports, stopped by PID).

Needs `wrk` (Debian package) on PATH and Azurite in node_modules (`npm ci`). The servers run
with this environment minus PYTHONUNBUFFERED, as a plain shell starts them (with it, funcls
writes its log lines every event-loop turn instead of every 50 ms).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from commits import export_commit  # noqa: E402

from funcls.runner.storage import open_backend  # noqa: E402
from tests.support.azurite import free_port, start_azurite  # noqa: E402

PYTHON = sys.executable
BASE_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
HELLO_APP = """import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello", methods=["GET"])
def hello(req: func.HttpRequest) -> str:
    return "Hello, world"
"""
QUEUE_APP = """import azure.functions as func

app = func.FunctionApp()


@app.queue_trigger(arg_name="msg", queue_name="bench", connection="AzureWebJobsStorage")
def drain(msg: func.QueueMessage) -> None:
    pass
"""
BARE_APP = """from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def hello(request):
    return PlainTextResponse("Hello, world")


app = Starlette(routes=[Route("/api/hello", hello)])
"""


def get(url: str, timeout: float = 2.0) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return 0, ""


def start(
    command: list[str], log: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        return subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**BASE_ENV, **SOURCE, **(env or {})},
            cwd=SOURCE.get("PYTHONPATH", "").split(os.pathsep)[0] or None,
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def wait_for(url: str, timeout: float = 30.0, text: str | None = None) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        status, body = get(url, 1.0)
        if status == 200 and (text is None or body == text):
            return time.perf_counter() - started
        time.sleep(0.002)
    raise RuntimeError(f"{url} did not answer 200 within {timeout}s")


def make_app(root: Path, name: str, script: str, host: dict[str, object] | None = None) -> Path:
    app = root / name
    app.mkdir()
    (app / "function_app.py").write_text(script)
    (app / "host.json").write_text(json.dumps(host or {"version": "2.0"}))
    return app


# With --commit, funcls runs from that commit's package, extracted to a directory that is
# both PYTHONPATH and the working directory (`python -m` puts the working directory first).
SOURCE: dict[str, str] = {}


def funcls_run(app: Path, port: int, *extra: str) -> list[str]:
    return [PYTHON, "-m", "funcls", "run", str(app), "--port", str(port), *extra]


def bench_startup(work: Path, runs: int = 5) -> list[float]:
    times = []
    for i in range(runs):
        app = work / f"v2-app-{i}"
        shutil.copytree(REPO / "samples" / "v2-app", app)
        port = free_port()
        started = time.perf_counter()
        process = start(funcls_run(app, port, "--no-reload"), work / "startup.log")
        try:
            url = f"http://127.0.0.1:{port}/api/products/2"
            while time.perf_counter() - started < 30:
                if get(url, 1.0)[0] == 200:
                    break
                time.sleep(0.002)
            times.append(time.perf_counter() - started)
        finally:
            stop(process)
    return times


# The latency histogram of a wrk run, as percentiles (wrk keeps every latency; its --latency
# table stops at p99): printed by wrk's `done` hook, in ms.
PERCENTILES = (50.0, 90.0, 99.0, 99.9)
WRK_SCRIPT = """done = function(summary, latency, requests)
  local out = {}
  for _, p in ipairs({PERCENTILES}) do
    out[#out + 1] = string.format("%.3f", latency:percentile(p) / 1000)
  end
  out[#out + 1] = string.format("%.3f", latency.max / 1000)
  io.write("PERCENTILES " .. table.concat(out, " ") .. "\\n")
end
""".replace("{PERCENTILES}", "{" + ", ".join(str(p) for p in PERCENTILES) + "}")


def wrk(url: str, duration: int, script: Path | None = None) -> tuple[float, tuple[float, ...]]:
    """requests/s and, with ``script`` (WRK_SCRIPT), the latency at PERCENTILES and the
    maximum (ms)."""
    command = ["wrk", "-t2", "-c50", f"-d{duration}s", url]
    if script is not None:
        command[4:4] = ["-s", str(script)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    found = re.search(r"PERCENTILES ([\d. ]+)", out)
    latencies = tuple(float(v) for v in found.group(1).split()) if found else ()
    return rate, latencies


def cpu_seconds(root: int) -> tuple[float, float]:
    """CPU time (user + system) of a process and of its children, from /proc (Linux)."""
    own = children = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used = (int(fields[11]) + int(fields[12])) / tick
        if int(entry) == root:
            own += used
        elif int(fields[1]) == root:
            children += used
    return own, children


class Measure(NamedTuple):
    rate: float  # requests/s
    p99: float  # ms
    cpu: float  # µs of CPU per request, the server and its app processes
    own_cpu: float  # µs per request in the server's own process (the runner, for funcls)
    latencies: tuple[float, ...]  # ms at PERCENTILES, then the maximum
    load: float  # load average (1 min) when the server started


def _measure(
    command: list[str], log: Path, duration: int, env: dict[str, str] | None = None
) -> Measure:
    """One server under wrk: a fresh process, 2 s of warm-up on the same 50 connections'
    worth of load, then the measured run."""
    load = os.getloadavg()[0]
    port = free_port()
    process = start([*command, "--port", str(port)], log, env)
    script = Path(tempfile.gettempdir()) / f"funcls-bench-wrk-{os.getpid()}.lua"
    script.write_text(WRK_SCRIPT)
    try:
        url = f"http://127.0.0.1:{port}/api/hello"
        wait_for(url)
        wrk(url, 2)  # warm up
        own, children = cpu_seconds(process.pid)
        rate, latencies = wrk(url, duration, script)
        own_after, children_after = cpu_seconds(process.pid)
        requests = rate * duration
        total = own_after + children_after - own - children
        p99 = latencies[PERCENTILES.index(99.0)]
        return Measure(
            rate,
            p99,
            total / requests * 1e6,
            (own_after - own) / requests * 1e6,
            latencies,
            load,
        )
    finally:
        stop(process)
        script.unlink(missing_ok=True)


def bench_http(
    work: Path,
    duration: int,
    rounds: int,
    against: str | None = None,
    ours_env: dict[str, str] | None = None,
) -> dict[str, list[Measure]]:
    """Alternating rounds of funcls and bare: each a fresh server, 2 s of warm-up, then wrk.
    With ``against`` (a commit), that commit's funcls takes a turn in each round too;
    ``ours_env`` is added to this tree's funcls' environment (`--no-handoff`). The order
    turns by one each round (funcls, bare, commit; bare, commit, funcls; …), so that no
    server always follows the same one (a server's exit, or wrk's, can leave work behind)."""
    app = make_app(work, "hello", HELLO_APP)
    (work / "bare_app.py").write_text(BARE_APP)
    ours = [PYTHON, "-m", "funcls", "run", str(app), "--no-reload"]
    bare = [PYTHON, "-m", "uvicorn", "--app-dir", str(work), "bare_app:app"]
    bare += ["--log-level", "warning", "--no-access-log"]
    results: dict[str, list[Measure]] = {"funcls run": [], "bare": []}
    theirs = export_commit(against, work / "against") if against else None
    if against:
        results[against] = []

    def measure(label: str) -> Measure:
        if label == "funcls run":
            return _measure(ours, Path(os.devnull), duration, ours_env)
        if label == "bare":
            return _measure(bare, work / "bare.log", duration)
        kept = dict(SOURCE)
        SOURCE["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(theirs), os.environ.get("PYTHONPATH")) if p
        )
        try:
            return _measure(ours, Path(os.devnull), duration)
        finally:
            SOURCE.clear()
            SOURCE.update(kept)

    labels = list(results)
    for number in range(rounds):
        turn = number % len(labels)
        for label in labels[turn:] + labels[:turn]:
            results[label].append(measure(label))
    return results


def bench_reload(work: Path, runs: int = 5) -> list[float]:
    app = make_app(work, "reload", HELLO_APP)
    port = free_port()
    process = start(funcls_run(app, port), work / "reload.log")
    times = []
    try:
        url = f"http://127.0.0.1:{port}/api/hello"
        wait_for(url)
        time.sleep(0.5)
        script = app / "function_app.py"
        for i in range(runs):
            text = f"version {i}"
            script.write_text(HELLO_APP.replace("Hello, world", text))
            times.append(wait_for(url, 10, text))
            time.sleep(0.3)
    finally:
        stop(process)
    return times


def bench_queue(work: Path, name: str, connection: str | None, messages: int) -> float:
    host: dict[str, object] = {"version": "2.0", "extensions": {"queues": {"batchSize": 32}}}
    app = make_app(work, f"queue-{name}", QUEUE_APP, host)
    backend, _ = open_backend(connection, app, force="embedded" if connection is None else "azure")
    try:
        backend.queues.create_queue("bench")
        backend.queues.clear("bench")
        for i in range(messages):
            backend.queues.put("bench", json.dumps({"n": i}))
        env = {"AzureWebJobsStorage": connection or ""}
        port = free_port()
        process = start(funcls_run(app, port, "--no-reload"), Path(os.devnull), env)
        try:
            state = app / ".funcls" / "run.json"
            while not state.exists():
                time.sleep(0.01)
            started = time.perf_counter()
            while backend.queues.approximate_count("bench") > 0:
                if time.perf_counter() - started > 300:
                    raise RuntimeError("queue did not drain in 300 s")
                time.sleep(0.02 if connection is None else 0.2)  # polling Azurite slows it
            return messages / (time.perf_counter() - started)
        finally:
            stop(process)
    finally:
        backend.close()


def compare_start_and_reload(work: Path, commit: str, rounds: int) -> int:
    """Command to first HTTP 200 and save to new code answering, alternating a commit's funcls
    and this tree's (one start and five saves each per round): the fair comparison on a
    machine whose load moves."""
    source = export_commit(commit, work / "source")
    results: dict[str, tuple[list[float], list[float]]] = {commit: ([], []), "this tree": ([], [])}
    for number in range(rounds):
        for label in (commit, "this tree"):
            SOURCE.clear()
            if label == commit:
                SOURCE["PYTHONPATH"] = os.pathsep.join(
                    p for p in (str(source), os.environ.get("PYTHONPATH")) if p
                )
            place = work / f"{number}-{'base' if label == commit else 'tree'}"
            place.mkdir()
            results[label][0].extend(bench_startup(place, runs=1))
            results[label][1].extend(bench_reload(place))
    for label, (starts, saves) in results.items():
        print(
            f"{label}: command to first HTTP 200 median {statistics.median(starts) * 1000:.0f} ms "
            f"({len(starts)} starts); save to new code answering median "
            f"{statistics.median(saves) * 1000:.0f} ms ({len(saves)} saves)"
        )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per server")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3, help="alternating HTTP rounds")
    parser.add_argument("--no-azurite", action="store_true")
    parser.add_argument("--no-queues", action="store_true")
    parser.add_argument("--commit", default=None, help="measure this commit's funcls instead")
    parser.add_argument(
        "--against",
        metavar="COMMIT",
        default=None,
        help="also run COMMIT's funcls in each HTTP round (before/after in the same conditions)",
    )
    parser.add_argument("--no-startup", action="store_true", help="skip start-up and reload")
    parser.add_argument(
        "--no-handoff",
        action="store_true",
        help="this tree's funcls with FUNCLS_HTTP_HANDOFF=0 in the HTTP rounds (every request "
        "crosses both processes, as before funcls/runner/handoff.py)",
    )
    parser.add_argument(
        "--compare-start",
        metavar="COMMIT",
        default=None,
        help="only start-up and reload, alternating COMMIT and this tree (--rounds rounds)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="funcls-bench-") as tmp:
        work = Path(tmp)
        if args.compare_start:
            return compare_start_and_reload(work, args.compare_start, args.rounds)
        if args.commit:
            source = export_commit(args.commit, work / "source")
            SOURCE["PYTHONPATH"] = os.pathsep.join(
                p for p in (str(source), os.environ.get("PYTHONPATH")) if p
            )
        if not args.no_startup:
            startup = bench_startup(work)
            rows.append(
                (
                    "command to first HTTP 200 (v2 sample, median of 5)",
                    f"{statistics.median(startup) * 1000:.0f} ms",
                    "< 500 ms",
                )
            )
        handoff = {"FUNCLS_HTTP_HANDOFF": "0"} if args.no_handoff else None
        load_before = os.getloadavg()[0]
        http = bench_http(work, args.duration, args.rounds, args.against, handoff)
        load_after = os.getloadavg()[0]
        ours, bare = http["funcls run"], http["bare"]
        shares = [o[0] / b[0] for o, b in zip(ours, bare, strict=True)]
        rate = statistics.median(o[0] for o in ours)
        bare_rate = statistics.median(b[0] for b in bare)
        rows.append(
            (
                f"hello world, wrk -t2 -c50: requests/s (median of {args.rounds})",
                f"{rate:,.0f} ({statistics.median(shares):.0%} of bare)",
                f"bare uvicorn+starlette {bare_rate:,.0f}; target >= 80%",
            )
        )
        rows.append(
            (
                "  each round: funcls / bare requests/s (share)",
                ", ".join(
                    f"{o[0]:,.0f}/{b[0]:,.0f} ({o[0] / b[0]:.0%})"
                    for o, b in zip(ours, bare, strict=True)
                ),
                f"load average {load_before:.1f} before, {load_after:.1f} after",
            )
        )
        rows.append(
            (
                "  each round: CPU per request, funcls / bare",
                ", ".join(f"{o[2]:.0f}/{b[2]:.0f} µs" for o, b in zip(ours, bare, strict=True)),
                "",
            )
        )
        rows.extend(_p99_rows(ours, bare))
        if args.against:
            theirs = http[args.against]
            their_shares = [t[0] / b[0] for t, b in zip(theirs, bare, strict=True)]
            rows.append(
                (
                    f"  {args.against} in the same rounds: requests/s, CPU per request",
                    f"{statistics.median(t[0] for t in theirs):,.0f} "
                    f"({statistics.median(their_shares):.0%} of bare), "
                    f"{statistics.median(t[2] for t in theirs):.0f} µs "
                    f"(runner {statistics.median(t[3] for t in theirs):.0f} µs)",
                    "p99 " + ", ".join(f"{t[1]:.1f}" for t in theirs) + " ms",
                )
            )
            rows.extend(_p99_rows(theirs, bare, f"  {args.against}: "))
        cpu = statistics.median(o[2] for o in ours)
        runner_cpu = statistics.median(o[3] for o in ours)
        bare_cpu = statistics.median(b[2] for b in bare)
        rows.append(
            (
                "server CPU per request (median; funcls: runner + app process)",
                f"{cpu:.0f} µs ({cpu / bare_cpu:.1f}x bare; runner {runner_cpu:.0f} µs)",
                f"bare {bare_cpu:.0f} µs",
            )
        )
        if not args.no_startup:
            reload = bench_reload(work)
            rows.append(
                (
                    "file save to new code answering (median of 5)",
                    f"{statistics.median(reload) * 1000:.0f} ms (max {max(reload) * 1000:.0f})",
                    "< 250 ms",
                )
            )
        if args.no_queues:
            _print(rows)
            return _print_histograms(http)
        embedded = bench_queue(work, "embedded", None, args.messages)
        rows.append(
            (
                f"queue messages/s, embedded store ({args.messages} messages)",
                f"{embedded:,.0f}",
                "",
            )
        )
        if not args.no_azurite:
            azurite = start_azurite()
            try:
                rate = bench_queue(work, "azurite", azurite.connection_string, args.messages)
            finally:
                azurite.stop()
            rows.append(
                (f"queue messages/s, Azurite ({args.messages} messages)", f"{rate:,.0f}", "")
            )
    _print(rows)
    return _print_histograms(http)


def _p99_rows(ours: list[Measure], bare: list[Measure], prefix: str = "") -> list[Row]:
    """p99 against bare's, judged per round: each round's ratio (the two servers ran one
    after the other, under about the same load), their median, and the worst round of each
    (issue 16: median ratio <= 2x, and no round of funcls worse than bare's worst)."""
    ratios = [o.p99 / b.p99 for o, b in zip(ours, bare, strict=True)]
    worst, bare_worst = max(o.p99 for o in ours), max(b.p99 for b in bare)
    return [
        (
            f"{prefix}p99 latency, funcls / bare, each round (ratio)",
            ", ".join(
                f"{o.p99:.1f}/{b.p99:.1f} ms ({r:.1f}x)"
                for o, b, r in zip(ours, bare, ratios, strict=True)
            ),
            "loads "
            + ", ".join(f"{o.load:.1f}/{b.load:.1f}" for o, b in zip(ours, bare, strict=True)),
        ),
        (
            f"{prefix}p99 ratio, median of the rounds (worst round: funcls / bare)",
            f"{statistics.median(ratios):.2f}x ({worst:.1f} / {bare_worst:.1f} ms)",
            "target: median <= 2x, funcls' worst <= bare's worst "
            + ("(met)" if statistics.median(ratios) <= 2 and worst <= bare_worst else "(not met)"),
        ),
        (
            f"{prefix}  median ratio after 3, 4, ... rounds",
            ", ".join(f"{statistics.median(ratios[:n]):.2f}x" for n in range(3, len(ratios) + 1))
            or "(fewer than 3 rounds)",
            "how soon the median settles (how many rounds a verdict needs)",
        ),
        (
            f"{prefix}  median ratio, 90 % interval (bootstrap over rounds)",
            "{:.2f}x - {:.2f}x".format(*_interval(ratios)),
            "resampling the rounds 2,000 times: the spread a rerun may give",
        ),
    ]


def _interval(values: list[float], draws: int = 2000) -> tuple[float, float]:
    """The 5th and 95th percentiles of the median of ``values`` resampled with replacement
    (a fixed seed: the same rounds give the same interval)."""
    pick = random.Random(16)
    medians = sorted(statistics.median(pick.choices(values, k=len(values))) for _ in range(draws))
    return medians[int(draws * 0.05)], medians[int(draws * 0.95) - 1]


def _print_histograms(http: dict[str, list[Measure]]) -> int:
    """Each server's latency histogram in each round (wrk's percentiles), with the load."""
    names = ", ".join(f"p{p:g}" for p in PERCENTILES)
    print(f"\nlatency by round (ms: {names}, max), requests/s, load average at the start:")
    rounds = len(next(iter(http.values())))
    for number in range(rounds):
        for label, measures in http.items():
            m = measures[number]
            shown = " ".join(f"{v:7.2f}" for v in m.latencies)
            print(f"  {number + 1:>2} {label:<12} {shown}  {m.rate:>9,.0f}/s  load {m.load:.1f}")
    return 0


Row = tuple[str, str, str]


def _print(rows: list[Row]) -> int:
    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    print(f"{'measure':<{width}}  {'funcls run':<{value_width}}  reference")
    print(f"{'-' * width}  {'-' * value_width}  ---------")
    for name, value, reference in rows:
        print(f"{name:<{width}}  {value:<{value_width}}  {reference}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
