"""`funcls run` stopped (Ctrl+C, or SIGTERM as the VS Code extension stops it) while a
reload is loading: the requests it holds for the new code are answered at once with the
host's 503 (a stopping host is not running), not left to uvicorn's shutdown grace and then
cancelled into a bare 500 with a traceback on the console; and .funcls/run.json is gone
afterwards, not written again by the reload that the stop ended."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import httpx
import pytest

from tests.runner.runner_process import start_run
from tests.runner.test_run_reload_hold import APP, make_app

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_during_a_reload_answers_held_requests_and_removes_run_json(
    tmp_path: Path, stop: signal.Signals
) -> None:
    app = make_app(tmp_path / "app")
    running = start_run(app)
    try:
        assert running.wait_for("/api/hello").text == "old code"
        # The new code's import takes 30 s: the reload is still loading when the run stops.
        (app / "function_app.py").write_text(APP.format(delay=30, version="new code"))
        running.wait_for_log("reloading")
        answers: list[httpx.Response | Exception] = []

        def held() -> None:
            try:
                answers.append(httpx.get(f"{running.url}/api/hello", timeout=60))
            except Exception as error:  # reported by the assertion below
                answers.append(error)

        thread = threading.Thread(target=held)
        thread.start()
        running.wait_for_log("change in function_app.py")
        thread.join(0.5)
        assert thread.is_alive(), ("the request was not held", answers)
        running.process.send_signal(stop)
        assert running.process.wait(30) == 0, running.log()
        thread.join(30)
        log = running.log()
        assert len(answers) == 1 and isinstance(answers[0], httpx.Response), answers
        answer = answers[0]
        assert answer.status_code == 503, (answer.status_code, answer.text, log)
        assert answer.text.startswith("Function host is not running."), answer.text
        assert "stopping" in answer.text, answer.text
        assert "timeout graceful shutdown exceeded" not in log, log
        assert "Traceback" not in log, log
        assert not (app / ".funcls" / "run.json").exists(), (
            (app / ".funcls" / "run.json").read_text(),
            log,
        )
    finally:
        running.stop()
