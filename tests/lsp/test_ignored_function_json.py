"""AZF315 end to end: a v1 folder copied into a v2 app (function_app.py registers functions)
is ignored by the host, and its function.json, opened in the editor, says so itself."""

from __future__ import annotations

import shutil
from pathlib import Path

from lsprotocol import types

from tests.lsp.support import RecordingClient, open_doc, uri
from tests.lsp.test_diagnostics import diagnostics_of, related_info


async def test_an_ignored_function_json_shows_why_when_opened(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    app = fresh_workspace / "v2-app"
    folder = app / "heartbeat"
    shutil.copytree(fresh_workspace / "v1-app" / "heartbeat", folder)
    config = folder / "function.json"
    editing_client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri=uri(config), type=types.FileChangeType.Created)]
        )
    )
    open_doc(editing_client, config, config.read_text(), version=1)
    diags = await diagnostics_of(editing_client, config, version=1)
    # Clients that show no related information get it folded into the message.
    folded = (
        ""
        if related_info(editing_client)
        else ("\nfunction_app.py registers functions (function_app.py:1)")
    )
    assert diags == [
        types.Diagnostic(
            range=types.Range(types.Position(0, 0), types.Position(0, 1)),
            message="the host ignores this function.json: function_app.py registers "
            "functions, and then the host loads only those (the worker's index of "
            "function_app.py) and reads no function.json folder, so 'heartbeat' never runs; "
            "move it into function_app.py (or a blueprint) and delete the folder 'heartbeat'"
            + folded,
            severity=types.DiagnosticSeverity.Warning,
            code="AZF315",
            source="funcls",
            related_information=diags[0].related_information,
        )
    ]
    related = diags[0].related_information
    if related:  # clients that show related information
        assert [(r.location.uri, r.message) for r in related] == [
            (uri(app / "function_app.py"), "function_app.py registers functions")
        ]
