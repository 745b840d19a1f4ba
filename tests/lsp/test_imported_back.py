"""Functions another module decorates on an imported-back blueprint or app, through the
language server: they get their Run code lenses where they are written, and the blueprint's
hover lists them with its own (AGVANKU/agent.agcloud.it's shape)."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from tests.checks.support import V2_HEAD, write_app
from tests.lsp.support import CONFIG, RecordingClient, position, span, start, uri

BOARD = (
    "import azure.functions as func\n\nbp = func.Blueprint()\n\n\n"
    '@bp.route(route="first")\n'
    "def first(req: func.HttpRequest) -> func.HttpResponse:\n"
    "    return func.HttpResponse('ok')\n\n\n"
    "from jobs import nightly  # noqa: E402,F401\n"
)
NIGHTLY = (
    "import azure.functions as func\n\nfrom jobs.board import bp\n\n\n"
    '@bp.timer_trigger(schedule="0 0 1 * * *", arg_name="timer")\n'
    "def nightly(timer: func.TimerRequest) -> None:\n    pass\n\n\n"
    '@bp.route(route="report/{day}", methods=["GET"])\n'
    "def report(req: func.HttpRequest) -> func.HttpResponse:\n"
    "    return func.HttpResponse('ok')\n"
)


async def test_functions_added_from_a_module_imported_back_have_lenses_and_hover(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "ws"
    root = write_app(
        folder / "app",
        {
            "function_app.py": V2_HEAD
            + "from jobs.board import bp\n\napp.register_functions(bp)\n",
            "jobs/__init__.py": "",
            "jobs/board.py": BOARD,
            "jobs/nightly.py": NIGHTLY,
        },
    )
    nightly = root / "jobs" / "nightly.py"
    board = root / "jobs" / "board.py"
    client = await CONFIG.start()
    assert isinstance(client, RecordingClient)
    await start(client, "visual-studio-code", folder)
    try:
        lenses = await client.text_document_code_lens_async(
            types.CodeLensParams(types.TextDocumentIdentifier(uri(nightly)))
        )
        runs = [
            lens
            for lens in lenses or []
            if lens.command and lens.command.command == "funcls.runFunction"
        ]
        assert runs == [
            types.CodeLens(
                range=types.Range(
                    position(nightly, f"def {name}", 4),
                    position(nightly, f"def {name}", 4 + len(name)),
                ),
                command=types.Command(
                    title=title, command="funcls.runFunction", arguments=(str(root), name)
                ),
            )
            for name, title in (("nightly", "▶ Run"), ("report", "▶ Run GET /api/report/1"))
        ]
        hover = await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri(board)), position(board, "bp =", 0))
        )
        assert hover == types.Hover(
            contents=types.MarkupContent(
                kind=types.MarkupKind.Markdown,
                value="**Blueprint** `bp` (jobs/board.py:3)\n\n"
                "Functions: `first`, `nightly`, `report`",
            ),
            range=span(board, "bp = func.Blueprint()"),
        )
        route = await client.text_document_hover_async(
            types.HoverParams(
                types.TextDocumentIdentifier(uri(nightly)), position(nightly, '"report/{day}"', 3)
            )
        )
        assert route == types.Hover(
            contents=types.MarkupContent(
                kind=types.MarkupKind.Markdown,
                value="**HTTP route** of `report`\n\n"
                "GET http://localhost:7071/api/report/{day}\n\n"
                "The prefix `/api` is the host's default: host.json sets no "
                "`extensions.http.routePrefix`; set it to change the URL of every route "
                '(`""` for none).\n\n'
                "Needs a function key in Azure (authLevel `function`); keys are not checked "
                "locally.",
            ),
            range=span(nightly, '"report/{day}"'),
        )
        # The rules check it as the document is edited: a schedule NCRONTAB cannot read.
        ident = types.TextDocumentIdentifier(uri(nightly))
        edited = NIGHTLY.replace("0 0 1 * * *", "every day")
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri(nightly), "python", 1, edited)
            )
        )
        report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(ident))
        found = [(d.code, d.range.start.line) for d in report.items]  # type: ignore[union-attr]
        assert found == [("AZF500", 5)]
    finally:
        await client.shutdown_session()
        await client.stop()
