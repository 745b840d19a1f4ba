"""Visiting a syntax tree's nodes without ``ast.walk``'s generator per node (issue 16)."""

from __future__ import annotations

import ast
from collections.abc import Callable


def push_children(node: ast.AST, push: Callable[[ast.AST], object]) -> None:
    """Hand each child of ``node`` to ``push``, in the order of its ``_fields`` (the order
    ``ast.iter_child_nodes`` gives). Children without fields (``Load``, ``Store``, the
    operators) are left out: no caller looks at them, and nothing lies below them."""
    node_type = ast.AST
    for name in node._fields:
        child = getattr(node, name, None)
        if type(child) is list:
            for item in child:
                if isinstance(item, node_type) and item._fields:
                    push(item)
        elif isinstance(child, node_type) and child._fields:
            push(child)
