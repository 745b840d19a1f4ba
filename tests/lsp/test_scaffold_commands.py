"""The funcls.new.* commands end to end, in every recorded client: the templates, a new
function applied with workspace/applyEdit (files created by the edit where the client can, else
by the server) and shown with window/showDocument, a new app, and refusals with the reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types

from funcls.checks import CheckConfig, check_app
from funcls.lsp.scaffold_commands import NEW_APP_COMMAND, NEW_FUNCTION_COMMAND, TEMPLATES_COMMAND
from funcls.model.loader import load_app
from funcls.model.scaffold.app import APP_FILES
from funcls.model.scaffold.functions import template_list
from funcls.model.source import Source
from tests.lsp.support import CLIENTS, CONFIG, RecordingClient, start, uri, wait_for


async def command(client: RecordingClient, name: str, *args: Any) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=name, arguments=list(args))
    )


def _shows_documents(client: RecordingClient) -> bool:
    window = client.capabilities.window if client.capabilities else None
    return bool(window and window.show_document and window.show_document.support)


INITIALIZED: dict[int, types.InitializeResult] = {}


@pytest_lsp.fixture(config=CONFIG, params=CLIENTS[:1])
async def started(lsp_client: RecordingClient, request: pytest.FixtureRequest, tmp_path: Path):
    """A client whose initialize answer is kept in INITIALIZED."""
    INITIALIZED[id(lsp_client)] = await start(lsp_client, request.param, tmp_path)
    yield
    await lsp_client.shutdown_session()


async def test_commands_are_advertised_and_templates_listed(
    started: RecordingClient,
) -> None:
    client = started
    provider = INITIALIZED[id(client)].capabilities.execute_command_provider
    assert provider is not None
    assert {TEMPLATES_COMMAND, NEW_FUNCTION_COMMAND, NEW_APP_COMMAND} <= set(provider.commands)
    assert await command(client, TEMPLATES_COMMAND, "orders") == template_list("orders")
    assert await command(client, TEMPLATES_COMMAND) == template_list()


async def test_templates_for_an_app_default_auth_level_to_the_app_s(
    started: RecordingClient, tmp_path: Path
) -> None:
    """Given the app's folder, the HTTP template's auth_level defaults to the level its
    FunctionApp sets (QA in code-server: VS Code offered and sent 'function' in the sample's
    anonymous app); without a level set, or without a folder, the catalogue's 'function'."""
    client = started

    def auth_default(templates: list[dict[str, Any]]) -> str:
        [http] = [t for t in templates if t["trigger"] == "http"]
        [level] = [s["default"] for s in http["settings"] if s["name"] == "auth_level"]
        return str(level)

    anonymous, plain = tmp_path / "anonymous", tmp_path / "plain"
    for folder, app in [
        (anonymous, "func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)"),
        (plain, "func.FunctionApp()"),
    ]:
        folder.mkdir()
        (folder / "host.json").write_text('{"version": "2.0"}')
        (folder / "function_app.py").write_text(f"import azure.functions as func\n\napp = {app}\n")
    assert auth_default(await command(client, TEMPLATES_COMMAND, "hello", str(anonymous))) == (
        "anonymous"
    )
    assert auth_default(await command(client, TEMPLATES_COMMAND, "", uri(anonymous))) == "anonymous"
    assert auth_default(await command(client, TEMPLATES_COMMAND, "hello", str(plain))) == "function"
    assert auth_default(await command(client, TEMPLATES_COMMAND, "hello")) == "function"
    # Everything else is the catalogue's list.
    assert await command(client, TEMPLATES_COMMAND, "hello", str(plain)) == template_list("hello")


