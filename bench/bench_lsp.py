"""Language-server latency on the 1,000-function workspace: funcls against its peers.

    python bench/bench_lsp.py [--functions 1000] [--apps 20] [--requests 300]
                              [--peer-requests 100] [--edits 40]
    python bench/bench_lsp.py --big 1000 5000 [--modules 10] [--edits 40] [--against COMMIT]
    python bench/bench_lsp.py --compare-start COMMIT [--rounds 7]
    python bench/bench_lsp.py --reindex 1000 5000 [--edits 40]

Generates the workspace (bench/gen_workspace.py: half v1, half v2) and drives each server over
stdio with pygls' LanguageClient, initialised with VS Code's recorded capabilities (pytest-lsp):

* funcls (`python -m funcls --stdio`): spawn → initialize result and → first diagnostics of an
  opened function_app.py;
  completion and hover p50/p99 in function.json and after `@app.` in function_app.py;
  edit → published diagnostics (p50/p99, the version the edit made), in both kinds of file;
  peak RSS (VmHWM of the server process).
* jedi-language-server: the same spawn → initialize result and → first diagnostics, and
  completion after `@app.`.
* vscode-json-language-server (node_modules/.bin): our function.json schema associated with
  `json/schemaAssociations`, `json.validate.enable` sent with didChangeConfiguration; spawn →
  first diagnostics, completion and hover in the same function.json, edit → diagnostics (it
  debounces validation by about 500 ms).

With ``--big``: one app of 1,000 (and 5,000) functions in 10 blueprint modules, funcls only:
spawn → initialize result and → first diagnostics, edit of one module → its diagnostics,
completion / hover sent right after an edit, and a hover sent while an edit's diagnostics pass
runs (issue 16); then Enter and Backspace in the middle of the module (a line added or
removed: every def below it moves), alone → diagnostics, and with a completion / hover right
after; ``--against COMMIT`` runs that commit's funcls first on the same app.

With ``--reindex``: in process, what a request right after an edit waits for (re-indexing
the edited blueprint module patched in, against the whole app, alternately) and the rules.

With ``--compare-start COMMIT``: start-up only (spawn → initialize result, → first diagnostics)
of COMMIT's funcls (``git archive``, run with PYTHONPATH) and this tree's, alternately, on the
one-app and the 20-app workspaces: medians, and the server's CPU time until its first
diagnostics (which other processes on a shared machine change far less than wall time).

Every latency is a request's round trip measured in this process, after five warm-up
requests. The servers run one after the other, never at the same time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path
from pytest_lsp import client_capabilities

sys.path.insert(0, str(Path(__file__).resolve().parent))
from commits import export_commit
from gen_workspace import generate, write_big_app

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "funcls" / "schemas" / "function.schema.json"
WARM_UP = 5
DURING_PASS_MS = 13  # past the 10 ms debounce: the diagnostics pass has begun


def uri(path: Path) -> str:
    return from_fs_path(str(path)) or ""


def percentile(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def position_of(text: str, needle: str, offset: int = 0) -> types.Position:
    at = text.index(needle) + offset
    return types.Position(text.count("\n", 0, at), at - (text.rfind("\n", 0, at) + 1))


@dataclass
class Server:
    """One server under test, driven by pygls' client."""

    name: str
    command: list[str]
    env: dict[str, str] | None = None  # the server's environment (default: this one's)
    cwd: str | None = None
    client: LanguageClient = field(init=False)
    published: dict[str, list[tuple[float, int | None, int]]] = field(default_factory=dict)
    spawned_at: float = 0.0
    initialized_at: float = 0.0

    async def start(self, folder: Path, options: Any = None) -> None:
        self.client = LanguageClient("bench", "1")
        self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)(
            lambda params: self._on_publish(params)
        )
        self.client.feature(types.WORKSPACE_CONFIGURATION)(
            lambda params: [None for _ in params.items]
        )
        self.client.feature(types.CLIENT_REGISTER_CAPABILITY)(lambda params: None)
        self.client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)(lambda params: None)
        self.client.feature(types.PROGRESS)(lambda params: None)
        self.client.feature(types.WINDOW_LOG_MESSAGE)(lambda params: None)
        self.client.feature(types.WINDOW_SHOW_MESSAGE)(lambda params: None)
        # funcls' own notification (the Functions view) and the lens refresh it asks for.
        self.client.feature("funcls/functionsChanged")(lambda params: None)
        self.client.feature(types.WORKSPACE_CODE_LENS_REFRESH)(lambda params: None)
        self.spawned_at = time.perf_counter()
        await self.client.start_io(*self.command, env=self.env, cwd=self.cwd)
        await self.client.initialize_async(
            types.InitializeParams(
                capabilities=client_capabilities("visual-studio-code"),
                process_id=os.getpid(),
                root_uri=uri(folder),
                workspace_folders=[types.WorkspaceFolder(uri(folder), folder.name)],
                initialization_options=options,
            )
        )
        self.initialized_at = time.perf_counter()
        self.client.initialized(types.InitializedParams())

    def _on_publish(self, params: types.PublishDiagnosticsParams) -> None:
        self.published.setdefault(params.uri, []).append(
            (time.perf_counter(), params.version, len(params.diagnostics))
        )

    @property
    def pid(self) -> int:
        server = self.client._server  # the child process pygls started
        assert server is not None
        return int(server.pid)

    def open(self, path: Path, text: str, language: str) -> None:
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri(path), language, 1, text))
        )

    async def wait_published(
        self, path: Path, since: float, version: int | None = None, timeout: float = 30.0
    ) -> float:
        """The time of the first publish for ``path`` after ``since`` (with ``version``)."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            for at, v, _ in self.published.get(uri(path), []):
                if at >= since and (version is None or v == version):
                    return at
            await asyncio.sleep(0.001)
        raise TimeoutError(f"{self.name}: no diagnostics for {path.name}")

    async def latencies(self, method: str, params: Any, count: int) -> tuple[list[float], Any]:
        send = {
            "completion": self.client.text_document_completion_async,
            "hover": self.client.text_document_hover_async,
        }[method]
        result = None
        times = []
        for i in range(count + WARM_UP):
            t = time.perf_counter()
            result = await send(params)
            if i >= WARM_UP:
                times.append((time.perf_counter() - t) * 1000)
        return times, result

    async def edits(
        self, path: Path, text: str, old: str, new: str, count: int, versions: bool
    ) -> list[float]:
        """Alternately replace ``old`` with ``new`` and back; ms until diagnostics follow."""
        start = position_of(text, old)
        out = []
        current = old
        for i in range(count):
            version = i + 2
            replacement = new if current == old else old
            end = types.Position(start.line, start.character + len(current))
            since = time.perf_counter()
            self.client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    types.VersionedTextDocumentIdentifier(version=version, uri=uri(path)),
                    [
                        types.TextDocumentContentChangePartial(
                            range=types.Range(start, end), text=replacement
                        )
                    ],
                )
            )
            at = await self.wait_published(path, since, version if versions else None)
            out.append((at - since) * 1000)
            current = replacement
            await asyncio.sleep(0.05)
        return out

    async def stop(self) -> float:
        rss = peak_rss_mb(self.pid)
        try:
            await asyncio.wait_for(self.client.shutdown_async(None), 10)
            self.client.exit(None)
            await asyncio.wait_for(self.client.stop(), 10)
        except (TimeoutError, asyncio.TimeoutError):
            self.client._server.kill()  # type: ignore[union-attr]
        return rss


def items_of(result: Any) -> list[types.CompletionItem]:
    if isinstance(result, types.CompletionList):
        return list(result.items)
    return list(result or [])


@dataclass
class Files:
    function_json: Path
    function_json_text: str
    key: types.Position  # inside a property key being typed in a binding
    hover_key: types.Position  # on the key "queueName"
    script: Path
    script_text: str  # with an "@app." line
    after_app: types.Position
    decorator: types.Position  # on a decorator method name


def pick_files(ws: Path) -> Files:
    config = ws / "app00_v1" / "queue_1" / "function.json"
    # A binding being typed (an input blob, a property started): both JSON servers list keys.
    ctext = config.read_text().replace(
        "    }\n  ]",
        '    },\n    {\n      "type": "blob",\n      "direction": "in",\n      ""\n    }\n  ]',
        1,
    )
    script = ws / "app01_v2" / "function_app.py"
    stext = script.read_text()
    first = stext.index("\n@app.")
    stext = stext[: first + 1] + "@app.\n" + stext[first + 1 :]
    return Files(
        function_json=config,
        function_json_text=ctext,
        key=position_of(ctext, '""\n', 1),
        hover_key=position_of(ctext, '"queueName"', 3),
        script=script,
        script_text=stext,
        after_app=position_of(stext, "@app.\n", 5),
        decorator=position_of(stext, "@app.timer_trigger", 6),
    )


Row = tuple[str, str, str, str]


def ms(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} / {percentile(values, 99):.1f}"


async def bench_funcls(ws: Path, f: Files, n: int, edits: int) -> list[Row]:
    s = Server("funcls", [sys.executable, "-m", "funcls", "--stdio"])
    await s.start(ws)
    s.open(f.script, f.script_text, "python")
    first = await s.wait_published(f.script, 0.0, None, timeout=120)
    rows: list[Row] = [
        (
            "funcls",
            "spawn → initialize result",
            f"{(s.initialized_at - s.spawned_at) * 1000:.0f} ms",
            "< 300 ms",
        ),
        (
            "funcls",
            "spawn → first diagnostics",
            f"{(first - s.spawned_at) * 1000:.0f} ms",
            "< 600 ms",
        ),
    ]
    s.open(f.function_json, f.function_json_text, "json")
    await s.wait_published(f.function_json, 0.0)
    doc = types.TextDocumentIdentifier(uri(f.function_json))
    times, result = await s.latencies("completion", types.CompletionParams(doc, f.key), n)
    rows.append(
        (
            "funcls",
            f"completion in function.json ({len(items_of(result))} items), p50 / p99",
            ms(times) + " ms",
            "< 5 / < 25 ms",
        )
    )
    times, result = await s.latencies("hover", types.HoverParams(doc, f.hover_key), n)
    assert result is not None
    rows.append(("funcls", "hover in function.json, p50 / p99", ms(times) + " ms", "< 5 / < 25 ms"))
    pdoc = types.TextDocumentIdentifier(uri(f.script))
    times, result = await s.latencies("completion", types.CompletionParams(pdoc, f.after_app), n)
    rows.append(
        (
            "funcls",
            f"completion after `@app.` ({len(items_of(result))} items), p50 / p99",
            ms(times) + " ms",
            "< 5 / < 25 ms",
        )
    )
    times, result = await s.latencies("hover", types.HoverParams(pdoc, f.decorator), n)
    assert result is not None
    rows.append(("funcls", "hover on a decorator, p50 / p99", ms(times) + " ms", "< 5 / < 25 ms"))
    py = await s.edits(f.script, f.script_text, "arg_name='msg'", "arg_name='msgs'", edits, True)
    rows.append(
        ("funcls", "edit function_app.py → diagnostics, p50 / p99", ms(py) + " ms", "p50 < 100 ms")
    )
    js = await s.edits(
        f.function_json, f.function_json_text, '"name": "msg"', '"name": "msgs"', edits, True
    )
    rows.append(
        ("funcls", "edit function.json → diagnostics, p50 / p99", ms(js) + " ms", "p50 < 100 ms")
    )
    rss = await s.stop()
    rows.append(("funcls", "peak RSS", f"{rss:.0f} MB", "< 150 MB"))
    return rows


async def bench_jedi(ws: Path, f: Files, n: int) -> list[Row]:
    exe = shutil.which("jedi-language-server", path=os.path.dirname(sys.executable))
    if exe is None:
        return [
            ("jedi-language-server", "not installed (pip install jedi-language-server)", "—", "")
        ]
    s = Server("jedi-language-server", [exe])
    await s.start(ws)
    s.open(f.script, f.script_text, "python")
    first = await s.wait_published(f.script, 0.0, None, timeout=120)
    rows: list[Row] = [
        (
            "jedi-language-server",
            "spawn → initialize result",
            f"{(s.initialized_at - s.spawned_at) * 1000:.0f} ms",
            "",
        ),
        (
            "jedi-language-server",
            "spawn → first diagnostics",
            f"{(first - s.spawned_at) * 1000:.0f} ms",
            "",
        ),
    ]
    pdoc = types.TextDocumentIdentifier(uri(f.script))
    times, result = await s.latencies("completion", types.CompletionParams(pdoc, f.after_app), n)
    rows.append(
        (
            "jedi-language-server",
            f"completion after `@app.` ({len(items_of(result))} items), p50 / p99",
            ms(times) + " ms",
            "",
        )
    )
    rss = await s.stop()
    rows.append(("jedi-language-server", "peak RSS", f"{rss:.0f} MB", ""))
    return rows


async def bench_json(ws: Path, f: Files, n: int, edits: int) -> list[Row]:
    exe = REPO / "node_modules" / ".bin" / "vscode-json-language-server"
    if not exe.exists():
        return [("vscode-json-language-server", "not installed (npm ci)", "—", "")]
    s = Server("vscode-json-language-server", [str(exe), "--stdio"])
    await s.start(ws, {"provideFormatter": False})
    s.client.protocol.notify(
        "json/schemaAssociations", [[{"fileMatch": ["function.json"], "uri": uri(SCHEMA)}]]
    )
    s.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"json": {"validate": {"enable": True}}})
    )
    s.open(f.function_json, f.function_json_text, "json")
    first = await s.wait_published(f.function_json, 0.0, None, timeout=60)
    name = "vscode-json-language-server"
    rows: list[Row] = [
        (
            name,
            "spawn → initialize result",
            f"{(s.initialized_at - s.spawned_at) * 1000:.0f} ms",
            "",
        ),
        (name, "spawn → first diagnostics", f"{(first - s.spawned_at) * 1000:.0f} ms", ""),
    ]
    doc = types.TextDocumentIdentifier(uri(f.function_json))
    times, result = await s.latencies("completion", types.CompletionParams(doc, f.key), n)
    rows.append(
        (
            name,
            f"completion in function.json ({len(items_of(result))} items), p50 / p99",
            ms(times) + " ms",
            "",
        )
    )
    times, result = await s.latencies("hover", types.HoverParams(doc, f.hover_key), n)
    rows.append((name, "hover in function.json, p50 / p99", ms(times) + " ms", ""))
    js = await s.edits(
        f.function_json,
        f.function_json_text,
        '"name": "msg"',
        '"name": "msgs"',
        max(4, edits // 4),
        False,
    )
    rows.append((name, "edit function.json → diagnostics, p50 / p99", ms(js) + " ms", ""))
    rss = await s.stop()
    rows.append((name, "peak RSS", f"{rss:.0f} MB", ""))
    return rows


def toggle(text: str, old: str, new: str, i: int) -> tuple[types.Range, str]:
    """The i-th edit of ``edits``: the range that holds ``old`` (even i) or ``new``, and the
    replacement."""
    start = position_of(text, old)
    current, replacement = (old, new) if i % 2 == 0 else (new, old)
    end = types.Position(start.line, start.character + len(current))
    return types.Range(start, end), replacement


async def bench_big_app(
    functions: int, modules: int, n: int, edits: int, commit: str | None = None
) -> list[Row]:
    """One app of ``functions`` functions in ``modules`` blueprint modules: spawn → initialize
    result and → first diagnostics of an opened module; edit of one module → its diagnostics;
    completion and hover sent right after an edit (before the debounce ran), and a hover sent
    while the edit's diagnostics pass runs. ``commit``: that commit's funcls serves instead of
    this tree's (``git archive``, run with PYTHONPATH)."""
    label = f"funcls{' ' + commit if commit else ''}, one app of {functions:,}"
    with tempfile.TemporaryDirectory() as tmp:
        app = write_big_app(Path(tmp) / "ws" / "app", functions, modules)
        module = app / "blueprints" / "bp03.py"
        text = module.read_text()
        # Completion just after `@bp.` of an existing decorator (the text stays valid Python),
        # hover on the decorator's name.
        after_bp = position_of(text, "@bp.timer_trigger", 4)
        decorator = position_of(text, "@bp.timer_trigger", 6)
        env = None
        if commit:
            # A folder holding a funcls package (a commit exported and changed by hand, to
            # compare one change alone) serves as it is.
            given = Path(commit)
            if (given / "funcls" / "__init__.py").is_file():
                old = given
            else:
                old = export_commit(commit, Path(tmp) / "funcls-at-commit")
            # Entries already there stay after it (bench/lsp_trace for lsp_trace_report.py).
            env = {
                **os.environ,
                "PYTHONPATH": os.pathsep.join(
                    [str(old), *filter(None, [os.environ.get("PYTHONPATH")])]
                ),
            }
        # cwd outside the repository: `python -m` puts the cwd first on sys.path.
        s = Server("funcls", [sys.executable, "-m", "funcls", "--stdio"], env=env, cwd=tmp)
        await s.start(app.parent)
        s.open(module, text, "python")
        published = await s.wait_published(module, 0.0, None, timeout=120)
        # As the VS Code extension does at start: then the server keeps the Functions view
        # current after every publication (funcls/functionsChanged), as it does for VS Code.
        await s.client.protocol.send_request_async("funcls/functions", None)
        rows: list[Row] = [
            (
                label,
                "spawn → initialize result",
                f"{(s.initialized_at - s.spawned_at) * 1000:.0f} ms",
                "< 300 ms",
            ),
            (
                label,
                "spawn → first diagnostics",
                f"{(published - s.spawned_at) * 1000:.0f} ms",
                "< 600 ms",
            ),
        ]
        doc = types.TextDocumentIdentifier(uri(module))
        edit_ms: list[float] = []
        completion_ms: list[float] = []
        hover_ms: list[float] = []
        items = 0
        for i in range(edits + WARM_UP):
            version = i + 2
            rng, replacement = toggle(text, "arg_name='msg'", "arg_name='msgs'", i)
            since = time.perf_counter()
            s.client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    types.VersionedTextDocumentIdentifier(version=version, uri=uri(module)),
                    [types.TextDocumentContentChangePartial(range=rng, text=replacement)],
                )
            )
            # Right after the edit, before the debounce: the request finds the app stale.
            t = time.perf_counter()
            if i % 2 == 0:
                result = await s.client.text_document_completion_async(
                    types.CompletionParams(doc, after_bp)
                )
                items = len(items_of(result))
                asked = completion_ms
            else:
                result = await s.client.text_document_hover_async(types.HoverParams(doc, decorator))
                assert result is not None
                asked = hover_ms
            took = (time.perf_counter() - t) * 1000
            at = await s.wait_published(module, since, version)
            if i >= WARM_UP:
                asked.append(took)
                edit_ms.append((at - since) * 1000)
            await asyncio.sleep(0.05)
        # Edits alone (no request in between): what a typist sees.
        alone: list[float] = []
        version = edits + WARM_UP + 1
        for i in range(edits):
            version += 1
            rng, replacement = toggle(
                text, "arg_name='msg'", "arg_name='msgs'", i + edits + WARM_UP
            )
            since = time.perf_counter()
            s.client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    types.VersionedTextDocumentIdentifier(version=version, uri=uri(module)),
                    [types.TextDocumentContentChangePartial(range=rng, text=replacement)],
                )
            )
            at = await s.wait_published(module, since, version)
            alone.append((at - since) * 1000)
            await asyncio.sleep(0.05)
        # A hover sent while the edit's diagnostics pass runs: DURING_PASS_MS after the
        # didChange, past the debounce (10 ms), when the pass has begun.
        during: list[float] = []
        for i in range(edits):
            version += 1
            rng, replacement = toggle(
                text, "arg_name='msg'", "arg_name='msgs'", i + 2 * edits + WARM_UP
            )
            since = time.perf_counter()
            s.client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    types.VersionedTextDocumentIdentifier(version=version, uri=uri(module)),
                    [types.TextDocumentContentChangePartial(range=rng, text=replacement)],
                )
            )
            await asyncio.sleep(DURING_PASS_MS / 1000)
            t = time.perf_counter()
            shown = await s.client.text_document_hover_async(types.HoverParams(doc, decorator))
            assert shown is not None
            during.append((time.perf_counter() - t) * 1000)
            await s.wait_published(module, since, version)
            await asyncio.sleep(0.05)
        # Enter at the end of a line in the middle of the module (a new indented line: every
        # def below it moves down), then Backspace (the line removed), as people type; alone,
        # then with a completion or a hover right after each.
        lines = text.split("\n")
        mid = len(lines) // 2
        while not lines[mid].startswith("    logging"):
            mid += 1
        end = types.Position(mid, len(lines[mid]))

        def enter_or_backspace(i: int) -> types.TextDocumentContentChangePartial:
            if i % 2 == 0:
                return types.TextDocumentContentChangePartial(
                    range=types.Range(end, end), text="\n    "
                )
            below = types.Position(mid + 1, 4)
            return types.TextDocumentContentChangePartial(range=types.Range(end, below), text="")

        lines_alone: list[float] = []
        lines_completion: list[float] = []
        lines_hover: list[float] = []
        for i in range(3 * edits + WARM_UP):
            version += 1
            since = time.perf_counter()
            s.client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    types.VersionedTextDocumentIdentifier(version=version, uri=uri(module)),
                    [enter_or_backspace(i)],
                )
            )
            t = time.perf_counter()
            asked = None
            if i >= edits + WARM_UP:
                if i % 4 < 2:
                    result = await s.client.text_document_completion_async(
                        types.CompletionParams(doc, after_bp)
                    )
                    assert len(items_of(result)) == items
                    asked = lines_completion
                else:
                    shown = await s.client.text_document_hover_async(
                        types.HoverParams(doc, decorator)
                    )
                    assert shown is not None
                    asked = lines_hover
                asked.append((time.perf_counter() - t) * 1000)
            at = await s.wait_published(module, since, version)
            if asked is None and i >= WARM_UP:
                lines_alone.append((at - since) * 1000)
            await asyncio.sleep(0.05)
        rss = await s.stop()
    rows += [
        (
            label,
            "Enter / Backspace in a def mid-module → diagnostics, p50 / p99",
            ms(lines_alone) + " ms",
            "< 50 / < 100 ms" if functions <= 1000 else "p50 < 100 ms",
        ),
        (
            label,
            f"completion after `@bp.` right after an Enter / Backspace ({items} items), p50 / p99",
            ms(lines_completion) + " ms",
            "p99 < 25 ms",
        ),
        (
            label,
            "hover on a decorator right after an Enter / Backspace, p50 / p99",
            ms(lines_hover) + " ms",
            "p99 < 25 ms",
        ),
        (
            label,
            "edit a blueprint module → diagnostics, p50 / p99",
            ms(alone) + " ms",
            "< 50 / < 100 ms" if functions <= 1000 else "p50 < 100 ms",
        ),
        (
            label,
            "the same with a request right after each edit, p50 / p99",
            ms(edit_ms) + " ms",
            "",
        ),
        (
            label,
            f"completion after `@bp.` right after an edit ({items} items), p50 / p99",
            ms(completion_ms) + " ms",
            "p99 < 25 ms",
        ),
        (
            label,
            "hover on a decorator right after an edit, p50 / p99",
            ms(hover_ms) + " ms",
            "p99 < 25 ms",
        ),
        (
            label,
            f"hover sent {DURING_PASS_MS} ms after an edit (its diagnostics pass running), "
            "p50 / p99",
            ms(during) + " ms",
            "p99 < 25 ms",
        ),
        (label, "peak RSS", f"{rss:.0f} MB", ""),
    ]
    return rows


