"""What `funcls run` does when a request is slow under load (issue 16: the tail latency).

    .venv/bin/python bench/bench_tail.py [--duration 8] [--runs 2] [--bare]

Starts `funcls run` on a hello-world HTTP function with a probe (a `sitecustomize` module
first on the path of the runner and its app process: it only records, never changes what
runs), puts `wrk -t2 -c50` on it, and prints, for the measured run:

- wrk's latency histogram (percentiles and the maximum);
- the app process's requests on handed connections: how many, how many took over 2 ms
  from the read to the response written, and where their time went by the kernel's
  per-thread counters (`/proc/self/task/<tid>/schedstat`): on a CPU, waiting for a CPU
  (the run queue: other processes had the cores), or neither (asleep: waiting for the
  GIL or a lock held by another thread of the process);
- the requests each connection got (is one connection served far less than the others?);
- garbage collections in each process (count, CPU time, the longest), the app process's
  batches of console events (Executing/Executed, every 50 ms), the runner's replay of them
  and its functionTimeout watch (every 0.1 s): count, total and longest;
- which of those overlapped the requests slower than 5 ms.

Also each thread's time on a CPU and waiting for one over the run (the runner's, the app
process's, wrk's), and with --bare the same for bare uvicorn + Starlette after each run: on a
shared machine the tail is mostly time spent waiting for a CPU, by the server or by wrk.
The same hello world as bench_runner.py; the figures are wall time on a shared machine, so
read them beside the load average printed with them.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_runner import BARE_APP, HELLO_APP, get, make_app  # noqa: E402

from tests.support.azurite import free_port  # noqa: E402

PROBE = r"""
import gc, os, sys, threading, time

_out = os.environ.get("FUNCLS_TAIL_PROBE")
if _out:
    _records = []
    _gc_start = {}

    def _on_gc(phase, info):
        key = threading.get_ident()
        if phase == "start":
            _gc_start[key] = (time.perf_counter(), time.thread_time())
            return
        began = _gc_start.pop(key, None)
        if began is not None:
            _records.append(("gc", time.monotonic(), time.perf_counter() - began[0],
                             time.thread_time() - began[1], info["generation"]))

    gc.callbacks.append(_on_gc)
    _files = {}

    def _sched():
        tid = threading.get_native_id()
        f = _files.get(tid)
        if f is None:
            f = _files[tid] = open(f"/proc/self/task/{tid}/schedstat", "rb", buffering=0)
        f.seek(0)
        run, wait = f.read().split()[:2]
        return int(run), int(wait)

    def _timed(kind, function, detail=None):
        def wrapper(*args, **kwargs):
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent = time.perf_counter() - began
                _records.append((kind, time.monotonic(), spent, detail(*args) if detail else 0))
        return wrapper

    def _patch():
        # Until both kinds are patched, or one and a second more (a process is the runner
        # or an app process), or 20 s (bare uvicorn): no polling while measured.
        threading.current_thread().name = "probe-patch"
        patched = set()
        deadline = time.monotonic() + 20
        while len(patched) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
            if patched and deadline - time.monotonic() > 1:
                deadline = time.monotonic() + 1
            handed = sys.modules.get("funcls.runner.worker.handed")
            main = sys.modules.get("funcls.runner.worker.main")
            if (
                "app" not in patched
                and hasattr(handed, "Connection")
                and hasattr(main, "Channel")
            ):  # (a module being imported is in sys.modules before its classes)
                patched.add("app")
                step = handed.Connection.step

                def timed_step(self):
                    began = time.perf_counter()
                    run, wait = _sched()
                    try:
                        return step(self)
                    finally:
                        spent = time.perf_counter() - began
                        if spent > 0.002:
                            run2, wait2 = _sched()
                            _records.append(("slow", time.monotonic(), spent,
                                             (run2 - run) / 1e9, (wait2 - wait) / 1e9))
                        else:
                            _records.append(("step", time.monotonic(), spent, self.conn))

                handed.Connection.step = timed_step
                send = main.Channel.send

                def timed_send(self, message, *args, **kwargs):
                    if message is not None:
                        return send(self, message, *args, **kwargs)
                    began = time.perf_counter()
                    try:
                        return send(self, message, *args, **kwargs)
                    finally:
                        _records.append(("events", time.monotonic(),
                                         time.perf_counter() - began, 0))

                main.Channel.send = timed_send
            logs = sys.modules.get("funcls.runner.logs")
            handoff = sys.modules.get("funcls.runner.handoff")
            if (
                "runner" not in patched
                and hasattr(logs, "Console")
                and hasattr(handoff, "Handoffs")
            ):
                patched.add("runner")
                logs.Console.replay = _timed("replay", logs.Console.replay,
                                             lambda self, events, reason: len(events))
                handoff.Handoffs._watch = _timed("watch", handoff.Handoffs._watch)

    def _dump():
        threading.current_thread().name = "probe-dump"
        path = f"{_out}.{os.getpid()}"
        while True:
            time.sleep(0.5)
            taken = _records[:]
            del _records[: len(taken)]
            taken.extend(("thread", time.monotonic(), t.native_id, t.name.replace(" ", "_"))
                         for t in threading.enumerate() if t.native_id)
            with open(path, "a") as f:
                for record in taken:
                    f.write(" ".join(str(x) for x in record) + "\n")

    def _patch_or_say():
        try:
            _patch()
        except BaseException as error:
            _records.append(("error", time.monotonic(), 0, repr(error).replace(" ", "_")))

    if not os.environ.get("FUNCLS_TAIL_BARE"):  # (bare uvicorn: nothing to patch)
        threading.Thread(target=_patch_or_say, daemon=True).start()
    threading.Thread(target=_dump, daemon=True).start()
