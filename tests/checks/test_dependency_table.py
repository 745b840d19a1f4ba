"""AZF605 without the app's environment: requirements followed through the generated table of
what distributions require (funcls/model/dependency_table.py, from the wheels' metadata).

Corpus (sixth round, warning triage): 25 of 30 sampled AZF605 warnings named a module that
came with a package requirements.txt lists (requests and azure-core through the Azure SDKs,
PyJWT through msal, pydantic through fastapi).
"""

from __future__ import annotations

from pathlib import Path

from funcls.checks.findings import Severity
from funcls.model.dependency_table import REQUIRES
from funcls.model.distributions import follow_table
from tests.checks.support import V2_HEAD, check, only, text_at, write_app

PING = (
    '@app.route(route="ping")\n'
    "def ping(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("pong")\n'
)
NOT_ON_PYPI = "funcls-private-helpers-for-tests"


def _app(root: Path, imports: str, requirements: str) -> Path:
    return write_app(
        root,
        {"function_app.py": imports + V2_HEAD + PING, "requirements.txt": requirements},
    )


def test_the_table_holds_what_the_corpus_lists_with_their_requirements() -> None:
    # Read from the current wheels' METADATA, not written by hand: the chains the corpus
    # triage found are there.
    for dist, needs in [
        ("azure-identity", "azure-core"),
        ("azure-identity", "msal"),
        ("azure-core", "requests"),
        ("msal", "pyjwt"),
        ("fastapi", "pydantic"),
    ]:
        assert needs in REQUIRES[dist][1], (dist, needs)
    reached, unknown = follow_table(["azure-identity"])
    assert {"azure-core", "msal", "pyjwt", "requests", "urllib3"} <= reached
    assert unknown == set()
    assert follow_table([NOT_ON_PYPI]) == ({NOT_ON_PYPI}, {NOT_ON_PYPI})


def test_azf605_module_a_listed_package_requires_is_not_reported(tmp_path: Path) -> None:
    imports = (
        "import requests\n"
        "import jwt\n"
        "from azure.core.exceptions import ResourceNotFoundError\n"
        "from pydantic import BaseModel\n"
    )
    _app(tmp_path, imports, "azure-functions\nazure-identity\nfastapi\n")
    assert only(check(tmp_path), "AZF605") == []


def test_azf605_module_nothing_listed_requires_stays_a_warning(tmp_path: Path) -> None:
    _app(tmp_path, "import yaml\n", "azure-functions\nazure-identity\n")
    (f,) = only(check(tmp_path), "AZF605")
    assert f.severity == Severity.WARNING
    assert text_at(f) == "import yaml"
    assert f.message == (
        "'yaml' is imported by function_app.py but nothing in requirements.txt provides it (nor "
        "does anything the packages it lists require, by their current releases); the "
        "deployment installs only what requirements.txt lists, so the worker fails with "
        "ModuleNotFoundError and the app shows no functions: add 'PyYAML' to requirements.txt"
    )
    assert [x.title for x in f.fixes] == ["Add PyYAML to requirements.txt"]


def test_azf605_with_a_package_the_table_does_not_know_is_information(tmp_path: Path) -> None:
    _app(tmp_path, "import yaml\n", f"azure-functions\nazure-identity\n{NOT_ON_PYPI}\n")
    (f,) = only(check(tmp_path), "AZF605")
    assert f.severity == Severity.INFO
    assert f.message == (
        "'yaml' is imported by function_app.py but nothing in requirements.txt provides it "
        f"unless '{NOT_ON_PYPI}' brings it: funcls follows the other listed packages through "
        "its table of what they require, but not this one, and the app has no .venv to read; "
        "create one (python -m venv .venv, then pip install -r requirements.txt) to make this "
        "certain; the deployment installs only what requirements.txt lists, so the worker "
        "fails with ModuleNotFoundError and the app shows no functions: add 'PyYAML' to "
        "requirements.txt"
    )
    # A module the known packages bring is still silent beside the unknown one.
    _app(tmp_path / "b", "import requests\n", f"azure-functions\nazure-identity\n{NOT_ON_PYPI}\n")
    assert only(check(tmp_path / "b"), "AZF605") == []


