"""Which rules run and how loud: the language server resolves the editor's select / ignore
on top of ``[tool.funcls]`` exactly as ``funcls check`` resolves its options on top of the
same table (one owner: ``checks.config.resolve_config``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import CONFIG, make_workspace, open_doc, start, uri, wait_for

SEVERITY = {
    types.DiagnosticSeverity.Error: "error",
    types.DiagnosticSeverity.Warning: "warning",
    types.DiagnosticSeverity.Information: "info",
    types.DiagnosticSeverity.Hint: "hint",
}


@pytest.fixture
def configured(tmp_path: Path) -> Path:
    """The v2 sample with a renamed binding (AZF200, AZF201) and a broken schedule (AZF500),
    under a pyproject.toml that ignores the signature rules and makes AZF5 info."""
    ws = make_workspace(tmp_path / "ws")
    bp = ws / "v2-app" / "orders_bp.py"
    bp.write_text(bp.read_text().replace('arg_name="msg"', 'arg_name="msgs"'))
    main = ws / "v2-app" / "function_app.py"
    main.write_text(main.read_text().replace('schedule="0 */5 * * * *"', 'schedule="0 */5 * *"'))
    (ws / "pyproject.toml").write_text(
        '[tool.funcls]\nignore = ["AZF2"]\nseverity = { AZF5 = "info" }\n'
    )
    return ws


@pytest_lsp.fixture(config=CONFIG)
async def selecting_client(lsp_client: LanguageClient, configured: Path):
    # AZF201 is more specific than the configured ignore of AZF2: it runs, AZF200 does not.
    await start(lsp_client, "visual-studio-code", configured, {"select": ["AZF201", "azf5"]})
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_server_and_check_select_the_same_findings(
    selecting_client: LanguageClient, configured: Path
) -> None:
    client = selecting_client
    app = configured / "v2-app"
    paths = [app / "orders_bp.py", app / "function_app.py"]
    for p in paths:
        open_doc(client, p)
    shown: set[tuple[str, int, int, str, str]] = set()
    for p in paths:
        diags = await wait_for(lambda p=p: client.diagnostics.get(uri(p)))
        shown |= {
            (
                str(p),
                d.range.start.line,
                d.range.start.character,
                str(d.code),
                SEVERITY[d.severity or types.DiagnosticSeverity.Error],
            )
            for d in diags
        }
    out = subprocess.run(
        [
            *(sys.executable, "-m", "funcls", "check", str(configured), "--format", "json"),
            *("--select", "AZF201", "--select", "azf5"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    checked = {
        (f["path"], f["line"] - 1, f["column"] - 1, f["code"], f["severity"])
        for f in json.loads(out.stdout)
        if f["path"] in {str(p) for p in paths}
    }
    assert shown == checked
    codes = {(code, severity) for _, _, _, code, severity in shown}
    assert ("AZF201", "error") in codes and ("AZF500", "info") in codes
    assert not any(code == "AZF200" for code, _ in codes)
