"""An AsgiFunctionApp/WsgiFunctionApp app (a FastAPI or Flask app behind one catch-all
function): its web app has a lens on the line that makes it and a row in the Functions view
(QA in code-server: a FastAPI app showed "v2 app, 0 functions", no lens, nothing to click).
With the empty route prefix such apps need, the lens runs it through the warm runner; under
a prefix, it says why it cannot run and what to set, as the runner refuses it. Through a real
server and the real runner, on a FastAPI app and copies of tests/apps/v2_asgi and v2_wsgi."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import CONFIG, start, uri
from tests.lsp.support import run_function as run
from tests.lsp.test_functions_view import functions

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]

APPS = Path(__file__).resolve().parents[1] / "apps"
NO_PREFIX = '{"version": "2.0", "extensions": {"http": {"routePrefix": ""}}}'
# The host's default prefix 'api' (tests/apps' web apps set the empty one, as they must).
API_PREFIX = '{"version": "2.0"}'
FASTAPI_APP = """import azure.functions as func
from fastapi import FastAPI

api = FastAPI()


@api.get("/todo/{item}")
async def todo(item: str):
    return {"item": item}


function_app = func.AsgiFunctionApp(app=api, http_auth_level=func.AuthLevel.ANONYMOUS)
"""


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    for name in ("v2_asgi", "v2_wsgi"):
        shutil.copytree(APPS / name, tmp_path / "ws" / name)
        (tmp_path / "ws" / name / "host.json").write_text(API_PREFIX)
    fastapi_app = tmp_path / "ws" / "fastapi_app"
    fastapi_app.mkdir()
    (fastapi_app / "host.json").write_text(NO_PREFIX)
    (fastapi_app / "function_app.py").write_text(FASTAPI_APP)
    await start(lsp_client, "visual-studio-code", tmp_path / "ws")
    yield
    await lsp_client.shutdown_session()


async def lens_titles(client: LanguageClient, script: Path, line: int) -> list[str]:
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(types.TextDocumentIdentifier(uri(script)))
    )
    return [x.command.title for x in lenses or [] if x.command and x.range.start.line == line]


def maker_line(script: Path) -> int:
    lines = script.read_text().splitlines()
    return next(i for i, t in enumerate(lines) if "FunctionApp(" in t)


async def test_the_web_app_has_a_lens_and_a_row_and_runs_without_a_prefix(
    client: LanguageClient, tmp_path: Path
) -> None:
    view = {a["name"]: a for a in (await functions(client))["apps"]}
    script = tmp_path / "ws" / "fastapi_app" / "function_app.py"
    line = maker_line(script)
    titles = await lens_titles(client, script, line)
    assert titles == ["▶ Run GET /", "Run with input…", "Open in browser"], titles
    [row] = [f for f in view["fastapi_app"]["functions"] if f["name"] == "http_app_func"]
    assert row["kind"] == "http" and row["runnable"] is True and row["urlPath"] == "/", row
    assert row["location"]["line"] == line, row
    assert row["detail"] == "ASGI web app: ANY /{*route}", row

    root = str(tmp_path / "ws" / "fastapi_app")
    # The sample: the root, which this web app does not serve (FastAPI's answer, not ours).
    first = await run(client, root, "http_app_func")
    assert first["status"] == 404 and json.loads(first["body"]) == {"detail": "Not Found"}, first
    todo = await run(client, root, "http_app_func", {"path": "/todo/milk"})
    assert todo["ok"] is True and json.loads(todo["body"]) == {"item": "milk"}, todo


async def test_under_a_route_prefix_the_web_app_says_what_to_set(
    client: LanguageClient, tmp_path: Path
) -> None:
    view = {a["name"]: a for a in (await functions(client))["apps"]}
    for name, function, kind in (
        ("v2_asgi", "http_app_func", "AsgiFunctionApp"),
        ("v2_wsgi", "legacy_site", "WsgiFunctionApp"),
    ):
        script = tmp_path / "ws" / name / "function_app.py"
        [title] = await lens_titles(client, script, maker_line(script))
        assert title.startswith('⊘ Not runnable here: set "routePrefix": "" under'), title
        [row] = [f for f in view[name]["functions"] if f["name"] == function]
        assert row["runnable"] is False, row
        assert f"a {kind} answers every path" in row["whyNotRunnable"], row
        assert "'api//{*route}'" in row["whyNotRunnable"], row
    refused = await run(client, str(tmp_path / "ws" / "v2_asgi"), "http_app_func")
    assert refused["ok"] is False and '"routePrefix": ""' in refused["error"]["message"]
