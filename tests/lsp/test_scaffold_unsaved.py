"""New app and New function as VS Code applies them: the workspace/applyEdit answer comes
back while the files the edit created are still empty on disk (CreateFile makes them empty,
the text is in the editor's unsaved documents) and before the editor's didOpen for them; a
file outside the client's document selector (.funcignore) gets no didOpen at all. Seen in
code-server's LSP trace: 'Sending response workspace/applyEdit' came before the four
'textDocument/didOpen', and the empty .funcignore had an AZF602 warning until the editor saved.

The server indexes the text the edit gave each file until the editor says more (its didOpen,
or the saved file), so the new app and function are listed and checked without a save."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest_lsp
from lsprotocol import types
from pygls.uris import to_fs_path
from pytest_lsp import ClientServerConfig
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from funcls.lsp.functions_view import REQUEST as FUNCTIONS
from funcls.lsp.scaffold_commands import NEW_APP_COMMAND, NEW_FUNCTION_COMMAND
from tests.lsp import support
from tests.lsp.support import SERVER, RecordingClient, apply_text_edits, change_doc, start, uri


class EditorClient(RecordingClient):
    """Applies workspace edits as VS Code does: created files empty on disk, their text in
    unsaved documents (``held``); didOpen for documents its selector takes, sent after the
    answer; a save writes a held text to disk."""

    held: dict[Path, str]
    selector: tuple[str, ...]
    after_answer: list[Path]
    opened: dict[str, int]  # uri -> version


def _apply_in_editor(client: EditorClient, params: types.ApplyWorkspaceEditParams) -> Any:
    for change in params.edit.document_changes or []:
        if isinstance(change, types.CreateFile):
            path = Path(to_fs_path(change.uri) or "")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("")
            client.held.setdefault(path, "")
        elif isinstance(change, types.TextDocumentEdit):
            path = Path(to_fs_path(change.text_document.uri) or "")
            old = client.held.get(path, path.read_text() if path.exists() else "")
            edits = [types.TextEdit(range=e.range, new_text=e.new_text) for e in change.edits]
            client.held[path] = apply_text_edits(old, edits)
            client.after_answer.append(path)
    return types.ApplyWorkspaceEditResult(applied=True)


def make_editor_client() -> EditorClient:
    client = EditorClient(converter_factory=support._converter)
    client.published, client.registrations, client.requests = [], [], []
    client.lens_refreshes, client.recorded = 0, ""
    client.held, client.after_answer, client.opened = {}, [], {}
    client.selector = (".py", ".json", ".txt")  # not .funcignore, as the extension's selector
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.CLIENT_REGISTER_CAPABILITY] = support._register
    features[types.WORKSPACE_APPLY_EDIT] = _apply_in_editor
    features[types.WORKSPACE_CODE_LENS_REFRESH] = support._code_lens_refresh
    register_lsp_features(client, features)
    return client


async def command(client: EditorClient, name: str, *args: Any) -> Any:
    answer = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=name, arguments=list(args))
    )
    # The editor's didOpen (didChange for a document open already) follows the answer.
    for path in dict.fromkeys(client.after_answer):
        if path.suffix not in client.selector:
            continue
        version = client.opened.get(uri(path), 0) + 1
        if version == 1:
            client.text_document_did_open(
                types.DidOpenTextDocumentParams(
                    types.TextDocumentItem(uri(path), "python", 1, client.held[path])
                )
            )
        else:
            change_doc(client, path, client.held[path], version)
        client.opened[uri(path)] = version
    client.after_answer.clear()
    return answer


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER, client_factory=make_editor_client)
)
async def editor(lsp_client: EditorClient, tmp_path: Path):
    (tmp_path / "ws").mkdir()
    await start(lsp_client, "visual-studio-code", tmp_path / "ws")
    yield lsp_client
    await lsp_client.shutdown_session()


async def _functions(client: EditorClient) -> dict[str, list[str]]:
    view = await client.protocol.send_request_async(FUNCTIONS, {})
    # pygls gives an unknown request's answer as named tuples.
    return {a.root: sorted(f.name for f in a.functions) for a in view.apps}


async def _problems(client: EditorClient, path: Path) -> list[str]:
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri(path)))
    )
    return [f"{d.code}: {d.message}" for d in getattr(report, "items", [])]


async def test_a_new_app_and_function_are_indexed_as_the_editor_holds_them(
    editor: EditorClient, tmp_path: Path
) -> None:
    shop = tmp_path / "ws" / "shop"
    made = await command(editor, NEW_APP_COMMAND, str(shop))
    assert made["ok"] is True, made
    # On disk the files are still empty: nothing is saved.
    assert (shop / ".funcignore").read_text() == "" and (shop / "host.json").read_text() == ""
    await asyncio.sleep(0.5)
    assert await _problems(editor, shop / ".funcignore") == []
    assert await _problems(editor, shop / "host.json") == []

    added = await command(
        editor, NEW_FUNCTION_COMMAND, str(shop), {"trigger": "http", "name": "hello"}
    )
    assert added["ok"] is True, added
    assert "def hello(" in editor.held[shop / "function_app.py"]
    assert (shop / "function_app.py").read_text() == ""
    assert (await _functions(editor)).get(str(shop)) == ["hello"]
    assert await _problems(editor, shop / "function_app.py") == []

    # The editor saves; from then on the disk is the file's truth again: a .funcignore saved
    # later without the line gets its warning.
    for path, text in editor.held.items():
        path.write_text(text)
    await asyncio.sleep(1.0)  # the server sees the saved texts (it looks every 0.2 s)
    ignore = shop / ".funcignore"
    ignore.write_text(ignore.read_text().replace("local.settings.json\n", ""))
    editor.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri(ignore), types.FileChangeType.Changed)]
        )
    )
    await wait_for_problem(editor, ignore, "AZF602")


async def wait_for_problem(client: EditorClient, path: Path, code: str) -> None:
    for _ in range(100):
        if any(p.startswith(code) for p in await _problems(client, path)):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"no {code} on {path}: {await _problems(client, path)}")


async def test_an_unopened_created_file_stands_until_saved_or_changed_on_disk(
    editor: EditorClient, tmp_path: Path
) -> None:
    """A created file the editor never opens (.funcignore: outside its selector) keeps the
    edit's text in the index past the minute after which the server used to read the disk
    again (the empty file: AZF602 out of nowhere, in editors that open nothing, such as
    Emacs and Neovim with files they do not show). The client's own report of the file it
    created changes nothing; a later change it reports does, and the disk stands again."""
    shop = tmp_path / "ws" / "shop"
    made = await command(editor, NEW_APP_COMMAND, str(shop))
    assert made["ok"] is True, made
    ignore = shop / ".funcignore"
    assert ignore.read_text() == ""
    editor.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri(ignore), types.FileChangeType.Created)]
        )
    )
    await asyncio.sleep(62.0)  # past the former hold of 60 s
    assert await _problems(editor, ignore) == []
    ignore.write_text(editor.held[ignore].replace("local.settings.json\n", ""))
    editor.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri(ignore), types.FileChangeType.Changed)]
        )
    )
    await wait_for_problem(editor, ignore, "AZF602")


async def test_a_reported_change_releases_a_created_file_whatever_the_disk_holds(
    editor: EditorClient, tmp_path: Path
) -> None:
    """The user emptied the unopened file and saved it: the disk holds what it held when the
    file was created, and only the client's report says that the edit's text is gone."""
    shop = tmp_path / "ws" / "shop"
    made = await command(editor, NEW_APP_COMMAND, str(shop))
    assert made["ok"] is True, made
    ignore = shop / ".funcignore"
    await asyncio.sleep(0.5)
    assert await _problems(editor, ignore) == []
    ignore.write_text("")
    editor.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri(ignore), types.FileChangeType.Changed)]
        )
    )
    await wait_for_problem(editor, ignore, "AZF602")
