"""Which PyPI distribution provides an imported module: ``yaml`` -> ``PyYAML``,
``azure.storage.blob`` -> ``azure-storage-blob``. One map for every rule and fix that goes from
an app's imports to requirements.txt (or back).

Most distributions install a module of their own name (``requests``, ``numpy``); the map lists
the ones that do not, and the namespace packages whose distribution is named after the dotted
path (``azure.*``, ``azurefunctions.*``, ``google.cloud.*``). A name not covered is taken to be
its own distribution.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import field

from funcls.model.appvenv import app_site_packages, venv_site_packages
from funcls.model.fastclass import dataclass
from funcls.model.lazy_re import compiled_on_use
from funcls.model.python.limits import parse as parse_python

# Import name (dotted prefix) -> distribution, where they differ.
KNOWN: dict[str, str] = {
    # Azure, where the dotted-path rule below does not give the name.
    "azure.functions": "azure-functions",
    "azure.durable_functions": "azure-functions-durable",
    "azure.storage.fileshare": "azure-storage-file-share",
    "azure.storage.filedatalake": "azure-storage-file-datalake",
    "azure.ai.inference": "azure-ai-inference",
    "azure.cognitiveservices.speech": "azure-cognitiveservices-speech",
    "azure.kusto.data": "azure-kusto-data",
    "azure.kusto.ingest": "azure-kusto-ingest",
    "azure.eventhub.extensions.checkpointstoreblob": "azure-eventhub-checkpointstoreblob",
    "azure.eventhub.extensions.checkpointstoreblobaio": "azure-eventhub-checkpointstoreblob-aio",
    # Common packages whose module is named differently.
    "yaml": "PyYAML",
    "PIL": "Pillow",
    "cv2": "opencv-python",
    "sklearn": "scikit-learn",
    "skimage": "scikit-image",
    "bs4": "beautifulsoup4",
    "dateutil": "python-dateutil",
    "dotenv": "python-dotenv",
    "jwt": "PyJWT",
    "jose": "python-jose",
    "multipart": "python-multipart",
    "docx": "python-docx",
    "pptx": "python-pptx",
    "magic": "python-magic",
    "fitz": "PyMuPDF",
    "Crypto": "pycryptodome",
    "OpenSSL": "pyOpenSSL",
    "MySQLdb": "mysqlclient",
    "psycopg2": "psycopg2-binary",
    "pymssql": "pymssql",
    "serial": "pyserial",
    "git": "GitPython",
    "dns": "dnspython",
    "zmq": "pyzmq",
    "attr": "attrs",
    "google.protobuf": "protobuf",
    "grpc": "grpcio",
    "pkg_resources": "setuptools",
    "win32api": "pywin32",
    "Levenshtein": "python-Levenshtein",
    "slugify": "python-slugify",
    "telegram": "python-telegram-bot",
    "socketio": "python-socketio",
    "engineio": "python-engineio",
    "jinja2": "Jinja2",
    "markdown": "Markdown",
    "odbc": "pyodbc",
    "openpyxl": "openpyxl",
    "opentelemetry": "opentelemetry-api",
    "opentelemetry.sdk": "opentelemetry-sdk",
    "langchain_openai": "langchain-openai",
    "langchain_community": "langchain-community",
    "langchain_core": "langchain-core",
    "typing_extensions": "typing-extensions",
    # Found listed under these names beside their imports in the public corpus, where the
    # import's own name is no distribution or another one: PyPI's 'google' is an unrelated
    # search scraper, 'readability' an unrelated text-statistics package.
    "googleapiclient": "google-api-python-client",
    "google.auth": "google-auth",
    "google.oauth2": "google-auth",
    "google_auth_oauthlib": "google-auth-oauthlib",
    "google.genai": "google-genai",
    "google.generativeai": "google-generativeai",
    "readability": "readability-lxml",
    "dotenv_vault": "python-dotenv-vault",
    "azureml.core": "azureml-core",
    "azureml.pipeline.core": "azureml-pipeline-core",
    "azureml.pipeline.steps": "azureml-pipeline-steps",
    "agents": "openai-agents",  # the OpenAI Agents SDK (PyPI's 'agents' is another project)
    "linkedin_api": "linkedin-api-client",  # its wheel's only package (ASISaga, sixth round)
    "socks": "PySocks",  # PySocks' wheel: socks.py, sockshandler.py (netbirdio, sixth round)
    "agent_framework": "agent-framework-core",  # Microsoft Agent Framework (Azure-Samples/snippy)
    "copilot": "github-copilot-sdk",  # Azure-Samples/simple-agent-functions-python
    "azure_functions_agents": "azurefunctions-agents-runtime",  # serverless-agents-expense-...
    "azure.monitor.opentelemetry.exporter": "azure-monitor-opentelemetry-exporter",
    "zxingcpp": "zxing-cpp",  # tfmamff-ops/vision-pipeline
    "azure.cosmosdb.table": "azure-cosmosdb-table",  # OWASP-Foundation/owaspadmin-azurefunctions
    "azure.cognitiveservices.vision.computervision": (
        "azure-cognitiveservices-vision-computervision"  # dfernandezmOnesec/bot-vea-connect
    ),
    # Corpus information triage (seventh round), each read from its wheel or sdist: pywin32's
    # wheel has pythoncom.py and win32com/ at its top (Azure-Samples/azure-functions-python-v2),
    # py-staticmaps' top_level.txt says staticmaps (pamelafox/staticmaps-function),
    # python-frontmatter's wheel is frontmatter/ (GraniLuk/CryptoMorningReports).
    "pythoncom": "pywin32",
    "pywintypes": "pywin32",
    "win32com": "pywin32",
    "staticmaps": "py-staticmaps",
    "frontmatter": "python-frontmatter",
    # Corpus information triage, 6 December (trust round 7), read from the wheels:
    # python_hcl2-8.1.4's top is hcl2/ (BeeBarry/subvendorApiGenerator), newspaper3k-0.2.8's
    # newspaper/ (AnthonyJPerez/AutomatedBlog); the notes named them only as candidates.
    "hcl2": "python-hcl2",
    "newspaper": "newspaper3k",
    # Corpus warning triage (eighth round), read from its wheel: azure_monitor_events_extension-
    # 0.1.0 installs azure/monitor/events/extension/ (implodingduck/azure-openai-function lists
    # it and was told to add 'azure-monitor-events', which is not on PyPI).
    "azure.monitor.events": "azure-monitor-events-extension",
    # Corpus information triage (eighth round), read from its wheel: gremlinpython-3.8.2's top
    # is gremlin_python/ (BillmanH/exoplanets lists it; the note named it only as a candidate).
    "gremlin_python": "gremlinpython",
    # Corpus triage (eleventh round), read from the wheels: pymongo-4.20.1's top is bson/,
    # gridfs/ and pymongo/ (Across-Gaehwa-Mountain/JOBMATE_AI_BE lists pymongo and imports bson:
    # AZF605 asked to add PyPI's 'bson', py-bson 0.5.10, whose bson/ would replace pymongo's);
    # usaddress_scourgify-0.7.1's top is scourgify/ (tyler555g/AzureDurableFunctionsExample lists
    # it; the note asked to add PyPI's 'scourgify', scourgify-1.12.0, a Calibre tag tool that
    # installs a module of that name too, kept in ALSO_PROVIDED_BY).
    "bson": "pymongo",
    "gridfs": "pymongo",
    "scourgify": "usaddress-scourgify",
    # Corpus triage (twelfth round), read from the wheels: python_whois-0.9.6's top is whois/
    # (JustinVerstijnen/DNSMegaTool lists python-whois; the note asked to add PyPI's 'whois',
    # whois-1.20240129.2, another project whose top is whois/ too, kept in ALSO_PROVIDED_BY);
    # twitch_python-0.0.20's is twitch/ (OD1995/FSEVideoDownloader lists twitch-python; the
    # note asked to add 'twitch', a name with no release pip can install).
    "whois": "python-whois",
    "twitch": "twitch-python",
    # slackclient-2.9.4's top is slack/ (mnakai3/url-monitor lists slackclient; the note asked
    # to add PyPI's 'slack', slack-0.0.2, another project whose top is slack/ too).
    "slack": "slackclient",
}

# Modules a distribution shipped only before a major release that renamed them: import name ->
# (distribution, that major release, the module's name since). msgraph-core 0.2.2's wheel has
# msgraph/core/, 1.5.2's msgraph_core/ (DSpirit/azure-functions-python-ms-graph lists
# msgraph-core unpinned and imports msgraph.core: AZF605 asked to add 'msgraph').
MOVED: dict[str, tuple[str, int, str]] = {
    "msgraph.core": ("msgraph-core", 1, "msgraph_core"),
}


def moved_module(module: str) -> tuple[str, int, str] | None:
    """MOVED's entry for ``module`` or a package above it."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        hit = MOVED.get(".".join(parts[:n]))
        if hit is not None:
            return hit
    return None


