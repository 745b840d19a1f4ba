"""Start-up, capabilities, progress, settings, position encodings and resilience."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from lsprotocol import types

from tests.lsp.support import (
    CLIENTS,
    CONFIG,
    RecordingClient,
    make_workspace,
    open_doc,
    start,
    uri,
    wait_for,
)

TDK = types.TextDocumentSyncKind


@pytest.fixture(params=CLIENTS)
def caps(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class Session:
    def __init__(self, client: RecordingClient, folder: Path, result: types.InitializeResult):
        self.client, self.folder, self.result = client, folder, result


async def session(
    tmp_path: Path, caps: str, options: object = None, configuration: dict | None = None
) -> Session:
    client = await CONFIG.start()
    assert isinstance(client, RecordingClient)
    if configuration is not None:
        client.set_configuration(configuration)
    folder = make_workspace(tmp_path / "ws")
    result = await start(client, caps, folder, options)
    return Session(client, folder, result)


async def close(s: Session) -> None:
    await s.client.shutdown_session()
    await s.client.stop()


async def test_capabilities_progress_and_watched_files(tmp_path: Path, caps: str) -> None:
    s = await session(tmp_path, caps)
    try:
        cap = s.result.capabilities
        assert s.result.server_info == types.ServerInfo(name="funcls", version="0.1.0")
        sync = cap.text_document_sync
        assert isinstance(sync, types.TextDocumentSyncOptions)
        assert (sync.open_close, sync.change) == (True, TDK.Incremental)
        assert cap.completion_provider is not None
        triggers = set(cap.completion_provider.trigger_characters or [])
        # Not ',', ' ' or ':': the Enter that ends a line there would accept the popup.
        assert '"' in triggers and not triggers & {",", " ", ":"}
        assert cap.hover_provider and cap.definition_provider and cap.references_provider
        rename = s.client.capabilities.text_document.rename  # type: ignore[union-attr]
        prepares = bool(rename and rename.prepare_support)
        assert cap.rename_provider == (
            types.RenameOptions(prepare_provider=True) if prepares else True
        )
        assert cap.document_symbol_provider and cap.workspace_symbol_provider
        assert cap.code_action_provider == types.CodeActionOptions(
            code_action_kinds=(types.CodeActionKind.QuickFix, types.CodeActionKind.RefactorRewrite)
        )
        assert cap.code_lens_provider == types.CodeLensOptions(resolve_provider=False)
        assert cap.execute_command_provider is not None
        assert {"funcls.convertAppToV2", "funcls.removeV1Function", "funcls.runFunction"} <= set(
            cap.execute_command_provider.commands
        )
        assert cap.diagnostic_provider == types.DiagnosticOptions(
            inter_file_dependencies=True, workspace_diagnostics=True, identifier="funcls"
        )
        # Indexing reported its progress.
        reports = s.client.progress_reports["funcls-index"]
        kinds = [type(r).__name__ for r in reports]
        assert kinds[0] == "WorkDoneProgressBegin" and kinds[-1] == "WorkDoneProgressEnd"
        assert kinds.count("WorkDoneProgressReport") == 2  # one per app
        assert reports[-1].message == "14 function(s) in 2 app(s)"  # type: ignore[union-attr]
        # Clients that register watchers dynamically got our globs.
        caps_ws = s.client.capabilities.workspace  # type: ignore[union-attr]
        dynamic = bool(
            caps_ws
            and caps_ws.did_change_watched_files
            and caps_ws.did_change_watched_files.dynamic_registration
        )
        assert bool(s.client.registrations) == dynamic
    finally:
        await close(s)


async def test_invalid_settings_are_reported_and_defaults_used(tmp_path: Path, caps: str) -> None:
    options = {
        "funcls": {"select": ["AZF2", "banana"], "diagnosticsDelayMs": "fast", "colour": "red"}
    }
    s = await session(tmp_path, caps, options)
    try:
        shown = await wait_for(
            lambda: [m.message for m in s.client.messages if m.type == types.MessageType.Warning]
        )
        assert shown == [
            "funcls.select: 'banana' is not a rule code or prefix (e.g. AZF201 or AZF2); the other entries apply",
            "funcls.diagnosticsDelayMs must be a whole number from 0 to 10000, not 'fast'",
            "funcls.colour is not a setting (known: select, ignore, severity, extraAppRoots, "
            "diagnosticsDelayMs, invokeTimeoutSeconds, runResults, changesSentAfterIdleMs); it is ignored",
        ]
        # select = AZF2 still applies: a missing connection (AZF400) is not reported.
        settings = s.folder / "v2-app" / "local.settings.json"
        data = json.loads(settings.read_text())
        del data["Values"]["ServiceBusConnection"]
        bp = s.folder / "v2-app" / "orders_bp.py"
        open_doc(s.client, bp, bp.read_text().replace('arg_name="msg"', 'arg_name="msgs"'))
        open_doc(s.client, settings, json.dumps(data))
        if s.client.capabilities.text_document.diagnostic:  # type: ignore[union-attr]
            report = await s.client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri(bp)))
            )
            codes = [d.code for d in report.items]  # type: ignore[union-attr]
        else:
            found = await wait_for(lambda: s.client.diagnostics.get(uri(bp)))
            codes = [d.code for d in found]
        assert codes == ["AZF200", "AZF201"]
    finally:
        await close(s)


async def test_settings_from_workspace_configuration(tmp_path: Path, caps: str) -> None:
    configuration = {"funcls": {"ignore": ["AZF201"], "severity": {"AZF200": "warning"}}}
    s = await session(tmp_path, caps, configuration=configuration)
    try:
        bp = s.folder / "v2-app" / "orders_bp.py"
        open_doc(s.client, bp, bp.read_text().replace('arg_name="msg"', 'arg_name="msgs"'))
        pulls = bool(s.client.capabilities.text_document.diagnostic)  # type: ignore[union-attr]

        async def shown() -> list[tuple[str, int]]:
            if pulls:
                report = await s.client.text_document_diagnostic_async(
                    types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri(bp)))
                )
                return [(d.code, d.severity) for d in report.items]  # type: ignore[union-attr,misc]
            found = await wait_for(lambda: s.client.diagnostics.get(uri(bp)))
            return [(d.code, d.severity) for d in found]  # type: ignore[misc]

        takes_configuration = bool(
            s.client.capabilities.workspace and s.client.capabilities.workspace.configuration
        )  # type: ignore[union-attr]
        if takes_configuration:
            assert await shown() == [("AZF200", types.DiagnosticSeverity.Warning)]
            s.client.set_configuration({"funcls": {}})
            s.client.diagnostics.pop(uri(bp), None)
            s.client.workspace_did_change_configuration(
                types.DidChangeConfigurationParams(settings=None)
            )
        else:
            # Neither asked nor pushed yet: the defaults apply until the client sends settings.
            assert await shown() == [
                ("AZF200", types.DiagnosticSeverity.Error),
                ("AZF201", types.DiagnosticSeverity.Error),
            ]
            s.client.diagnostics.pop(uri(bp), None)
            s.client.workspace_did_change_configuration(
                types.DidChangeConfigurationParams(settings=configuration)
            )
            await wait_for(lambda: s.client.diagnostics.get(uri(bp)) or pulls)
            assert await shown() == [("AZF200", types.DiagnosticSeverity.Warning)]
            return
        expected = [
            ("AZF200", types.DiagnosticSeverity.Error),
            ("AZF201", types.DiagnosticSeverity.Error),
        ]
        for _ in range(100):  # the server asks for the new settings, then re-checks
            if await shown() == expected:
                break
            await asyncio.sleep(0.05)
        assert await shown() == expected
    finally:
        await close(s)


async def test_positions_in_the_negotiated_encoding(tmp_path: Path, caps: str) -> None:
    s = await session(tmp_path, caps)
    try:
        config = s.folder / "v1-app" / "heartbeat" / "function.json"
        text = (
            '{"bindings": [{"note": "⏰😀", "type": "timerTrigger", "direction": "in", '
            '"name": "timer", "schedule": "0 */5 * * * *"}]}'
        )
        config.write_text(text)
        open_doc(s.client, config, text)
        encoding = s.result.capabilities.position_encoding or types.PositionEncodingKind.Utf16
        at = text.index('"0 */5')
        extra = {"utf-8": 3 + 4 - 2, "utf-16": 1, "utf-32": 0}[str(encoding)]
        hover = await s.client.text_document_hover_async(
            types.HoverParams(
                types.TextDocumentIdentifier(uri(config)), types.Position(0, at + extra + 2)
            )
        )
        assert hover is not None
        assert hover.range == types.Range(
            types.Position(0, at + extra), types.Position(0, at + extra + len('"0 */5 * * * *"'))
        )
        assert str(encoding) == (
            "utf-32" if caps == "emacs" else "utf-8" if caps == "neovim@v0.11.0" else "utf-16"
        )
    finally:
        await close(s)


async def test_a_failing_request_is_answered_and_the_server_keeps_serving(
    tmp_path: Path, caps: str
) -> None:
    s = await session(tmp_path, caps)
    try:
        odd = await s.client.text_document_hover_async(
            types.HoverParams(
                types.TextDocumentIdentifier("untitled:Untitled-1"), types.Position(99, 99)
            )
        )
        assert odd is None
        bp = s.folder / "v2-app" / "orders_bp.py"
        beyond = await s.client.text_document_completion_async(
            types.CompletionParams(types.TextDocumentIdentifier(uri(bp)), types.Position(10_000, 3))
        )
        assert beyond is None or not beyond.items  # type: ignore[union-attr]
        works = await s.client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri(bp)), types.Position(44, 5))
        )
        assert works is not None
    finally:
        await close(s)


async def test_tcp_transport(tmp_path: Path) -> None:
    """``funcls --tcp --host H --port N`` serves one client over a socket."""
    import socket
    import subprocess
    import sys

    from pygls.lsp.client import LanguageClient

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = make_workspace(tmp_path / "ws")
    server = subprocess.Popen(
        [sys.executable, "-m", "funcls", "--tcp", "--host", "127.0.0.1", "--port", str(port)]
    )
    client = LanguageClient("tcp-test", "1")
    try:
        for _ in range(200):
            try:
                await client.start_tcp("127.0.0.1", port)
                break
            except OSError:
                await asyncio.sleep(0.05)
        result = await client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(),
                workspace_folders=[types.WorkspaceFolder(uri(folder), "ws")],
            )
        )
        assert result.server_info == types.ServerInfo(name="funcls", version="0.1.0")
        client.initialized(types.InitializedParams())
        bp = folder / "v2-app" / "orders_bp.py"
        hover = None
        for _ in range(100):  # indexing runs after `initialized`
            hover = await client.text_document_hover_async(
                types.HoverParams(types.TextDocumentIdentifier(uri(bp)), types.Position(44, 6))
            )
            if hover is not None:
                break
            await asyncio.sleep(0.05)
        assert hover is not None
        await client.shutdown_async(None)
        client.exit(None)
        assert server.wait(timeout=10) == 0
    finally:
        if server.poll() is None:
            server.kill()
        await client.stop()


async def test_extra_app_roots_and_workspace_folders(tmp_path: Path) -> None:
    """An app outside the workspace folders through ``extraAppRoots``; folders added later."""
    outside = make_workspace(tmp_path / "elsewhere")
    client = await CONFIG.start()
    assert isinstance(client, RecordingClient)
    folder = tmp_path / "empty"
    folder.mkdir()
    options = {"funcls": {"extraAppRoots": [str(outside / "v1-app")]}}
    await start(client, "visual-studio-code", folder, options)
    try:
        assert client.log_messages[-1].message == "funcls: indexed 7 function(s) in 1 app(s)"
        config = outside / "v1-app" / "heartbeat" / "function.json"
        hover = await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri(config)), types.Position(4, 16))
        )
        assert hover is not None
        v2 = outside / "v2-app" / "function_app.py"
        params = types.HoverParams(types.TextDocumentIdentifier(uri(v2)), types.Position(45, 6))
        assert await client.text_document_hover_async(params) is None
        client.workspace_did_change_workspace_folders(
            types.DidChangeWorkspaceFoldersParams(
                types.WorkspaceFoldersChangeEvent(
                    added=[types.WorkspaceFolder(uri(outside / "v2-app"), "v2-app")], removed=[]
                )
            )
        )
        assert await client.text_document_hover_async(params) is not None
    finally:
        await client.shutdown_session()
        await client.stop()
