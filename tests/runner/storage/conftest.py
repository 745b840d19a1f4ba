"""Fixtures: a real Azurite for the session, and `store`, which runs a test once on the
embedded backend and once on Azurite through the same interface."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.runner.storage.harness import Store
from tests.support.azurite import Azurite, require_azurite


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Azurite]:
    instance = require_azurite(log_dir=tmp_path_factory.mktemp("azurite-logs"))
    try:
        yield instance
    finally:
        instance.stop()


@pytest.fixture(
    params=["embedded", pytest.param("azurite", marks=pytest.mark.azurite)],
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    connection = None
    if request.param == "azurite":
        connection = request.getfixturevalue("azurite").connection_string
    result = Store(request.param, tmp_path / "app", connection)
    result.app_dir.mkdir()
    try:
        yield result
    finally:
        result.close_all()


@pytest.fixture
def embedded_store(tmp_path: Path) -> Iterator[Store]:
    result = Store("embedded", tmp_path / "app", None)
    result.app_dir.mkdir()
    try:
        yield result
    finally:
        result.close_all()


@pytest.fixture
def azurite_store(azurite: Azurite, tmp_path: Path) -> Iterator[Store]:
    result = Store("azurite", tmp_path / "app", azurite.connection_string)
    result.app_dir.mkdir()
    try:
        yield result
    finally:
        result.close_all()
