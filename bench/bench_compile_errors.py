"""What AZF603's compile pass adds to `funcls check` on the 1,000-function bench workspace.

    python bench/bench_compile_errors.py [--functions 1000] [--apps 20] [--runs 7]

Compiles (``funcls.checks.compile_errors.compile_error``) every module the worker imports in
each app of the workspace bench_index.py generates, cold (answers kept per text dropped) and
again with the answers kept (what the language server pays for a module whose text did not
change). Prints the minimum process time of the runs, beside ``ast.parse`` of the same texts
for scale.
"""

from __future__ import annotations

import argparse
import ast
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_workspace import generate

from funcls.checks import compile_errors
from funcls.checks.packaging import _imported_modules
from funcls.model.workspace import Workspace


def best(
    runs: int, work: Callable[[], object], before: Callable[[], object] = lambda: None
) -> float:
    times = []
    for _ in range(runs):
        before()
        t = time.process_time()
        work()
        times.append(time.process_time() - t)
    return min(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--functions", type=int, default=1000)
    parser.add_argument("--apps", type=int, default=20)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = generate(Path(tmp) / "ws", args.functions, args.apps)
        apps = Workspace([str(ws)]).index_all()
        modules = [(p, Path(p).read_text()) for a in apps.values() for p in _imported_modules(a)]
    texts = [t for _p, t in modules]
    print(f"{len(texts)} modules the worker imports, {sum(map(len, texts)):,} characters")
    cold = best(
        args.runs,
        lambda: [compile_errors.compile_error(p, t) for p, t in modules],
        lambda: (compile_errors._cache.clear(), compile_errors._by_text.clear()),
    )
    kept = best(args.runs, lambda: [compile_errors.compile_error(p, t) for p, t in modules])
    parse = best(args.runs, lambda: [ast.parse(t) for t in texts])
    print(f"compile pass, cold:          {cold:7.2f} ms")
    print(f"compile pass, answers kept:  {kept:7.3f} ms")
    print(f"ast.parse of the same texts: {parse:7.2f} ms")


if __name__ == "__main__":
    main()
