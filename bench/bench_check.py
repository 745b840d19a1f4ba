"""Time of `funcls check` over the generated 1,000-function workspace (half v1, half v2).

    python bench/bench_check.py [--functions 1000] [--apps 20] [--runs 7]

Each run is a fresh `python -m funcls check WORKSPACE` process, so the time includes the
interpreter start, imports, indexing and every rule (cold: nothing cached). A second child
splits one run into its phases (imports, indexing, rules) from inside the process. The
workspace is generated correct, so the command must find nothing and exit 0; the benchmark
fails otherwise. Target (issue 3): < 2 s.

The bytecode is compiled once into a private cache before the timed runs (as an installed
package has it), the processes run from outside the repository with this tree first on the
path, and the CPU time (user + system) is printed beside the wall time: it moves much less
with the load other jobs put on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_workspace import generate

PHASES = r"""
import gc, json, sys, time
gc.disable()  # as `funcls check` does (funcls/cli.py, one-shot commands)
t0 = time.perf_counter()
import funcls.cli
funcls.cli.build_parser()
t1 = time.perf_counter()
from funcls.checks import CheckConfig, check_app
from funcls.commands.common import load_apps
apps = load_apps([sys.argv[1]])
t2 = time.perf_counter()
found = [f for a in apps for f in check_app(a, CheckConfig(), raise_errors=True)]
t3 = time.perf_counter()
print(json.dumps({"imports_s": t1 - t0, "index_s": t2 - t1, "rules_s": t3 - t2,
                  "apps": len(apps), "functions": sum(len(a.functions) for a in apps),
                  "findings": len(found)}))
"""


REPO = Path(__file__).resolve().parent.parent


def child_env(tmp: Path) -> dict[str, str]:
    """Bytecode compiled once into a private cache (as an installed package has it; the first,
    untimed run writes it), and this tree's funcls first on the path."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    env["PYTHONPATH"] = str(REPO)
    return env


def run_check(ws: Path, tmp: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one `funcls check` process, run from outside the repository
    (``python -m`` puts the working folder first on the path)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "funcls", "check", "--quiet", str(ws)],
        capture_output=True,
        text=True,
        env=child_env(tmp),
        cwd=tmp,
    )
    elapsed = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if proc.returncode != 0 or proc.stdout.strip():
        raise SystemExit(
            f"funcls check found problems in the generated workspace (exit {proc.returncode}):\n"
            f"{proc.stdout}{proc.stderr}"
        )
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--functions", type=int, default=1000)
    parser.add_argument("--apps", type=int, default=20)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        ws = generate(tmp / "ws", args.functions, args.apps)
        run_check(ws, tmp)  # warm the OS file cache and compile the bytecode, not funcls
        runs = [run_check(ws, tmp) for _ in range(args.runs)]
        wall = [r[0] for r in runs]
        cpu = [r[1] for r in runs]
        out = subprocess.run(
            [sys.executable, "-c", PHASES, str(ws)],
            capture_output=True,
            text=True,
            check=True,
            env=child_env(tmp),
            cwd=tmp,
        )
        phases = json.loads(out.stdout)
    print(
        f"workspace: {phases['functions']} functions in {phases['apps']} apps; "
        f"findings: {phases['findings']} (exit code 0)"
    )
    print(f"{'metric':<44} {'median':>9} {'min':>9} {'max':>9}")
    print(
        f"{'`python -m funcls check WS`, wall (cold)':<44} {statistics.median(wall):>8.3f}s "
        f"{min(wall):>8.3f}s {max(wall):>8.3f}s"
    )
    print(
        f"{'same, CPU time (user + system)':<44} {statistics.median(cpu):>8.3f}s "
        f"{min(cpu):>8.3f}s {max(cpu):>8.3f}s"
    )
    print(f"one run split in phases, inside the process ({args.runs} runs above):")
    for key, label in (
        ("imports_s", "imports and CLI set-up"),
        ("index_s", "indexing every app"),
        ("rules_s", "every rule over every app"),
    ):
        print(f"  {label:<42} {phases[key]:>8.3f}s")


if __name__ == "__main__":
    main()
