"""The debounced diagnostics pass runs the rules on the publisher's rules thread (issue 16): a
completion right after an edit is answered from the new text while the rules of the previous
pass are still running, and a pass whose app was indexed again before its rules ended
publishes nothing stale: the document's new version gets the findings of its new text.

In process, with the real index, rule engine and completion; the rule engine is held inside
its pass by a gate so that "while the rules run" is a certainty, not a timing."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from lsprotocol import types

from funcls.checks.config import resolve_config
from funcls.checks.engine import check_app
from funcls.checks.findings import Finding
from funcls.lsp import completion
from funcls.lsp.context import Context, make_context
from funcls.lsp.positions import path_to_uri
from funcls.lsp.publisher import Publisher
from funcls.lsp.settings import Settings
from funcls.lsp.state import EngineChecker, IndexState
from funcls.model.appmodel import App
from funcls.model.loader import load_app
from funcls.model.locations import Position
from funcls.model.source import Source
from funcls.model.workspace import Workspace
from tests.checks.test_incremental import write_app

EMPTY_OUTPUT = "@bp.queue_output(arg_name='out', queue_name='', connection='AzureWebJobsStorage')\n"


class GatedChecker(EngineChecker):
    """The server's rule engine; while ``hold`` is set, a pass waits inside until released."""

    def __init__(self) -> None:
        super().__init__()
        self.hold = False
        self.inside = threading.Event()
        self.release = threading.Event()
        self.threads: list[str] = []

    def __call__(self, app: App, settings: Settings) -> list[Finding]:
        self.threads.append(threading.current_thread().name)
        if self.hold:
            self.inside.set()
            assert self.release.wait(10), "the test never released the rules"
        return super().__call__(app, settings)


class Host:
    """What the publisher needs of the server; publications are recorded."""

    def __init__(self, state: IndexState, ctx: Context) -> None:
        self.state = state
        self.ctx = ctx
        self.settings = Settings()
        self.sent: list[tuple[str, int | None, list[str]]] = []
        self.failures: list[BaseException] = []

    def failed(self, what: str, error: BaseException) -> None:
        self.failures.append(error)

    def text_document_publish_diagnostics(self, params: types.PublishDiagnosticsParams) -> None:
        codes = sorted(str(d.code) for d in params.diagnostics)
        self.sent.append((params.uri, params.version, codes))

    def workspace_diagnostic_refresh(self, params: None) -> None:
        pass


def edit(host: Host, path: str, version: int, text: str) -> None:
    """What the server's didChange does: the new text, its version, a pass after the debounce."""
    host.state.index.source.open(path, version, text)
    host.ctx.versions[path] = version
    host.ctx.positions.forget(path)
    host.state.mark_dirty(path)


def full_codes(root: str, path: str, texts: dict[str, str]) -> list[str]:
    source = Source()
    for version, (p, text) in enumerate(sorted(texts.items())):
        source.open(p, version, text)
    found = check_app(load_app(root, source), resolve_config(root))
    return sorted(f.code for f in found if f.path == path)


async def until(condition: object, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.01)):
        if callable(condition) and condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out")


