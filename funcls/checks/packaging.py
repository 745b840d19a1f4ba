"""AZF600–AZF603: module names, requirements.txt, what gets published, Python syntax."""

from __future__ import annotations

import fnmatch
import os
import re
import sys

from funcls.checks.compile_errors import compile_error
from funcls.checks.context import Context
from funcls.checks.edits import append_line, delete_line, fix, fixes, replace
from funcls.checks.findings import Fix, Severity
from funcls.checks.packaging_rules import RULES
from funcls.checks.registry import REGISTRY, checker
from funcls.checks.scripts import custom_handler
from funcls.model.appmodel import App, Requirement
from funcls.model.distributions import distributions, third_party_imports
from funcls.model.lazy_re import compiled_on_use
from funcls.model.loader import script_registers_functions
from funcls.model.locations import Range
from funcls.model.source import SKIP_DIRS, Source

REGISTRY.add_rules(RULES)

# Standard-library names that nothing imports in practice; shadowing them is harmless.
_HARMLESS = frozenset({"test", "this", "antigravity", "idlelib", "turtledemo", "__main__"})
STDLIB = frozenset(
    n for n in sys.stdlib_module_names if not n.startswith("_") and n not in _HARMLESS
)
_STDLIB_DISTS = {n.replace("_", "-").lower(): n for n in STDLIB}
# Standard-library names whose PyPI project is an unrelated package under another module name:
# installing it is useless but shadows nothing (pip normalises 'datetime' to Zope's DateTime).
_UNRELATED_DISTS = {"datetime": "Zope's DateTime package (module DateTime)"}
# Backports that stopped installing the standard module's name: from this major release on,
# PyPI's configparser installs only backports.configparser (wheels 6.0.0: configparser/ and
# backports/; 7.0.0 and 7.2.0: backports/ alone), so an unpinned line (pip takes the newest) or
# a pin at or above it shadows nothing; an older pin still does.
_BACKPORTS_WITHOUT_MODULE = {"configparser": 7}
_VERSION_FLOOR = compiled_on_use(r"(?:===?|>=|~=)\s*(\d+)")
# Distributions PyPI publishes for Windows only (wheels for win32/win_amd64/win_arm64 and no
# source distribution): pip on Linux, where Azure runs Python apps, finds no release at all
# ("from versions: none", checked with pip 26.3 on Linux, 6 December 2026), so the deployment's
# `pip install -r requirements.txt` fails as a whole. Found on the corpus (seventh round):
# Azure-Samples/azure-functions-python-v2's functions_with_openai lists pywin32 unmarked.
_WINDOWS_ONLY = frozenset({"pywin32"})


def _shadows_nothing(r: Requirement) -> bool:
    """Whether requirement ``r`` of a backport in _BACKPORTS_WITHOUT_MODULE can only install a
    release that no longer ships the standard module's name."""
    first = _BACKPORTS_WITHOUT_MODULE.get(r.name)
    if first is None:
        return False
    spec = r.text.split("#")[0].strip()[len(r.name) :].strip()
    if not spec:
        return True  # pip installs the newest release
    floors = [int(m.group(1)) for m in _VERSION_FLOOR.finditer(spec)]
    return bool(floors) and max(floors) >= first


def includes_other_lines(text: str) -> bool:
    """Whether requirements.txt takes lines funcls does not read: another file (``-r``, which
    pip resolves relative to the file naming it, so a chain ``-r requirements/prod.txt`` then
    ``-r common.txt`` reads requirements/common.txt), constraints, an editable or a VCS URL.
    What is listed there is unknown, so rules asking for a package stay silent."""
    return any(
        line.strip().startswith(("-r", "--requirement", "-c", "--constraint", "-e", "git+"))
        for line in text.split("\n")
    )


@checker("AZF600")
def shadowing(ctx: Context) -> None:
    app = ctx.app
    listdir = app.source.listdir if app.source else os.listdir
    for name in listdir(app.root):
        if name.startswith(".") or name in SKIP_DIRS:
            continue
        path = os.path.join(app.root, name)
        if name.endswith(".py") and name[:-3] in STDLIB and os.path.isfile(path):
            module, where, what = name[:-3], path, f"{name} at the app root"
        elif name in STDLIB and os.path.isfile(os.path.join(path, "__init__.py")):
            module, where, what = name, os.path.join(path, "__init__.py"), f"the package {name}/"
        else:
            continue
        ctx.emit(
            "AZF600",
            f"{what} shadows the standard-library module '{module}': the worker puts the app "
            f"folder first on sys.path, so every 'import {module}' (yours and your libraries') "
            "gets this instead; rename it",
            where,
            Range.point(0, 0),
        )


