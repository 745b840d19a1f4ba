"""The first rename that asks jedi, and the next one: this tree's funcls against a commit's.

    python bench/bench_rename_cold.py [--against COMMIT] [--rounds 7] [--wait 3]

A copy of samples/v2-app; each round starts the server (VS Code's recorded capabilities),
opens orders_bp.py, waits for its diagnostics and ``--wait`` seconds more (a person reads
before renaming), then renames the queue trigger's binding ``msg`` (the binding, the parameter
and its uses in the body: jedi's references, ``rename.body_uses``) twice, timing each round
trip. Also the server's CPU time from spawn to just before the first rename (the warm-up is
spent there, not at the rename), in the first rename, and its RSS just before the first rename
(what loading jedi ahead costs a session that never renames). The variants alternate, the first
changing every round; medians with min–max, and the load before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_lsp import Server, cpu_ms, position_of, uri
from commits import export_commit

REPO = Path(__file__).resolve().parents[1]


def rss_mb(pid: int) -> float:
    """The process's resident set now (VmRSS), in MB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def one_round(env: dict[str, str], app: Path, cwd: str, wait: float) -> list[float]:
    bp = app / "orders_bp.py"
    text = bp.read_text()
    server = Server("funcls", [sys.executable, "-m", "funcls", "--stdio"], env=env, cwd=cwd)
    await server.start(app.parent)
    server.open(bp, text, "python")
    await server.wait_published(bp, 0.0, None, timeout=120)
    await asyncio.sleep(wait)
    cpu_before = cpu_ms(server.pid)
    rss_before = rss_mb(server.pid)
    pos = position_of(text, 'arg_name="msg"', len('arg_name="'))
    times = []
    for new in ("message", "msg2"):
        began = time.perf_counter()
        edit = await server.client.text_document_rename_async(
            types.RenameParams(types.TextDocumentIdentifier(uri(bp)), pos, new)
        )
        times.append((time.perf_counter() - began) * 1000)
        assert edit is not None, "the rename answered no edit"
        if len(times) == 1:
            cpu_first = cpu_ms(server.pid) - cpu_before
    await server.stop()
    return [*times, cpu_before, cpu_first, rss_before]


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        folder = base / "ws" / "v2-app"
        shutil.copytree(REPO / "samples" / "v2-app", folder)
        variants = {"this tree": {**os.environ, "PYTHONPATH": str(REPO)}}
        if args.against:
            old = export_commit(args.against, base / "old")
            variants = {args.against: {**os.environ, "PYTHONPATH": str(old)}, **variants}
        got: dict[str, list[list[float]]] = {v: [] for v in variants}
        print(f"load before: {os.getloadavg()[0]:.1f}")
        for r in range(args.rounds):
            order = list(variants) if r % 2 == 0 else list(reversed(variants))
            for name in order:
                # cwd outside the repository: `python -m` puts the cwd first on sys.path.
                got[name].append(await one_round(variants[name], folder, tmp, args.wait))
        print(f"load after: {os.getloadavg()[0]:.1f}")
        labels = (
            "first rename (jedi) round trip (ms)",
            "second rename round trip (ms)",
            "server CPU spawn → before the first rename (ms)",
            "server CPU in the first rename (ms)",
            "server RSS before the first rename (MB)",
        )
        for name, rounds in got.items():
            for i, label in enumerate(labels):
                values = [r[i] for r in rounds]
                print(
                    f"{name:>12}  {label:<48} median {statistics.median(values):6.0f} "
                    f"({min(values):.0f}–{max(values):.0f}), {len(values)} rounds"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", help="a commit to run first, alternately")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--wait", type=float, default=3.0, help="seconds before the rename")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
