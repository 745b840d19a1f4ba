"""Code actions end to end: the rule engine's quick fixes, and the refactoring that converts
v1 functions to the v2 model (then removes their folders) and re-indexes to the same
bindings."""

from __future__ import annotations

import json
from pathlib import Path

from lsprotocol import types

from funcls.model.workspace import Workspace
from tests.lsp.support import (
    RecordingClient,
    apply_workspace_edit,
    open_doc,
    position,
    uri,
    wait_for,
)

CAK = types.CodeActionKind


async def actions_at(
    client: RecordingClient,
    path: Path,
    rng: types.Range,
    diagnostics: list[types.Diagnostic] | None = None,
) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri(path)),
            range=rng,
            context=types.CodeActionContext(diagnostics=diagnostics or []),
        )
    )
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


def point(pos: types.Position) -> types.Range:
    return types.Range(pos, pos)


async def test_quick_fixes_of_a_finding(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    bp = fresh_workspace / "v2-app" / "orders_bp.py"
    original = bp.read_text()
    broken = original.replace('arg_name="msg"', 'arg_name="msgs"')
    bp.write_text(broken)
    open_doc(editing_client, bp, broken)
    actions = await actions_at(editing_client, bp, point(position(bp, 'arg_name="msgs"', 11)))
    titles = [(a.title, a.kind, a.is_preferred) for a in actions]
    assert ("Rename binding 'msgs' to 'msg'", CAK.QuickFix, True) in titles
    assert ("Add parameter 'msgs'", CAK.QuickFix, None) in titles
    rename = next(a for a in actions if a.title == "Rename binding 'msgs' to 'msg'")
    assert rename.diagnostics is not None and rename.diagnostics[0].code == "AZF200"
    assert rename.edit is not None
    apply_workspace_edit(rename.edit)
    assert bp.read_text() == original


async def test_quick_fix_adds_a_missing_setting(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    app = fresh_workspace / "v2-app"
    settings, bp = app / "local.settings.json", app / "orders_bp.py"
    data = json.loads(settings.read_text())
    del data["Values"]["ServiceBusConnection"]
    settings.write_text(json.dumps(data, indent=2))
    editing_client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri(settings), types.FileChangeType.Changed)]
        )
    )
    await wait_for(lambda: editing_client.diagnostics.get(uri(bp)))
    actions = await actions_at(editing_client, bp, point(position(bp, '"ServiceBusConnection"', 3)))
    (fix,) = [a for a in actions if a.kind == CAK.QuickFix]
    assert fix.title == "Add 'ServiceBusConnection' to local.settings.json"
    assert fix.edit is not None
    apply_workspace_edit(fix.edit)
    assert json.loads(settings.read_text())["Values"]["ServiceBusConnection"] == ""


def bindings_of(root: Path) -> dict[str, list[tuple[str, str, str, dict[str, object]]]]:
    """Every function's bindings as the index sees them (explicit properties only)."""
    index = Workspace([], extra_roots=[str(root)])
    (app,) = index.index_all().values()
    out = {}
    for fn in app.functions:
        rows = []
        for b in fn.bindings:
            props = {k: v.value for k, v in b.properties.items() if v.origin == "explicit"}
            rows.append((b.type.lower(), b.direction, b.name, props))
        out[fn.name] = sorted(rows, key=lambda r: r[2])
    return out


async def test_convert_every_v1_function_then_remove_the_folders(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    root = fresh_workspace / "v1-app"
    before = bindings_of(root)
    assert len(before) == 7
    for name in sorted(before):
        config = root / name / "function.json"
        actions = await actions_at(editing_client, config, point(types.Position(0, 0)))
        (convert,) = [a for a in actions if a.kind == CAK.RefactorRewrite]
        assert convert.title == f"Convert '{name}' to the v2 model (adds it to function_app.py)"
        assert convert.edit is not None
        touched = apply_workspace_edit(convert.edit)
        assert root / "function_app.py" in touched
        assert (root / name / "function.json").exists()  # nothing is removed yet
        editing_client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                [types.FileEvent(uri(root / "function_app.py"), types.FileChangeType.Changed)]
            )
        )
        actions = await actions_at(editing_client, config, point(types.Position(0, 0)))
        (remove,) = [a for a in actions if a.kind == CAK.RefactorRewrite + ".removeV1"]
        assert remove.title == f"Remove the v1 folder '{name}' (converted to v2)"
        if remove.edit is not None:
            apply_workspace_edit(remove.edit)
            editing_client.workspace_did_change_watched_files(
                types.DidChangeWatchedFilesParams(
                    [types.FileEvent(uri(root / name), types.FileChangeType.Deleted)]
                )
            )
        else:  # the client cannot delete files: the server asks, then deletes
            assert remove.command is not None
            done = await editing_client.workspace_execute_command_async(
                types.ExecuteCommandParams(remove.command.command, remove.command.arguments)
            )
            assert done is True
            assert "delete" in editing_client.requests[-1].message
        assert not (root / name).exists()
    after = bindings_of(root)
    assert after == before
    source = (root / "function_app.py").read_text()
    assert "from shared import catalog" in source  # `from ..shared import catalog` made absolute
    assert "def create_order(req: func.HttpRequest, order_queue: func.Out[str])" in source
    compile(source, "function_app.py", "exec")
