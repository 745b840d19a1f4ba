"""All the apps under a set of folders, kept current one changed file at a time."""

from __future__ import annotations

import json
import os
import re
import stat
import threading
from collections.abc import Callable

from funcls.model.appmodel import App
from funcls.model.lazy_re import compiled_on_use
from funcls.model.loader import DEFAULT_SCRIPT, HOST_JSON, LOCAL_SETTINGS, load_app
from funcls.model.source import SKIP_DIRS, Source, inside

# Files whose creation or deletion can add or remove an app root.
ROOT_MARKERS = (HOST_JSON, DEFAULT_SCRIPT)


def find_app_roots(folder: str, source: Source | None = None) -> list[str]:
    """Every app root under ``folder``: folders with host.json; outside an app, folders with
    function_app.py or with v1 function folders (function.json one level down) and no
    host.json (the app then gets AZF408, rather than not being found). The same holds inside
    an app, except in its v1 function folders."""
    folder = os.path.normpath(os.path.abspath(folder))
    roots: list[str] = []
    stack: list[tuple[str, bool]] = [(folder, False)]
    read = source.text if source is not None else _read_text
    # Without a source, each path's status is asked of the system once per search: a folder's
    # marker files were asked for again as the subfolders of its parent (issue 16).
    stats: dict[str, int | None] = {}

    def mode(path: str) -> int | None:
        try:
            return stats[path]
        except KeyError:
            pass
        try:
            found: int | None = os.stat(path).st_mode
        except (OSError, ValueError):
            found = None
        stats[path] = found
        return found

    def is_file(path: str) -> bool:
        if source is not None:
            return source.is_file(path)
        m = mode(path)
        return m is not None and stat.S_ISREG(m)

    def present(path: str) -> bool:
        # A FIFO or device named host.json or function.json still marks an app (the loader
        # reports it, AZF100) instead of the app vanishing without a word.
        if source is not None:
            return source.is_file(path) or source.special(path) is not None
        m = mode(path)
        return m is not None and not stat.S_ISDIR(m)

    # Unsaved editor buffers may name files not yet on disk: then every path is asked.
    overlays = source is not None and bool(source.overlays)

    while stack:
        d, inside = stack.pop()
        try:
            entries = list(os.scandir(d))
        except OSError:
            entries = None
        # The names the folder lists, ignoring case: a marker file of the folder that is not
        # among them is not there on any file system, and is not asked of the system (most
        # folders have none of the five asked for: issue 16).
        listed = {e.name.lower() for e in entries} if entries is not None and not overlays else None
        # The folder's files are named prefix + name: os.path.join's answer, without its
        # checks and without splitting the path again (531 folders of the 1,000-function
        # bench asked 2,133 joins and as many dirname/basename pairs, issue 16).
        prefix = d if d.endswith(os.sep) else d + os.sep

        # Whether the folder may have each marker file (lower-case names): listed, or no
        # listing to tell.
        if listed is None:
            maybe_host = maybe_script = maybe_settings = maybe_init = maybe_config = True
        else:
            maybe_host = HOST_JSON in listed
            maybe_script = DEFAULT_SCRIPT in listed
            maybe_settings = LOCAL_SETTINGS in listed
            maybe_init = "__init__.py" in listed
            maybe_config = "function.json" in listed
        has_host = maybe_host and present(prefix + HOST_JSON)
        entries = entries or []
        subdirs: list[str] = []
        for e in entries:
            if e.name in SKIP_DIRS or e.name.startswith("."):
                continue
            try:
                if e.is_dir(follow_symlinks=False):
                    subdirs.append(e.path)
            except OSError:
                continue
        # Inside an app, a folder that is not one of its v1 functions and has a script or
        # function folders of its own is another app (the worker's test apps nest like that).
        # A function_app.py inside a Python package (azure/functions/decorators/ in the
        # library itself) is a module of that package, not an app's script.
        script = (
            (maybe_script and present(prefix + DEFAULT_SCRIPT))
            or (maybe_settings and _named_script(d, _here_file(prefix, listed, is_file), read))
        ) and not (maybe_init and is_file(prefix + "__init__.py"))
        # Inside an app, a Python package without host.json (blueprints/scheduling/ with an
        # __init__.py) is a part of that app: the host reads function.json one level below the
        # script root only, and the worker imports the package as the app's module.
        is_root = has_host or (
            not (inside and maybe_config and is_file(prefix + "function.json"))
            and not (inside and maybe_init and is_file(prefix + "__init__.py"))
            and (script or any(present(s + os.sep + "function.json") for s in subdirs))
        )
        if (
            is_root
            and not script
            and _other_language_app(d, entries, subdirs, _here_file(prefix, listed, is_file), read)
        ):
            is_root = False
        if (
            is_root
            and script
            and not has_host
            and not inside
            and not any(present(s + os.sep + "function.json") for s in subdirs)
            and _unrelated_program(read(os.path.join(d, DEFAULT_SCRIPT)))
        ):
            is_root = False
        if is_root:
            roots.append(d)
        for sub in subdirs:
            stack.append((sub, inside or is_root))
    return sorted(roots)


