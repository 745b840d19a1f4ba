"""The apps of the Python worker's generic-binding end-to-end suite (Azure/azure-functions-
python-worker tests/endtoend/test_generic_functions.py), written again here and run with
`funcls run`: generic triggers and bindings (`generic_trigger`, `generic_input_binding`,
`generic_output_binding`), an HTTP `$return` beside a generic table input in either order,
and timer functions whose return value has no output binding (the worker drops it: no
failure), v2 and v1 alike."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.runner.runner_process import RunningApp

pytestmark = pytest.mark.slow

RETURNS = {
    "string": '"hi!"',
    "bytes": 'b"test-data"',
    "dict": '{"hello": "world"}',
    "list": '[1, "two", 3.0]',
    "int": "12",
    "double": "12.34",
    "bool": "True",
    "none": "None",
}

TABLE_IN = """@app.generic_input_binding(
    arg_name="entity", type="table", connection="AzureWebJobsStorage", table_name="Things"
)"""

V2 = (
    """import logging

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.function_name(name="return_processed_last")
@app.generic_trigger(arg_name="req", type="httpTrigger", route="return_processed_last")
@app.generic_output_binding(arg_name="$return", type="http")
"""
    + TABLE_IN
    + """
def return_processed_last(req: func.HttpRequest, entity):
    return func.HttpResponse(f"entity {entity!r}", status_code=200)


@app.function_name(name="return_not_processed_last")
@app.generic_trigger(arg_name="req", type="httpTrigger", route="return_not_processed_last")
"""
    + TABLE_IN
    + """
@app.generic_output_binding(arg_name="$return", type="http")
def return_not_processed_last(req: func.HttpRequest, entity):
    return func.HttpResponse(status_code=200)
"""
    + "".join(
        f"""

@app.function_name(name="return_{kind}")
@app.schedule(schedule="*/1 * * * * *", arg_name="timer", run_on_startup=False, use_monitor=False)
{TABLE_IN}
def return_{kind}(timer: func.TimerRequest, entity):
    logging.info("Return {kind}")
    return {value}
"""
        for kind, value in RETURNS.items()
    )
)


def v1_app(root: Path) -> None:
    table_in = {
        "direction": "in",
        "type": "table",
        "name": "entity",
        "tableName": "Things",
        "connection": "AzureWebJobsStorage",
    }
    http = [
        {"type": "httpTrigger", "direction": "in", "authLevel": "anonymous", "name": "req"},
        {"type": "http", "direction": "out", "name": "$return"},
    ]
    folders = {
        "return_processed_last": [http[0], table_in, http[1]],
        "return_not_processed_last": [http[0], http[1], table_in],
    }
    for name, bindings in folders.items():
        (root / name).mkdir()
        (root / name / "function.json").write_text(json.dumps({"bindings": bindings}))
        (root / name / "__init__.py").write_text(
            "import azure.functions as func\n\n\n"
            "def main(req: func.HttpRequest, entity):\n"
            "    return func.HttpResponse(status_code=200)\n"
        )
    for kind, value in RETURNS.items():
        folder = root / f"return_{kind}"
        folder.mkdir()
        timer = {"type": "timerTrigger", "direction": "in", "name": "timer"}
        timer["schedule"] = "*/1 * * * * *"
        (folder / "function.json").write_text(json.dumps({"bindings": [timer, table_in]}))
        (folder / "__init__.py").write_text(
            "import logging\n\n\n"
            "def main(timer, entity):\n"
            f'    logging.info("Return {kind}")\n'
            f"    return {value}\n"
        )


@pytest.mark.parametrize("model", ["v2", "v1"])
def test_generic_bindings_and_returns_nobody_binds(
    model: str, tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    root = tmp_path / model
    root.mkdir()
    (root / "host.json").write_text('{"version": "2.0"}')
    (root / "local.settings.json").write_text(
        json.dumps({"IsEncrypted": False, "Values": {"AzureWebJobsStorage": ""}})
    )
    if model == "v2":
        (root / "function_app.py").write_text(V2)
    else:
        v1_app(root)
    running = run_app(root, "--no-reload", "--storage", "embedded")
    for route in ("return_processed_last", "return_not_processed_last"):
        answer = running.get(f"/api/{route}")
        assert answer.status_code == 200, answer.text
    for kind in RETURNS:
        running.wait_for_log(f"Return {kind}")
        running.wait_for_log(f"Executed 'Functions.return_{kind}' (Succeeded")
    log = running.log()
    assert "(Failed" not in log
    assert "Exception" not in log
