"""Code actions end to end: the rule engine's quick fixes, and the refactoring that converts
v1 functions to the v2 model (then removes their folders) and re-indexes to the same
bindings."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from lsprotocol import types

from funcls.checks import CheckConfig, check_app
from funcls.checks.findings import Severity
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


async def wait_for_diagnostics(client: RecordingClient, path: Path) -> list[types.Diagnostic]:
    """The diagnostics of an open document, pushed or (Neovim 0.11) pulled."""
    caps = client.capabilities.text_document
    if caps is not None and caps.diagnostic is not None:
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri(path)))
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        return list(report.items)
    return await wait_for(lambda: client.diagnostics.get(uri(path)))  # type: ignore[no-any-return]


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
    assert fix.title == (
        "Add 'ServiceBusConnection' to local.settings.json (empty: fill in its connection string)"
    )
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


def error_findings(root: Path) -> list[str]:
    index = Workspace([], extra_roots=[str(root)])
    (app,) = index.index_all().values()
    return sorted(
        f"{f.code} {f.message}"
        for f in check_app(app, CheckConfig())
        if f.severity == Severity.ERROR
    )


async def convert(client: RecordingClient, action: types.CodeAction) -> None:
    """Apply the conversion as the client would: its edit, or the server's command."""
    if action.edit is not None:
        apply_workspace_edit(action.edit)
        return
    assert action.command is not None  # the client cannot delete files: the server does it
    done = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(action.command.command, action.command.arguments)
    )
    assert done is True
    assert "deletes 7 v1 path(s)" in client.requests[-1].message


@pytest.mark.parametrize("folders", ["removed", "kept"])
async def test_convert_the_whole_app_in_one_action(
    editing_client: RecordingClient, fresh_workspace: Path, folders: str
) -> None:
    root = fresh_workspace / "v1-app"
    before = bindings_of(root)
    errors_before = error_findings(root)
    assert len(before) == 7
    config = root / "process_order" / "function.json"
    actions = await actions_at(editing_client, config, point(types.Position(0, 0)))
    converts = [a for a in actions if a.kind == CAK.RefactorRewrite + ".convertApp"]
    assert [a.title for a in converts] == [
        f"Convert the app to the v2 model: 7 function(s) into function_app.py, their folders {w}"
        for w in ("removed", "kept")
    ]
    assert all(a.diagnostics is None for a in converts)  # a refactoring, not a fix
    await convert(editing_client, converts[0 if folders == "removed" else 1])
    assert not list(root.rglob("function.json"))
    assert [(root / name).exists() for name in sorted(before)] == [folders == "kept"] * 7
    assert bindings_of(root) == before
    assert error_findings(root) == errors_before  # checks clean: no new error
    source = (root / "function_app.py").read_text()
    assert "from shared import catalog" in source  # `from ..shared import catalog` made absolute
    assert "def create_order(req: func.HttpRequest, order_queue: func.Out[str])" in source
    compile(source, "function_app.py", "exec")


async def test_conversion_is_never_a_quick_fix(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    root = fresh_workspace / "v1-app"
    config = root / "process_order" / "function.json"
    broken = config.read_text().replace('"name": "msg"', '"name": "msgs"')
    config.write_text(broken)
    open_doc(editing_client, config, broken)
    diags = await wait_for_diagnostics(editing_client, config)
    only = await editing_client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri(config)),
            range=diags[0].range,
            context=types.CodeActionContext(diagnostics=diags, only=[CAK.QuickFix]),
        )
    )
    kinds = {a.kind for a in only or [] if isinstance(a, types.CodeAction)}
    assert kinds <= {CAK.QuickFix}


async def test_no_conversion_when_the_result_would_not_check_clean(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    root = fresh_workspace / "v1-app"
    # A helper of the same name in two functions: the converted module would define it twice.
    for name in ("process_order", "get_product"):
        script = root / name / "__init__.py"
        script.write_text(
            script.read_text() + "\n\ndef shared_helper():\n    return '" + name + "'\n"
        )
    editing_client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [
                types.FileEvent(uri(root / n / "__init__.py"), types.FileChangeType.Changed)
                for n in ("process_order", "get_product")
            ]
        )
    )
    await asyncio.sleep(0.5)
    config = root / "process_order" / "function.json"
    actions = await actions_at(editing_client, config, point(types.Position(0, 0)))
    converts = [a for a in actions if a.kind == CAK.RefactorRewrite + ".convertApp"]
    # Shown disabled with the reason where the client can (VS Code), else left out.
    assert len(converts) == (2 if editing_client.recorded == "visual-studio-code" else 0)
    for a in converts:
        assert (
            a.disabled is not None and "'shared_helper' would be defined twice" in a.disabled.reason
        )


