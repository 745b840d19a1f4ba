"""Builds the ``App`` model of one app root from its files."""

from __future__ import annotations

import codecs
import os
import re

from funcls.model.appmodel import App, Function, Problem, Requirement
from funcls.model.gitindex import tracking
from funcls.model.jsondoc import JsonDocument
from funcls.model.jsonvalues import JsonValue
from funcls.model.locations import Range
from funcls.model.pyproject import read_pyproject
from funcls.model.python.entry_decorators import decorator_defs
from funcls.model.python.facts import ModuleInfo
from funcls.model.source import SKIP_DIRS, Source, inside
from funcls.model.v1 import index_v1_function, json_problems, not_an_object
from funcls.model.v2.app_sources import may_hold_app
from funcls.model.v2.indexer import index_v2_app

HOST_JSON = "host.json"
LOCAL_SETTINGS = "local.settings.json"
DEFAULT_SCRIPT = "function_app.py"
_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _read_json(app: App, path: str, source: Source) -> JsonDocument | None:
    doc = source.json(path)
    err = source.errors.get(os.path.normpath(path))
    if doc is None and err is not None and (source.is_file(path) or source.special(path)):
        app.problems.append(Problem("file-unreadable", err.message, path, Range.point(0, 0)))
        return None
    if doc is None:
        return None
    app.files.add(path)
    app.problems.extend(json_problems(doc, path))
    bad = not_an_object(doc, path)
    if bad is not None:
        app.problems.append(bad)
    return doc


def _load_settings(app: App, source: Source) -> None:
    path = os.path.join(app.root, LOCAL_SETTINGS)
    # A FIFO or device named so is reported (AZF100), not taken for a missing file.
    present = source.is_file(path) or source.special(path) is not None
    app.local_settings_path = path if present else None
    if app.local_settings_path is None:
        return
    app.local_settings_git = tracking(path)
    doc = _read_json(app, path, source)
    app.local_settings = doc
    if doc is None or doc.root is None or doc.root.kind != "object":
        return
    for section, target in (
        ("Values", app.settings),
        ("ConnectionStrings", app.connection_strings),
    ):
        node = doc.root.get(section)
        if node is None or node.kind != "object":
            continue
        for m in node.members:
            if m.value is None:
                continue
            target[m.key] = JsonValue(m)  # ranges when read (jsonvalues.py, issue 16)


def _load_requirements(app: App, source: Source) -> None:
    path = os.path.join(app.root, "requirements.txt")
    if not source.is_file(path):
        kind = source.special(path)  # os.stat only: a FIFO is never opened (issue 17)
        if kind is not None:
            app.requirements_path = path
            app.requirements_unreadable = kind
        return
    app.requirements_path = path
    app.files.add(path)
    text = source.text(path)
    if text is None:
        text = _text_with_bom(path) or ""
    for i, line in enumerate(text.split("\n")):
        stripped = line.split("#", 1)[0].strip()
        if not stripped or stripped.startswith("-"):
            continue
        m = _REQ_NAME.match(stripped)
        if m is None:
            continue
        name = re.sub(r"[-_.]+", "-", m.group(1)).lower()
        start = line.find(m.group(1))
        app.requirements.append(
            Requirement(name, line.rstrip(), Range.of(i, start, i, start + len(m.group(1))))
        )


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _text_with_bom(path: str) -> str | None:
    """A requirements file saved as UTF-16 or UTF-32 (PowerShell's `>` does that): pip reads
    it by its byte-order mark (pip/_internal/utils/encoding.py auto_decode), so funcls does."""
    try:
        with open(path, "rb") as f:
            raw = f.read(1 << 20)
    except OSError:
        return None
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding).replace("\r\n", "\n")
            except UnicodeDecodeError:
                return None
    return None


def _load_pyproject(app: App, source: Source) -> None:
    path = os.path.join(app.root, "pyproject.toml")
    text = source.text(path) if source.is_file(path) else None
    if text is None:
        return
    app.files.add(path)
    app.pyproject = read_pyproject(path, text)


