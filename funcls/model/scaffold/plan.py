"""What ``funcls new`` changes on disk, planned against the app as it is (open editor buffers
included): new files with their text, and inserts into existing files. ``funcls new`` writes
them; the language server sends them to the editor as one workspace edit."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import field

from funcls.model.appmodel import App
from funcls.model.catalogue.templates import find_template
from funcls.model.fastclass import dataclass
from funcls.model.loader import load_app
from funcls.model.locations import LineIndex
from funcls.model.scaffold.app import app_files, settings_inserts
from funcls.model.scaffold.durable import (
    DURABLE_DISTRIBUTION,
    DURABLE_MODULE,
    durable_function_names,
    durable_module_file,
    durable_module_text,
    is_durable_template,
    requires_durable,
)
from funcls.model.scaffold.functions import (
    Insert,
    Plan,
    ScaffoldError,
    check_name,
    plan_function,
    v1_files,
)
from funcls.model.scaffold.module import new_module_text, plan_module_insert, plan_registration
from funcls.model.source import Source

SCRIPT = "function_app.py"
LOCAL_SETTINGS = "local.settings.json"


@dataclass(frozen=True, slots=True)
class FileChange:
    path: str  # absolute
    text: str | None = None  # a new file's text
    inserts: tuple[Insert, ...] = ()  # for an existing file, at positions of Source's text

    @property
    def creates(self) -> bool:
        return self.text is not None


@dataclass(frozen=True, slots=True)
class Install:
    """What the app's interpreter lacks once the changes are made: ``requirements`` (the
    app's requirements.txt) gained ``modules`` ((import name, distribution) pairs), which
    ``note`` (one of the changes' notes) tells the user to install. An editor that installs
    into the app's interpreter itself offers that instead of the note."""

    requirements: str
    modules: tuple[tuple[str, str], ...]
    note: str


@dataclass(slots=True)
class Changes:
    files: list[FileChange] = field(default_factory=list)
    # Where to show the result: the new function's def (or the app's function_app.py).
    show_path: str | None = None
    show_line: int = 0
    notes: list[str] = field(default_factory=list)  # things the user still has to do
    install: Install | None = None


def plan_new_app(folder: str, source: Source, v1: bool = False) -> Changes:
    """The files of a new app in ``folder``; refuses when any of them exists."""
    folder = os.path.abspath(folder)
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise ScaffoldError(f"'{folder}' is a file; give a folder for the new app")
    files = app_files(v1=v1)
    existing = [n for n in files if source.is_file(os.path.join(folder, n))]
    if existing:
        raise ScaffoldError(
            f"{folder} already has {', '.join(existing)}; funcls new app does not overwrite "
            "files: choose an empty folder, or add functions with 'funcls new function'"
        )
    changes = Changes(files=[FileChange(os.path.join(folder, n), t) for n, t in files.items()])
    changes.show_path = os.path.join(folder, SCRIPT if not v1 else "host.json")
    return changes


def plan_new_function(
    root: str,
    source: Source,
    trigger: str,
    name: str,
    settings: Mapping[str, str] | None = None,
    file: str | None = None,
    v1: bool = False,
) -> Changes:
    """A new function in the app at ``root``: v2 in function_app.py (created when missing) or
    the module ``file`` (when missing: a new blueprint, registered in function_app.py); v1 as
    a folder."""
    root = os.path.abspath(root)
    if not os.path.isdir(root):
        raise ScaffoldError(f"'{root}' is not a folder; give the app's folder")
    if not (
        source.is_file(os.path.join(root, "host.json"))
        or source.is_file(os.path.join(root, SCRIPT))
    ):
        raise ScaffoldError(
            f"no Azure Functions app in {root} (no host.json or {SCRIPT}); create one with "
            f"'funcls new app {root}' first"
        )
    app = load_app(root, source)
    if is_durable_template(trigger):
        return _plan_durable(root, source, app, trigger.strip().lower(), name, settings, file, v1)
    if not v1:
        settings = _inherit_auth_level(app, trigger, settings)
    plan = plan_function(trigger, name, settings)
    same = app.function(name)
    if same is not None:
        raise ScaffoldError(
            f"the app already has a function '{name}' ({same.location}); choose another name"
        )
    models = {fn.model for fn in app.functions}
    if v1 and "v2" in models:
        raise ScaffoldError(
            f"the app defines its functions in Python (v2 model); once {SCRIPT} has functions "
            "the worker ignores function.json folders, so add a v2 function (leave out --v1)"
        )
    if not v1 and "v1" in models:
        raise ScaffoldError(
            "the app's functions are function.json folders (v1 model); a function_app.py "
            "would make the worker ignore them: add a v1 function (--v1), or convert the app"
        )
    changes = Changes()
    if v1:
        if file is not None:
            raise ScaffoldError(
                "--file names a Python module of the v2 model; leave it out with --v1"
            )
        folder = os.path.join(root, name)
        if os.path.exists(folder):
            raise ScaffoldError(f"{folder} already exists; choose another name")
        for rel, text in v1_files(plan).items():
            changes.files.append(FileChange(os.path.join(root, rel), text))
        changes.show_path = os.path.join(root, name, "__init__.py")
        changes.show_line = text_line_of_def(v1_files(plan)[f"{name}/__init__.py"])
    else:
        _plan_v2(root, source, plan, file, changes)
    _plan_settings(root, source, plan, changes)
    return changes


def _inherit_auth_level(
    app: App, trigger: str, settings: Mapping[str, str] | None
) -> Mapping[str, str] | None:
    """An HTTP function added without an ``auth_level`` gets the one the app's FunctionApp
    sets with ``http_auth_level`` (the level its other functions have by default), rather than
    the template's ``function``: a new route in an anonymous app would otherwise need a key."""
    if settings is not None and "auth_level" in settings:
        return settings
    template = find_template(trigger)
    if template is None or not any(s.param == "auth_level" for s in template.settings):
        return settings
    level = inherited_auth_level(app)
    return settings if level is None else {**(settings or {}), "auth_level": level}


def inherited_auth_level(app: App) -> str | None:
    """The ``http_auth_level`` the app's FunctionApp sets (as its enum's JSON value), when
    exactly one level is set explicitly; else None."""
    levels = {
        str(obj.auth_level.value)
        for obj in app.app_objects
        if not obj.is_blueprint
        and obj.auth_level is not None
        and obj.auth_level.known
        and obj.auth_level.origin == "explicit"
        and isinstance(obj.auth_level.value, str)
    }
    return levels.pop() if len(levels) == 1 else None


def text_line_of_def(text: str) -> int:
    return next(i for i, line in enumerate(text.split("\n")) if line.startswith("def "))


def _plan_v2(root: str, source: Source, plan: Plan, file: str | None, changes: Changes) -> None:
    path = os.path.normpath(os.path.join(root, file or SCRIPT))
    rel = os.path.relpath(path, root)
    if rel.startswith(".."):
        raise ScaffoldError(f"{file} is outside the app at {root}; name a module inside it")
    if not path.endswith(".py"):
        raise ScaffoldError(f"{file} is not a Python module (.py)")
    text = source.text(path)
    if text is None and file is not None and rel != SCRIPT:
        _plan_new_blueprint(root, source, plan, rel, changes)
        return
    if text is None:
        text, line = new_module_text(plan)
        changes.files.append(FileChange(path, text))
        changes.show_path, changes.show_line = path, line
        return
    edit = plan_module_insert(text, rel, plan)
    changes.files.append(FileChange(path, inserts=edit.inserts))
    changes.show_path, changes.show_line = path, edit.def_line


def _plan_settings(root: str, source: Source, plan: Plan, changes: Changes) -> None:
    wanted = plan.connection_defaults()
    if not wanted:
        return
    path = os.path.join(root, LOCAL_SETTINGS)
    text = source.text(path)
    if text is None:
        names = ", ".join(wanted)
        changes.notes.append(
            f"there is no {LOCAL_SETTINGS}: define {names} there (or as environment variables) "
            "to run the function locally"
        )
        return
    inserts = settings_inserts(text, wanted)
    if inserts is None:
        changes.notes.append(
            f"{LOCAL_SETTINGS} could not be read as a JSON object; add "
            f"{', '.join(wanted)} to its Values by hand"
        )
        return
    if inserts:
        changes.files.append(FileChange(path, inserts=inserts))
        names = ", ".join(n for n in wanted if f'"{n.lower()}"' not in text.lower())
        changes.notes.append(
            f"{LOCAL_SETTINGS} Values: {names} set for the local emulator; point it at your "
            "service (and add it to the app settings in Azure)"
        )


REQUIREMENTS = "requirements.txt"


def _plan_durable(
    root: str,
    source: Source,
    app: App,
    trigger: str,
    name: str,
    settings: Mapping[str, str] | None,
    file: str | None,
    v1: bool,
) -> Changes:
    """A Durable Functions starter: a new blueprint module registered in function_app.py,
    and azure-functions-durable in requirements.txt."""
    check_name(name)
    if v1:
        raise ScaffoldError(
            f"the {trigger} template is written for the v2 model (decorators); leave out --v1"
        )
    if settings:
        raise ScaffoldError(
            f"the {trigger} template has no settings ({', '.join(settings)} given); its "
            "names and route come from --name"
        )
    if any(fn.model == "v1" for fn in app.functions):
        raise ScaffoldError(
            "the app's functions are function.json folders (v1 model); the durable starters "
            "are written for the v2 model"
        )
    for fn_name in durable_function_names(trigger, name):
        same = app.function(fn_name)
        if same is not None:
            raise ScaffoldError(
                f"the app already has a function '{fn_name}' ({same.location}); choose another name"
            )
    path = os.path.normpath(os.path.join(root, file or durable_module_file(name)))
    rel = os.path.relpath(path, root)
    if rel.startswith(".."):
        raise ScaffoldError(f"{file} is outside the app at {root}; name a module inside it")
    if not path.endswith(".py"):
        raise ScaffoldError(f"{file} is not a Python module (.py)")
    if source.is_file(path) or rel == SCRIPT:
        raise ScaffoldError(
            f"{rel} exists; the {trigger} template writes a module of its own: name a new one "
            "with --file, or leave --file out"
        )
    module, alias = _blueprint_module(rel)
    text, line = durable_module_text(trigger, name)
    changes = Changes(files=[FileChange(path, text)], show_path=path, show_line=line)
    _register_blueprint(root, source, module, alias, changes)
    requirements = os.path.join(root, REQUIREMENTS)
    wanted = source.text(requirements)
    if wanted is None:
        changes.files.append(FileChange(requirements, f"azure-functions\n{DURABLE_DISTRIBUTION}\n"))
    elif not requires_durable(wanted):
        end = LineIndex(wanted).position(len(wanted))
        lead = "" if not wanted or wanted.endswith("\n") else "\n"
        changes.files.append(
            FileChange(requirements, inserts=(Insert(end, f"{lead}{DURABLE_DISTRIBUTION}\n"),))
        )
        note = (
            f"{REQUIREMENTS}: {DURABLE_DISTRIBUTION} added; install it into the app's "
            f"interpreter (python -m pip install -r {REQUIREMENTS})"
        )
        changes.notes.append(note)
        changes.install = Install(requirements, ((DURABLE_MODULE, DURABLE_DISTRIBUTION),), note)
    return changes


def _plan_new_blueprint(root: str, source: Source, plan: Plan, rel: str, changes: Changes) -> None:
    """A new blueprint module ``rel`` with the function, registered in function_app.py."""
    module, alias = _blueprint_module(rel)
    path = os.path.join(root, rel)
    text, line = new_module_text(plan, "bp", "Blueprint")
    changes.files.append(FileChange(path, text))
    changes.show_path, changes.show_line = path, line
    _register_blueprint(root, source, module, alias, changes)


def _blueprint_module(rel: str) -> tuple[str, str]:
    """The module name of the new blueprint file ``rel`` and the alias function_app.py
    imports its ``bp`` as."""
    parts = rel[:-3].split(os.sep)
    if not all(p.isidentifier() for p in parts):
        raise ScaffoldError(
            f"{rel} cannot be imported as a Python module (each part of the path must be a "
            "Python name); choose another file name"
        )
    return ".".join(parts), f"{parts[-1]}_bp"


def _register_blueprint(
    root: str, source: Source, module: str, alias: str, changes: Changes
) -> None:
    """function_app.py registers the blueprint ``module``'s ``bp`` (a new script when the app
    has none)."""
    script = os.path.join(root, SCRIPT)
    app_text = source.text(script)
    if app_text is None:
        app_text = (
            f"import azure.functions as func\nfrom {module} import bp as {alias}\n\n"
            f"app = func.FunctionApp()\napp.register_functions({alias})\n"
        )
        changes.files.append(FileChange(script, app_text))
        return
    inserts = plan_registration(app_text, SCRIPT, module, alias)
    changes.files.append(FileChange(script, inserts=inserts))