async def test_completion_right_after_an_edit_while_the_rules_run(tmp_path: Path) -> None:
    root = tmp_path / "app"
    write_app(root)
    bp1 = str(root / "blueprints" / "bp1.py")
    texts = {
        str(p): p.read_text()
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".py", ".json", ".txt")
    }
    checker = GatedChecker()
    state = IndexState(Workspace([str(tmp_path)]), checker)
    state.index.index_all()
    ctx = make_context(state.index)
    host = Host(state, ctx)
    publisher = Publisher(host)

    # Version 1: a queue output whose queue name is being typed; its pass is held in the rules.
    v1 = texts[bp1].replace("def http_6(", EMPTY_OUTPUT + "def http_6(out: func.Out[str], ", 1)
    assert v1 != texts[bp1]
    checker.hold = True
    edit(host, bp1, 1, v1)
    publisher.schedule(bp1, 0)
    assert await asyncio.to_thread(checker.inside.wait, 10)
    assert checker.threads[-1].startswith("funcls-rules")

    # Version 2 while those rules run: queue_4 now reads queue 'fresh-q'. Completion in the
    # empty queue name lists it at once: it re-indexes the edit itself and never waits for
    # the rules (the rules thread holds the engine's lock all this time).
    v2 = v1.replace("queue_name=QUEUE", "queue_name='fresh-q'", 1)
    edit(host, bp1, 2, v2)
    publisher.schedule(bp1, 0)
    await asyncio.sleep(0.05)  # the debounce of version 2 has run: it waits for the rules
    at = v2.index("queue_name=''") + len("queue_name='")
    pos = Position(v2.count("\n", 0, at), at - (v2.rfind("\n", 0, at) + 1))
    state.app_fresh(bp1)
    result = completion.complete(ctx, bp1, pos)
    labels = [i.label for i in result.items] if result else []
    assert "fresh-q" in labels, labels
    assert not checker.release.is_set() and host.sent == []  # the rules are still held

    checker.hold = False
    checker.release.set()
    await until(lambda: any(v == 2 for u, v, _ in host.sent if u == path_to_uri(bp1)))
    assert host.failures == []
    texts[bp1] = v2
    mine = [(v, codes) for u, v, codes in host.sent if u == path_to_uri(bp1)]
    # Version 1's findings were never published (the app had moved on): only version 2's,
    # which are those of a full check of version 2's text.
    assert mine and all(v == 2 for v, _ in mine), mine
    assert mine[-1][1] == full_codes(str(root), bp1, texts)
    assert all(t.startswith("funcls-rules") for t in checker.threads)


async def test_a_pass_with_nothing_to_check_publishes_at_once(tmp_path: Path) -> None:
    root = tmp_path / "app"
    write_app(root)
    bp1 = str(root / "blueprints" / "bp1.py")
    state = IndexState(Workspace([str(tmp_path)]), GatedChecker())
    state.index.index_all()
    ctx = make_context(state.index)
    host = Host(state, ctx)
    publisher = Publisher(host)
    edit(host, bp1, 1, (root / "blueprints" / "bp1.py").read_text())
    state.findings(str(root))  # (a request asked for them)
    state.flush()
    state.findings(str(root))
    publisher.refresh(bp1, background=True)
    assert [v for u, v, _ in host.sent if u == path_to_uri(bp1)] == [1]  # no thread hop


async def test_an_edit_during_the_rules_is_never_published_with_older_findings(
    tmp_path: Path,
) -> None:
    """Version 2 arrives while version 1's rules run and nothing indexes it before they end:
    the pass indexes it then and publishes version 2 with version 2's findings only."""
    root = tmp_path / "app"
    write_app(root)
    bp1 = str(root / "blueprints" / "bp1.py")
    texts = {
        str(p): p.read_text()
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".py", ".json", ".txt")
    }
    checker = GatedChecker()
    state = IndexState(Workspace([str(tmp_path)]), checker)
    state.index.index_all()
    ctx = make_context(state.index)
    host = Host(state, ctx)
    publisher = Publisher(host)
    v1 = texts[bp1].replace("schedule='0 */5 * * * *'", "schedule='0 */5 *'", 1)
    v2 = texts[bp1]  # the schedule put back: version 1's finding is gone
    checker.hold = True
    edit(host, bp1, 1, v1)
    publisher.schedule(bp1, 0)
    assert await asyncio.to_thread(checker.inside.wait, 10)
    edit(host, bp1, 2, v2)  # no request indexes it, and its debounce has not run
    checker.hold = False
    checker.release.set()
    await until(lambda: any(v == 2 for u, v, _ in host.sent if u == path_to_uri(bp1)))
    publisher.schedule(bp1, 0)  # version 2's own debounce
    await asyncio.sleep(0.2)
    texts[bp1] = v1
    assert "AZF500" in full_codes(str(root), bp1, texts)  # what version 1 would have shown
    texts[bp1] = v2
    mine = [(v, codes) for u, v, codes in host.sent if u == path_to_uri(bp1)]
    assert mine and all(v == 2 and codes == full_codes(str(root), bp1, texts) for v, codes in mine)