def _load_funcignore(app: App, source: Source) -> None:
    path = os.path.join(app.root, ".funcignore")
    if not source.is_file(path):
        return
    app.funcignore_path = path
    app.files.add(path)
    text = source.text(path) or ""
    app.funcignore = [
        ln.strip() for ln in text.split("\n") if ln.strip() and not ln.startswith("#")
    ]


def script_name(app: App) -> str:
    v = app.setting("PYTHON_SCRIPT_FILE_NAME")
    if v is not None and isinstance(v.value, str) and v.value.strip():
        return v.value.strip()
    return DEFAULT_SCRIPT


def v1_folders(root: str, source: Source) -> list[str]:
    out: list[str] = []
    # A listed name is one name (never "." or ".."): each folder is the normalised root's
    # prefix + name, normalised as it is, without a join and a normpath per name (1,100
    # names listed in the bench's 20 apps, issue 16).
    normal = os.path.normpath(root)
    prefix = normal if normal.endswith(os.sep) else normal + os.sep
    for name in source.listdir(root):
        if name in SKIP_DIRS or name.startswith("."):
            continue
        folder = prefix + name
        config = folder + os.sep + "function.json"
        # A FIFO, or a folder named function.json: AZF100 says so (the function does not
        # vanish without a word).
        if source.is_file(config) or source.special(config) or source.is_dir(config):
            out.append(folder)
    return out


def _v1_inputs(folder: str, fn: Function | None, source: Source, root: str) -> tuple[object, ...]:
    """What ``index_v1_function`` read: function.json's parse, the folder's names and the
    script's parse (the same objects while the files are unchanged). A script outside the app
    is never read, here either; whether it is outside is an input (a link may be re-pointed)."""
    config = os.path.join(folder, "function.json")
    if not inside(root, folder):  # a folder linked outside: nothing of it is read
        return (None, (), None, False, None, None, ())
    script = fn.script_path if fn is not None else None
    readable = bool(script) and inside(root, script or "")
    module = source.module(script) if script and readable and script.endswith(".py") else None
    return (
        source.json(config),
        tuple(source.listdir(folder)),
        script,
        readable,
        source.is_file(script) if script and readable else None,
        module,
        _decorator_modules(fn, module, source, root),
    )


def _decorator_modules(
    fn: Function | None, module: ModuleInfo | None, source: Source, root: str
) -> tuple[ModuleInfo | None, ...]:
    """The parses of the app's modules the entry point's decorators come from: the signature
    rules read them (checks/signatures.py), so the function is checked again when one
    changes. Empty for an undecorated entry point (nearly every one)."""
    entry = module.function(fn.entry_point) if module is not None and fn is not None else None
    if module is None or entry is None or not entry.decorators:
        return ()
    paths = {p for p, _ in filter(None, decorator_defs(module, entry, root, source.is_file))}
    return tuple(source.module(p) for p in sorted(paths - {module.path}))


def _v1_function(folder: str, source: Source, root: str) -> Function:
    """``index_v1_function``, or the Function it gave last time when its inputs are the same
    objects (so checks of it can be kept: incremental indexing). A snapshot is indexed once:
    nothing to keep (issue 16)."""
    if source.snapshot:
        return index_v1_function(folder, source, root)
    memo = source.memo.get("v1-functions")
    if not isinstance(memo, dict):
        memo = source.memo["v1-functions"] = {}
    kept = memo.get(folder)
    if kept is not None:
        inputs, fn = kept
        now = _v1_inputs(folder, fn, source, root)
        # The parses by identity (re-parsed means changed), the rest by value.
        if (
            now[0] is inputs[0]
            and now[5] is inputs[5]
            and now[1:5] == inputs[1:5]
            and _same_objects(now[6], inputs[6])
        ):
            return fn  # type: ignore[no-any-return]
    count = source.changes
    fn = index_v1_function(folder, source, root)
    inputs = _v1_inputs(folder, fn, source, root)
    # Kept only when no document was opened or closed meanwhile (the language server builds
    # on its rules thread while the editor opens files): the inputs are then those it read.
    if source.unchanged_since(count):
        memo[folder] = (inputs, fn)
    else:
        memo.pop(folder, None)
    return fn


