"""`funcls run` start-up: command to the first HTTP 200, a commit against this tree.

    .venv/bin/python bench/bench_start.py --against COMMIT [--rounds 9] [--bytecode]

Each round starts `funcls run` on a fresh copy of `samples/v2-app` (embedded storage,
--no-reload) once with COMMIT's funcls and once with this tree's, alternately (the machine is
shared, so its load moves between rounds), and polls `GET /api/products/2` until it answers
200. Both run from a copy of their `funcls` package (`git archive` for the commit, the working
tree's files for this tree) put first on the path, so they start the same way. Without
--bytecode both compile funcls from source at every start (PYTHONDONTWRITEBYTECODE=1, as in
this machine's development shell); with it both copies are byte-compiled first, as a wheel
installed by pip is. Prints the medians, each round's figures, the CPU time the runner and
its app process had spent when the 200 came (from /proc: it moves far less with the load
other jobs put on the machine than the elapsed time does) and the load average before and
after (issue 16 target: < 0.5 s).

Beside them, the floor measured in the same rounds: a fresh interpreter that imports the
`azure-functions` library and exits (what every app process does before it can load any app;
the worker imports it too), and an interpreter that does nothing, elapsed and CPU; and this
tree's app process alone (no runner beside it), from its start to its first message (the
loaded app's functions), which says how far above the floor the app process itself is.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from commits import export_commit  # noqa: E402

SAMPLE = REPO / "samples" / "v2-app"
PATH = "/api/products/2"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0


def export_tree(target: Path) -> Path:
    target.mkdir()
    shutil.copytree(
        REPO / "funcls", target / "funcls", ignore=shutil.ignore_patterns("__pycache__")
    )
    return target


def load() -> str:
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and of its children still running (the app
    processes), from /proc; 0 for one that is gone."""
    total = 0.0
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / TICK
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            children = [int(c) for c in f.read().split()]
    except (OSError, ValueError, IndexError):
        return total
    return total + sum(cpu_seconds(child) for child in children)


def first_200(source: Path, work: Path, bytecode: bool) -> tuple[float, float]:
    """Seconds from the command to the first 200 of PATH, and the CPU seconds the runner
    and its app processes had spent by then."""
    app = work / f"app-{time.monotonic_ns()}"
    shutil.copytree(SAMPLE, app, ignore=shutil.ignore_patterns(".funcls", "__pycache__"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONUNBUFFERED", "PYTHONPATH")}
    env["PYTHONPATH"] = str(source)
    if not bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    command = [sys.executable, "-m", "funcls", "run", str(app), "--port", str(port)]
    url = f"http://127.0.0.1:{port}{PATH}"
    with open(work / "run.log", "ab") as log:
        started = time.perf_counter()
        # `python -m` puts the working directory first on the path: the copy's funcls runs.
        process = subprocess.Popen(
            [*command, "--no-reload"], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=source
        )
    try:
        while time.perf_counter() - started < 60:
            if status(url) == 200:
                return time.perf_counter() - started, cpu_seconds(process.pid)
            if process.poll() is not None:
                raise RuntimeError(f"funcls run exited; see {work / 'run.log'}")
            time.sleep(0.002)
        raise RuntimeError(f"{url} did not answer 200 within 60 s")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def floor(code: str) -> tuple[float, float]:
    """Seconds and CPU seconds of ``python -c code`` from start to exit."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code])
    _, status_, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status_)
    if process.returncode != 0:
        raise RuntimeError(f"python -c {code!r} exited with {process.returncode}")
    return elapsed, usage.ru_utime + usage.ru_stime


def app_process_alone(source: Path, work: Path, bytecode: bool) -> tuple[float, float]:
    """Seconds from starting this tree's app process on a fresh copy of the sample to its
    first message to the runner, and its CPU seconds by then."""
    app = work / f"alone-{time.monotonic_ns()}"
    shutil.copytree(SAMPLE, app, ignore=shutil.ignore_patterns(".funcls", "__pycache__"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(source)
    if not bytecode:  # as first_200: no .pyc written into the copy the runs use
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    parent, child = socket.socketpair()
    command = [sys.executable, "-m", "funcls.runner.worker", "--root", str(app)]
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, "--fd", str(child.fileno())],
        pass_fds=(child.fileno(),),
        env=env,
        cwd=str(app),
        stdin=subprocess.DEVNULL,
    )
    child.close()
    try:
        parent.settimeout(60)
        parent.recv(1)
        return time.perf_counter() - started, cpu_seconds(process.pid)
    finally:
        parent.close()
        process.kill()
        process.wait(10)


FLOORS = {
    "interpreter + import azure.functions": "import azure.functions",
    "interpreter alone": "pass",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", metavar="COMMIT", required=True)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--bytecode", action="store_true", help="byte-compile both first")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="funcls-bench-start-") as tmp:
        work = Path(tmp)
        sources = {
            args.against: export_commit(args.against, work / "commit"),
            "this tree": export_tree(work / "tree"),
        }
        if args.bytecode:
            for source in sources.values():
                compileall.compile_dir(str(source / "funcls"), quiet=1)
        before = load()
        times: dict[str, list[float]] = {label: [] for label in sources}
        cpu: dict[str, list[float]] = {label: [] for label in sources}
        floors: dict[str, list[tuple[float, float]]] = {label: [] for label in FLOORS}
        floors["this tree's app process alone, to its first message"] = []
        for _ in range(args.rounds):
            for label, source in sources.items():
                elapsed, spent = first_200(source, work, args.bytecode)
                times[label].append(elapsed)
                cpu[label].append(spent)
            for label, code in FLOORS.items():
                floors[label].append(floor(code))
            floors["this tree's app process alone, to its first message"].append(
                app_process_alone(sources["this tree"], work, args.bytecode)
            )
        after = load()
    how = "bytecode compiled beforehand" if args.bytecode else "compiled from source each start"
    print(f"command to first HTTP 200, samples/v2-app, {how}; load average {before} -> {after}")
    for label, values in times.items():
        shown = ", ".join(f"{v * 1000:.0f}" for v in values)
        print(
            f"  {label}: median {statistics.median(values) * 1000:.0f} ms ({shown}); CPU of "
            f"the runner and its app process by then, median "
            f"{statistics.median(cpu[label]) * 1000:.0f} ms"
        )
    for label, pairs in floors.items():
        print(
            f"  {'' if label.startswith('this tree') else 'floor, '}{label}: median "
            f"{statistics.median(p[0] for p in pairs) * 1000:.0f} ms, "
            f"CPU {statistics.median(p[1] for p in pairs) * 1000:.0f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