def _here_file(
    prefix: str, listed: set[str] | None, is_file: Callable[[str], bool]
) -> Callable[[str], bool]:
    """``is_file`` for the paths the helpers below ask about a folder (whose files are named
    ``prefix`` + name): a file of the folder itself that its listing ``listed`` (lower-case
    names, None when unknown) lacks is not asked of the system."""

    def here_file(path: str) -> bool:
        if listed is not None and path.startswith(prefix):
            name = path[len(prefix) :]
            if (
                os.sep not in name
                and not (os.altsep and os.altsep in name)
                and name.lower() not in listed
            ):
                return False
        return is_file(path)

    return here_file


# Files that make a folder a project of another language's Functions worker.
_OTHER_PROJECT_FILES = (
    "package.json",
    "pom.xml",
    "build.gradle",
    "profile.ps1",
    "requirements.psd1",
)
_OTHER_PROJECT_SUFFIXES = (".csproj", ".fsproj", ".vbproj")
_OTHER_SCRIPTS = (".js", ".mjs", ".cjs", ".ts", ".csx", ".fsx", ".cs", ".ps1", ".psm1", ".dll")


def _other_language_app(
    folder: str,
    entries: list[os.DirEntry[str]],
    subdirs: list[str],
    is_file: Callable[[str], bool],
    read: Callable[[str], str | None],
) -> bool:
    """Whether the app at ``folder`` is certainly another language's (C#, JavaScript,
    TypeScript, Java, PowerShell, a custom handler): no Python file at its root or in its
    function folders, and something that names another worker: FUNCTIONS_WORKER_RUNTIME set
    to another runtime in local.settings.json, a function.json whose scriptFile is not Python
    (index.js, a .dll, run.ps1), another language's script in a function folder or at the root
    (a custom handler's server.js), or another language's project file. The host starts one
    language worker per app, so the Python worker never loads it and funcls has nothing to
    check there (its scriptFiles are not Python files, it has no requirements.txt); a folder
    with nothing either way stays an app (a new Python app may have only host.json yet)."""
    if any(e.name.endswith(".py") for e in entries):
        return False
    function_files: list[str] = []
    other_scripts = False
    for sub in subdirs:
        try:
            names = os.listdir(sub)
        except OSError:
            continue
        if any(n.endswith(".py") for n in names):
            return False
        if "function.json" in names:
            function_files.append(os.path.join(sub, "function.json"))
            # Without scriptFile the host takes the folder's script by its language's
            # convention (index.js, run.csx, run.ps1).
            other_scripts = other_scripts or any(n.endswith(_OTHER_SCRIPTS) for n in names)
    if other_scripts or any(
        e.name in _OTHER_PROJECT_FILES or e.name.endswith(_OTHER_PROJECT_SUFFIXES + _OTHER_SCRIPTS)
        for e in entries
    ):
        return True
    settings = os.path.join(folder, LOCAL_SETTINGS)
    if is_file(settings):
        try:
            values = json.loads((read(settings) or "").lstrip("\ufeff")).get("Values")
        except (ValueError, AttributeError):
            values = None
        runtime = values.get("FUNCTIONS_WORKER_RUNTIME") if isinstance(values, dict) else None
        if isinstance(runtime, str) and runtime.strip() and runtime.strip().lower() != "python":
            return True
    for path in function_files:
        try:
            config = json.loads((read(path) or "").lstrip("\ufeff"))
        except ValueError:
            continue
        script = config.get("scriptFile") if isinstance(config, dict) else None
        if isinstance(script, str) and script.strip() and not script.strip().endswith(".py"):
            return True
    return False


# What a script that makes a Functions app names somewhere: the library (azure.functions,
# azurefunctions.extensions, azure.durable_functions), its app and blueprint classes.
_FUNCTIONS_WORDS = compiled_on_use(r"azure|FunctionApp|Blueprint|DFApp|FunctionRegister", re.I)
# A decorator on an attribute (@app.route(...), @bp.timer_trigger(...)): an app object
# imported from elsewhere registering functions.
_ATTRIBUTE_DECORATOR = compiled_on_use(r"^[ \t]*@[A-Za-z_]\w*\.[A-Za-z_]", re.M)


def _unrelated_program(text: str | None) -> bool:
    """Whether function_app.py, in a folder with no host.json (nor any above it) and no
    function.json folders, is a program that only shares the name: it has code, yet names
    neither azure (no azure.functions import, no azurefunctions extension) nor an app or
    blueprint class, and decorates nothing with an attribute of an object (@app.route). Such a
    folder is not taken for an app. Corpus (seventh round): Splroak/add_member_telegram's
    src/function_app.py is a PyQt5 desktop program; funcls reported AZF408 and seven AZF605
    errors there. Of the 436 v2 scripts of the corpus, it is the only one without any of these
    words and without host.json; an empty new function_app.py stays an app."""
    if text is None or not text.strip():
        return False
    return _FUNCTIONS_WORDS.search(text) is None and _ATTRIBUTE_DECORATOR.search(text) is None