def bench_reindex(functions: int, modules: int, edits: int) -> list[Row]:
    """In process, no LSP: ``IndexState.app_fresh`` after an edit of one blueprint module
    (what a completion or hover right after an edit waits for), with the module patched in
    and with the whole app indexed again (``patch_module`` answering None), alternating
    blocks of 10 edits in one process; then the rules, as the diagnostics pass runs them.
    For Enter / Backspace also the CPU time of this thread (which other processes on a shared
    machine change far less than wall time) of the re-index, the rules and the Functions
    view's update after the publication (``functions_view.ViewCache``, as for VS Code)."""
    import gc

    import funcls.lsp.state as state_module
    from funcls.lsp.context import ClientFeatures, make_context
    from funcls.lsp.functions_view import ViewCache
    from funcls.lsp.state import EngineChecker, IndexState
    from funcls.model.workspace import Workspace

    label = f"in process, one app of {functions:,}"
    with tempfile.TemporaryDirectory() as tmp:
        app = write_big_app(Path(tmp) / "ws" / "app", functions, modules)
        module = str(app / "blueprints" / "bp03.py")
        text = Path(module).read_text()
        state = IndexState(Workspace([str(app.parent)]), EngineChecker())
        state.index.index_all()
        state.index.source.open(module, 1, text)
        state.mark_dirty(module)
        state.flush()
        state.findings(str(app))
        gc.collect()
        gc.freeze()  # as the server does once the workspace is indexed
        patch = state_module.patch_module
        times: dict[str, list[float]] = {"patched": [], "whole": [], "rules": []}
        version = 1
        current = text
        try:
            for i in range(2 * max(edits // 10, 1) * 10):
                whole = (i // 10) % 2 == 1
                state_module.patch_module = (lambda *a: None) if whole else patch  # type: ignore[assignment]
                old, new = ("'msg'", "'msgs'") if version % 2 else ("'msgs'", "'msg'")
                current = current.replace("arg_name=" + old, "arg_name=" + new, 1)
                version += 1
                state.index.source.open(module, version, current)
                state.mark_dirty(module)
                t = time.perf_counter()
                state.app_fresh(module)
                times["whole" if whole else "patched"].append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                state.findings(str(app))
                times["rules"].append((time.perf_counter() - t) * 1000)
            # Enter at the end of a line in the middle of the module, then Backspace: the
            # defs below move (patched in with their functions and findings moved).
            state_module.patch_module = patch
            lines = current.split("\n")
            mid = len(lines) // 2
            while not lines[mid].startswith("    logging"):
                mid += 1
            times["lines"], times["lines rules"] = [], []
            cpu: dict[str, list[float]] = {"index": [], "rules": [], "view": []}
            ctx = make_context(state.index, "utf-16", ClientFeatures())
            view = ViewCache()
            view.app(ctx, state.index.apps[str(app)], state.findings(str(app)))
            patched = state.patched
            for i in range(2 * max(edits // 10, 1) * 10):
                if i % 2 == 0:
                    lines.insert(mid + 1, "    ")
                else:
                    del lines[mid + 1]
                version += 1
                state.index.source.open(module, version, "\n".join(lines))
                state.mark_dirty(module)
                t, c = time.perf_counter(), time.thread_time()
                state.app_fresh(module)
                times["lines"].append((time.perf_counter() - t) * 1000)
                cpu["index"].append((time.thread_time() - c) * 1000)
                t, c = time.perf_counter(), time.thread_time()
                found = state.findings(str(app))
                times["lines rules"].append((time.perf_counter() - t) * 1000)
                cpu["rules"].append((time.thread_time() - c) * 1000)
                c = time.thread_time()
                view.app(ctx, state.index.apps[str(app)], found)
                cpu["view"].append((time.thread_time() - c) * 1000)
            lines_patched = state.patched - patched
        finally:
            state_module.patch_module = patch
        assert state.patched >= len(times["patched"]), "the edit was not patched in"
    return [
        (
            label,
            "re-index after an edit, the module patched in, p50 / p99",
            ms(times["patched"]) + " ms",
            "",
        ),
        (label, "re-index after an edit, the whole app, p50 / p99", ms(times["whole"]) + " ms", ""),
        (label, "the rules after an edit, p50 / p99", ms(times["rules"]) + " ms", ""),
        (
            label,
            f"re-index after Enter / Backspace mid-module ({lines_patched} of "
            f"{len(times['lines'])} patched), p50 / p99",
            ms(times["lines"]) + " ms",
            "",
        ),
        (
            label,
            "the rules after Enter / Backspace, p50 / p99",
            ms(times["lines rules"]) + " ms",
            "",
        ),
        (
            label,
            "CPU after Enter / Backspace: re-index / rules / Functions view, p50",
            " / ".join(f"{statistics.median(cpu[k]):.1f}" for k in ("index", "rules", "view"))
            + " ms",
            "",
        ),
    ]


def cpu_ms(pid: int) -> float:
    """CPU time (user + system) the process has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


async def start_once(
    server: Server, folder: Path, opened: Path
) -> tuple[float, float, float, float]:
    """(spawn → initialize result, spawn → first diagnostics of ``opened``, the server's CPU
    time until then, all in ms; its peak RSS in MB once the workspace is indexed)."""
    await server.start(folder)
    server.open(opened, opened.read_text(), "python")
    published = await server.wait_published(opened, 0.0, None, timeout=120)
    cpu = cpu_ms(server.pid)
    await asyncio.sleep(1.0)  # the rest of the workspace
    rss = await server.stop()
    return (
        (server.initialized_at - server.spawned_at) * 1000,
        (published - server.spawned_at) * 1000,
        cpu,
        rss,
    )


async def compare_start(commit: str, rounds: int, functions: int, apps: int) -> list[Row]:
    """Start-up only: a commit's funcls and this tree's, alternately (the one that goes first
    changes every round), on the one-app workspace and on the 20-app one; medians."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        old = export_commit(commit, base / "old")
        big = write_big_app(base / "big" / "app", functions, 10)
        many = generate(base / "many", functions, apps)
        cases = [
            (f"one app of {functions:,}", big.parent, big / "blueprints" / "bp03.py"),
            (f"{apps} apps", many, many / "app01_v2" / "function_app.py"),
        ]
        variants = {
            commit: {**os.environ, "PYTHONPATH": str(old)},
            "this tree": {**os.environ, "PYTHONPATH": str(REPO)},
        }
        for case, folder, opened in cases:
            times: dict[str, list[tuple[float, float, float, float]]] = {v: [] for v in variants}
            for r in range(rounds):
                order = list(variants) if r % 2 == 0 else list(reversed(variants))
                for name in order:
                    # cwd outside the repository: `python -m` puts the cwd first on sys.path.
                    server = Server(
                        "funcls",
                        [sys.executable, "-m", "funcls", "--stdio"],
                        env=variants[name],
                        cwd=tmp,
                    )
                    times[name].append(await start_once(server, folder, opened))
            for name, got in times.items():
                for i, what, target in (
                    (0, "spawn → initialize result", "< 300 ms"),
                    (1, "spawn → first diagnostics", "< 600 ms"),
                    (2, "server CPU time until first diagnostics", ""),
                    (3, "peak RSS 1 s after the first diagnostics", ""),
                ):
                    values = [t[i] for t in got]
                    unit = "MB" if i == 3 else "ms"
                    rows.append(
                        (
                            f"funcls {name}, {case}",
                            f"{what}, median of {rounds} (min–max)",
                            f"{statistics.median(values):.0f} ({min(values):.0f}–"
                            f"{max(values):.0f}) {unit}",
                            target,
                        )
                    )
    return rows


async def main_async(args: argparse.Namespace) -> list[Row]:
    if args.compare_start:
        return await compare_start(args.compare_start, args.rounds, args.functions, args.apps)
    if args.reindex:
        return [r for n in args.reindex for r in bench_reindex(n, args.modules, args.edits)]
    if args.big:
        rows: list[Row] = []
        for count in args.big:
            for commit in [*args.against, *([] if args.no_tree else [None])]:
                rows += await bench_big_app(count, args.modules, args.requests, args.edits, commit)
        return rows
    with tempfile.TemporaryDirectory() as tmp:
        ws = generate(Path(tmp) / "ws", args.functions, args.apps)
        files = pick_files(ws)
        rows = await bench_funcls(ws, files, args.requests, args.edits)
        rows += await bench_jedi(ws, files, args.peer_requests)
        rows += await bench_json(ws, files, args.peer_requests, args.edits)
        return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--functions", type=int, default=1000)
    parser.add_argument("--apps", type=int, default=20)
    parser.add_argument("--requests", type=int, default=300, help="requests per latency row")
    parser.add_argument(
        "--peer-requests",
        type=int,
        default=100,
        help="requests per latency row of the peers (jedi-language-server takes ~1.5 s each)",
    )
    parser.add_argument("--edits", type=int, default=40, help="edits per edit row (funcls)")
    parser.add_argument(
        "--big",
        type=int,
        nargs="*",
        help="instead: one app of this many functions in --modules blueprint modules "
        "(e.g. --big 1000 5000), funcls only",
    )
    parser.add_argument("--modules", type=int, default=10, help="blueprint modules (--big)")
    parser.add_argument(
        "--reindex",
        type=int,
        nargs="*",
        help="instead: in process, re-indexing after an edit of one app of this many "
        "functions, patched against the whole app, and the rules",
    )
    parser.add_argument(
        "--against",
        metavar="COMMIT",
        nargs="*",
        default=[],
        help="with --big: each COMMIT's funcls first, then this tree's, on the same app (a "
        "folder holding a funcls package serves as it is)",
    )
    parser.add_argument(
        "--no-tree", action="store_true", help="with --against: the commits only, not this tree"
    )
    parser.add_argument(
        "--compare-start",
        metavar="COMMIT",
        help="instead: start-up only, this tree's funcls against COMMIT's, alternately",
    )
    parser.add_argument("--rounds", type=int, default=7, help="starts of each (--compare-start)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args()
    rows = asyncio.run(main_async(args))
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if args.compare_start:
        print(
            f"start-up of funcls: this tree against {args.compare_start}, {args.rounds} rounds; "
            f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
            f"{os.getloadavg()[0]:.1f} at the end; "
            # Without cached bytecode every start compiles funcls' modules (about 0.14 s of
            # the early path's CPU on the one-app workspace): pip installs compile them.
            + (
                "PYTHONDONTWRITEBYTECODE set: funcls compiled from source at each start"
                if os.environ.get("PYTHONDONTWRITEBYTECODE")
                else "bytecode cached"
            )
        )
    elif args.big or args.reindex:
        print(
            f"one app of {', '.join(str(b) for b in args.big or args.reindex)} functions in "
            f"{args.modules} "
            f"blueprint modules; {args.edits} edits; python {sys.version.split()[0]}, "
            f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} at the end"
        )
    else:
        print(
            f"workspace: {args.functions} functions in {args.apps} apps (half v1, half v2); "
            f"{args.requests} requests per funcls latency row, {args.peer_requests} per peer "
            f"row; python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
        )
    print()
    print("| server | measurement | result | target |")
    print("|---|---|---|---|")
    for server, what, value, target in rows:
        print(f"| {server} | {what} | {value} | {target} |")


if __name__ == "__main__":
    main()
