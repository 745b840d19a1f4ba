"""An app whose module raises at import, through a real server and the real runner (QA in
code-server). A Run of one of its functions: the result names the load error, the user's line
and its traceback, not only "no function … (functions: none)"; once the module is fixed and
saved the warm app reloads and the Run answers. Started from the view: the app's state says
what failed to load (it showed "running on …" and nothing else), and again after a save."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import CONFIG, start, wait_for, write_app
from tests.lsp.support import run_function as run

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


async def test_a_missing_package_s_summary_is_its_first_sentence(
    client: LanguageClient, tmp_path: Path
) -> None:
    """QA in code-server: the result's headline held the worker's whole ModuleNotFoundError
    text, its troubleshooting hint and sys.path; the error below it keeps them."""
    root = tmp_path / "ws" / "app"
    script = root / "function_app.py"
    script.write_text("import nothere_pkg_qa16\n" + APP.replace('SETTINGS["limit"]', "1"))
    deadline = time.monotonic() + 30
    while (result := await run(client, str(root), "hello"))["error"]["message"].find(
        "nothere_pkg_qa16"
    ) < 0:
        assert time.monotonic() < deadline, f"the warm app did not reload: {result}"
    assert result["summary"] == (
        "'hello' is not loaded: function_app.py:1 failed to load: ModuleNotFoundError: "
        "No module named 'nothere_pkg_qa16'; fix it and save, the app reloads"
    ), result
    assert "Current sys.path: [" in result["error"]["message"], result


async def test_the_app_state_names_what_failed_to_load(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = tmp_path / "ws" / "app"
    script = root / "function_app.py"
    states: list[Any] = []  # pygls gives unknown notifications' params as named tuples

    def on_app_state(params: Any) -> None:
        states.append(params)

    client.feature("funcls/appState")(on_app_state)
    started = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="funcls.app.start", arguments=[str(root)])
    )
    assert started["state"] == "running", started
    [error] = started["loadErrors"]
    assert error.startswith("function_app.py: ") and "KeyError: 'limit'" in error, started

    # Fixed and saved: the reloaded app loads; then broken another way: told again.
    script.write_text(APP.replace('SETTINGS["limit"]', 'SETTINGS.get("limit", 10)'))
    await wait_for(lambda: states and list(getattr(states[-1], "loadErrors", [None])) == [], 30)
    script.write_text(APP.replace('SETTINGS["limit"]', "1 / 0"))
    await wait_for(
        lambda: "ZeroDivisionError" in " ".join(getattr(states[-1], "loadErrors", [])), 30
    )
    stopped = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="funcls.app.stop", arguments=[str(root)])
    )
    assert stopped["state"] == "stopped" and stopped["loadErrors"] == [], stopped
