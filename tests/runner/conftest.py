"""Fixtures for the runner's end-to-end tests: app copies, a running `funcls run`, Azurite."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.runner.runner_process import APPS, SAMPLES, RunningApp, copy_app, start_run
from tests.support.azurite import Azurite, require_azurite


@pytest.fixture
def app_copy(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a test app (tests/runner/apps/NAME) or a sample (samples/NAME) into tmp_path."""

    def make(name: str) -> Path:
        source = SAMPLES / name if (SAMPLES / name).is_dir() else APPS / name
        return copy_app(source, tmp_path / Path(name).name)

    return make


@pytest.fixture
def run_app() -> Iterator[Callable[..., RunningApp]]:
    """Start `funcls run` on an app folder; every run is stopped at the end of the test."""
    started: list[RunningApp] = []

    def start(app_dir: Path, *args: str, **kwargs: object) -> RunningApp:
        running = start_run(app_dir, *args, **kwargs)  # type: ignore[arg-type]
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture(scope="session")
def runner_azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Azurite]:
    instance = require_azurite(log_dir=tmp_path_factory.mktemp("runner-azurite"))
    try:
        yield instance
    finally:
        instance.stop()
