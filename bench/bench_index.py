"""Time and peak memory of indexing a 1,000-function workspace (half v1, half v2, 20 apps).

    python bench/bench_index.py [--functions 1000] [--apps 20] [--runs 5]

Each run is a fresh process (cold: no parse cache). Prints the indexing time measured inside
the process, the whole `funcls index` command time (interpreter start included), and the
child's peak RSS. Targets (issue 2): < 1 s and < 100 MB.

The floor (issue 16): a process that only reads and parses every file of the workspace with
the standard library (``json.loads`` for the JSON files, ``ast.parse`` for the Python ones),
interpreter start included, timed the same way. `funcls index` and `funcls check` are printed
as a multiple of it; the target is at most 3x.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_workspace import generate

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from funcls.model.workspace import Workspace
t1 = time.perf_counter()
ws = Workspace([sys.argv[1]])
apps = ws.index_all()
t2 = time.perf_counter()
n = sum(len(a.functions) for a in apps.values())
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"import_s": t1 - t0, "index_s": t2 - t1, "functions": n, "apps": len(apps),
                  "rss_mb": rss, "problems": sum(len(a.problems) for a in apps.values())}))
"""


FLOOR = r"""
import ast, json, os, sys
for d, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [x for x in dirs if not x.startswith(".") and x != "__pycache__"]
    for name in files:
        path = os.path.join(d, name)
        if name.endswith(".json"):
            with open(path, encoding="utf-8") as f:
                json.loads(f.read())
        elif name.endswith(".py"):
            with open(path, encoding="utf-8") as f:
                ast.parse(f.read(), path)
"""


def wall(command: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(command, capture_output=True, check=True)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--functions", type=int, default=1000)
    parser.add_argument("--apps", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = generate(Path(tmp) / "ws", args.functions, args.apps)
        results = []
        index_wall: list[float] = []
        check_wall: list[float] = []
        floor: list[float] = []
        for _ in range(args.runs):
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(ws)], capture_output=True, text=True, check=True
            )
            results.append(json.loads(out.stdout))
            floor.append(wall([sys.executable, "-c", FLOOR, str(ws)]))
            index_wall.append(
                wall([sys.executable, "-m", "funcls", "index", str(ws), "--format", "json"])
            )
            check_wall.append(wall([sys.executable, "-m", "funcls", "check", str(ws)]))
    r0 = results[0]
    print(
        f"workspace: {r0['functions']} functions in {r0['apps']} apps "
        f"({args.functions // 2} v1 + {args.functions // 2} v2 requested); "
        f"problems found: {r0['problems']}"
    )
    idx = [r["index_s"] for r in results]
    imp = [r["import_s"] for r in results]
    rss = [r["rss_mb"] for r in results]
    print(f"{'metric':<40} {'median':>10} {'min':>10} {'max':>10}")
    for name, vals, unit in (
        ("index time, in process (cold)", idx, "s"),
        ("import funcls.model", imp, "s"),
        ("`funcls index --format json`, wall", index_wall, "s"),
        ("`funcls check`, wall", check_wall, "s"),
        ("floor: read + parse with stdlib, wall", floor, "s"),
        ("peak RSS of the indexing process", rss, "MB"),
    ):
        print(
            f"{name:<40} {statistics.median(vals):>9.3f}{unit} {min(vals):>9.3f}{unit} "
            f"{max(vals):>9.3f}{unit}"
        )
    base = statistics.median(floor)
    for name, vals in (("funcls index", index_wall), ("funcls check", check_wall)):
        print(f"{name} / floor (medians): {statistics.median(vals) / base:.1f}x (target <= 3x)")


if __name__ == "__main__":
    main()
