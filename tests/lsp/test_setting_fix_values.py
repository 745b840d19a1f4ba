"""AZF400's quick fix end to end, for every recorded client: a storage binding's missing
connection is added with the storage emulator's value and the finding goes; any other
connection is added empty, and its title says it is left to fill in.

QA: the fix wrote every setting empty, and AZF400 reported it again at once (empty)."""

from __future__ import annotations

import json
from pathlib import Path

from lsprotocol import types

from tests.lsp.support import (
    RecordingClient,
    apply_workspace_edit,
    open_doc,
    position,
    until_code,
    uri,
)
from tests.lsp.test_code_actions import CAK, actions_at, point


async def _quick_fix(
    client: RecordingClient, path: Path, needle: str
) -> tuple[types.Diagnostic, types.CodeAction]:
    (diag,) = await until_code(client, path, "AZF400", lambda d: len(d) == 1)
    actions = await actions_at(client, path, point(position(path, needle, 2)), [diag])
    (action,) = [a for a in actions if a.kind == CAK.QuickFix]
    return diag, action


async def test_storage_connection_is_added_as_the_storage_emulator(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    app = fresh_workspace / "v2-app"
    settings, bp = app / "local.settings.json", app / "orders_bp.py"
    text = bp.read_text().replace(
        'path="receipts/{id}.json", connection="AzureWebJobsStorage"',
        'path="receipts/{id}.json", connection="ReceiptsStorage"',
        1,
    )
    bp.write_text(text)
    open_doc(editing_client, bp, text)
    diag, action = await _quick_fix(editing_client, bp, '"ReceiptsStorage"')
    assert diag.message.startswith("connection setting 'ReceiptsStorage' of binding 'receipt'")
    assert (action.title, action.is_preferred) == (
        "Add 'ReceiptsStorage' to local.settings.json as UseDevelopmentStorage=true "
        "(local storage)",
        True,
    )
    assert action.edit is not None
    apply_workspace_edit(action.edit)
    values = json.loads(settings.read_text())["Values"]
    assert values["ReceiptsStorage"] == "UseDevelopmentStorage=true"
    editing_client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri(settings), types.FileChangeType.Changed)]
        )
    )
    # Nothing is left to report: the finding goes, and no "empty" one comes in its place.
    assert await until_code(editing_client, bp, "AZF400", lambda d: d == []) == []


async def test_other_connection_is_added_empty_and_the_title_says_so(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    app = fresh_workspace / "v2-app"
    settings, bp = app / "local.settings.json", app / "orders_bp.py"
    data = json.loads(settings.read_text())
    del data["Values"]["ServiceBusConnection"]
    settings.write_text(json.dumps(data, indent=2))
    open_doc(editing_client, bp)
    _, action = await _quick_fix(editing_client, bp, '"ServiceBusConnection"')
    assert (action.title, action.is_preferred) == (
        "Add 'ServiceBusConnection' to local.settings.json (empty: fill in its connection string)",
        None,
    )
