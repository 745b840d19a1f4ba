"""AZF603 for an error Python reports only when it compiles a module (ast.parse accepts it),
on the text an editor has not saved."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from tests.lsp.support import RecordingClient, change_doc, open_doc, uri, wait_for


def pulls(client: RecordingClient) -> bool:
    caps = client.capabilities
    return bool(caps and caps.text_document and caps.text_document.diagnostic)


async def diagnostics(client: RecordingClient, path: Path, version: int) -> list[types.Diagnostic]:
    if pulls(client):
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri(path)))
        )
        return list(report.items)  # type: ignore[union-attr]
    found = await wait_for(
        lambda: [p for p in client.published if p.uri == uri(path) and p.version == version]
    )
    return list(found[-1].diagnostics)


async def test_unsaved_return_at_module_level_is_azf603(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    script = fresh_workspace / "v2-app" / "function_app.py"
    saved = script.read_text()
    open_doc(editing_client, script, saved, version=1)
    assert [d.code for d in await diagnostics(editing_client, script, 1)] == []
    edited = saved + "\nreturn app\n"
    change_doc(editing_client, script, edited, 2)
    found = [d for d in await diagnostics(editing_client, script, 2) if d.code == "AZF603"]
    line = len(edited.split("\n")) - 2
    assert [(d.range, d.severity) for d in found] == [
        (
            types.Range(types.Position(line, 0), types.Position(line, len("return app"))),
            types.DiagnosticSeverity.Error,
        )
    ]
    assert "('return' outside function): return app;" in found[0].message
    assert script.read_text() == saved  # the finding came from the unsaved text
