"""Completion right after a didChange sees the change (issue 17): the app model is re-indexed
after a debounce delay, and completion used to read it as it stood, so a binding just added in
one file was missing from completion in another until the delay had passed. Each test sends
the change and the completion request back to back, as an editor does while the user types."""

from __future__ import annotations

import json
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import CONFIG, change_doc, make_workspace, open_doc, start, uri

CURSOR = "‸"


async def complete_at(client: LanguageClient, path: Path, text: str) -> list[types.CompletionItem]:
    """Complete at the cursor mark of ``text``, which is the open document's text."""
    at = text.index(CURSOR)
    line = text.count("\n", 0, at)
    pos = types.Position(line, at - (text.rfind("\n", 0, at) + 1))
    result = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri(path)), pos)
    )
    return result.items if isinstance(result, types.CompletionList) else list(result or [])


async def test_v1_parameters_right_after_a_binding_is_added_to_function_json(
    tmp_path: Path,
) -> None:
    folder = make_workspace(tmp_path / "ws")
    config = folder / "v1-app" / "get_receipt" / "function.json"
    script = folder / "v1-app" / "get_receipt" / "__init__.py"
    marked = script.read_text().replace(
        "def main(req: func.HttpRequest, receipt: str)", f"def main({CURSOR})"
    )
    assert CURSOR in marked
    client = await CONFIG.start()
    await start(client, "visual-studio-code", folder)
    try:
        open_doc(client, config)
        open_doc(client, script, marked.replace(CURSOR, ""))
        before = await complete_at(client, script, marked)
        assert [i.label for i in before if "audit" in i.label] == []
        doc = json.loads(config.read_text())
        doc["bindings"].append(
            {
                "type": "queue",
                "direction": "out",
                "name": "audit",
                "queueName": "audit-log",
                "connection": "AzureWebJobsStorage",
            }
        )
        change_doc(client, config, json.dumps(doc, indent=2), 2)
        after = await complete_at(client, script, marked)  # no wait: before the debounce
        assert "audit: func.Out[str]" in [i.label for i in after], [i.label for i in after]
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_v2_queue_names_right_after_a_blueprint_adds_an_output(tmp_path: Path) -> None:
    folder = make_workspace(tmp_path / "ws")
    main = folder / "v2-app" / "function_app.py"
    blueprint = folder / "v2-app" / "orders_bp.py"
    marked = main.read_text() + (
        f'\n\n@app.queue_trigger(arg_name="m", queue_name="{CURSOR}", '
        'connection="AzureWebJobsStorage")\ndef audit(m: func.QueueMessage) -> None:\n'
        "    pass\n"
    )
    old = "def create_order(req"
    bp_text = blueprint.read_text()
    assert old in bp_text
    added = bp_text.replace(
        old,
        '@bp.queue_output(arg_name="audit", queue_name="audit-log", '
        'connection="AzureWebJobsStorage")\n' + old.replace("req", "audit: func.Out[str], req"),
        1,
    )
    client = await CONFIG.start()
    await start(client, "visual-studio-code", folder)
    try:
        open_doc(client, blueprint)
        open_doc(client, main, marked.replace(CURSOR, ""))
        before = [i.label for i in await complete_at(client, main, marked)]
        assert "orders" in before and "audit-log" not in before, before
        change_doc(client, blueprint, added, 2)
        after = [i.label for i in await complete_at(client, main, marked)]
        assert "audit-log" in after, after
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_decorator_names_right_after_an_edit_follow_the_text(tmp_path: Path) -> None:
    """After ``@bp.`` completion answers from the text and its analysis without waiting for
    the app to be indexed again (issue 16): what it lists is still the text's. The blueprint
    becomes a Durable Functions one in the same change that adds lines above the cursor, and
    the next completion, sent right after, lists the durable decorators at the new place."""
    folder = make_workspace(tmp_path / "ws")
    blueprint = folder / "v2-app" / "orders_bp.py"
    text = blueprint.read_text()
    marked = text.replace(
        '@bp.route(route="orders"', f"@bp.{CURSOR}\n@bp.route(route=" + '"orders"', 1
    )
    assert CURSOR in marked
    durable = marked.replace(
        "bp = func.Blueprint()",
        "import azure.durable_functions as df\n\n\nbp = df.Blueprint()",
        1,
    )
    client = await CONFIG.start()
    await start(client, "visual-studio-code", folder)
    try:
        open_doc(client, blueprint, marked.replace(CURSOR, ""))
        # On a plain Blueprint the durable decorators come after all the others (they need a
        # Durable Functions blueprint); on a df.Blueprint they rank with the other triggers.
        before = {i.label: i.sort_text for i in await complete_at(client, blueprint, marked)}
        assert before["orchestration_trigger"] == "2orchestration_trigger", before
        change_doc(client, blueprint, durable.replace(CURSOR, ""), 2)
        after = await complete_at(client, blueprint, durable)  # no wait: before the debounce
        ranks = {i.label: i.sort_text for i in after}
        assert ranks["orchestration_trigger"] == "10orchestration_trigger", ranks
        at = durable.index(CURSOR)
        line = durable.count("\n", 0, at)
        edits = {i.text_edit.range.start.line for i in after if i.text_edit is not None}
        assert edits == {line}, edits
    finally:
        await client.shutdown_session()
        await client.stop()
