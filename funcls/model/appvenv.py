"""An app's own virtual environment: one rule for everything that asks.

The app's environment is the first of ``VENV_NAMES`` inside the app folder whose interpreter
(``bin/python``, ``Scripts\\python.exe`` on Windows) is an executable file. The checks read its
packages and Python version from it (distributions.find_site_packages, AZF410), the language
server's warm app and the Run lens run the app in it (lsp/warm_app.app_python) and the VS Code
extension starts the app and F5 in it (client-vscode/src/python.ts APP_VENV_NAMES, the same list;
tests/unit/test_appvenv.py compares them).

The names: ``.venv`` is what the VS Code Azure Functions extension creates and defaults to
(``azureFunctions.pythonVenv``; microsoft/vscode-azurefunctions src/utils/venvUtils.ts), and
what the Functions quickstarts tell ``python -m venv`` to make; ``venv`` and ``env`` are the
other names ``python -m venv`` is given, which the same extension also detects (any folder of
the project holding ``bin/activate``: getExistingVenvs in that file) and which the
``.gitignore`` that ``func init`` writes lists under "Python Environments" (``.venv``, ``env/``,
``venv/``: Azure/azure-functions-core-tools src/Azure.Functions.Cli/StaticResources/gitignore).
Only the file system is read: nothing here runs the interpreter.
"""

from __future__ import annotations

import os
import re

from funcls.model.lazy_re import compiled_on_use

VENV_NAMES = (".venv", "venv", "env")


def venv_python(venv: str) -> str:
    """Where the virtual environment ``venv`` keeps its interpreter, on this platform."""
    if os.name == "nt":
        return os.path.join(venv, "Scripts", "python.exe")
    return os.path.join(venv, "bin", "python")


def app_venv(root: str) -> str | None:
    """The folder of the app's own virtual environment, or None."""
    for name in VENV_NAMES:
        folder = os.path.join(root, name)
        python = venv_python(folder)
        if os.path.isfile(python) and os.access(python, os.X_OK):
            return folder
    return None


def app_python(root: str, default: str) -> str:
    """The interpreter that runs the app at ``root``: its own environment's, else ``default``."""
    venv = app_venv(root)
    return default if venv is None else venv_python(venv)


_VERSION_DIR = compiled_on_use(r"python(\d+)\.(\d+)$")


def app_python_version(root: str) -> tuple[int, int] | None:
    """The (major, minor) Python of the app's own environment, from its pyvenv.cfg —
    ``version = 3.11.4`` as the standard venv writes it (Lib/venv/__init__.py,
    create_configuration), ``version_info = 3.11.4.final.0`` as virtualenv and uv do — else
    from its ``lib/pythonX.Y`` folder. None when the app has no environment of its own."""
    venv = app_venv(root)
    if venv is None:
        return None
    found: dict[str, str] = {}
    try:
        with open(os.path.join(venv, "pyvenv.cfg"), encoding="utf-8", errors="replace") as f:
            lines = f.read(65536).splitlines()
    except OSError:
        lines = []
    for line in lines:
        key, sep, value = line.partition("=")
        if sep:
            found.setdefault(key.strip().lower().replace("-", "_"), value.strip())
    for key in ("version_info", "version"):
        match = re.match(r"(\d+)\.(\d+)", found.get(key, ""))
        if match:
            return int(match[1]), int(match[2])
    try:
        names = sorted(os.listdir(os.path.join(venv, "lib")), reverse=True)
    except OSError:
        return None
    for name in names:
        match = _VERSION_DIR.match(name)
        if match:
            return int(match[1]), int(match[2])
    return None


def app_site_packages(root: str) -> str | None:
    """The site-packages folder of the app's own environment, if it has one."""
    venv = app_venv(root)
    return None if venv is None else venv_site_packages(venv)


def venv_site_packages(venv: str) -> str | None:
    """The site-packages folder inside the environment folder ``venv`` (Windows' ``Lib`` or
    POSIX ``lib/pythonX.Y``, the newest first), if there is one."""
    for lib in ("lib", "Lib"):
        libdir = os.path.join(venv, lib)
        direct = os.path.join(libdir, "site-packages")
        if os.path.isdir(direct):
            return direct
        try:
            pythons = sorted(os.listdir(libdir), reverse=True)
        except OSError:
            continue
        for py in pythons:
            site = os.path.join(libdir, py, "site-packages")
            if py.startswith("python") and os.path.isdir(site):
                return site
    return None
