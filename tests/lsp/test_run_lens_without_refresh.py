"""A client without ``workspace/codeLens/refresh`` (Neovim 0.7's recorded capabilities) keeps
the lenses it gets until it happens to ask again, so its lens request waits a moment for the
rules: right after an edit that breaks a function, its lens already says to fix the error
first instead of offering ▶ Run. Through a real server."""

from __future__ import annotations

from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import CONFIG, change_doc, open_doc, span, start, uri, write_app

APP = """import azure.functions as func

app = func.FunctionApp()


@app.route(route="hello")
def hello(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("hi")


@app.route(route="other")
@app.queue_output(arg_name="msg", queue_name="audit", connection="AzureWebJobsStorage")
def other(req: func.HttpRequest, msg: func.Out[str]) -> func.HttpResponse:
    return func.HttpResponse("x")
"""


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    write_app(tmp_path / "ws" / "app", APP)
    await start(lsp_client, "neovim", tmp_path / "ws")
    yield
    await lsp_client.shutdown_session()


async def _titles(client: LanguageClient, script: Path, line: int) -> list[str]:
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri(script)))
    )
    return [
        lens.command.title
        for lens in lenses or []
        if lens.command and lens.range.start.line == line
    ]


async def test_a_lens_right_after_a_breaking_edit_offers_the_fix(
    client: LanguageClient, tmp_path: Path
) -> None:
    script = tmp_path / "ws" / "app" / "function_app.py"
    open_doc(client, script, APP)
    line = span(script, "other(").start.line
    assert (await _titles(client, script, line))[0] == "▶ Run GET /api/other"
    # The parameter renamed away from its binding: AZF200 and AZF201, the function cannot load.
    change_doc(client, script, APP.replace("msg: func.Out[str]", "message: func.Out[str]"), 2)
    assert (await _titles(client, script, line))[0] == "⊘ Run (fix 2 errors first)"
    # And back: ▶ Run at once again.
    change_doc(client, script, APP, 3)
    assert (await _titles(client, script, line))[0] == "▶ Run GET /api/other"
