"""AZF606: names imported from the app's own modules that the module does not define.

Every case is also imported by a real Python (a child process, as the worker does: the app
folder first on sys.path), so that what the rule says is held against Python's own import
semantics: a finding only where the import really fails, and for each binding form that Python
accepts, no finding.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from funcls.checks import Severity
from funcls.model.python.bound_names import MAX_CHARS
from tests.checks.support import check, fixed_clean, one, only, run_cli, text_at, write_app

HELPERS_IMPORT = "from helpers import X\n"


def python_imports(root: Path, module: str = "function_app") -> bool:
    """Whether a real Python imports ``module`` of the app at ``root`` without an error."""
    code = f"import sys; sys.path.insert(0, {str(root)!r}); import {module}"
    done = subprocess.run(
        [sys.executable, "-B", "-c", code], cwd=root, capture_output=True, text=True, timeout=60
    )
    return done.returncode == 0


# (id, files, does Python import it) — none of them may be reported.
NOT_REPORTED: list[tuple[str, dict[str, str], bool]] = [
    ("def", {"helpers.py": "def X():\n    pass\n"}, True),
    ("async-def", {"helpers.py": "async def X():\n    pass\n"}, True),
    ("class", {"helpers.py": "class X:\n    pass\n"}, True),
    ("assignment", {"helpers.py": "X = 1\n"}, True),
    ("unpacking", {"helpers.py": "A, (B, *X) = 1, (2, 3)\n"}, True),
    ("annotated-assignment", {"helpers.py": "X: int = 1\n"}, True),
    ("augmented-assignment", {"helpers.py": "X = 1\nX += 1\n"}, True),
    ("import-as", {"helpers.py": "import json as X\n"}, True),
    ("from-import", {"helpers.py": "from json import loads as X\n"}, True),
    (
        "dotted-import",
        {"function_app.py": "from helpers import os\n", "helpers.py": "import os.path\n"},
        True,
    ),
    ("star-local", {"helpers.py": "from inner import *\n", "inner.py": "X = 1\n"}, True),
    (
        "star-relative",
        {
            "function_app.py": "from pkg import X\n",
            "pkg/__init__.py": "from .inner import *\n",
            "pkg/inner.py": "X = 1\n",
        },
        True,
    ),
    ("global-in-function", {"helpers.py": "def f():\n    global X\n    X = 1\n\n\nf()\n"}, True),
    ("for", {"helpers.py": "for X in range(1):\n    pass\n"}, True),
    (
        "with",
        {"helpers.py": "import contextlib\nwith contextlib.nullcontext(1) as X:\n    pass\n"},
        True,
    ),
    ("walrus", {"helpers.py": "if (X := 1):\n    pass\n"}, True),
    ("walrus-in-comprehension", {"helpers.py": "Y = [(X := i) for i in range(2)]\n"}, True),
    ("match-capture", {"helpers.py": "match 1:\n    case X:\n        pass\n"}, True),
    ("match-mapping-rest", {"helpers.py": "match {}:\n    case {**X}:\n        pass\n"}, True),
    (
        "conditional",
        {
            "helpers.py": "import os\nif os.environ.get('NEVER_SET_HERE'):\n    X = 1\nelse:\n    X = 2\n"
        },
        True,
    ),
    (
        "try-fallback",
        {
            "helpers.py": "try:\n    from ujson import dumps as X\nexcept ImportError:\n    from json import dumps as X\n"
        },
        True,
    ),
    ("module-getattr", {"helpers.py": "def __getattr__(name):\n    return name\n"}, True),
    ("all-manipulation", {"helpers.py": "__all__ = []\n__all__ += ['X']\nX = 1\n"}, True),
    (
        "submodule",
        {"function_app.py": "from pkg import X\n", "pkg/__init__.py": "", "pkg/X.py": ""},
        True,
    ),
    (
        "subpackage",
        {"function_app.py": "from pkg import X\n", "pkg/__init__.py": "", "pkg/X/__init__.py": ""},
        True,
    ),
    ("globals", {"helpers.py": "globals()['X'] = 1\n"}, True),
    (
        "sys-modules-setattr",
        {"helpers.py": "import sys\nsetattr(sys.modules[__name__], 'X', 1)\n"},
        True,
    ),
    ("exec", {"helpers.py": "exec('X = 1')\n"}, True),
    (
        "injected-by-importer",
        {
            "function_app.py": "import helpers\nhelpers.X = 1\nfrom helpers import X\n",
            "helpers.py": "",
        },
        True,
    ),
    (
        "setattr-by-importer",
        {
            "function_app.py": "import helpers\nsetattr(helpers, 'X', 1)\nfrom helpers import X\n",
            "helpers.py": "",
        },
        True,
    ),
    ("dunder", {"function_app.py": "from helpers import __name__ as n\n", "helpers.py": ""}, True),
    # The importer's side: imports that do not run, or whose failure is caught.
    (
        "importer-try-except",
        {
            "function_app.py": "try:\n    from helpers import X\nexcept ImportError:\n    X = None\n",
            "helpers.py": "",
        },
        True,
    ),
    (
        "importer-except-exception",
        {
            "function_app.py": "try:\n    from helpers import X\nexcept Exception:\n    X = None\n",
            "helpers.py": "",
        },
        True,
    ),
    (
        "importer-type-checking",
        {
            "function_app.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from helpers import X\n",
            "helpers.py": "",
        },
        True,
    ),
    (
        "importer-main-guard",
        {
            "function_app.py": "if __name__ == '__main__':\n    from helpers import X\n",
            "helpers.py": "",
        },
        True,
    ),
    (
        "importer-in-function",
        {"function_app.py": "def f():\n    from helpers import X\n", "helpers.py": ""},
        True,
    ),
    (
        "importer-with-suppress",
        {
            "function_app.py": (
                "import contextlib\nwith contextlib.suppress(ImportError):\n"
                "    from helpers import X\n"
            ),
            "helpers.py": "",
        },
        True,
    ),
    (
        # With function_app.py the host reads no function.json folder: hello/ is never loaded.
        "v1-folder-beside-function-app",
        {
            "function_app.py": "Y = 1\n",
            "hello/function.json": '{"bindings": [{"type": "httpTrigger", "direction": "in", '
            '"name": "req"}]}',
            "hello/__init__.py": "from helpers import X\n\n\ndef main(req):\n    pass\n",
            "helpers.py": "",
        },
        True,
    ),
    # Not certain for funcls, so not reported, though Python does fail: left alone on purpose.
    (
        "importer-in-with",
        {
            "function_app.py": (
                "import contextlib\nwith contextlib.nullcontext():\n    from helpers import X\n"
            ),
            "helpers.py": "",
        },
        False,
    ),
    ("module-name-case", {"function_app.py": "from Helpers import X\n", "helpers.py": ""}, False),
    ("star-unreadable", {"helpers.py": "from json import *\n"}, False),
    (
        "except-as",
        {"helpers.py": "try:\n    1 / 0\nexcept ZeroDivisionError as X:\n    pass\n"},
        False,
    ),
    ("deleted", {"helpers.py": "X = 1\ndel X\n"}, False),
    ("bare-annotation", {"helpers.py": "X: int\n"}, False),
    (
        "target-type-checking",
        {
            "helpers.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from json import loads as X\n"
        },
        False,
    ),
    ("syntax-error", {"helpers.py": "def (:\n"}, False),
    ("too-large", {"helpers.py": "Y = 1\n" + "#" * MAX_CHARS + "\n"}, False),
    (
        "importer-under-if",
        {
            "function_app.py": "import os\nif os.environ.get('NEVER_SET_HERE') is None:\n    from helpers import X\n",
            "helpers.py": "",
        },
        False,
    ),
    (
        "sys-path-edit",
        {
            "function_app.py": "import sys\nsys.path.insert(0, 'src')\nfrom helpers import X\n",
            "helpers.py": "",
        },
        False,
    ),
    ("namespace-package", {"function_app.py": "from ns import X\n", "ns/other.py": ""}, False),
    ("stdlib-name", {"function_app.py": "from json import X\n", "json.py": "Y = 1\n"}, False),
]


@pytest.mark.parametrize(
    ("files", "works"),
    [pytest.param(files, works, id=name) for name, files, works in NOT_REPORTED],
)
def test_no_finding(tmp_path: Path, files: dict[str, str], works: bool) -> None:
    write_app(tmp_path, {"function_app.py": HELPERS_IMPORT, **files})
    found = only(check(tmp_path), "AZF606")
    assert [(f.path, f.message) for f in found] == []
    assert python_imports(tmp_path) is works


# (id, files, the file and text of the finding) — Python fails on every one.
REPORTED: list[tuple[str, dict[str, str], str]] = [
    ("missing", {"helpers.py": "Y = 1\n"}, "function_app.py"),
    (
        "package",
        {"function_app.py": "from pkg import X\n", "pkg/__init__.py": "Y = 1\n"},
        "function_app.py",
    ),
    (
        "relative-in-package",
        {
            "function_app.py": "import pkg\n",
            "pkg/__init__.py": "from .a import X\n",
            "pkg/a.py": "Y = 1\n",
        },
        "pkg/__init__.py",
    ),
    (
        "through-a-blueprint",
        {
            "function_app.py": "from bp import Y\n",
            "bp.py": "from helpers import X\nY = 1\n",
            "helpers.py": "",
        },
        "bp.py",
    ),
    (
        "in-class-body",
        {"function_app.py": "class C:\n    from helpers import X\n", "helpers.py": ""},
        "function_app.py",
    ),
    (
        "try-without-import-error",
        {
            "function_app.py": "try:\n    from helpers import X\nexcept ValueError:\n    pass\n",
            "helpers.py": "",
        },
        "function_app.py",
    ),
    (
        "star-local-without-it",
        {"helpers.py": "from inner import *\n", "inner.py": "Y = 1\n"},
        "function_app.py",
    ),
    ("defined-only-in-a-class", {"helpers.py": "class C:\n    X = 1\n"}, "function_app.py"),
    ("defined-only-in-a-function", {"helpers.py": "def f():\n    X = 1\n"}, "function_app.py"),
]


@pytest.mark.parametrize(
    ("files", "where"), [pytest.param(files, where, id=name) for name, files, where in REPORTED]
)
def test_reported(tmp_path: Path, files: dict[str, str], where: str) -> None:
    write_app(tmp_path, {"function_app.py": HELPERS_IMPORT, **files})
    f = one(check(tmp_path), "AZF606")
    assert (f.severity, Path(f.path).relative_to(tmp_path).as_posix(), text_at(f)) == (
        Severity.ERROR,
        where,
        "X",
    )
    assert not python_imports(tmp_path)


def test_message_names_module_name_place_and_fix_with_did_you_mean(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "function_app.py": "import blueprints.posting\n",
            "blueprints/__init__.py": "",
            "blueprints/posting.py": "from models.generated import PostingReqest, Posting\n",
            "models/generated.py": "class PostingRequest:\n    pass\n\n\nclass Posting:\n    pass\n",
        },
    )
    f = one(check(tmp_path), "AZF606")
    assert f.message == (
        "'PostingReqest' is imported from models/generated.py by blueprints/posting.py line 1, "
        "but that module does not define it (nor is it a submodule), so the worker's import of "
        "function_app.py fails with ImportError (cannot import name 'PostingReqest' from "
        "'models.generated') and the app shows no functions: define 'PostingReqest' in "
        "models/generated.py or import a name it defines; did you mean 'PostingRequest'?"
    )
    assert [x.title for x in f.fixes] == ["Import 'PostingRequest' instead"]
    fixed_clean(tmp_path, f)
    assert (tmp_path / "blueprints/posting.py").read_text() == (
        "from models.generated import PostingRequest as PostingReqest, Posting\n"
    )
    assert python_imports(tmp_path)


def test_fix_keeps_an_existing_alias(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "function_app.py": "from helpers import Greting as G\n",
            "helpers.py": "class Greeting:\n    pass\n",
        },
    )
    f = one(check(tmp_path), "AZF606")
    fixed_clean(tmp_path, f)
    assert (tmp_path / "function_app.py").read_text() == "from helpers import Greeting as G\n"
    assert python_imports(tmp_path)


def test_v1_script_names_its_functions(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "hello/function.json": (
                '{"bindings": [{"type": "httpTrigger", "direction": "in", "name": "req"},'
                ' {"type": "http", "direction": "out", "name": "$return"}]}'
            ),
            "hello/__init__.py": (
                "import azure.functions as func\n\nfrom shared import X\n\n\n"
                "def main(req: func.HttpRequest) -> func.HttpResponse:\n"
                "    return func.HttpResponse('hi')\n"
            ),
            "shared/__init__.py": "Y = 1\n",
        },
    )
    f = one(check(tmp_path), "AZF606")
    assert text_at(f) == "X"
    assert "the worker's import of hello/__init__.py fails" in f.message
    assert "and the functions it holds do not load" in f.message
    assert not python_imports(tmp_path, "hello")


def test_cli_reports_it_as_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_app(tmp_path, {"function_app.py": HELPERS_IMPORT, "helpers.py": "Y = 1\n"})
    code, out, _ = run_cli(capsys, str(tmp_path), "--select", "AZF606")
    assert code == 1
    assert "function_app.py:1:21: AZF606 'X' is imported from helpers.py by function_app.py" in out
