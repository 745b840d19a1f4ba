"""The HTTP streaming extension (azurefunctions-extensions-http-*): whether an app uses it, and
AZF410, the app setting it needs before Python 3.13."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from funcls.checks.context import Context
from funcls.checks.edits import add_setting, fix, fixes
from funcls.checks.registry import checker
from funcls.checks.settings import settings_unreadable
from funcls.model.appmodel import App
from funcls.model.appvenv import app_python_version
from funcls.model.distributions import find_site_packages
from funcls.model.locations import Range

SETTING = "PYTHON_ENABLE_INIT_INDEXING"
_FALSE_LIKE = ("0", "false", "no", "off", "disable", "disabled")
_TRUE_LIKE = ("1", "true", "yes", "on", "enable", "enabled")


def _setting(ctx: Context) -> str | None:
    v = ctx.app.setting(SETTING)
    return str(v.value).strip().lower() if v is not None and v.value is not None else None


def streaming_import(ctx: Context) -> tuple[str, Range] | None:
    """The first import of azurefunctions.extensions.http.* in the modules the worker loads
    (``loaded_modules``), if any."""
    # three checkers ask, over every import (issue 16); by the modules' tuple, as the
    # language server swaps the functions (and, for an unregistered blueprint's, the modules)
    # of one context between groups
    app = ctx.app
    traced = app.loaded.get(app.script_path) if app.script_path is not None else None
    memo: dict[int, tuple[object, tuple[str, Range] | None]]
    memo = ctx.memo.setdefault("streaming_import", {})
    entry = memo.get(id(traced))  # without a trace (v1), the index's files: once per context
    if entry is None or entry[0] is not traced:
        found = streaming_import_of(app, traced if traced is not None else loaded_modules(app))
        entry = memo[id(traced)] = (traced, found)
    return entry[1]


def loaded_modules(app: App) -> tuple[str, ...] | list[str]:
    """The app's Python files the worker runs when it loads the app: the script and the app's
    modules it imports, transitively (``App.loaded``). The extension is enabled by importing
    it: its classes' metaclasses (azurefunctions-extensions-base's ModuleTrackerMeta,
    RequestTrackerMeta) record the extension when its module runs, and the worker, after
    importing the script (indexing), asks that record whether an HTTP streaming extension is
    there (Azure/azure-functions-python-worker azure_functions_worker/http_v2.py:
    HttpV2Registry._check_http_v2_enabled -> ext_base.HttpV2FeatureChecker.http_v2_enabled).
    A module the script never imports (a blueprint never registered) enables nothing.
    Without a trace (v1, no script): every file of the index, as before."""
    if app.script_path is not None and app.script_path in app.loaded:
        return app.loaded[app.script_path]
    return sorted(app.files)


def as_if_registered(app: App, blueprint_paths: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """``App.loaded`` once the blueprints of the modules at ``blueprint_paths`` are registered:
    the script imports those modules, so what they import is loaded too."""
    script = app.script_path
    if script is None or script not in app.loaded:
        return app.loaded
    modules = list(app.loaded[script])
    seen = set(modules)
    for path in blueprint_paths:
        for p in app.loaded.get(path, (path,)):
            if p not in seen:
                seen.add(p)
                modules.append(p)
    return {**app.loaded, script: tuple(modules)}


def streaming_import_in(app: App) -> tuple[str, Range] | None:
    """``streaming_import`` for an app, read from the texts its index was built from."""
    return streaming_import_of(app, loaded_modules(app))


def streaming_import_of(app: App, modules: tuple[str, ...] | list[str]) -> tuple[str, Range] | None:
    source = app.source
    if source is None:
        return None
    for path in sorted(modules):
        module = source.module(path) if path.endswith(".py") else None
        if module is None:
            continue
        for r in module.import_records:
            if (r.module + "." + (r.name or "")).startswith("azurefunctions.extensions.http."):
                return path, r.range
    return None


def http_streaming(ctx: Context) -> bool:
    """The app uses the HTTP streaming extension.

    Importing it registers its Request and response types with azurefunctions-extensions-base;
    the worker then checks the HTTP trigger's annotation against that Request and the HTTP
    output against those responses (and int, str, dict, pydantic models…) instead of
    func.HttpRequest / func.HttpResponse, unless PYTHON_ENABLE_INIT_INDEXING is set false
    (azure_functions_worker/http_v2.py and bindings/meta.py, Azure/azure-functions-python-worker).
    """
    if _setting(ctx) in _FALSE_LIKE:
        return False
    return streaming_import(ctx) is not None


def _python_version(root: str) -> tuple[int, int] | None:
    """The Python the app targets: its own environment's, by the rule the Run lens and the
    editor run the app in (model/appvenv.py: the first of .venv, venv, env with an interpreter
    that runs); else that of an environment whose interpreter cannot run here (made on another
    system, a copied folder), read from its site-packages path."""
    version = app_python_version(root)
    if version is not None:
        return version
    m = re.search(r"python(\d+)\.(\d+)", find_site_packages(root) or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


@checker("AZF410")
def streaming_setting(ctx: Context) -> None:
    found = streaming_import(ctx)
    if found is None or _setting(ctx) in _TRUE_LIKE or settings_unreadable(ctx):
        return  # a local.settings.json that does not parse may set it below its error
    version = _python_version(ctx.app.root)
    if version is not None and version >= (3, 13):
        return  # the 3.13+ worker serves streaming without the setting
    path, rng = found
    edit = add_setting(ctx, SETTING, "1") if ctx.app.local_settings_path else None
    ctx.emit(
        "AZF410",
        f"{os.path.relpath(path, ctx.app.root)} uses the HTTP streaming extension, which on "
        f"Python 3.8-3.12 works only with the app setting {SETTING}=1 (the worker starts its "
        "HTTP server during init indexing); set it in local.settings.json and in the app "
        "settings in Azure",
        path,
        rng,
        fixes=fixes(fix(f"Set {SETTING} to 1 in local.settings.json", edit, preferred=True)),
    )