def _python_files(root: str) -> bool:
    """Whether the app folder or one of its direct sub-folders holds a .py file."""
    try:
        entries = list(os.scandir(root))
    except OSError:
        return True
    for entry in entries:
        if entry.name.endswith(".py"):
            return True
        if entry.is_dir() and entry.name not in SKIP_DIRS and not entry.name.startswith("."):
            try:
                if any(n.endswith(".py") for n in os.listdir(entry.path)):
                    return True
            except OSError:
                continue
    return False


@checker("AZF601")
def requirements(ctx: Context) -> None:
    app = ctx.app
    path = app.requirements_path
    if path is None:
        project = app.pyproject
        # An app whose script registers blueprints funcls cannot find has functions too.
        has_functions = bool(app.functions) or script_registers_functions(app)
        if has_functions and project is not None and project.error is None:
            # What reads pyproject.toml when requirements.txt is missing (sources as of Aug 2026):
            # Core Tools' publish refuses the app, whatever the build option
            # (Azure/azure-functions-core-tools src/Cli/func/Helpers/PythonHelpers.cs,
            # GetPythonDeploymentPackage: "requirements.txt is not found"); a remote build
            # started another way (Oryx, microsoft/Oryx
            # src/BuildScriptGenerator/Python/PythonBashBuildSnippet.sh.tpl, the packagedir
            # branch) installs uv.lock's versions into the app's packages ('uv export --locked |
            # uv pip install --target'), and without uv.lock runs 'poetry install --only main',
            # which installs into Poetry's own environment, not the packages the app loads.
            where, rng = ctx.script_location()
            # The lock file beside pyproject.toml says which tool keeps the versions, before
            # [tool.*] does (corpus, seventh round: juandaherrera/finmail has uv.lock and
            # [tool.hatch] for its build; pip-compile would ignore the lock's versions).
            folder = os.path.dirname(project.path)
            is_file = app.source.is_file if app.source is not None else os.path.isfile
            manager = next(
                (
                    tool
                    for tool, lock in (("uv", "uv.lock"), ("poetry", "poetry.lock"))
                    if is_file(os.path.join(folder, lock))
                ),
                project.manager or "",
            )
            export = {
                "poetry": "poetry export -f requirements.txt -o requirements.txt",
                "uv": "uv export --no-hashes --no-dev -o requirements.txt",
            }.get(manager, "pip-compile pyproject.toml -o requirements.txt")
            missing = (
                ""
                if "azure-functions" in project.dependencies
                else "; it must list azure-functions"
            )
            remote = (
                "a remote build started another way installs uv.lock's versions"
                if is_file(os.path.join(folder, "uv.lock"))
                else "a remote build started another way runs 'poetry install', which installs "
                "into Poetry's own environment, not the packages the app loads"
            )
            ctx.emit(
                "AZF601",
                "the app's dependencies are in pyproject.toml and it has no requirements.txt: "
                "'func azure functionapp publish' refuses to publish without one (any build "
                f"option), and {remote}; generate requirements.txt before publishing "
                f"(e.g. '{export}'){missing}",
                where,
                rng,
                severity=Severity.INFO,
            )
        elif has_functions and not (custom_handler(ctx) and not _python_files(app.root)):
            # A custom handler with no Python file (a Go or Rust program the host starts) has no
            # Python packages to install; the host never starts the Python worker there
            # (scripts.custom_handler). Corpus, twelfth round: yaegashi/rclonefunction.
            where, rng = ctx.script_location()
            ctx.emit(
                "AZF601",
                "the app has no requirements.txt; add one that lists azure-functions (and every "
                "package your code imports): deployment installs only what it lists",
                where,
                rng,
                fixes=fixes(_create_requirements(ctx)),
            )
        return
    if app.requirements_unreadable is not None:
        ctx.emit(
            "AZF601",
            f"requirements.txt is {app.requirements_unreadable}, not a file: funcls does not "
            "read it, and a deployment cannot install from it; replace it with a regular file "
            "that lists azure-functions and every package your code imports",
            path,
            Range.point(0, 0),
        )
        return
    includes = includes_other_lines(ctx.text(path) or "")
    names = {r.name for r in app.requirements}
    if "azure-functions" not in names and not includes:
        ctx.emit(
            "AZF601",
            "requirements.txt does not list azure-functions; add it (from Python 3.13 the "
            "app's packages are isolated from the worker's, and the import fails without it)",
            path,
            Range.point(0, 0),
            fixes=fixes(
                fix(
                    "Add azure-functions", append_line(ctx, path, "azure-functions"), preferred=True
                )
            ),
        )
    for r in app.requirements:
        if ";" in r.text:
            continue  # an environment marker: a backport for old Pythons, on purpose
        line = r.range.start.line
        severity: Severity | None = None
        if r.name == "azure-functions-worker":
            message = (
                "requirements.txt lists azure-functions-worker; the platform provides the "
                "worker, and installing another copy breaks it: remove the line"
            )
        elif r.name in _UNRELATED_DISTS:
            severity = Severity.WARNING
            message = (
                f"'{r.name}' is part of the Python standard library; on PyPI the name installs "
                f"{_UNRELATED_DISTS[r.name]}, which does not replace the module but is not what "
                "the code imports: remove the line"
            )
        elif _shadows_nothing(r):
            severity = Severity.WARNING
            message = (
                f"'{r.name}' is part of the Python standard library; the PyPI backport this line "
                f"installs ({r.text.strip()}) puts its code under backports.{r.name} and does "
                "not replace the module, so it is not what the code imports: remove the line"
            )
        elif r.name in _STDLIB_DISTS:
            module = _STDLIB_DISTS[r.name]
            message = (
                f"'{module}' is part of the Python standard library; remove it from "
                "requirements.txt (pip either fails or installs an old package that shadows "
                "the real module)"
            )
        elif r.name in _WINDOWS_ONLY:
            spec = r.text.split("#", 1)[0].rstrip()
            end = Range.point(line, len(spec))
            ctx.emit(
                "AZF601",
                f"'{r.name}' is published for Windows only (no Linux wheel, no source "
                "distribution); Azure runs Python apps on Linux, where pip finds no release of "
                "it and the whole requirements.txt fails to install: install it only on "
                "Windows ('; sys_platform == \"win32\"') or remove the line",
                path,
                r.range,
                fixes=fixes(
                    fix(
                        "Install only on Windows",
                        replace(path, end, '; sys_platform == "win32"'),
                        preferred=True,
                    ),
                    fix("Remove the line", delete_line(ctx, path, line)),
                ),
            )
            continue
        else:
            continue
        ctx.emit(
            "AZF601",
            message,
            path,
            r.range,
            fixes=fixes(fix("Remove the line", delete_line(ctx, path, line), preferred=True)),
            severity=severity,
        )


