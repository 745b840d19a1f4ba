"""The statements and expressions the module analyser recognises without running anything:
``if __name__ == "__main__":``, ``if TYPE_CHECKING:``, ``except ImportError:``, and the
folders ``sys.path`` edits name."""

from __future__ import annotations

import ast
import os
from collections.abc import Callable


def folder_of(node: ast.expr, here: str, qualify: Callable[[ast.expr], str | None]) -> str | None:
    """The folder an expression names, for the few spellings of "next to this file"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return os.path.join(here, node.value)
    if isinstance(node, ast.Name) and node.id == "__file__":
        return os.path.join(here, "__file__")
    if isinstance(node, ast.Call):
        q = qualify(node.func)
        args = node.args
        if q in ("str", "os.path.abspath", "os.path.realpath", "pathlib.Path") and len(args) == 1:
            return folder_of(args[0], here, qualify)
        if q == "os.path.dirname" and len(args) == 1:
            inner = folder_of(args[0], here, qualify)
            return os.path.dirname(inner) if inner is not None else None
        if q == "os.path.join" and args:
            first = folder_of(args[0], here, qualify)
            rest: list[str] = []
            for a in args[1:]:
                if not (isinstance(a, ast.Constant) and isinstance(a.value, str)):
                    return None
                rest.append(a.value)
            return os.path.join(first, *rest) if first is not None else None
        if isinstance(node.func, ast.Attribute) and node.func.attr == "resolve" and not args:
            return folder_of(node.func.value, here, qualify)
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        inner = folder_of(node.value, here, qualify)
        return os.path.dirname(inner) if inner is not None else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        left = folder_of(node.left, here, qualify)
        right = node.right
        if left is not None and isinstance(right, ast.Constant) and isinstance(right.value, str):
            return os.path.join(left, right.value)
    return None


def catches_import_error(handler: ast.ExceptHandler, broadly: bool = False) -> bool:
    """The handler catches ImportError; ``broadly``: also as ``except:``, ``Exception`` or
    ``BaseException`` do."""
    if handler.type is None:
        return broadly
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    wanted: tuple[str, ...] = ("ImportError", "ModuleNotFoundError")
    if broadly:
        wanted += ("Exception", "BaseException")
    return any(isinstance(n, ast.Name) and n.id in wanted for n in names)


def is_type_checking(test: ast.expr) -> bool:
    """``if TYPE_CHECKING:`` / ``if typing.TYPE_CHECKING:`` (never true at run time)."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def main_guard(test: ast.expr) -> bool | None:
    """True for ``__name__ == "__main__"`` (its body runs only as a script), False for
    ``!=`` (its else branch does), None for any other condition."""
    if not (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], (ast.Eq, ast.NotEq))
    ):
        return None
    sides = {_guard_side(test.left), _guard_side(test.comparators[0])}
    if sides != {"name", "main"}:
        return None
    return isinstance(test.ops[0], ast.Eq)


def _guard_side(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name) and node.id == "__name__":
        return "name"
    if isinstance(node, ast.Constant) and node.value == "__main__":
        return "main"
    return None