def test_azf605_with_the_environment_stays_an_error_whatever_the_table_says(
    tmp_path: Path,
) -> None:
    # The environment is read when there is one: azure-identity installed without its
    # requirements (as its METADATA here says) does not bring requests, table or not.
    _app(tmp_path, "import requests\n", "azure-functions\nazure-identity\n")
    site = tmp_path / ".venv" / "lib" / "python3.11" / "site-packages"
    for name, top in [("azure-functions", "azure"), ("azure-identity", "azure")]:
        info = site / f"{name}-1.0.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n\n")
        (info / "top_level.txt").write_text(top + "\n")
    (f,) = only(check(tmp_path), "AZF605")
    assert f.severity == Severity.ERROR
    assert "nothing in requirements.txt provides it;" in f.message


def test_azf605_modules_of_distributions_named_otherwise(tmp_path: Path) -> None:
    # Corpus (sixth round): cv2 from opencv-python-headless (tfmamff-ops), socks from PySocks
    # (netbirdio), agent_framework from agent-framework-core through
    # agent-framework-azurefunctions (Azure-Samples/snippy), psycopg2 from psycopg2 itself.
    # Each checked against its wheel: copilot (github-copilot-sdk), zxingcpp (zxing-cpp),
    # azure.cosmosdb.table, azure.cognitiveservices.vision.computervision.
    imports = (
        "import cv2\nimport socks\nimport agent_framework\nimport psycopg2\nimport copilot\n"
        "import zxingcpp\nfrom azure.cosmosdb.table.tableservice import TableService\n"
        "from azure.cognitiveservices.vision.computervision import ComputerVisionClient\n"
        "import azure_functions_agents\nimport azure.monitor.opentelemetry.exporter\n"
    )
    requirements = (
        "azure-functions\nopencv-python-headless==4.11.0.86\npysocks\n"
        "agent-framework-azurefunctions\npsycopg2\ngithub-copilot-sdk\nzxing-cpp==2.3.0\n"
        "azure-cosmosdb-table==1.0.6\nazure-cognitiveservices-vision-computervision==0.9.0\n"
        "azurefunctions-agents-runtime[monitor]==0.1.0b8\n"
        "azure-monitor-opentelemetry-exporter==1.0.0b33\n"
    )
    _app(tmp_path, imports, requirements)
    assert only(check(tmp_path), "AZF605") == []
    _app(tmp_path / "b", imports, "azure-functions\n")
    assert [f.message.split(" but ")[0] for f in only(check(tmp_path / "b"), "AZF605")] == [
        "'cv2' is imported by function_app.py",
        "'socks' is imported by function_app.py",
        "'agent_framework' is imported by function_app.py",
        "'psycopg2' is imported by function_app.py",
        "'copilot' is imported by function_app.py",
        "'zxingcpp' is imported by function_app.py",
        "'azure.cosmosdb.table.tableservice' is imported by function_app.py",
        "'azure.cognitiveservices.vision.computervision' is imported by function_app.py",
        "'azure_functions_agents' is imported by function_app.py",
        "'azure.monitor.opentelemetry.exporter' is imported by function_app.py",
    ]


def test_azf605_modules_named_otherwise_seventh_round(tmp_path: Path) -> None:
    # Corpus information triage (seventh round), each read from its wheel or sdist: pythoncom
    # and win32com from pywin32, staticmaps from py-staticmaps, frontmatter from
    # python-frontmatter; azure.ai.translation.document and azure.ai.vision.imageanalysis are
    # distributions of their own (funcls named 'azure-ai-translation', 'azure-ai-vision').
    imports = (
        "import pythoncom\nimport win32com.client\nimport staticmaps\nimport frontmatter\n"
        "from azure.ai.translation.document import DocumentTranslationClient\n"
        "from azure.ai.vision.imageanalysis import ImageAnalysisClient\n"
    )
    requirements = (
        "azure-functions\npywin32\npy-staticmaps==0.4.0\npython-frontmatter==1.1.0\n"
        "azure-ai-translation-document==1.0.0\nazure-ai-vision-imageanalysis\n"
    )
    _app(tmp_path, imports, requirements)
    assert only(check(tmp_path), "AZF605") == []
    _app(tmp_path / "b", imports, "azure-functions\n")
    assert [f.message.rsplit(": add ", 1)[1] for f in only(check(tmp_path / "b"), "AZF605")] == [
        "'pywin32' to requirements.txt",
        "'py-staticmaps' to requirements.txt",
        "'python-frontmatter' to requirements.txt",
        "'azure-ai-translation-document' to requirements.txt",
        "'azure-ai-vision-imageanalysis' to requirements.txt",
    ]


