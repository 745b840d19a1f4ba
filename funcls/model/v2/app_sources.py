"""Whether a script may get its function app from somewhere funcls cannot see through.

AZF306 (checks/structure_v2.py) and the loader's reading of a script beside function.json
folders (model/loader.py) both ask it: a script that binds no such name and creates no
FunctionApp makes the worker's indexing raise ("Could not find top level function app
instances", azure_functions_worker/loader.py index_function_app), and nothing loads.
"""

from __future__ import annotations

import ast
import sys

from funcls.model.python.limits import parse as parse_python


def harmless_module(name: str) -> bool:
    """A module that makes no function app: the standard library, the library, typing."""
    root = name.split(".")[0]
    return root in sys.stdlib_module_names or name.startswith("azure.functions") or root == "typing"


def may_hold_app(text: str) -> bool:
    """True when the module binds a top-level name funcls cannot see through: an import
    from another module or the result of a call to something that is not the standard
    library — either could be a function app made elsewhere."""
    try:
        tree = parse_python(text)
    except (SyntaxError, ValueError):
        return True
    modules: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for a in node.names:
                modules[a.asname or a.name.split(".")[0]] = a.name
        elif isinstance(node, ast.ImportFrom):
            if node.level or not harmless_module(node.module or ""):
                return True
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(
            node.value, (ast.Call, ast.Attribute, ast.Subscript, ast.Name)
        ):
            # app = make_app(), app = host.function_app, app = registry["app"], app = other
            f = node.value.func if isinstance(node.value, ast.Call) else node.value
            while isinstance(f, (ast.Attribute, ast.Subscript, ast.Call)):
                f = f.func if isinstance(f, ast.Call) else f.value
            if not isinstance(f, ast.Name):
                return True
            if not isinstance(node.value, ast.Call) and f.id not in modules:
                continue  # a local name: whatever made it was a call, judged where it was
            origin = modules.get(f.id) or ""
            if not harmless_module(origin) and not origin.startswith("azure.durable_functions"):
                return True
    return False
