"""A Run right after the function was written: the warm app reloads a moment after a save, so
a run sent at once went to the old app process — a function just added (New function…, then
the editor's save before the Run) was refused as 'no function'. And a function only in the
editor (not saved) is refused saying so, not with the runner's list of functions."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import (
    CONFIG,
    change_doc,
    make_workspace,
    open_doc,
    start,
    uri,
)
from tests.lsp.support import (
    run_function as run,
)

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.slow]

ADDED = """

@app.route(route="added/{n:int}")
def added_{n}(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("added {n}")
"""


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("run-after-save"))


@pytest_lsp.fixture(config=CONFIG, params=["visual-studio-code"], scope="module")
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest, ws: Path):
    await start(lsp_client, request.param, ws)
    yield
    await lsp_client.shutdown_session()


async def test_a_function_saved_just_before_the_run_runs(client: LanguageClient, ws: Path) -> None:
    root, main = ws / "v2-app", ws / "v2-app" / "function_app.py"
    assert (await run(client, str(root), "get_product"))["ok"] is True  # the warm app runs
    open_doc(client, main)
    text = main.read_text()
    for n in range(1, 4):  # each time: the editor's edit, its save, at once the Run
        text += ADDED.replace("{n}", str(n))
        change_doc(client, main, text, n + 1)
        main.write_text(text)
        client.text_document_did_save(
            types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri(main)))
        )
        result = await run(client, str(root), f"added_{n}")
        assert (result["ok"], result["body"]) == (True, f"added {n}"), result["summary"]


async def test_a_function_only_in_the_editor_is_refused_saying_to_save(
    client: LanguageClient, ws: Path
) -> None:
    root, main = ws / "v2-app", ws / "v2-app" / "function_app.py"
    text = main.read_text() + ADDED.replace("{n}", "9")
    change_doc(client, main, text, 100)  # not saved
    result = await run(client, str(root), "added_9")
    assert result["ok"] is False
    assert result["error"]["message"] == (
        "'added_9' is not in the saved function_app.py: the app runs the saved files;"
        " save function_app.py and run it again"
    )
