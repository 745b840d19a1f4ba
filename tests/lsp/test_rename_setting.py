"""Rename of an app setting end to end: local.settings.json's Values key, the bindings naming
it (``%Name%`` in any string, ``connection``; v1 function.json and v2 decorators) and the
code's ``os.environ`` / ``os.getenv`` reads, as one workspace edit from wherever it starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.lsp.support import RecordingClient, apply_workspace_edit, make_workspace, position, uri

HELPER = (
    'import os\n\nPAYMENTS = os.environ["PAYMENTS_QUEUE"]\nOTHER = os.getenv("payments_queue")\n'
)


@pytest.fixture
def fresh_workspace(tmp_path: Path) -> Path:
    """The samples, with the setting read by code and named in another case by a binding."""
    root = make_workspace(tmp_path / "ws")
    (root / "v1-app" / "shared" / "settings.py").write_text(HELPER)
    fn_json = root / "v1-app" / "process_order" / "function.json"
    fn_json.write_text(
        fn_json.read_text().replace('"receipts/{id}.json"', '"receipts/%payments_queue%/{id}.json"')
    )
    bp = root / "v2-app" / "orders_bp.py"
    bp.write_text(
        bp.read_text().replace(
            "import json\n",
            'import json\nimport os\n\nQ = os.getenv("PAYMENTS_QUEUE", "payments")\n',
            1,
        )
    )
    return root


def document_changes(client: RecordingClient) -> bool:
    caps = client.capabilities
    ws = caps.workspace if caps else None
    return bool(ws and ws.workspace_edit and ws.workspace_edit.document_changes)


async def rename_at(
    client: RecordingClient, path: Path, needle: str, offset: int, new: str
) -> types.WorkspaceEdit | None:
    params = (types.TextDocumentIdentifier(uri(path)), position(path, needle, offset))
    prepared = await client.text_document_prepare_rename_async(types.PrepareRenameParams(*params))
    assert isinstance(prepared, types.PrepareRenamePlaceholder), prepared
    assert prepared.placeholder.casefold() == "payments_queue"
    return await client.text_document_rename_async(types.RenameParams(*params, new_name=new))


@pytest.mark.parametrize(
    ("app", "file", "needle", "offset"),
    [
        ("v1-app", "local.settings.json", '"PAYMENTS_QUEUE"', 3),
        ("v1-app", "payment_received/function.json", "%PAYMENTS_QUEUE%", 4),
        ("v1-app", "process_order/function.json", "%payments_queue%", 1),
        ("v1-app", "shared/settings.py", '["PAYMENTS_QUEUE"]', 2),
        ("v2-app", "orders_bp.py", "%PAYMENTS_QUEUE%", 16),
        ("v2-app", "local.settings.json", '"PAYMENTS_QUEUE"', 1),
        ("v2-app", "orders_bp.py", 'getenv("PAYMENTS_QUEUE"', 9),
    ],
)
async def test_renaming_a_setting_renames_it_everywhere_in_the_app(
    editing_client: RecordingClient,
    fresh_workspace: Path,
    app: str,
    file: str,
    needle: str,
    offset: int,
) -> None:
    """The same edit whichever place it starts from: Values, every %Name% (names compare
    ignoring case, as the host's configuration does), and the code's exact-case reads (the
    process environment keeps case on Linux: os.getenv("payments_queue") is left alone)."""
    root = fresh_workspace / app
    # The app's files (its README's words are left to the writer).
    before = {p: p.read_text() for p in root.rglob("*") if p.suffix in (".json", ".py")}
    edit = await rename_at(editing_client, root / file, needle, offset, "PAYMENT_EVENTS")
    assert edit is not None
    assert (edit.document_changes is not None) == document_changes(editing_client)
    touched = apply_workspace_edit(edit)
    expected = {
        p: text.replace("PAYMENTS_QUEUE", "PAYMENT_EVENTS").replace(
            "%payments_queue%", "%PAYMENT_EVENTS%"
        )
        for p, text in before.items()
    }
    assert {p: p.read_text() for p in before} == expected
    changed = {p for p in before if expected[p] != before[p]}
    assert set(touched) == changed
    if app == "v1-app":
        assert {p.relative_to(root).as_posix() for p in changed} == {
            "local.settings.json",
            "payment_received/function.json",
            "process_order/function.json",
            "shared/settings.py",
        }
        assert 'os.getenv("payments_queue")' in (root / "shared" / "settings.py").read_text()


async def test_renaming_a_connection_renames_its_setting(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    """connection="ServiceBusConnection" names the setting itself: Values and every binding
    naming it are renamed (v2 here); the other app's are not."""
    root = fresh_workspace / "v2-app"
    bp = root / "orders_bp.py"
    before = {p: p.read_text() for p in fresh_workspace.rglob("*") if p.suffix in (".json", ".py")}
    params = (types.TextDocumentIdentifier(uri(bp)), position(bp, '"ServiceBusConnection"', 3))
    edit = await editing_client.text_document_rename_async(
        types.RenameParams(*params, new_name="PaymentsBus")
    )
    assert edit is not None
    assert sorted(apply_workspace_edit(edit)) == [root / "local.settings.json", bp]
    for p, text in before.items():
        new = text.replace("ServiceBusConnection", "PaymentsBus") if p.parent == root else text
        assert p.read_text() == new, p


@pytest.mark.parametrize(
    ("needle", "offset", "new", "message"),
    [
        (
            '"AzureWebJobsStorage"',
            3,
            "Storage",
            "'AzureWebJobsStorage' is read by the Functions runtime itself",
        ),
        ('"PAYMENTS_QUEUE"', 3, "servicebusconnection", "already defines 'ServiceBusConnection'"),
        ('"PAYMENTS_QUEUE"', 3, "A%B", "'A%B' cannot name an app setting"),
        ('"PAYMENTS_QUEUE"', 3, "FUNCTIONS_X", "'FUNCTIONS_X' is a name the Functions runtime"),
    ],
)
async def test_a_setting_rename_that_cannot_be_done_is_refused(
    editing_client: RecordingClient,
    fresh_workspace: Path,
    needle: str,
    offset: int,
    new: str,
    message: str,
) -> None:
    """AzureWebJobsStorage is a setting the bindings name, but the host opens its own storage
    from that exact name: renaming it would break the host, so it is refused (already at
    prepareRename); a clash with another Values key (ignoring case) and a name the host could
    not read in '%Name%' are refused too. Nothing is written."""
    settings = fresh_workspace / "v2-app" / "local.settings.json"
    before = settings.read_text()
    params = (types.TextDocumentIdentifier(uri(settings)), position(settings, needle, offset))
    with pytest.raises(JsonRpcException, match=message.replace("%", ".")):
        await editing_client.text_document_rename_async(types.RenameParams(*params, new_name=new))
    if needle == '"AzureWebJobsStorage"':
        with pytest.raises(JsonRpcException, match=message):
            await editing_client.text_document_prepare_rename_async(
                types.PrepareRenameParams(*params)
            )
    assert settings.read_text() == before
