"""The funcls language server: one object holds the state (index, settings) and the
diagnostics publisher (``publisher``); ``handlers`` registers one thin handler per LSP method
on it."""

from __future__ import annotations

import asyncio
import logging
import os
import traceback
from collections.abc import Iterable

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from funcls import __version__
from funcls.lsp.collector import Collector
from funcls.lsp.context import ClientFeatures, Context
from funcls.lsp.homes import app_root_above
from funcls.lsp.positions import PositionMapper, uri_to_path
from funcls.lsp.protocol import FunclsProtocol
from funcls.lsp.publisher import Publisher
from funcls.lsp.settings import Settings, parse_settings
from funcls.lsp.state import Checker, EngineChecker, IndexState
from funcls.lsp.typing_hold import sent_after_idle_ms
from funcls.model.loader import HOST_JSON
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
    "**/funcls.inputs.json",  # the Run lenses' titles say what a saved input sends
)


def new_root_above(index: Workspace, path: str) -> str | None:
    """The root of the app that ``path`` (a document or a workspace folder) lies in
    (homes.app_root_above) when the index does not have it yet and no workspace folder holds
    it (below a folder, its search finds the app, or leaves it out on purpose)."""
    root = app_root_above(path)
    if root is None or root in index.above_roots or root in index.apps:
        return None
    if any(root == f or root.startswith(f + os.sep) for f in index.folders):
        return None
    return root


class FunclsServer(LanguageServer):
    def __init__(self, checker: Checker | None = None) -> None:
        super().__init__("funcls", __version__, protocol_cls=FunclsProtocol)
        # The rule engine, incremental unless a test gives its own.
        self.checker: Checker = checker if checker is not None else EngineChecker()
        self.state = IndexState(Workspace([]), self.checker)
        self.ctx = Context(self.state.index, PositionMapper("utf-16", self.state.index.source.text))
        self.settings = Settings()
        self.client_name: str | None = None  # the client's clientInfo name
        self.init_options: object = None
        self.pending_messages: list[str] = []
        self.ready = asyncio.Event()
        self.publisher = Publisher(self)
        if isinstance(self.checker, EngineChecker):  # the rules pause for requests
            self.checker.pause = self.publisher.gate.pause
        # The heap is collected and frozen when the server is quiet (funcls/lsp/collector.py).
        self.collector = Collector(busy=self._checking)
        self.publisher.listeners.append(lambda roots: self.collector.published())
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
        for folder in index.folders:  # an editor started inside an app: that app
            root = new_root_above(index, folder)
            if root is not None:
                index.above_roots.append(root)
        self.state = IndexState(index, self.checker)
        self.state.indexing = True  # until index_workspace has loaded every app
        self.state.settings = settings
        self.settings = settings
        self.client_name = params.client_info.name if params.client_info else None
        self.publisher.typing.idle_s = self._client_idle_s()
        chosen = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        # The enum's value ("utf-8"), never str() of a member ("PositionEncodingKind.Utf8").
        encoding = chosen.value if isinstance(chosen, types.PositionEncodingKind) else chosen
        self.ctx = Context(
            index,
            PositionMapper(encoding, index.source.text),
            ClientFeatures.from_capabilities(params.capabilities),
            settings,
        )

    def _client_idle_s(self) -> float:
        """The client's own wait before it sends changes, for the typing hold."""
        ms = sent_after_idle_ms(self.client_name, self.settings.changes_sent_after_idle_ms)
        return ms / 1000

    def apply_settings(self, settings: Settings) -> None:
        self.settings = settings
        self.ctx.settings = settings
        self.state.settings = settings
        self.publisher.typing.idle_s = self._client_idle_s()
        roots = [os.path.normpath(os.path.abspath(r)) for r in settings.extra_app_roots]
        if roots != self.state.index.extra_roots:
            self.state.index.extra_roots = roots
            with self.state.index_lock:  # not while the rules thread re-indexes an edit
                self.state.index.index_all()
        self.state.invalidate_findings()

    def adopt_app_above(self, path: str) -> bool:
        """Serve the app the opened document ``path`` lies in when its root is above every
        workspace folder (:func:`new_root_above`): the root joins the index's ``above_roots``
        and its host.json counts as changed, which indexes the app. False when there is no
        such app or it is served already."""
        index = self.state.index
        root = new_root_above(index, path)
        if root is None:
            return False
        index.above_roots.append(root)
        self.state.mark_dirty(os.path.join(root, HOST_JSON))
        return True

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
        self.collector.changed()
        return path

    def file_changed_on_disk(self, path: str) -> None:
        if path in self.state.index.source.overlays:
            return  # the editor's text wins while the file is open
        self.ctx.positions.forget(path)
        self.state.mark_dirty(path)
        self.collector.changed()

    def _checking(self) -> bool:
        running = self.publisher.running
        return running is not None and not running.done()

    # -- diagnostics: the publisher owns them; these names stay for the handlers ---------------
    def schedule(self, path: str, delay_ms: int | None = None) -> None:
        self.publisher.schedule(path, delay_ms)

    def refresh(self, path: str | None = None) -> None:
        self.publisher.refresh(path)

    def open_under(self, root: str) -> set[str]:
        return self.publisher.open_under(root)

    @property
    def pull_mode(self) -> bool:
        return self.publisher.pull_mode

    @property
    def published(self) -> dict[str, list[types.Diagnostic]]:
        return self.publisher.published

    @property
    def workspace_pull(self) -> bool:
        return self.publisher.workspace_pull

    @workspace_pull.setter
    def workspace_pull(self, value: bool) -> None:
        self.publisher.workspace_pull = value

    def grouped(self, root: str) -> dict[str, list[types.Diagnostic]]:
        return self.publisher.grouped(root)

    def publish_roots(self, roots: Iterable[str], force: set[str] | None = None) -> None:
        self.publisher.publish_roots(roots, force)

    def document_diagnostics(self, path: str) -> list[types.Diagnostic]:
        return self.publisher.document_diagnostics(path)

    # -- indexing ----------------------------------------------------------------------------
    def started(self) -> None:
        """The first indexing is over (or failed): requests waiting for it go on."""
        # The index is long-lived: frozen, never walked by a collection (collector.py).
        # `funcls --stdio` starts with the collector off (lsp/cli.py): on from here.
        self.collector.freeze_model()
        self.ready.set()

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
        self.started()
        if self.ctx.client.code_lens_refresh:
            # Lenses asked for while indexing were empty: the client asks again now.
            self.workspace_code_lens_refresh(None)
        # Documents opened meanwhile, then the rest of the workspace, yielding between apps.
        for root in sorted(index.apps, key=lambda r: not self.open_under(r)):
            if root not in early or root in touched:
                self.publish_roots([root], force=self.open_under(root))
                await asyncio.sleep(0)
        # The converter's code for completion messages made now, not on the first completion.
        from funcls.lsp.completion import codec_warm_up

        try:
            for step in codec_warm_up(self.protocol):
                step()
                await asyncio.sleep(0)  # a request that came meanwhile goes first
        except Exception as e:  # the first completion then makes it, as before
            self.failed("completion codec warm-up", e)
        # The first rename's jedi modules and parso grammars loaded on a thread (no query).
        from funcls.lsp import jedi_warm

        jedi_warm.start()