_CAP = compiled_on_use(r"(<=?|==|~=)\s*(\d+)(?:\.(\d+))?")


def capped_below(line: str, major: int) -> bool:
    """Whether a requirements line keeps its distribution below release ``major``
    (``msgraph-core<1``, ``==0.2.2``, ``~=0.2``, ``<=0.9``)."""
    spec = line.split(";", 1)[0]
    for op, first, second in _CAP.findall(spec):
        if op == "<" and int(first) <= major and (int(first) < major or not int(second or 0)):
            return True
        if op in ("<=", "==") and int(first) < major:
            return True
        if op == "~=" and int(first) < major and second:
            return True
    return False


# Modules that other distributions than KNOWN's install too: any of them listed (or required)
# provides the module. opencv-python's variants each ship cv2 (tfmamff-ops lists the headless).
ALSO_PROVIDED_BY: dict[str, tuple[str, ...]] = {
    "cv2": ("opencv-python-headless", "opencv-contrib-python", "opencv-contrib-python-headless"),
    "psycopg2": ("psycopg2",),
    # tf-playwright-stealth 1.2.0's wheel is playwright_stealth/ (Aitosoft/crawl4ai-function-clean)
    "playwright_stealth": ("tf-playwright-stealth",),
    "bson": ("bson",),
    "scourgify": ("scourgify",),
    "whois": ("whois",),
    "slack": ("slack",),
}


