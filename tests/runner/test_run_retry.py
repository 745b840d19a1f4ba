"""Retry policies as the host runs them: `@app.retry` and function.json "retry", with the
attempt in `context.retry_context`, against a real `funcls run`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.runner.runner_process import RunningApp

pytestmark = pytest.mark.slow

BODY = """
    logging.info(f"Current retry count: {context.retry_context.retry_count}")
    if context.retry_context.retry_count == context.retry_context.max_retry_count:
        logging.info(
            f"Max retries of {context.retry_context.max_retry_count} for "
            f"function {context.function_name} has been reached"
        )
    else:
        raise Exception("This is a retryable exception")
"""

V2_APP = (
    """
import logging

import azure.functions as func

app = func.FunctionApp()


@app.timer_trigger(schedule="0 0 0 1 1 *", arg_name="mytimer", run_on_startup=True)
@app.retry(strategy="fixed_delay", max_retry_count="3", delay_interval="00:00:01")
def mytimer(mytimer: func.TimerRequest, context: func.Context) -> None:"""
    + BODY
)


def test_fixed_delay_retry_policy(tmp_path: Path, run_app: Callable[..., RunningApp]) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "function_app.py").write_text(V2_APP)
    running = run_app(app, "--no-reload")
    log = running.wait_for_log("Max retries of 3 for function mytimer has been reached", 30)
    counts = re.findall(r"Current retry count: (\d)", log)
    assert counts == ["0", "1", "2", "3"]
    assert log.count("Executed 'Functions.mytimer' (Failed") == 3
    assert "retry 1 of 3 in 1s" in log


def test_exponential_backoff_retry_policy_of_function_json(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    app = tmp_path / "app"
    folder = app / "mytimer"
    folder.mkdir(parents=True)
    (app / "host.json").write_text('{"version": "2.0"}')
    (folder / "function.json").write_text(
        json.dumps(
            {
                "bindings": [
                    {
                        "type": "timerTrigger",
                        "direction": "in",
                        "name": "mytimer",
                        "schedule": "0 0 0 1 1 *",
                        "runOnStartup": True,
                    }
                ],
                "retry": {
                    "strategy": "exponentialBackoff",
                    "maxRetryCount": 2,
                    "minimumInterval": "00:00:01",
                    "maximumInterval": "00:00:02",
                },
            }
        )
    )
    (folder / "__init__.py").write_text(
        "import logging\n\n\ndef main(mytimer, context) -> None:" + BODY
    )
    running = run_app(app, "--no-reload")
    log = running.wait_for_log("Max retries of 2 for function mytimer has been reached", 30)
    assert re.findall(r"Current retry count: (\d)", log) == ["0", "1", "2"]
    assert "retry 1 of 2 in 1s" in log
    # The host's randomized backoff: 1 s + uniform(0.8, 1.2) x 1 s, capped at 2 s.
    second = re.search(r"retry 2 of 2 in ([0-9.]+)s", log)
    assert second is not None and 1.8 <= float(second.group(1)) <= 2.0
    assert "Function execution failed after" not in log  # the last attempt succeeded


EXCEPTION_APP = """
import logging

import azure.functions as func

app = func.FunctionApp()


@app.timer_trigger(schedule="0 0 0 1 1 *", arg_name="timer", run_on_startup=True)
@app.retry(strategy="fixed_delay", max_retry_count="2", delay_interval="00:00:00.2")
def flaky(timer: func.TimerRequest, context: func.Context) -> None:
    failure = context.retry_context.exception
    logging.info(
        "attempt %s exception message=%r source=%r",
        context.retry_context.retry_count,
        failure.message,
        failure.source,
    )
    raise ZeroDivisionError(f"boom {context.retry_context.retry_count}")
"""


def test_retry_context_exception_is_the_previous_failure_as_the_host_sends_it(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "function_app.py").write_text(EXCEPTION_APP)
    running = run_app(app, "--no-reload")
    log = running.wait_for_log("Function execution failed after '2' retries.", 30)
    # Before any failure the worker hands over an empty RpcException, not None.
    assert "attempt 0 exception message='' source=''" in log
    first = re.search(r"attempt 1 exception message='(.*?)' source='(.*?)'", log)
    assert first is not None
    assert first.group(1).startswith(
        "Microsoft.Azure.WebJobs.Host.FunctionInvocationException : Exception while executing "
        "function: Functions.flaky ---> Microsoft.Azure.WebJobs.Script.Workers.Rpc.RpcException"
        " : Result: Failure\\nException: ZeroDivisionError: boom 0\\nStack: "
    )
    assert first.group(2) == "Microsoft.Azure.WebJobs.Host"
    assert "ZeroDivisionError: boom 1" in log.split("attempt 2 exception")[1].split("\n")[0]
    assert log.count("Executed 'Functions.flaky' (Failed") == 3