def _create_requirements(ctx: Context) -> Fix | None:
    """Create requirements.txt with azure-functions and the distributions of the app's
    third-party imports: module-level ones, as the indexer reads them (cached per file), so a
    re-check does not parse the app again."""
    app = ctx.app
    source = app.source or Source()

    def imports_of(path: str) -> list[str]:
        info = source.module(path)
        if info is None:
            return []
        return [r.module for r in info.import_records if r.level == 0 and r.module]

    modules = third_party_imports(app.root, imports_of, source.listdir, SKIP_DIRS)
    path = os.path.join(app.root, "requirements.txt")
    # The scaffolding (templates, schemas) only for this fix (issue 16).
    from funcls.model.scaffold.app import requirements_text

    text = requirements_text(tuple(distributions(modules)))
    return fix("Create requirements.txt", replace(path, Range.point(0, 0), text), preferred=True)


def _excluded(patterns: list[str], name: str) -> bool:
    excluded = False
    for raw in patterns:
        negate = raw.startswith("!")
        pattern = raw[1:] if negate else raw
        pattern = pattern.strip().lstrip("/").rstrip("/")
        if pattern.startswith("**/"):
            pattern = pattern[3:]
        if fnmatch.fnmatchcase(name, pattern):
            excluded = not negate
    return excluded


