"""Findings whose location is a folder reach the editor on a file next to it (funcls/lsp/homes.py):
AZF100 on a folder named function.json shows on the function's script, AZF408 on the root of a
v1 app without host.json on the app's requirements.txt with its "Create host.json" fix, and a
folder with no file beside it keeps the finding on its own URI. Before, ``diagnostics.by_path``
dropped every finding on a folder: ``funcls check`` reported them, the editor showed nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from tests.lsp.support import RecordingClient, apply_workspace_edit, open_doc, uri, wait_for
from tests.lsp.test_diagnostics import diagnostics_of, pulls

SCRIPT = (
    "import azure.functions as func\n\n\n"
    "def main(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("hi")\n'
)
HTTP = (
    '{"bindings": [{"type": "httpTrigger", "direction": "in", "name": "req"}, '
    '{"type": "http", "direction": "out", "name": "$return"}]}'
)
TOP = types.Range(types.Position(0, 0), types.Position(0, 0))


@pytest.fixture
def fresh_workspace(tmp_path: Path) -> Path:
    """Overrides conftest's: the server of ``editing_client`` starts on these apps."""
    root = tmp_path / "ws"
    app = root / "app"  # a v1 app whose Hello/function.json is a folder
    (app / "Hello" / "function.json").mkdir(parents=True)
    (app / "Hello" / "function.json" / "inside.txt").write_text("a file in the folder\n")
    (app / "Hello" / "__init__.py").write_text(SCRIPT)
    (app / "Lonely" / "function.json").mkdir(parents=True)  # nothing beside it
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "requirements.txt").write_text("azure-functions\n")
    bare = root / "bare"  # a v1 app without host.json
    (bare / "Get").mkdir(parents=True)
    (bare / "Get" / "function.json").write_text(HTTP)
    (bare / "Get" / "__init__.py").write_text(SCRIPT)
    (bare / "requirements.txt").write_text("azure-functions\n")
    return root


async def test_a_function_json_folder_shows_on_the_function_script(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    script = fresh_workspace / "app" / "Hello" / "__init__.py"
    open_doc(editing_client, script)
    found = [d for d in await diagnostics_of(editing_client, script, 1) if d.code == "AZF100"]
    assert [(d.range, d.severity, d.message) for d in found] == [
        (
            TOP,
            types.DiagnosticSeverity.Error,
            "function.json cannot be read: it is a folder, not a file; move the folder away "
            "and write the file; the host cannot load it until this is fixed",
        )
    ]
    if not pulls(editing_client):
        # Not also on the folder, where VS Code's Problems view could not open it.
        assert (
            uri(fresh_workspace / "app" / "Hello" / "function.json")
            not in editing_client.diagnostics
        )
        # A folder with no file beside it keeps the finding on its own URI.
        lonely = uri(fresh_workspace / "app" / "Lonely" / "function.json")
        at_lonely = await wait_for(lambda: editing_client.diagnostics.get(lonely))
        assert [d.code for d in at_lonely] == ["AZF100"]


async def test_a_v1_app_without_host_json_shows_on_an_app_file_with_its_fix(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    bare = fresh_workspace / "bare"
    requirements = bare / "requirements.txt"
    open_doc(editing_client, requirements)
    [found] = [
        d for d in await diagnostics_of(editing_client, requirements, 1) if d.code == "AZF408"
    ]
    assert found.range == TOP
    assert found.message.startswith("the app at bare has no host.json; create one")
    result = await editing_client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri(requirements)),
            range=TOP,
            context=types.CodeActionContext(diagnostics=[found]),
        )
    )
    fixes = [a for a in result or [] if isinstance(a, types.CodeAction) and a.kind == "quickfix"]
    assert [a.title for a in fixes] == ["Create host.json"]
    assert fixes[0].edit is not None
    assert set(apply_workspace_edit(fixes[0].edit)) == {bare / "host.json"}
    assert '"version": "2.0"' in (bare / "host.json").read_text()
