"""What a demanding user does between keystrokes: requests racing the diagnostics debounce,
several documents edited at once, completion typed in comments and strings, folders created
and deleted on disk, and a very large function_app.py."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from lsprotocol import types

from tests.lsp.support import (
    CONFIG,
    RecordingClient,
    change_doc,
    make_workspace,
    open_doc,
    start,
    uri,
    wait_for,
)


def pulls(client: RecordingClient) -> bool:
    caps = client.capabilities
    return bool(caps and caps.text_document and caps.text_document.diagnostic)


async def shown(client: RecordingClient, path: Path, version: int) -> list[str | int | None]:
    """The codes the client shows for ``path`` at ``version`` (pushed or pulled)."""
    if pulls(client):
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri(path)))
        )
        return [d.code for d in report.items]  # type: ignore[union-attr]
    found = await wait_for(
        lambda: [p for p in client.published if p.uri == uri(path) and p.version == version]
    )
    return [d.code for d in found[-1].diagnostics]


def end_of(text: str) -> types.Position:
    lines = text.split("\n")
    return types.Position(len(lines) - 1, len(lines[-1]))


async def test_a_request_between_an_edit_and_its_diagnostics_does_not_swallow_them(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    """Hover, code lens or symbols re-index first; the debounced publication must still go
    out, for every open document edited, with its latest version."""
    script = fresh_workspace / "v2-app" / "function_app.py"
    config = fresh_workspace / "v1-app" / "heartbeat" / "function.json"
    open_doc(editing_client, script, script.read_text(), version=1)
    open_doc(editing_client, config, config.read_text(), version=1)
    assert await shown(editing_client, script, 1) == []
    assert await shown(editing_client, config, 1) == []
    broken_script = script.read_text() + "\n@app.route(\ndef half(\n"
    broken_config = config.read_text().replace('"timerTrigger"', '"timerTriger"')
    for version in (2, 3):
        change_doc(
            editing_client, script, broken_script[: len(broken_script) - 3 + version], version
        )
        change_doc(editing_client, config, broken_config, version)
        for path in (script, config):
            ident = types.TextDocumentIdentifier(uri(path))
            await editing_client.text_document_hover_async(
                types.HoverParams(ident, types.Position(0, 0))
            )
            await editing_client.text_document_code_lens_async(types.CodeLensParams(ident))
    assert await shown(editing_client, script, 3) == ["AZF603"]
    assert await shown(editing_client, config, 3) == ["AZF101"]


NOT_CODE = [
    "\n# @app.",
    "\nx = 1  # @app.route(",
    '\n"""\n@app.',
    "\ns = '''notes\n  @app.",
    '\n\n\ndef helper():\n    """Decorate it with\n    @app.',
    '\nlabel = "@app.',
    "\n# func.AuthLevel.",
    '\n"""\n@app.route(',
]


async def test_no_completion_in_comments_or_strings(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    script = fresh_workspace / "v2-app" / "function_app.py"
    version = 0
    for typed in NOT_CODE:
        text = script.read_text() + typed
        # Typed at the end of the file, or in a docstring closed below the cursor.
        for doc in (text, text + '\n    """\n'):
            version += 1
            open_doc(editing_client, script, doc, version)
            found = await editing_client.text_document_completion_async(
                types.CompletionParams(types.TextDocumentIdentifier(uri(script)), end_of(text))
            )
            assert found is None or not found.items, typed  # type: ignore[union-attr]


async def test_completion_still_works_in_a_decorator_string(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    script = fresh_workspace / "v2-app" / "function_app.py"
    text = script.read_text() + '\n# a comment\n@app.timer_trigger(arg_name="t", schedule="'
    open_doc(editing_client, script, text)
    found = await editing_client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri(script)), end_of(text))
    )
    assert isinstance(found, types.CompletionList)
    assert [i.label for i in found.items][:2] == ["0 */5 * * * *", "0 0 * * * *"]


async def functions(client: RecordingClient) -> list[str]:
    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=""))
    return sorted(
        f"{s.container_name}:{s.name}"
        for s in found or []
        if s.kind == types.SymbolKind.Function and s.container_name != "v2-app"
    )


async def test_app_folders_created_and_deleted_on_disk(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    """Clients report a deleted or moved-in folder, not the files in it."""
    v1 = fresh_workspace / "v1-app"
    names = await functions(editing_client)
    assert "v1-app:heartbeat" in names and len(names) == 7
    shutil.copytree(v1, fresh_workspace / "copy")
    shutil.rmtree(v1)
    editing_client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [
                types.FileEvent(uri=uri(v1), type=types.FileChangeType.Deleted),
                types.FileEvent(
                    uri=uri(fresh_workspace / "copy"), type=types.FileChangeType.Created
                ),
            ]
        )
    )
    expected = [n.replace("v1-app:", "copy:") for n in names]
    for _ in range(50):  # the events are debounced
        if await functions(editing_client) == expected:
            break
        await asyncio.sleep(0.05)
    assert await functions(editing_client) == expected
    # Nothing is shown for the deleted app, not even on the folder itself.
    assert not [p for p in editing_client.published if p.uri == uri(v1) and p.diagnostics]


async def test_code_lenses_of_a_file_with_3000_functions(tmp_path: Path) -> None:
    client = await CONFIG.start()
    assert isinstance(client, RecordingClient)
    folder = make_workspace(tmp_path / "ws")
    script = folder / "v2-app" / "function_app.py"
    script.write_text(
        script.read_text()
        + "".join(
            f'\n@app.route(route="r{i}/{{id}}")\n'
            f"def f{i}(req: func.HttpRequest) -> func.HttpResponse:\n"
            f'    return func.HttpResponse(req.route_params["id"])\n'
            for i in range(3000)
        )
    )
    await start(client, "visual-studio-code", folder)
    try:
        ident = types.TextDocumentIdentifier(uri(script))
        assert await client.text_document_document_symbol_async(types.DocumentSymbolParams(ident))
        # How long it takes is measured by bench/, not asserted here (the test's own timeout
        # catches a hang): a 2 s limit failed under other jobs' load.
        lenses = await client.text_document_code_lens_async(types.CodeLensParams(ident))
        assert lenses is not None
        runs = [lens for lens in lenses if lens.command and lens.command.title.startswith("▶")]
        assert len(runs) == 3000 + 3  # one ▶ Run per function (and its companions)
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_an_open_document_over_the_size_limit_is_reported_not_parsed(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    """As on disk: a 5 MB function.json in the editor gets one diagnostic, and every edit of
    it is answered at once instead of re-parsing megabytes per keystroke."""
    config = fresh_workspace / "v1-app" / "heartbeat" / "function.json"
    small = config.read_text()
    binding = '{"type": "blob", "direction": "in", "name": "b", "path": "c/b"},\n'
    huge = small.replace('"bindings": [', '"bindings": [\n' + binding * 80_000)
    assert len(huge) > 5_000_000
    open_doc(editing_client, config, huge, 1)
    for version in (2, 3):
        change_doc(editing_client, config, huge + " " * version, version)
        await editing_client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri(config)), types.Position(3, 5))
        )
    assert await shown(editing_client, config, 3) == ["AZF100"]
    if not pulls(editing_client):
        (diag,) = [p for p in editing_client.published if p.version == 3][-1].diagnostics
        assert diag.message.startswith(
            "function.json cannot be read: the editor's text is over 4 MiB; funcls reads "
            "up to 4 MiB"
        )
    change_doc(editing_client, config, small, 4)
    assert await shown(editing_client, config, 4) == []
