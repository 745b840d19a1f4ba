"""Registers one thin handler per LSP method: convert the request to model terms, call the
feature function, and catch and log anything it raises so the server keeps serving."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from lsprotocol import types

from funcls.lsp import (
    code_actions,
    code_lens,
    completion,
    definition,
    formatting,
    functions_view,
    heap_counts,
    highlight,
    hover,
    items,
    references,
    rename,
    run_commands,
    scaffold_commands,
    signature,
    symbols,
)
from funcls.lsp.edits import RequestFailed
from funcls.lsp.positions import uri_to_path
from funcls.lsp.protocol import FunclsProtocol
from funcls.lsp.server import WATCHED_GLOBS, FunclsServer
from funcls.lsp.settings import SECTION, parse_settings
from funcls.model.appmodel import App
from funcls.model.locations import Range

F = TypeVar("F", bound=Callable[..., Any])


def guarded(server: FunclsServer, what: str, default: Any = None) -> Callable[[F], F]:
    """Run the handler; on an exception log it (window/logMessage) and answer ``default``."""

    def decorate(fn: F) -> F:
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def waiting(*args: Any) -> Any:
                try:
                    return await fn(*args)
                except RequestFailed:
                    raise
                except Exception as e:
                    server.failed(what, e)
                    return default

            return waiting  # type: ignore[return-value]

        @functools.wraps(fn)
        def wrapper(*args: Any) -> Any:
            try:
                return fn(*args)
            except RequestFailed:
                raise
            except Exception as e:
                server.failed(what, e)
                return default

        return wrapper  # type: ignore[return-value]

    return decorate


REQUESTS_WAIT_FOR_INDEX_S = 3.0


def after_first_index(server: FunclsServer) -> Callable[[F], F]:
    """Answer the request once the first indexing is over (at most
    ``REQUESTS_WAIT_FOR_INDEX_S``). The first diagnostics are published before it (the early
    path), so a user may ask for a diagnostic's fixes, a hover or a definition at once: before,
    such a request found no app and got null (Emacs QA: eglot-code-actions on the first
    diagnostic offered nothing)."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        async def wrapper(*args: Any) -> Any:
            if not server.ready.is_set():
                await wait_for_index(server, REQUESTS_WAIT_FOR_INDEX_S)
            answer = fn(*args)
            return await answer if inspect.isawaitable(answer) else answer

        return wrapper  # type: ignore[return-value]

    return decorate


async def wait_for_index(server: FunclsServer, timeout: float) -> None:
    """Wait (at most ``timeout`` seconds) for the first indexing; the document notifications
    that arrive meanwhile wait for this request (``FunclsProtocol.holding_documents``), so it
    reads the documents as they were when it was sent."""
    protocol = server.protocol
    assert isinstance(protocol, FunclsProtocol)
    with protocol.holding_documents(), contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(server.ready.wait(), timeout)


def register(server: FunclsServer) -> None:
    register_lifecycle(server)
    register_documents(server)
    register_language(server)
    register_navigation(server)
    register_actions(server)
    # The Functions view of the VS Code extension: funcls/functions, funcls/functionsChanged.
    functions_view.register(server)
    scaffold_commands.register(server)
    heap_counts.register(server)  # tests only: FUNCLS_TEST_REQUESTS=1


