"""AZF305 for a function app the script imports besides the one it creates.

The worker takes every attribute of the imported script that is a ``FunctionRegister`` and
raises ValueError at the second (azure_functions_worker/loader.py, ``index_function_app``).
Each case is also imported by a real Python with the real library, and the script's
function-app attributes counted as that loop counts them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.checks.support import check, one, only, text_at, write_app

HEAD = "import azure.functions as func\n\n"
SHARED_APP = (
    HEAD
    + "app = func.FunctionApp()\n\n\n"
    + (
        '@app.route(route="core")\n'
        "def core(req: func.HttpRequest) -> func.HttpResponse:\n"
        '    return func.HttpResponse("core")\n'
    )
)
SHARED_BP = SHARED_APP.replace("app = func.FunctionApp()", "bp = func.Blueprint()").replace(
    "@app.", "@bp."
)
HELLO = (
    '\n\n@app.route(route="hello")\n'
    "def hello(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("hello")\n'
)


def function_apps(root: Path) -> list[str]:
    """The script's attributes that the worker's loop takes for function apps, in its order."""
    code = (
        f"import json, sys; sys.path.insert(0, {str(root)!r})\n"
        "import function_app\nfrom azure.functions import FunctionRegister\n"
        "print(json.dumps([n for n in function_app.__dir__()"
        " if isinstance(getattr(function_app, n, None), FunctionRegister)]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-B", "-c", code], cwd=root, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    names: list[str] = json.loads(done.stdout)
    return names


def test_an_imported_app_beside_a_created_one_is_reported(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "shared.py": SHARED_APP,
            "function_app.py": HEAD + "from shared import app as shared_app  # noqa: F401\n\n"
            "app = func.FunctionApp()\n" + HELLO,
        },
    )
    assert function_apps(tmp_path) == ["shared_app", "app"]
    f = one(check(tmp_path), "AZF305")
    assert (os.path.basename(f.path), text_at(f), f.range.start.line) == (
        "function_app.py",
        "app",
        2,
    )
    assert f.message == (
        "function_app.py imports the function app 'app' of shared.py as 'shared_app' and also "
        "creates 'app'; the worker takes every function app at the top level of the script "
        'and refuses more than one ("More than one FunctionApp or other top level function '
        'app instances are defined."), so the app shows no functions: keep one app — make '
        "the other module's app a func.Blueprint() and register it with register_functions, "
        "or decorate every function on the imported app"
    )
    assert [(r.location.range.start.line, r.message) for r in f.related] == [
        (4, "the other function app, 'app'")
    ]


def test_two_imported_apps_are_reported_each(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "shared.py": SHARED_APP,
            "other.py": SHARED_APP.replace("core", "other"),
            "function_app.py": HEAD + "from other import app as other_app  # noqa: F401\n"
            "from shared import app  # noqa: F401\n",
        },
    )
    assert function_apps(tmp_path) == ["other_app", "app"]
    found = only(check(tmp_path), "AZF305")
    assert [(f.range.start.line, f.message.split(";")[0]) for f in found] == [
        (
            2,
            "function_app.py imports the function app 'app' of other.py as 'other_app' and "
            "also imports 'app' of shared.py as 'app'",
        ),
        (
            3,
            "function_app.py imports the function app 'app' of shared.py and also imports "
            "'app' of other.py as 'other_app'",
        ),
    ]


# (id, files) — one function app (or none) as the worker counts them: never reported.
NOT_REPORTED: list[tuple[str, dict[str, str], list[str]]] = [
    (
        "imported-blueprint",
        {
            "shared.py": SHARED_BP,
            "function_app.py": HEAD + "from shared import bp\n\napp = func.FunctionApp()\n"
            "app.register_functions(bp)\n" + HELLO,
        },
        ["app"],
    ),
    (
        "imported-module",
        {
            "shared.py": SHARED_APP,
            "function_app.py": HEAD + "import shared  # noqa: F401\n\n"
            "app = func.FunctionApp()\n" + HELLO,
        },
        ["app"],
    ),
    (
        "imported-app-only",
        {
            "shared.py": SHARED_APP,
            "function_app.py": HEAD + "from shared import app\n" + HELLO,
        },
        ["app"],
    ),
    (
        "imported-name-rebound",
        {
            "shared.py": SHARED_APP,
            "function_app.py": HEAD + "from shared import app  # noqa: F401\n\n"
            "app = func.FunctionApp()  # noqa: F811\n" + HELLO,
        },
        ["app"],
    ),
    (
        "imported-name-deleted",
        {
            "shared.py": SHARED_APP,
            "function_app.py": HEAD + "from shared import app as core_app\n\n"
            "core_app.route(route='x')(lambda req: None)\ndel core_app\n\n"
            "app = func.FunctionApp()\n" + HELLO,
        },
        ["app"],
    ),
]


@pytest.mark.parametrize(
    ("files", "apps"), [pytest.param(files, apps, id=name) for name, files, apps in NOT_REPORTED]
)
def test_no_finding(tmp_path: Path, files: dict[str, str], apps: list[str]) -> None:
    write_app(tmp_path, files)
    assert [(f.code, f.message) for f in only(check(tmp_path), "AZF305")] == []
    assert function_apps(tmp_path) == apps


def test_an_import_under_try_is_left_alone(tmp_path: Path) -> None:
    # Whether the import succeeds is not certain: no finding (Python: both exist here).
    write_app(
        tmp_path,
        {
            "shared.py": SHARED_APP,
            "function_app.py": HEAD
            + "try:\n    from shared import app as shared_app  # noqa: F401\n"
            "except ImportError:\n    shared_app = None\n\napp = func.FunctionApp()\n" + HELLO,
        },
    )
    assert only(check(tmp_path), "AZF305") == []
