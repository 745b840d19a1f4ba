"""AZF605: imports that will not resolve after deployment.

The deployment installs what requirements.txt lists (and what those packages require) into
the app; the worker imports function_app.py, its blueprints and v1 scripts, and every module
they import must then be in the standard library, in the app folder, or installed. A module
that is none of those stops the import: the worker reports a ModuleNotFoundError and the app
shows no functions. Nothing is imported or run here: the app's environment, when it has one
(.venv, venv, .python_packages), is read from its ``*.dist-info`` files.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from dataclasses import field

from funcls.checks.context import Context
from funcls.checks.edits import append_line, fix, fixes
from funcls.checks.findings import Severity
from funcls.checks.registry import checker
from funcls.model.distributions import (
    Installed,
    capped_below,
    distribution_for,
    find_site_packages,
    follow_table,
    moved_module,
    normalise,
    providers_of,
    read_installed,
)
from funcls.model.fastclass import dataclass
from funcls.model.locations import Range
from funcls.model.python.module import ImportRecord, ModuleInfo

STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}
# Left to their own rules (AZF601: azure-functions, AZF309: the durable package) or always
# there (the worker itself, the app's own v1 namespace).
_ELSEWHERE = ("azure.functions", "azure.durable_functions", "azure_functions_worker", "__app__")
# A bare `import azure` is the namespace package: azure-functions itself ships azure/__init__.py
# (a pkgutil namespace; Azure/azure-functions-python-library, azure/__init__.py), so it is there
# whenever azure.functions is, and AZF601 asks for that. PyPI's 'azure' is the retired
# meta-package, whose install fails: never the fix.
# requirements.txt lines whose distribution funcls cannot name.
_EXTRAS = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*\[([^\]]*)\]")
_OPAQUE = re.compile(r"^\s*(-r|--requirement|-c|--constraint|-e|--editable|\S+://|git\+|\.|/)")


# What the Python worker itself installs (its pyproject.toml dependencies): up to Python 3.12
# the worker's packages follow the app's on sys.path, so these import even when the app does
# not list them; from 3.13 the app is isolated from them. A warning, not an error.
_WORKER_PROVIDED = frozenset(
    {
        "python-dateutil",
        "six",
        "protobuf",
        "grpcio",
        "grpcio-tools",
        "azurefunctions-extensions-base",
    }
)
# Distributions whose requirements are known without the app's environment, so that a module
# they do not bring is certainly missing (azure-functions requires only werkzeug, which the
# dependency table follows).
_NO_DEPENDENCIES = frozenset({"azure-functions"})


# Python 2 standard-library modules, renamed in Python 3: no package provides them.
_PYTHON2 = {
    "httplib": "http.client",
    "urllib2": "urllib.request",
    "urlparse": "urllib.parse",
    "ConfigParser": "configparser",
    "Queue": "queue",
    "StringIO": "io",
    "cStringIO": "io",
    "cPickle": "pickle",
    "HTMLParser": "html.parser",
    "cookielib": "http.cookiejar",
    "Cookie": "http.cookies",
    "SocketServer": "socketserver",
    "xmlrpclib": "xmlrpc.client",
    "__builtin__": "builtins",
    "commands": "subprocess",
}


@dataclass(slots=True)
class _Declared:
    names: set[str]  # normalised distributions requirements.txt / pyproject.toml declare
    where: str  # the file to add to
    complete: bool  # every line named its distribution
    exists: bool = True  # False: no requirements.txt at all (AZF601 offers to create it)
    extras: dict[str, set[str]] = field(default_factory=dict)  # `fastapi[standard]`


def _declared(ctx: Context) -> _Declared:
    app = ctx.app
    if app.requirements_path is not None:
        text = ctx.text(app.requirements_path) or ""
        # Unread (a FIFO…: AZF601 says so): what it lists is unknown, so nothing is "missing".
        complete = app.requirements_unreadable is None and not any(
            _OPAQUE.match(line) for line in text.split("\n")
        )
        names = {normalise(r.name) for r in app.requirements}
        extras: dict[str, set[str]] = {}
        for r in app.requirements:
            m = _EXTRAS.match(r.text)
            if m:
                extras[normalise(r.name)] = {e.strip() for e in m.group(1).split(",") if e.strip()}
        return _Declared(names, app.requirements_path, complete, extras=extras)
    if app.pyproject is not None and app.pyproject.error is None:
        return _Declared(set(app.pyproject.dependencies), app.pyproject.path, True)
    # Nothing lists any package: nothing is installed, whatever the code imports.
    return _Declared(set(), os.path.join(app.root, "requirements.txt"), True, exists=False)


def _own_names(ctx: Context, modules: list[ModuleInfo]) -> set[str]:
    """Top-level names the app itself provides: modules and packages at its root, and, when a
    file edits sys.path (src/ layouts), those one folder further down as well."""
    source = ctx.app.source
    listdir = source.listdir if source is not None else os.listdir
    root = ctx.app.root
    out: set[str] = set()
    folders = [root]
    if any("sys.path" in (ctx.text(m.path) or "") for m in modules):
        folders += [
            os.path.join(root, n)
            for n in listdir(root)
            if not n.startswith(".") and os.path.isdir(os.path.join(root, n))
        ]
    for folder in folders:
        for name in listdir(folder):
            if name.endswith(".py"):
                out.add(name[:-3])
            elif os.path.isdir(os.path.join(folder, name)) and not name.startswith("."):
                out.add(name)
    return out


def local_module(ctx: Context, rec: ImportRecord, from_path: str) -> str | None:
    """The app file an import names (absolute from the app root, or relative), if any.
    Remembered for the check: several checkers ask about every import (issue 16)."""
    key = (rec.level, rec.module, rec.name, os.path.dirname(from_path) if rec.level else None)
    known: dict[tuple[int, str, str | None, str | None], str | None] | None = ctx.memo.get(
        "local_modules"
    )
    if known is None:
        known = ctx.memo["local_modules"] = {}
    try:
        return known[key]
    except KeyError:
        pass
    found = known[key] = _local_module(ctx, rec, from_path)
    return found


def _local_module(ctx: Context, rec: ImportRecord, from_path: str) -> str | None:
    if rec.level:
        base = os.path.dirname(from_path)
        for _ in range(rec.level - 1):
            base = os.path.dirname(base)
    else:
        base = ctx.app.root
    parts = [p for p in rec.module.split(".") if p]
    candidates = []
    if rec.name is not None:
        candidates.append(os.path.join(base, *parts, rec.name))
    candidates.append(os.path.join(base, *parts))
    source = ctx.app.source
    is_file = source.is_file if source is not None else os.path.isfile
    for target in candidates:
        for path in (target + ".py", os.path.join(target, "__init__.py")):
            if is_file(path):
                return os.path.normpath(path)
    return None


def app_modules(ctx: Context) -> list[ModuleInfo]:
    """The modules the worker imports: the v2 script and its blueprints, v1 scripts, and the
    app files those import at their top level, transitively. Found once per check (three
    checkers ask: issue 16)."""
    found: list[ModuleInfo] | None = ctx.memo.get("app_modules")
    if found is None:
        found = ctx.memo["app_modules"] = _app_modules(ctx)
    return list(found)


def shielded_modules(ctx: Context) -> frozenset[str]:
    """The paths of app_modules' modules the worker's import reaches only through imports under
    try/except ImportError (or `if TYPE_CHECKING:`), with what they import in turn: a module
    missing there fails the guarded import, which the handler catches. Corpus (eleventh round,
    sjlee-git/dpweather): a copy of beautifulsoup4 in the app folder, whose bs4/builder imports
    _html5lib and _lxml in try/except ImportError; AZF605 warned about html5lib and lxml."""
    app_modules(ctx)
    shielded: frozenset[str] = ctx.memo["shielded_modules"]
    return shielded


def _app_modules(ctx: Context) -> list[ModuleInfo]:
    app = ctx.app
    start = [p for p in sorted(app.files) if p.endswith(".py")]
    start += [f.script_path for f in app.functions if f.script_path and f.script_exists]
    # path -> whether it is reached only through guarded imports so far; a module first reached
    # shielded and later without a guard is walked again, unshielded.
    seen: dict[str, bool] = {}
    out: list[ModuleInfo] = []
    stack = [(p, False) for p in dict.fromkeys(start)]
    while stack and len(seen) < 2000:
        path, shielded = stack.pop()
        before = seen.get(path)
        if before is False or (before is True and shielded) or not path.endswith(".py"):
            continue
        seen[path] = shielded
        module = ctx.module(path)
        if module is None:
            continue
        if before is None:
            out.append(module)
        for rec in module.import_records:
            local = local_module(ctx, rec, path)
            if local is not None and seen.get(local) is not False:
                under = shielded or rec.guarded or rec.fallback
                stack.append((local, under))
                stack.extend((init, under) for init in _package_inits(app.root, local))
    ctx.memo["shielded_modules"] = frozenset(p for p, s in seen.items() if s)
    return out


def _package_inits(root: str, path: str) -> list[str]:
    """The ``__init__.py`` of each package above ``path`` inside the app: importing
    ``scripts.common`` runs ``scripts/__init__.py`` first, and what it does (a ``sys.path``
    edit that lets ``scripts/common.py`` be imported as ``common``) holds for the modules after
    it. Corpus (eighth round): pzohaycuoi/azure-prepare-docs-for-gpt's scripts/__init__.py puts
    its own folder on sys.path; AZF605 warned that 'common', 'azblobhanlder' and
    'documentsplitter' were below the app root and would not import."""
    out: list[str] = []
    folder = os.path.dirname(path)
    while folder != root and folder.startswith(root + os.sep):
        out.append(os.path.join(folder, "__init__.py"))
        folder = os.path.dirname(folder)
    return out


def _installed(site: str) -> Installed:
    """The environment's metadata, read again only when site-packages changes (a package
    installed or removed changes the folder's modification time)."""
    try:
        stamp = os.stat(site).st_mtime_ns
    except OSError:
        stamp = 0
    return _read_installed_cached(site, stamp)


