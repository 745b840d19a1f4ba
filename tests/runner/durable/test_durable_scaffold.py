"""The Durable Functions starters of `funcls new function` (durable-orchestration,
durable-entity): made by the real CLI in a new app, they check clean and run under a real
`funcls run` (HTTP starter -> orchestrator -> activity; an entity's operation and state)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from funcls.model.scaffold.functions import template_list
from tests.runner.durable.conftest import Durable

pytestmark = [pytest.mark.slow]


def funcls(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "funcls", *args], capture_output=True, text=True, cwd=cwd, timeout=60
    )


def test_the_durable_starters_are_listed() -> None:
    listed = {t["trigger"]: t for t in template_list()}
    assert listed["durable-orchestration"]["settings"] == []
    assert "orchestrator" in listed["durable-orchestration"]["title"]
    assert "entity" in listed["durable-entity"]["title"]


def test_new_durable_functions_check_clean_and_run(
    tmp_path: Path, durable_started: Callable[..., Durable]
) -> None:
    assert funcls("new", "app", "shop", cwd=tmp_path).returncode == 0
    app = tmp_path / "shop"
    made = funcls("new", "function", "-t", "durable-orchestration", "-n", "greet", cwd=app)
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines() == [
        "created greet_durable.py",
        "updated function_app.py",
        "updated requirements.txt",
        "note: requirements.txt: azure-functions-durable added; install it into the app's "
        "interpreter (python -m pip install -r requirements.txt)",
        "function 'greet' is at greet_durable.py:21",
    ]
    entity = funcls("new", "function", "-t", "durable-entity", "-n", "counter", cwd=app)
    assert entity.returncode == 0, entity.stderr
    requirements = (app / "requirements.txt").read_text().splitlines()
    assert requirements.count("azure-functions-durable") == 1  # added once
    script = (app / "function_app.py").read_text()
    assert "from greet_durable import bp as greet_durable_bp" in script
    assert script.endswith(
        "app.register_functions(greet_durable_bp)\napp.register_functions(counter_durable_bp)\n"
    )
    # The same names again: refused, nothing written.
    again = funcls("new", "function", "-t", "durable-orchestration", "-n", "greet", cwd=app)
    assert again.returncode != 0 and "already has a function 'greet_start'" in again.stderr
    checked = funcls("check", str(app), cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "No problems found" in checked.stdout

    durable = durable_started(app)
    urls = durable.start("greet")
    done = durable.wait(urls)
    assert (done["runtimeStatus"], done["output"]) == (
        "Completed",
        ["Hello, Tokyo!", "Hello, Seattle!", "Hello, London!"],
    )
    base = durable.running.url + "/runtime/webhooks/durabletask/entities/counter/c1"
    assert durable.client.post(base + "?op=add", json=5).status_code == 202
    assert durable.client.post(base + "?op=add", json=2).status_code == 202
    deadline = time.monotonic() + 20
    while (state := durable.client.get(base)).status_code != 200 or state.json() != 7:
        assert time.monotonic() < deadline, (state.text, durable.running.log())
        time.sleep(0.05)
