"""AZF606 in the editor: a name imported from the app's own module that it does not define is
shown where it is imported, with its quick fix, and goes away when the other module, edited in
the editor, defines it."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from tests.lsp.support import RecordingClient, change_doc, open_doc, until_code, uri


async def test_missing_name_shown_then_cleared_by_an_edit_of_the_other_module(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    app = fresh_workspace / "v2-app" / "function_app.py"
    bp = fresh_workspace / "v2-app" / "orders_bp.py"
    text = app.read_text().replace(
        "from orders_bp import bp as orders", "from orders_bp import bp as orders, Reciept"
    )
    open_doc(editing_client, app, text, version=1)
    shown = await until_code(editing_client, app, "AZF606", bool)
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
    near = await until_code(
        editing_client, app, "AZF606", lambda ds: any("did you" in d.message for d in ds)
    )
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
    await until_code(editing_client, app, "AZF606", lambda ds: ds == [])
