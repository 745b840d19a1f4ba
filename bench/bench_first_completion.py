"""The first completion in a new function.json, and the next ones, through the server.

    python bench/bench_first_completion.py [--rounds 5] [--wait 2] [--pause 0] [--unsaved]
                                           [--against COMMIT]

A copy of samples/v1-app; each round starts the server (bench_lsp.Server: VS Code's recorded
capabilities), opens get_product/__init__.py, waits for its diagnostics and ``--wait``
seconds more (the user goes on to make a function), then opens a new function folder's
function.json as typed so far (on disk, or with ``--unsaved`` only in the editor, its folder
not made yet, as Emacs' ``C-x C-f`` of a new file) and, after ``--pause`` seconds, asks for
completion three times at the cursor after ``{"type": "httpTrigger", "`` (property names),
timing each round trip, then once for a ``"type": "`` value. With ``--against``, the same
rounds with a commit's funcls (git archive), alternating. Medians with min-max per request,
and the load average before and after.
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
from bench_lsp import Server, position_of, uri
from commits import export_commit

REPO = Path(__file__).resolve().parents[1]
TYPED = '{\n  "bindings": [\n    {"type": "httpTrigger", "‸"}\n  ]\n}\n'
TYPED_VALUE = '{\n  "bindings": [\n    {"type": "‸"}\n  ]\n}\n'


async def complete(server: Server, path: Path, text: str) -> tuple[float, int]:
    at = position_of(text, "‸")
    began = time.perf_counter()
    result = await server.client.text_document_completion_async(
        types.CompletionParams(
            types.TextDocumentIdentifier(uri(path)),
            at,
            types.CompletionContext(types.CompletionTriggerKind.Invoked),
        )
    )
    took = (time.perf_counter() - began) * 1000
    items = result.items if isinstance(result, types.CompletionList) else (result or [])
    return took, len(items)


async def one_round(
    env: dict[str, str], cwd: str, tmp: Path, wait: float, on_disk: bool, pause: float
) -> list[float]:
    ws = Path(tempfile.mkdtemp(dir=tmp))
    app = ws / "v1-app"
    shutil.copytree(REPO / "samples" / "v1-app", app)
    script = app / "get_product" / "__init__.py"
    server = Server("funcls", [sys.executable, "-m", "funcls", "--stdio"], env=env, cwd=cwd)
    await server.start(ws)
    server.open(script, script.read_text(), "python")
    await server.wait_published(script, 0.0, None, timeout=120)
    await asyncio.sleep(wait)
    new = app / "list_items" / "function.json"
    if on_disk:
        new.parent.mkdir()
        new.write_text(TYPED.replace("‸", ""))
    server.client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri(new), "json", 1, TYPED.replace("‸", ""))
        )
    )
    await asyncio.sleep(pause)
    times = []
    for _ in range(3):
        took, count = await complete(server, new, TYPED)
        assert count > 0, "no items"
        times.append(took)
    server.client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=2, uri=uri(new)),
            [types.TextDocumentContentChangeWholeDocument(TYPED_VALUE.replace("‸", ""))],
        )
    )
    took, count = await complete(server, new, TYPED_VALUE)
    assert count > 0, "no type values"
    times.append(took)
    await server.stop()
    shutil.rmtree(ws, ignore_errors=True)
    return times


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):7.1f} ms ({min(values):.1f}-{max(values):.1f})"


async def main_async(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-first-completion-"))
    variants: dict[str, tuple[dict[str, str], str]] = {"this tree": (dict(os.environ), str(REPO))}
    if args.against:
        tree = export_commit(args.against, tmp / "against")
        env = dict(os.environ, PYTHONPATH=str(tree))
        variants[args.against] = (env, str(tree))
    results: dict[str, list[list[float]]] = {name: [] for name in variants}
    print(f"load before: {os.getloadavg()[0]:.2f}")
    names = list(variants)
    for r in range(args.rounds):
        order = names if r % 2 == 0 else names[::-1]
        for name in order:
            env, cwd = variants[name]
            results[name].append(
                await one_round(env, cwd, tmp, args.wait, not args.unsaved, args.pause)
            )
    print(f"load after: {os.getloadavg()[0]:.2f}")
    labels = ["1st property names", "2nd property names", "3rd property names", "1st type values"]
    for name, rounds in results.items():
        print(f"{name} ({args.rounds} rounds):")
        for i, label in enumerate(labels):
            print(f"  {label:20} {summary([r[i] for r in rounds])}")
    shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--wait", type=float, default=2.0)
    parser.add_argument(
        "--pause", type=float, default=0.0, help="seconds between the didOpen and the first request"
    )
    parser.add_argument(
        "--unsaved",
        action="store_true",
        help="the new function.json and its folder not on disk (an editor's new buffer)",
    )
    parser.add_argument("--against", help="a commit to compare with (git archive)")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
