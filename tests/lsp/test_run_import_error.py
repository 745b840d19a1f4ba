"""A Run of a function of an app whose module raises at import: the result names the load
error, the user's line and its traceback, not only "no function … (functions: none)" (QA in
code-server); once the module is fixed and saved the warm app reloads and the Run answers.
Through a real server and the real runner."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import CONFIG, start, write_app

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]

APP = """import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

SETTINGS = {}
LIMIT = SETTINGS["limit"]


@app.route(route="hello")
def hello(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("hi")
"""


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    write_app(tmp_path / "ws" / "app", APP)
    await start(lsp_client, "visual-studio-code", tmp_path / "ws")
    yield
    await lsp_client.shutdown_session()


async def run(client: LanguageClient, *args: Any) -> dict[str, Any]:
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="funcls.runFunction", arguments=list(args))
    )
    assert isinstance(result, dict)
    return result


async def test_an_app_that_raises_at_import_names_its_line(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = tmp_path / "ws" / "app"
    script = root / "function_app.py"
    result = await run(client, str(root), "hello")
    assert result["ok"] is False, result
    error = result["error"]
    assert error["type"] == "LoadError", result
    assert (Path(error["file"]).resolve(), error["line"]) == (script.resolve(), 6), result
    assert "KeyError: 'limit'" in error["message"], result
    assert 'LIMIT = SETTINGS["limit"]' in error["traceback"], result
    assert result["summary"].startswith(
        "'hello' is not loaded: function_app.py:6 failed to load: KeyError: 'limit'"
    ), result
    assert "fix it and save" in result["summary"], result

    script.write_text(APP.replace('SETTINGS["limit"]', 'SETTINGS.get("limit", 10)'))
    deadline = time.monotonic() + 30
    while (again := await run(client, str(root), "hello"))["status"] != 200:
        assert time.monotonic() < deadline, f"the warm app did not reload: {again}"
    assert again["ok"] is True and again["body"] == "hi", again
