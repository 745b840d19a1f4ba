"""AZF606 in the editor: a name imported from the app's own module that it does not define is
shown where it is imported, with its quick fix, and goes away when the other module, edited in
the editor, defines it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from lsprotocol import types

from tests.lsp.support import RecordingClient, change_doc, open_doc, uri


async def _azf606(client: RecordingClient, path: Path) -> list[types.Diagnostic] | None:
    """The AZF606 diagnostics the client shows for ``path`` now: pulled from the server by
    clients that pull, else those of the latest publication (None before the first)."""
    caps = client.capabilities
    if caps and caps.text_document and caps.text_document.diagnostic:
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri(path)))
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        items = list(report.items)
    else:
        found = [p for p in client.published if p.uri == uri(path)]
        if not found:
            return None
        items = list(found[-1].diagnostics)
    return [d for d in items if d.code == "AZF606"]


async def _until(
    client: RecordingClient, path: Path, ok: Callable[[list[types.Diagnostic]], bool]
) -> list[types.Diagnostic]:
    for _ in range(250):
        shown = await _azf606(client, path)
        if shown is not None and ok(shown):
            return shown
        await asyncio.sleep(0.04)
    raise AssertionError(f"timed out; AZF606 shown: {await _azf606(client, path)}")


async def test_missing_name_shown_then_cleared_by_an_edit_of_the_other_module(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    app = fresh_workspace / "v2-app" / "function_app.py"
    bp = fresh_workspace / "v2-app" / "orders_bp.py"
    text = app.read_text().replace(
        "from orders_bp import bp as orders", "from orders_bp import bp as orders, Reciept"
    )
    open_doc(editing_client, app, text, version=1)
    shown = await _until(editing_client, app, bool)
    line = text.split("\n").index("from orders_bp import bp as orders, Reciept")
    column = len("from orders_bp import bp as orders, ")
    assert [(d.range, d.severity) for d in shown] == [
        (
            types.Range(types.Position(line, column), types.Position(line, column + 7)),
            types.DiagnosticSeverity.Error,
        )
    ]
    assert shown[0].message.startswith(
        "'Reciept' is imported from orders_bp.py by function_app.py line "
    )
    # The other module, edited (not saved), now defines a name close to it: still missing,
    # with a did-you-mean and its fix; then the very name: gone.
    open_doc(editing_client, bp, version=1)
    change_doc(editing_client, bp, bp.read_text() + "\n\nclass Receipt:\n    pass\n", version=2)
    near = await _until(editing_client, app, lambda ds: any("did you" in d.message for d in ds))
    assert near[0].message.endswith("; did you mean 'Receipt'?")
    actions = await editing_client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri(app)),
            range=near[0].range,
            context=types.CodeActionContext(diagnostics=near),
        )
    )
    fixes = [a for a in actions or [] if isinstance(a, types.CodeAction) and a.edit is not None]
    assert [a.title for a in fixes] == ["Import 'Receipt' instead"]
    edit = fixes[0].edit
    assert edit is not None
    changes = edit.changes or {}
    if not changes and edit.document_changes:
        changes = {
            c.text_document.uri: list(c.edits)
            for c in edit.document_changes
            if isinstance(c, types.TextDocumentEdit)
        }
    assert [(e.range, e.new_text) for e in changes[uri(app)]] == [
        (near[0].range, "Receipt as Reciept")
    ]
    change_doc(editing_client, bp, bp.read_text() + "\n\nReciept = None\n", version=3)
    await _until(editing_client, app, lambda ds: ds == [])
