"""Rename end to end: a binding's name and its parameter change together, with the uses in the
function body, whichever side the rename starts from."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.lsp.support import RecordingClient, apply_workspace_edit, position, uri


def document_changes(client: RecordingClient) -> bool:
    caps = client.capabilities
    ws = caps.workspace if caps else None
    return bool(ws and ws.workspace_edit and ws.workspace_edit.document_changes)


async def rename(
    client: RecordingClient, path: Path, needle: str, offset: int, new: str
) -> types.WorkspaceEdit:
    edit = await client.text_document_rename_async(
        types.RenameParams(
            text_document=types.TextDocumentIdentifier(uri(path)),
            position=position(path, needle, offset),
            new_name=new,
        )
    )
    assert edit is not None
    assert (edit.document_changes is not None) == document_changes(client)
    return edit


async def test_prepare_rename_gives_the_name(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    bp = fresh_workspace / "v2-app" / "orders_bp.py"
    result = await editing_client.text_document_prepare_rename_async(
        types.PrepareRenameParams(
            types.TextDocumentIdentifier(uri(bp)), position(bp, 'arg_name="msg"', 11)
        )
    )
    start = position(bp, 'arg_name="msg"', 10)
    assert result == types.PrepareRenamePlaceholder(
        range=types.Range(start, types.Position(start.line, start.character + 3)), placeholder="msg"
    )
    nothing = await editing_client.text_document_prepare_rename_async(
        types.PrepareRenameParams(
            types.TextDocumentIdentifier(uri(bp)), position(bp, "import json")
        )
    )
    # Nothing funcls renames: VS Code's client is told to ask the next provider.
    if editing_client.recorded == "visual-studio-code":
        assert nothing == types.PrepareRenameDefaultBehavior(default_behavior=True)
    else:
        assert nothing is None


async def test_renaming_a_parameter_renames_the_decorator_argument_and_the_body(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    bp = fresh_workspace / "v2-app" / "orders_bp.py"
    before = bp.read_text()
    edit = await rename(editing_client, bp, "msg: func.QueueMessage", 1, "message")
    assert apply_workspace_edit(edit) == [bp]
    expected = (
        before.replace('arg_name="msg"', 'arg_name="message"')
        .replace("msg: func.QueueMessage", "message: func.QueueMessage")
        .replace("order = msg.get_json()", "order = message.get_json()")
        .replace("msg.dequeue_count", "message.dequeue_count")
    )
    assert bp.read_text() == expected


async def test_renaming_a_function_json_name_renames_the_v1_parameter(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    folder = fresh_workspace / "v1-app" / "process_order"
    config, script = folder / "function.json", folder / "__init__.py"
    config_before, script_before = config.read_text(), script.read_text()
    edit = await rename(editing_client, config, '"receipt"', 2, "receipt_blob")
    assert sorted(apply_workspace_edit(edit)) == sorted([config, script])
    assert config.read_text() == config_before.replace('"receipt"', '"receipt_blob"')
    # receipt_for (an import) is another name and stays.
    assert script.read_text() == script_before.replace(
        "receipt: func.Out[str]", "receipt_blob: func.Out[str]"
    ).replace("    receipt.set(", "    receipt_blob.set(")


async def test_renaming_the_default_request_parameter_names_it_in_the_decorator(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    main = fresh_workspace / "v2-app" / "function_app.py"
    before = main.read_text()
    edit = await rename(editing_client, main, "req: func.HttpRequest", 1, "request")
    apply_workspace_edit(edit)
    assert main.read_text() == (
        before.replace(
            '@app.route(route="products/{id:int}", methods=["GET"])',
            '@app.route(route="products/{id:int}", methods=["GET"], trigger_arg_name="request")',
        )
        .replace(
            "def get_product(req: func.HttpRequest)", "def get_product(request: func.HttpRequest)"
        )
        .replace('int(req.route_params["id"])', 'int(request.route_params["id"])')
    )


async def test_a_name_that_is_not_an_identifier_is_refused(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    bp = fresh_workspace / "v2-app" / "orders_bp.py"
    with pytest.raises(
        JsonRpcException, match="'order-queue' is not a valid Python parameter name"
    ):
        await editing_client.text_document_rename_async(
            types.RenameParams(
                text_document=types.TextDocumentIdentifier(uri(bp)),
                position=position(bp, "order_queue: func.Out", 1),
                new_name="order-queue",
            )
        )


# -- the def of a v1 entry point -------------------------------------------------------------


def asks_prepare(client: RecordingClient) -> bool:
    caps = client.capabilities
    td = caps.text_document if caps else None
    return bool(td and td.rename and td.rename.prepare_support)


async def test_prepare_rename_on_a_v1_def_leaves_it_to_the_python_server(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    # Null (Neovim 0.7 would otherwise prompt twice and apply the Python server's edits
    # twice); a client that understands defaultBehavior is told so, as VS Code's client stops
    # the whole rename on a null answer instead of asking the Python server.
    script = fresh_workspace / "v1-app" / "process_order" / "__init__.py"
    result = await editing_client.text_document_prepare_rename_async(
        types.PrepareRenameParams(
            types.TextDocumentIdentifier(uri(script)), position(script, "def main", 5)
        )
    )
    if editing_client.recorded == "visual-studio-code":
        assert result == types.PrepareRenameDefaultBehavior(default_behavior=True)
    else:
        assert result is None


async def test_renaming_a_v1_main_writes_the_entry_point(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    folder = fresh_workspace / "v1-app" / "process_order"
    config, script = folder / "function.json", folder / "__init__.py"
    config_before, script_before = config.read_text(), script.read_text()
    assert '"entryPoint"' not in config_before
    edit = await rename(editing_client, script, "def main", 5, "process")
    touched = apply_workspace_edit(edit)
    # function.json had no entryPoint: with the def renamed the worker would look for main.
    assert config.read_text() == config_before.replace(
        "    }\n  ]\n}", '    }\n  ],\n  "entryPoint": "process"\n}'
    )
    if asks_prepare(editing_client):
        # The Python server renames the def (this client asked it first): funcls only adds
        # what the Python server does not know.
        assert touched == [config]
        assert script.read_text() == script_before
    else:
        # eglot: one server per buffer, funcls is the Python server and renames the def too.
        assert sorted(touched) == sorted([config, script])
        assert script.read_text() == script_before.replace("def main(", "def process(")


async def test_renaming_a_v1_def_named_by_entry_point_updates_it(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    folder = fresh_workspace / "v1-app" / "create_order"
    config, script = folder / "function.json", folder / "handlers.py"
    config_before, script_before = config.read_text(), script.read_text()
    with pytest.raises(JsonRpcException, match="'class' is not a valid Python function name"):
        await editing_client.text_document_rename_async(
            types.RenameParams(
                text_document=types.TextDocumentIdentifier(uri(script)),
                position=position(script, "def handle", 5),
                new_name="class",
            )
        )
    edit = await rename(editing_client, script, "def handle", 5, "create")
    apply_workspace_edit(edit)
    assert config.read_text() == config_before.replace(
        '"entryPoint": "handle"', '"entryPoint": "create"'
    )
    renamed = script_before.replace("def handle(", "def create(")
    assert script.read_text() == (script_before if asks_prepare(editing_client) else renamed)


# -- a name funcls does not rename -----------------------------------------------------------


async def test_a_plain_python_name_is_refused_where_no_prepare_rename_came(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    """A helper def is plain Python. A client that asks prepareRename first got null there
    and asks the next server; one that does not (eglot, Emacs' recorded client) applied the
    null edit and said "Edit successful!" with nothing renamed (QA in eglot 1.9): it now gets
    the reason."""
    main = fresh_workspace / "v2-app" / "function_app.py"
    params = types.RenameParams(
        text_document=types.TextDocumentIdentifier(uri(main)),
        position=position(main, "def json_response(", len("def json_r")),
        new_name="as_json",
    )
    if asks_prepare(editing_client):
        assert await editing_client.text_document_rename_async(params) is None
        return
    with pytest.raises(
        JsonRpcException,
        match=(
            r"funcls renames bindings and their parameters, route parameters, app settings and "
            r"v1 entry points; 'json_response' at function_app.py:\d+ is none of those\. "
            r"Rename other Python names with a Python language server"
        ),
    ):
        await editing_client.text_document_rename_async(params)
