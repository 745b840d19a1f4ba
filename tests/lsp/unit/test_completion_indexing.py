"""Which completions wait for the edits not indexed yet (issue 16): only those reading the
app's functions or files other than the document's text and its analysis."""

from __future__ import annotations

from pathlib import Path

import pytest

from funcls.lsp.completion import needs_indexed_edits
from funcls.lsp.context import make_context
from funcls.model.locations import Position
from funcls.model.workspace import Workspace
from tests.lsp.support import make_workspace

TEXT = """import azure.functions as func

bp = func.Blueprint()


@bp.
@bp.queue_trigger(arg_name="msg", queue_name="", connection="AzureWebJobsStorage")
def handle(msg: func.QueueMessage) -> None:
    level = func.AuthLevel.
"""


@pytest.mark.parametrize(
    ("where", "dirty", "waits"),
    [
        ("@bp.", ["orders_bp.py"], False),  # decorator names: the text's own
        ("func.AuthLevel.", ["orders_bp.py"], False),  # enum members: the module's imports
        ('queue_name="', ["orders_bp.py"], True),  # queue names other functions use
        ("@bp.", ["local.settings.json"], True),  # connection names come from there
        ("@bp.", ["orders_bp.py", "host.json"], True),
    ],
)
def test_what_waits_for_the_index(
    tmp_path: Path, where: str, dirty: list[str], waits: bool
) -> None:
    folder = make_workspace(tmp_path / "ws")
    app = folder / "v2-app"
    path = str(app / "orders_bp.py")
    index = Workspace([str(folder)])
    index.index_all()
    index.source.open(path, 1, TEXT)
    ctx = make_context(index)
    at = TEXT.index(where) + len(where)
    line = TEXT.count("\n", 0, at)
    pos = Position(line, at - (TEXT.rfind("\n", 0, at) + 1))
    assert needs_indexed_edits(ctx, path, pos, [str(app / d) for d in dirty]) is waits


def test_a_file_of_no_app_waits(tmp_path: Path) -> None:
    index = Workspace([str(tmp_path)])
    index.index_all()
    path = str(tmp_path / "loose.py")
    index.source.open(path, 1, TEXT)
    pos = Position(5, 4)
    assert needs_indexed_edits(make_context(index), path, pos, [path]) is True
