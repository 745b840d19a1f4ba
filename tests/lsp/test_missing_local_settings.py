"""AZF400 end to end when the app has no local.settings.json (a fresh clone): one diagnostic for
the app, at the first binding that needs a setting, the other bindings as related information
(folded into the message for clients that show none)."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from tests.lsp.support import RecordingClient, open_doc, uri
from tests.lsp.test_diagnostics import diagnostics_of, related_info


async def test_no_local_settings_is_one_diagnostic_with_the_bindings_related(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    app = fresh_workspace / "v2-app"
    settings, bp, script = (
        app / "local.settings.json",
        app / "orders_bp.py",
        app / "function_app.py",
    )
    settings.unlink()
    editing_client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri(settings), types.FileChangeType.Deleted)]
        )
    )
    open_doc(editing_client, bp, bp.read_text(), version=1)
    open_doc(editing_client, script, script.read_text(), version=1)
    found = [d for d in await diagnostics_of(editing_client, bp, version=1) if d.code == "AZF400"]
    # Nothing on function_app.py: its bindings are related places of the one finding.
    assert [
        d for d in await diagnostics_of(editing_client, script, version=1) if d.code == "AZF400"
    ] == []
    places = [
        (
            bp,
            45,
            74,
            95,
            "binding 'receipt' of 'process_order' needs setting 'AzureWebJobsStorage'",
        ),
        (bp, 44, 66, 87, "binding 'msg' of 'process_order' needs setting 'AzureWebJobsStorage'"),
        (bp, 61, 73, 94, "binding 'receipt' of 'get_receipt' needs setting 'AzureWebJobsStorage'"),
        (
            bp,
            73,
            66,
            88,
            "binding 'payment' of 'payment_received' needs setting 'ServiceBusConnection'",
        ),
        (script, 44, 77, 98, "binding 'status' of 'heartbeat' needs setting 'AzureWebJobsStorage'"),
        (
            script,
            55,
            78,
            99,
            "binding 'summary' of 'summarise_price_list' needs setting 'AzureWebJobsStorage'",
        ),
        (
            script,
            54,
            71,
            92,
            "binding 'upload' of 'summarise_price_list' needs setting 'AzureWebJobsStorage'",
        ),
    ]
    message = (
        "the app has no local.settings.json, so connection settings 'AzureWebJobsStorage', "
        "'ServiceBusConnection', which 8 bindings name, are not defined and the functions fail "
        "when the host starts locally; create the file with them (and add them to the app "
        "settings in Azure)"
    )
    related = None
    if related_info(editing_client):
        related = [
            types.DiagnosticRelatedInformation(
                types.Location(
                    uri(path),
                    types.Range(types.Position(line, start), types.Position(line, end)),
                ),
                text,
            )
            for path, line, start, end, text in places
        ]
    else:  # folded into the message, one line per place
        message += "".join(
            f"\n{text} ({path.name}:{line + 1})" for path, line, _, _, text in places
        )
    assert found == [
        types.Diagnostic(
            range=types.Range(types.Position(18, 73), types.Position(18, 94)),
            message=message,
            severity=types.DiagnosticSeverity.Warning,
            code="AZF400",
            source="funcls",
            related_information=found[0].related_information,  # compared below
            data=found[0].data,  # the server's own bookkeeping for code actions
        )
    ]
    assert (list(found[0].related_information or []) or None) == related
