"""The funcls language server: one object holds the state (index, settings, diagnostics,
debouncers); ``handlers`` registers one thin handler per LSP method on it."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import traceback
from collections.abc import Iterable

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from funcls import __version__
from funcls.lsp import diagnostics
from funcls.lsp.context import ClientFeatures, Context
from funcls.lsp.positions import PositionMapper, path_to_uri, uri_to_path
from funcls.lsp.protocol import FunclsProtocol
from funcls.lsp.settings import Settings, parse_settings
from funcls.lsp.state import Checker, IndexState, default_checker
from funcls.model.locations import Position
from funcls.model.workspace import Workspace

log = logging.getLogger(__name__)
WATCHED_GLOBS = (
    "**/function.json",
    "**/host.json",
    "**/local.settings.json",
    "**/*.py",
    "**/requirements.txt",
    "**/.funcignore",
)


class FunclsServer(LanguageServer):
    def __init__(self, checker: Checker = default_checker) -> None:
        super().__init__("funcls", __version__, protocol_cls=FunclsProtocol)
        self.checker = checker
        self.state = IndexState(Workspace([]), checker)
        self.ctx = Context(self.state.index, PositionMapper("utf-16", self.state.index.source.text))
        self.settings = Settings()
        self.init_options: object = None
        self.pending_messages: list[str] = []
        self.ready = asyncio.Event()
        self.timers: dict[str, asyncio.TimerHandle] = {}
        self.published: dict[str, list[types.Diagnostic]] = {}
        self.published_versions: dict[str, int | None] = {}
        self.published_by_root: dict[str, set[str]] = {}
        self.workspace_pull = False  # the client pulls workspace diagnostics itself
        self.warm: object = None  # the apps run for the Run lens (funcls.lsp.run_commands)

    # -- set-up ------------------------------------------------------------------------------
    def setup(self, params: types.InitializeParams) -> None:
        folders = [uri_to_path(f.uri) for f in params.workspace_folders or []]
        if not folders and params.root_uri:
            folders = [uri_to_path(params.root_uri)]
        elif not folders and params.root_path:
            folders = [params.root_path]
        self.init_options = params.initialization_options
        settings, errors = parse_settings(params.initialization_options)
        self.pending_messages.extend(errors)
        index = Workspace([f for f in folders if f], extra_roots=list(settings.extra_app_roots))
        self.state = IndexState(index, self.checker)
        self.state.indexing = True  # until index_workspace has loaded every app
        self.state.settings = settings
        self.settings = settings
        encoding = str(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)
        self.ctx = Context(
            index,
            PositionMapper(encoding, index.source.text),
            ClientFeatures.from_capabilities(params.capabilities),
            settings,
        )

    def apply_settings(self, settings: Settings) -> None:
        self.settings = settings
        self.ctx.settings = settings
        self.state.settings = settings
        roots = [os.path.normpath(os.path.abspath(r)) for r in settings.extra_app_roots]
        if roots != self.state.index.extra_roots:
            self.state.index.extra_roots = roots
            self.state.index.index_all()
        self.state.invalidate_findings()

    # -- messages ----------------------------------------------------------------------------
    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def tell(self, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))
        self.log(message, kind)

    def failed(self, what: str, error: BaseException) -> None:
        detail = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        log.error("%s failed: %s", what, detail)
        self.log(f"funcls: {what} failed: {error}\n{detail}", types.MessageType.Error)

    # -- documents ---------------------------------------------------------------------------
    def path_of(self, uri: str) -> str | None:
        return uri_to_path(uri)

    def position(self, path: str, pos: types.Position) -> Position:
        return self.ctx.positions.from_lsp(path, pos)

    def document_changed(self, uri: str, closed: bool = False) -> str | None:
        path = self.path_of(uri)
        if path is None:
            return None
        source = self.state.index.source
        if closed:
            source.close(path)
            self.ctx.versions.pop(path, None)
        else:
            doc = self.workspace.get_text_document(uri)
            version = doc.version if doc.version is not None else 0
            source.open(path, version, doc.source)
            self.ctx.versions[path] = version
        self.ctx.positions.forget(path)
        self.state.mark_dirty(path)
        return path

    def file_changed_on_disk(self, path: str) -> None:
        if path in self.state.index.source.overlays:
            return  # the editor's text wins while the file is open
        self.ctx.positions.forget(path)
        self.state.mark_dirty(path)

    # -- diagnostics -------------------------------------------------------------------------
    def schedule(self, path: str, delay_ms: int | None = None) -> None:
        """Re-index and re-check after ``delay_ms`` without further changes to ``path``."""
        delay = self.settings.diagnostics_delay_ms if delay_ms is None else delay_ms
        old = self.timers.pop(path, None)
        if old is not None:
            old.cancel()
        loop = asyncio.get_event_loop()
        self.timers[path] = loop.call_later(delay / 1000, self.refresh, path)

    def refresh(self, path: str | None = None) -> None:
        if path is not None:
            self.timers.pop(path, None)
        try:
            roots = self.state.take_unpublished()
            app = self.state.index.app_for_path(path) if path is not None else None
            if app is not None and path in self.unpublished_versions():
                roots.add(app.root)  # another refresh took the re-indexed root
            self.publish_roots(roots, force={path} if path else set())
        except Exception as e:
            self.failed("diagnostics", e)

    def unpublished_versions(self) -> set[str]:
        """Open documents whose current version has not been published yet (push mode)."""
        if self.pull_mode:
            return set()
        sent = self.published_versions
        return {p for p, v in self.ctx.versions.items() if p not in sent or sent[p] != v}

    def open_under(self, root: str) -> set[str]:
        """The open documents of the app at ``root``."""
        return {p for p in self.ctx.versions if p == root or p.startswith(root + os.sep)}

    @property
    def pull_mode(self) -> bool:
        return self.ctx.client.pull_diagnostics

    def grouped(self, root: str) -> dict[str, list[types.Diagnostic]]:
        return diagnostics.by_path(self.ctx, self.state.findings(root))

    def publish_roots(self, roots: Iterable[str], force: set[str] | None = None) -> None:
        force = force or set()
        changed = False
        for root in sorted(roots):
            grouped = self.grouped(root) if root in self.state.index.apps else {}
            before = self.published_by_root.get(root, set())
            open_here = self.open_under(root)
            # Every open document of the app whose new version the client has not seen gets
            # its diagnostics again, with that version, even when they are the same.
            due = (open_here & force) | (open_here & self.unpublished_versions())
            for path in sorted(set(grouped) | before | due):
                diags = grouped.get(path, [])
                if self.published.get(path) != diags:
                    changed = True
                self.publish(path, diags, force=path in due)
            self.published_by_root[root] = set(grouped)
        if changed and self.pull_mode and self.ctx.client.diagnostic_refresh:
            self.workspace_diagnostic_refresh(None)

    def publish(self, path: str, diags: list[types.Diagnostic], force: bool = False) -> None:
        is_open = path in self.ctx.versions
        if self.pull_mode and (is_open or self.workspace_pull):
            return  # the client pulls these
        if not force and self.published.get(path) == diags:
            return
        self.published[path] = diags
        self.published_versions[path] = self.ctx.versions.get(path)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=path_to_uri(path),
                diagnostics=diags,
                version=self.ctx.versions.get(path),
            )
        )

    def document_diagnostics(self, path: str) -> list[types.Diagnostic]:
        app = self.state.app_fresh(path)
        if app is None:
            return []
        return self.grouped(app.root).get(path, [])

    # -- indexing ----------------------------------------------------------------------------
    async def index_workspace(self) -> None:
        token = "funcls-index"
        progress = self.ctx.client.work_done_progress
        if progress:
            try:
                await self.work_done_progress.create_async(token)
            except Exception:
                progress = False
        index = self.state.index
        roots = index.roots()
        if progress:
            self.work_done_progress.begin(
                token,
                types.WorkDoneProgressBegin(
                    title="funcls: indexing Azure Functions apps",
                    message=f"{len(roots)} app(s)",
                    percentage=0,
                    cancellable=False,
                ),
            )
        from funcls.model.loader import load_app

        pending = list(roots)
        early: set[str] = set()
        while pending:
            # An app with an open document first: its diagnostics go out before the rest.
            root = next((r for r in pending if self.open_under(r)), pending[0])
            pending.remove(root)
            index.apps[root] = load_app(root, index.source)
            if progress:
                done = len(roots) - len(pending)
                self.work_done_progress.report(
                    token,
                    types.WorkDoneProgressReport(
                        message=os.path.basename(root),
                        percentage=int(100 * done / max(len(roots), 1)),
                    ),
                )
            opened = self.open_under(root)
            if opened:
                self.publish_roots([root], force=opened)
                early.add(root)
            await asyncio.sleep(0)
        functions = sum(len(a.functions) for a in index.apps.values())
        if progress:
            self.work_done_progress.end(
                token,
                types.WorkDoneProgressEnd(
                    message=f"{functions} function(s) in {len(index.apps)} app(s)"
                ),
            )
        self.log(f"funcls: indexed {functions} function(s) in {len(index.apps)} app(s)")
        self.state.indexing = False
        touched = self.state.take_unpublished()
        # The index is long-lived: keep the collector from walking it on every full collection
        # (a full pass over a 1,000-function index takes ~100 ms and shows up as edit latency).
        gc.collect()
        gc.freeze()
        self.ready.set()
        if self.ctx.client.code_lens_refresh:
            # Lenses asked for while indexing were empty: the client asks again now.
            self.workspace_code_lens_refresh(None)
        # Documents opened meanwhile, then the rest of the workspace, yielding between apps.
        for root in sorted(index.apps, key=lambda r: not self.open_under(r)):
            if root not in early or root in touched:
                self.publish_roots([root], force=self.open_under(root))
                await asyncio.sleep(0)
