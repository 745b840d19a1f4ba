"""The engine across a crash of the runner, and an orchestrator changed while an instance runs."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.runner.durable.conftest import Durable
from tests.runner.runner_process import RunningApp, start_run


def test_sigkill_during_a_fan_out_then_restart_completes_it(
    durable_started: Callable[..., Durable],
) -> None:
    durable = durable_started("durable_v2", "--no-reload")
    first, app = durable.running, durable.running.app_dir
    urls = durable.start("slow_fan_out", {"count": 30})
    first.wait_for_log("Executed 'Functions.slow_square' (Succeeded", count=6)
    os.kill(first.process.pid, signal.SIGKILL)
    first.process.wait(10)
    # The app processes see their runner gone and stop; a new run resumes the instance.
    second = start_run(app, "--no-reload", log_path=app.parent / "second-run.log")
    try:
        status_url = f"{second.url}/runtime/webhooks/durabletask/instances/{urls['id']}"
        deadline = time.monotonic() + 60
        body: dict[str, object] = {}
        while time.monotonic() < deadline:
            answer = httpx.get(status_url)
            body = answer.json()
            if answer.status_code == 200:
                break
            time.sleep(0.05)
        assert body.get("runtimeStatus") == "Completed", second.log()
        assert body["output"] == sum(n * n for n in range(30))
        # Only what had not finished ran again.
        again = second.log().count("Executed 'Functions.slow_square' (Succeeded")
        assert 0 < again < 30, second.log()
    finally:
        second.stop()


def changing_midway(
    durable_started: Callable[..., Durable],
) -> tuple[Durable, dict[str, str], Path, str]:
    """A run of durable_v2, an instance of 'changing' past its first activity (waiting for
    its 'go' event), the app's script and its text."""
    durable = durable_started()
    urls = durable.start("changing")
    durable.wait_for_history(urls, "TaskCompleted")
    script = durable.running.app_dir / "function_app.py"
    return durable, urls, script, script.read_text()


def test_an_orchestrator_changed_under_a_running_instance_fails_it(
    durable_started: Callable[..., Durable],
) -> None:
    durable, urls, script, text = changing_midway(durable_started)
    running = durable.running
    script.write_text(text.replace('("say_hello", "before the change")', '("square", 2)'))
    running.wait_for_log("reloaded:")
    durable.raise_event(urls, "go")
    done = durable.wait(urls)
    assert done["runtimeStatus"] == "Failed"
    assert done["output"] == (
        "Non-Deterministic workflow detected: A previous execution of this orchestration "
        "scheduled an activity task with sequence number 0 named 'say_hello', but the current "
        "orchestration replay instead scheduled an activity task named 'square' with this "
        "sequence number.  Was a change made to the orchestrator code after this instance had "
        "already started running?"
    )


def test_an_instance_waits_while_a_save_breaks_the_app(
    durable_started: Callable[..., Durable],
) -> None:
    durable, urls, script, text = changing_midway(durable_started)
    running = durable.running
    script.write_text(text + "\ndef broken(:\n")
    running.wait_for_log("failed to load")
    durable.raise_event(urls, "go")
    running.wait_for_log(f"durable: instance {urls['id']} of 'changing' waits for the app")
    assert durable.status(urls).json()["runtimeStatus"] == "Running"
    script.write_text(text)
    done = durable.wait(urls)
    assert (done["runtimeStatus"], done["output"]) == ("Completed", "Hello before the change!")


def test_with_enforce_auth_the_management_api_needs_the_master_key(
    durable_started: Callable[..., Durable],
) -> None:
    durable = durable_started("durable_v2", "--no-reload", "--enforce-auth")
    urls = durable.start("hello_chain")  # the starter's client calls back without a key
    assert "code=" in urls["statusQueryGetUri"]
    done = durable.wait(urls)
    assert done["output"] == ["Hello Tokyo!", "Hello Seattle!", "Hello London!"]
    bare = urls["statusQueryGetUri"].split("?")[0]
    refused = httpx.get(bare)
    assert refused.status_code == 401 and "master key" in refused.text


def test_an_app_without_durable_functions_has_no_durable_api(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    app = app_copy("http_v2")
    running = run_app(app, "--no-reload")
    running.wait_for_log("ready in")
    answer = running.get("/runtime/webhooks/durabletask/instances/some-id")
    assert answer.status_code == 404
    assert "this app has no Durable Functions" in answer.text
    assert not (app / ".funcls" / "durable").exists()
    assert "Durable Functions" not in running.log()


def test_a_misspelt_activity_fails_even_when_another_function_failed_to_load(
    durable_app: Callable[[str], Path], durable_started: Callable[..., Durable]
) -> None:
    # From the QA pass: any function failing to load made every missing activity wait for
    # the next load, so this orchestration stayed Running for good.
    app = durable_app("durable_v2")
    script = app / "function_app.py"
    script.write_text(
        script.read_text()
        + "\n\n@app.orchestration_trigger(context_name='ctx')\n"
        + "def cannot_load(context: df.DurableOrchestrationContext):\n"
        + "    return None\n"
        + "\n\n@app.orchestration_trigger(context_name='context')\n"
        + "def calls_a_misspelt_activity(context: df.DurableOrchestrationContext):\n"
        + "    result = yield context.call_activity('helo', 'x')\n"
        + "    return result\n"
    )
    durable = durable_started(app, "--no-reload")
    assert "cannot_load" in durable.running.log()  # it failed to load, as on the worker
    done = durable.wait(durable.start("calls_a_misspelt_activity"), timeout=15)
    assert done["runtimeStatus"] == "Failed", done
    assert "helo" in str(done["output"])
