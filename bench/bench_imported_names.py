"""AZF606 over the real-world corpus: how many imported names it looks up, what it finds, and
what it costs.

    .venv/bin/python scripts/build_corpus.py          # once: rebuild /tmp/funcls-corpus
    .venv/bin/python bench/bench_imported_names.py [--corpus /tmp/funcls-corpus]

For every app root of the corpus, the AZF606 checker alone runs twice on one loaded app: cold
(every module parsed) and warm (as on the language server's next check, modules unchanged).
Prints the names imported from the app's own modules that were looked up, how many of those
modules' names funcls cannot know (no finding then), the findings, and the checker's total
CPU time, cold and warm.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from funcls.checks import engine  # noqa: E402
from funcls.checks import imported_names as rule  # noqa: E402
from funcls.checks.context import Context  # noqa: E402
from funcls.model.loader import load_app  # noqa: E402
from funcls.model.source import Source  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default="/tmp/funcls-corpus")
    args = ap.parse_args(argv)
    corpus = Path(args.corpus)
    manifest = json.loads((corpus / "manifest.json").read_text())
    engine.rules()  # registers every rule
    looked_up = unknowable = 0
    real_known = rule._Resolver.known

    def counting(
        self: rule._Resolver, path: str, seen: frozenset[str] = frozenset()
    ) -> set[str] | None:
        nonlocal looked_up, unknowable
        names = real_known(self, path, seen)
        if not seen:
            looked_up += 1
            unknowable += names is None
        return names

    rule._Resolver.known = counting  # type: ignore[method-assign]
    findings = 0
    times = {"cold": 0.0, "warm": 0.0}
    rule._module_names.cache_clear()
    for record in manifest["roots"]:
        app = load_app(str(corpus / record["path"]), Source())
        for phase in ("cold", "warm"):
            ctx = Context(app)
            start = time.process_time()
            rule.imported_names(ctx)
            times[phase] += time.process_time() - start
            if phase == "cold":
                findings += len(ctx.findings)
    looked_up //= 2
    unknowable //= 2
    print(f"corpus: {len(manifest['roots'])} app roots")
    print(f"names imported from the app's own modules, looked up: {looked_up}")
    print(f"  in modules whose names funcls cannot know (no finding): {unknowable}")
    print(f"AZF606 findings: {findings}")
    print(
        f"checker CPU time, all roots: cold {times['cold'] * 1000:.0f} ms, warm "
        f"{times['warm'] * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