def providers_of(module: str) -> list[str]:
    """Every distribution that installs ``module``: distribution_for's, then the others."""
    main = distribution_for(module)
    top = module.split(".")[0]
    return [main, *(d for d in ALSO_PROVIDED_BY.get(top, ()) if d != main)]


# Second-level names under azure.* that group packages: azure.storage.blob is
# azure-storage-blob, where azure.servicebus.aio is azure-servicebus.
_AZURE_GROUPS = frozenset(
    {
        "storage",
        "mgmt",
        "keyvault",
        "data",
        "ai",
        "monitor",
        "search",
        "communication",
        "messaging",
        "mixedreality",
        "digitaltwins",
        "iot",
        "media",
        "security",
        "synapse",
    }
)


# Third-level names under azure.ai that group packages too: azure.ai.translation.document is
# azure-ai-translation-document (its wheel; dsi28/Azure-AI-Translation-Durable-Function was
# told to add 'azure-ai-translation'), azure.ai.vision.imageanalysis, azure.ai.language.*.
_AZURE_AI_GROUPS = frozenset({"translation", "vision", "language"})


def distribution_for(module: str) -> str:
    """The distribution that installs ``module`` (a dotted import name)."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        hit = KNOWN.get(".".join(parts[:n]))
        if hit is not None:
            return hit
    # Namespace packages: the distribution is named after the dotted path.
    if parts[0] == "azure" and len(parts) > 1:
        size = 3 if parts[1] in _AZURE_GROUPS and len(parts) > 2 else 2
        if parts[1] == "ai" and len(parts) > 3 and parts[2] in _AZURE_AI_GROUPS:
            size = 4
        return "-".join(parts[:size]).replace("_", "-")
    if parts[0] == "azurefunctions" and len(parts) > 1:
        # azurefunctions.extensions.bindings.blob, azurefunctions.extensions.http.fastapi
        return "-".join(parts[:4]).replace("_", "-")
    # opencensus' extensions: opencensus.ext.requests is opencensus-ext-requests,
    # opencensus.extension.azure.functions opencensus-extension-azure-functions (their wheels;
    # dabedin/trip-python-functions was told to add 'opencensus').
    if parts[0] == "opencensus" and len(parts) > 2 and parts[1] == "ext":
        return "-".join(parts[:3]).replace("_", "-")
    if parts[0] == "opencensus" and len(parts) > 3 and parts[1] == "extension":
        return "-".join(parts[:4]).replace("_", "-")
    if parts[:2] == ["google", "cloud"] and len(parts) > 2:
        return "-".join(parts[:3]).replace("_", "-")
    return parts[0].replace("_", "-")


STDLIB = frozenset(sys.stdlib_module_names)


def third_party_imports(
    root: str,
    imports_of: Callable[[str], Iterable[str]],
    listdir: Callable[[str], list[str]],
    skip: Iterable[str],
    limit: int = 2000,
) -> list[str]:
    """The dotted names the app's Python files import (``imports_of(path)``: absolute imports
    only) from outside the standard library and the app itself (modules and packages at the
    app root), sorted. At most ``limit`` files are read."""
    skip = frozenset(skip)
    own = {
        n[:-3] if n.endswith(".py") else n
        for n in listdir(root)
        if n.endswith(".py") or os.path.isdir(os.path.join(root, n))
    }
    found: set[str] = set()
    stack, seen = [root], 0
    while stack and seen < limit:
        folder = stack.pop()
        for name in listdir(folder):
            path = os.path.join(folder, name)
            if name.startswith(".") or name in skip:
                continue
            if os.path.isdir(path):
                stack.append(path)
            elif name.endswith(".py"):
                seen += 1
                found.update(imports_of(path))
    return sorted(m for m in found if m.split(".")[0] not in STDLIB and m.split(".")[0] not in own)


def imports_in_text(text: str | None) -> set[str]:
    """Every absolute import of a module's text (nested ones too); none when it does not
    parse."""
    if not text:
        return set()
    try:
        tree = parse_python(text)
    except (SyntaxError, ValueError):
        return set()
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module)
    return out


def distributions(modules: Iterable[str]) -> list[str]:
    """The distributions for ``modules``, each once, in first-seen order."""
    out: dict[str, None] = {}
    for m in modules:
        out.setdefault(distribution_for(m), None)
    return list(out)


def normalise(name: str) -> str:
    """A distribution name as PEP 503 compares it (``PyYAML`` -> ``pyyaml``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(slots=True)
class Installed:
    """What an environment's ``*.dist-info`` folders say (read as files, nothing imported):
    which distribution installs each top-level module, and what each one requires."""

    site_packages: str
    modules: dict[str, set[str]] = field(default_factory=dict)  # top-level -> normalised dists
    requires: dict[str, set[str]] = field(default_factory=dict)  # normalised dist -> deps

    def closure(self, names: Iterable[str]) -> set[str]:
        """``names`` and everything they require, transitively (extras left out)."""
        out: set[str] = set()
        stack = [normalise(n) for n in names]
        while stack:
            n = stack.pop()
            if n in out:
                continue
            out.add(n)
            stack.extend(self.requires.get(n, ()))
        return out


# Requirements of a distribution whose marker holds on some of the Pythons Functions runs
# (3.10-3.13), not on all, so the generated table (scripts/build_dependency_table.py keeps
# only those installed on every one) leaves them out; without the app's environment its Python
# is unknown, so they may be installed. Read from the wheel: aiohttp-3.14.5 requires
# 'async-timeout<6.0,>=4.0; python_version < "3.11"' (3.8.6 with no marker, as an earlier
# round's triage read it). Corpus: AJStangl/FunctionBots pins aiohttp~=3.8.1 and imports
# async_timeout; a note said nothing but psycopg2 might provide it.
ON_SOME_PYTHONS: dict[str, tuple[str, ...]] = {
    "aiohttp": ("async-timeout",),
}


def follow_table(
    names: Iterable[str], extras: dict[str, set[str]] | None = None
) -> tuple[set[str], set[str]]:
    """Without the app's environment: ``names`` (normalised distributions) and what they
    require, transitively, as the generated table (the current wheels' metadata) says, with
    what the ``extras`` asked for (``{"fastapi": {"standard"}}``) add, and what they require on
    some Pythons only (``ON_SOME_PYTHONS``); and the distributions met on the way that the
    table does not know, whose requirements are unknown."""
    from funcls.model.dependency_table import EXTRAS, REQUIRES

    reached: set[str] = set()
    unknown: set[str] = set()
    stack = [normalise(n) for n in names]
    for dist, asked in (extras or {}).items():
        for extra in asked:
            stack.extend(EXTRAS.get(normalise(dist), {}).get(extra.lower(), ()))
    while stack:
        n = stack.pop()
        if n in reached:
            continue
        reached.add(n)
        entry = REQUIRES.get(n)
        if entry is None:
            unknown.add(n)
            continue
        stack.extend(entry[1])
        stack.extend(ON_SOME_PYTHONS.get(n, ()))
    return reached, unknown


_REQ = compiled_on_use(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def read_installed(site_packages: str) -> Installed:
    out = Installed(site_packages)
    try:
        names = os.listdir(site_packages)
    except OSError:
        return out
    for entry in sorted(names)[:5000]:
        if not entry.endswith(".dist-info"):
            continue
        info = os.path.join(site_packages, entry)
        meta = _read(os.path.join(info, "METADATA")) or ""
        dist = ""
        deps: set[str] = set()
        for line in meta.split("\n"):
            if not line.strip():
                break  # the headers end at the first blank line
            key, _, value = line.partition(":")
            if key == "Name":
                dist = normalise(value.strip())
            elif key == "Requires-Dist" and "extra ==" not in value:
                m = _REQ.match(value)
                if m:
                    deps.add(normalise(m.group(1)))
        if not dist:
            continue
        out.requires[dist] = deps
        for top in _top_levels(info):
            out.modules.setdefault(top, set()).add(dist)
    return out


def _read(path: str, limit: int = 1 << 20) -> str | None:
    """At most ``limit`` characters of a metadata file (an opened folder is untrusted)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read(limit)
    except OSError:
        return None


def _top_levels(info: str) -> set[str]:
    top = _read(os.path.join(info, "top_level.txt"))
    if top is not None:
        return {line.strip().replace("/", ".") for line in top.split("\n") if line.strip()}
    out: set[str] = set()
    for line in (_read(os.path.join(info, "RECORD")) or "").split("\n"):
        path = line.split(",", 1)[0]
        first = path.split("/", 1)[0]
        if not first or first.endswith((".dist-info", ".data")) or first == "..":
            continue
        out.add(first[:-3] if first.endswith(".py") else first)
    return out


_VENV_DIRS = (".venv", "venv", "env", ".python_packages")


def find_site_packages(root: str) -> str | None:
    """The site-packages of the app's own environment, if it has one in its folder: the
    virtual environment that runs the app (appvenv.app_venv, the rule the Run lens and the
    editor follow), else any of .venv, venv, env holding one (an interpreter that cannot run
    here, a venv made on another system) or .python_packages (what Core Tools deploys)."""
    site = app_site_packages(root)
    if site is not None:
        return site
    for name in _VENV_DIRS:
        base = os.path.join(root, name)
        if os.path.isdir(base):
            site = venv_site_packages(base)
            if site is not None:
                return site
    return None