def test_azf605_hcl2_and_newspaper_are_named_by_their_distributions(tmp_path: Path) -> None:
    # Corpus information triage, 6 December (trust round 7), read from the wheels: hcl2 is
    # python-hcl2's module, newspaper newspaper3k's. Listed, they were notes that the module
    # might come "unless 'python-hcl2' brings it"; missing, the fix asked for 'hcl2'.
    imports = "import hcl2\nfrom newspaper import Article\n"
    _app(tmp_path, imports, "azure-functions\npython-hcl2==4.3.0\nnewspaper3k\n")
    assert only(check(tmp_path), "AZF605") == []
    _app(tmp_path / "b", imports, "azure-functions\n")
    assert [f.message.rsplit(": add ", 1)[1] for f in only(check(tmp_path / "b"), "AZF605")] == [
        "'python-hcl2' to requirements.txt",
        "'newspaper3k' to requirements.txt",
    ]


def test_azf605_opencensus_extensions_and_a_fork_of_playwright_stealth(tmp_path: Path) -> None:
    # Corpus (seventh round, grown): dabedin/trip-python-functions lists
    # opencensus-extension-azure-functions, whose wheel is opencensus/extension/azure/
    # (AZF605 asked to add 'opencensus'); Aitosoft/crawl4ai-function-clean lists
    # tf-playwright-stealth, whose wheel is playwright_stealth/.
    imports = (
        "from opencensus.extension.azure.functions import OpenCensusExtension\n"
        "from opencensus.ext.requests import trace\nfrom playwright_stealth import stealth_async\n"
    )
    requirements = (
        "azure-functions\nopencensus-extension-azure-functions\nopencensus-ext-requests\n"
        "tf-playwright-stealth\n"
    )
    _app(tmp_path, imports, requirements)
    assert only(check(tmp_path), "AZF605") == []
    _app(tmp_path / "b", imports, "azure-functions\n")
    assert [f.message.rsplit(": add ", 1)[1] for f in only(check(tmp_path / "b"), "AZF605")] == [
        "'opencensus-extension-azure-functions' to requirements.txt",
        "'opencensus-ext-requests' to requirements.txt",
        "'playwright-stealth' to requirements.txt",
    ]


def test_azf605_module_a_later_release_renamed(tmp_path: Path) -> None:
    # Corpus (DSpirit/azure-functions-python-ms-graph): msgraph-core listed unpinned, and
    # msgraph.core imported, which only its 0.x releases ship (1.x has msgraph_core). AZF605
    # asked to add 'msgraph' to requirements.txt.
    imports = "from msgraph.core import GraphClient\n"
    _app(tmp_path, imports, "azure-functions\nmsgraph-core\n")
    (f,) = only(check(tmp_path), "AZF605")
    assert f.severity == Severity.WARNING
    assert f.message == (
        "'msgraph.core' is imported by function_app.py, but msgraph-core ships it only before "
        "1.0 (since 1.0 it is 'msgraph_core') and requirements.txt does not keep msgraph-core "
        "below 1.0, so the deployment installs a release without it: the worker fails with "
        "ModuleNotFoundError and the app shows no functions; pin 'msgraph-core<1' in "
        "requirements.txt, or move to 'msgraph_core' and its API"
    )
    for pinned in ("msgraph-core==0.2.2", "msgraph-core<1.0", "msgraph-core>=0.2,<1"):
        _app(tmp_path / "pinned", imports, f"azure-functions\n{pinned}\n")
        assert only(check(tmp_path / "pinned"), "AZF605") == [], pinned
    # Not listed at all: the fix adds the release that has it.
    _app(tmp_path / "none", imports, "azure-functions\n")
    (f,) = only(check(tmp_path / "none"), "AZF605")
    assert f.message.endswith(": add 'msgraph-core<1' to requirements.txt")
    # The new module of the current release is msgraph-core's as any other.
    _app(tmp_path / "new", "import msgraph_core\n", "azure-functions\nmsgraph-core\n")
    assert only(check(tmp_path / "new"), "AZF605") == []


