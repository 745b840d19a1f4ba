"""``module.statements`` gives the statements ``ast.walk`` gives, in the same order (issue 16:
the analysis walks function bodies through statements only)."""

from __future__ import annotations

import ast
import sysconfig
from pathlib import Path

from funcls.model.python.module import statements

STATEMENT_LIKE = (ast.stmt, ast.excepthandler, ast.match_case)

SAMPLE = """
def f():
    x = g()
    if a:
        @dec
        def inner(): y = h()
    else:
        z = k()
    try:
        pass
    except E as e:
        w = m()
        def deeper():
            @d2
            async def deepest(): v = n()
    else:
        u = o()
    finally:
        t = p()
    match q:
        case 1 if r:
            s = t()
        case _:
            class C:
                @d3
                def meth(self): pass
    for i in range(3):
        j = f2()
    else:
        k = f3()
    while c:
        with cm() as c2, cm2():
            l2 = f4(lambda: [i for i in x])
    async def a():
        async for i in it:
            async with cm():
                m2 = f5()
"""


def check(tree: ast.AST) -> int:
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for top in node.body:
                expected = [n for n in ast.walk(top) if isinstance(n, STATEMENT_LIKE)]
                assert list(statements(top)) == expected
                count += len(expected)
    return count


def test_same_order_as_ast_walk() -> None:
    assert check(ast.parse(SAMPLE)) > 30


def test_same_order_on_the_standard_library() -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(stdlib.glob("asyncio/*.py")) + sorted(stdlib.glob("*.py"))[:60]
    total = 0
    for path in files:
        total += check(ast.parse(path.read_text(encoding="utf-8")))
    assert total > 10_000
