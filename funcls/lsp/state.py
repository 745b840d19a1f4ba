"""The index the server keeps current: which files changed since the last re-index, and the
rule results of each app (cached until that app is re-indexed)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from funcls.checks import CheckConfig, ConfigError, check_app
from funcls.checks.config import find_pyproject, resolve_config
from funcls.checks.engine import IncrementalCheck
from funcls.checks.findings import Finding, Severity
from funcls.lsp.settings import Settings
from funcls.model.appmodel import App
from funcls.model.loader import HOST_JSON, load_app
from funcls.model.python.facts import ModuleInfo
from funcls.model.source import SKIP_DIRS
from funcls.model.v2.indexer import forget_roots
from funcls.model.v2.reindex import patch_module
from funcls.model.workspace import ROOT_MARKERS, Workspace

log = logging.getLogger(__name__)
Checker = Callable[[App, Settings], list[Finding]]


def problem_findings(app: App) -> list[Finding]:
    """The indexer's problems as findings: what is published if the rule engine fails."""
    from funcls.model.locations import Location

    return [
        Finding("AZF000", p.message, Severity.ERROR, Location(p.path, p.range), app_root=app.root)
        for p in app.problems
    ]


def resolved_config(root: str, settings: Settings) -> CheckConfig:
    """Which rules run for the app at ``root`` and how loud, resolved as ``funcls check``
    resolves them (``checks.config.resolve_config``): its ``[tool.funcls]`` with the editor's
    select / ignore / severity on top. A configuration that cannot be read is logged and the
    defaults apply, with the editor's choices."""
    try:
        return resolve_config(root, settings.select, settings.ignore, settings.severity)
    except ConfigError:
        log.exception("ignoring the funcls configuration of %s", root)
        return (
            CheckConfig().merged(settings.select, settings.ignore).with_severity(settings.severity)
        )


class EngineChecker:
    """The rule engine for the server: one ``IncrementalCheck`` per app root, so that a
    keystroke re-checks only the functions of the file it changed; the configuration is
    resolved again only when its pyproject.toml or the settings change."""

    def __init__(self) -> None:
        self.apps: dict[str, IncrementalCheck] = {}
        self._configs: dict[str, tuple[object, Settings, CheckConfig]] = {}
        # Called by the engine between checkers (publisher.RequestGate.pause in the server).
        self.pause: Callable[[], None] = lambda: None

    def config(self, root: str, settings: Settings) -> CheckConfig:
        found = find_pyproject(root)
        try:
            stamp: object = (found, os.stat(found).st_mtime_ns) if found else None
        except OSError:
            stamp = (found, None)
        cached = self._configs.get(root)
        if cached is not None and cached[0] == stamp and cached[1] == settings:
            return cached[2]
        config = resolved_config(root, settings)
        self._configs[root] = (stamp, settings, config)
        return config

    def forget(self, roots: set[str]) -> None:
        """Drop what was kept for apps no longer in the workspace (each root's
        ``IncrementalCheck`` holds every Function and finding of its app)."""
        for root in roots:
            self.apps.pop(root, None)
            self._configs.pop(root, None)

    def __call__(self, app: App, settings: Settings) -> list[Finding]:
        engine = self.apps.get(app.root)
        if engine is None:
            engine = self.apps[app.root] = IncrementalCheck()
            engine.pause = lambda: self.pause()
        return engine.run(app, self.config(app.root, settings))


def default_checker(app: App, settings: Settings) -> list[Finding]:
    """The rule engine's findings for ``app``, all at once (``funcls check``'s way)."""
    return list(check_app(app, resolved_config(app.root, settings)))


@dataclass
class ReindexJob:
    """Plain edits (files of apps already indexed: no host.json, no folder) re-indexed away
    from the event loop (issue 16): ``run`` builds the new apps, on the publisher's rules
    thread or on the loop, whichever comes first; ``IndexState.commit`` puts them in place on
    the loop. ``overlays``: the open documents' texts as the build read them (the tuples of
    ``Source.overlays``, compared by identity when committing)."""

    paths: dict[str, None]
    by_root: dict[str, tuple[App, list[str]]]
    taken: bool = False
    overlays: dict[str, tuple[int, str]] = field(default_factory=dict)
    # Per root: the app indexed before, the app built, the open modules it was built from
    # and their texts (``IndexState._basis`` / ``_earlier``).
    built: list[tuple[App, App, dict[str, ModuleInfo], dict[str, tuple[str, ModuleInfo]]]] = field(
        default_factory=list
    )
    error: BaseException | None = None


