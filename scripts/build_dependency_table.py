"""Build funcls/model/dependency_table.py: for each distribution, what it requires.

    .venv/bin/python scripts/build_dependency_table.py [--corpus /tmp/funcls-corpus]

AZF605 asks whether an imported module will be installed by the deployment, which installs what
requirements.txt lists and, transitively, what those distributions require. Without the app's
environment funcls cannot read that from ``*.dist-info``; this table says it instead, taken from
real package metadata, not from memory: the ``Requires-Dist`` headers of the current wheels on
PyPI.

Which distributions: the ones the corpus' requirements.txt and pyproject.toml files list
(``--top``, the most listed first: all 544 of them today), the seeds below (the Azure SDKs,
common web, AI and data packages), and then, transitively, what those require, up to
``--limit`` in all. Takes a few minutes.

How: ``pip install --dry-run --no-deps --only-binary :all: --report`` in batches. With PEP 658
PyPI serves each wheel's METADATA file on its own, so pip reads the metadata without downloading
the wheels, and ``--only-binary`` means no source distribution is built (nothing runs). A
distribution without a wheel for this Python is left out: the checker then says it could not
follow it. Only requirements installed everywhere are kept (no marker, or a marker true on each
Python that Functions runs on Linux): one under an extra, or under a marker false on some such
Python, may not be installed, and the table must not promise a module.

Only this script runs pip, at build time; funcls reads the generated module.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import tomllib
from packaging.requirements import InvalidRequirement, Requirement

OUT = Path(__file__).resolve().parent.parent / "funcls" / "model" / "dependency_table.py"
SKIP = {"node_modules", "__pycache__", ".venv", "venv", ".git", ".python_packages"}

SEEDS = [
    # Azure SDKs an app uses beside azure-functions.
    "azure-identity", "azure-core", "azure-storage-blob", "azure-storage-queue",
    "azure-storage-file-share", "azure-storage-file-datalake", "azure-data-tables",
    "azure-cosmos", "azure-servicebus", "azure-eventhub", "azure-eventgrid",
    "azure-keyvault-secrets", "azure-keyvault-keys", "azure-keyvault-certificates",
    "azure-functions-durable", "azure-monitor-opentelemetry", "azure-monitor-query",
    "azure-ai-formrecognizer", "azure-ai-documentintelligence", "azure-ai-textanalytics",
    "azure-ai-inference", "azure-ai-projects", "azure-search-documents",
    "azure-cognitiveservices-speech", "azure-communication-email", "azure-mgmt-resource",
    "azure-mgmt-compute", "azure-mgmt-storage", "azure-kusto-data", "azure-kusto-ingest",
    "azure-appconfiguration", "azure-ai-ml", "azureml-core", "msal", "msgraph-sdk",
    "azurefunctions-extensions-bindings-blob", "azurefunctions-extensions-http-fastapi",
    # Web, HTTP, validation.
    "requests", "httpx", "aiohttp", "urllib3", "fastapi", "starlette", "flask", "pydantic",
    "pydantic-settings", "jinja2", "python-multipart", "pyjwt", "python-jose", "cryptography",
    # AI.
    "openai", "tiktoken", "langchain", "langchain-core", "langchain-openai",
    "langchain-community", "langgraph", "semantic-kernel", "llama-index", "anthropic",
    "google-genai", "google-generativeai", "transformers", "sentence-transformers",
    # Data.
    "numpy", "pandas", "scipy", "scikit-learn", "matplotlib", "sqlalchemy", "pyodbc",
    "psycopg2-binary", "pymongo", "redis", "openpyxl", "pyarrow", "beautifulsoup4", "lxml",
    "python-dotenv", "pyyaml", "python-dateutil",
]  # fmt: skip

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_requirements(path: Path) -> str:
    """A requirements.txt as pip reads it: UTF-16 when it starts with that byte-order mark
    (Windows editors write it; corpus, seventh round: ava-mlechavez/az-chat-app's
    semantic-kernel[azure] was read as noise, so its extra was never followed), else UTF-8."""
    raw = path.read_bytes()
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16", errors="replace")
    return raw.decode("utf-8-sig", errors="replace")


def corpus_counts(
    corpus: Path, extras: dict[str, set[str]] | None = None
) -> collections.Counter[str]:
    """How many requirements files of the corpus list each distribution; ``extras`` gets the
    extras requirements.txt lines ask for (``fastapi[standard]``)."""
    counts: collections.Counter[str] = collections.Counter()
    for folder, dirs, files in os.walk(corpus):
        dirs[:] = [d for d in dirs if d not in SKIP]
        names: set[str] = set()
        if "requirements.txt" in files:
            text = read_requirements(Path(folder) / "requirements.txt")
            for line in text.splitlines():
                line = line.split("#", 1)[0].strip()
                if not line or line.startswith("-"):
                    continue
                m = _NAME.match(line)
                if m and "://" not in line:
                    names.add(normalise(m.group(1)))
                    try:
                        req = Requirement(line.split(";")[0].strip())
                    except InvalidRequirement:
                        continue
                    if extras is not None and req.extras:
                        extras.setdefault(normalise(req.name), set()).update(
                            e.lower() for e in req.extras
                        )
        if "pyproject.toml" in files:
            try:
                data = tomllib.loads((Path(folder) / "pyproject.toml").read_text("utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                data = {}
            project = data.get("project", {})
            for line in project.get("dependencies", []) if isinstance(project, dict) else []:
                m = _NAME.match(str(line))
                if m:
                    names.add(normalise(m.group(1)))
            poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {})
            names.update(normalise(n) for n in poetry if n != "python")
        counts.update(names)
    return counts


def metadata(names: list[str]) -> dict[str, tuple[str, str, list[str]]]:
    """name -> (the distribution's own name, version, Requires-Dist) for each name pip finds a
    wheel of; a batch that fails is split until the failing names stand alone."""
    if not names:
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "report.json")
        cmd = [
            sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed",
            "--no-deps", "--only-binary", ":all:", "--quiet", "--report", report, *names,
        ]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            if len(names) == 1:
                print(f"  left out {names[0]}: {done.stderr.strip().splitlines()[-1:]}")
                return {}
            half = len(names) // 2
            return metadata(names[:half]) | metadata(names[half:])
        data = json.loads(Path(report).read_text("utf-8"))
    out: dict[str, tuple[str, str, list[str]]] = {}
    for item in data.get("install", []):
        meta = item.get("metadata", {})
        out[normalise(meta["name"])] = (
            meta["name"],
            meta["version"],
            meta.get("requires_dist", []),
        )
    return out


# The Pythons Azure Functions runs apps on, on Linux (the only OS of Python apps in Azure): a
# requirement whose marker holds on each of them is installed wherever the app is deployed
# (azure-functions' own `werkzeug~=3.1.3; python_version >= "3.9"`).
_PYTHONS = ("3.10", "3.11", "3.12", "3.13")


def _linux(version: str) -> dict[str, str]:
    return {
        "python_version": version,
        "python_full_version": version + ".0",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
        "platform_machine": "x86_64",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "extra": "",
    }


def unconditional(requires: list[str], extra: str = "") -> list[str]:
    """The requirements installed on every Python Functions runs: no marker, or a marker
    true on each (with no extra asked for, an extra's never is). With ``extra``: those the
    extra adds."""
    out: set[str] = set()
    for line in requires:
        try:
            req = Requirement(line)
        except InvalidRequirement:
            continue
        if req.marker is None:
            if not extra:
                out.add(normalise(req.name))
            continue
        if all(req.marker.evaluate({**_linux(v), "extra": extra}) for v in _PYTHONS):
            out.add(normalise(req.name))
    if extra:
        out -= set(unconditional(requires))
    return sorted(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default="/tmp/funcls-corpus")
    parser.add_argument("--top", type=int, default=600)
    parser.add_argument("--limit", type=int, default=1500)
    parser.add_argument(
        "--missing-extras",
        action="store_true",
        help="keep the table and add only the extras the corpus asks for that it lacks (and what"
        " they bring that it does not hold): a few look-ups instead of the whole table's",
    )
    args = parser.parse_args()
    wanted_extras: dict[str, set[str]] = {}
    counts = (
        corpus_counts(Path(args.corpus), wanted_extras)
        if os.path.isdir(args.corpus)
        else collections.Counter()
    )
    table: dict[str, tuple[str, list[str]]] = {}
    by_extra: dict[str, dict[str, list[str]]] = {}
    tried: set[str] = set()
    if args.missing_extras:
        sys.path.insert(0, str(OUT.parents[2]))
        from funcls.model.dependency_table import EXTRAS, REQUIRES

        table = {n: (v, list(d)) for n, (v, d) in REQUIRES.items()}
        by_extra = {n: {e: list(d) for e, d in x.items()} for n, x in EXTRAS.items()}
        tried = set(table)
        queue = sorted(
            n
            for n, asked in wanted_extras.items()
            if n in table and any(e not in by_extra.get(n, {}) for e in asked)
        )
        tried -= set(queue)
        print(f"extras to add: {', '.join(f'{n}{sorted(wanted_extras[n])}' for n in queue)}")
        args.limit = len(tried) + len(queue) + 100
    else:
        wanted = [normalise(s) for s in SEEDS]
        wanted += [n for n, _ in counts.most_common(args.top)]
        queue = list(dict.fromkeys(wanted))
    # Rounds: what is queued, in batches read by a few pip processes at once (the time goes to
    # the index's answers), then what those require.
    while queue and len(tried) < args.limit:
        todo = [n for n in dict.fromkeys(queue) if n not in tried][: args.limit - len(tried)]
        tried.update(todo)
        batches = [todo[i : i + 40] for i in range(0, len(todo), 40)]
        print(f"round: {len(todo)} to read, {len(table)} read so far", flush=True)
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(metadata, batches))
        queue = []
        for found in results:
            for name, (_, version, requires) in found.items():
                deps = unconditional(requires)
                table[name] = (version, deps)
                for extra in sorted(wanted_extras.get(name, ())):
                    more = unconditional(requires, extra)
                    if more:
                        by_extra.setdefault(name, {})[extra] = more
                        deps = deps + more
                queue += [d for d in deps if d not in tried]
    lines = [
        '"""What each distribution requires: the ``Requires-Dist`` of its current wheel on PyPI',
        "installed on every Python Functions runs (no extra; no marker, or one true on each), for",
        "AZF605 when the app has no environment to read. Generated by",
        "scripts/build_dependency_table.py; do not edit.",
        '"""',
        "",
        "# normalised distribution -> (version read, normalised distributions it requires)",
        "REQUIRES: dict[str, tuple[str, tuple[str, ...]]] = {",
    ]
    for name in sorted(table):
        version, deps = table[name]
        inner = "".join(f'"{d}", ' for d in deps).rstrip(" ")
        lines.append(f'    "{name}": ("{version}", ({inner})),')
    lines.append("}")
    lines += [
        "",
        "# The extras the corpus' requirements.txt lines ask for (`fastapi[standard]`):",
        "# normalised distribution -> extra -> what it adds",
        "EXTRAS: dict[str, dict[str, tuple[str, ...]]] = {",
    ]
    for name in sorted(by_extra):
        inner = ", ".join(
            f'"{e}": (' + "".join(f'"{d}", ' for d in deps).rstrip(" ") + ")"
            for e, deps in sorted(by_extra[name].items())
        )
        lines.append(f'    "{name}": {{{inner}}},')
    lines.append("}")
    OUT.write_text("\n".join(lines) + "\n", "utf-8")
    # In the layout the project's formatter keeps (a check before each commit runs it).
    subprocess.run([sys.executable, "-m", "ruff", "format", "--quiet", str(OUT)], check=False)
    print(f"wrote {OUT}: {len(table)} distributions ({len(tried) - len(table)} left out)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
