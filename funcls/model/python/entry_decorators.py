"""Where the decorators of a v1 entry point are defined, read from the script's imports.

A v1 script is imported by the worker as a module of the ``__app__`` package, with the app's
root on sys.path (azure-functions-python-worker azure_functions_worker/loader.py,
``load_function``: ``__app__.<folder>.<script>``), so a decorator comes from a def of the
script, from ``from ..shared.auth import authorized`` (relative to the function's folder),
from ``from shared.auth import authorized`` or ``from __app__.shared.auth import authorized``
(the app's root), or through a module (``from ..shared import auth`` … ``@auth.authorized``).
The signature rules read that def, never run it (``checks/signatures.py``); the loader keeps a
v1 function while those files are unchanged (``loader._v1_inputs``).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from funcls.model.python.facts import ImportRecord, ModuleInfo, PyFunction
from funcls.model.source import inside, relative_import_base

_APP_PACKAGE = "__app__"


def decorator_defs(
    module: ModuleInfo, entry: PyFunction, root: str, is_file: Callable[[str], bool]
) -> list[tuple[str, str] | None]:
    """For each decorator of ``entry`` (a def of the script ``module``): the file of the app
    that defines it and the def's name there, or None when it is no plain name or
    ``module.name`` reaching a file of the app (a call, a name from an installed package, an
    import that may not run)."""
    script = module.path
    records = {r.local: r for r in module.import_records if not (r.guarded or r.fallback)}
    own = {f.name for f in module.functions if f.scope == "module"}
    out: list[tuple[str, str] | None] = []
    for dec in entry.decorators:
        chain = dec.chain
        found: tuple[str, str] | None = None
        if dec.called:
            pass  # a factory's call: what it returns decorates, not read here
        elif len(chain) == 1 and chain[0] in own:
            # Bound by a def and an import both: which one holds is not read here.
            found = (script, chain[0]) if chain[0] not in records else None
        elif len(chain) == 1 and chain[0] in records:
            r = records[chain[0]]
            path = _app_file(r.module, r.level, script, root, is_file) if r.name else None
            found = (path, r.name) if path is not None and r.name else None
        elif len(chain) == 2 and chain[0] in records:
            path = _module_of(records[chain[0]], script, root, is_file)
            found = (path, chain[1]) if path is not None else None
        out.append(found)
    return out


def _module_of(
    r: ImportRecord, script: str, root: str, is_file: Callable[[str], bool]
) -> str | None:
    """The file of the module a local name stands for: ``import shared.auth as auth`` or
    ``from ..shared import auth`` (a submodule); None when it is not a module of the app."""
    if r.name is None:
        return _app_file(r.module, r.level, script, root, is_file)
    dotted = f"{r.module}.{r.name}" if r.module else r.name
    return _app_file(dotted, r.level, script, root, is_file)


def _app_file(
    dotted: str, level: int, script: str, root: str, is_file: Callable[[str], bool]
) -> str | None:
    """The .py file or package __init__.py of the app that ``dotted`` (with ``level`` leading
    dots, from ``script``) names; None outside the app or when there is none."""
    if level:
        base = relative_import_base(script, level)
    else:
        base = root
        if dotted == _APP_PACKAGE or dotted.startswith(_APP_PACKAGE + "."):
            dotted = dotted[len(_APP_PACKAGE) + 1 :]
    parts = [p for p in dotted.split(".") if p]
    if not parts:
        return None
    stem = os.path.join(base, *parts)
    for candidate in (stem + ".py", os.path.join(stem, "__init__.py")):
        candidate = os.path.normpath(candidate)
        if inside(root, candidate) and is_file(candidate):
            return candidate
    return None
