"""A durable function named but not there, and one that fails to load: the messages name the
function and the user's line, as the Durable extension and the worker would.

The extension checks every activity and sub-orchestration an out-of-proc orchestrator
schedules (`ThrowIfFunctionDoesNotExist`, called from `InvokeAPIFromAction` in
OutOfProcOrchestrationShim.cs) and fails the orchestration itself with
"Orchestrator function 'X' failed: The function 'Y' doesn't exist, …": the orchestrator never
sees a TaskFailed it could catch, and the message has no SDK "<Reason> \\n <Details>" tail."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.runner.durable.conftest import Durable
from tests.runner.runner_process import RunningApp

EXTRA = """

@app.orchestration_trigger(context_name="context")
def calls_a_misspelt_activity(context: df.DurableOrchestrationContext):
    try:
        result = yield context.call_activity("helo", "x")
    except Exception as error:
        return f"caught: {error}"
    return result


@app.orchestration_trigger(context_name="context")
def calls_a_missing_child(context: df.DurableOrchestrationContext):
    result = yield context.call_sub_orchestrator("no_such_child", "x")
    return result


@app.orchestration_trigger(context_name="ctx")
def wrong_context_name(context: df.DurableOrchestrationContext):
    return None
"""
NOT_THERE = (
    "doesn't exist, is disabled, or is not an {kind} function. Additional info: check the "
    "name given to the durable API and that the app loaded it"
)


def line_of(path: Path, needle: str) -> int:
    text = path.read_text()
    return text.count("\n", 0, text.index(needle)) + 1


def test_missing_activity_and_sub_orchestrator_fail_the_orchestration_as_the_extension_does(
    durable_app: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    app = durable_app("durable_v2")
    script = app / "function_app.py"
    script.write_text(script.read_text() + EXTRA)
    running = run_app(app, "--no-reload")
    running.wait_for_log("ready in")
    durable = Durable(running)
    try:
        activity = durable.wait(durable.start("calls_a_misspelt_activity"), timeout=15)
        assert activity["runtimeStatus"] == "Failed", activity
        assert activity["output"] == (
            "Orchestrator function 'calls_a_misspelt_activity' failed: The function 'helo' "
            + NOT_THERE.format(kind="activity")
        )
        child = durable.wait(durable.start("calls_a_missing_child"), timeout=15)
        assert child["runtimeStatus"] == "Failed", child
        assert child["output"] == (
            "Orchestrator function 'calls_a_missing_child' failed: The function "
            "'no_such_child' " + NOT_THERE.format(kind="orchestrator")
        )
    finally:
        durable.close()


def test_an_orchestrator_with_a_wrong_context_name_fails_to_load_at_the_user_s_line(
    durable_app: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    app = durable_app("durable_v2")
    script = app / "function_app.py"
    script.write_text(script.read_text() + EXTRA)
    line = line_of(script, '@app.orchestration_trigger(context_name="ctx")')
    running = run_app(app, "--no-reload")
    log = running.wait_for_log("ready in")
    # The durable SDK registers a handle of its own (orchestrator.py): the location is the
    # user's function, not the SDK's file.
    assert (
        f"  wrong_context_name: function_app.py:{line}: the following bindings have no "
        "parameter in Python: ctx\n"
    ) in log, log
    assert "durable_functions" not in log.split("Failed to load:", 1)[1].split("\n\n", 1)[0]


def test_a_v1_orchestrator_with_a_wrong_binding_name_fails_to_load_at_the_user_s_line(
    durable_app: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    # v1: main = df.Orchestrator.create(orchestrator_function); the line is the user's
    # function's, not that of the SDK's handle (orchestrator.py) in the user's file name.
    app = durable_app("durable_v1")
    config = app / "Greetings" / "function.json"
    config.write_text(config.read_text().replace('"name": "context"', '"name": "ctx"'))
    line = line_of(app / "Greetings" / "__init__.py", "def orchestrator_function")
    running = run_app(app, "--no-reload")
    log = running.wait_for_log("ready in")
    assert (
        f"  Greetings: Greetings/__init__.py:{line}: the following bindings have no parameter "
        "in Python: ctx\n"
    ) in log, log
