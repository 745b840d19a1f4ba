"""The language server after random typing equals a fresh server on the same texts (issue 16).

The server moves what it built when lines are added or removed (``model.shift``, the kept
syntax tree, ``checks.wide``, the Functions view's cache), and answers hover and lenses before
an edit is indexed. One server receives a random sequence of edits of the v2 sample's two
modules as an editor sends them (ranged changes: Enter at a line's start or end, a blank line
joined, a comment line, a function pasted or deleted, a def renamed onto another's name, a
route taken from another function, a decorator's ``)`` deleted and typed back, Enter inside a
decorator's arguments, a line typed in a body). After each step a fresh server is started on
the same texts, saved; both must give the same diagnostics, code lenses, definitions of
``route_params["id"]``, hovers on every decorator and Functions view. Right after the edit,
before the diagnostics, hovers, definitions and the lenses' places must already be those."""

from __future__ import annotations

import asyncio
import json
import random
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.protocol import default_converter

from funcls.lsp.typing_hold import HOLD_MS
from tests.lsp.support import CONFIG, SAMPLES, RecordingClient, open_doc, start, uri, wait_for

FILES = ("function_app.py", "orders_bp.py")
ROUTE = re.compile(r"route=\"([^\"]*)\"")
UNSTRUCTURE = default_converter().unstructure
CLOCK = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?")


def _block(lines: list[str], d: int) -> tuple[int, int]:
    """The lines [start, end) of the decorated def at line ``d``."""
    s = d
    while s > 0 and lines[s - 1].startswith("@"):
        s -= 1
    e = d + 1
    while e < len(lines) and (
        lines[e].startswith((" ", ")")) or (lines[e] == "" and lines[e + 1 : e + 2] != [""])
    ):
        e += 1
    return s, e


def random_edit(rng: random.Random, text: str, every: str) -> tuple[int, int, int, int, str]:
    """One edit of ``text`` as a range and its new text (``every``: all files' texts)."""
    lines = text.split("\n")
    deco = [i for i, line in enumerate(lines) if line.startswith("@")]
    defs = [i for i, line in enumerate(lines) if line.startswith("def ") and i - 1 in deco]
    kind = rng.choice(
        [
            *("enter", "enter", "enter_eol", "join", "comment", "paste", "delete"),
            *("rename", "route", "break", "fix", "body", "split"),
        ]
    )
    if kind == "enter_eol":
        i = rng.randrange(10, len(lines) - 1)
        return i, len(lines[i]), i, len(lines[i]), "\n"
    if kind == "join":
        blanks = [i for i in range(10, len(lines) - 1) if lines[i] == ""]
        if blanks:
            i = rng.choice(blanks)
            return i - 1, len(lines[i - 1]), i, 0, ""
    if kind == "comment":
        i = rng.randrange(10, len(lines))
        return i, 0, i, 0, "# note\n"
    if kind in ("paste", "delete") and defs:
        s, e = _block(lines, rng.choice(defs))
        if kind == "paste":
            t, _ = _block(lines, rng.choice(defs))
            return t, 0, t, 0, "\n".join(lines[s:e]) + "\n\n\n"
        return s, 0, e, 0, ""
    if kind == "rename" and defs:
        d = rng.choice(defs)
        name = re.match(r"def (\w+)", lines[d])
        others = re.findall(r"^def (\w+)", every, re.M)
        assert name is not None
        new = rng.choice(others) if rng.random() < 0.5 else name.group(1) + "_r"
        return d, 4, d, name.end(1), new
    if kind == "route":
        routed = [i for i in deco if ROUTE.search(lines[i])]
        if routed:
            i = rng.choice(routed)
            m = ROUTE.search(lines[i])
            assert m is not None
            new = rng.choice([*ROUTE.findall(every), m.group(1) + "x"])
            return i, m.start(1), i, m.end(1), new
    if kind == "break" and deco:
        i = rng.choice(deco)
        if lines[i].endswith(")"):
            return i, len(lines[i]) - 1, i, len(lines[i]), ""
    if kind == "fix":
        for i in deco:
            if lines[i].count("(") > lines[i].count(")"):
                return i, len(lines[i]), i, len(lines[i]), ")"
    if kind == "body" and defs:
        d = rng.choice(defs)
        return d + 1, 0, d + 1, 0, "    x = 1\n"
    if kind == "split":
        wide = [i for i in deco if ", " in lines[i]]
        if wide:
            i = rng.choice(wide)
            c = lines[i].index(", ") + 1
            return i, c, i, c + 1, "\n    "
    i = rng.choice(deco) if deco else 10
    return i, 0, i, 0, "\n" * rng.randrange(1, 4)  # Enter, or lines pasted, above a decorator


def apply(text: str, edit: tuple[int, int, int, int, str]) -> str:
    sl, sc, el, ec, new = edit
    lines = text.split("\n")
    start = sum(len(x) + 1 for x in lines[:sl]) + sc
    end = sum(len(x) + 1 for x in lines[:el]) + ec
    return text[:start] + new + text[end:]


