"""``funcls.runFunction`` sent as soon as the session starts (as eglot's
``eglot-execute-command`` or a script does) waits for the first indexing instead of answering
that the app is unknown. The client here answers ``workspace/configuration`` late, so the
command surely arrives while the server is still starting up."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from tests.lsp.support import CONFIG, make_workspace, uri

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]


async def _late_settings(params: Any) -> list[Any]:
    await asyncio.sleep(1.0)  # the index waits for the settings: the command comes first
    return [{} for _ in params.items]


@pytest_lsp.fixture(config=CONFIG)
async def early(lsp_client: LanguageClient, tmp_path: Path):
    folder = make_workspace(tmp_path / "ws")
    lsp_client.protocol.fm.features[types.WORKSPACE_CONFIGURATION] = _late_settings
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("emacs"),
            root_uri=uri(folder),
            workspace_folders=[types.WorkspaceFolder(uri=uri(folder), name=folder.name)],
        )
    )
    yield
    await lsp_client.shutdown_session()


async def test_run_function_right_after_initialize_waits_for_the_index(
    early: LanguageClient, tmp_path: Path
) -> None:
    root = str(tmp_path / "ws" / "v2-app")
    assert not any("indexed" in m.message for m in early.log_messages)  # not yet
    result = await early.workspace_execute_command_async(
        types.ExecuteCommandParams(command="funcls.runFunction", arguments=[root, "get_product"])
    )
    assert isinstance(result, dict)
    assert result["ok"] is True, result["summary"]
    assert (result["function"], result["status"]) == ("get_product", 200)
    assert "Espresso beans" in result["body"]