async def test_an_edit_is_re_indexed_on_the_rules_thread_and_a_request_never_reads_older_text(
    tmp_path: Path,
) -> None:
    """The debounced pass re-indexes a plain edit on the rules thread (issue 16: after an
    Enter in a big module that copies every def below). While that re-index waits there, the
    edit still counts as unindexed (``IndexState.dirty``), the app in place is the earlier
    one, and a request that needs the edit indexed (``app_fresh``) builds it itself and gets
    the new app; the thread then finds the job done, and the version is published with its
    text's findings. Unheld, the re-index runs on the rules thread."""
    from funcls.lsp.publisher import rules_thread

    root = tmp_path / "app"
    write_app(root)
    bp1 = str(root / "blueprints" / "bp1.py")
    texts = {
        str(p): p.read_text()
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".py", ".json", ".txt")
    }
    state = IndexState(Workspace([str(tmp_path)]), EngineChecker())
    state.index.index_all()
    ctx = make_context(state.index)
    host = Host(state, ctx)
    publisher = Publisher(host)
    built_on: list[str] = []
    reindex = state.reindex

    def recorded(app: App, changed: list[str]) -> App:
        built_on.append(threading.current_thread().name)
        return reindex(app, changed)

    state.reindex = recorded  # type: ignore[method-assign]

    # Held: the rules thread busy with something else when the debounce runs.
    release = threading.Event()
    busy = rules_thread().submit(release.wait, 10)
    before = state.index.apps[str(root)]
    v1 = texts[bp1].replace("schedule='0 */5 * * * *'", "schedule='0 */5 *'", 1)
    v1 = v1.replace("\ndef ", "\n\ndef ", 1)  # a line added: the defs below move
    edit(host, bp1, 1, v1)
    publisher.schedule(bp1, 0)
    await until(lambda: publisher.running is not None)
    await asyncio.sleep(0.05)
    assert state.index.apps[str(root)] is before and bp1 in state.dirty and built_on == []
    fresh_app = state.app_fresh(bp1)  # a request that needs the edit: built here, at once
    assert fresh_app is not before and state.index.apps[str(root)] is fresh_app
    assert not state.dirty and built_on == ["MainThread"]
    release.set()
    busy.result(10)
    await until(lambda: any(v == 1 for u, v, _ in host.sent if u == path_to_uri(bp1)))
    texts[bp1] = v1
    mine = [(v, codes) for u, v, codes in host.sent if u == path_to_uri(bp1)]
    assert mine == [(1, full_codes(str(root), bp1, texts))] and "AZF500" in mine[0][1]
    assert built_on == ["MainThread"]  # the rules thread found the job done

    # Unheld: the next edit is built on the rules thread, and published with its findings.
    v2 = texts[bp1].replace("schedule='0 */5 *'", "schedule='0 */5 * * * *'", 1)
    edit(host, bp1, 2, v2)
    publisher.schedule(bp1, 0)
    await until(lambda: any(v == 2 for u, v, _ in host.sent if u == path_to_uri(bp1)))
    texts[bp1] = v2
    assert built_on[1:] and all(t.startswith("funcls-rules") for t in built_on[1:]), built_on
    mine = [(v, codes) for u, v, codes in host.sent if u == path_to_uri(bp1)]
    assert mine[-1] == (2, full_codes(str(root), bp1, texts)) and "AZF500" not in mine[-1][1]
    assert host.failures == []
