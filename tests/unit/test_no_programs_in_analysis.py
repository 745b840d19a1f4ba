"""A guard for DESIGN rule 2: the analysis path (model, checks, the language server's
analysis, ``funcls check`` and ``funcls index``) starts no program. Only the code that runs
the app on the user's click may: ``funcls/lsp/run_function.py``, ``funcls/lsp/run_*.py`` and
``funcls/lsp/warm*.py`` (and the runner, which is not analysis)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "funcls"

# Modules whose import alone means starting processes.
MODULES = frozenset({"subprocess", "multiprocessing", "pty", "pexpect", "sh", "plumbum"})
# os functions that run or fork a program.
OS_NAMES = frozenset(
    {"system", "popen", "fork", "forkpty", "posix_spawn", "posix_spawnp", "startfile"}
)
OS_PREFIXES = ("exec", "spawn")
# asyncio and event-loop ways to start a process.
ATTRIBUTES = frozenset(
    {"create_subprocess_exec", "create_subprocess_shell", "subprocess_exec", "subprocess_shell"}
)


def _os_name(name: str) -> bool:
    return name in OS_NAMES or name.startswith(OS_PREFIXES)


def program_starts(source: str) -> list[str]:
    """Each place in ``source`` that starts (or imports the means to start) a program."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] in MODULES:
                    found.append(f"line {line}: import {a.name}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            root = node.module.split(".")[0]
            if root in MODULES:
                found.append(f"line {line}: from {node.module} import …")
            elif node.module == "os":
                found += [
                    f"line {line}: from os import {a.name}" for a in node.names if _os_name(a.name)
                ]
            elif node.module == "asyncio":
                found += [
                    f"line {line}: from asyncio import {a.name}"
                    for a in node.names
                    if a.name in ATTRIBUTES or a.name == "subprocess"
                ]
        elif isinstance(node, ast.Attribute):
            if node.attr in ATTRIBUTES:
                found.append(f"line {line}: .{node.attr}")
            elif isinstance(node.value, ast.Name) and node.value.id == "os" and _os_name(node.attr):
                found.append(f"line {line}: os.{node.attr}")
            elif (
                isinstance(node.value, ast.Name)
                and node.value.id == "asyncio"
                and (node.attr == "subprocess")
            ):
                found.append(f"line {line}: asyncio.subprocess")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "__import__"
            and node.args
        ):
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and str(arg.value).split(".")[0] in MODULES:
                found.append(f"line {line}: __import__({arg.value!r})")
    return found


def _allowed(path: Path) -> bool:
    """The run-function code: what runs the app when the user clicks Run."""
    return path.parent.name == "lsp" and (
        path.name.startswith(("run_", "warm")) or path.name == "run_function.py"
    )


def analysis_files() -> list[Path]:
    files = [
        *sorted((PACKAGE / "model").rglob("*.py")),
        *sorted((PACKAGE / "checks").rglob("*.py")),
    ]
    files += [p for p in sorted((PACKAGE / "lsp").rglob("*.py")) if not _allowed(p)]
    files += sorted((PACKAGE / "commands").glob("check*.py"))
    files += [PACKAGE / "commands" / "index.py", PACKAGE / "commands" / "common.py"]
    return [p for p in files if p.exists()]


def test_the_analysis_path_starts_no_program() -> None:
    files = analysis_files()
    assert len(files) > 50
    assert PACKAGE / "lsp" / "server.py" in files
    bad = {
        str(p.relative_to(PACKAGE.parent)): hits
        for p in files
        if (hits := program_starts(p.read_text(encoding="utf-8")))
    }
    assert bad == {}, (
        "analysis must not start programs (DESIGN rule 2); read facts from files instead, "
        f"or move the code to the runner / funcls/lsp/run_*.py: {bad}"
    )


def test_the_run_function_modules_are_the_allowed_exception() -> None:
    allowed = [p for p in sorted((PACKAGE / "lsp").glob("*.py")) if _allowed(p)]
    assert PACKAGE / "lsp" / "run_function.py" in allowed
    assert not set(allowed) & set(analysis_files())
    # The guard sees what they do (the run code lens starts the app's runner).
    assert any(program_starts(p.read_text(encoding="utf-8")) for p in allowed)
    assert not _allowed(PACKAGE / "lsp" / "hover.py")
    assert not _allowed(PACKAGE / "checks" / "run_x.py")


@pytest.mark.parametrize(
    ("source", "hit"),
    [
        ("import subprocess\n", "line 1: import subprocess"),
        ("import multiprocessing.pool as p\n", "line 1: import multiprocessing.pool"),
        ("from subprocess import run\n", "line 1: from subprocess import …"),
        ("import os\nos.system('x')\n", "line 2: os.system"),
        ("import os\nos.execvp('x', [])\n", "line 2: os.execvp"),
        ("import os\nos.spawnl(0, 'x')\n", "line 2: os.spawnl"),
        ("import os\nos.posix_spawn('x', [], {})\n", "line 2: os.posix_spawn"),
        ("import os\nos.popen('x')\n", "line 2: os.popen"),
        ("from os import execv\n", "line 1: from os import execv"),
        (
            "import asyncio\nasyncio.create_subprocess_exec('x')\n",
            "line 2: .create_subprocess_exec",
        ),
        ("loop.subprocess_shell(f, 'x')\n", "line 1: .subprocess_shell"),
        ("__import__('subprocess')\n", "line 1: __import__('subprocess')"),
    ],
)
def test_the_guard_sees_each_way_to_start_a_program(source: str, hit: str) -> None:
    assert hit in program_starts(source)


def test_the_guard_leaves_ordinary_os_calls_alone() -> None:
    source = "import os\nos.path.join('a')\nos.stat('x')\nos.scandir('.')\nos.fsencode('x')\n"
    assert program_starts(source) == []
