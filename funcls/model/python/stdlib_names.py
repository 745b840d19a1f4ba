"""Whether a standard-library module certainly lacks a name (``from sys import __nonexistent``).

``from m import X`` raises ImportError when, after ``m`` ran, ``X`` is not an attribute of it
nor a submodule (the same rule as for the app's own modules, funcls.model.python.bound_names).
For a module of the standard library the names depend on the Python version, so a name is
said to be missing only when two independent sources agree:

- the module as funcls's own interpreter has it: the standard-library module is imported in
  funcls's process (importing the standard library runs none of the workspace's code; the
  module must be found in the interpreter's own standard-library folder, as a built-in or
  frozen module, never through a workspace or site-packages folder), and it has neither the
  name, nor a submodule of it, nor a module-level ``__getattr__``;
- typeshed's stub of the module as jedi ships it (``jedi/third_party/typeshed/stdlib``): the
  stub describes every Python version typeshed supports, with names added or removed in a
  version under ``if sys.version_info …`` branches. Every name bound in any branch counts, and
  star imports are followed inside typeshed; a stub that cannot be read, has a module-level
  ``__getattr__`` or a star import typeshed does not hold makes the answer "not certain".

The stub must know the newest Python the Functions host runs (``NEWEST_HOSTED``): an older
jedi's typeshed would not know the names a newer Python added, so with it nothing is certain.

Modules whose import does something besides defining names (``antigravity`` opens a web
browser, ``this`` prints) are never imported: no answer for them.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import sys
import types
import warnings

from funcls.model.python.bound_names import module_names

# Imported for their side effects, or tied to the running program: never imported here.
_NOT_IMPORTED = frozenset(
    {
        "antigravity",
        "this",
        "__hello__",
        "__phello__",
        "__main__",
        "idlelib",
        "turtledemo",
        "turtle",
        "tkinter",
        "site",
        "sitecustomize",
        "usercustomize",
        "ensurepip",
        "pydoc",
    }
)


# The newest Python version Azure Functions runs apps on (3.13 is generally available).
NEWEST_HOSTED = (3, 13)


def _stdlib_dirs() -> tuple[str, ...]:
    import sysconfig  # when a standard-library import is checked (issue 16: not at import)

    stdlib = os.path.normpath(sysconfig.get_path("stdlib"))
    return (stdlib, os.path.join(stdlib, "lib-dynload"))


def _in_stdlib(path: str | None) -> bool:
    """``path`` is a file of the interpreter's standard library (not of a site-packages or
    dist-packages folder that some installations keep under it)."""
    if not path:
        return False
    path = os.path.normpath(os.path.realpath(path))
    for base in _stdlib_dirs():
        base = os.path.realpath(base)
        if path.startswith(base + os.sep):
            rest = path[len(base) + 1 :].split(os.sep)
            return not ({"site-packages", "dist-packages"} & set(rest))
    return False


def _from_stdlib(module: types.ModuleType) -> bool:
    spec = getattr(module, "__spec__", None)
    origin = getattr(spec, "origin", None)
    if origin in ("built-in", "frozen"):
        return True
    return _in_stdlib(getattr(module, "__file__", None))


def _top_is_stdlib(top: str) -> bool:
    """The interpreter finds ``top`` in its own standard library, whatever its sys.path
    holds in front of it (``python -m funcls`` puts the working directory first)."""
    loaded = sys.modules.get(top)
    if loaded is not None:
        return _from_stdlib(loaded)
    if top in sys.builtin_module_names:
        return True
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return False
    if spec is None:
        return False
    if spec.origin == "frozen":
        return True
    return _in_stdlib(spec.origin) or any(
        _in_stdlib(os.path.join(p, "x")) for p in (spec.submodule_search_locations or [])
    )


def _runtime_module(module: str) -> types.ModuleType | None:
    top = module.split(".")[0]
    if top in _NOT_IMPORTED or top not in sys.stdlib_module_names or not _top_is_stdlib(top):
        return None
    loaded = sys.modules.get(module)
    if loaded is None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                loaded = importlib.import_module(module)
        except (Exception, SystemExit):
            return None
    return loaded if _from_stdlib(loaded) else None


def _runtime_has(module: types.ModuleType, name: str) -> bool:
    if hasattr(module, name) or hasattr(module, "__getattr__"):
        return True
    path = getattr(module, "__path__", None)
    if path is None:
        return False
    import pkgutil  # when a standard-library import is checked (issue 16: not at import)

    return any(info.name == name for info in pkgutil.iter_modules(list(path)))


def typeshed_stdlib() -> str | None:
    """The stdlib stubs folder of the installed jedi (jedi itself is not imported)."""
    try:
        spec = importlib.util.find_spec("jedi")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        folder = os.path.join(base, "third_party", "typeshed", "stdlib")
        if os.path.isdir(folder) and _knows(folder, NEWEST_HOSTED):
            return folder
    return None


@functools.lru_cache(maxsize=4)
def _knows(folder: str, version: tuple[int, int]) -> bool:
    """Whether the stubs describe ``version``: the sys stub has a branch for it."""
    for name in ("sys/__init__.pyi", "sys.pyi"):
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                text = f.read()
        except OSError:
            continue
        return f"version_info >= {version}" in text
    return False


def _stub_path(stubs: str, module: str) -> str | None:
    parts = module.split(".")
    plain = os.path.join(stubs, *parts) + ".pyi"
    package = os.path.join(stubs, *parts, "__init__.pyi")
    if os.path.isfile(package):
        return package
    return plain if os.path.isfile(plain) else None


@functools.lru_cache(maxsize=256)
def _stub_names(stubs: str, module: str, depth: int = 0) -> frozenset[str] | None:
    """Every name the stub of ``module`` binds in any branch (star imports followed), its
    submodules' names included; None when not certain."""
    path = _stub_path(stubs, module)
    if path is None or depth > 10:
        return None
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError):
        return None
    info = module_names(text)
    if info is None or info.dynamic is not None:
        return None
    names = set(info.names)
    package = module if path.endswith("__init__.pyi") else module.rpartition(".")[0]
    for target, level in info.star_imports:
        if level:
            base = package.split(".")
            base = base[: len(base) - (level - 1)]
            target = ".".join(p for p in [*base, target] if p)
        inner = _stub_names(stubs, target, depth + 1)
        if inner is None:
            return None
        names |= inner
    if path.endswith("__init__.pyi"):
        folder = os.path.dirname(path)
        names |= {n.split(".")[0] for n in os.listdir(folder)}
    return frozenset(names)


@functools.lru_cache(maxsize=512)
def stdlib_lacks(module: str, name: str) -> bool:
    """True only when ``from module import name`` certainly fails in every Python version
    typeshed describes: ``module`` is a standard-library module, and neither this
    interpreter's module nor typeshed's stub of it has ``name``."""
    runtime = _runtime_module(module)
    if runtime is None or _runtime_has(runtime, name):
        return False
    stubs = typeshed_stdlib()
    if stubs is None:
        return False
    names = _stub_names(stubs, module)
    return names is not None and name not in names


def stdlib_public_names(module: str) -> list[str]:
    """The public names of ``module`` (this interpreter's and the stub's), for a did-you-mean."""
    runtime = _runtime_module(module)
    out = {n for n in dir(runtime) if not n.startswith("_")} if runtime is not None else set()
    stubs = typeshed_stdlib()
    stub = _stub_names(stubs, module) if stubs is not None else None
    out |= {n for n in stub or () if not n.startswith("_")}
    return sorted(out)