@functools.lru_cache(maxsize=8)
def _read_installed_cached(site: str, stamp: int) -> Installed:
    return read_installed(site)


def _providers(installed: Installed, module: str) -> set[str]:
    parts = module.split(".")
    found = installed.modules.get(parts[0], set())
    if len(found) > 1:
        # A namespace package (azure.*): the distribution named after the dotted path.
        named = normalise(distribution_for(module))
        if named in found:
            return {named}
    return found


# Namespace packages whose distributions are named after a dotted path of the module.
_NAMESPACES = frozenset({"azure", "azurefunctions", "google", "opencensus"})


def _dotted_names(module: str) -> set[str]:
    """The distributions a module of a namespace package may come from, named after each of
    its dotted paths of two parts or more: azure.monitor.events.extension is installed by
    azure-monitor-events-extension, a name distribution_for's groups do not reach (corpus,
    eighth round: implodingduck/azure-openai-function lists it and was told to add
    'azure-monitor-events'). A listed distribution of one of these names provides the module."""
    parts = module.split(".")
    if parts[0] not in _NAMESPACES:
        return set()
    return {normalise("-".join(parts[:n])) for n in range(2, len(parts) + 1)}


@checker("AZF605")
def deployed_imports(ctx: Context) -> None:
    declared = _declared(ctx)
    if not declared.complete:
        return
    modules = app_modules(ctx)
    # The app's own top-level names and its environment, read when an import needs them
    # (issue 16: on most apps every import is of the standard library or the worker's, and
    # listing the root asked the system about each folder of it).
    own: list[set[str]] = []
    environment: list[tuple[Installed | None, set[str], bool, list[str]]] = []

    def own_names() -> set[str]:
        if not own:
            own.append(_own_names(ctx, modules))
        return own[0]

    def env() -> tuple[Installed | None, set[str], bool, list[str]]:
        if not environment:
            site = find_site_packages(ctx.app.root)
            installed = _installed(site) if site is not None else None
            unknown: set[str] = set()
            if installed is not None:
                closure = installed.closure(declared.names)
            else:
                # No environment: follow the listed packages through the table of what their
                # current releases require (corpus: 25 of 30 sampled warnings were modules
                # that came that way, requests through the Azure SDKs, PyJWT through msal).
                closure, unknown = follow_table(declared.names, declared.extras)
            # Without the environment (or with declared packages missing from it) funcls
            # cannot know what the listed packages pull in: a warning, not an error.
            certain = declared.names <= _NO_DEPENDENCIES or (
                installed is not None and all(n in installed.requires for n in declared.names)
            )
            environment.append((installed, closure, certain, sorted(unknown - _NO_DEPENDENCIES)))
        return environment[0]

    reported: set[tuple[str, str]] = set()
    shielded = shielded_modules(ctx)
    for module in modules:
        if module.path in shielded:
            continue
        for rec in module.import_records:
            # A fallback in an ImportError handler runs only when the try's own import
            # failed: whether it is needed depends on that one (silent, as for the guarded).
            if rec.level or rec.guarded or rec.fallback or not (rec.module or rec.name):
                continue
            # `from azure import functions`, `from yaml import safe_load`: the attribute may be
            # a submodule, which names the distribution of a namespace package.
            name = ".".join(p for p in (rec.module, rec.name) if p) if rec.name else rec.module
            top = name.split(".")[0]
            if top in STDLIB or name.startswith(_ELSEWHERE) or name == "azure":
                continue
            if top in own_names():
                continue
            # Only for an import neither the standard library's nor the app's own (issue 16:
            # an app importing only those does not load the module).
            from funcls.checks.import_places import (
                nested_folder,
                on_pypi,
                other_case,
                repository_folder,
            )

            cased = other_case(own_names(), top)
            if (
                cased is not None
                and normalise(top) not in declared.names
                and normalise(top) not in on_pypi()
            ):
                # Corpus (seventh round, AbakusNantis/freelance-bot): 'from ScrapeNewEntries
                # import ...' beside scrapeNewEntries.py; AZF605 asked to add
                # 'ScrapeNewEntries' to requirements.txt.
                ctx.emit(
                    "AZF605",
                    f"'{top}' is imported by {ctx.rel(module.path)}, but the app's module is "
                    f"'{cased}', whose name differs in case: Python's import matches the "
                    "case exactly (on Windows and macOS too), so the worker fails with "
                    "ModuleNotFoundError and the app shows no functions; import "
                    f"'{cased}', or rename the module",
                    module.path,
                    Range(rec.range.start, rec.range.end),
                )
                continue
            if top in _PYTHON2:
                ctx.emit(
                    "AZF605",
                    f"'{top}' is imported by {ctx.rel(module.path)}, but it is a Python 2 "
                    "module that Python 3 does not have, so the worker fails with "
                    f"ModuleNotFoundError and the app shows no functions: use '{_PYTHON2[top]}'",
                    module.path,
                    Range(rec.range.start, rec.range.end),
                )
                continue
            dist = distribution_for(name)
            named = {normalise(d) for d in providers_of(name)} | _dotted_names(name)
            moved = moved_module(name)
            if moved is not None and env()[0] is None:
                # Without an environment, what is installed is the current release, which no
                # longer has the module, unless requirements.txt keeps the distribution below
                # the release that renamed it.
                owner, major, _since = moved
                line = next((r for r in ctx.app.requirements if r.name == owner), None)
                if line is not None and capped_below(line.text, major):
                    continue
                if line is not None:
                    _emit_moved(ctx, module.path, rec, rec.module or name, moved, declared)
                    continue
                dist, named = f"{owner}<{major}", set()
            elif named & declared.names:
                continue
            installed, closure, certain, unknown = env()
            if installed is not None:
                providers = _providers(installed, name)
                if providers & closure:
                    continue
            elif named & closure:
                continue
            key = (module.path, normalise(dist))
            if key in reported:
                continue
            reported.add(key)
            worker = normalise(dist) in _WORKER_PROVIDED
            # A distribution the table knows is on PyPI: the fix is to list it. One it does
            # not may be the app's own code in the wrong place.
            known = moved is not None or normalise(dist) in on_pypi()
            outside = repository_folder(ctx.app.root, top, siblings=not known)
            inside = None if known or outside is not None else nested_folder(ctx, top)
            if outside is not None and outside.split(os.sep)[0] not in (os.pardir, os.curdir):
                # The app's own src/ (repository_folder looks there first): inside the app
                # folder, below its root, not "a part of the repository outside the app
                # folder" (corpus, tenth round: a pyproject app importing cert_manager from
                # src/cert_manager).
                inside, outside = outside, None
            if inside is not None:
                _emit_nested(ctx, module.path, rec, rec.module or name, top, inside, certain)
                continue
            if outside is not None:
                where = ctx.rel(declared.where)
                _emit_outside(
                    ctx, module.path, rec, rec.module or name, top, outside, where, certain
                )
                continue
            _emit(
                ctx, module.path, rec, rec.module or name, dist, declared, certain, worker, unknown
            )


