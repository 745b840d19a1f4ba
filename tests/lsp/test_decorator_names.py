"""AZF609 in the editor: ``@app.route`` left on a function of a blueprint module (where only
``bp`` is defined) is shown on ``app``, its quick fix writes ``bp``, and the edit that does so
clears it."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from tests.lsp.support import RecordingClient, change_doc, open_doc, until_code, uri


async def test_app_left_in_a_blueprint_module_fixed_to_bp(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    bp = fresh_workspace / "v2-app" / "orders_bp.py"
    text = bp.read_text().replace(
        '@bp.route(route="orders", methods=["POST"])',
        ('@app.route(route="orders", methods=["POST"])'),
    )
    open_doc(editing_client, bp, text, version=1)
    shown = await until_code(editing_client, bp, "AZF609", bool)
    line = text.split("\n").index('@app.route(route="orders", methods=["POST"])')
    assert [(d.range, d.severity) for d in shown] == [
        (
            types.Range(types.Position(line, 1), types.Position(line, 4)),
            types.DiagnosticSeverity.Error,
        )
    ]
    assert shown[0].message.startswith(f"'app' of @app.route on line {line + 1} of orders_bp.py")
    assert shown[0].message.endswith("bp = func.Blueprint() is defined on line 15: use @bp.route")
    actions = await editing_client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri(bp)),
            range=shown[0].range,
            context=types.CodeActionContext(diagnostics=shown),
        )
    )
    fixes = [a for a in actions or [] if isinstance(a, types.CodeAction) and a.edit is not None]
    assert [a.title for a in fixes] == ["Use '@bp.route'"]
    edit = fixes[0].edit
    assert edit is not None
    changes = edit.changes or {}
    if not changes and edit.document_changes:
        changes = {
            c.text_document.uri: list(c.edits)
            for c in edit.document_changes
            if isinstance(c, types.TextDocumentEdit)
        }
    assert [(e.range, e.new_text) for e in changes[uri(bp)]] == [(shown[0].range, "bp")]
    lines = text.split("\n")
    lines[line] = lines[line][:1] + "bp" + lines[line][4:]
    change_doc(editing_client, bp, "\n".join(lines), version=2)
    await until_code(editing_client, bp, "AZF609", lambda ds: ds == [])
