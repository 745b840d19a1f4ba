"""AZF609 over the real-world corpus: how many modules it reads, how many it has to parse,
what it finds, and its CPU time beside AZF606's (the peer: the same walk over the modules the
worker imports).

    .venv/bin/python scripts/build_corpus.py          # once: rebuild /tmp/funcls-corpus
    .venv/bin/python bench/bench_decorator_names.py [--corpus /tmp/funcls-corpus]

For every app root, on one loaded app: AZF606 alone, then AZF609 alone (as in a check, after
AZF606: the module names it read are remembered by text), then both again (the language
server's next check, modules unchanged). Prints the modules AZF609 walked, those with a
decorator name the module's statements do not bind (parsed then), the findings and the
checkers' total CPU time. The machine is shared: give `uptime` with the numbers.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from funcls.checks import decorator_names as rule  # noqa: E402
from funcls.checks import engine  # noqa: E402
from funcls.checks import imported_names as peer  # noqa: E402
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
    walked = parsed = 0
    real_reach, real_body = rule.reach, rule._body

    def counting_reach(resolver, starts):  # type: ignore[no-untyped-def]
        nonlocal walked
        order, reached = real_reach(resolver, starts)
        walked += len(order)
        return order, reached

    def counting_body(ctx, path, text):  # type: ignore[no-untyped-def]
        nonlocal parsed
        parsed += 1
        return real_body(ctx, path, text)

    rule.reach = counting_reach  # type: ignore[assignment]
    rule._body = counting_body  # type: ignore[assignment]
    findings = 0
    times = {("AZF606", "cold"): 0.0, ("AZF609", "cold"): 0.0}
    times |= {("AZF606", "warm"): 0.0, ("AZF609", "warm"): 0.0}
    for record in manifest["roots"]:
        app = load_app(str(corpus / record["path"]), Source())
        for phase in ("cold", "warm"):
            for code, check in (("AZF606", peer.imported_names), ("AZF609", rule.decorator_names)):
                ctx = Context(app)
                start = time.process_time()
                check(ctx)
                times[code, phase] += time.process_time() - start
                if phase == "cold" and code == "AZF609":
                    findings += len(ctx.findings)
    print(f"corpus: {len(manifest['roots'])} app roots")
    print(f"modules AZF609 walked (cold and warm): {walked}; parsed for a closer look: {parsed}")
    print(f"AZF609 findings: {findings}")
    for phase in ("cold", "warm"):
        print(
            f"checker CPU time, all roots, {phase}: AZF606 {times['AZF606', phase] * 1000:.0f} ms,"
            f" AZF609 {times['AZF609', phase] * 1000:.0f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
