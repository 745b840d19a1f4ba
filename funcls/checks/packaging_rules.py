"""AZF600–AZF605: what gets deployed and imported."""

from __future__ import annotations

from funcls.checks.findings import Severity
from funcls.checks.registry import Example, Rule

E, W = Severity.ERROR, Severity.WARNING

_APP = (
    "import azure.functions as func\n\nimport helpers\n\napp = func.FunctionApp()\n\n\n"
    '@app.route(route="ping")\n'
    "def ping(req: func.HttpRequest) -> func.HttpResponse:\n"
    "    return func.HttpResponse(helpers.pong())\n"
)
_HELPERS = 'def pong() -> str:\n    return "pong"\n'
_PING = (
    "import azure.functions as func\n\napp = func.FunctionApp()\n\n\n"
    '@app.route(route="ping")\n'
    "def ping(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("pong")\n'
)

RULES: tuple[Rule, ...] = (
    Rule(
        "AZF600",
        "shadows-standard-library",
        W,
        "A module or package at the app root named like a standard-library module "
        "(`email/`, `json.py`, `secrets.py`).",
        "The worker puts the app folder first on `sys.path`, so every `import json` — in "
        "your code and in the libraries you use — gets your file instead, with confusing "
        "errors far from the cause.",
        Example({"function_app.py": _APP.replace("helpers", "secrets"), "secrets.py": _HELPERS}),
        Example({"function_app.py": _APP, "helpers.py": _HELPERS}),
    ),
    Rule(
        "AZF601",
        "requirements",
        E,
        "requirements.txt missing or without `azure-functions`, or listing "
        "`azure-functions-worker`, a standard-library module or a Windows-only distribution.",
        "From Python 3.13 the app's dependencies are isolated from the worker's, so "
        "`azure-functions` must be listed; the worker is provided by the platform and must "
        "not be installed; standard-library names (`logging`, `json`) either fail to install "
        "or install an ancient package that shadows the real module; a distribution published "
        "for Windows only (`pywin32`) has no release pip can install on Linux, where Azure "
        "runs Python apps, so the whole install fails unless the line is marked "
        '`; sys_platform == "win32"`.',
        Example({"function_app.py": _PING, "requirements.txt": "requests\nlogging\n"}),
        Example({"function_app.py": _PING, "requirements.txt": "azure-functions\nrequests\n"}),
        "Add `azure-functions`; remove the line.",
    ),
    Rule(
        "AZF602",
        "local-settings-published",
        W,
        "local.settings.json not excluded by the app's .funcignore, or tracked by git while "
        "it holds what look like real keys or passwords.",
        "local.settings.json holds connection strings and keys for local runs. Deployments "
        "that follow .funcignore (VS Code, GitHub Actions) upload every file it does not "
        "exclude, and a file in git is shared with everyone who can read the repository. "
        "Placeholders and the storage emulator's well-known key are not secrets.",
        Example({"function_app.py": _PING, ".funcignore": ".venv\n"}),
        Example({"function_app.py": _PING}),
        "Add local.settings.json to .funcignore.",
    ),
    Rule(
        "AZF603",
        "python-syntax-error",
        E,
        "A syntax error in a Python file of the app, including the errors Python reports "
        "only when it compiles a module (`return` or `yield` outside a function, `break` "
        "outside a loop, a repeated argument name).",
        "The worker cannot import the script, so none of its functions load (in the v2 "
        "model: none of the app's functions). funcls compiles the module's text to find the "
        "second kind; compiling runs none of its code.",
        Example({"function_app.py": _PING.replace("def ping(req", "def ping(req,")}),
        Example({"function_app.py": _PING}),
    ),
    Rule(
        "AZF604",
        "emulator-storage-deployed",
        E,
        "A deployment template in the app folder (Bicep, ARM JSON) sets `AzureWebJobsStorage` "
        "to `UseDevelopmentStorage=true`.",
        "That value points at the local storage emulator, which does not exist in Azure: a "
        "deployed app with it cannot start. It belongs only in local.settings.json.",
        Example(
            {
                "function_app.py": _PING,
                "infra/app.bicep": "resource site 'Microsoft.Web/sites@2022-09-01' = {\n"
                "  properties: { siteConfig: { appSettings: [\n"
                "    { name: 'AzureWebJobsStorage', value: 'UseDevelopmentStorage=true' }\n"
                "  ] } }\n}\n",
            }
        ),
        Example(
            {
                "function_app.py": _PING,
                "infra/app.bicep": "resource site 'Microsoft.Web/sites@2022-09-01' = {\n"
                "  properties: { siteConfig: { appSettings: [\n"
                "    { name: 'AzureWebJobsStorage__accountName', value: storage.name }\n"
                "  ] } }\n}\n",
            }
        ),
    ),
    Rule(
        "AZF605",
        "import-not-deployed",
        E,
        "A module the app imports at load time that is neither in the standard library, nor "
        "in the app, nor provided by requirements.txt (or pyproject.toml dependencies).",
        "The deployment installs only what requirements.txt lists (and what those packages "
        "require). The worker imports function_app.py, its blueprints and v1 scripts when the "
        "app starts; one missing module fails the import with ModuleNotFoundError and the app "
        "shows no functions — the most common reason a deployed Python app lists none. "
        "Imports under `try/except ImportError` are left alone. With the app's environment "
        "(.venv, venv, .python_packages) funcls reads what each listed package requires. "
        "Without it funcls follows the listed packages through its table of what their "
        "current releases require (generated from their wheels' metadata by "
        "scripts/build_dependency_table.py): a module they bring is not reported, one they do "
        "not is a warning, and when a listed package is not in the table the finding is "
        "information naming it, to be made certain by creating the app's .venv.",
        Example(
            {
                "function_app.py": "import yaml\n\n" + _PING,
                "requirements.txt": "azure-functions\n",
            }
        ),
        Example(
            {
                "function_app.py": "import yaml\n\n" + _PING,
                "requirements.txt": "azure-functions\nPyYAML\n",
            }
        ),
        "Add the distribution to requirements.txt.",
    ),
)
