"""Time and peak memory of indexing a 1,000-function workspace (half v1, half v2, 20 apps).

    python bench/bench_index.py [--functions 1000] [--apps 20] [--runs 5]

Each run is a fresh process (cold: no parse cache). Prints the indexing time measured inside
the process, the whole `funcls index` command time (interpreter start included), and the
child's peak RSS. Targets (issue 2): < 1 s and < 100 MB.
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--functions", type=int, default=1000)
    parser.add_argument("--apps", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = generate(Path(tmp) / "ws", args.functions, args.apps)
        results = []
        wall = []
        for _ in range(args.runs):
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(ws)], capture_output=True, text=True, check=True
            )
            results.append(json.loads(out.stdout))
            t = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "funcls", "index", str(ws), "--format", "json"],
                capture_output=True,
                check=True,
            )
            wall.append(time.perf_counter() - t)
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
        ("`funcls index --format json`, wall", wall, "s"),
        ("peak RSS of the indexing process", rss, "MB"),
    ):
        print(
            f"{name:<40} {statistics.median(vals):>9.3f}{unit} {min(vals):>9.3f}{unit} "
            f"{max(vals):>9.3f}{unit}"
        )


if __name__ == "__main__":
    main()
