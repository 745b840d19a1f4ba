"""AZF412 in the editor, for every recorded client: a misspelt host.json key is a warning on
the key with a quick fix renaming it, typed into the open document."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from tests.lsp.support import (
    RecordingClient,
    apply_workspace_edit,
    change_doc,
    open_doc,
    span,
    until_code,
)
from tests.lsp.test_code_actions import actions_at


async def test_misspelt_keys_are_warned_and_renamed(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    path = fresh_workspace / "v2-app" / "host.json"
    original = path.read_text()
    open_doc(editing_client, path, original)
    assert await until_code(editing_client, path, "AZF412", lambda d: True) == []
    broken = original.replace('"extensionBundle"', '"extensionBundel"').replace(
        '"version": "2.0",', '"version": "2.0",\n  "extensions": {"http": {"routPrefix": ""}},'
    )
    path.write_text(broken)
    change_doc(editing_client, path, broken, 2)
    diags = await until_code(editing_client, path, "AZF412", lambda d: len(d) == 2)
    assert [(d.range, d.severity, d.message) for d in diags] == [
        (
            span(path, '"routPrefix"'),
            types.DiagnosticSeverity.Warning,
            'extensions.http in host.json has no setting "routPrefix" and the host ignores it; '
            'did you mean "routePrefix"?',
        ),
        (
            span(path, '"extensionBundel"'),
            types.DiagnosticSeverity.Warning,
            'host.json has no setting "extensionBundel" and the host ignores it; did you mean '
            '"extensionBundle"?',
        ),
    ]
    bundle = diags[1]
    actions = await actions_at(editing_client, path, bundle.range, [bundle])
    (rename,) = [a for a in actions if a.title == 'Rename to "extensionBundle"']
    assert rename.kind == types.CodeActionKind.QuickFix and rename.is_preferred
    assert rename.edit is not None
    apply_workspace_edit(rename.edit)
    assert path.read_text() == broken.replace('"extensionBundel"', '"extensionBundle"')
