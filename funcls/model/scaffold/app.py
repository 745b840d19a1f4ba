"""The files of a new app, as ``func init --worker-runtime python`` writes them (Core Tools'
Python templates), with the extension bundle the checker expects (one source:
``schemas.host``)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from funcls.model.bundles import CURRENT_BUNDLE_RANGE, DEFAULT_BUNDLE_ID
from funcls.model.catalogue.templates import STORAGE_EMULATOR
from funcls.model.jsondoc import parse_json
from funcls.model.locations import Position
from funcls.model.scaffold.functions import Insert

# Files the new app gets, in the order they are written.
APP_FILES = (
    "host.json",
    "local.settings.json",
    "requirements.txt",
    "function_app.py",
    ".funcignore",
    ".gitignore",
)


def host_json_text() -> str:
    data = {
        "version": "2.0",
        "logging": {
            "applicationInsights": {
                "samplingSettings": {"isEnabled": True, "excludedTypes": "Request"}
            }
        },
        "extensionBundle": {"id": DEFAULT_BUNDLE_ID, "version": CURRENT_BUNDLE_RANGE},
    }
    return json.dumps(data, indent=2) + "\n"


def local_settings_text() -> str:
    data = {
        "IsEncrypted": False,
        "Values": {
            "FUNCTIONS_WORKER_RUNTIME": "python",
            # Azurite, the storage emulator: triggers other than HTTP keep their state there.
            "AzureWebJobsStorage": STORAGE_EMULATOR,
        },
    }
    return json.dumps(data, indent=2) + "\n"


def requirements_text(distributions: tuple[str, ...] = ()) -> str:
    head = (
        "# The packages the app needs; deployment installs only what is listed here.\n"
        "# Do not list azure-functions-worker: the platform provides the worker.\n"
    )
    names = ["azure-functions", *(d for d in distributions if d != "azure-functions")]
    return head + "".join(f"{n}\n" for n in names)


FUNCTION_APP_TEXT = "import azure.functions as func\n\napp = func.FunctionApp()\n"

FUNCIGNORE_TEXT = "".join(
    f"{line}\n"
    for line in (
        ".git*",
        ".vscode",
        "__azurite_db*__.json",
        "__blobstorage__",
        "__queuestorage__",
        "local.settings.json",
        "test",
        "tests",
        ".venv",
        "__pycache__",
        # funcls's local state: the running app's address and keys, run results.
        ".funcls",
    )
)

GITIGNORE_TEXT = "".join(
    f"{line}\n"
    for line in (
        "# Secrets and local state",
        "local.settings.json",
        "__azurite_db*__.json",
        "__blobstorage__",
        "__queuestorage__",
        ".funcls/",
        "",
        "# Python",
        "__pycache__/",
        "*.py[cod]",
        ".venv/",
        ".python_packages/",
        ".pytest_cache/",
    )
)


def app_files(v1: bool = False) -> dict[str, str]:
    """File name -> text. A v1 app has no function_app.py: its functions are folders."""
    files = {
        "host.json": host_json_text(),
        "local.settings.json": local_settings_text(),
        "requirements.txt": requirements_text(),
        "function_app.py": FUNCTION_APP_TEXT,
        ".funcignore": FUNCIGNORE_TEXT,
        ".gitignore": GITIGNORE_TEXT,
    }
    if v1:
        del files["function_app.py"]
    return files


def settings_inserts(text: str, additions: Mapping[str, str]) -> tuple[Insert, ...] | None:
    """Inserts that add the settings of ``additions`` local.settings.json ``text`` lacks to its
    ``Values`` (kept as written: members go after the last one, in its indentation). None when
    the file is not a JSON object funcls can safely edit."""
    doc = parse_json(text)
    root = doc.root
    if root is None or root.kind != "object" or not root.complete or doc.errors:
        return None
    values = root.get("Values")
    if values is not None and (values.kind != "object" or not values.complete):
        return None
    present = {m.key.lower() for m in values.members} if values is not None else set()
    missing = {k: v for k, v in additions.items() if k.lower() not in present}
    if not missing:
        return ()
    target = values if values is not None else root
    members = missing if values is not None else {"Values": missing}
    last = target.members[-1] if target.members else None
    if last is not None and last.value is not None:
        line = doc.lines.line_text(last.key_range.start.line)
        indent = line[: len(line) - len(line.lstrip())]
        rendered = _members(members, indent)
        return (Insert(last.value.range.end, "," + rendered),)
    line = doc.lines.line_text(target.range.start.line)
    outer = line[: len(line) - len(line.lstrip())]
    rendered = _members(members, outer + "  ")
    open_brace = Position(target.range.start.line, target.range.start.column + 1)
    return (Insert(open_brace, rendered + "\n" + outer),)


def _members(members: Mapping[str, object], indent: str) -> str:
    out = []
    for key, value in members.items():
        text = json.dumps(value, indent=2).replace("\n", "\n" + indent)
        out.append(f"\n{indent}{json.dumps(key)}: {text}")
    return ",".join(out)