class IndexState:
    def __init__(self, index: Workspace, checker: Checker = default_checker) -> None:
        self.index = index
        self.checker = checker
        self.settings = Settings()
        self._dirty: dict[str, None] = {}
        # Changes being re-indexed off the event loop (``background_job``): they count as
        # dirty until ``commit`` puts their apps in place.
        self._job: ReindexJob | None = None
        # Held while apps are built (``flush`` on the loop, ``ReindexJob`` on the rules thread):
        # one re-index at a time over the indexer's memo.
        self.index_lock = threading.RLock()
        self.indexing = False  # the first indexing of the workspace is under way
        self._findings: dict[str, tuple[App, list[Finding]]] = {}
        # Roots re-indexed since diagnostics were last published: a request that re-indexes
        # first (hover, code lens, …) must not keep the pending publication from happening.
        self.unpublished: set[str] = set()
        # Per root: the App this state last indexed and the analysis of each open Python
        # document it was built from (what ``patch_module`` compares an edit against).
        self._basis: dict[str, tuple[App, dict[str, ModuleInfo]]] = {}
        self.patched = 0  # re-indexings done by patching one module (tests, benchmarks)
        # Each open Python document's text when its analysis was last indexed, with that
        # analysis: a request right after an edit may read it (lsp/earlier_analysis.py).
        self._earlier: dict[str, tuple[str, ModuleInfo]] = {}
        self._lock = threading.Lock()  # around the rule engine and the findings it gave

    @property
    def dirty(self) -> dict[str, None]:
        """The files changed since their apps were last indexed (those being re-indexed off
        the loop included): what a request reads as "the app may be older than the text"."""
        job = self._job
        if job is None:
            return self._dirty
        return {**job.paths, **self._dirty}

    def mark_dirty(self, path: str) -> None:
        self._dirty[os.path.normpath(path)] = None

    def background_job(self) -> ReindexJob | None:
        """On the loop: when every pending change is a file of an app already indexed (no app
        root marker, no folder) and none is being re-indexed, a job that re-indexes them
        (``ReindexJob.run``, meant for another thread; ``commit`` afterwards on the loop).
        None when there is nothing to do or when ``flush`` must do it."""
        if not self._dirty or self._job is not None or self.indexing:
            return None
        by_root: dict[str, tuple[App, list[str]]] = {}
        for p in self._dirty:
            if os.path.basename(p) in ROOT_MARKERS or self.moves_roots(p):
                return None
            app = self.index.app_for_path(p)
            if app is None:
                return None
            by_root.setdefault(app.root, (app, []))[1].append(p)
        paths, self._dirty = self._dirty, {}
        for p in paths:
            if p not in self.index.source.overlays:
                self.index.source.forget(p)  # as ``flush`` does
        self._job = ReindexJob(paths, by_root)
        return self._job

    def background_ready(self) -> bool:
        """Whether ``background_job`` would give a job (or one is under way)."""
        if self._job is not None:
            return True
        if not self._dirty or self.indexing:
            return False
        return all(
            os.path.basename(p) not in ROOT_MARKERS
            and not self.moves_roots(p)
            and self.index.app_for_path(p) is not None
            for p in self._dirty
        )

    def run_job(self, job: ReindexJob) -> None:
        """Build the apps of ``job`` (once: the caller that comes second waits for the first).
        Runs on any thread; reads the Source, which is thread-safe, and writes only ``job``."""
        with self.index_lock:
            if job.taken:
                return
            job.taken = True
            source = self.index.source
            job.overlays = source.overlays.copy()  # one step under the interpreter lock
            try:
                for app, changed in job.by_root.values():
                    new = self.reindex(app, changed)
                    modules, earlier = self._open_modules(new, job.overlays)
                    job.built.append((app, new, modules, earlier))
            except BaseException as e:  # re-raised by ``commit`` on the loop
                job.error = e

    def commit(self) -> None:
        """On the loop: the job under way finished (run here if no thread took it yet) and
        its apps put in place, unless an open document changed or an app was indexed again
        since it began; then its files are dirty again and the next re-index reads the newer
        text (a version is never indexed with parts of an older one)."""
        job = self._job
        if job is None:
            return
        self.run_job(job)
        self._job = None
        overlays = self.index.source.overlays
        stale = overlays.keys() != job.overlays.keys() or any(
            overlays[p] is not v for p, v in job.overlays.items()
        )
        if job.error is None and not stale:
            stale = any(self.index.apps.get(app.root) is not app for app, *_ in job.built)
        if job.error is not None:
            raise job.error  # its files dropped, as ``flush`` drops them when it fails
        if stale:
            self._dirty = {**job.paths, **self._dirty}
            return
        for _, new, modules, earlier in job.built:
            self.index.apps[new.root] = new
            self._basis[new.root] = (new, modules)
            self._earlier.update(earlier)
            self.unpublished.add(new.root)
        for path in [p for p in self._earlier if p not in overlays]:
            del self._earlier[path]  # closed

    def flush(self) -> set[str]:
        """Re-index the apps of every changed file (each app once). Returns their roots.

        While the workspace is still being indexed (``indexing``), only the apps already in
        the index are touched; the other changes wait (the indexer reads them anyway)."""
        if self._job is not None:
            before = set(self.unpublished)
            self.commit()
            done = self.unpublished - before
            if not self._dirty:
                return done
            with self.index_lock:
                return done | self._flush()
        if not self._dirty:
            return set()
        with self.index_lock:
            return self._flush()

    def _flush(self) -> set[str]:
        indexed_only = self.indexing
        if indexed_only:
            paths = [p for p in self._dirty if self.index.app_for_path(p) is not None]
        else:
            paths = list(self._dirty)
        for p in paths:
            self._dirty.pop(p, None)
        roots: set[str] = set()
        plain: list[str] = []
        for p in paths:
            if os.path.basename(p) in ROOT_MARKERS and not indexed_only:
                roots.update(self.index.changed(p))
            elif self.moves_roots(p) and not indexed_only:
                # A folder created, moved in or deleted: look for app roots again, as a
                # host.json changed inside it would (clients report only the folder).
                roots.update(self.index.changed(os.path.join(p, HOST_JSON)))
            else:
                if p not in self.index.source.overlays:
                    # An open document's parses are dropped when its text changes
                    # (Source.open): a request may have analysed the new text already
                    # (completion, issue 16), which need not be done twice.
                    self.index.source.forget(p)
                plain.append(p)
        by_root: dict[str, list[str]] = {}
        for p in plain:
            app = self.index.app_for_path(p)
            if app is not None and app.root not in roots:
                by_root.setdefault(app.root, []).append(p)
        for root, changed in by_root.items():
            app = self.reindex(self.index.apps[root], changed)
            self.index.apps[root] = app
            roots.add(root)
        for root in roots:
            if root in self.index.apps:
                self._remember(self.index.apps[root])
        now = set(self.index.apps)
        # Apps gone (a folder deleted or moved, host.json removed): what was kept for them
        # goes too: the rule engine's per-app state and the indexer's built Functions held
        # the whole model of a deleted app for the server's life (review of issue 16).
        kept_by_checker = getattr(self.checker, "apps", None)
        gone_roots = (set(self._basis) | set(self._findings) | set(kept_by_checker or ())) - now
        if gone_roots:
            forget_roots(self.index.source, gone_roots)
            forget = getattr(self.checker, "forget", None)
            if forget is not None:
                with self._lock:  # not while the rules thread runs the engine
                    forget(gone_roots)
        for gone in set(self._basis) - now:
            self._basis.pop(gone, None)
        for gone in set(self._findings) - set(self.index.apps):
            self._findings.pop(gone, None)
            roots.add(gone)
        self.unpublished |= roots
        return roots

    def reindex(self, app: App, changed: list[str]) -> App:
        """``app`` indexed again after its files ``changed`` changed: one open blueprint
        module edited in place is patched in (``model.v2.reindex``), anything else indexes
        the whole app."""
        basis = self._basis.get(app.root)
        if len(changed) == 1 and basis is not None and basis[0] is app:
            before = basis[1].get(changed[0])
            if before is not None:
                patched = patch_module(app, changed[0], before, self.index.source)
                if patched is not None:
                    self.patched += 1
                    return patched
        return load_app(app.root, self.index.source)

    def _remember(self, app: App) -> None:
        source = self.index.source
        modules, earlier = self._open_modules(app, source.overlays)
        self._earlier.update(earlier)
        for path in [p for p in self._earlier if p not in source.overlays]:
            del self._earlier[path]  # closed
        self._basis[app.root] = (app, modules)

    def _open_modules(
        self, app: App, overlays: dict[str, tuple[int, str]]
    ) -> tuple[dict[str, ModuleInfo], dict[str, tuple[str, ModuleInfo]]]:
        """The analysis of each open Python document of ``app``, and each with its text."""
        source = self.index.source
        modules: dict[str, ModuleInfo] = {}
        earlier: dict[str, tuple[str, ModuleInfo]] = {}
        for path in overlays:
            if path.endswith(".py") and path in app.files:
                module = source.module(path)
                if module is not None:
                    modules[path] = module
                    text = source.text(path)
                    if text is not None:
                        earlier[path] = (text, module)
        return modules, earlier

    def earlier_analysis(self, path: str) -> tuple[str, ModuleInfo] | None:
        """The text of the open document at ``path`` when it was last indexed, and its
        analysis then (what ``earlier_analysis.reuse_analysis`` reads for a newer text)."""
        return self._earlier.get(os.path.normpath(path))

    def moves_roots(self, path: str) -> bool:
        """True when ``path`` is a folder now, or was an app root or a folder holding one."""
        parts = path.split(os.sep)
        if any(part in SKIP_DIRS for part in parts) or os.path.basename(path).startswith("."):
            return False
        if os.path.isdir(path):
            return True
        if os.path.exists(path):
            return False
        return any(r == path or r.startswith(path + os.sep) for r in self.index.apps)

    def take_unpublished(self) -> set[str]:
        """Re-index what changed; the roots re-indexed since the last call."""
        self.flush()
        roots, self.unpublished = self.unpublished, set()
        return roots

    def app_fresh(self, path: str) -> App | None:
        """The app of ``path``, re-indexed first if one of its files changed (a re-index
        under way on the rules thread is waited for)."""
        if self._dirty or self._job is not None:
            self.flush()
        return self.index.app_for_path(path)

    def findings(self, root: str) -> list[Finding]:
        app = self.index.apps.get(root)
        if app is None:
            return []
        return self.findings_of(app)

    def has_findings(self, root: str) -> bool:
        """Whether the findings of the app now at ``root`` are known (no rule to run)."""
        app = self.index.apps.get(root)
        cached = self._findings.get(root)
        return app is None or (cached is not None and cached[0] is app)

    def findings_of(self, app: App) -> list[Finding]:
        """The findings of ``app``: those of the app indexed now at its root, or of one the
        publisher's rules thread checks while the server indexes a newer edit (then they are
        not kept: the rule engine keeps its own per-function results either way).

        Safe to call from the rules thread: one caller at a time runs the rule engine, and
        the cache is read and written under the same lock."""
        root = app.root
        with self._lock:
            cached = self._findings.get(root)
            if cached is not None and cached[0] is app:
                return cached[1]
            settings = self.settings
            try:
                found = self.checker(app, settings)
            except Exception:
                log.exception("the rule engine failed on %s; showing the indexer's problems", root)
                found = resolved_config(root, settings).apply(problem_findings(app))
            if self.index.apps.get(root) is app:
                self._findings[root] = (app, found)
            return found

    def invalidate_findings(self) -> None:
        with self._lock:
            self._findings.clear()

    def cached_roots(self) -> list[str]:
        return list(self._findings)