def _same_objects(now: object, before: object) -> bool:
    """Two tuples holding the same objects (parses compared by identity)."""
    return (
        isinstance(now, tuple)
        and isinstance(before, tuple)
        and len(now) == len(before)
        and all(a is b for a, b in zip(now, before, strict=True))
    )


def _folder_outside(fn: Function, config: str) -> Problem:
    return Problem(
        "file-outside-app",
        f"the folder of function '{fn.name}' is a link that leads outside the app, so funcls "
        "does not read its function.json or script (only the app's own files are read and "
        "quoted) and the function is not checked; move the function's folder into the app "
        "instead of linking it",
        config,
        Range.point(0, 0),
    )


def load_app(root: str, source: Source) -> App:
    """Index the app at ``root``. Never raises on bad input: problems are collected."""
    root = os.path.normpath(os.path.abspath(root))
    app = App(root=root, source=source)
    host = os.path.join(root, HOST_JSON)
    if source.is_file(host) or source.special(host):
        app.host_json_path = host
        app.host_json = _read_json(app, host, source)
    else:
        app.problems.append(
            Problem(
                "host-json-missing",
                "the app has no host.json; the Functions host needs one at the app root",
                root,
                Range.point(0, 0),
            )
        )
    _load_settings(app, source)
    _load_requirements(app, source)
    _load_pyproject(app, source)
    _load_funcignore(app, source)

    folders = v1_folders(root, source)
    app.v1_folders = folders
    for folder in folders:
        fn = _v1_function(folder, source, root)
        config = fn.config_path or ""
        if fn.folder_outside:
            app.problems.append(_folder_outside(fn, config))
            app.functions.append(fn)
            continue
        app.files.add(config)
        doc = source.json(config)
        if doc is not None:
            app.problems.extend(json_problems(doc, config))
            bad = not_an_object(doc, config)
            if bad is not None:
                app.problems.append(bad)
        else:
            err = source.errors.get(os.path.normpath(config))
            if err is not None:
                app.problems.append(
                    Problem("file-unreadable", err.message, config, Range.point(0, 0))
                )
        if fn.script_path and fn.script_exists:
            app.files.add(fn.script_path)
            module = source.module(fn.script_path)
            if module is not None:
                for p in module.problems:
                    if p not in app.problems:
                        app.problems.append(p)
            else:
                err = source.errors.get(os.path.normpath(fn.script_path))
                if err is not None:
                    app.problems.append(
                        Problem("file-unreadable", err.message, fn.script_path, Range.point(0, 0))
                    )
        app.functions.append(fn)

    script = os.path.normpath(os.path.join(root, script_name(app)))
    # Outside the app the worker refuses the name too (AZF407 says so): never read it.
    app.script_outside = not inside(root, script)
    has_script = not app.script_outside and (source.is_file(script) or bool(source.special(script)))
    if has_script:
        # The worker checks that the script file exists, then imports it by its stem
        # (azure_functions_worker/loader.py, index_function_app: import_module(stem)); a
        # package of that name beside it is what the import finds, as Python looks for a
        # package first: its __init__.py is the script then.
        stem = os.path.splitext(script)[0]
        package = os.path.join(stem, "__init__.py")
        if os.path.basename(stem).isidentifier() and source.is_file(package):
            script = package
        app.script_path = script
        result = index_v2_app(root, script, source)
        app.functions.extend(result.functions)
        app.unregistered = result.unregistered
        app.misplaced = result.misplaced
        app.app_objects = result.app_objects
        app.registrations = result.registrations
        for p in result.problems:
            if p not in app.problems:
                app.problems.append(p)
        app.files |= result.files
        app.loaded = result.loaded
        if source.module(script) is None:
            err = source.errors.get(script)
            if err is not None:
                app.problems.append(
                    Problem("file-unreadable", err.message, script, Range.point(0, 0))
                )

    if folders and has_script:
        app.model = "mixed"
        if script_registers_functions(app) or _script_makes_no_app(app, source):
            # The host loads one model, not both. With worker indexing (the Python worker's
            # worker.config.json says "workerIndexing": "true") it asks the worker for the
            # functions: the worker imports the script and answers with its index, and only an
            # empty one says use_default_metadata_indexing (azure_functions_worker/
            # dispatcher.py, _handle__functions_metadata_request). The host falls back to the
            # function.json folders only then (azure-functions-host FunctionMetadataProvider.cs,
            # GetFunctionMetadataAsync: "Fallback to host indexing as worker denied indexing");
            # otherwise it takes the worker's list as it is and only logs "Detected mixed
            # function app. Some functions may not be indexed" (WorkerFunctionMetadataProvider
            # .cs, ValidateFunctionAppFormat). A script with a decorated function therefore
            # hides the folders (and if its import fails, nothing loads): they are left out of
            # the index, and AZF304 says so, naming them (app.v1_folders). A script with none
            # keeps them: that is the fallback. A script that creates no function app at all
            # makes the worker's indexing raise ("Could not find top level function app
            # instances", loader.py index_function_app); the worker answers Failure, not
            # use_default_metadata_indexing, so the folders are not read either and nothing
            # loads (AZF306 says so).
            app.functions = [f for f in app.functions if f.model != "v1"]
    elif folders:
        app.model = "v1"
    elif has_script:
        app.model = "v2"
    return app


