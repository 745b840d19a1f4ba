"""Whether a script may get its function app from somewhere funcls cannot see through.

AZF306 (checks/structure_v2.py) and the loader's reading of a script beside function.json
folders (model/loader.py) both ask it: a script that binds no such name and creates no
FunctionApp makes the worker's indexing raise ("Could not find top level function app
instances", azure_functions_worker/loader.py index_function_app), and nothing loads.
"""

from __future__ import annotations

import ast
import os
import sys
from typing import Protocol

from funcls.model.python.bound_names import names_of
from funcls.model.python.limits import parse as parse_python


class Files(Protocol):
    """What of ``model.source.Source`` following the app's own modules reads."""

    def is_file(self, path: str) -> bool: ...

    def text(self, path: str) -> str | None: ...


# How many re-exports deep a name of the app's own modules is followed (a package's
# __init__.py re-exporting a class from a submodule is one).
_DEPTH = 8


def harmless_module(name: str) -> bool:
    """A module that makes no function app: the standard library, the library, typing."""
    root = name.split(".")[0]
    return root in sys.stdlib_module_names or name.startswith("azure.functions") or root == "typing"


def may_hold_app(
    text: str, path: str | None = None, root: str | None = None, files: Files | None = None
) -> bool:
    """True when the module binds a top-level name funcls cannot see through: an import
    from another module or the result of a call to something that is not the standard
    library — either could be a function app made elsewhere. Given the module's ``path``, the
    app's ``root`` and its ``files``, a name imported from the app's own modules is followed
    there (:func:`_own_name_may_be_app`): a class, a function or a module is no function app
    (corpus, DamolAAkinleye/loganalytics-to-adls: a script importing a processor class and
    settings helpers from its own package was said to get its app "from somewhere funcls
    cannot follow", though it makes none)."""
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
            if not node.level and harmless_module(node.module or ""):
                continue
            if path is None or root is None or files is None:
                return True
            if _import_may_bind_app(node, path, root, files, set(), 0):
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


def _module_file(base: str, dotted: str, files: Files) -> str | None:
    target = os.path.join(base, *[p for p in dotted.split(".") if p])
    for candidate in (target + ".py", os.path.join(target, "__init__.py")):
        if files.is_file(candidate):
            return os.path.normpath(candidate)
    return None


def _import_may_bind_app(
    node: ast.ImportFrom,
    path: str,
    root: str,
    files: Files,
    seen: set[tuple[str, str]],
    depth: int,
) -> bool:
    """Whether ``from … import …`` in ``path`` may bind a function app: False only when every
    name it imports is, in the app's own module it names, a class, a function or a module."""
    if node.level:
        base = os.path.dirname(path)
        for _ in range(node.level - 1):
            base = os.path.dirname(base)
    else:
        base = root  # the worker puts the app root first on sys.path
    module = node.module or ""
    target = _module_file(base, module, files) if module else None
    package = os.path.join(base, *[p for p in module.split(".") if p])
    for alias in node.names:
        if alias.name == "*":
            return True
        if _module_file(package, alias.name, files) is not None:
            continue  # a submodule: a module object is no function app
        if target is None:
            return True  # another package, or a file funcls cannot find
        if _own_name_may_be_app(target, alias.name, root, files, seen, depth + 1):
            return True
    return False


def _own_name_may_be_app(
    path: str, name: str, root: str, files: Files, seen: set[tuple[str, str]], depth: int
) -> bool:
    """Whether the top-level ``name`` of the app's module ``path`` may be a function app:
    False when its one binding there is a ``def``, a ``class``, an ``import`` (a module), or an
    import of such a name from another of the app's modules."""
    if depth > _DEPTH or (path, name) in seen:
        return True
    seen.add((path, name))
    text = files.text(path)
    if text is None:
        return True
    try:
        tree = parse_python(text)
    except (SyntaxError, ValueError):
        return True
    bindings: list[ast.stmt] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name == name:
                if node.decorator_list:
                    return True  # bound to whatever the decorator returns
                bindings.append(node)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    return True
                if (alias.asname or alias.name.split(".")[0]) == name:
                    bindings.append(node)
        elif any(
            (isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store))
            or _binds(n, name)
            for n in ast.walk(node)
        ):
            return True  # assigned, or bound inside an if/try/with: not followed
    if not bindings and _import_fails(text, name):
        return False
    if len(bindings) != 1:
        return True  # unbound (a submodule is handled by the caller) or rebound
    [binding] = bindings
    if isinstance(binding, ast.Import):
        return False
    if isinstance(binding, ast.ImportFrom):
        if not binding.level and harmless_module(binding.module or ""):
            return False
        narrowed = ast.ImportFrom(
            module=binding.module,
            names=[a for a in binding.names if (a.asname or a.name) == name],
            level=binding.level,
        )
        return _import_may_bind_app(narrowed, path, root, files, seen, depth)
    return False  # a def or a class


def _import_fails(text: str, name: str) -> bool:
    """Whether importing ``name`` from the module of ``text`` certainly raises ImportError:
    the module binds it nowhere (model/python/bound_names.py, as AZF606 reads it), has no
    ``from … import *``, no module-level ``__getattr__``, ``globals()`` or ``sys.modules``
    (``dynamic``) and sets no attribute of that name, so the import fails and binds nothing
    (corpus, DamolAAkinleye/loganalytics-to-adls: ``from LogAnalyticsToADLS.config import
    get_settings, QueryConfig``, a name the package does not define, was said to be a function
    app funcls could not follow). A submodule of that name is the caller's to rule out."""
    info = names_of(text)
    return (
        info is not None
        and info.dynamic is None
        and not info.star_imports
        and name not in info.names
        and name not in info.stored_attributes
    )


def _binds(node: ast.AST, name: str) -> bool:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name == name
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return any((a.asname or a.name.split(".")[0]) == name for a in node.names)
    return False