def _emit_nested(
    ctx: Context, path: str, rec: ImportRecord, name: str, top: str, folder: str, certain: bool
) -> None:
    parts = folder[:-3].split(os.sep) if folder.endswith(".py") else folder.split(os.sep)
    dotted = ".".join(parts) + name[len(top) :]
    how = (
        f"import it by its path from the app root ('{dotted}'), or move it to the root"
        if all(p.isidentifier() for p in parts)
        else "move it to the app root"
    )
    ctx.emit(
        "AZF605",
        f"'{name}' is imported by {ctx.rel(path)}, but '{top}' is {folder}, below the app "
        "root: the worker puts only the app root on sys.path, so the import fails with "
        f"ModuleNotFoundError and the app shows no functions; {how}",
        path,
        Range(rec.range.start, rec.range.end),
        severity=None if certain else Severity.WARNING,
    )


def _emit_moved(
    ctx: Context,
    path: str,
    rec: ImportRecord,
    name: str,
    moved: tuple[str, int, str],
    declared: _Declared,
) -> None:
    owner, major, since = moved
    where = ctx.rel(declared.where)
    ctx.emit(
        "AZF605",
        f"'{name}' is imported by {ctx.rel(path)}, but {owner} ships it only before {major}.0 "
        f"(since {major}.0 it is '{since}') and {where} does not keep {owner} below {major}.0, "
        "so the deployment installs a release without it: the worker fails with "
        "ModuleNotFoundError and the app shows no functions; pin "
        f"'{owner}<{major}' in {where}, or move to '{since}' and its API",
        path,
        Range(rec.range.start, rec.range.end),
        severity=Severity.WARNING,
    )