def test_azf605_package_below_the_app_root_is_named_not_sent_to_pypi(tmp_path: Path) -> None:
    # Corpus (JoaquinMarsanPi/azure-func-clean-template): function_app.py imports
    # db.repository.client, which is app/db/repository/client.py in the app folder; AZF605
    # asked to add PyPI's 'db' to requirements.txt.
    files = {
        "app/db/__init__.py": "",
        "app/db/repository/__init__.py": "",
        "app/db/repository/client.py": "def get_client():\n    return None\n",
    }
    write_app(
        tmp_path,
        {
            "function_app.py": "from db.repository.client import get_client\n" + V2_HEAD + PING,
            "requirements.txt": "azure-functions\n",
            **files,
        },
    )
    (f,) = only(check(tmp_path), "AZF605")
    assert f.severity == Severity.ERROR
    assert f.message == (
        "'db.repository.client' is imported by function_app.py, but 'db' is app/db, below the "
        "app root: the worker puts only the app root on sys.path, so the import fails with "
        "ModuleNotFoundError and the app shows no functions; import it by its path from the "
        "app root ('app.db.repository.client'), or move it to the root"
    )
    assert f.fixes == []
    # Imported by its path from the root, it is the app's own module.
    write_app(
        tmp_path / "ok",
        {
            "function_app.py": "from app.db.repository.client import get_client\n" + V2_HEAD + PING,
            "requirements.txt": "azure-functions\n",
            **files,
        },
    )
    assert only(check(tmp_path / "ok"), "AZF605") == []


def test_azf605_a_package_that_puts_its_own_folder_on_sys_path(tmp_path: Path) -> None:
    # Corpus warning triage (eighth round, pzohaycuoi/azure-prepare-docs-for-gpt):
    # function_app.py imports tools.handler; tools/__init__.py, which runs first, appends its
    # own folder to sys.path, so handler.py's 'from shared import ...' finds tools/shared.py
    # (the library's import got past it). AZF605 warned that 'shared' was below the app root.
    init = "import os\nimport sys\n\nsys.path.append(os.path.dirname(os.path.abspath(__file__)))\n"
    files = {
        "function_app.py": "from tools.handler import handle\n" + V2_HEAD + PING,
        "requirements.txt": "azure-functions\n",
        "tools/__init__.py": init,
        "tools/handler.py": "from shared import setting\n\n\ndef handle():\n    return setting\n",
        "tools/shared.py": "setting = 1\n",
    }
    write_app(tmp_path, files)
    assert only(check(tmp_path), "AZF605") == []
    # Without the edit in the package, the import does fail.
    write_app(tmp_path / "plain", {**files, "tools/__init__.py": ""})
    (f,) = only(check(tmp_path / "plain"), "AZF605")
    assert f.message.startswith(
        "'shared' is imported by tools/handler.py, but 'shared' is tools/shared.py, below the app"
    )


def test_azf605_shared_folder_beside_the_app_in_a_monorepo(tmp_path: Path) -> None:
    # Corpus (JayChase/mixed-py-mono-repo): func-py-two imports db_client from the
    # repository's py_common/ beside it; AZF605 asked to add 'db-client'.
    (tmp_path / "README.md").write_text("monorepo\n")
    (tmp_path / "py_common").mkdir()
    (tmp_path / "py_common" / "db_client.py").write_text("class DbClient:\n    pass\n")
    app = tmp_path / "func-py-two"
    _app(app, "from db_client import DbClient\n", "azure-functions\n")
    (f,) = only(check(app), "AZF605")
    assert f.message.startswith(
        "'db_client' is imported by function_app.py, but 'db_client' is "
        "../py_common/db_client.py, a part of the repository outside the app folder"
    )
    # An app at the top of its repository: the folders beside it are other projects, and a
    # module of that name there says nothing about this app.
    (app / ".github").mkdir()
    (f,) = only(check(app), "AZF605")
    assert f.message.endswith(": add 'db-client' to requirements.txt")


