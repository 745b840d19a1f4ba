"""The quick fixes that create a missing file, in every recorded client: AZF408 creates
host.json and AZF601 creates requirements.txt (a CreateFile operation where the client supports
it, else an edit of the new document)."""

from __future__ import annotations

import json
from pathlib import Path

from lsprotocol import types

from funcls.model.scaffold.app import host_json_text
from tests.lsp.support import RecordingClient, apply_workspace_edit, uri, wait_for

CAK = types.CodeActionKind


def _codes(client: RecordingClient, path: Path) -> dict[str, types.Diagnostic]:
    return {str(d.code): d for d in client.diagnostics.get(uri(path), [])}


async def test_missing_host_json_and_requirements_are_created(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    app = fresh_workspace / "v2-app"
    script = app / "function_app.py"
    for name in ("host.json", "requirements.txt"):
        (app / name).unlink()
    editing_client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [
                types.FileEvent(uri(app / n), types.FileChangeType.Deleted)
                for n in ("host.json", "requirements.txt")
            ]
        )
    )
    found = await wait_for(
        lambda: (c := _codes(editing_client, script)) and {"AZF408", "AZF601"} <= set(c) and c
    )
    caps = editing_client.capabilities
    edit_caps = caps.workspace.workspace_edit if caps and caps.workspace else None
    supports_create = bool(
        edit_caps
        and edit_caps.document_changes
        and types.ResourceOperationKind.Create in (edit_caps.resource_operations or [])
    )
    for code, name in (("AZF408", "host.json"), ("AZF601", "requirements.txt")):
        diagnostic = found[code]
        result = await editing_client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri(script)),
                range=diagnostic.range,
                context=types.CodeActionContext(diagnostics=[diagnostic]),
            )
        )
        actions = [a for a in result or [] if isinstance(a, types.CodeAction)]
        (action,) = [a for a in actions if a.title == f"Create {name}"]
        assert (action.kind, action.is_preferred) == (CAK.QuickFix, True)
        assert action.edit is not None
        if supports_create:
            assert action.edit.document_changes is not None
            create = action.edit.document_changes[0]
            assert create == types.CreateFile(
                uri=uri(app / name), options=types.CreateFileOptions(ignore_if_exists=True)
            )
        else:
            assert action.edit.changes is not None and uri(app / name) in action.edit.changes
        apply_workspace_edit(action.edit)
    assert (app / "host.json").read_text() == host_json_text()
    assert json.loads((app / "host.json").read_text())["version"] == "2.0"
    listed = [
        line
        for line in (app / "requirements.txt").read_text().split("\n")
        if line and not line.startswith("#")
    ]
    assert listed == ["azure-functions"]  # the sample imports only the stdlib and orders_bp
    editing_client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [
                types.FileEvent(uri(app / n), types.FileChangeType.Created)
                for n in ("host.json", "requirements.txt")
            ]
        )
    )
    await wait_for(lambda: not {"AZF408", "AZF601"} & set(_codes(editing_client, script)))