async def test_new_function_is_added_shown_and_checks_clean(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    app = fresh_workspace / "v2-app"
    script = app / "function_app.py"
    before = script.read_text()
    request = {"trigger": "queue", "name": "audit", "settings": {"queue_name": "audit-log"}}
    result = await command(editing_client, NEW_FUNCTION_COMMAND, str(app), request)
    text = script.read_text()
    line = text.split("\n").index("def audit(msg: func.QueueMessage) -> None:")
    assert result == {"ok": True, "file": str(script), "line": line}
    assert text.startswith(before.rstrip("\n"))  # the user's code is kept, the function at the end
    assert '    queue_name="audit-log",\n' in text
    found = [(f.code, f.message) for f in check_app(load_app(str(app), Source()), CheckConfig())]
    assert found == []
    if _shows_documents(editing_client):
        at = types.Range(types.Position(line, 0), types.Position(line, 0))
        assert editing_client.shown_documents[-1] == types.ShowDocumentParams(
            uri=uri(script), take_focus=True, selection=at
        )
    # The server knows the new function: running the command again is refused by name.
    again = await command(editing_client, NEW_FUNCTION_COMMAND, str(app), request)
    assert again["ok"] is False and "already has a function 'audit'" in again["error"]


async def test_new_v1_function_creates_its_folder(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    app = fresh_workspace / "v1-app"
    request = {
        "trigger": "timer",
        "name": "Nightly",
        "settings": {"schedule": "0 0 3 * * *"},
        "v1": True,
    }
    result = await command(editing_client, NEW_FUNCTION_COMMAND, str(app), request)
    init = app / "Nightly" / "__init__.py"
    assert result == {"ok": True, "file": str(init), "line": 5}
    assert init.read_text().split("\n")[5] == "def main(timer: func.TimerRequest) -> None:"
    config = json.loads((app / "Nightly" / "function.json").read_text())
    assert config == {
        "bindings": [
            {"type": "timerTrigger", "direction": "in", "name": "timer", "schedule": "0 0 3 * * *"}
        ]
    }
    fn = load_app(str(app), Source()).function("Nightly")
    assert fn is not None and fn.model == "v1"


async def test_new_app_creates_the_files(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    folder = fresh_workspace / "shop"
    result = await command(editing_client, NEW_APP_COMMAND, uri(folder))  # a URI works too
    assert result == {"ok": True, "file": str(folder / "function_app.py"), "line": 0}
    assert sorted(p.name for p in folder.iterdir()) == sorted(APP_FILES)
    host = json.loads((folder / "host.json").read_text())
    assert host["extensionBundle"]["version"] == "[4.*, 5.0.0)"
    # ... and the server indexes it: a function can be added at once.
    added = await command(
        editing_client, NEW_FUNCTION_COMMAND, str(folder), {"trigger": "http", "name": "hello"}
    )
    assert added["ok"] is True, added
    assert "def hello(req: func.HttpRequest)" in (folder / "function_app.py").read_text()


async def test_refusals_say_why(editing_client: RecordingClient, fresh_workspace: Path) -> None:
    app = fresh_workspace / "v2-app"
    before = (app / "function_app.py").read_text()
    result = await command(
        editing_client, NEW_FUNCTION_COMMAND, str(app), {"trigger": "smtp", "name": "x"}
    )
    assert result["ok"] is False
    assert result["error"].startswith("no template for trigger 'smtp'; use one of http, timer")
    await wait_for(
        lambda: any("no template for trigger 'smtp'" in m.message for m in editing_client.messages)
    )
    five = await command(
        editing_client,
        NEW_FUNCTION_COMMAND,
        str(app),
        {"trigger": "timer", "name": "tick", "settings": {"schedule": "0 */5 * * *"}},
    )
    assert five == {
        "ok": False,
        "error": "schedule '0 */5 * * *' has 5 fields; Azure Functions schedules have 6, "
        "seconds first: write '0 0 */5 * * *'",
    }
    taken = await command(editing_client, NEW_APP_COMMAND, str(app))
    assert taken["ok"] is False and "funcls new app does not overwrite" in taken["error"]
    assert (app / "function_app.py").read_text() == before


async def test_a_durable_starter_s_install_is_the_client_s_when_it_offers_it(
    editing_client: RecordingClient, fresh_workspace: Path
) -> None:
    """requirements.txt gains azure-functions-durable: the answer says what to install
    (``install``); a client that offers the install itself (VS Code's "Install into
    <interpreter>", ``offersInstall``) gets no message saying to run pip by hand, any other
    client still does (QA in code-server: the message told the user to run pip in the .venv
    the extension had made)."""
    client = editing_client
    by_hand = "install it into the app's interpreter (python -m pip install -r requirements.txt)"
    for folder, offers in [("shop", False), ("store", True)]:
        app = fresh_workspace / folder
        assert (await command(client, NEW_APP_COMMAND, str(app)))["ok"] is True
        request = {"trigger": "durable-orchestration", "name": "greet"}
        if offers:
            request["offersInstall"] = True
        told = len(client.messages)
        result = await command(client, NEW_FUNCTION_COMMAND, str(app), request)
        assert result["ok"] is True, result
        note = f"requirements.txt: azure-functions-durable added; {by_hand}"
        assert result["install"] == {
            "requirements": str(app / "requirements.txt"),
            "modules": [["azure.durable_functions", "azure-functions-durable"]],
            "note": note,
        }
        assert "azure-functions-durable" in (app / "requirements.txt").read_text().split("\n")
        if not offers:
            told_note = f"funcls: {note}"
            await wait_for(lambda text=told_note: any(m.message == text for m in client.messages))
    # The second app's note never came (the answer came after the messages of its request).
    assert [m.message for m in client.messages[told:] if "pip install" in m.message] == []
    # Another starter in an app whose requirements.txt has the package: nothing to install.
    again = {"trigger": "durable-entity", "name": "counter", "offersInstall": True}
    result = await command(client, NEW_FUNCTION_COMMAND, str(fresh_workspace / "store"), again)
    assert result["ok"] is True and "install" not in result
