"""Quick fixes that create a file: AZF408 creates host.json, AZF601 creates requirements.txt
listing azure-functions and the distributions of the app's third-party imports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funcls.model.bundles import CURRENT_BUNDLE_RANGE, DEFAULT_BUNDLE_ID
from funcls.model.distributions import (
    distribution_for,
    distributions,
    imports_in_text,
    third_party_imports,
)
from funcls.model.source import SKIP_DIRS, Source
from tests.checks.support import check, fixed_clean, one, run_cli, v2

PING = (
    '@app.route(route="ping", auth_level=func.AuthLevel.ANONYMOUS)\n'
    "def ping(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("pong")\n'
)

IMPORTS = (
    "import json\n"
    "import yaml\n"
    "from PIL import Image\n"
    "from azure.storage.blob import BlobServiceClient\n"
    "import azure.identity.aio\n"
    "import requests\n"
    "from . import helpers\n"
    "import shared.tools\n"
    "from jobs import bp\n"
    "import os.path\n"
)


def test_azf408_fix_creates_host_json(tmp_path: Path) -> None:
    v2(tmp_path, PING, **{"host.json": None})
    f = one(check(tmp_path), "AZF408")
    assert [(x.title, x.preferred) for x in f.fixes] == [("Create host.json", True)]
    assert fixed_clean(tmp_path, f) == []
    host = json.loads((tmp_path / "host.json").read_text())
    assert host["version"] == "2.0"
    assert host["extensionBundle"] == {"id": DEFAULT_BUNDLE_ID, "version": CURRENT_BUNDLE_RANGE}


def test_azf601_fix_creates_requirements_from_the_imports(tmp_path: Path) -> None:
    v2(
        tmp_path,
        PING,
        **{
            "requirements.txt": None,
            "function_app.py": IMPORTS + "import azure.functions as func\n\n"
            "app = func.FunctionApp()\n\n\n" + PING,
            "jobs.py": "import azure.functions as func\nimport numpy\nbp = func.Blueprint()\n",
            "shared/tools.py": "try:\n    import dateutil.parser\nexcept ImportError:\n    pass\n",
            ".venv/lib/site.py": "import notinstalled\n",  # skipped folder
        },
    )
    f = one(check(tmp_path), "AZF601")
    assert [(x.title, x.preferred) for x in f.fixes] == [("Create requirements.txt", True)]
    after = fixed_clean(tmp_path, f)
    assert [x.code for x in after if x.code == "AZF601"] == []
    lines = (tmp_path / "requirements.txt").read_text().split("\n")
    assert [ln for ln in lines if ln and not ln.startswith("#")] == [
        "azure-functions",
        "Pillow",
        "azure-identity",
        "azure-storage-blob",
        "python-dateutil",
        "numpy",
        "requests",
        "PyYAML",
    ]


@pytest.mark.parametrize(
    ("module", "distribution"),
    [
        ("yaml", "PyYAML"),
        ("PIL.Image", "Pillow"),
        ("azure.storage.blob", "azure-storage-blob"),
        ("azure.storage.blob.aio", "azure-storage-blob"),
        ("azure.servicebus.aio", "azure-servicebus"),
        ("azure.identity", "azure-identity"),
        ("azure.keyvault.secrets", "azure-keyvault-secrets"),
        ("azure.data.tables", "azure-data-tables"),
        ("azure.monitor.opentelemetry", "azure-monitor-opentelemetry"),
        ("azure.mgmt.web", "azure-mgmt-web"),
        ("azure.functions", "azure-functions"),
        ("azure.durable_functions", "azure-functions-durable"),
        ("azure.storage.fileshare", "azure-storage-file-share"),
        ("azurefunctions.extensions.bindings.blob", "azurefunctions-extensions-bindings-blob"),
        ("azurefunctions.extensions.http.fastapi", "azurefunctions-extensions-http-fastapi"),
        ("google.cloud.storage", "google-cloud-storage"),
        ("sklearn.linear_model", "scikit-learn"),
        ("requests", "requests"),
        ("typing_extensions", "typing-extensions"),
        ("googleapiclient.discovery", "google-api-python-client"),
        ("google.oauth2.service_account", "google-auth"),
        ("google.auth.transport.requests", "google-auth"),
        ("google_auth_oauthlib.flow", "google-auth-oauthlib"),
        ("google.genai", "google-genai"),
        ("readability", "readability-lxml"),
        ("dotenv_vault", "python-dotenv-vault"),
        ("azureml.core.authentication", "azureml-core"),
        ("azureml.pipeline.core", "azureml-pipeline-core"),
        ("agents", "openai-agents"),
    ],
)
def test_distribution_for(module: str, distribution: str) -> None:
    assert distribution_for(module) == distribution


def test_third_party_imports_leave_out_stdlib_and_own_modules(tmp_path: Path) -> None:
    (tmp_path / "function_app.py").write_text(IMPORTS + "import broken(\n")  # syntax error
    (tmp_path / "app2.py").write_text(IMPORTS)
    (tmp_path / "shared").mkdir()
    source = Source()

    def imports_of(path: str) -> set[str]:
        return imports_in_text(source.text(path))

    found = third_party_imports(str(tmp_path), imports_of, source.listdir, SKIP_DIRS)
    # jobs.py is not in this app, so "jobs" is somebody else's module
    assert found == ["PIL", "azure.identity.aio", "azure.storage.blob", "jobs", "requests", "yaml"]
    assert distributions(["yaml", "yaml.loader", "requests"]) == ["PyYAML", "requests"]


def test_check_fix_creates_both_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    v2(tmp_path, PING, **{"host.json": None, "requirements.txt": None})
    code, _, _ = run_cli(capsys, str(tmp_path), "--fix")
    assert code == 0
    assert (tmp_path / "host.json").is_file() and (tmp_path / "requirements.txt").is_file()
    assert check(tmp_path) == []
