"""The HTTP streaming extension (azurefunctions-extensions-http-*): whether an app uses it, and
AZF410, the app setting it needs before Python 3.13."""

from __future__ import annotations

import os
import re

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
    """The first import of azurefunctions.extensions.http.* in the app's files, if any."""
    if "streaming_import" not in ctx.memo:  # three checkers ask, over every import (issue 16)
        ctx.memo["streaming_import"] = streaming_import_in(ctx.app)
    found: tuple[str, Range] | None = ctx.memo["streaming_import"]
    return found


def streaming_import_in(app: App) -> tuple[str, Range] | None:
    """``streaming_import`` for an app, read from the texts its index was built from."""
    source = app.source
    if source is None:
        return None
    for path in sorted(app.files):
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
