"""Check that `funcls index` and `funcls check` say the same as another commit's funcls.

    python bench/compare_outputs.py COMMIT [--keep DIR] [--tree DIR]

Speed work (issue 16) must not change a result. This script extracts COMMIT's `funcls/` with
`git archive` into a temporary folder, then runs `python -m funcls index --format json` and
`python -m funcls check --format json` with that tree and with this one over:

* the generated benchmark workspace (`bench/gen_workspace.py`, 1,000 functions in 20 apps);
* every app under `tests/` and `samples/` (copied to a temporary folder first, so that no
  run leaves state in the repository);
* copies of those apps with their JSON files damaged in the ways people damage them (comments,
  trailing commas, a missing brace, a duplicate key, a byte-order mark, a number JSON refuses,
  a stray character, an empty file), so that the tolerant reader's answers are compared too.

Paths in the outputs are made relative to the workspace, which differs between the two runs
only by its temporary folder. Exit code 0 when every output is identical, 1 otherwise (the
first differing lines are printed).

``--tree DIR`` compares the funcls of DIR (a folder holding ``funcls/``) instead of this
repository's: a copy of a commit with only one's own changes on it, when others' unfinished
changes share the working tree.
"""

from __future__ import annotations

import argparse
import difflib
import os
import random
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_workspace import generate  # noqa: E402

SKIP_DIRS = {".venv", "__pycache__", ".funcls", "node_modules", ".git"}


def extract(commit: str, dest: Path) -> Path:
    archive = dest / "src.tar"
    with archive.open("wb") as f:
        subprocess.run(["git", "-C", str(REPO), "archive", commit, "funcls"], stdout=f, check=True)
    with tarfile.open(archive) as t:
        t.extractall(dest / "tree", filter="data")
    return dest / "tree"


def copy_apps(dest: Path) -> Path:
    """Every folder under tests/ and samples/ holding host.json or function_app.py."""
    roots: set[Path] = set()
    for top in ("tests", "samples"):
        for d, dirs, files in os.walk(REPO / top):
            dirs[:] = [x for x in dirs if x not in SKIP_DIRS]
            if "host.json" in files or "function_app.py" in files:
                roots.add(Path(d))
    for root in sorted(roots):
        if any(parent in roots for parent in root.parents):
            continue  # copied with its app
        target = dest / root.relative_to(REPO)
        shutil.copytree(root, target, ignore=shutil.ignore_patterns(*SKIP_DIRS), symlinks=True)
    return dest


DAMAGE = (
    lambda t: "// a comment\n" + t,
    lambda t: t.replace("}", ",}", 1),
    lambda t: t.rstrip().rstrip("}"),
    lambda t: t.replace("{", '{"direction": "in", "direction": "out",', 1),
    lambda t: "\ufeff" + t,
    lambda t: t.replace(":", ": 01,", 1),
    lambda t: t[: len(t) // 2] + "@" + t[len(t) // 2 :],
    lambda t: "",
    lambda t: t.replace('"', "'", 2),
    lambda t: t + "\n{}",
    lambda t: t.replace(":", ': NaN, "x":', 1),
    lambda t: t.replace('"', '"\\ud800', 1),
)


def damage(apps: Path, dest: Path) -> Path:
    shutil.copytree(apps, dest, symlinks=True)
    rng = random.Random(16)
    for i, path in enumerate(sorted(dest.rglob("*.json"))):
        if path.is_symlink() or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if rng.random() < 0.6:
            path.write_text(DAMAGE[i % len(DAMAGE)](text), encoding="utf-8")
    return dest


def run(tree: Path | None, args: list[str], ws: Path) -> str:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.pop("XDG_CACHE_HOME", None)
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    proc = subprocess.run(
        [sys.executable, "-m", "funcls", *args, str(ws)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ws,
    )
    return f"exit {proc.returncode}\n{proc.stdout}\n--- stderr\n{proc.stderr}".replace(
        str(ws), "<WS>"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("commit")
    parser.add_argument("--keep", help="keep the workspaces in this folder")
    parser.add_argument("--tree", type=Path, default=REPO, help="the funcls tree to compare")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(args.keep) if args.keep else Path(tmp_name)
        tmp.mkdir(parents=True, exist_ok=True)
        old = extract(args.commit, tmp)
        workspaces = {
            "bench": generate(tmp / "bench", 1000, 20),
            "apps": copy_apps(tmp / "apps"),
        }
        workspaces["damaged"] = damage(workspaces["apps"], tmp / "damaged")
        failed = 0
        for name, ws in workspaces.items():
            for command in (["index", "--format", "json"], ["check", "--format", "json"]):
                before = run(old, command, ws)
                after = run(args.tree, command, ws)
                label = f"{name}: funcls {' '.join(command)}"
                if before == after:
                    print(f"same   {label} ({len(after.splitlines())} lines)")
                    continue
                failed += 1
                print(f"DIFFER {label}")
                diff = difflib.unified_diff(
                    before.splitlines(), after.splitlines(), args.commit, "this tree", lineterm=""
                )
                for line in list(diff)[:40]:
                    print("   ", line)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
