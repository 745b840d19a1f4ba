"""Where things live for an editor: the file a finding on a folder is shown on (:func:`shown`),
and the app a document or workspace folder lies in when the editor's root is inside that app
(:func:`app_root_above`).

Some findings belong to a folder, not a file: AZF100 on a folder named ``function.json`` ("it
is a folder, not a file"), AZF408 on the root of a v1 app that has neither host.json nor any
other app file to put it on. ``funcls check`` prints them at the folder. An editor cannot open a
folder as a document: Neovim and Emacs show nothing for its URI and VS Code's Problems view
lists it but fails to open it. So an editor is given the finding on a file next to the folder
the user would open to fix it (:func:`home`): the function's script for a ``function.json``
folder, the app's own files for an app root. Only a folder with no such file keeps the finding
on its own URI (VS Code still lists it).

An editor started inside an app (``cd app/HttpTrigger1 && nvim __init__.py``, Emacs' eglot on
a file with no VCS around it) gives the function folder, or blueprints/, as the workspace
root; the apps found below it are none. :func:`app_root_above` walks up from there to the
app's host.json, asking each folder on the way for two names only, and never past the
user's home folder, the file system's root or a VCS root: a home folder or ``/`` is never
taken for an app (a stray host.json there would index every file below it).

Plain Python (no lsprotocol): ``early_diagnostics`` uses it before the server is imported.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace

from funcls.checks.findings import Finding, with_echoes
from funcls.model.locations import Location

# A folder holding one of these is a repository's root: an app is not looked for above it.
_VCS_MARKERS = (".git", ".hg", ".svn", ".jj", ".bzr")
_HOST_JSON = "host.json"  # as model.loader.HOST_JSON
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


def _marks(folder: str, name: str) -> bool:
    try:
        os.lstat(os.path.join(folder, name))
    except (OSError, ValueError):
        return False
    return True


def app_root_above(path: str, home: str | None = None) -> str | None:
    """The app root (a folder with host.json) that the document or folder ``path`` lies in,
    looked for from ``path``'s folder (``path`` itself when it is a folder) upwards; None when
    none is found before the user's ``home`` folder (by default ``~``), the file system's root
    or a VCS root (which is asked, then the walk stops). Neither ``home`` nor ``/`` is ever an
    answer."""
    home_dir = os.path.normpath(os.path.abspath(home or os.path.expanduser("~")))
    p = os.path.normpath(os.path.abspath(path))
    folder = p if os.path.isdir(p) else os.path.dirname(p)
    while True:
        parent = os.path.dirname(folder)
        if parent == folder or folder == home_dir:
            return None
        host = os.path.join(folder, _HOST_JSON)
        if _marks(folder, _HOST_JSON) and not os.path.isdir(host):
            return folder
        if any(_marks(folder, name) for name in _VCS_MARKERS):
            return None
        folder = parent
