"""A v1 function's ``def main`` renamed in the editor (by hand or by any Python language
server's rename): AZF111 shows in the script the user is editing, at the renamed def, with the
quick fix that sets function.json's ``entryPoint`` — not only in function.json."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from lsprotocol import types

from tests.lsp.support import (
    RecordingClient,
    apply_workspace_edit,
    change_doc,
    open_doc,
    uri,
    wait_for,
)
from tests.lsp.test_diagnostics import diagnostics_of, pulls, related_info


def azf111(diags: list[types.Diagnostic]) -> list[types.Diagnostic]:
    return [d for d in diags if d.code == "AZF111"]


async def test_renamed_entry_point_shows_in_the_script_with_its_fix(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    folder = fresh_workspace / "v1-app" / "get_product"
    script, config = folder / "__init__.py", folder / "function.json"
    original = script.read_text()
    open_doc(editing_client, script, original)
    open_doc(editing_client, config)
    assert azf111(await diagnostics_of(editing_client, script, 1)) == []
    renamed = original.replace("def main(", "def fetch_product(")
    change_doc(editing_client, script, renamed, 2)  # not saved: the user is still typing

    line = renamed.split("\n").index(
        next(x for x in renamed.split("\n") if x.startswith("def fetch_product("))
    )
    name = types.Range(types.Position(line, 4), types.Position(line, 4 + len("fetch_product")))
    message = (
        "get_product/__init__.py has no function 'main', the entry point of 'get_product' (did "
        "you mean 'fetch_product'?); define it, or set \"entryPoint\" in function.json to the "
        "function's name"
    )
    top = types.Range(types.Position(0, 0), types.Position(0, 0))  # no "entryPoint" member
    note = "function.json, which has no \"entryPoint\" (so the host looks for 'main')"
    expected = types.Diagnostic(
        range=name,
        message=message if related_info(editing_client) else f"{message}\n{note} (function.json:1)",
        severity=types.DiagnosticSeverity.Error,
        code="AZF111",
        source="funcls",
        related_information=(  # the client's converter gives a tuple
            types.DiagnosticRelatedInformation(types.Location(uri(config), top), note),
        )
        if related_info(editing_client)
        else None,
        data={"fixes": 1},
    )

    async def shown() -> list[types.Diagnostic]:
        return azf111(await diagnostics_of(editing_client, script, 2))

    found = await shown()
    if not found and pulls(editing_client):
        found = await wait_for_pulled(shown)
    assert found == [expected]
    if not pulls(editing_client):
        # The finding itself stays where it belongs, once, pointing at the renamed def.
        at_config = await wait_for(
            lambda: azf111(list(editing_client.diagnostics.get(uri(config), [])))
        )
        assert [(d.range, d.message.split("\n")[0]) for d in at_config] == [(top, message)]

    result = await editing_client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri(script)),
            range=types.Range(name.start, name.start),
            context=types.CodeActionContext(diagnostics=[expected]),
        )
    )
    fixes = [a for a in result or [] if isinstance(a, types.CodeAction) and a.kind == "quickfix"]
    assert [(a.title, a.is_preferred, a.diagnostics) for a in fixes] == [
        ("Set \"entryPoint\" to 'fetch_product'", True, (expected,))
    ]
    assert fixes[0].edit is not None
    assert apply_workspace_edit(fixes[0].edit) == [config]
    assert '"entryPoint": "fetch_product"' in config.read_text()


async def wait_for_pulled(
    shown: Callable[[], Awaitable[list[types.Diagnostic]]],
) -> list[types.Diagnostic]:
    """A pulling client asks again until the edit is checked."""
    for _ in range(100):
        found = await shown()
        if found:
            return found
        await asyncio.sleep(0.05)
    return []
