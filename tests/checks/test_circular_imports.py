"""AZF608: a circular import between the app's own modules that makes the worker's import fail.

Every case is also imported by a real Python (a child process with the app folder first on
sys.path, as the worker does): a finding only where the import really fails; the cases left
alone on purpose (funcls cannot be certain) say whether Python fails on them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from funcls.checks import Severity
from tests.checks.support import V2_HEAD, check, one, only, text_at, write_app
from tests.checks.test_imported_back import http, same_as_library
from tests.checks.test_imported_names import python_imports

HEAD = "import azure.functions as func\n\n"
HELPERS = "from function_app import GREETING\n\n\ndef greet():\n    return GREETING\n"
CYCLE = HEAD + "from helpers import greet\n\napp = func.FunctionApp()\nGREETING = 'hi'\n"

# (id, files, does Python import it) — none of them may be reported.
NOT_REPORTED: list[tuple[str, dict[str, str], bool]] = [
    (
        "bound-above",
        {
            "function_app.py": HEAD + "GREETING = 'hi'\nfrom helpers import greet\n\n"
            "app = func.FunctionApp()\n",
            "helpers.py": HELPERS,
        },
        True,
    ),
    (
        "import-in-function",
        {
            "function_app.py": CYCLE,
            "helpers.py": "def greet():\n    from function_app import GREETING\n\n"
            "    return GREETING\n",
        },
        True,
    ),
    (
        "plain-import",
        {
            "function_app.py": CYCLE,
            "helpers.py": "import function_app\n\n\ndef greet():\n"
            "    return function_app.GREETING\n",
        },
        True,
    ),
    (
        "importer-try-except",
        {
            "function_app.py": CYCLE,
            "helpers.py": "try:\n    from function_app import GREETING\nexcept ImportError:\n"
            "    GREETING = 'hello'\n\n\ndef greet():\n    return GREETING\n",
        },
        True,
    ),
    (
        "try-around-the-first-import",
        {
            "function_app.py": HEAD + "try:\n    from helpers import greet\nexcept ImportError:\n"
            "    greet = None\n\napp = func.FunctionApp()\nGREETING = 'hi'\n",
            "helpers.py": HELPERS,
        },
        True,
    ),
    (
        "submodule-of-a-half-run-package",
        {
            "function_app.py": HEAD + "from pkg import x\n\napp = func.FunctionApp()\n",
            "pkg/__init__.py": "from .a import x\n",
            "pkg/a.py": "from pkg import b\n\nx = b.Y\n",
            "pkg/b.py": "Y = 1\n",
        },
        True,
    ),
    # Python fails on these, but funcls cannot be certain: left alone on purpose.
    (
        "first-import-under-if",
        {
            "function_app.py": HEAD + "import os\n\nif os.environ.get('NEVER_SET_HERE') is None:\n"
            "    from helpers import greet\n\napp = func.FunctionApp()\nGREETING = 'hi'\n",
            "helpers.py": HELPERS,
        },
        False,
    ),
    (
        "global-in-a-function-above",
        {
            "function_app.py": HEAD + "def setup():\n    global GREETING\n    GREETING = 'x'\n\n\n"
            "from helpers import greet  # noqa: E402\n\napp = func.FunctionApp()\nGREETING = 'hi'\n",
            "helpers.py": HELPERS,
        },
        False,
    ),
    (
        "star-import-above",
        {
            "function_app.py": HEAD + "from json import *  # noqa: F403\n" + CYCLE[len(HEAD) :],
            "helpers.py": HELPERS,
        },
        False,
    ),
    (
        "bound-later-only-under-if",
        {
            "function_app.py": HEAD + "import os\nfrom helpers import greet\n\n"
            "app = func.FunctionApp()\nif os.environ.get('NEVER_SET_HERE') is None:\n"
            "    GREETING = 'hi'\n",
            "helpers.py": HELPERS,
        },
        False,
    ),
    (
        "sys-path-edit",
        {
            "function_app.py": "import sys\n\nsys.path.append('lib')\n" + CYCLE,
            "helpers.py": HELPERS,
        },
        False,
    ),
    (
        # loader.go() runs helpers.py first (an import inside a function): helpers starts
        # config.py, which finishes; the cycle the trace sees at `import config` never happens.
        "module-also-imported-in-a-function",
        {
            "function_app.py": HEAD + "import loader\n\nloader.go()\nimport config  # noqa\n\n"
            "app = func.FunctionApp()\n",
            "loader.py": "def go():\n    import helpers  # noqa: F401\n",
            "helpers.py": "from config import X\n",
            "config.py": "import helpers  # noqa: F401\n\nX = 1\n",
        },
        True,
    ),
    (
        "attribute-set-from-elsewhere",
        {
            "function_app.py": HEAD + "import setter  # noqa: F401\n" + CYCLE[len(HEAD) :],
            "setter.py": "import function_app\n\nfunction_app.GREETING = 'early'\n",
            "helpers.py": HELPERS,
        },
        True,
    ),
]


@pytest.mark.parametrize(
    ("files", "works"),
    [pytest.param(files, works, id=name) for name, files, works in NOT_REPORTED],
)
def test_no_finding(tmp_path: Path, files: dict[str, str], works: bool) -> None:
    write_app(tmp_path, files)
    found = only(check(tmp_path), "AZF608")
    assert [(f.path, f.message) for f in found] == []
    assert python_imports(tmp_path) is works


# (id, files, the file of the finding, the text it covers) — Python fails on every one.
REPORTED: list[tuple[str, dict[str, str], str, str]] = [
    (
        "script-and-helper",
        {"function_app.py": CYCLE, "helpers.py": HELPERS},
        "helpers.py",
        "GREETING",
    ),
    (
        "three-modules",
        {
            "function_app.py": HEAD + "import a  # noqa: F401\n\napp = func.FunctionApp()\n"
            "def GREETING():\n    return 'hi'\n",
            "a.py": "import b  # noqa: F401\n",
            "b.py": "from function_app import GREETING, app\n",
        },
        "b.py",
        "GREETING",
    ),
    (
        "package-init-bound-below",
        {
            "function_app.py": HEAD + "from pkg import bp\n\napp = func.FunctionApp()\n"
            "app.register_functions(bp)\n",
            "pkg/__init__.py": "from .views import bp\n\nCONFIG = {'route': 'x'}\n",
            "pkg/views.py": "import azure.functions as func\n\nfrom pkg import CONFIG\n\n"
            "bp = func.Blueprint()\n",
        },
        "pkg/views.py",
        "CONFIG",
    ),
    (
        "app-object-before-it-exists",
        {
            "function_app.py": HEAD + "import routes  # noqa: F401\n\napp = func.FunctionApp()\n",
            "routes.py": HEAD + "from function_app import app\n\n\n" + http("app", "hello"),
        },
        "routes.py",
        "app",
    ),
]


@pytest.mark.parametrize(
    ("files", "where", "text"),
    [pytest.param(files, where, text, id=name) for name, files, where, text in REPORTED],
)
def test_reported(tmp_path: Path, files: dict[str, str], where: str, text: str) -> None:
    write_app(tmp_path, files)
    f = one(check(tmp_path), "AZF608")
    assert (f.severity, Path(f.path).relative_to(tmp_path).as_posix(), text_at(f)) == (
        Severity.ERROR,
        where,
        text,
    )
    assert not python_imports(tmp_path)


def test_message_names_both_places_and_the_fix(tmp_path: Path) -> None:
    write_app(tmp_path, {"function_app.py": CYCLE, "helpers.py": HELPERS})
    f = one(check(tmp_path), "AZF608")
    assert f.message == (
        "'GREETING' is imported from function_app.py while function_app.py is still running "
        "its import on line 3 (a circular import: function_app.py -> helpers.py -> "
        "function_app.py), and function_app.py binds 'GREETING' only on line 6, below it; "
        "Python raises ImportError (cannot import name 'GREETING' from partially initialized "
        "module 'function_app') and the worker's import of function_app.py fails, so the app "
        "shows no functions: bind 'GREETING' above line 3 of function_app.py, move that import "
        "below line 6, or import 'GREETING' inside the function that uses it"
    )
    assert [
        (os.path.basename(r.location.path), r.location.range.start.line, r.message)
        for r in f.related
    ] == [
        ("function_app.py", 2, "function_app.py is running this import"),
        ("function_app.py", 5, "'GREETING' is bound here"),
    ]
    # The fix the message gives works: the binding above the import.
    (tmp_path / "function_app.py").write_text(
        HEAD + "GREETING = 'hi'\nfrom helpers import greet\n\napp = func.FunctionApp()\n"
    )
    assert only(check(tmp_path), "AZF608") == []
    assert python_imports(tmp_path)


def test_a_name_defined_above_the_circular_import_is_found_by_the_index(tmp_path: Path) -> None:
    # routes.py takes the app and a helper def from the half-run script, both bound above
    # `import routes`: Python finds them, and the library lists routes' function. The import
    # trace used to count only app objects and imports as bound, stop routes.py there and
    # leave 'hello' out.
    write_app(
        tmp_path,
        {
            "function_app.py": V2_HEAD + "def shout(s):\n    return s.upper()\n\n\n"
            "import routes  # noqa: E402,F401\n",
            "routes.py": HEAD + "from function_app import app, shout\n\n\n" + http("app", "hello"),
        },
    )
    assert same_as_library(tmp_path) == ["hello"]
    findings = check(tmp_path)
    assert only(findings, "AZF608") == []
    assert only(findings, "AZF306") == []


# -- v1: the worker loads each function folder as the package __app__.<folder> ----------------

V1_JSON = (
    '{\n  "bindings": [\n    {"name": "req", "type": "httpTrigger", "direction": "in",'
    ' "authLevel": "anonymous"},\n    {"name": "$return", "type": "http", "direction": "out"}\n'
    "  ]\n}\n"
)
V1_INIT = (
    "import azure.functions as func\n\nfrom .helpers import greet\n\nGREETING = 'hi'\n\n\n"
    "def main(req: func.HttpRequest) -> func.HttpResponse:\n"
    "    return func.HttpResponse(greet())\n"
)
V1_HELPERS = "from . import GREETING\n\n\ndef greet():\n    return GREETING\n"


def worker_loads(root: Path, folder: str) -> bool:
    """Whether a real Python imports function folder ``folder`` as the worker does
    (azure_functions_worker/loader.py: install() makes the namespace package __app__ over the
    app folder, load_function imports __app__.<folder>), with the app folder on sys.path."""
    code = (
        "import importlib, importlib.machinery, importlib.util, sys\n"
        f"sys.path.insert(0, {str(root)!r})\n"
        "spec = importlib.machinery.ModuleSpec('__app__', None)\n"
        f"spec.submodule_search_locations = [{str(root)!r}]\n"
        "sys.modules['__app__'] = importlib.util.module_from_spec(spec)\n"
        f"importlib.import_module('__app__.{folder}')\n"
    )
    done = subprocess.run(
        [sys.executable, "-B", "-c", code], cwd=root, capture_output=True, text=True, timeout=60
    )
    return done.returncode == 0


def v1_files(init: str, **files: str) -> dict[str, str | None]:
    return {
        "function_app.py": None,
        "hello/function.json": V1_JSON,
        "hello/__init__.py": init,
        **{f"hello/{name}.py": text for name, text in files.items()},
    }


def test_v1_a_function_package_importing_itself_back_is_reported(tmp_path: Path) -> None:
    write_app(tmp_path, v1_files(V1_INIT, helpers=V1_HELPERS))
    f = one(check(tmp_path), "AZF608")
    assert (f.severity, Path(f.path).relative_to(tmp_path).as_posix(), text_at(f)) == (
        Severity.ERROR,
        "hello/helpers.py",
        "GREETING",
    )
    assert f.function == "hello"
    assert f.message == (
        "'GREETING' is imported from hello/__init__.py while hello/__init__.py is still "
        "running its import on line 3 (a circular import: hello/__init__.py -> "
        "hello/helpers.py -> hello/__init__.py), and hello/__init__.py binds 'GREETING' only "
        "on line 5, below it; Python raises ImportError (cannot import name 'GREETING' from "
        "partially initialized module '__app__.hello') and the worker's load of function "
        "'hello' (hello/__init__.py) fails, so 'hello' does not load: bind 'GREETING' above "
        "line 3 of hello/__init__.py, move that import below line 5, or import 'GREETING' "
        "inside the function that uses it"
    )
    assert not worker_loads(tmp_path, "hello")
    # The fix the message gives works.
    fixed = V1_INIT.replace(
        "from .helpers import greet\n\nGREETING = 'hi'\n",
        "GREETING = 'hi'\nfrom .helpers import greet  # noqa: E402\n",
    )
    (tmp_path / "hello" / "__init__.py").write_text(fixed)
    assert only(check(tmp_path), "AZF608") == []
    assert worker_loads(tmp_path, "hello")


# (id, files of the app besides host.json, does the worker load 'hello') — never reported.
V1_NOT_REPORTED: list[tuple[str, dict[str, str | None], bool]] = [
    (
        # `from hello import GREETING` names the module 'hello', not '__app__.hello': Python
        # runs hello/__init__.py again under that name (the app folder is on sys.path), and
        # whether that one fails depends on more than funcls follows.
        "absolute-import-of-the-own-folder",
        v1_files(V1_INIT, helpers=V1_HELPERS.replace("from . import", "from hello import")),
        False,
    ),
    (
        "import-inside-the-function",
        v1_files(
            V1_INIT,
            helpers="def greet():\n    from . import GREETING\n\n    return GREETING\n",
        ),
        True,
    ),
    (
        "bound-above",
        v1_files(
            V1_INIT.replace(
                "from .helpers import greet\n\nGREETING = 'hi'\n",
                "GREETING = 'hi'\nfrom .helpers import greet  # noqa: E402\n",
            ),
            helpers=V1_HELPERS,
        ),
        True,
    ),
    (
        # Another folder reaches into this one with a relative import: which function the
        # host loads first decides which module is half run.
        "another-folder-imports-this-one",
        {
            **v1_files(V1_INIT, helpers=V1_HELPERS),
            "other/function.json": V1_JSON,
            "other/__init__.py": "import azure.functions as func\n\nfrom ..hello import helpers"
            "  # noqa: F401\n\n\ndef main(req: func.HttpRequest) -> func.HttpResponse:\n"
            "    return func.HttpResponse('x')\n",
        },
        False,
    ),
]


@pytest.mark.parametrize(
    ("files", "works"),
    [pytest.param(files, works, id=name) for name, files, works in V1_NOT_REPORTED],
)
def test_v1_no_finding(tmp_path: Path, files: dict[str, str | None], works: bool) -> None:
    write_app(tmp_path, files)
    found = only(check(tmp_path), "AZF608")
    assert [(f.path, f.message) for f in found] == []
    assert worker_loads(tmp_path, "hello") is works