def script_registers_functions(app: App) -> bool:
    """Whether the app's script registers functions, so that the worker's index is not empty
    and the host reads no function.json folder: a decorated function funcls lists, or a
    blueprint registered that funcls cannot find (imported from outside the app or from a
    package; corpus, seventh round: AnthonyJPerez/AutomatedBlog registers four blueprints
    imported as 'functions.scheduler'… beside leftover function.json folders of the same
    functions, which funcls read as the app and reported)."""
    return any(f.model == "v2" for f in app.functions) or any(
        r.blueprint_path is None for r in app.registrations
    )


def _script_makes_no_app(app: App, source: Source) -> bool:
    """Whether the script certainly creates no function app: none at its top level and no
    name bound from code funcls cannot see through (corpus, 6 December: AnthonyJPerez/
    AutomatedBlog's src/function_app.py only sets up logging beside eight function.json
    folders, whose function.json funcls reported though the host never reads them)."""
    script = app.script_path
    if script is None or any(o.path == script and not o.is_blueprint for o in app.app_objects):
        return False
    module = source.module(script)
    if module is None or module.partial:
        return False
    return not may_hold_app(source.text(script) or "", script, app.root, source)


def load_app_or_settings(root: str, source: Source) -> tuple[App, str | None]:
    """``load_app`` for ``funcls run``, which must start an app Python imports fine even when
    funcls' own reading of it fails (issue 17). ``load_app`` never raises on bad input, so an
    exception here is a bug in funcls: then the App holds only host.json and
    local.settings.json (what the runner's settings need), and the second item says what
    failed, in which app, and where in funcls."""
    try:
        return load_app(root, source), None
    except Exception as error:
        where = _funcls_frame(error)
        failure = (
            f"could not read the app at {os.path.abspath(root)} "
            f"({type(error).__name__}: {error}, in funcls at {where}); this is a bug in funcls, "
            "please report it. The static check is skipped and only host.json and "
            "local.settings.json are read; the app starts as Python imports it"
        )
    app = App(root=os.path.normpath(os.path.abspath(root)), source=source)
    try:
        host = os.path.join(app.root, HOST_JSON)
        if source.is_file(host):
            app.host_json_path = host
            app.host_json = _read_json(app, host, source)
        _load_settings(app, source)
    except Exception as error:
        failure += f" (reading them failed too: {type(error).__name__}: {error})"
    return app, failure


def _funcls_frame(error: BaseException) -> str:
    """``path:line`` of the innermost frame of the traceback that is funcls' own code."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # .../funcls
    base = os.path.dirname(package)
    where = "?"
    tb = error.__traceback__
    while tb is not None:
        path = os.path.abspath(tb.tb_frame.f_code.co_filename)
        if path.startswith(package + os.sep):
            where = f"{os.path.relpath(path, base)}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where
