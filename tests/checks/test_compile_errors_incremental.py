"""AZF603's compile pass on an edited module compiles only the statements the edit changed
(issue 16): after every edit of a random sequence its answer equals compiling the whole text."""

from __future__ import annotations

import ast
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


# Compile-time errors of every kind CPython 3.11's symbol table and code generator report,
# some on lines with characters of several UTF-8 bytes (the errors' offsets count bytes).
ANY_ERRORS = [
    "return 1",
    "yield 2",
    "break",
    "continue",
    "nonlocal q",
    "await thing()",
    "*a = [1]",
    "a, *b, *c = d",
    "f(x=1, x=2)",
    "def g(a, a):\n    pass",
    "h = lambda é, é: 0",
    "__debug__ = 1",
    "[x async for x in y]",
    "try:\n    pass\nexcept:\n    pass\nexcept ValueError:\n    pass",
    "s = 'ñandú'; print(*'é')\nreturn 'ü'",
    "class C:\n    yield 1",
    "def k():\n    global z\n    z: int = 1",
    "match v:\n    case a:\n        pass\n    case b:\n        pass",
    "import os\nfrom __future__ import annotations",
]


@pytest.mark.parametrize("seed", range(4))
def test_compiling_the_models_statements_gives_the_texts_answer(seed: int) -> None:
    # `funcls check` compiles the statements the model parsed instead of the text (issue 16):
    # the same answer, message and place, for every kind of error anywhere in the module.
    rng = random.Random(seed)
    for n in range(40):
        lines = _module()
        for _ in range(rng.choice([0, 1, 1, 2])):
            at = rng.choice([i for i, line in enumerate(lines) if line.startswith("def ")])
            error = rng.choice(ANY_ERRORS)
            if rng.random() < 0.5:  # first in the def's body
                error = "\n".join("    " + line for line in error.split("\n"))
                at += 1
            else:  # above the def's decorator
                at -= 1
            lines.insert(at, error)
        text = "\n".join(lines)
        body = ast.parse(text).body
        path = f"/virtual/tree{seed}/m{n}.py"
        compile_errors._by_text.clear()
        assert compile_errors.compile_error(path, text, body) == _whole(text), text


def test_a_tree_the_compiler_refuses_leaves_the_answer_to_the_text() -> None:
    text = "x = 1\nreturn 2\n"
    # A name stored in an expression statement: CPython's check of a given tree refuses it.
    refused = [ast.Expr(ast.Name("x", ast.Store(), lineno=1, col_offset=0))]
    got = compile_errors.compile_error("/virtual/refused/m.py", text, refused)
    assert got == _whole(text) and got is not None and got.line == 1
