"""A durable app copied from tests/runner/durable/apps and run by a real `funcls run`, and a
plain HTTP client that follows the status URLs `create_check_status_response` hands out."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.runner.runner_process import RunningApp, copy_app, start_run

DURABLE_APPS = Path(__file__).resolve().parent / "apps"


class Durable:
    """Starts orchestrations through the app's HTTP starter and polls their status URLs."""

    def __init__(self, running: RunningApp) -> None:
        self.running = running
        self.client = httpx.Client(timeout=30.0)

    def start(self, name: str, payload: Any = None) -> dict[str, str]:
        response = self.running.post(
            f"/api/orchestrators/{name}", **({"json": payload} if payload is not None else {})
        )
        assert response.status_code == 202, response.text
        urls: dict[str, str] = response.json()
        assert response.headers["location"] == urls["statusQueryGetUri"]
        return urls

    def status(self, urls: dict[str, str], **params: str) -> httpx.Response:
        url = httpx.URL(urls["statusQueryGetUri"])  # keeps its own query (taskHub, code)
        return self.client.get(url.copy_merge_params(params))

    def wait(self, urls: dict[str, str], timeout: float = 30.0, **params: str) -> dict[str, Any]:
        """Poll like a caller of the check-status response: 202 while it runs, then 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = self.status(urls, **params)
            if response.status_code == 200:
                body: dict[str, Any] = response.json()
                return body
            assert response.status_code == 202, response.text
            assert response.json()["runtimeStatus"] in ("Pending", "Running")
            time.sleep(0.02)
        raise AssertionError(f"{urls['id']} did not finish:\n{self.running.log()}")

    def raise_event(self, urls: dict[str, str], name: str) -> None:
        """POST the instance's sendEventPostUri for this event (no data); 202 expected."""
        answer = self.client.post(urls["sendEventPostUri"].replace("{eventName}", name))
        assert answer.status_code == 202, answer.text

    def wait_for_history(self, urls: dict[str, str], event: str, timeout: float = 20.0) -> None:
        """Until the instance's history holds an event of this type (e.g. TaskCompleted)."""
        deadline = time.monotonic() + timeout
        while event not in str(self.status(urls, showHistory="true").json()):
            assert time.monotonic() < deadline, self.running.log()
            time.sleep(0.05)

    def close(self) -> None:
        self.client.close()


@pytest.fixture(scope="module")
def durable_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Durable]:
    """One `funcls run` of apps/durable_v2 for a module's tests (each test starts its own
    instances)."""
    app = copy_app(DURABLE_APPS / "durable_v2", tmp_path_factory.mktemp("durable") / "app")
    running = start_run(app, "--no-reload")
    running.wait_for_log("ready in")
    durable = Durable(running)
    try:
        yield durable
    finally:
        durable.close()
        running.stop()


@pytest.fixture
def durable_app(tmp_path: Path) -> Callable[[str], Path]:
    def make(name: str) -> Path:
        return copy_app(DURABLE_APPS / name, tmp_path / name)

    return make


@pytest.fixture
def durable_started(
    durable_app: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> Iterator[Callable[..., Durable]]:
    """Start `funcls run` on a copy of a durable app (or on a folder already made with
    `durable_app`), wait until it is ready and give its Durable client; each run is stopped
    and each client closed at the end of the test."""
    made: list[Durable] = []

    def start(app: str | Path = "durable_v2", *args: str) -> Durable:
        running = run_app(durable_app(app) if isinstance(app, str) else app, *args)
        running.wait_for_log("ready in")
        durable = Durable(running)
        made.append(durable)
        return durable

    yield start
    for durable in made:
        durable.close()
