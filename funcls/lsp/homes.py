"""Where an editor shows a finding whose location is a folder.

Some findings belong to a folder, not a file: AZF100 on a folder named ``function.json`` ("it
is a folder, not a file"), AZF408 on the root of a v1 app that has neither host.json nor any
other app file to put it on. ``funcls check`` prints them at the folder. An editor cannot open a
folder as a document: Neovim and Emacs show nothing for its URI and VS Code's Problems view
lists it but fails to open it. So an editor is given the finding on a file next to the folder
the user would open to fix it (:func:`home`): the function's script for a ``function.json``
folder, the app's own files for an app root. Only a folder with no such file keeps the finding
on its own URI (VS Code still lists it).

Plain Python (no lsprotocol): ``early_diagnostics`` uses it before the server is imported.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace

from funcls.checks.findings import Finding, with_echoes
from funcls.model.locations import Location

# The v1 worker's default scripts, in the order it tries them (then any other .py file).
_SCRIPTS = ("__init__.py", "main.py")
# The files of an app root a user opens first.
_APP_FILES = ("function_app.py", "host.json", "requirements.txt", "local.settings.json")


def _regular(path: str) -> bool:
    try:
        return os.path.isfile(path) and not os.path.islink(path)
    except OSError:
        return False


def _first_py(folder: str) -> str | None:
    try:
        names = sorted(e.name for e in os.scandir(folder) if e.name.endswith(".py"))
    except OSError:
        return None
    for name in names:
        if _regular(os.path.join(folder, name)):
            return os.path.join(folder, name)
    return None


def _script_of(folder: str) -> str | None:
    for name in _SCRIPTS:
        if _regular(os.path.join(folder, name)):
            return os.path.join(folder, name)
    return _first_py(folder)


def home(folder: str) -> str | None:
    """The file an editor shows a finding about ``folder`` on, or None when there is none."""
    folder = os.path.normpath(folder)
    if os.path.basename(folder) == "function.json":
        # A folder where the function's configuration should be: the function's script.
        return _script_of(os.path.dirname(folder))
    for name in _APP_FILES:
        if _regular(os.path.join(folder, name)):
            return os.path.join(folder, name)
    # A v1 app root: the first function's function.json, else its script.
    try:
        subs = sorted(e.path for e in os.scandir(folder) if e.is_dir(follow_symlinks=False))
    except OSError:
        subs = []
    for sub in subs:
        config = os.path.join(sub, "function.json")
        if _regular(config):
            return config
    return _script_of(folder)


def shown(findings: Iterable[Finding]) -> list[Finding]:
    """What an editor shows (``with_echoes``), each finding on a folder moved to its
    :func:`home` file when it has one."""
    out: list[Finding] = []
    for f in with_echoes(findings):
        if f.path and os.path.isdir(f.path):
            target = home(f.path)
            if target is not None:
                f = replace(f, location=Location(target, f.range))
        out.append(f)
    return out