def register_lifecycle(server: FunclsServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        server.setup(params)

    @server.feature(types.INITIALIZED)
    async def initialized(params: types.InitializedParams) -> None:
        try:
            for message in server.pending_messages:
                server.tell(message)
            server.pending_messages.clear()
            if server.ctx.client.configuration:
                await pull_configuration(server)
            if server.ctx.client.watched_files_dynamic:
                await register_watchers(server)
        except Exception as e:
            server.failed("start-up", e)
        try:
            await server.index_workspace()
        except Exception as e:
            server.failed("indexing", e)
            server.state.indexing = False
            server.started()

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    @guarded(server, "workspace folders")
    def did_change_workspace_folders(params: types.DidChangeWorkspaceFoldersParams) -> None:
        change_folders(server, params)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
        try:
            if server.ctx.client.configuration:
                await pull_configuration(server)
            elif params.settings is not None:
                apply_raw_settings(server, params.settings)
            server.publish_roots(list(server.state.index.apps))
        except Exception as e:
            server.failed("settings", e)


def change_folders(server: FunclsServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
    index = server.state.index
    removed = {uri_to_path(f.uri) for f in params.event.removed}
    folders = [f for f in index.folders if f not in removed]
    folders += [p for f in params.event.added if (p := uri_to_path(f.uri)) and p not in folders]
    index.folders = folders
    before = set(index.apps)
    with server.state.index_lock:  # not while the rules thread re-indexes an edit
        index.index_all()
    server.state.invalidate_findings()
    server.publish_roots(before | set(index.apps))


def apply_raw_settings(server: FunclsServer, raw: Any) -> None:
    settings, _ = parse_settings(server.init_options)
    settings, more = parse_settings(raw, settings)
    for message in more:
        server.tell(message)
    server.apply_settings(settings)


CONFIGURATION_TIMEOUT_S = 5.0


async def pull_configuration(server: FunclsServer) -> None:
    """Ask the client for the settings; an answer that is an error, unreadable (``null``) or
    late leaves the settings as they are (the defaults at start-up), and says so in the log."""
    try:
        result = await asyncio.wait_for(
            server.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
            ),
            CONFIGURATION_TIMEOUT_S,
        )
    except Exception as e:
        why = "no answer in time" if isinstance(e, asyncio.TimeoutError) else str(e) or repr(e)
        server.log(
            f"funcls: workspace/configuration failed ({why}); keeping the current settings",
            types.MessageType.Warning,
        )
        return
    raw = result[0] if isinstance(result, (list, tuple)) and result else None
    if raw is not None:
        apply_raw_settings(server, raw)


async def register_watchers(server: FunclsServer) -> None:
    watchers = [types.FileSystemWatcher(glob_pattern=g) for g in WATCHED_GLOBS]
    await server.client_register_capability_async(
        types.RegistrationParams(
            registrations=[
                types.Registration(
                    id="funcls-watched-files",
                    method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=types.DidChangeWatchedFilesRegistrationOptions(
                        watchers=watchers
                    ),
                )
            ]
        )
    )


def register_documents(server: FunclsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded(server, "didOpen")
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        path = server.document_changed(params.text_document.uri)
        if path is not None:
            if server.state.index.app_for_path(path) is None:
                server.adopt_app_above(path)  # a file of an app above the workspace folders
            if path in server.published and server.pull_mode:
                server.published.pop(path, None)
            server.schedule(path, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded(server, "didChange")
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        path = server.document_changed(params.text_document.uri)
        if path is not None:
            server.publisher.typing.changed(path, params.content_changes)
            server.schedule(path)
            if code_lens.changes_run_titles(path):
                refresh_run_titles(server)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @guarded(server, "didSave")
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        # A client without watched-file registration (Neovim 0.7) says nothing of a file
        # created beside the document (requirements.txt, host.json): a save re-reads the
        # document's app from disk, as opening one of its files does.
        path = uri_to_path(params.text_document.uri)
        if path is not None:
            server.state.mark_dirty(path)
            server.schedule(path, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded(server, "didClose")
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        path = server.document_changed(params.text_document.uri, closed=True)
        if path is not None:
            server.publisher.typing.forget(path)
            server.schedule(path, 0)
            # Closed without saving: a click sends the disk's saved input again.
            if code_lens.changes_run_titles(path):
                refresh_run_titles(server)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded(server, "watched files")
    def did_change_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            path = uri_to_path(change.uri)
            if path is not None:
                scaffold_commands.release_reported(server, path, change.type)
                server.file_changed_on_disk(path)
                server.schedule(path)
        if any(code_lens.changes_run_titles(uri_to_path(c.uri) or "") for c in params.changes):
            refresh_run_titles(server)


def refresh_run_titles(server: FunclsServer) -> None:
    """The saved inputs changed: lenses of other files say what a click sends now."""
    if server.ctx.client.code_lens_refresh:
        server.workspace_code_lens_refresh(None)


COMPLETION_WAITS_FOR_INDEX_S = 3.0


def register_language(server: FunclsServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(
            trigger_characters=completion.TRIGGER_CHARACTERS, resolve_provider=True
        ),
    )
    async def on_completion(params: types.CompletionParams) -> types.CompletionList | None:
        if not server.ready.is_set():
            # A request right after start-up (an editor opening a file and completing): an
            # app not indexed yet would complete without its settings, functions and bindings.
            await wait_for_index(server, COMPLETION_WAITS_FOR_INDEX_S)
        return complete_now(params)

    @guarded(server, "completion")
    def complete_now(params: types.CompletionParams) -> types.CompletionList | None:
        path = uri_to_path(params.text_document.uri)
        if path is None:
            return None
        server.publisher.typing.completion_asked(path)
        context = params.context
        trigger = (
            context.trigger_character
            if context and context.trigger_kind == types.CompletionTriggerKind.TriggerCharacter
            else None
        )
        # A change not indexed yet (the debounce has not run) is indexed first, as for hover:
        # completion right after a didChange must see it (issue 17), unless what it completes
        # reads only the current text and its analysis (issue 16).
        pos = server.position(path, params.position)
        indexed = not server.state.dirty
        if not indexed and completion.needs_indexed_edits(
            server.ctx, path, pos, server.state.dirty
        ):
            server.state.app_fresh(path)
            indexed = True
        earlier = None if indexed else server.state.earlier_analysis(path)
        return completion.complete(server.ctx, path, pos, trigger, indexed, earlier)

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    def on_completion_resolve(params: types.CompletionItem) -> types.CompletionItem:
        try:
            return items.resolve(server.ctx, params)
        except Exception as e:
            server.failed("completion resolve", e)
            return params

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @after_first_index(server)
    @guarded(server, "hover")
    def on_hover(params: types.HoverParams) -> types.Hover | None:
        path = uri_to_path(params.text_document.uri)
        if path is None:
            return None
        if server.state.dirty:
            # Edits not indexed yet: a decorator's or keyword's hover reads only the current
            # text's analysis and the catalogue, so it answers at once (issue 16); any other
            # hover indexes the edits first, never reading positions older than the text.
            pos = server.position(path, params.position)
            earlier = server.state.earlier_analysis(path)
            fresh = hover.text_hover(server.ctx, path, pos, server.state.dirty, earlier)
            if fresh is not None:
                return fresh
        if server.state.app_fresh(path) is None:
            return None
        return hover.hover(server.ctx, path, server.position(path, params.position))

    @server.feature(
        types.TEXT_DOCUMENT_SIGNATURE_HELP,
        types.SignatureHelpOptions(
            trigger_characters=signature.TRIGGER_CHARACTERS,
            retrigger_characters=signature.RETRIGGER_CHARACTERS,
        ),
    )
    @after_first_index(server)
    @guarded(server, "signature help")
    def on_signature_help(params: types.SignatureHelpParams) -> types.SignatureHelp | None:
        path = uri_to_path(params.text_document.uri)
        if path is None or server.state.app_fresh(path) is None:
            return None
        return signature.signature_help(server.ctx, path, server.position(path, params.position))

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier="funcls", inter_file_dependencies=True, workspace_diagnostics=True
        ),
    )
    @after_first_index(server)
    @guarded(server, "diagnostics")
    def on_document_diagnostic(params: types.DocumentDiagnosticParams) -> Any:
        from funcls.lsp import diagnostics

        path = uri_to_path(params.text_document.uri)
        diags = server.document_diagnostics(path) if path else []
        return diagnostics.document_report(diags, params.previous_result_id)

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    @guarded(server, "workspace diagnostics")
    def on_workspace_diagnostic(params: types.WorkspaceDiagnosticParams) -> Any:
        from funcls.lsp import diagnostics

        server.workspace_pull = True
        server.state.flush()
        reports: dict[str, list[types.Diagnostic]] = {}
        for root in server.state.index.apps:
            reports.update(server.grouped(root))
        # A file whose problems went away is reported empty, or the client keeps showing them:
        # every file a pass or a report gave the client problems for (publisher.pullable).
        for path in [*server.published, *server.publisher.pullable, *server.ctx.versions]:
            reports.setdefault(path, [])
        server.publisher.hold_in_report(reports)
        server.publisher.pullable.update(reports)
        previous = {p.uri: p.value for p in params.previous_result_ids}
        return diagnostics.workspace_report(reports, server.ctx.versions, previous)


_LENS_WAITS: set[str] = set()  # app roots whose lenses were given without their findings
_LENS_TASKS: set[asyncio.Future[None]] = set()


def refresh_lenses_when_checked(server: FunclsServer, root: str, timeout: float = 30.0) -> None:
    """Once the findings of ``root`` are known, ``workspace/codeLens/refresh`` (where the client
    supports it): a lens given before them may offer ▶ Run on a function that cannot load."""
    if not server.ctx.client.code_lens_refresh or root in _LENS_WAITS:
        return
    _LENS_WAITS.add(root)

    async def wait() -> None:
        try:
            loop = asyncio.get_running_loop()
            end = loop.time() + timeout
            while not server.state.has_findings(root) and loop.time() < end:
                await asyncio.sleep(0.05)
            server.workspace_code_lens_refresh(None)
        except Exception as e:
            server.failed("code lens refresh", e)
        finally:
            _LENS_WAITS.discard(root)

    task = asyncio.ensure_future(wait())
    _LENS_TASKS.add(task)  # kept until done: the loop holds only a weak reference
    task.add_done_callback(_LENS_TASKS.discard)


LENS_WAIT = 2.0  # seconds a lens for a client without lens refresh waits for the rules


async def _checked_app(server: FunclsServer, path: str, root: str) -> App | None:
    """The app of ``path`` once its findings are known (at most ``LENS_WAIT`` seconds; edits
    that arrive meanwhile are indexed as they come, so the lenses match the newest text)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + LENS_WAIT
    while not server.state.has_findings(root) and loop.time() < end:
        await asyncio.sleep(0.02)
    return server.state.app_fresh(path)


def register_navigation(server: FunclsServer) -> None:
    def fresh(uri: str) -> str | None:
        path = uri_to_path(uri)
        if path is None or server.state.app_fresh(path) is None:
            return None
        return path

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @after_first_index(server)
    @guarded(server, "definition")
    def on_definition(params: types.DefinitionParams) -> list[types.Location] | None:
        path = fresh(params.text_document.uri)
        if path is None:
            return None
        return definition.definition(server.ctx, path, server.position(path, params.position))

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @after_first_index(server)
    @guarded(server, "references")
    def on_references(params: types.ReferenceParams) -> list[types.Location] | None:
        path = fresh(params.text_document.uri)
        if path is None:
            return None
        pos = server.position(path, params.position)
        return references.references(server.ctx, path, pos, params.context.include_declaration)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    @after_first_index(server)
    @guarded(server, "highlight")
    def on_highlight(params: types.DocumentHighlightParams) -> list[types.DocumentHighlight] | None:
        path = fresh(params.text_document.uri)
        if path is None:
            return None
        return highlight.highlights(server.ctx, path, server.position(path, params.position))

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    @after_first_index(server)
    @guarded(server, "rename")
    def on_prepare_rename(params: types.PrepareRenameParams) -> Any:
        path = fresh(params.text_document.uri)
        if path is None:
            return None
        return rename.prepare_rename(server.ctx, path, server.position(path, params.position))

    @server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
    @after_first_index(server)
    @guarded(server, "rename")
    def on_rename(params: types.RenameParams) -> types.WorkspaceEdit | None:
        path = fresh(params.text_document.uri)
        if path is None:
            return None
        pos = server.position(path, params.position)
        return rename.rename(server.ctx, path, pos, params.new_name)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @after_first_index(server)
    @guarded(server, "document symbols")
    def on_document_symbol(params: types.DocumentSymbolParams) -> Any:
        path = fresh(params.text_document.uri)
        return symbols.document_symbols(server.ctx, path) if path else None

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    @guarded(server, "formatting")
    def on_formatting(params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
        path = uri_to_path(params.text_document.uri)
        return formatting.format_document(server.ctx, path, params.options) if path else None

    @server.feature(types.WORKSPACE_SYMBOL)
    @guarded(server, "workspace symbols")
    def on_workspace_symbol(params: types.WorkspaceSymbolParams) -> Any:
        server.state.flush()
        return symbols.workspace_symbols(server.ctx, params.query)


def register_actions(server: FunclsServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.RefactorRewrite]
        ),
    )
    @after_first_index(server)
    @guarded(server, "code actions")
    def on_code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        path = uri_to_path(params.text_document.uri)
        app = server.state.app_fresh(path) if path else None
        if path is None or app is None:
            return None
        rng = params.range
        model_range = Range(server.position(path, rng.start), server.position(path, rng.end))
        found = server.state.findings(app.root)
        only = [str(k) for k in params.context.only] if params.context.only else None
        sent = params.context.diagnostics
        # VS Code asks by itself on every cursor move (the light bulb): no whole-app conversion
        # check then, only when the user opens the menu.
        asked = params.context.trigger_kind != types.CodeActionTriggerKind.Automatic
        actions = code_actions.code_actions(server.ctx, path, model_range, found, only, sent, asked)
        return actions or None

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    @after_first_index(server)
    @guarded(server, "code lens")
    async def on_code_lens(params: types.CodeLensParams) -> list[types.CodeLens] | None:
        path = uri_to_path(params.text_document.uri)
        app = None if path is None else server.state.app_fresh(path)
        if path is None or app is None:
            return None
        if not server.ctx.client.code_lens_refresh and not server.state.has_findings(app.root):
            # A client without workspace/codeLens/refresh (Neovim 0.7, eglot 1.9) keeps the
            # lenses it gets now until it happens to ask again: wait a moment for the rules
            # rather than offer ▶ Run on a function that cannot load.
            app = await _checked_app(server, path, app.root)
            if app is None:
                return None
        # Only findings already known: a lens never waits for the rules where the client can
        # be asked for the lenses again once the rules have answered.
        known = server.state.has_findings(app.root)
        findings = server.state.findings(app.root) if known else None
        if not known:
            refresh_lenses_when_checked(server, app.root)
        return code_lens.code_lenses(server.ctx, path, findings)

    @server.command(code_actions.CONVERT_COMMAND)
    async def on_convert_app(*args: Any) -> bool:
        from funcls.lsp.convert.command import convert_app_command

        try:
            return await convert_app_command(server, *[str(a) for a in args[:2]])
        except Exception as e:
            server.failed("convert the app to v2", e)
            return False

    @server.command(code_actions.REMOVE_COMMAND)
    async def on_remove_v1(*args: Any) -> bool:
        try:
            return await remove_v1_function(server, *[str(a) for a in args[:2]])
        except Exception as e:
            server.failed("remove v1 function", e)
            return False

    run_commands.register(server)


async def remove_v1_function(server: FunclsServer, root: str = "", name: str = "") -> bool:
    """Delete the v1 files of a converted function, once the user confirms."""
    from funcls.lsp.convert.v1 import plan_removal, remove_files

    server.state.flush()
    app = server.state.index.apps.get(root)
    fn = app.function(name) if app is not None else None
    v1 = next((f for f in app.functions if f.model == "v1" and f is fn), None) if app else None
    plan = plan_removal(app, v1, server.state.index.source) if app and v1 else None
    if plan is None:
        server.tell(f"'{name}' has no v1 folder left to remove, or its v2 version is missing")
        return False
    delete = "Delete"
    answer = await server.window_show_message_request_async(
        types.ShowMessageRequestParams(
            type=types.MessageType.Warning,
            message=f"{plan.title}: delete {plan.ops[0].path}?",
            actions=[types.MessageActionItem(title=delete), types.MessageActionItem(title="Keep")],
        )
    )
    if answer is None or answer.title != delete:
        return False
    for path in remove_files(plan):
        server.file_changed_on_disk(path)
    server.refresh()
    return True