async def test_fixes_of_the_diagnostics_the_client_sends(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    """Neovim asks with the cursor anywhere on the line and sends the line's diagnostics."""
    bp = fresh_workspace / "v2-app" / "orders_bp.py"
    broken = bp.read_text().replace('arg_name="msg"', 'arg_name="msgs"')
    bp.write_text(broken)
    open_doc(editing_client, bp, broken)
    diags = await wait_for_diagnostics(editing_client, bp)
    line = position(bp, 'arg_name="msgs"').line
    on_line = [d for d in diags if d.range.start.line == line]
    assert on_line
    start = point(types.Position(line, 0))  # the decorator's '@', outside the finding
    assert [a for a in await actions_at(editing_client, bp, start) if a.kind == CAK.QuickFix] == []
    titles = [
        a.title
        for a in await actions_at(editing_client, bp, start, on_line)
        if a.kind == CAK.QuickFix
    ]
    assert "Rename binding 'msgs' to 'msg'" in titles


@pytest.mark.parametrize(
    ("old", "new", "code", "title"),
    [
        ('route="products/{id:int}"', 'route="products/{id:integer}"', "AZF502", "Write 'int'"),
        ('methods=["GET"]', 'methods=["GETS"]', "AZF505", "Write 'GET'"),
    ],
)
async def test_fix_applies_the_suggestion(
    editing_client: RecordingClient,
    fresh_workspace: Path,
    old: str,
    new: str,
    code: str,
    title: str,
) -> None:
    path = fresh_workspace / "v2-app" / "function_app.py"
    original = path.read_text()
    broken = original.replace(old, new, 1)
    path.write_text(broken)
    open_doc(editing_client, path, broken)
    diags = [d for d in await wait_for_diagnostics(editing_client, path) if d.code == code]
    actions = await actions_at(editing_client, path, diags[0].range, diags)
    (fix,) = [a for a in actions if a.title == title]
    assert fix.kind == CAK.QuickFix and fix.is_preferred and fix.edit is not None
    apply_workspace_edit(fix.edit)
    assert path.read_text() == original


async def test_missing_local_settings_is_reported_and_created(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    app = fresh_workspace / "v2-app"
    settings, bp = app / "local.settings.json", app / "orders_bp.py"
    settings.unlink()
    editing_client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri(settings), types.FileChangeType.Deleted)]
        )
    )
    open_doc(editing_client, bp)
    diags = await wait_for_diagnostics(editing_client, bp)
    missing = [d for d in diags if d.code == "AZF400" and "no local.settings.json" in d.message]
    assert missing, diags
    actions = await actions_at(editing_client, bp, missing[0].range, missing[:1])
    (create,) = [a for a in actions if a.title.startswith("Create local.settings.json")]
    assert create.edit is not None
    apply_workspace_edit(create.edit)
    values = json.loads(settings.read_text())["Values"]
    assert values["FUNCTIONS_WORKER_RUNTIME"] == "python" and len(values) >= 2


async def test_no_conversion_for_the_light_bulb(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    """VS Code asks for code actions by itself on every cursor move: the conversion (which
    checks the converted app first) waits until the user opens the menu."""
    config = fresh_workspace / "v1-app" / "process_order" / "function.json"

    async def kinds(trigger: types.CodeActionTriggerKind) -> set[str | None]:
        result = await editing_client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri(config)),
                range=point(types.Position(0, 0)),
                context=types.CodeActionContext(diagnostics=[], trigger_kind=trigger),
            )
        )
        return {a.kind for a in result or [] if isinstance(a, types.CodeAction)}

    convert = CAK.RefactorRewrite + ".convertApp"
    assert convert not in await kinds(types.CodeActionTriggerKind.Automatic)
    assert convert in await kinds(types.CodeActionTriggerKind.Invoked)
