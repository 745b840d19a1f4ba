"""A context over copies of the sample apps for the pure feature functions."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from funcls.lsp.context import ClientFeatures, Context, make_context
from funcls.model.workspace import Workspace
from tests.lsp.support import make_workspace

NOW = datetime(2025, 3, 14, 9, 26, 53, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("samples"))


@pytest.fixture(scope="session")
def index(samples: Path) -> Workspace:
    ws = Workspace([str(samples)])
    ws.index_all()
    return ws


@pytest.fixture
def ctx(index: Workspace) -> Context:
    return make_context(index, "utf-16", ClientFeatures(), now=lambda: NOW)