# Parts of connection strings that hold secrets, and setting names that usually do.
_SECRET_PARTS = ("accountkey", "sharedaccesskey", "accesskey", "password", "pwd", "sig")
_SECRET_NAMES = ("key", "secret", "password", "token")
_PLACEHOLDERS = ("placeholder", "example", "changeme", "your", "<", "xxx", "***", "dummy", "fake")
# The storage emulator's published account key is no secret.
_EMULATOR_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
_KEY_MATERIAL = re.compile(r"^[A-Za-z0-9+/_\-]{20,}={0,2}$")


def _looks_secret(text: str, password: bool) -> bool:
    t = text.strip()
    if not t or t == _EMULATOR_KEY or any(p in t.lower() for p in _PLACEHOLDERS):
        return False
    if password:
        return True
    has_digit = any(c.isdigit() for c in t)
    mixed = any(c.islower() for c in t) and any(c.isupper() for c in t)
    return bool(_KEY_MATERIAL.match(t)) and has_digit and mixed and "-" not in t.strip("-")


def secret_settings(values: dict[str, object]) -> list[str]:
    """Names of the local settings whose values look like real keys or passwords."""
    found: list[str] = []
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        parts = [p.split("=", 1) for p in value.split(";") if "=" in p]
        hit = any(
            k.strip().lower() in _SECRET_PARTS
            and _looks_secret(v, k.strip().lower() in ("password", "pwd"))
            for k, v in parts
        )
        if not hit and not parts:
            low = name.lower()
            hit = any(w in low for w in _SECRET_NAMES) and _looks_secret(value, False)
        if hit:
            found.append(name)
    return found


@checker("AZF602")
def published_settings(ctx: Context) -> None:
    app = ctx.app
    settings = app.local_settings_path
    if settings is None:
        return
    name = os.path.basename(settings)
    # Without a .funcignore Core Tools still leaves local.settings.json out of the package.
    if app.funcignore_path is not None and not _excluded(app.funcignore, name):
        ctx.emit(
            "AZF602",
            ".funcignore does not exclude local.settings.json, so deployments that follow "
            ".funcignore (VS Code, GitHub Actions) upload it with its secrets; add a line "
            "'local.settings.json'",
            app.funcignore_path,
            Range.point(0, 0),
            fixes=fixes(
                fix(
                    "Add local.settings.json to .funcignore",
                    append_line(ctx, app.funcignore_path, "local.settings.json"),
                    preferred=True,
                )
            ),
        )
    secrets = secret_settings({k: v.value for k, v in app.settings.items()})
    git = app.local_settings_git
    if not secrets or git is None:
        return
    first = app.settings[secrets[0]]
    shown = ", ".join(f"'{s}'" for s in secrets[:3])
    if git.state == "tracked":
        ctx.emit(
            "AZF602",
            f"local.settings.json is tracked by git and {shown} look like real keys or "
            "passwords, shared with everyone who can read the repository; rotate them, run "
            "'git rm --cached local.settings.json' and add it to .gitignore",
            settings,
            first.range or Range.point(0, 0),
        )
    elif git.state == "unknown":
        # The model read the index file and could not trust it: say so rather than guess.
        ctx.emit(
            "AZF602",
            f"{shown} in local.settings.json look like real keys or passwords, and whether "
            f"git tracks the file is unknown: {git.reason}; run 'git ls-files "
            "local.settings.json' and, if it is listed, rotate them, run 'git rm --cached "
            "local.settings.json' and add it to .gitignore",
            settings,
            first.range or Range.point(0, 0),
        )


_TEMPLATE_SUFFIXES = (".bicep", ".bicepparam", ".json")
_NOT_TEMPLATES = frozenset({"local.settings.json", "host.json", "function.json", "package.json"})
EMULATOR = "UseDevelopmentStorage=true"
# JSON that deploys settings: an ARM template or parameter file (its schema, "resources"),
# an appSettings list, the portal's / az CLI's settings file ({"name", "value",
# "slotSetting"}). Other JSON (local.settings.sample.json, test fixtures) is not deployed.
_ARM_SCHEMA = compiled_on_use(
    r"deployment(Template|Parameters)\.json|\"(resources|appSettings|slotSetting)\"\s*:"
)