def test_azf605_follows_the_extras_a_requirement_asks_for(tmp_path: Path) -> None:
    # Corpus (sixth round): yeongseon's example lists
    # azure-functions-langgraph[azure-blob,azure-table,azure-identity] and imports azure.core,
    # which the azure-blob extra brings through azure-storage-blob.
    imports = "from azure.core.exceptions import ResourceNotFoundError\nimport uvicorn\n"
    _app(
        tmp_path,
        imports,
        "azure-functions\nazure-functions-langgraph[azure-blob, azure-table]>=0.7.1\n"
        "fastapi[standard]\n",
    )
    assert only(check(tmp_path), "AZF605") == []
    _app(tmp_path / "b", imports, "azure-functions\nazure-functions-langgraph>=0.7.1\nfastapi\n")
    assert [text_at(f) for f in only(check(tmp_path / "b"), "AZF605")] == [
        "from azure.core.exceptions import ResourceNotFoundError",
        "import uvicorn",
    ]


def test_azf605_own_module_imported_in_another_case(tmp_path: Path) -> None:
    # Corpus (AbakusNantis/freelance-bot): 'from ScrapeNewEntries import ScrapeNewEntries' in
    # the blueprint module scrapeNewEntries.py; AZF605 asked to add 'ScrapeNewEntries' to
    # requirements.txt, which no distribution is.
    write_app(
        tmp_path,
        {
            "function_app.py": "from Helpers import greet\n" + V2_HEAD + PING,
            "helpers.py": "def greet():\n    return 'hi'\n",
            "requirements.txt": "azure-functions\nrequests\n",
        },
    )
    (f,) = only(check(tmp_path), "AZF605")
    assert f.severity == Severity.ERROR
    assert f.message == (
        "'Helpers' is imported by function_app.py, but the app's module is 'helpers', whose "
        "name differs in case: Python's import matches the case exactly (on Windows and macOS "
        "too), so the worker fails with ModuleNotFoundError and the app shows no functions; "
        "import 'helpers', or rename the module"
    )
    assert f.fixes == []


def test_azf605_extra_of_a_utf16_requirements_file(tmp_path: Path) -> None:
    # Corpus (seventh round, ava-mlechavez/az-chat-app): a requirements.txt saved as UTF-16
    # lists semantic-kernel[azure], whose azure extra brings azure-search-documents (its
    # wheel's Requires-Dist). The table builder read the file as UTF-8 and never recorded the
    # extra, so five imports of azure.search.documents were reported.
    imports = "from azure.search.documents import SearchClient\n"
    requirements = "azure-functions\r\nsemantic-kernel\r\nsemantic-kernel[azure]\r\n"
    write_app(tmp_path, {"function_app.py": imports + V2_HEAD + PING})
    (tmp_path / "requirements.txt").write_bytes(requirements.encode("utf-16"))
    assert only(check(tmp_path), "AZF605") == []
    write_app(tmp_path / "b", {"function_app.py": imports + V2_HEAD + PING})
    (tmp_path / "b" / "requirements.txt").write_bytes(
        "azure-functions\r\nsemantic-kernel\r\n".encode("utf-16")
    )
    (f,) = only(check(tmp_path / "b"), "AZF605")
    assert f.message.endswith(": add 'azure-search-documents' to requirements.txt")


def test_azf605_information_for_pyproject_dependencies_says_how_to_install_them(
    tmp_path: Path,
) -> None:
    pyproject = f'[project]\nname = "app"\ndependencies = ["azure-functions", "{NOT_ON_PYPI}"]\n'
    write_app(
        tmp_path,
        {
            "function_app.py": "import yaml\n" + V2_HEAD + PING,
            "requirements.txt": None,
            "pyproject.toml": pyproject,
        },
        base=False,
    )
    (f,) = only(check(tmp_path), "AZF605")
    assert f.severity == Severity.INFO
    assert "create one (python -m venv .venv, then pip install .)" in f.message


