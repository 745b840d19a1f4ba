"""How long AZF602's "is local.settings.json tracked?" takes, now read from .git/index in
Python (funcls.model.gitindex), against what it used to cost: a `git ls-files -z` process.

    python bench/bench_gitindex.py [--files 20000] [--runs 7]

Builds a throw-away repository of FILES paths (nested folders, shared prefixes) with the real
git (this script runs git; funcls does not), for index versions 2 and 4, and prints the
median of RUNS for: parsing the whole index cold (no cache), the cached answer (same index
file), and `git ls-files -z` with fsmonitor off.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from funcls.model import gitindex


def git(root: Path, *args: str) -> bytes:
    return subprocess.run(
        ["git", "-C", str(root), "-c", "core.fsmonitor=false", *args],
        check=True,
        capture_output=True,
    ).stdout


def build(root: Path, files: int) -> None:
    git(root, "init", "-q")
    for i in range(files):
        p = root / f"pkg{i % 50}" / f"module_{i // 50 % 40}" / f"file_number_{i}.py"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("")
    (root / "local.settings.json").write_text("{}")
    git(root, "add", ".")


def median_ms(fn: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build(root, args.files)
        target = str(root / "local.settings.json")
        for version in (2, 4):
            git(root, "update-index", "--index-version", str(version))
            data = (root / ".git" / "index").read_bytes()
            assert len(gitindex.parse_index(data).paths) == args.files + 1

            def cold() -> None:
                gitindex._cache.clear()
                assert gitindex.tracking(target).state == "tracked"

            def warm() -> None:
                assert gitindex.tracking(target).state == "tracked"

            def ls_files() -> None:
                git(root, "ls-files", "-z")

            print(
                f"index v{version}, {args.files + 1} entries, {len(data) // 1024} KiB: "
                f"parse cold {median_ms(cold, args.runs):.1f} ms, "
                f"cached {median_ms(warm, args.runs):.3f} ms, "
                f"git ls-files {median_ms(ls_files, args.runs):.1f} ms "
                f"(median of {args.runs}, {os.cpu_count()} CPUs)"
            )


if __name__ == "__main__":
    main()
