"""The app's import path without the folder funcls itself was imported from.

When funcls does not live in the app's interpreter (the VS Code extension runs it from its
bundled libraries, `funcls run --python` from its own install), the runner puts funcls'
folder on the app process's PYTHONPATH so that `-m funcls.runner.worker` can start. Left
there, that folder's other packages (the extension bundles pygls, jedi, attrs, cattrs,
lsprotocol, parso, typing_extensions, tomli) would be importable by the app: an app that
imports one of them without listing it would run here and fail in Azure, and the bundled copy
would shadow the app's own. The Python worker hides its own dependencies from the customer's
code the same way (azure-functions-python-worker, azure_functions_worker/utils/dependency.py,
``DependencyManager``: the worker's paths leave sys.path before the app is imported).

Once the ``funcls`` package is imported, its modules are found through ``funcls.__path__``,
not sys.path, so the folder can go. A funcls installed into the app's own interpreter (its
site-packages, which hold the app's packages too) is left alone."""

from __future__ import annotations

import os
import site
import sys
import sysconfig

import funcls


def funcls_folder() -> str:
    """The folder that holds the ``funcls`` package this process imported."""
    return os.path.dirname(os.path.dirname(os.path.abspath(funcls.__file__)))


def _interpreter_folders() -> set[str]:
    folders = set(site.getsitepackages())
    user = site.getusersitepackages()
    if isinstance(user, str):
        folders.add(user)
    for name in ("purelib", "platlib", "stdlib", "platstdlib"):
        path = sysconfig.get_paths().get(name)
        if path:
            folders.add(path)
    return {os.path.normcase(os.path.abspath(f)) for f in folders}


def forget_funcls_folder() -> None:
    """Take funcls' folder out of sys.path and of PYTHONPATH (which the app's own child
    processes inherit), unless it is one of the interpreter's own folders."""
    folder = os.path.normcase(funcls_folder())

    def other(path: str) -> bool:
        return os.path.normcase(os.path.abspath(path or os.curdir)) != folder

    if all(other(p) for p in sys.path) or folder in _interpreter_folders():
        return  # an install into the interpreter (or an editable one): nothing to take out

    sys.path[:] = [p for p in sys.path if other(p)]
    pythonpath = os.environ.get("PYTHONPATH")
    if pythonpath is not None:
        kept = [p for p in pythonpath.split(os.pathsep) if p and other(p)]
        if kept:
            os.environ["PYTHONPATH"] = os.pathsep.join(kept)
        else:
            del os.environ["PYTHONPATH"]
