"""Hover right after a didChange follows the text (issue 16). A decorator's or a keyword's
hover answers from the current text's analysis before the edit is indexed; a hover that reads
the app model (the route as a URL) indexes the edit first. Each test sends the change and the
hover back to back, as an editor does while the user types."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import CONFIG, change_doc, make_workspace, open_doc, start, uri

ADDED = "\n\n# three lines added above the decorators\n"


def at(text: str, needle: str, offset: int = 1) -> types.Position:
    i = text.index(needle) + offset
    return types.Position(text.count("\n", 0, i), i - (text.rfind("\n", 0, i) + 1))


async def hover(client: LanguageClient, path: Path, pos: types.Position) -> types.Hover | None:
    return await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri(path)), pos)
    )


def value(result: types.Hover | None) -> str:
    assert result is not None
    assert isinstance(result.contents, types.MarkupContent), result
    return result.contents.value


async def test_decorator_and_keyword_at_their_new_place_right_after_lines_are_added(
    tmp_path: Path,
) -> None:
    folder = make_workspace(tmp_path / "ws")
    blueprint = folder / "v2-app" / "orders_bp.py"
    text = blueprint.read_text()
    edited = text.replace("bp = func.Blueprint()\n", "bp = func.Blueprint()\n" + ADDED, 1)
    assert edited != text
    client = await CONFIG.start()
    await start(client, "visual-studio-code", folder)
    try:
        open_doc(client, blueprint, text)
        before = value(await hover(client, blueprint, at(text, "queue_output")))
        assert before.startswith("```python\n@bp.queue_output("), before
        change_doc(client, blueprint, edited, 2)
        # No wait: before the debounce. At the new place; at the old one the old model had it.
        moved = await hover(client, blueprint, at(edited, "queue_output"))
        assert value(moved) == before
        line = at(edited, "queue_output").line
        assert moved is not None and moved.range == types.Range(
            types.Position(line, 4), types.Position(line, 16)
        )
        change_doc(client, blueprint, edited + ADDED, 3)
        keyword = await hover(client, blueprint, at(edited, "queue_name="))
        assert value(keyword).startswith("`queue_name` of `@queue_output`"), keyword
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_a_route_hover_right_after_an_edit_reads_the_indexed_edit(tmp_path: Path) -> None:
    """The route decorator's hover shows the route as a URL, which the app model resolves:
    it waits for the edit (the route changed in the same change that added lines above)."""
    folder = make_workspace(tmp_path / "ws")
    blueprint = folder / "v2-app" / "orders_bp.py"
    text = blueprint.read_text()
    edited = text.replace("bp = func.Blueprint()\n", "bp = func.Blueprint()\n" + ADDED, 1)
    edited = edited.replace('@bp.route(route="orders"', '@bp.route(route="purchases"', 1)
    client = await CONFIG.start()
    await start(client, "visual-studio-code", folder)
    try:
        open_doc(client, blueprint, text)
        before = value(await hover(client, blueprint, at(text, "@bp.route", 5)))
        assert "http://localhost:7071/api/orders" in before, before
        change_doc(client, blueprint, edited, 2)
        after = value(await hover(client, blueprint, at(edited, "@bp.route", 5)))
        assert "http://localhost:7071/api/purchases" in after, after
        assert "/api/orders" not in after, after
    finally:
        await client.shutdown_session()
        await client.stop()