def test_azf605_a_namespace_module_of_a_listed_distribution_named_by_its_path(
    tmp_path: Path,
) -> None:
    # Corpus warning triage (eighth round): implodingduck/azure-openai-function lists
    # azure-monitor-events-extension, whose wheel is azure/monitor/events/extension/; AZF605
    # warned that nothing provided azure.monitor.events.extension and asked for
    # 'azure-monitor-events'. A listed distribution named after a dotted path of a namespace
    # module provides it; missing, the fix names the wheel's distribution.
    imports = (
        "from azure.monitor.events.extension import track_event\n"
        "from azure.mgmt.containerinstance.models import Container\n"
    )
    _app(
        tmp_path,
        imports,
        "azure-functions\nazure-monitor-events-extension\nazure-mgmt-containerinstance\n",
    )
    assert only(check(tmp_path), "AZF605") == []
    _app(tmp_path / "b", imports, "azure-functions\n")
    assert [f.message.rsplit(": add ", 1)[1] for f in only(check(tmp_path / "b"), "AZF605")] == [
        "'azure-monitor-events-extension' to requirements.txt",
        "'azure-mgmt-containerinstance' to requirements.txt",
    ]
    # Information triage (eighth round, BillmanH/exoplanets): gremlinpython's wheel is
    # gremlin_python/; listed, the module was a note naming it only as a candidate.
    _app(tmp_path / "g", "from gremlin_python.driver import client\n", "azure-functions\n")
    (f,) = only(check(tmp_path / "g"), "AZF605")
    assert f.message.endswith(": add 'gremlinpython' to requirements.txt")
    _app(
        tmp_path / "g2",
        "from gremlin_python.driver import client\n",
        "azure-functions\ngremlinpython\ndjango\n",
    )
    assert only(check(tmp_path / "g2"), "AZF605") == []
    # Any dotted path: a namespace distribution the tables do not know, listed.
    _app(
        tmp_path / "c",
        "from azure.widgets.frobnicator import Frob\n",
        "azure-functions\nazure-widgets-frobnicator\n",
    )
    assert only(check(tmp_path / "c"), "AZF605") == []


def test_azf605_bson_is_pymongo_s_and_scourgify_usaddress_scourgify_s(tmp_path: Path) -> None:
    # Corpus, eleventh round, read from the wheels: pymongo's top is bson/, gridfs/, pymongo/
    # (an app listing pymongo and importing bson was told to add PyPI's 'bson', py-bson, whose
    # bson/ would replace pymongo's); usaddress-scourgify's is scourgify/ (the tenth round's
    # false note asked to add PyPI's 'scourgify', a Calibre tool of the same module name).
    _app(
        tmp_path / "m",
        "from bson import ObjectId\nimport gridfs\nfrom pymongo import MongoClient\n",
        "azure-functions\npymongo\n",
    )
    assert only(check(tmp_path / "m"), "AZF605") == []
    _app(
        tmp_path / "s", "from scourgify import normalize_address_record\n", "usaddress-scourgify\n"
    )
    assert only(check(tmp_path / "s"), "AZF605") == []
    # Either project that installs the module provides it.
    _app(tmp_path / "c", "import scourgify\n", "azure-functions\nscourgify\n")
    assert only(check(tmp_path / "c"), "AZF605") == []
    _app(tmp_path / "b", "import bson\n", "azure-functions\nbson\n")
    assert only(check(tmp_path / "b"), "AZF605") == []
    # Not listed: the fix names the distribution most apps mean.
    _app(tmp_path / "n", "from bson import ObjectId\nimport scourgify\n", "azure-functions\n")
    assert sorted(f.message.rsplit(": ", 1)[1] for f in only(check(tmp_path / "n"), "AZF605")) == [
        "add 'pymongo' to requirements.txt",
        "add 'usaddress-scourgify' to requirements.txt",
    ]