def _emit_outside(
    ctx: Context,
    path: str,
    rec: ImportRecord,
    name: str,
    top: str,
    folder: str,
    where: str,
    certain: bool,
) -> None:
    if folder == os.curdir:
        # The app folder's own name (corpus, seventh round: AnthonyJPerez/AutomatedBlog's
        # functions/function_app.py imports functions.scheduler after putting '..' on
        # sys.path, which works in the repository but not deployed). "'functions' is ., a
        # part of the repository outside the app folder" named no place to move anything.
        rest = name[len(top) + 1 :]
        how = f"import it as '{rest}'" if rest else "import the modules inside it by their names"
        ctx.emit(
            "AZF605",
            f"'{name}' is imported by {ctx.rel(path)}, but '{top}' is the name of the app "
            "folder itself: the worker puts the app folder on sys.path, not the folder above "
            "it, and a deployment carries only the folder's contents, so the import fails with "
            f"ModuleNotFoundError and the app shows no functions; {how}, from the app root",
            path,
            Range(rec.range.start, rec.range.end),
            severity=None if certain else Severity.WARNING,
        )
        return
    ctx.emit(
        "AZF605",
        f"'{name}' is imported by {ctx.rel(path)}, but '{top}' is {folder}, a part of the "
        "repository outside the app folder: the worker puts only the app folder on sys.path "
        "and a deployment carries only that folder, so the import fails with "
        "ModuleNotFoundError and the app shows no functions; move it into the app folder (or "
        f"publish it as a package and list that in {where})",
        path,
        Range(rec.range.start, rec.range.end),
        severity=None if certain else Severity.WARNING,
    )


