"""A v1 function.json whose scriptFile leads outside the app, through the language server
(issue 17): the file is never read, so neither diagnostics nor hover nor go-to-definition
quote or open it; a diagnostic at the scriptFile value says why."""

from __future__ import annotations

import json
from pathlib import Path

from lsprotocol import types

from tests.lsp.support import CONFIG, RecordingClient, make_workspace, position, span, start, uri

SECRET = "github_pat_SECRET123 = (  # a line that is not Python\n"


async def test_a_script_file_outside_the_app_is_not_read_by_the_server(tmp_path: Path) -> None:
    outside = tmp_path / "credentials.py"
    outside.write_text(SECRET)
    folder = make_workspace(tmp_path / "ws")
    config = folder / "v1-app" / "create_order" / "function.json"
    doc = json.loads(config.read_text())
    doc["scriptFile"] = str(outside)
    config.write_text(json.dumps(doc, indent=2))
    client = await CONFIG.start()
    assert isinstance(client, RecordingClient)
    await start(client, "visual-studio-code", folder)
    try:
        ident = types.TextDocumentIdentifier(uri(config))
        value = json.dumps(str(outside))
        hover = await client.text_document_hover_async(
            types.HoverParams(ident, position(config, value, 2))
        )
        assert hover is not None
        assert "outside the app" in hover.contents.value  # type: ignore[union-attr]
        target = await client.text_document_definition_async(
            types.DefinitionParams(ident, position(config, value, 2))
        )
        assert not target
        report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(ident))
        items = report.items  # type: ignore[union-attr]
        outside_items = [d for d in items if "outside the app" in d.message]
        assert len(outside_items) == 1, [d.message for d in items]
        assert outside_items[0].range == span(config, value)
        everything = repr(client.published) + repr(items)
        assert "SECRET123" not in everything
        assert all(p.uri != uri(outside) for p in client.published)
    finally:
        await client.shutdown_session()
        await client.stop()


OUTSIDE_V1_JSON = (
    '{\n  "bindings": [\n'
    '    {"name": "req", "type": "httpTrigger", "direction": "in", '
    '"route": "github_pat_SECRET123"},\n'
    '    {"name": "$return", "type": "http", "direction": "out"}\n  ]\n}\n'
)


async def test_a_v1_function_folder_linked_outside_is_not_read_by_the_server(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "function.json").write_text(OUTSIDE_V1_JSON)
    (outside / "__init__.py").write_text(SECRET)
    folder = make_workspace(tmp_path / "ws")
    (folder / "v1-app" / "linked").symlink_to(outside, target_is_directory=True)
    config = folder / "v1-app" / "linked" / "function.json"
    client = await CONFIG.start()
    assert isinstance(client, RecordingClient)
    await start(client, "visual-studio-code", folder)
    try:
        ident = types.TextDocumentIdentifier(uri(config))
        at = position(config, "github_pat", 2)
        answers: list[object] = [
            await client.text_document_hover_async(types.HoverParams(ident, at)),
            await client.text_document_definition_async(types.DefinitionParams(ident, at)),
            await client.text_document_document_symbol_async(types.DocumentSymbolParams(ident)),
            await client.text_document_code_lens_async(types.CodeLensParams(ident)),
            await client.workspace_symbol_async(types.WorkspaceSymbolParams("linked")),
        ]
        report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(ident))
        items = report.items  # type: ignore[union-attr]
        assert [d.code for d in items] == ["AZF100"], [d.message for d in items]
        assert "outside the app" in items[0].message
        assert items[0].range == types.Range(types.Position(0, 0), types.Position(0, 0))
        everything = repr(client.published) + repr(items) + repr(answers)
        assert "SECRET123" not in everything
        assert all(not p.uri.startswith(uri(outside)) for p in client.published)
    finally:
        await client.shutdown_session()
        await client.stop()
