"""The Python worker's thread-pool end-to-end suite (Azure/azure-functions-python-worker
tests/endtoend/test_threadpool_thread_count_functions.py) checks that with
PYTHON_THREADPOOL_THREAD_COUNT=2 two requests to a sync function run at once; it compares
the times they answered. Here the same, without a clock: the function waits at a barrier of
two, which only two invocations running together pass (a lone one breaks it after 20 s)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.runner.runner_process import RunningApp

pytestmark = pytest.mark.slow

APP = """
import threading

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
meeting = threading.Barrier(2, timeout=20)


@app.route(route="meet")
def meet(req: func.HttpRequest) -> str:
    meeting.wait()
    return threading.current_thread().name


@app.route(route="hello")
def hello(req: func.HttpRequest) -> str:
    return "hello"
"""


def meet_at_once(url: str, clients: list[httpx.Client]) -> list[object]:
    """GET /api/meet on each client at the same time; the answers (or errors)."""
    answers: list[object] = [None] * len(clients)

    def call(i: int) -> None:
        try:
            answers[i] = clients[i].get(url + "/api/meet")
        except httpx.HTTPError as error:
            answers[i] = error

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


def test_two_sync_invocations_run_at_once_with_two_threads(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    root = tmp_path / "app"
    root.mkdir()
    (root / "host.json").write_text('{"version": "2.0"}')
    (root / "local.settings.json").write_text(
        json.dumps({"IsEncrypted": False, "Values": {"PYTHON_THREADPOOL_THREAD_COUNT": "2"}})
    )
    (root / "function_app.py").write_text(APP)
    running = run_app(root, "--no-reload")
    # New connections (the runner's front), then keep-alive ones (handed to the app process
    # after a first answer; /api/meet's route is known to the front by then).
    for handed in (False, True):
        clients = [httpx.Client(timeout=60), httpx.Client(timeout=60)]
        try:
            if handed:
                for client in clients:
                    assert client.get(running.url + "/api/hello").text == "hello"
            answers = meet_at_once(running.url, clients)
        finally:
            for client in clients:
                client.close()
        for answer in answers:
            assert isinstance(answer, httpx.Response), answers
            assert answer.status_code == 200, answer.text
        names = {answer.text for answer in answers if isinstance(answer, httpx.Response)}
        assert len(names) == 2, names
