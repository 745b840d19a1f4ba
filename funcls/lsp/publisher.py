"""Publishing diagnostics: the one owner of what each document was last sent.

It debounces changes per path, re-indexes and re-checks through ``IndexState``, turns the
findings of each re-checked app into diagnostics (``diagnostics.by_path``) and sends each
document its list with the document's version — or leaves them to a client that pulls
diagnostics. Whoever needs to follow every publication (the Functions view) subscribes with
``listeners`` instead of wrapping a method.

After the debounce, the rules run on a thread of their own (``rules_thread``), not on the event
loop: on one app of 5,000 functions they take about 30 ms, and a completion or hover that
arrived meanwhile waited for them (issue 16). So does the re-index of plain edits (files of
apps already indexed; ``IndexState.background_job``): after an Enter in a module of 500 defs
it copies the ~250 defs below (about 40 ms of CPU), and a request that arrived meanwhile
waited for it on the loop. Until the job is committed back on the loop its files count as
unindexed: a request answers from the earlier analysis or builds the job itself
(``IndexState.app_fresh``), never from an older text. A pass whose app was indexed again
before its rules ended publishes nothing and checks the newer app, so a document's version is
only ever published with the findings of that version's text.

The rules thread shares the interpreter with the event loop: a request that arrives during a
pass waited for the interpreter lock (up to the switch interval, 5 ms), then got about half
of it while the rules ran on. So (:class:`RequestGate`) while a pass runs the switch interval
is short, and while an interactive request is being answered the rules thread stops at the
engine's next pause point (between checkers, ``IncrementalCheck.pause``) until the answer is
sent, for ``HOLD_S`` at most per request (a request that waits for the rules itself, or one
never answered, cannot hold them longer).
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from lsprotocol import types

from funcls.lsp import diagnostics
from funcls.lsp.context import Context
from funcls.lsp.positions import path_to_uri
from funcls.lsp.settings import Settings
from funcls.lsp.state import IndexState, ReindexJob
from funcls.lsp.typing_hold import TypingHold

Listener = Callable[[list[str]], None]
_rules: ThreadPoolExecutor | None = None

# Requests a person waits for: the rules thread pauses while one of them is answered.
INTERACTIVE = frozenset(
    {
        types.TEXT_DOCUMENT_COMPLETION,
        types.COMPLETION_ITEM_RESOLVE,
        types.TEXT_DOCUMENT_HOVER,
        types.TEXT_DOCUMENT_SIGNATURE_HELP,
        types.TEXT_DOCUMENT_DEFINITION,
        types.TEXT_DOCUMENT_REFERENCES,
        types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT,
        types.TEXT_DOCUMENT_DOCUMENT_SYMBOL,
    }
)
HOLD_S = 0.1  # the longest one request holds the rules
FAST_SWITCH_S = 0.0005  # the interpreter's switch interval while a pass runs


class RequestGate:
    """The interactive requests being answered (by id, with when each came), and the pause the
    rules thread makes for them (see the module's docstring). ``started`` and ``answered`` run
    on the event loop, ``pause`` on the rules thread."""

    def __init__(self) -> None:
        self.pending: dict[object, float] = {}
        self.clear = threading.Event()
        self.clear.set()
        self.pauses = 0  # how often the rules thread waited (tests, benchmarks)
        self.normal_switch = sys.getswitchinterval()

    def started(self, msg_id: object) -> None:
        now = time.monotonic()
        for old in [k for k, t in self.pending.items() if now - t > 10 * HOLD_S]:
            del self.pending[old]  # never answered (cancelled, dropped): forgotten
        self.pending[msg_id] = now
        self.clear.clear()

    def answered(self, msg_id: object) -> None:
        if self.pending.pop(msg_id, None) is not None and not self.pending:
            self.clear.set()

    def pause(self) -> None:
        """On the rules thread: wait while a request younger than ``HOLD_S`` is unanswered."""
        if self.clear.is_set():
            return
        try:
            newest = max(self.pending.values())
        except ValueError:  # answered meanwhile
            return
        left = newest + HOLD_S - time.monotonic()
        if left > 0:
            self.pauses += 1
            self.clear.wait(left)

    def pass_running(self, running: bool) -> None:
        """A short switch interval while a pass runs on the rules thread: a message that
        arrives then gets the interpreter within ``FAST_SWITCH_S``, not 5 ms."""
        sys.setswitchinterval(FAST_SWITCH_S if running else self.normal_switch)


def rules_thread() -> ThreadPoolExecutor:
    """The one thread the debounced passes run the rules on (made on first use)."""
    global _rules
    if _rules is None:
        _rules = ThreadPoolExecutor(max_workers=1, thread_name_prefix="funcls-rules")
    return _rules


class Host(Protocol):
    """What the publisher needs of the server (``FunclsServer``)."""

    state: IndexState
    ctx: Context
    settings: Settings

    def failed(self, what: str, error: BaseException) -> None: ...

    def text_document_publish_diagnostics(self, params: types.PublishDiagnosticsParams) -> None: ...

    def workspace_diagnostic_refresh(self, params: None) -> Any: ...


class Publisher:
    def __init__(self, server: Host) -> None:
        self.server = server
        self.timers: dict[str, asyncio.TimerHandle] = {}
        self.published: dict[str, list[types.Diagnostic]] = {}
        self.published_versions: dict[str, int | None] = {}
        self.published_by_root: dict[str, set[str]] = {}
        self.workspace_pull = False  # the client pulls workspace diagnostics itself
        # What a client that pulls gets for each path it pulls, as of the last pass or
        # workspace report: a refresh is asked for only when a pass changes it (each refresh
        # makes VS Code pull every open document and the workspace again, cancelling pulls
        # under way), and a path here is in every workspace report (empty once fixed).
        self.pullable: dict[str, list[types.Diagnostic]] = {}
        # Called with the roots after each publication (the Functions view's announcements).
        self.listeners: list[Listener] = []
        # Debounced passes: the roots (and forced paths) waiting for their rules, and the task
        # that runs them on the rules thread and publishes.
        self.queued: set[str] = set()
        self.queued_force: set[str] = set()
        self.queued_paths: set[str] = set()  # whose debounce ran (``reindex``)
        self.running: asyncio.Future[None] | None = None
        self.in_background = True  # False: every pass on the event loop, as before
        self.gate = RequestGate()
        # Findings of the token being typed wait for a pause (typing_hold.py): the whole
        # list of a document that had some held, sent again when the hold ends.
        self.typing = TypingHold()
        self.held: dict[str, list[types.Diagnostic]] = {}
        self.answered: dict[str, list[types.Diagnostic]] = {}  # the last pull's answer

    # -- when --------------------------------------------------------------------------------
    def schedule(self, path: str, delay_ms: int | None = None) -> None:
        """Re-index and re-check after ``delay_ms`` without further changes to ``path``."""
        delay = self.server.settings.diagnostics_delay_ms if delay_ms is None else delay_ms
        old = self.timers.pop(path, None)
        if old is not None:
            old.cancel()
        loop = asyncio.get_event_loop()
        self.timers[path] = loop.call_later(delay / 1000, self.refresh, path, True)

    def refresh(self, path: str | None = None, background: bool = False) -> None:
        """Re-index what changed and publish the diagnostics of the apps re-indexed since the
        last publication. ``background`` (the debounce's passes): the rules that have to run
        run on the rules thread and the publication follows when they are done."""
        state = self.server.state
        if path is not None:
            self.timers.pop(path, None)
        try:
            force = {path} if path else set()
            waiting = self.running is not None and not self.running.done()
            if background and self.in_background and (waiting or state.background_ready()):
                # The re-index too runs on the rules thread (``check_and_publish``), or after
                # the pass under way: a request meanwhile answers from the earlier analysis
                # or waits for it (``IndexState.app_fresh``), never from an older text.
                self.queued_force |= force
                if path is not None:
                    self.queued_paths.add(path)
                if not waiting:
                    self.running = asyncio.ensure_future(self.check_and_publish())
                return
            roots = state.take_unpublished()
            app = state.index.app_for_path(path) if path is not None else None
            if app is not None and path in self.unpublished_versions():
                roots.add(app.root)  # another refresh took the re-indexed root
            if not (background and self.in_background) or (
                not waiting and all(state.has_findings(r) for r in roots)
            ):
                self.publish_roots(roots, force=force)
                return
            self.queued |= roots
            self.queued_force |= force
            if not waiting:
                self.running = asyncio.ensure_future(self.check_and_publish())
        except Exception as e:
            self.server.failed("diagnostics", e)

    async def check_and_publish(self) -> None:
        """Run the rules of the queued roots on the rules thread, then publish them on the
        loop; until nothing is queued."""
        state = self.server.state
        loop = asyncio.get_running_loop()
        try:
            await self.reindex(loop)
            while self.queued:
                roots, force = self.queued, self.queued_force
                self.queued, self.queued_force = set(), set()
                checked: dict[str, object] = {}
                for root in sorted(roots):
                    app = checked[root] = state.index.apps.get(root)
                    if app is not None and not state.has_findings(root):
                        self.gate.pass_running(True)
                        try:
                            await loop.run_in_executor(rules_thread(), state.findings_of, app)
                        finally:
                            self.gate.pass_running(False)
                # Back on the loop: what changed meanwhile is indexed now (a didChange that
                # came during the rules would otherwise be published with the older findings).
                await self.reindex(loop)
                moved = {r for r, app in checked.items() if state.index.apps.get(r) is not app}
                if moved:
                    self.queued |= moved
                    self.queued_force |= force
                ready = roots - self.queued
                if ready:
                    self.publish_roots(ready, force=force)
        except Exception as e:
            self.server.failed("diagnostics", e)

    async def reindex(self, loop: asyncio.AbstractEventLoop) -> None:
        """Re-index what changed, the plain edits on the rules thread (``IndexState.
        background_job``, committed back on the loop), the rest here; queue the roots
        re-indexed since the last publication, and those of the documents whose debounce
        ran (``queued_paths``) while their version is unpublished."""
        state = self.server.state
        while True:
            job = state.background_job()
            if job is None:
                break
            self.gate.pass_running(True)
            try:
                await loop.run_in_executor(rules_thread(), self._run_job, job)
            finally:
                self.gate.pass_running(False)
            state.commit()
        self.queued |= state.take_unpublished()
        paths, self.queued_paths = self.queued_paths, set()
        unpublished = self.unpublished_versions()
        for path in paths:
            app = state.index.app_for_path(path)
            if app is not None and path in unpublished:
                self.queued.add(app.root)

    def _run_job(self, job: ReindexJob) -> None:
        """On the rules thread: the job, begun once no interactive request is being answered
        (``RequestGate.pause``: one that arrived just before it gets the interpreter alone)."""
        self.gate.pause()
        self.server.state.run_job(job)

    # -- who ---------------------------------------------------------------------------------
    @property
    def pull_mode(self) -> bool:
        return self.server.ctx.client.pull_diagnostics

    def unpublished_versions(self) -> set[str]:
        """Open documents whose current version has not been published yet (push mode)."""
        if self.pull_mode:
            return set()
        sent = self.published_versions
        versions = self.server.ctx.versions
        return {p for p, v in versions.items() if p not in sent or sent[p] != v}

    def open_under(self, root: str) -> set[str]:
        """The open documents of the app at ``root``."""
        return {p for p in self.server.ctx.versions if p == root or p.startswith(root + os.sep)}

    # -- what --------------------------------------------------------------------------------
    def grouped(self, root: str) -> dict[str, list[types.Diagnostic]]:
        return diagnostics.by_path(self.server.ctx, self.server.state.findings(root))

    def document_diagnostics(self, path: str) -> list[types.Diagnostic]:
        app = self.server.state.app_fresh(path)
        if app is None:
            return []
        diags = self.grouped(app.root).get(path, [])
        if self.server.ctx.client.diagnostic_refresh:  # else the client would not pull again
            diags = self._hold(path, diags, self.answered.get(path, []))
        self.answered[path] = diags
        return diags

    def hold_in_report(self, reports: dict[str, list[types.Diagnostic]]) -> None:
        """A workspace report gives an open document what its own pull would (``_hold``)."""
        if not self.server.ctx.client.diagnostic_refresh:
            return
        for path in self.typing.last.keys() & reports.keys():
            reports[path] = self._hold(path, reports[path], self.answered.get(path, []))
            self.answered[path] = reports[path]

    def _hold(
        self, path: str, diags: list[types.Diagnostic], shown: list[types.Diagnostic]
    ) -> list[types.Diagnostic]:
        """``diags`` less the findings the last keystroke holds back (``typing_hold``); when
        it held some, they are sent (or pulled again) once the hold ends."""
        kept, held = self.typing.shown_now(path, diags, shown)
        wait = self.typing.release_in(path) if held else None
        if wait is None:
            self.held.pop(path, None)
            return diags
        if path not in self.held:
            asyncio.get_event_loop().call_later(wait + 0.005, self._release, path)
        self.held[path] = diags
        return kept

    def _release(self, path: str) -> None:
        diags = self.held.pop(path, None)
        if diags is None or path not in self.server.ctx.versions:
            return  # closed meanwhile: its findings went out with the closing pass
        wait = self.typing.release_in(path)
        if wait is not None:  # typed on meanwhile: the newer publication holds its own
            self.held[path] = diags
            asyncio.get_event_loop().call_later(wait + 0.005, self._release, path)
            return
        if self.pulled_by_client(path):
            self.server.workspace_diagnostic_refresh(None)
        elif self.published_versions.get(path) == self.server.ctx.versions.get(path):
            self.publish(path, diags)

    def publish_roots(self, roots: Iterable[str], force: set[str] | None = None) -> None:
        roots = list(roots)
        force = force or set()
        changed = False
        apps = self.server.state.index.apps
        for root in sorted(roots):
            grouped = self.grouped(root) if root in apps else {}
            before = self.published_by_root.get(root, set())
            open_here = self.open_under(root)
            # Every open document of the app whose new version the client has not seen gets
            # its diagnostics again, with that version, even when they are the same.
            due = (open_here & force) | (open_here & self.unpublished_versions())
            for path in sorted(set(grouped) | before | due):
                diags = grouped.get(path, [])
                if self.pulled_by_client(path):
                    changed = changed or self.pullable.get(path, []) != diags
                    self.pullable[path] = diags
                elif self.published.get(path) != diags:
                    changed = True
                self.publish(path, diags, force=path in due)
            self.published_by_root[root] = set(grouped)
        server = self.server
        if changed and self.pull_mode and server.ctx.client.diagnostic_refresh:
            server.workspace_diagnostic_refresh(None)
        for listener in self.listeners:
            listener(roots)

    def pulled_by_client(self, path: str) -> bool:
        return self.pull_mode and (path in self.server.ctx.versions or self.workspace_pull)

    def publish(self, path: str, diags: list[types.Diagnostic], force: bool = False) -> None:
        versions = self.server.ctx.versions
        if self.pulled_by_client(path):
            return  # the client pulls these
        if path in versions:
            diags = self._hold(path, diags, self.published.get(path, []))
        if not force and self.published.get(path) == diags:
            return
        self.published[path] = diags
        self.published_versions[path] = versions.get(path)
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=path_to_uri(path), diagnostics=diags, version=versions.get(path)
            )
        )
