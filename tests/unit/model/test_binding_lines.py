"""binding_lines.top_bindings: one walk per statement (issue 16) finds what three ast.walk
passes found, from its own parse or from the statements a caller already has."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from funcls.model.python import binding_lines
from funcls.model.python.binding_lines import TopBindings, top_bindings

ROOT = Path(__file__).resolve().parents[3]
DYNAMIC = {"globals", "vars", "locals", "exec", "eval", "setattr", "__import__"}


def _reference(text: str) -> tuple[object, ...] | None:
    """The same answers with plain ast.walk, each question walking the whole module."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    statements = []
    for stmt in tree.body:
        names: set[str] = set()
        for node in ast.walk(stmt):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                names.add(node.id)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update(a.asname or a.name.split(".")[0] for a in node.names)
            elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
                names.add(node.name)
            elif isinstance(node, ast.MatchMapping) and node.rest:
                names.add(node.rest)
            elif isinstance(node, ast.Global):
                names.update(node.names)
        statements.append((stmt.lineno, frozenset(names)))
    dynamic = any(
        (isinstance(n, ast.Name) and n.id in DYNAMIC)
        or (
            isinstance(n, ast.Attribute)
            and (
                n.attr == "__dict__"
                or (n.attr == "modules" and isinstance(n.value, ast.Name) and n.value.id == "sys")
            )
        )
        for n in ast.walk(tree)
    ) or any(isinstance(s, ast.FunctionDef) and s.name == "__getattr__" for s in tree.body)
    stored = frozenset(
        n.attr
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store)
    )
    return (tuple(statements), stored, dynamic)


def _answers(tb: TopBindings | None) -> tuple[object, ...] | None:
    return None if tb is None else (tb.statements, tb.stored_attributes, tb.dynamic)


SNIPPETS = {
    "binding forms": """
        import os.path, json as j
        from a import (b as c, d)
        from e import *
        x, (y, *z) = 1, (2, 3)
        del x
        def f(p):
            global g
            q = [w := 1 for k in range(3)]
        class C:
            attr = 1
        try:
            pass
        except ValueError as err:
            pass
        match p:
            case {"k": 1, **rest}:
                pass
            case [1, *others]:
                pass
            case Point(x=0) as pt:
                pass
        with open("f") as fh:
            for i, v in enumerate(fh):
                pass
        lambda u: u
        """,
    "stored attributes": """
        import other
        other.X = 1
        other.inner.Y: int = 2
        (a.b).c += 1
        print(obj.read)
        """,
    "dynamic: globals()": "def f():\n    return globals()\n",
    "dynamic: sys.modules": "import sys\nsys.modules['a'] = None\n",
    "dynamic: __dict__": "x = type.__dict__\n",
    "dynamic: module __getattr__": "def __getattr__(name):\n    return name\n",
    "not dynamic": "import sys\nsys.path.append('x')\nvars_ = 1\n",
    "deep nesting": "x = " + "(" * 90 + "1" + ")" * 90 + "\n" + "f(" * 60 + ")" * 60 + "\n",
}


@pytest.mark.parametrize("name", list(SNIPPETS))
def test_same_answers_as_three_walks(name: str) -> None:
    text = textwrap.dedent(SNIPPETS[name])
    expected = _reference(text)
    assert expected is not None
    assert _answers(top_bindings(text)) == expected
    binding_lines._memo.clear()
    assert _answers(top_bindings(text, ast.parse(text).body)) == expected


def test_the_binding_forms_are_found() -> None:
    tb = top_bindings(textwrap.dedent(SNIPPETS["binding forms"]))
    assert tb is not None
    everything = set().union(*(names for _line, names in tb.statements))
    # Parameters (of f, of the lambda) are not names the module binds.
    expected = [
        "os",
        "j",
        "c",
        "d",
        "*",
        "x",
        "y",
        "z",
        "f",
        "g",
        "q",
        "w",
        "k",
        "C",
        "attr",
        "err",
        "rest",
        "others",
        "pt",
        "fh",
        "i",
        "v",
    ]
    assert everything == set(expected)
    assert tb.stored_attributes == frozenset()
    assert not tb.dynamic
    stored = top_bindings(textwrap.dedent(SNIPPETS["stored attributes"]))
    assert stored is not None and stored.stored_attributes == {"X", "Y", "c"}


def test_same_answers_on_this_repository() -> None:
    files = sorted((ROOT / "funcls").rglob("*.py")) + sorted(
        (ROOT / "tests" / "apps").rglob("*.py")
    )
    assert len(files) > 200
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert _answers(top_bindings(text)) == _reference(text), path


def test_a_syntax_error_gives_none_and_the_memo_keeps_answers() -> None:
    assert top_bindings("def (:\n") is None
    text = "a = 1\n"
    first = top_bindings(text)
    assert top_bindings(text) is first
