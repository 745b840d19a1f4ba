"""A function that cannot load (an error of its bindings or signature, which the worker
refuses when it indexes the app) gets ``⊘ Run (fix 1 error first)`` instead of ``▶ Run``;
clicking it shows the error at its place (its quick fix one Ctrl+. away) and says it in one
short message naming the binding, the file and the line. Through a real server."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types

from tests.lsp.support import (
    CONFIG,
    RecordingClient,
    open_doc,
    span,
    start,
    uri,
    wait_for,
    write_app,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]

APP = """import azure.functions as func

app = func.FunctionApp()


@app.route(route="hello")
def hello(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("hi")


@app.route(route="broken")
@app.queue_output(arg_name="msg", queue_name="audit", connection="AzureWebJobsStorage")
def broken(req: func.HttpRequest, message: func.Out[str]) -> func.HttpResponse:
    return func.HttpResponse("x")
"""


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: RecordingClient, tmp_path: Path):
    write_app(tmp_path / "ws" / "app", APP)
    await start(lsp_client, "visual-studio-code", tmp_path / "ws")
    yield
    await lsp_client.shutdown_session()


async def _lenses(client: RecordingClient, script: Path) -> list[types.CodeLens]:
    return (
        await client.text_document_code_lens_async(
            types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri(script)))
        )
        or []
    )


def _titles(lenses: list[types.CodeLens], line: int) -> list[str]:
    return [lens.command.title for lens in lenses if lens.command and lens.range.start.line == line]


async def test_a_function_that_cannot_load_offers_the_fix_not_run(
    client: RecordingClient, tmp_path: Path
) -> None:
    script = tmp_path / "ws" / "app" / "function_app.py"
    open_doc(client, script)
    await wait_for(lambda: client.diagnostics.get(uri(script)))
    hello_line = span(script, "hello(").start.line
    broken_line = span(script, "broken(").start.line
    # Lenses given before the rules answered: the server asks the client to ask again.
    refreshes = client.lens_refreshes
    lenses = await _lenses(client, script)
    if _titles(lenses, broken_line) != ["⊘ Run (fix 2 errors first)"]:
        await wait_for(lambda: client.lens_refreshes > refreshes)
        lenses = await _lenses(client, script)
    assert _titles(lenses, hello_line)[0] == "▶ Run GET /api/hello"
    # AZF200 ('msg' has no parameter) and AZF201 ('message' has no binding): 2 errors.
    assert _titles(lenses, broken_line) == ["⊘ Run (fix 2 errors first)"]
    fix = next(lens.command for lens in lenses if lens.range.start.line == broken_line)
    assert fix is not None and fix.command == "funcls.showReason"

    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=fix.command, arguments=fix.arguments)
    )
    binding = span(script, 'arg_name="msg"')
    shown = await wait_for(lambda: client.shown_documents)
    assert shown[-1].uri == uri(script)
    assert shown[-1].selection is not None
    assert shown[-1].selection.start.line == binding.start.line  # the binding's line
    message = await wait_for(
        lambda: [m.message for m in client.messages if "cannot load" in m.message]
    )
    assert message[-1].startswith("'broken' cannot load: AZF200 binding 'msg' has no parameter")
    assert f"(function_app.py:{binding.start.line + 1}; Ctrl+. offers the fix)" in message[-1]
    assert len(message[-1]) < 250

    # Run anyway (the Functions view, a saved input's lens): refused before the runner, short.
    root = str(tmp_path / "ws" / "app")
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="funcls.runFunction", arguments=[root, "broken"])
    )
    assert result["ok"] is False
    assert result["error"]["type"] == "LoadError"
    assert (result["error"]["file"], result["error"]["line"]) == (
        str(script),
        binding.start.line + 1,
    )
    assert result["summary"].startswith(
        "'broken' cannot load: AZF200 binding 'msg' has no parameter"
    )
    assert result["summary"].endswith("(1 more error(s) in the Problems view)")
    assert "load errors" not in result["summary"] and len(result["summary"]) < 300

    # Fixed (the parameter renamed to the binding's name): ▶ Run again.
    fixed = APP.replace("message: func.Out[str]", "msg: func.Out[str]")
    script.write_text(fixed)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri(script), version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    await wait_for(
        lambda: not any(d.code == "AZF200" for d in client.diagnostics.get(uri(script), []))
    )
    refreshes = client.lens_refreshes
    titles = _titles(await _lenses(client, script), broken_line)
    if titles[0] != "▶ Run GET /api/broken":
        await wait_for(lambda: client.lens_refreshes > refreshes)
        titles = _titles(await _lenses(client, script), broken_line)
    assert titles[0] == "▶ Run GET /api/broken"


SYNTAX = (
    APP.split('\n\n\n@app.route(route="broken")')[0]
    + """


@app.route(route="later")
def later(req: func.HttpRequest) -> func.HttpResponse:
return func.HttpResponse("no indent")
"""
)


async def test_a_syntax_error_in_the_module_keeps_its_functions_from_running(
    client: RecordingClient, tmp_path: Path
) -> None:
    # QA in VS Code: with a syntax error further down function_app.py, hello's ▶ Run stayed,
    # and a click answered "no function 'hello' … (functions: none); load errors: …".
    script = tmp_path / "ws" / "app" / "function_app.py"
    script.write_text(SYNTAX)
    open_doc(client, script)
    await wait_for(lambda: any(d.code == "AZF603" for d in client.diagnostics.get(uri(script), [])))
    hello_line = span(script, "hello(").start.line
    error_line = span(script, 'return func.HttpResponse("no indent")').start.line
    refreshes = client.lens_refreshes
    lenses = await _lenses(client, script)
    if _titles(lenses, hello_line) != ["⊘ Run (fix 1 error first)"]:
        await wait_for(lambda: client.lens_refreshes > refreshes)
        lenses = await _lenses(client, script)
    assert _titles(lenses, hello_line) == ["⊘ Run (fix 1 error first)"]

    root = str(tmp_path / "ws" / "app")
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="funcls.runFunction", arguments=[root, "hello"])
    )
    assert result["ok"] is False and result["error"]["type"] == "LoadError"
    assert (result["error"]["file"], result["error"]["line"]) == (str(script), error_line + 1)
    assert result["summary"] == (
        "'hello' cannot load: AZF603 function_app.py has a syntax error (expected an indented "
        f"block after function definition on line {error_line}): "
        'return func.HttpResponse("no indent"); the worker cannot import it, so its functions '
        f"do not load (function_app.py:{error_line + 1})"
    )