def _emit(
    ctx: Context,
    path: str,
    rec: ImportRecord,
    name: str,
    dist: str,
    declared: _Declared,
    certain: bool,
    worker: bool,
    unknown: list[str],
) -> None:
    where = ctx.rel(declared.where)
    severity = None if certain else Severity.WARNING
    unless = "" if certain else " (unless a package it lists depends on it)"
    if unknown:
        # Some listed package's requirements are unknown without the environment: one of them
        # may bring the module, so funcls says what it could not follow and how to be sure.
        named = ", ".join(f"'{n}'" for n in unknown[:5]) + (", …" if len(unknown) > 5 else "")
        install = f"pip install -r {where}" if where.endswith(".txt") else "pip install ."
        unless = (
            f" unless {named} bring{'s' if len(unknown) == 1 else ''} it: funcls follows the "
            "other listed packages through its table of what they require, but not "
            f"{'this one' if len(unknown) == 1 else 'these'}, and the app has no .venv to "
            f"read; create one (python -m venv .venv, then {install}) to make this certain"
        )
        severity = Severity.INFO
    elif not certain:
        unless = " (nor does anything the packages it lists require, by their current releases)"
    if not declared.exists:
        unless = " (the app has none)"
        severity = None if certain else Severity.WARNING
    if worker:
        unless += "; the worker's own copy serves it up to Python 3.12, not from 3.13"
        severity = Severity.WARNING
    edit = (
        append_line(ctx, declared.where, dist)
        if where == "requirements.txt" and declared.exists
        else None
    )
    ctx.emit(
        "AZF605",
        f"'{name}' is imported by {ctx.rel(path)} but nothing in {where} provides it"
        f"{unless}; the deployment installs only what {where} lists, so the worker fails "
        f"with ModuleNotFoundError and the app shows no functions: add '{dist}' to {where}",
        path,
        Range(rec.range.start, rec.range.end),
        fixes=fixes(fix(f"Add {dist} to {where}", edit, preferred=True)),
        severity=severity,
    )
