"""Requests sent as soon as a document is opened, before the server has indexed the folder, in
every recorded client: the answer is the one the indexed app gives, not null.

QA in the real editors found the gap: the first diagnostics are published early (before the
folder is indexed), and a fix asked for at once (eglot-code-actions) got nothing; a client that
pulls diagnostics (Neovim 0.10+, which asks no refresh) pulled an empty report when it opened
a file and showed nothing until the next edit."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from tests.lsp.support import CLIENTS, CONFIG, make_workspace, open_doc, position, uri


async def _opened(tmp_path: Path, recorded: str) -> tuple[LanguageClient, Path]:
    """A server just initialized like ``recorded`` (not waiting for the indexing) with the v2
    sample's blueprint open, its queue trigger misnamed (AZF200, fixed by a rename)."""
    folder = make_workspace(tmp_path / "ws")
    bp = folder / "v2-app" / "orders_bp.py"
    bp.write_text(bp.read_text().replace('arg_name="msg"', 'arg_name="msgs"'))
    client = await CONFIG.start()
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(recorded),
            root_uri=uri(folder),
            workspace_folders=[types.WorkspaceFolder(uri=uri(folder), name=folder.name)],
        )
    )
    open_doc(client, bp)
    return client, bp


@pytest.mark.parametrize("recorded", CLIENTS)
async def test_fixes_right_after_open(tmp_path: Path, recorded: str) -> None:
    client, bp = await _opened(tmp_path, recorded)
    try:
        at = position(bp, 'arg_name="msgs"', 11)
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                types.TextDocumentIdentifier(uri(bp)),
                types.Range(at, at),
                types.CodeActionContext(diagnostics=[]),
            )
        )
        titles = [a.title for a in actions or [] if isinstance(a, types.CodeAction)]
        assert "Rename binding 'msgs' to 'msg'" in titles, titles
        hover = await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri(bp)), at)
        )
        assert hover is not None
    finally:
        await client.shutdown_session()
        await client.stop()


@pytest.mark.parametrize("recorded", ["neovim@v0.11.0", "neovim@v0.10.0"])
async def test_the_first_pull_has_the_findings(tmp_path: Path, recorded: str) -> None:
    client, bp = await _opened(tmp_path, recorded)
    try:
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri(bp)))
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        assert sorted(str(d.code) for d in report.items) == ["AZF200", "AZF201"]
    finally:
        await client.shutdown_session()
        await client.stop()
