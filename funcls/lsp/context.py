"""What every feature function receives: the index, position conversion, what the client can
do, the settings and the clock. Features read files through ``ctx.source`` (open documents
overlay the disk) and never re-index the workspace themselves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from lsprotocol import types

from funcls.lsp.positions import UTF16, PositionMapper
from funcls.lsp.settings import Settings
from funcls.model.appmodel import App
from funcls.model.source import Source
from funcls.model.workspace import Workspace


@dataclass(frozen=True)
class ClientFeatures:
    """The parts of the client's capabilities that change what features return."""

    snippets: bool = True
    edit_ranges: bool = True  # completion: the client replaces an item's textEdit range
    markdown: bool = True
    completion_markdown: bool = True
    resolve_documentation: bool = False  # completionItem/resolve may fill documentation
    hierarchical_symbols: bool = True
    related_information: bool = True
    document_changes: bool = True
    resource_operations: tuple[str, ...] = ("create", "rename", "delete")
    change_annotations: bool = False
    code_action_literals: bool = True
    disabled_code_actions: bool = False
    pull_diagnostics: bool = False
    diagnostic_refresh: bool = False
    diagnostic_version: bool = True
    watched_files_dynamic: bool = False
    configuration: bool = False
    work_done_progress: bool = False
    code_lens_refresh: bool = False
    signature_label_offsets: bool = True  # ParameterInformation.label as [start, end]
    prepare_rename: bool = True  # asks textDocument/prepareRename before a rename
    prepare_default_behavior: bool = False  # understands {"defaultBehavior": true}

    @staticmethod
    def from_capabilities(caps: types.ClientCapabilities) -> ClientFeatures:
        td = caps.text_document
        ws = caps.workspace
        win = caps.window
        item = td.completion.completion_item if td and td.completion else None
        hover = td.hover if td else None
        sym = td.document_symbol if td else None
        pub = td.publish_diagnostics if td else None
        action = td.code_action if td else None
        edit = ws.workspace_edit if ws else None
        watched = ws.did_change_watched_files if ws else None
        return ClientFeatures(
            snippets=bool(item and item.snippet_support),
            edit_ranges=not ignores_edit_ranges(item),
            markdown=hover is None
            or not hover.content_format
            or types.MarkupKind.Markdown in hover.content_format,
            completion_markdown=bool(
                item
                and item.documentation_format
                and types.MarkupKind.Markdown in item.documentation_format
            ),
            resolve_documentation=bool(
                item
                and item.resolve_support
                and "documentation" in (item.resolve_support.properties or [])
            ),
            hierarchical_symbols=bool(sym and sym.hierarchical_document_symbol_support),
            related_information=bool(pub and pub.related_information),
            document_changes=bool(edit and edit.document_changes),
            resource_operations=tuple(
                str(getattr(op, "value", op)) for op in (edit.resource_operations or [])
            )
            if edit
            else (),
            change_annotations=bool(edit and edit.change_annotation_support),
            code_action_literals=bool(action and action.code_action_literal_support),
            disabled_code_actions=bool(action and action.disabled_support),
            pull_diagnostics=bool(td and td.diagnostic),
            diagnostic_refresh=bool(ws and ws.diagnostics and ws.diagnostics.refresh_support),
            diagnostic_version=bool(pub and pub.version_support),
            watched_files_dynamic=bool(watched and watched.dynamic_registration),
            configuration=bool(ws and ws.configuration),
            work_done_progress=bool(win and win.work_done_progress),
            code_lens_refresh=bool(ws and ws.code_lens and ws.code_lens.refresh_support),
            signature_label_offsets=_signature_label_offsets(td),
            prepare_rename=bool(td and td.rename and td.rename.prepare_support),
            prepare_default_behavior=bool(
                td and td.rename and td.rename.prepare_support_default_behavior
            ),
        )


def _signature_label_offsets(td: types.TextDocumentClientCapabilities | None) -> bool:
    sig = td.signature_help if td else None
    info = sig.signature_information if sig else None
    params = info.parameter_information if info else None
    return bool(params and params.label_offset_support)


def ignores_edit_ranges(item: types.ClientCompletionItemOptions | None) -> bool:
    """Whether completion is Neovim's built-in omnifunc, which inserts an item's text at the
    keyword before the cursor whatever its textEdit range says. Neovim 0.6-0.11 declare
    ``preselectSupport`` and ``commitCharactersSupport`` false and no ``insertReplaceSupport``
    (pytest-lsp's recorded capabilities); nvim-cmp, which honours ranges, declares all three
    true, VS Code too, and eglot leaves them out."""
    return bool(
        item is not None
        and item.preselect_support is False
        and item.commit_characters_support is False
        and not item.insert_replace_support
    )


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Context:
    index: Workspace
    positions: PositionMapper
    client: ClientFeatures = field(default_factory=ClientFeatures)
    settings: Settings = field(default_factory=Settings)
    now: Callable[[], datetime] = _utc_now
    versions: dict[str, int] = field(default_factory=dict)  # open documents: path -> version
    # Results worth keeping while an app is unchanged (keyed by app root; each entry holds the
    # App object it was computed for, so a re-indexed app misses).
    memo: dict[str, tuple[object, object]] = field(default_factory=dict)

    @property
    def source(self) -> Source:
        return self.index.source

    def app(self, path: str) -> App | None:
        return self.index.app_for_path(path)

    def text(self, path: str) -> str | None:
        return self.index.source.text(path)


def make_context(
    index: Workspace,
    encoding: str = UTF16,
    client: ClientFeatures | None = None,
    settings: Settings | None = None,
    now: Callable[[], datetime] | None = None,
) -> Context:
    """A context for tests and tools; the server builds its own."""
    return Context(
        index=index,
        positions=PositionMapper(encoding, index.source.text),
        client=client or ClientFeatures(),
        settings=settings or Settings(),
        now=now or _utc_now,
    )