def test_azf605_whois_is_python_whois_s_and_twitch_twitch_python_s(tmp_path: Path) -> None:
    # Corpus, twelfth round, read from the wheels: python-whois's top is whois/, twitch-python's
    # is twitch/ (two apps listing them were told, in a note, to add PyPI's 'whois' and
    # 'twitch' instead).
    _app(tmp_path / "w", "import whois\n", "azure-functions\npython-whois\n")
    assert only(check(tmp_path / "w"), "AZF605") == []
    _app(tmp_path / "t", "from twitch import Helix\n", "azure-functions\ntwitch-python\n")
    assert only(check(tmp_path / "t"), "AZF605") == []
    # PyPI's 'whois' installs a whois/ of its own: listed, it provides the module too.
    _app(tmp_path / "o", "import whois\n", "azure-functions\nwhois\n")
    assert only(check(tmp_path / "o"), "AZF605") == []
    # slackclient's top is slack/ (PyPI's 'slack' installs another slack/).
    _app(tmp_path / "s", "from slack import WebClient\n", "azure-functions\nslackclient\n")
    assert only(check(tmp_path / "s"), "AZF605") == []
    _app(tmp_path / "n", "import whois\nimport twitch\nimport slack\n", "azure-functions\n")
    assert sorted(f.message.rsplit(": ", 1)[1] for f in only(check(tmp_path / "n"), "AZF605")) == [
        "add 'python-whois' to requirements.txt",
        "add 'slackclient' to requirements.txt",
        "add 'twitch-python' to requirements.txt",
    ]


def test_azf605_a_requirement_on_some_pythons_may_provide_the_module(tmp_path: Path) -> None:
    # Corpus: an app listing aiohttp imports async_timeout, which aiohttp requires below Python
    # 3.11 (and always did in 3.8); the table keeps only what every Python gets, so the note
    # said nothing listed provides it. Without the app's environment its Python is unknown.
    _app(tmp_path / "a", "import async_timeout\n", "azure-functions\naiohttp~=3.8.1\n")
    assert only(check(tmp_path / "a"), "AZF605") == []
    _app(tmp_path / "n", "import async_timeout\n", "azure-functions\nrequests\n")
    (f,) = only(check(tmp_path / "n"), "AZF605")
    assert f.message.endswith(": add 'async-timeout' to requirements.txt")


def test_azf605_silent_in_a_module_imported_only_under_an_import_error_guard(
    tmp_path: Path,
) -> None:
    # Corpus, eleventh round (sjlee-git/dpweather): a copy of beautifulsoup4 in the app folder;
    # bs4/builder/__init__.py imports its _html5lib and _lxml modules in try/except ImportError,
    # and those import html5lib and lxml, which requirements.txt does not list. The import of
    # bs4 works (the handler catches their failure); AZF605 warned twice.
    files = {
        "function_app.py": "from vendored import parse\n" + V2_HEAD + PING,
        "requirements.txt": "azure-functions\n",
        "vendored/__init__.py": (
            "from .basic import parse\n"
            "try:\n    from . import _fast\nexcept ImportError:\n    pass\n"
        ),
        "vendored/basic.py": "def parse(text):\n    return text\n",
        "vendored/_fast.py": "import lxml\n\n\ndef parse(text):\n    return lxml\n",
    }
    write_app(tmp_path, files)
    assert only(check(tmp_path), "AZF605") == []
    # The same module also imported without a guard: the worker fails there.
    write_app(
        tmp_path / "both",
        {**files, "vendored/basic.py": "from ._fast import parse\n"},
    )
    (f,) = only(check(tmp_path / "both"), "AZF605")
    assert f.message.startswith("'lxml' is imported by vendored/_fast.py")
    # And a module the guarded one imports is shielded too, but not one reached otherwise.
    write_app(
        tmp_path / "deep",
        {
            **files,
            "vendored/_fast.py": "from . import _deeper\n",
            "vendored/_deeper.py": "import lxml\n",
        },
    )
    assert only(check(tmp_path / "deep"), "AZF605") == []
