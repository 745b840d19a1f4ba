"""pytest-lsp fixtures: ``funcls --stdio`` on copies of the sample apps, once per recorded
client (VS Code, Neovim 0.7 and 0.11, Emacs)."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from pytest_lsp import LanguageClient

from tests.lsp.support import CLIENTS, CONFIG, make_workspace, start


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sample apps shared by the read-only tests of one module."""
    return make_workspace(tmp_path_factory.mktemp("ws"))


@pytest_lsp.fixture(config=CONFIG, params=CLIENTS, scope="module")
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest, workspace: Path):
    """A server per module and client, for tests that change nothing."""
    await start(lsp_client, request.param, workspace)
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def fresh_workspace(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "ws")


@pytest.fixture
def server_options(request: pytest.FixtureRequest) -> object:
    """initializationOptions for ``editing_client`` (parametrize indirectly to set them)."""
    return getattr(request, "param", None)


@pytest_lsp.fixture(config=CONFIG, params=CLIENTS)
async def editing_client(
    lsp_client: LanguageClient,
    request: pytest.FixtureRequest,
    fresh_workspace: Path,
    server_options: object,
):
    """A server of its own on a fresh copy, for tests that edit files."""
    await start(lsp_client, request.param, fresh_workspace, server_options)
    yield
    await lsp_client.shutdown_session()
