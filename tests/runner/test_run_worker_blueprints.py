"""The apps of the Python worker's blueprint end-to-end suite (Azure/azure-functions-python-worker
tests/endtoend/test_blueprint_functions.py), written again here and run with `funcls run`:
what the worker answers for each layout of FunctionApp and Blueprint objects, on loopback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.runner.runner_process import RunningApp

pytestmark = pytest.mark.slow

HEADER = "import azure.functions as func\n\n"

GREET = """
@{owner}.route(route="{route}")
def {route}(req: func.HttpRequest) -> func.HttpResponse:
    name = req.params.get("name", "world")
    return func.HttpResponse(f"{route} says hello to {{name}}")
"""

APP = "app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)\n"
BLUEPRINT = "bp = func.Blueprint(http_auth_level=func.AuthLevel.ANONYMOUS)\n"

LAYOUTS: dict[str, dict[str, str]] = {
    # Every function on a blueprint the app registers, in a module beside function_app.py.
    "blueprint-only": {
        "blueprint.py": HEADER + BLUEPRINT + GREET.format(owner="bp", route="in_blueprint"),
        "function_app.py": HEADER
        + "from blueprint import bp\n\n"
        + APP
        + "app.register_functions(bp)\n",
    },
    # Functions on both the app and a registered blueprint.
    "both": {
        "blueprint.py": HEADER + BLUEPRINT + GREET.format(owner="bp", route="in_blueprint"),
        "function_app.py": HEADER
        + "from blueprint import bp\n\n"
        + APP
        + "app.register_functions(bp)\n"
        + GREET.format(owner="app", route="on_app"),
    },
    # The blueprint in a package of its own (a folder with no __init__.py, as the worker's).
    "other-folder": {
        "parts/blueprint.py": HEADER + BLUEPRINT + GREET.format(owner="bp", route="in_blueprint"),
        "function_app.py": HEADER
        + "from parts.blueprint import bp\n\n"
        + APP
        + "app.register_functions(bp)\n"
        + GREET.format(owner="app", route="on_app"),
    },
    # Two function app objects in the script: the worker indexes none of its functions.
    "two-apps": {
        "function_app.py": HEADER
        + APP
        + GREET.format(owner="app", route="on_app")
        + "\nweb = func.WsgiFunctionApp(app=lambda environ, start_response: [])\n",
    },
    # A blueprint nobody registers and no FunctionApp: nothing is indexed.
    "unregistered-blueprint": {
        "function_app.py": HEADER + BLUEPRINT + GREET.format(owner="bp", route="in_blueprint"),
    },
}

EXPECTED: dict[str, dict[str, int]] = {
    "blueprint-only": {"in_blueprint": 200},
    "both": {"in_blueprint": 200, "on_app": 200},
    "other-folder": {"in_blueprint": 200, "on_app": 200},
    "two-apps": {"on_app": 404},
    "unregistered-blueprint": {"in_blueprint": 404},
}

# What the app's console and 404 say when the worker indexes nothing (funcls' own wording).
FAILURES = {
    "two-apps": "function_app.py has 2 FunctionApp objects; the worker accepts exactly one",
    "unregistered-blueprint": "function_app.py creates no func.FunctionApp() at module level",
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_the_worker_s_blueprint_layouts(
    layout: str, tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    root = tmp_path / layout
    for name, text in {"host.json": '{"version": "2.0"}', **LAYOUTS[layout]}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    running = run_app(root, "--no-reload")
    for route, status in EXPECTED[layout].items():
        answer = running.get(f"/api/{route}", params={"name": "Ada"})
        assert answer.status_code == status, answer.text
        if status == 200:
            assert answer.text == f"{route} says hello to Ada"
        else:
            assert FAILURES[layout] in answer.text
    if layout in FAILURES:
        assert FAILURES[layout] in running.wait_for_log("Failed to load:")