def _templates(root: str, skip: set[str], depth: int = 2) -> list[str]:
    """Deployment templates in the app folder: its own files and those of folders that are
    neither function folders nor Python packages (``infra/``, ``deploy/``…), a few levels
    down."""
    out: list[str] = []
    stack = [(root, 0)]
    while stack:
        d, level = stack.pop()
        try:
            entries = list(os.scandir(d))
        except OSError:
            continue
        for e in entries:
            if e.name.startswith(".") or e.name in SKIP_DIRS:
                continue
            if e.is_dir(follow_symlinks=False):
                if level >= depth or e.name in ("tests", "test") or e.path in skip:
                    continue
                if not os.path.exists(os.path.join(e.path, "__init__.py")):
                    stack.append((e.path, level + 1))
            elif e.name.endswith(_TEMPLATE_SUFFIXES) and e.name not in _NOT_TEMPLATES:
                out.append(e.path)
    return sorted(out)


@checker("AZF604")
def emulator_in_templates(ctx: Context) -> None:
    source = ctx.app.source
    for path in _templates(ctx.app.root, set(ctx.app.v1_folders)):
        kind = source.special(path) if source is not None else None
        if kind is not None:  # asked with os.stat: opening a FIFO would block (issue 17)
            ctx.emit(
                "AZF604",
                f"{ctx.rel(path)} is named like a deployment template but is {kind}: funcls "
                "does not read it, so what it deploys as AzureWebJobsStorage is not checked; "
                "replace it with a regular file, or rename it if it is no template",
                path,
                Range.point(0, 0),
                severity=Severity.WARNING,
            )
            continue
        text = ctx.text(path)
        if not text or EMULATOR not in text or "AzureWebJobsStorage" not in text:
            continue
        if path.endswith(".json") and not _ARM_SCHEMA.search(text):
            continue  # local.settings.sample.json and other examples are not templates
        lines = ctx.lines(path)
        assert lines is not None
        at = text.index(EMULATOR)
        ctx.emit(
            "AZF604",
            f"{ctx.rel(path)} deploys AzureWebJobsStorage={EMULATOR}, the local storage "
            "emulator, which does not exist in Azure; give the app a real storage account "
            "(or an identity-based AzureWebJobsStorage__accountName) there, and keep the "
            "emulator in local.settings.json",
            path,
            lines.range(at, at + len(EMULATOR)),
        )


def _imported_modules(app: App) -> list[str]:
    """The Python files the worker imports to load the app: the v2 script and the modules of
    its registered blueprints, or each v1 function's scriptFile."""
    paths = [app.script_path] if app.script_path and not app.script_outside else []
    paths += [r.blueprint_path for r in app.registrations if r.blueprint_path]
    paths += [
        f.script_path
        for f in app.functions
        if f.script_path and not f.script_outside and not f.folder_outside
    ]
    root = os.path.join(os.path.normpath(app.root), "")
    # Only files inside the app folder: one named outside it is not read (AZF3xx say so).
    return [
        p
        for p in dict.fromkeys(paths)
        if p.endswith(".py") and os.path.normpath(p).startswith(root)
    ]


@checker("AZF603")
def python_syntax(ctx: Context) -> None:
    parsed = {p.path for p in ctx.app.problems if p.kind in ("python-syntax", "file-unreadable")}
    for path in _imported_modules(ctx.app):
        text = ctx.text(path) if path not in parsed else None
        source = ctx.app.source
        body = source.module_body(path, text) if source is not None and text else None
        error = compile_error(path, text, body) if text else None
        if error is None:
            continue
        quoted = ctx.line_text(path, error.line).strip()
        ctx.emit(
            "AZF603",
            f"{ctx.rel(path)} has a syntax error ({error.message}): {quoted}; Python reports it "
            "when it compiles the module, so the worker cannot import it and its functions do "
            "not load",
            path,
            Range.of(error.line, error.column, error.end_line, error.end_column),
        )
    for p in ctx.app.problems:
        if p.kind == "python-syntax":
            line = p.data.get("line_text")
            shown = f": {line.strip()}" if isinstance(line, str) and line.strip() else ""
            ctx.emit(
                "AZF603",
                f"{ctx.rel(p.path)} has a syntax error ({p.message}){shown}; the worker cannot "
                "import it, so its functions do not load",
                p.path,
                p.range,
            )
        elif p.kind == "file-unreadable" and p.path.endswith(".py"):
            ctx.emit(
                "AZF603",
                f"{ctx.rel(p.path)} cannot be read: {p.message}",
                p.path,
                p.range,
            )
