"""The VS Code extension's package and its bundled server.

    python bench/bench_vsix.py [--runs 3]

Prints, for `npm --workspace client-vscode run package` split into its steps: the time of
`bundle` (pip installs the server's pure-Python wheels into bundled/libs, from pip's cache
after the first run), `build` (esbuild) and `vsce package`; the .vsix's size and file count;
then, in a fresh venv made here (no funcls installed) with PYTHONPATH on the bundled
libraries, the time of the extension's start-up probe (version and top-level packages looked
up, nothing imported) and of importing the server (what `python -m funcls --stdio` does before
it answers initialize). Needs node, npm ci done, and python3 with pip.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXT = REPO / "client-vscode"
PROBE = (  # as client-vscode/src/python.ts PROBE
    "import importlib.util, sys\nprint('funcls-probe', *sys.version_info[:2])\n"
    "print([m for m in ('funcls', 'pygls', 'lsprotocol', 'cattrs', 'attrs', 'jedi')"
    " if importlib.util.find_spec(m) is None])\n"
)
SERVER_IMPORT = "import funcls.lsp.server, funcls.lsp.handlers"


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    steps = {
        "bundle (pip --target)": ["npm", "run", "bundle"],
        "build (esbuild)": ["npm", "run", "build"],
        "vsce package": ["npx", "vsce", "package", "--no-dependencies", "--out", "funcls.vsix"],
    }
    for name, cmd in steps.items():
        times = [timed(cmd, EXT) for _ in range(args.runs)]
        runs = ", ".join(f"{t:.2f}" for t in times)
        print(f"{name:24} median {statistics.median(times):6.2f} s  (runs: {runs})")
    vsix = EXT / "funcls.vsix"
    with zipfile.ZipFile(vsix) as z:
        files = len(z.namelist())
    print(f"{'funcls.vsix':24} {vsix.stat().st_size / 1e6:6.2f} MB, {files} files")

    with tempfile.TemporaryDirectory() as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        python = str(venv / "bin" / "python")
        env = {**os.environ, "PYTHONPATH": str(EXT / "bundled" / "libs")}
        for name, program in (("start-up probe", PROBE), ("server import", SERVER_IMPORT)):
            times = [
                timed([python, "-c", program], Path(tmp), env) for _ in range(max(args.runs, 5))
            ]
            print(f"{name:24} median {statistics.median(times) * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
