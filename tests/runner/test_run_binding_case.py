"""function.json written with types and property names in any case runs as the host runs it:
the host reads a binding's members ignoring case (BindingMetadata in Azure/azure-functions-host:
Newtonsoft's ToObject and OrdinalIgnoreCase properties), and so does the runner's binding view
(funcls/model/bindingview.py)."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from funcls.runner.storage import QueueNotFoundError, open_backend
from tests.runner.runner_process import RunningApp

pytestmark = pytest.mark.slow

HOST = {
    "version": "2.0",
    "extensionBundle": {
        "id": "Microsoft.Azure.Functions.ExtensionBundle",
        "version": "[4.*, 5.0.0)",
    },
}
SETTINGS = {"IsEncrypted": False, "Values": {"FUNCTIONS_WORKER_RUNTIME": "python"}}
SCRIPT = """\
import azure.functions as func


def main(msg: str, doc: str, out: func.Out[str]) -> None:
    out.set(f"{msg}:{doc}")
"""


def write_app(root: Path, bindings: list[dict[str, object]]) -> Path:
    (root / "relay").mkdir(parents=True)
    (root / "host.json").write_text(json.dumps(HOST))
    (root / "local.settings.json").write_text(json.dumps(SETTINGS))
    (root / "relay" / "function.json").write_text(json.dumps({"bindings": bindings}))
    (root / "relay" / "__init__.py").write_text(SCRIPT)
    return root


LOWER = [
    {"type": "queueTrigger", "direction": "in", "name": "msg", "queueName": "jobs"},
    {
        "type": "blob",
        "direction": "in",
        "name": "doc",
        "path": "inputs/{queueTrigger}.txt",
        "dataType": "string",
    },
    {"type": "queue", "direction": "out", "name": "out", "queueName": "done-{queueTrigger}"},
]
MIXED = [
    {"Type": "QueueTrigger", "Direction": "In", "Name": "msg", "QueueName": "jobs"},
    {
        "TYPE": "Blob",
        "direction": "IN",
        "name": "doc",
        "Path": "inputs/{QueueTrigger}.txt",
        "DataType": "String",
    },
    {"type": "QUEUE", "Direction": "OUT", "name": "out", "QUEUENAME": "done-{QueueTrigger}"},
]


@pytest.mark.parametrize("bindings", [LOWER, MIXED], ids=["lower", "mixed"])
def test_mixed_case_function_json_runs_as_lower_case(
    bindings: list[dict[str, object]],
    tmp_path: Path,
    run_app: Callable[..., RunningApp],
) -> None:
    app_dir = write_app(tmp_path / "app", bindings)
    running = run_app(app_dir, "--no-reload")
    assert "Not runnable here" not in running.log()
    backend, _ = open_backend(None, app_dir, force="embedded")
    try:
        backend.blobs.create_container("inputs")
        backend.blobs.put("inputs", "alpha.txt", b"the document")
        backend.queues.create_queue("jobs")
        backend.queues.put("jobs", "alpha")
        deadline = time.monotonic() + 20
        done: list[str] = []
        while time.monotonic() < deadline and not done:
            with contextlib.suppress(QueueNotFoundError):  # not written to yet
                done = [m.text for m in backend.queues.peek("done-alpha")]
            time.sleep(0.05)
        assert done == ["alpha:the document"], running.log()
    finally:
        backend.close()
