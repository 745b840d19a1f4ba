"""Renaming a route parameter end to end, for every recorded client: from ``{id}`` in the
route template or from ``req.route_params["id"]``, the template, the reads and the other
bindings' ``{id}`` change together (v2 decorators and v1 function.json)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.lsp.support import RecordingClient, apply_workspace_edit, position, uri
from tests.lsp.test_rename import rename


async def prepare(
    client: RecordingClient, path: Path, needle: str, offset: int
) -> types.PrepareRenameResult | None:
    return await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(
            types.TextDocumentIdentifier(uri(path)), position(path, needle, offset)
        )
    )


def name_range(path: Path, needle: str, offset: int, length: int) -> types.Range:
    start = position(path, needle, offset)
    return types.Range(start, types.Position(start.line, start.character + length))


async def test_from_the_template_the_route_and_a_blob_path_of_the_blueprint(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    bp = fresh_workspace / "v2-app" / "orders_bp.py"
    before = bp.read_text()
    assert await prepare(
        editing_client, bp, 'route="orders/{id}/receipt"', 16
    ) == types.PrepareRenamePlaceholder(
        range=name_range(bp, 'route="orders/{id}/receipt"', 15, 2), placeholder="id"
    )
    edit = await rename(editing_client, bp, 'route="orders/{id}/receipt"', 16, "order_id")
    assert apply_workspace_edit(edit) == [bp]
    # process_order's receipts/{id}.json reads the queue message's id: not renamed.
    expected = before.replace(
        'route="orders/{id}/receipt", methods=["GET"])\n'
        '@bp.blob_input(arg_name="receipt", path="receipts/{id}.json"',
        'route="orders/{order_id}/receipt", methods=["GET"])\n'
        '@bp.blob_input(arg_name="receipt", path="receipts/{order_id}.json"',
    )
    assert expected != before
    assert bp.read_text() == expected


async def test_from_a_read_the_template_and_the_read(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    script = fresh_workspace / "v2-app" / "function_app.py"
    before = script.read_text()
    read = 'req.route_params["id"]'
    assert await prepare(editing_client, script, read, 19) == types.PrepareRenamePlaceholder(
        range=name_range(script, read, 18, 2), placeholder="id"
    )
    edit = await rename(editing_client, script, read, 19, "product_id")
    assert apply_workspace_edit(edit) == [script]
    assert script.read_text() == before.replace(
        'route="products/{id:int}"', 'route="products/{product_id:int}"'
    ).replace(read, 'req.route_params["product_id"]')


async def test_v1_function_json_route_binding_path_and_code(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    app = fresh_workspace / "v1-app"
    config = app / "get_receipt" / "function.json"
    before = config.read_text()
    edit = await rename(editing_client, config, '"orders/{id}/receipt"', 9, "order_id")
    assert apply_workspace_edit(edit) == [config]
    assert config.read_text() == before.replace(
        '"orders/{id}/receipt"', '"orders/{order_id}/receipt"'
    ).replace('"receipts/{id}.json"', '"receipts/{order_id}.json"')

    config, script = app / "get_product" / "function.json", app / "get_product" / "__init__.py"
    config_before, script_before = config.read_text(), script.read_text()
    edit = await rename(editing_client, script, 'route_params["id"]', 15, "product_id")
    assert sorted(apply_workspace_edit(edit)) == sorted([config, script])
    assert config.read_text() == config_before.replace(
        '"products/{id:int}"', '"products/{product_id:int}"'
    )
    assert script.read_text() == script_before.replace(
        'route_params["id"]', 'route_params["product_id"]'
    )


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("order-id", "'order-id' cannot name a route parameter"),
        ("", "'' cannot name a route parameter"),
    ],
)
async def test_a_name_binding_expressions_cannot_read_is_refused(
    editing_client: RecordingClient, fresh_workspace: Path, new: str, message: str
) -> None:
    bp = fresh_workspace / "v2-app" / "orders_bp.py"
    with pytest.raises(JsonRpcException, match=message):
        await rename(editing_client, bp, 'route="orders/{id}/receipt"', 16, new)


async def test_from_a_binding_expression_of_the_route_parameter(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    """``{id}`` in get_receipt's blob path reads the route parameter: definition goes to the
    template and rename starts there too; process_order's ``{id}`` (the queue message's
    property) is no route parameter."""
    bp = fresh_workspace / "v2-app" / "orders_bp.py"
    before = bp.read_text()
    blob = 'path="receipts/{id}.json", connection="AzureWebJobsStorage")\ndef get_receipt'
    queue = 'path="receipts/{id}.json", connection="AzureWebJobsStorage")\ndef process_order'
    assert blob in before and queue in before
    at_blob = position(bp, blob, 16)
    found = await editing_client.text_document_definition_async(
        types.DefinitionParams(types.TextDocumentIdentifier(uri(bp)), at_blob)
    )
    assert found == [types.Location(uri(bp), name_range(bp, 'route="orders/{id}/receipt"', 15, 2))]
    found = await editing_client.text_document_definition_async(
        types.DefinitionParams(types.TextDocumentIdentifier(uri(bp)), position(bp, queue, 16))
    )
    assert found is None
    assert await prepare(editing_client, bp, blob, 16) == types.PrepareRenamePlaceholder(
        range=name_range(bp, blob, 16, 2), placeholder="id"
    )
    edit = await rename(editing_client, bp, blob, 16, "order_id")
    assert apply_workspace_edit(edit) == [bp]
    assert bp.read_text() == before.replace(
        'route="orders/{id}/receipt"', 'route="orders/{order_id}/receipt"'
    ).replace(blob, blob.replace("{id}", "{order_id}"))


async def test_references_and_highlights_list_the_binding_expression(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    bp = fresh_workspace / "v2-app" / "orders_bp.py"
    template = 'route="orders/{id}/receipt"'
    blob = 'path="receipts/{id}.json", connection="AzureWebJobsStorage")\ndef get_receipt'
    at = position(bp, template, 15)
    found = await editing_client.text_document_references_async(
        types.ReferenceParams(
            context=types.ReferenceContext(include_declaration=True),
            text_document=types.TextDocumentIdentifier(uri(bp)),
            position=at,
        )
    )
    assert list(found or []) == [
        types.Location(uri(bp), name_range(bp, template, 15, 2)),
        types.Location(uri(bp), name_range(bp, blob, 16, 2)),
    ]
    lit = await editing_client.text_document_document_highlight_async(
        types.DocumentHighlightParams(types.TextDocumentIdentifier(uri(bp)), at)
    )
    assert list(lit or []) == [
        types.DocumentHighlight(name_range(bp, template, 15, 2), types.DocumentHighlightKind.Write),
        types.DocumentHighlight(name_range(bp, blob, 16, 2), types.DocumentHighlightKind.Read),
    ]