def not_an_app_message(folder: str) -> str:
    """The usage error for a folder where funcls finds no app: it says why when the folder's
    function_app.py is a program that only shares the name (``_unrelated_program``)."""
    message = f"no Azure Functions app under '{folder}' (looked for host.json or function_app.py)"
    script = os.path.join(folder, DEFAULT_SCRIPT)
    if _unrelated_program(_read_text(script)):
        message += (
            f": {script} names nothing of azure.functions (no import, no "
            "FunctionApp or Blueprint) and there is no host.json, so it is taken for another "
            "program; if it is a Functions app, add host.json beside it"
        )
    return message


def _read_text(path: str) -> str | None:
    if not os.path.isfile(path):  # a FIFO would block open() until a writer came
        return None
    try:
        with open(path, encoding="utf-8-sig") as f:
            return f.read()
    except (OSError, ValueError):
        return None


def _named_script(
    folder: str, is_file: Callable[[str], bool], read: Callable[[str], str | None]
) -> bool:
    """local.settings.json names a v2 script other than function_app.py
    (PYTHON_SCRIPT_FILE_NAME) and that file is there."""
    path = os.path.join(folder, LOCAL_SETTINGS)
    if not is_file(path):
        return False
    try:
        values = json.loads((read(path) or "").lstrip("\ufeff")).get("Values")
    except (ValueError, AttributeError):
        return False
    name = values.get("PYTHON_SCRIPT_FILE_NAME") if isinstance(values, dict) else None
    if not isinstance(name, str) or not name.strip():
        return False
    script = os.path.join(folder, name.strip())
    return inside(folder, script) and is_file(script)


class Workspace:
    """The index of every app under the workspace folders, plus explicit extra app roots."""

    def __init__(
        self,
        folders: list[str],
        source: Source | None = None,
        extra_roots: list[str] | None = None,
    ) -> None:
        self.folders = [os.path.normpath(os.path.abspath(f)) for f in folders]
        self.extra_roots = [os.path.normpath(os.path.abspath(r)) for r in (extra_roots or [])]
        # Apps above the folders: the app root of a workspace folder or an opened document
        # that lies inside an app (an editor started in a v1 function folder). The server
        # finds them (lsp/homes.app_root_above); each is an app while its host.json is there.
        self.above_roots: list[str] = []
        self.source = source or Source()
        self.apps: dict[str, App] = {}
        self._lock = threading.RLock()

    # -- whole index -------------------------------------------------------------------------
    def roots(self) -> list[str]:
        found: set[str] = set(self.extra_roots)
        found.update(r for r in self.above_roots if self.source.is_file(os.path.join(r, HOST_JSON)))
        for f in self.folders:
            found.update(find_app_roots(f, self.source))
        return sorted(found)

    def index_all(self) -> dict[str, App]:
        with self._lock:
            self.apps = {r: load_app(r, self.source) for r in self.roots()}
            return self.apps

    # -- lookups -----------------------------------------------------------------------------
    def app_for_path(self, path: str) -> App | None:
        p = os.path.normpath(os.path.abspath(path))
        best: App | None = None
        for root, app in self.apps.items():
            if (p == root or p.startswith(root + os.sep)) and (
                best is None or len(root) > len(best.root)
            ):
                best = app
        return best

    def root_for_new_file(self, path: str) -> str | None:
        """The app root a newly created file belongs to, if any."""
        p = os.path.normpath(os.path.abspath(path))
        d = os.path.dirname(p)
        while True:
            if self.source.is_file(os.path.join(d, HOST_JSON)):
                return d
            parent = os.path.dirname(d)
            if parent == d or not any(d.startswith(f) for f in self.folders):
                return None
            d = parent

    # -- changes -----------------------------------------------------------------------------
    def changed(self, path: str) -> list[str]:
        """A file changed (edited, created or deleted): re-index the app(s) it belongs to.

        Only ``path`` is re-read; every other file comes from the parse cache.
        Returns the roots that were re-indexed.
        """
        p = os.path.normpath(os.path.abspath(path))
        self.source.forget(p)
        with self._lock:
            if os.path.basename(p) in ROOT_MARKERS:
                before = set(self.apps)
                after = set(self.roots())
                for gone in before - after:
                    self.apps.pop(gone, None)
                touched = sorted(after - before)
                for r in touched:
                    self.apps[r] = load_app(r, self.source)
                app = self.app_for_path(p)
                if app is not None and app.root not in touched:
                    self.apps[app.root] = load_app(app.root, self.source)
                    touched.append(app.root)
                return touched
            app = self.app_for_path(p)
            if app is None:
                return []
            self.apps[app.root] = load_app(app.root, self.source)
            return [app.root]

    def open_document(self, path: str, version: int, text: str) -> list[str]:
        self.source.open(path, version, text)
        return self.changed(path)

    def close_document(self, path: str) -> list[str]:
        self.source.close(path)
        return self.changed(path)
