"""AZF603's compile pass on an edited module compiles only the statements the edit changed
(issue 16): after every edit of a random sequence its answer equals compiling the whole text."""

from __future__ import annotations

import random

import pytest

from funcls.checks import compile_errors

DEFS = 40

# Lines that make a module fail to compile though it parses, each at module level or in a def.
MODULE_ERRORS = ["return 1", "yield 2", "break", "nonlocal q", "await thing()", "*a = [1]"]
BODY_ERRORS = ["    break", "    continue", "    await thing()", "    nonlocal missing"]


def _module() -> list[str]:
    lines = ["import azure.functions as func", "", "app = func.FunctionApp()", ""]
    for i in range(DEFS):
        lines += [
            f'@app.route(route="r{i}")',
            f"def f{i}(req: func.HttpRequest) -> func.HttpResponse:",
            f"    for x in range({i}):",
            "        pass",
            f'    return func.HttpResponse("{i}")',
            "",
        ]
    return lines


def _whole(text: str) -> compile_errors.CompileError | None:
    return compile_errors._compile(text, text.split("\n"), 0)


@pytest.mark.parametrize("seed", range(6))
def test_an_edited_module_compiles_statement_by_statement_with_the_whole_modules_answer(
    seed: int,
) -> None:
    rng = random.Random(seed)
    path = f"/virtual/app{seed}/function_app.py"
    lines = _module()
    text = "\n".join(lines)
    assert compile_errors.compile_error(path, text) is None
    used = 0
    for _ in range(60):
        lines = list(lines)
        kind = rng.random()
        defs = [i for i, line in enumerate(lines) if line.startswith("def ")]
        errors = [i for i, line in enumerate(lines) if line.strip() in _ALL]
        if errors and kind < 0.35:
            del lines[rng.choice(errors)]  # fix one
        elif kind < 0.55:
            # Enter: a blank line in a def's body or between defs.
            lines.insert(rng.choice(defs) + rng.choice([1, 2, 4, 5]), "")
        elif kind < 0.75 and not errors:
            # A module-level error between two defs (one at a time: see compile_errors).
            at = rng.choice(defs) + 5
            lines.insert(at, rng.choice(MODULE_ERRORS))
        elif not errors:
            lines.insert(rng.choice(defs) + 2, rng.choice(BODY_ERRORS))
        else:
            # Backspace: a blank line goes.
            blanks = [i for i, line in enumerate(lines) if line == "" and i > 4]
            del lines[rng.choice(blanks)]
        text = "\n".join(lines)
        got = compile_errors.compile_error(path, text)
        assert got == _whole(text), (seed, text)
        used += path in compile_errors._statements
    assert used, "the per-statement path never ran"


_ALL = {e.strip() for e in MODULE_ERRORS + BODY_ERRORS}


def test_module_level_global_and_future_imports_compile_the_whole_module() -> None:
    path = "/virtual/global/function_app.py"
    base = "x = 1\n\ndef f():\n    return 1\n"
    assert compile_errors.compile_error(path, base) is None
    text = base + "\nglobal x\n"
    got = compile_errors.compile_error(path, text)
    assert got == _whole(text) and got is not None and "before global" in got.message
    future = "import os\nfrom __future__ import annotations\n"
    assert compile_errors.compile_error(path, future) == _whole(future) is not None
