"""Diagnostics columns in the position encoding the server agreed with the client.

Neovim offers ["utf-8", "utf-16", "utf-32"] and pygls picks the client's first choice it
supports; on a line with non-ASCII text before a finding the three give different columns.
(VS Code's recorded capabilities with the encodings replaced: the recorded Neovim client pulls
its diagnostics instead of having them published.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import client_capabilities

from tests.lsp.support import CONFIG, RecordingClient, open_doc, uri, wait_for

SCRIPT = """import azure.functions as func

app = func.FunctionApp()


@app.route(route="hello")
@app.queue_output(arg_name="out", queue_name="qq\N{GRINNING FACE}\N{LATIN SMALL LETTER E WITH ACUTE}", connection="Missing")
def hello(req: func.HttpRequest, out: func.Out[str]) -> str:
    return "x"
"""

# The 'Missing' connection setting starts at code point 64 of line 6; before it, the emoji is
# 1 code point, 2 UTF-16 units and 4 UTF-8 bytes, the accented e 1, 1 and 2.
EXPECTED = {"utf-8": 68, "utf-16": 65, "utf-32": 64}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
async def test_diagnostic_columns_follow_the_agreed_encoding(tmp_path: Path, encoding: str) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "requirements.txt").write_text("azure-functions\n")
    script = app / "function_app.py"
    script.write_text(SCRIPT, encoding="utf-8")
    capabilities = client_capabilities("visual-studio-code")
    capabilities.general = types.GeneralClientCapabilities(position_encodings=[encoding])
    client = await CONFIG.start()
    assert isinstance(client, RecordingClient)
    try:
        result = await client.initialize_session(
            types.InitializeParams(
                capabilities=capabilities,
                root_uri=uri(app),
                workspace_folders=[types.WorkspaceFolder(uri=uri(app), name="app")],
            )
        )
        assert result.capabilities.position_encoding == encoding
        open_doc(client, script)

        def connection_finding() -> types.Diagnostic | None:
            for params in client.published:
                if params.uri == uri(script):
                    for d in params.diagnostics:
                        if d.code == "AZF400":
                            return d
            return None

        found = await wait_for(connection_finding, 20)
        assert found.range.start.line == 6
        assert found.range.start.character == EXPECTED[encoding]
        assert found.range.end.character == EXPECTED[encoding] + len('"Missing"')
    finally:
        await client.shutdown_session()
        await client.stop()
