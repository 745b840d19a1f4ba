"""A client that pulls workspace diagnostics (VS Code) keeps a file's problems until a report
names the file again: a problem that goes away in a file nobody has open must come back as an
empty report for that file, or the Problems view shows it for ever.

QA in code-server: funcls: New app… wrote .funcignore after the server had read it empty (the
editor saves a workspace edit's files after applying it); the file's AZF602 warning stayed
although the saved file excluded local.settings.json. The server left out of its workspace
report every file whose problems had gone, unless it had once pushed them to the client
(which it never does once the client pulls the workspace)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import client_capabilities

from tests.lsp.support import CONFIG, RecordingClient, make_workspace, uri, wait_for


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "ws")


@pytest_lsp.fixture(config=CONFIG)
async def vscode(lsp_client: RecordingClient, folder: Path):
    """VS Code as it is today: pytest-lsp's recording of it predates pull diagnostics, so its
    capabilities get what vscode-languageclient 9 declares: document pulls, workspace pulls
    and refreshes (pygls' client answers them)."""
    caps = client_capabilities("visual-studio-code")
    assert caps.text_document is not None and caps.workspace is not None
    caps.text_document.diagnostic = types.DiagnosticClientCapabilities(
        dynamic_registration=True, related_document_support=False
    )
    caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=caps,
            root_uri=uri(folder),
            workspace_folders=[types.WorkspaceFolder(uri=uri(folder), name=folder.name)],
        )
    )
    await wait_for(lambda: any("indexed" in m.message for m in lsp_client.log_messages))
    yield
    await lsp_client.shutdown_session()


async def workspace_report(
    client: RecordingClient, previous: dict[str, str]
) -> dict[str, types.WorkspaceDocumentDiagnosticReport]:
    report = await client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(
            previous_result_ids=[
                types.PreviousResultId(uri=u, value=v) for u, v in previous.items()
            ]
        )
    )
    return {item.uri: item for item in report.items}


def on_disk(client: RecordingClient, path: Path, text: str) -> None:
    path.write_text(text)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri=uri(path), type=types.FileChangeType.Changed)]
        )
    )


async def ignore_report(
    client: RecordingClient, path: Path, previous: dict[str, str], done: object
) -> types.WorkspaceDocumentDiagnosticReport | None:
    """The workspace report's item for ``path`` once ``done(item)`` holds (passes are
    debounced), else the last one."""
    item = None
    for _ in range(100):
        item = (await workspace_report(client, previous)).get(uri(path))
        if callable(done) and done(item):
            return item
        await asyncio.sleep(0.05)
    return item


def codes(item: types.WorkspaceDocumentDiagnosticReport | None) -> list[str] | None:
    if not isinstance(item, types.WorkspaceFullDocumentDiagnosticReport):
        return None
    return [str(d.code) for d in item.items]


async def test_a_problem_gone_from_a_closed_file_is_reported_gone(
    vscode: RecordingClient, folder: Path
) -> None:
    editing_client = vscode
    ignore = folder / "v1-app" / ".funcignore"
    fine = ignore.read_text()
    assert "local.settings.json\n" in fine
    # The client pulls the workspace from the start, as VS Code does.
    await workspace_report(editing_client, {})

    # .funcignore saved without local.settings.json: AZF602 in the report.
    on_disk(editing_client, ignore, fine.replace("local.settings.json\n", ""))
    warned = await ignore_report(editing_client, ignore, {}, lambda i: codes(i) == ["AZF602"])
    assert codes(warned) == ["AZF602"], warned
    assert warned is not None and warned.result_id is not None

    # Saved with the line again: the report names .funcignore with no problems (in full: the
    # client's result id is the warning's).
    on_disk(editing_client, ignore, fine)
    cleared = await ignore_report(
        editing_client, ignore, {uri(ignore): warned.result_id}, lambda i: codes(i) == []
    )
    assert codes(cleared) == [], cleared