"""

IDLE = 2.0  # seconds without requests measured before the load

WRK_SCRIPT = """done = function(summary, latency, requests)
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%g=%.2f ", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("max=%.2f\\n", latency.max / 1000))
end
"""


def run_once(work: Path, app: Path, duration: int, bare: bool = False) -> None:
    """One measured run of funcls (with the probe) or, with ``bare``, of bare uvicorn +
    Starlette (bench_runner.py's; the threads' scheduling only)."""
    probe_dir = work / "probe"
    probe_dir.mkdir(exist_ok=True)
    (probe_dir / "sitecustomize.py").write_text(PROBE)
    script = work / "percentiles.lua"
    script.write_text(WRK_SCRIPT)
    out = work / f"records-{time.monotonic_ns()}"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(probe_dir), str(REPO), os.environ.get("PYTHONPATH")) if p
    )
    env["FUNCLS_TAIL_PROBE"] = str(out)
    port = free_port()
    command = [sys.executable, "-m", "funcls", "run", str(app), "--no-reload"]
    if bare:
        (work / "bare_app.py").write_text(BARE_APP)
        command = [sys.executable, "-m", "uvicorn", "--app-dir", str(work), "bare_app:app"]
        command += ["--log-level", "warning", "--no-access-log"]
        env["FUNCLS_TAIL_BARE"] = "1"
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=REPO,
    )
    url = f"http://127.0.0.1:{port}/api/hello"
    try:
        deadline = time.monotonic() + 30
        while get(url, 1.0)[0] != 200:
            if time.monotonic() > deadline:
                raise RuntimeError("funcls run did not answer within 30 s")
            time.sleep(0.01)
        subprocess.run(["wrk", "-t2", "-c50", "-d2s", url], capture_output=True, check=True)
        # Idle: what wakes up with no request at all (timers, polls).
        pids = {"bare" if bare else "runner": process.pid}
        pids.update(("app process", pid) for pid in _children(process.pid))
        time.sleep(0.5)  # the warm-up's connections closed
        idle_first = {name: _scheduling(pid) for name, pid in pids.items()}
        time.sleep(IDLE)
        idle_last = {name: _scheduling(pid) for name, pid in pids.items()}
        load = os.getloadavg()[0]
        began = time.monotonic()
        load_generator = subprocess.Popen(
            ["wrk", "-t2", "-c50", f"-d{duration}s", "-s", str(script), url],
            stdout=subprocess.PIPE,
            text=True,
        )
        processes = {"bare" if bare else "runner": process.pid, "wrk": load_generator.pid}
        time.sleep(0.1)  # wrk's threads started
        processes.update(("app process", pid) for pid in _children(process.pid))
        first = {name: _scheduling(pid) for name, pid in processes.items()}
        time.sleep(max(duration - 0.3, 0.1))
        last = {name: _scheduling(pid) for name, pid in processes.items()}
        wrk = load_generator.communicate()[0]
        ended = time.monotonic()
        time.sleep(1.2)  # the probe writes every 0.5 s
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", wrk)
    histogram = re.search(r"p50=.*", wrk)
    print(
        f"{'bare uvicorn + Starlette' if bare else 'funcls run'}: load average {load:.1f}; "
        f"{float(rate.group(1)) if rate else 0:,.0f} requests/s"
    )
    print(f"  latency (ms): {histogram.group(0) if histogram else wrk}")
    names = _thread_names(out)
    print(
        f"  threads: on a CPU / waiting for one over {duration - 0.4:.1f} s of the run (s), "
        f"times put on a CPU per second under load and over {IDLE:.0f} s idle before it "
        "(/proc/PID/task/TID/schedstat):"
    )
    span = max(duration - 0.4, 0.1)
    for name in first:
        spent = []
        for tid, (run, wait, slices) in last[name].items():
            run0, wait0, slices0 = first[name].get(tid, (0, 0, 0))
            idle_now = idle_last.get(name, {}).get(tid)
            idle_then = idle_first.get(name, {}).get(tid)
            idle = (idle_now[2] - idle_then[2]) / IDLE if idle_now and idle_then else None
            if names.get(tid, "").startswith("probe"):
                continue
            if run - run0 > 0.01 or wait - wait0 > 0.01 or (slices - slices0) / span >= 1:
                label = names.get(tid, "main" if tid == str(process.pid) else tid)
                spent.append(
                    f"{label} {run - run0:.2f}/{wait - wait0:.2f} "
                    f"{(slices - slices0) / span:,.0f}/s"
                    + (f" (idle {idle:.0f}/s)" if idle is not None else "")
                )
        print(f"    {name}: " + (", ".join(spent) or "idle"))
        woken = [
            (names.get(tid, tid), (now[2] - idle_first[name][tid][2]) / IDLE)
            for tid, now in idle_last.get(name, {}).items()
            if tid in idle_first.get(name, {}) and not names.get(tid, "").startswith("probe")
        ]
        if woken:
            total = sum(rate for _, rate in woken)
            busiest = ", ".join(f"{n} {r:.0f}" for n, r in sorted(woken, key=lambda w: -w[1])[:4])
            print(f"      idle wake-ups: {total:.0f}/s ({busiest})")
    if not bare:
        report(out, began, ended, process.pid)


def _thread_names(out: Path) -> dict[str, str]:
    """Thread names by native id, as the probe recorded them (the runner's, the app's)."""
    names: dict[str, str] = {}
    for path in out.parent.glob(out.name + ".*"):
        for line in path.read_text().splitlines():
            if line.startswith("thread "):
                _kind, _when, tid, name = line.split(maxsplit=3)
                names[tid] = name
    return names


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def _scheduling(pid: int) -> dict[str, tuple[float, float, int]]:
    """Each thread's time on a CPU and waiting in the run queue so far (s), and how many
    times it was put on a CPU (its wake-ups, and preemptions)."""
    times = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return {}
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                run, wait, slices = f.read().split()[:3]
        except OSError:
            continue
        times[tid] = (int(run) / 1e9, int(wait) / 1e9, int(slices))
    return times


def report(out: Path, began: float, ended: float, runner_pid: int) -> None:
    by_process: dict[str, list[list[str]]] = {}
    for path in out.parent.glob(out.name + ".*"):
        pid = path.suffix[1:]
        rows = [line.split() for line in path.read_text().splitlines()]
        by_process[pid] = [r for r in rows if began <= float(r[1]) <= ended]
    slow_windows: list[tuple[float, float]] = []
    for pid, rows in sorted(by_process.items()):
        kinds = collections.Counter(r[0] for r in rows)
        name = "runner" if int(pid) == runner_pid else "app process"
        if not kinds:
            continue
        print(f"  {name} (pid {pid}):")
        steps = [r for r in rows if r[0] == "step"]
        slow = [r for r in rows if r[0] == "slow"]
        if steps or slow:
            total = len(steps) + len(slow)
            spent = sum(float(r[2]) for r in slow)
            run = sum(float(r[3]) for r in slow)
            queue = sum(float(r[4]) for r in slow)
            asleep = max(spent - run - queue, 0.0)
            print(
                f"    requests {total:,}; over 2 ms: {len(slow):,} ({len(slow) / total:.2%}), "
                f"{spent * 1000:,.0f} ms in all: on a CPU {run * 1000:,.0f} ms, waiting for "
                f"a CPU {queue * 1000:,.0f} ms, asleep (GIL, locks) {asleep * 1000:,.0f} ms"
            )
            buckets = collections.Counter(
                "2-5 ms" if float(r[2]) < 0.005 else "5-10 ms" if float(r[2]) < 0.01 else "10+ ms"
                for r in slow
            )
            print("    slow requests by time: " + ", ".join(f"{k} {v}" for k, v in buckets.items()))
            # The warm-up's connections close as the run starts: count from 0.5 s in.
            per_connection = collections.Counter(r[3] for r in steps if float(r[1]) > began + 0.5)
            if per_connection:
                counts = sorted(per_connection.values())
                print(
                    f"    requests per connection ({len(counts)} connections): min {counts[0]}, "
                    f"median {statistics.median(counts):.0f}, max {counts[-1]}"
                )
            for r in slow:
                if float(r[2]) > 0.005:
                    slow_windows.append((float(r[1]) - float(r[2]), float(r[1])))
        collections_by_generation: dict[str, list[tuple[float, float]]] = {}
        for r in rows:
            if r[0] == "gc":
                collections_by_generation.setdefault(r[4], []).append((float(r[2]), float(r[3])))
        for generation, done in sorted(collections_by_generation.items()):
            cpu = sum(c for _, c in done) * 1000
            longest = max(w for w, _ in done) * 1000
            print(
                f"    gc generation {generation}: {len(done)}, CPU {cpu:.1f} ms in all, "
                f"longest {longest:.2f} ms (wall)"
            )
        for kind, label in (
            ("events", "console events sent to the runner"),
            ("replay", "console lines replayed"),
            ("watch", "functionTimeout watch"),
        ):
            done_rows = [r for r in rows if r[0] == kind]
            if done_rows:
                times = [float(r[2]) for r in done_rows]
                print(
                    f"    {label}: {len(times)}, {sum(times) * 1000:.1f} ms in all, longest "
                    f"{max(times) * 1000:.2f} ms"
                )
    if slow_windows:
        overlaps: collections.Counter[str] = collections.Counter()
        for rows in by_process.values():
            for r in rows:
                if r[0] in ("gc", "events", "replay", "watch") and float(r[2]) > 0.0005:
                    start, end = float(r[1]) - float(r[2]), float(r[1])
                    for a, b in slow_windows:
                        if start < b and end > a:
                            overlaps[r[0] if r[0] != "gc" else f"gc {r[4]}"] += 1
        print(
            f"  requests over 5 ms ({len(slow_windows)}) overlapping (over 0.5 ms each): "
            + (", ".join(f"{k} {v}" for k, v in overlaps.items()) or "none of these")
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument(
        "--bare", action="store_true", help="bare uvicorn + Starlette after each run too"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="funcls-bench-tail-") as tmp:
        work = Path(tmp)
        app = make_app(work, "hello", HELLO_APP)
        for _ in range(args.runs):
            run_once(work, app, args.duration)
            if args.bare:
                run_once(work, app, args.duration, bare=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