async def settled(client: RecordingClient, versions: dict[str, int], typed: float = 0.0) -> None:
    """Until each document's version is published and nothing was published for 0.4 s, the
    quiet counted from the end of the typing hold at the earliest (``typed``: the loop's time
    of the last change): findings of a keystroke's lines come ``HOLD_MS`` later
    (funcls/lsp/typing_hold.py), and the fresh server, given the texts at once, holds none."""
    seen = {"n": -1, "at": 0.0}
    loop = asyncio.get_running_loop()
    hold_ends = typed + HOLD_MS / 1000 if typed else 0.0

    def quiet() -> bool:
        done = all(
            any(p.uri == u and p.version == v for p in client.published)
            for u, v in versions.items()
        )
        if len(client.published) != seen["n"]:
            seen["n"], seen["at"] = len(client.published), loop.time()
        return done and loop.time() - max(seen["at"], hold_ends) > 0.4

    await wait_for(quiet, 60)


async def answers(
    client: RecordingClient, folder: Path, texts: dict[Path, str], quick: bool = False
) -> dict[str, Any]:
    """What the client sees, with the folder's path taken out."""
    out: dict[str, Any] = {"lenses": {}, "hover": {}, "definition": {}}
    for path, text in texts.items():
        doc = types.TextDocumentIdentifier(uri(path))
        lenses = await client.text_document_code_lens_async(types.CodeLensParams(doc)) or []
        if quick:  # before the findings a lens may offer Run where it will say "fix first"
            out["lenses"][path.name] = sorted(
                {(c.range.start.line, c.range.start.character) for c in lenses}
            )
        else:
            out["lenses"][path.name] = sorted(
                json.dumps(UNSTRUCTURE(c), sort_keys=True) for c in lenses
            )
        for i, line in enumerate(text.split("\n")):
            if line.startswith("@"):
                at = types.Position(i, 5)
                h = await client.text_document_hover_async(types.HoverParams(doc, at))
                out["hover"][f"{path.name}:{i}"] = UNSTRUCTURE(h) if h else None
            j = line.find('route_params["id"]')
            if j >= 0:
                at = types.Position(i, j + 14)
                d = await client.text_document_definition_async(types.DefinitionParams(doc, at))
                out["definition"][f"{path.name}:{i}"] = UNSTRUCTURE(d) if d else None
    if not quick:
        out["diagnostics"] = {
            path.name: sorted(
                json.dumps(UNSTRUCTURE(d), sort_keys=True)
                for d in client.diagnostics.get(uri(path), [])
            )
            for path in texts
        }
        out["view"] = await client.protocol.send_request_async("funcls/functions", {})
    text = json.dumps(out, default=UNSTRUCTURE)
    text = text.replace(uri(folder), "<folder>").replace(str(folder), "<folder>")
    # A timer's hover lists its next runs from the clock: the fresh server asks later.
    return json.loads(CLOCK.sub("<time>", text))


async def fresh_answers(tmp: Path, folder: Path, texts: dict[Path, str]) -> dict[str, Any]:
    copy = tmp / "fresh"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(folder, copy, ignore=shutil.ignore_patterns(".funcls"))
    moved = {copy / p.relative_to(folder): t for p, t in texts.items()}
    for p, t in moved.items():
        p.write_text(t)
    client = await CONFIG.start()
    try:
        await start(client, "visual-studio-code", copy)
        for p, t in moved.items():
            open_doc(client, p, t)
        await settled(client, {uri(p): 1 for p in moved})
        return await answers(client, copy, moved)
    finally:
        await client.shutdown_session()
        await client.stop()


@pytest.mark.parametrize("seed", [1, 2])
async def test_random_typing_answers_as_a_fresh_server(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    folder = tmp_path / "ws"
    shutil.copytree(SAMPLES / "v2-app", folder / "app", ignore=shutil.ignore_patterns(".funcls"))
    paths = [folder / "app" / name for name in FILES]
    texts = {p: p.read_text() for p in paths}
    versions = {uri(p): 1 for p in paths}
    client = await CONFIG.start()
    compared = 0
    try:
        await start(client, "visual-studio-code", folder)
        await client.protocol.send_request_async("funcls/functions", {})  # the view is shown
        for p in paths:
            open_doc(client, p, texts[p])
        await settled(client, versions)
        for step in range(14):
            path = rng.choice(paths)
            edit = random_edit(rng, texts[path], "\n".join(texts.values()))
            texts[path] = apply(texts[path], edit)
            versions[uri(path)] += 1
            sl, sc, el, ec, new = edit
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    types.VersionedTextDocumentIdentifier(
                        version=versions[uri(path)], uri=uri(path)
                    ),
                    [
                        types.TextDocumentContentChangePartial(
                            range=types.Range(types.Position(sl, sc), types.Position(el, ec)),
                            text=new,
                        )
                    ],
                )
            )
            typed = asyncio.get_running_loop().time()
            if rng.random() < 0.25:
                continue  # typed on before the server answered
            quick = await answers(client, folder, texts, quick=True)
            await settled(client, versions, typed)
            got = await answers(client, folder, texts)
            want = await fresh_answers(tmp_path, folder, texts)
            where = f"seed {seed}, step {step}: {path.name} {edit!r}"
            for key in want:
                assert got[key] == want[key], (where, key)
            for key in quick:
                expected = want[key]
                if key == "lenses":
                    expected = {
                        name: sorted(
                            {
                                (
                                    json.loads(c)["range"]["start"]["line"],
                                    json.loads(c)["range"]["start"]["character"],
                                )
                                for c in cs
                            }
                        )
                        for name, cs in want[key].items()
                    }
                    quick[key] = {n: [list(x) for x in v] for n, v in quick[key].items()}
                    expected = {n: [list(x) for x in v] for n, v in expected.items()}
                assert quick[key] == expected, (where, "right after the edit", key)
            compared += 1
    finally:
        await client.shutdown_session()
        await client.stop()
    assert compared >= 8
