"""Diagnostics end to end: the rule engine's findings, debounced, versioned, for the files an
edit affects; pushed, or pulled by clients that pull."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from lsprotocol import types

from tests.lsp.support import (
    RecordingClient,
    change_doc,
    open_doc,
    position,
    uri,
    wait_for,
)

E = types.DiagnosticSeverity.Error


def pulls(client: RecordingClient) -> bool:
    caps = client.capabilities
    return bool(caps and caps.text_document and caps.text_document.diagnostic)


def related_info(client: RecordingClient) -> bool:
    caps = client.capabilities
    pub = caps.text_document.publish_diagnostics if caps and caps.text_document else None
    return bool(pub and pub.related_information)


async def diagnostics_of(
    client: RecordingClient, path: Path, version: int | None = None
) -> list[types.Diagnostic]:
    """The diagnostics the client shows for an open document (pushed or pulled)."""
    if pulls(client):
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri(path)))
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        return list(report.items)
    found = await wait_for(
        lambda: [
            p
            for p in client.published
            if p.uri == uri(path) and (version is None or p.version == version)
        ]
    )
    return list(found[-1].diagnostics)


def binding_msgs(bp: Path) -> str:
    return bp.read_text().replace('arg_name="msg"', 'arg_name="msgs"')


async def test_findings_of_an_open_document_with_its_version(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    bp = fresh_workspace / "v2-app" / "orders_bp.py"
    text = binding_msgs(bp)
    open_doc(editing_client, bp, text, version=3)
    diags = await diagnostics_of(editing_client, bp, version=3)
    start = position(bp, 'arg_name="msg"', 9)
    binding = types.Range(start, types.Position(start.line, start.character + 6))
    param = types.Range(position(bp, "msg: func.Queue"), position(bp, "msg: func.Queue", 3))
    first = types.Diagnostic(
        range=binding,
        message="binding 'msgs' has no parameter in process_order(msg, receipt); rename the "
        "binding or add a parameter 'msgs'",
        severity=E,
        code="AZF200",
        source="funcls",
        data={"fixes": 2},
    )
    assert [d.code for d in diags] == ["AZF200", "AZF201"]
    got = diags[0]
    if related_info(editing_client):
        assert got.related_information is not None
        assert [r.message for r in got.related_information] == [
            "the function 'process_order'",
            "parameter 'msg'",
        ]
        assert got.related_information[1].location == types.Location(uri(bp), param)
        got.related_information = None
        assert got == first
    else:
        assert got.related_information is None
        assert got.message.startswith(first.message + "\n")
        assert f"parameter 'msg' (orders_bp.py:{param.start.line + 1})" in got.message
    if not pulls(editing_client):
        assert editing_client.published[-1].version == 3


async def test_editing_local_settings_rechecks_the_functions_that_read_it(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    app = fresh_workspace / "v2-app"
    settings = app / "local.settings.json"
    bp = app / "orders_bp.py"
    data = json.loads(settings.read_text())
    del data["Values"]["ServiceBusConnection"]
    open_doc(editing_client, settings, json.dumps(data, indent=2))
    # orders_bp.py is not open: its diagnostics are pushed to every client.
    await wait_for(
        lambda: [d for d in editing_client.diagnostics.get(uri(bp), []) if d.code == "AZF400"]
    )
    (diag,) = editing_client.diagnostics[uri(bp)]
    assert diag.range == types.Range(
        position(bp, '"ServiceBusConnection"'), position(bp, '"ServiceBusConnection"', 22)
    )
    assert diag.message.startswith(
        "connection setting 'ServiceBusConnection' of binding 'payment' is not defined in "
        "local.settings.json"
    )
    change_doc(editing_client, settings, settings.read_text(), version=2)
    await wait_for(lambda: len(editing_client.diagnostics[uri(bp)]) == 0)


# A delay no test machine's scheduling jitter reaches, so the count below is exact.
@pytest.mark.parametrize("server_options", [{"funcls": {"diagnosticsDelayMs": 400}}], indirect=True)
async def test_typing_is_debounced_and_the_last_version_wins(
    server_options: object, editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    bp = fresh_workspace / "v2-app" / "orders_bp.py"
    open_doc(editing_client, bp, bp.read_text(), version=1)
    await diagnostics_of(editing_client, bp, version=1)
    before = len(editing_client.published)
    broken = binding_msgs(bp)
    for version in range(2, 7):
        change_doc(editing_client, bp, broken[: len(broken) - 7 + version], version)
    change_doc(editing_client, bp, broken, 7)
    diags = await diagnostics_of(editing_client, bp, version=7)
    assert [d.code for d in diags] == ["AZF200", "AZF201"]
    if not pulls(editing_client):
        ours = [p for p in editing_client.published[before:] if p.uri == uri(bp)]
        assert [p.version for p in ours] == [7]


async def test_changes_on_disk_through_watched_files(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    app = fresh_workspace / "v1-app"
    if editing_client.registrations:
        (reg,) = editing_client.registrations
        assert reg.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
        options = reg.register_options
        assert isinstance(options, dict)
        globs = [w["globPattern"] for w in options["watchers"]]
        assert globs == [
            "**/function.json",
            "**/host.json",
            "**/local.settings.json",
            "**/*.py",
            "**/requirements.txt",
            "**/.funcignore",
            "**/funcls.inputs.json",
        ]
    config = app / "heartbeat" / "function.json"
    config.write_text(config.read_text().replace('"0 */5 * * * *"', '"*/5 * * * *"'))
    editing_client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri=uri(config), type=types.FileChangeType.Changed)]
        )
    )
    found = await wait_for(lambda: editing_client.diagnostics.get(uri(config)))
    assert [d.code for d in found] == ["AZF501"]
    (app / "requirements.txt").write_text("# nothing\n")
    editing_client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri=uri(app / "requirements.txt"), type=types.FileChangeType.Changed)]
        )
    )
    reqs = await wait_for(lambda: editing_client.diagnostics.get(uri(app / "requirements.txt")))
    assert [d.code for d in reqs] == ["AZF601"]


async def test_pull_reports_are_unchanged_until_the_document_changes(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    bp = fresh_workspace / "v2-app" / "orders_bp.py"
    open_doc(editing_client, bp, binding_msgs(bp))
    ident = types.TextDocumentIdentifier(uri(bp))
    first = await editing_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(ident)
    )
    assert isinstance(first, types.RelatedFullDocumentDiagnosticReport)
    assert [d.code for d in first.items] == ["AZF200", "AZF201"]
    again = await editing_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(ident, previous_result_id=first.result_id)
    )
    assert again == types.RelatedUnchangedDocumentDiagnosticReport(result_id=first.result_id)
    change_doc(editing_client, bp, bp.read_text(), 2)
    fixed = await editing_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(ident, previous_result_id=first.result_id)
    )
    assert isinstance(fixed, types.RelatedFullDocumentDiagnosticReport) and len(fixed.items) == 0
    everything = await editing_client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=[])
    )
    assert uri(bp) in {item.uri for item in everything.items}


async def eventually_codes(
    client: RecordingClient, path: Path, predicate: Callable[[set[str]], bool]
) -> set[str]:
    """The codes of ``path``'s diagnostics once ``predicate`` holds (pushed or pulled)."""
    for _ in range(100):
        if pulls(client):
            report = await client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri(path)))
            )
            assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
            diags = list(report.items)
        else:
            diags = list(client.diagnostics.get(uri(path), []))
        codes = {str(d.code) for d in diags}
        if predicate(codes):
            return codes
        await asyncio.sleep(0.05)
    raise AssertionError(f"diagnostics of {path.name} never matched: {codes}")


async def test_a_save_rechecks_the_app_from_disk(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    """Neovim 0.7 registers no file watchers: a requirements.txt created beside the open
    documents is noticed when one of them is saved."""
    app = fresh_workspace / "v2-app"
    requirements, script = app / "requirements.txt", app / "function_app.py"
    saved = requirements.read_text()
    requirements.unlink()
    open_doc(editing_client, script)  # opening re-reads the app: the file is missing
    await eventually_codes(editing_client, script, lambda codes: "AZF601" in codes)
    requirements.write_text(saved)  # no didChangeWatchedFiles: the client has no watcher
    editing_client.text_document_did_save(
        types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri(script)))
    )
    await eventually_codes(editing_client, script, lambda codes: "AZF601" not in codes)
