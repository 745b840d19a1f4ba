"""AZF603 skips the compile of a module its screen passes (issue 16): the screen must never
pass a module CPython's compiler refuses. Checked against the real compiler on every kind of
compile-time error of 3.11, and on real modules (the standard library, site-packages, the
tests' and samples' apps) as they are and with such errors put in at random."""

from __future__ import annotations

import ast
import importlib.util
import os
import random
import sys
import sysconfig
import warnings
from pathlib import Path

import pytest

from funcls.checks import compile_errors
from funcls.checks.compile_screen import cannot_fail

REPO = Path(__file__).resolve().parents[2]


def _refused(text: str, body: list[ast.stmt]) -> bool:
    """Whether CPython's compiler refuses the module (from its tree, or its text when the
    tree is one the compiler's check refuses), as AZF603 asks it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(ast.Module(body=body, type_ignores=[]), "<t>", "exec", dont_inherit=True)
        except SyntaxError:
            return True
        except (ValueError, TypeError, RecursionError, MemoryError):
            try:
                compile(text, "<t>", "exec", dont_inherit=True)
            except SyntaxError:
                return True
            except (ValueError, RecursionError, MemoryError):
                return False
        return False


_NESTED_LOOPS = (
    "def f():\n"
    + "".join("    " * (i + 1) + f"for x{i} in y:\n" for i in range(21))
    + "    " * 22
    + "pass"
)

# Each parses and does not compile (CPython 3.11's symbol table, code generator and future
# imports), at module level or where it says.
REFUSED = [
    "return 1",
    "class C:\n    return 1",
    "yield 2",
    "class C:\n    yield 1",
    "break",
    "continue",
    "for x in y:\n    pass\nelse:\n    break",
    "while x:\n    def f():\n        break",
    "for x in y:\n    class A:\n        continue",
    "nonlocal q",
    "def k():\n    global z\n    z: int = 1",
    "def k():\n    z = 1\n    global z",
    "await thing()",
    "def f():\n    await thing()",
    "[x async for x in y]",
    "async def f():\n    yield 1\n    return 2",
    "*a = [1]",
    "a, *b, *c = d",
    "x = *a",
    "*a",
    "f(x=1, x=2)",
    "f(**a, x=1, **b, x=2)",
    "class A(metaclass=M, metaclass=N):\n    pass",
    "def g(a, a):\n    pass",
    "def f(a, /, b, *c, d, **a):\n    pass",
    "h = lambda é, é: 0",
    "lambda a, *, a: 0",
    "__debug__ = 1",
    "def f(__debug__):\n    pass",
    "try:\n    pass\nexcept:\n    pass\nexcept ValueError:\n    pass",
    "try:\n    pass\nexcept* ValueError:\n    break",
    "def f():\n    from os import *",
    "class A:\n    from os import *",
    "match v:\n    case a:\n        pass\n    case b:\n        pass",
    "import os\nfrom __future__ import annotations",
    "from __future__ import braces",
    "[(y := 1) for y in z]",
    _NESTED_LOOPS,
    "with " + ", ".join(f"a{i}" for i in range(21)) + ":\n    pass",
]


@pytest.mark.parametrize("text", REFUSED)
def test_the_screen_compiles_every_kind_of_compile_time_error(text: str) -> None:
    body = ast.parse(text).body
    assert _refused(text, body), "not a compile-time error of this Python"
    assert not cannot_fail(text, body)
    # And AZF603 still reports it from the model's tree.
    compile_errors._by_text.clear()
    assert compile_errors.compile_error(f"/virtual/screen/{REFUSED.index(text)}.py", text, body)


PASSED = [
    "import logging\n\nimport azure.functions as func\n\n\n"
    "def main(req: func.HttpRequest) -> func.HttpResponse:\n"
    "    logging.info('%s', req.route_params.get('id'))\n"
    "    return func.HttpResponse('ok')\n",
    "print(*a, *b, **c)\nx = [*a, *b]\ny = {*a}\nz = {**a, 'k': 1}\nq = a[*b]\n",
    "class A(*bases, metaclass=M):\n    x: int = 1\n",
    "for x in y:\n    try:\n        break\n    finally:\n        continue\nelse:\n    pass\n",
    "from os import *\nif x:\n    from sys import *\n",
    "f = lambda a, *b, c=1, **d: [i for i in b if i]\n",
]


@pytest.mark.parametrize("text", PASSED)
def test_the_screen_passes_modules_that_compile(text: str) -> None:
    body = ast.parse(text).body
    assert not _refused(text, body)
    assert cannot_fail(text, body)


def test_a_tree_the_compiler_refuses_is_compiled() -> None:
    refused = [ast.Expr(ast.Name("x", ast.Store(), lineno=1, col_offset=0))]
    assert not cannot_fail("x\n", refused)


# Put in at random, indented as the line they go before.
_PUT_IN = [
    "return 1",
    "yield 2",
    "break",
    "continue",
    "f(x=1, x=2)",
    "def g(a, a):\n    pass",
    "x = *a",
    "*a = b",
    "try:\n    pass\nexcept:\n    pass\nexcept E:\n    pass",
    "from m import *",
    "class Q:\n    return 1",
    "print(*a, **b)",
    "a, b = c",
    "for i in j:\n    break\nelse:\n    continue",
]


def _modules() -> list[Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    found = sorted(stdlib.glob("*.py"))[::4] + sorted((stdlib / "json").glob("*.py"))
    site = Path(sysconfig.get_paths()["purelib"])
    for package in ("azure", "pygls", "attrs"):
        found += sorted((site / package).rglob("*.py"))[:40]
    for folder in ("samples", "tests/fixtures", "funcls/model/python"):
        found += sorted((REPO / folder).rglob("*.py"))
    # Modules of a few KB, as an app's are: the screen and the compiler on each, four times.
    return [p for p in found if p.stat().st_size < 40_000]


def test_the_screen_never_passes_a_module_the_compiler_refuses() -> None:
    rng = random.Random(16)
    passed = refused = 0
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(10_000)
    try:
        for path in _modules():
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            lines = text.split("\n")
            variants = [text]
            for _ in range(3):
                changed = list(lines)
                at = rng.randrange(len(changed) + 1)
                here = changed[at] if at < len(changed) else ""
                indent = here[: len(here) - len(here.lstrip())]
                put = rng.choice(_PUT_IN).split("\n")
                changed[at:at] = [indent + line for line in put]
                variants.append("\n".join(changed))
            for variant in variants:
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        body = ast.parse(variant).body
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    continue
                fails = _refused(variant, body)
                refused += fails
                if cannot_fail(variant, body):
                    passed += 1
                    assert not fails, f"{path} (changed):\n{variant}"
    finally:
        sys.setrecursionlimit(old_limit)
    # Both sides were met often enough for the check to mean something.
    assert passed > 100 and refused > 150, (passed, refused)


def test_the_benchmark_modules_are_passed(tmp_path: Path) -> None:
    # The generated workspace's modules hold none of the constructs: the compile is skipped.
    spec = importlib.util.spec_from_file_location("gen_workspace", REPO / "bench/gen_workspace.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    gen.generate(tmp_path / "ws", functions=40, apps=4, unique_texts=True)
    texts = [
        Path(d, f).read_text(encoding="utf-8")
        for d, _, files in os.walk(tmp_path / "ws")
        for f in files
        if f.endswith(".py")
    ]
    assert texts
    assert all(cannot_fail(t, ast.parse(t).body) for t in texts)
