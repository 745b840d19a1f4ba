"""Time and peak memory of indexing a 1,000-function workspace (half v1, half v2, 20 apps).

    python bench/bench_index.py [--functions 1000] [--apps 20] [--runs 5]

Each run is a fresh process (cold: no parse cache). Prints the indexing time measured inside
the process, the whole `funcls index` command time (interpreter start included), and the
child's peak RSS. Targets (issue 2): < 1 s and < 100 MB.

The floor (issue 16): a process that only reads and parses every file of the workspace with
the standard library (``json.loads`` for the JSON files, ``ast.parse`` for the Python ones),
interpreter start included, timed the same way. `funcls index` and `funcls check` are printed
as a multiple of it; the target is at most 3x.

Every process runs with its bytecode compiled beforehand (a private ``PYTHONPYCACHEPREFIX``,
filled by one untimed run of each command, as ``pip install`` compiles an installed package),
from a folder outside the repository (``python -m`` puts the working folder first on the path)
with ``PYTHONPATH`` naming the tree measured. Besides the wall time it prints each process's
CPU time (user + system): on a machine shared with other jobs the wall time moves with their
load, the CPU time much less, so both ratios are printed.

``--compare COMMIT`` also times that commit's funcls (extracted with ``git archive``) in the
same rounds, alternating with this tree: before and after in one run. ``--tree DIR`` times the
funcls of DIR (a folder holding ``funcls/``) instead of this repository's: a copy of a commit,
when others' unfinished changes share the working tree. ``--compare-tree DIR`` times the funcls
of DIR too, in the same rounds (a commit with one's own changes taken back, when others'
commits came in between).

``--instructions`` also counts, once per command, the instructions each process executes
(valgrind's callgrind, with ``PYTHONHASHSEED=0``): the same count on every run whatever the
machine's load, so a change of a few milliseconds shows on a machine whose CPU times move by
more than that. It is a proxy: the floor's work is mostly C (the parser), which runs more
instructions per cycle than funcls' Python, so the ratio of instructions is higher than the
ratio of CPU times.

The default workspace repeats texts: its v1 folders come from 7 templates, as ``func new``
makes them (540 Python files, 38 distinct texts). ``--unique-texts`` measures a copy whose
every file is a text of its own (``gen_workspace.py --unique-texts``), where sharing the work
of one text between files gains nothing; ``--both`` measures the two workspaces in the same
rounds and prints each one's ratios, so that a gain made only on repeated texts shows.
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


REPO = Path(__file__).resolve().parent.parent
FLOOR_NAME = "floor: read + parse with stdlib"


def extract(commit: str, dest: Path) -> Path:
    """``funcls/`` of ``commit`` under ``dest`` (for ``PYTHONPATH``)."""
    dest.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", commit, "funcls"], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


class Runner:
    """Runs commands as described above; ``run`` gives (wall seconds, CPU seconds)."""

    def __init__(self, tmp: Path) -> None:
        self.cwd = tmp
        self.env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        self.env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        self.env.pop("PYTHONPATH", None)

    def run(self, command: list[str], tree: Path, check: bool = True) -> tuple[float, float]:
        env = dict(self.env, PYTHONPATH=str(tree))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        proc = subprocess.run(command, cwd=self.cwd, env=env, capture_output=True)
        elapsed = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if check and proc.returncode != 0:
            raise SystemExit(f"{command} failed:\n{proc.stdout.decode()}{proc.stderr.decode()}")
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        return elapsed, cpu

    def instructions(self, command: list[str], tree: Path) -> int:
        """The instructions ``command`` executes, counted by valgrind's callgrind."""
        env = dict(self.env, PYTHONPATH=str(tree), PYTHONHASHSEED="0")
        proc = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
            cwd=self.cwd,
            env=env,
            capture_output=True,
            text=True,
        )
        for line in proc.stderr.splitlines():
            if "Collected :" in line:
                return int(line.rsplit(":", 1)[1].strip())
        raise SystemExit(f"valgrind gave no count for {command}:\n{proc.stderr[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--functions", type=int, default=1000)
    parser.add_argument("--apps", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--compare", metavar="COMMIT", help="time this commit's funcls too")
    parser.add_argument("--tree", type=Path, default=REPO, help="the funcls tree to time")
    parser.add_argument(
        "--compare-tree",
        type=Path,
        metavar="DIR",
        help="time the funcls of DIR too (a folder holding funcls/), e.g. a commit with some "
        "changes taken back",
    )
    texts = parser.add_mutually_exclusive_group()
    texts.add_argument(
        "--unique-texts",
        action="store_true",
        help="measure a workspace whose every file's text differs from the others'",
    )
    texts.add_argument(
        "--both",
        action="store_true",
        help="measure the default workspace and the --unique-texts one in the same rounds",
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count each command's instructions once with valgrind (load-independent)",
    )
    args = parser.parse_args()
    kinds = (
        [("shared texts", False), ("unique texts", True)]
        if args.both
        else [("unique texts" if args.unique_texts else "", args.unique_texts)]
    )
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        runner = Runner(tmp)
        trees = {"": args.tree}
        if args.compare:
            trees[f" ({args.compare})"] = extract(args.compare, tmp / "before")
        if args.compare_tree:
            trees[f" ({args.compare_tree.name})"] = args.compare_tree
        workspaces = {
            title: generate(tmp / f"ws{n}", args.functions, args.apps, unique)
            for n, (title, unique) in enumerate(kinds)
        }
        commands: dict[str, dict[str, tuple[list[str], Path]]] = {}
        for title, ws in workspaces.items():
            commands[title] = {FLOOR_NAME: ([sys.executable, "-c", FLOOR, str(ws)], REPO)}
            for label, tree in trees.items():
                commands[title][f"`funcls index --format json`{label}"] = (
                    [sys.executable, "-m", "funcls", "index", str(ws), "--format", "json"],
                    tree,
                )
                commands[title][f"`funcls check`{label}"] = (
                    [sys.executable, "-m", "funcls", "check", str(ws)],
                    tree,
                )
        for each in commands.values():  # untimed: compiles the bytecode
            for command, tree in each.values():
                runner.run(command, tree)
        times = {title: {name: [] for name in each} for title, each in commands.items()}
        results: dict[str, list[dict[str, float]]] = {title: [] for title in workspaces}
        for _ in range(args.runs):
            for title, ws in workspaces.items():
                out = subprocess.run(
                    [sys.executable, "-c", CHILD, str(ws)],
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=tmp,
                    env=dict(runner.env, PYTHONPATH=str(args.tree)),
                )
                results[title].append(json.loads(out.stdout))
                for name, (command, tree) in commands[title].items():
                    times[title][name].append(runner.run(command, tree))
        counted = {
            title: (
                {name: runner.instructions(command, tree) for name, (command, tree) in each.items()}
                if args.instructions
                else {}
            )
            for title, each in commands.items()
        }
    print("load average at the end: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    for title in workspaces:
        report(title, args, results[title], times[title], counted[title])
    if len(workspaces) > 1:
        print("\nside by side, the multiple of the floor (CPU medians; instructions if counted):")
        for name in commands[kinds[0][0]]:
            if name.startswith("floor"):
                continue
            cells = []
            for title in workspaces:
                floor_cpu = statistics.median(p[1] for p in times[title][FLOOR_NAME])
                cell = f"{statistics.median(p[1] for p in times[title][name]) / floor_cpu:.2f}x"
                if counted[title]:
                    cell += f", {counted[title][name] / counted[title][FLOOR_NAME]:.2f}x"
                cells.append(f"{title} {cell}")
            print(f"  {name:<46} " + "; ".join(cells))


def report(
    title: str,
    args: argparse.Namespace,
    results: list[dict[str, float]],
    times: dict[str, list[tuple[float, float]]],
    counted: dict[str, int],
) -> None:
    """Prints one workspace's figures."""
    r0 = results[0]
    print(
        f"\nworkspace{', ' + title if title else ''}: {r0['functions']} functions in "
        f"{r0['apps']} apps ({args.functions // 2} v1 + {args.functions // 2} v2 requested); "
        f"problems found: {r0['problems']}"
    )
    idx = [r["index_s"] for r in results]
    imp = [r["import_s"] for r in results]
    rss = [r["rss_mb"] for r in results]
    print(f"{'metric':<48} {'median':>9} {'min':>9} {'max':>9}   {'CPU median':>10}")
    for name, vals, unit in (
        ("index time, in process (cold)", idx, "s"),
        ("import funcls.model", imp, "s"),
        ("peak RSS of the indexing process", rss, "MB"),
    ):
        print(
            f"{name:<48} {statistics.median(vals):>8.3f}{unit} {min(vals):>8.3f}{unit} "
            f"{max(vals):>8.3f}{unit}"
        )
    for name, pairs in times.items():
        w = [p[0] for p in pairs]
        c = [p[1] for p in pairs]
        print(
            f"{name + ', wall':<48} {statistics.median(w):>8.3f}s {min(w):>8.3f}s "
            f"{max(w):>8.3f}s   {statistics.median(c):>9.3f}s"
        )
    floor = times[FLOOR_NAME]
    base_wall = statistics.median(p[0] for p in floor)
    base_cpu = statistics.median(p[1] for p in floor)
    for name, pairs in times.items():
        if name.startswith("floor"):
            continue
        wall_x = statistics.median(p[0] for p in pairs) / base_wall
        cpu_x = statistics.median(p[1] for p in pairs) / base_cpu
        print(f"{name} / floor (medians): wall {wall_x:.1f}x, CPU {cpu_x:.1f}x (target <= 3x)")
    if counted:
        base = counted[FLOOR_NAME]
        print("instructions executed (callgrind, once each; a proxy, see the docstring):")
        for name, n in counted.items():
            print(f"  {name:<46} {n / 1e6:9.1f} M   {n / base:.2f}x the floor")


if __name__ == "__main__":
    main()
