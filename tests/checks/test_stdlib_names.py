"""AZF607: names imported from a standard-library module that no Python version defines.

Each case is also imported by a real Python (a child process with the app folder first on
sys.path, as the worker does), so that a finding stands only where the import really fails,
and a case left alone on purpose (not certain for funcls) is marked as such.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from funcls.checks import Severity
from funcls.model.python import stdlib_names
from funcls.model.python.stdlib_names import stdlib_lacks
from tests.checks.support import check, fixed_clean, one, only, run_cli, text_at, write_app
from tests.checks.test_imported_names import python_imports

# (id, files, does Python import it) — none of them may be reported.
NOT_REPORTED: list[tuple[str, dict[str, str], bool]] = [
    ("defined", {"function_app.py": "from json import loads\n"}, True),
    ("attribute-module", {"function_app.py": "from os import path\n"}, True),
    ("submodule", {"function_app.py": "from xml import etree\n"}, True),
    ("subpackage", {"function_app.py": "from concurrent import futures\n"}, True),
    ("dotted", {"function_app.py": "from collections.abc import Mapping\n"}, True),
    ("private", {"function_app.py": "from sys import _getframe\n"}, True),
    ("dunder", {"function_app.py": "from json import __name__ as n\n"}, True),
    ("future", {"function_app.py": "from __future__ import annotations\n"}, True),
    (
        "importer-try-except",
        {"function_app.py": "try:\n    from json import lodas\nexcept ImportError:\n    pass\n"},
        True,
    ),
    (
        "importer-in-function",
        {"function_app.py": "def f():\n    from json import lodas\n"},
        True,
    ),
    # Not certain for funcls, so not reported, though this Python fails: left alone on purpose.
    # Added in 3.12: the stub binds it under `if sys.version_info >= (3, 12)`.
    (
        "newer-python",
        {"function_app.py": "from itertools import batched\n"},
        sys.version_info >= (3, 12),
    ),
    # Removed in 3.11: the stub binds it under `if sys.version_info < (3, 11)`.
    (
        "older-python",
        {"function_app.py": "from asyncio import coroutine\n"},
        sys.version_info < (3, 11),
    ),
    (
        "shadowed-by-app-file",
        {"function_app.py": "from json import lodas\n", "json.py": "Y = 1\n"},
        False,
    ),
    (
        "shadowed-by-app-package",
        {"function_app.py": "from json import lodas\n", "json/__init__.py": "Y = 1\n"},
        False,
    ),
    (
        "backport-in-requirements",
        {
            "function_app.py": "from enum import nope\n",
            "requirements.txt": "azure-functions\nenum34\n",
        },
        False,
    ),
    (
        "sys-path-edit",
        {"function_app.py": "import sys\nsys.path.insert(0, 'lib')\nfrom json import lodas\n"},
        False,
    ),
    (
        "importer-under-if",
        {
            "function_app.py": "import os\nif os.environ.get('NEVER_SET_HERE') is None:\n    from json import lodas\n"
        },
        False,
    ),
]


@pytest.mark.parametrize(
    ("files", "works"),
    [pytest.param(files, works, id=name) for name, files, works in NOT_REPORTED],
)
def test_no_finding(tmp_path: Path, files: dict[str, str], works: bool) -> None:
    write_app(tmp_path, files)
    found = only(check(tmp_path), "AZF607")
    assert [(f.path, f.message) for f in found] == []
    assert python_imports(tmp_path) is works


# (id, files, the file of the finding, the text it covers) — Python fails on every one.
REPORTED: list[tuple[str, dict[str, str], str, str]] = [
    (
        "builtin-module",
        {"function_app.py": "from sys import __nonexistent\n"},
        "function_app.py",
        "__nonexistent",
    ),
    (
        "frozen-module-path",
        {"function_app.py": "from os.path import nope\n"},
        "function_app.py",
        "nope",
    ),
    ("package", {"function_app.py": "from json import lodas\n"}, "function_app.py", "lodas"),
    (
        "deep-submodule",
        {"function_app.py": "from xml.etree.ElementTree import parsee\n"},
        "function_app.py",
        "parsee",
    ),
    (
        "alias",
        {"function_app.py": "from json import dump, lodas as l\n"},
        "function_app.py",
        "lodas",
    ),
    (
        "in-a-module-the-script-imports",
        {"function_app.py": "import helpers\n", "helpers.py": "from os.path import nope\n"},
        "helpers.py",
        "nope",
    ),
    (
        "try-without-import-error",
        {"function_app.py": "try:\n    from json import lodas\nexcept ValueError:\n    pass\n"},
        "function_app.py",
        "lodas",
    ),
]


@pytest.mark.parametrize(
    ("files", "where", "text"),
    [pytest.param(files, where, text, id=name) for name, files, where, text in REPORTED],
)
def test_reported(tmp_path: Path, files: dict[str, str], where: str, text: str) -> None:
    write_app(tmp_path, files)
    f = one(check(tmp_path), "AZF607")
    assert (f.severity, Path(f.path).relative_to(tmp_path).as_posix(), text_at(f)) == (
        Severity.ERROR,
        where,
        text,
    )
    assert not python_imports(tmp_path)


def test_the_workers_broken_fixture(tmp_path: Path) -> None:
    """Azure/azure-functions-python-worker, tests/unittests/broken_functions/import_error: a
    v1 function whose script imports a name `sys` lacks."""
    write_app(
        tmp_path,
        {
            "import_error/function.json": (
                '{"scriptFile": "main.py", "bindings": [{"type": "httpTrigger", "direction": '
                '"in", "name": "req"}, {"type": "http", "direction": "out", "name": "$return"}]}'
            ),
            "import_error/main.py": (
                "from sys import __nonexistent  # should raise ImportError\n\n\n"
                "def main(req):\n    __nonexistent()\n"
            ),
            "function_app.py": None,  # type: ignore[dict-item]
        },
        base=False,
    )
    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    (tmp_path / "requirements.txt").write_text("azure-functions\n")
    f = one(check(tmp_path), "AZF607")
    assert f.message == (
        "'__nonexistent' is imported from the standard-library module 'sys' by "
        "import_error/main.py line 1, but no Python version from 3.9 defines it there (neither "
        f"Python {sys.version_info.major}.{sys.version_info.minor}'s 'sys' nor typeshed's stub "
        "of it), so the worker's import of import_error/main.py fails with ImportError (cannot "
        "import name '__nonexistent' from 'sys') and the functions it holds do not load: import "
        "a name 'sys' defines"
    )
    assert f.fixes == []
    done = subprocess.run(
        [sys.executable, "-B", "-c", "import main"],
        cwd=tmp_path / "import_error",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "ImportError: cannot import name '__nonexistent' from 'sys'" in done.stderr


def test_did_you_mean_fix_imports_the_close_name(tmp_path: Path) -> None:
    write_app(tmp_path, {"function_app.py": "from json import dumps, lodas\n"})
    f = one(check(tmp_path), "AZF607")
    assert f.message.endswith("import a name 'json' defines; did you mean 'loads'?")
    assert [x.title for x in f.fixes] == ["Import 'loads' instead"]
    fixed_clean(tmp_path, f)
    assert (tmp_path / "function_app.py").read_text() == "from json import dumps, loads as lodas\n"
    assert python_imports(tmp_path)


def test_cli_reports_it_as_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_app(tmp_path, {"function_app.py": "from os.path import nope\n"})
    code, out, _ = run_cli(capsys, str(tmp_path), "--select", "AZF607")
    assert code == 1
    assert "function_app.py:1:21: AZF607 'nope' is imported from the standard-library module" in out


def test_modules_with_side_effects_are_never_imported() -> None:
    assert "antigravity" not in sys.modules
    assert stdlib_lacks("antigravity", "nope") is False
    assert "antigravity" not in sys.modules


def test_a_workspace_module_named_like_the_standard_library_is_never_imported(
    tmp_path: Path,
) -> None:
    """``python -m funcls`` puts the working directory first on sys.path: a workspace file
    named like a standard-library module is found first, so funcls answers nothing (and does
    not run it)."""
    marker = tmp_path / "ran"
    (tmp_path / "colorsys.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    code = (
        "from funcls.model.python.stdlib_names import stdlib_lacks;"
        "print(stdlib_lacks('colorsys', 'nope'), stdlib_lacks('json', 'lodas'))"
    )
    done = subprocess.run(
        [sys.executable, "-B", "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert done.stdout.split() == ["False", "True"], done.stderr
    assert not marker.exists()


def test_without_typeshed_nothing_is_certain(monkeypatch: pytest.MonkeyPatch) -> None:
    stdlib_lacks.cache_clear()
    monkeypatch.setattr(stdlib_names, "typeshed_stdlib", lambda: None)
    try:
        assert stdlib_lacks("json", "lodas") is False
    finally:
        stdlib_lacks.cache_clear()
    monkeypatch.undo()
    assert stdlib_lacks("json", "lodas") is True


def test_a_typeshed_older_than_the_newest_hosted_python_makes_nothing_certain(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An older jedi's stubs would not know the names a newer Python added.
    stdlib_lacks.cache_clear()
    monkeypatch.setattr(stdlib_names, "NEWEST_HOSTED", (3, 99))
    try:
        assert stdlib_names.typeshed_stdlib() is None
        assert stdlib_lacks("json", "lodas") is False
    finally:
        stdlib_lacks.cache_clear()
    monkeypatch.undo()
    assert stdlib_lacks("json", "lodas") is True
