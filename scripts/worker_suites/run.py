"""Run the Azure Functions Python worker's own end-to-end test classes against `funcls run`.

    python scripts/worker_suites/run.py --worker PATH [--scratch DIR] [MODULE ...]

PATH is a checkout of Azure/azure-functions-python-worker, or its bare git directory (the
`fetch` mirror). Its `tests/` and `azure_functions_worker/` (the suites import a few pure
constants from it) are copied to a scratch folder, its `tests/utils/testutils.py` replaced by
`testutils_shim.py` (same names; the host start is `funcls run APP --port PORT`), and each
module runs under pytest. The result is one line per test class: passed / failed / skipped,
or "not applicable" with the reason for the classes that need a service funcls does not
connect to (docs/runner.md lists these). Needs `requests` and `python-dateutil`; the HTTP
streaming suite's app imports `orjson` and `ujson` (its get_libraries_to_install, which the
shim does not install), the ASGI/WSGI suites `fastapi` and `flask` (in the test extra); the
blob SDK type suite runs against an Azurite this script starts (tests/support/azurite.py).
The common-libs classes of tests/endtoend/test_http_functions.py want numpy, pandas,
opencv-python-headless, plotly, scikit-learn and python-dotenv where funcls runs (run this
script with a venv that has them); their test_requests fetches https://github.com.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
MODULE_TIMEOUT = 900

# Modules whose classes run against funcls, and those that cannot, with the reason.
MODULES = [
    "tests/unittests/test_http_functions.py",
    "tests/unittests/test_third_party_http_functions.py",
    "tests/unittests/test_log_filtering_functions.py",
    "tests/unittests/test_script_file_name.py",
    "tests/unittests/test_enable_debug_logging_functions.py",
    "tests/endtoend/test_http_functions.py",
    "tests/endtoend/test_blueprint_functions.py",
    "tests/endtoend/test_file_name_functions.py",
    "tests/endtoend/test_third_party_http_functions.py",
    "tests/endtoend/test_queue_functions.py",
    "tests/endtoend/test_blob_functions.py",
    "tests/endtoend/test_timer_functions.py",
    "tests/endtoend/test_retry_policy_functions.py",
    "tests/endtoend/test_warmup_functions.py",
    "tests/endtoend/test_generic_functions.py",
    "tests/endtoend/test_threadpool_thread_count_functions.py",
    "tests/endtoend/test_worker_process_count_functions.py",
    "tests/endtoend/test_table_functions.py",
    "tests/endtoend/test_durable_functions.py",
    "tests/extension_tests/http_v2_tests/test_http_v2.py",
    "tests/unittests/test_http_functions_v2.py",
    "tests/extension_tests/deferred_bindings_tests/test_deferred_bindings_blob_functions.py",
]
# Modules whose functions talk to the storage service themselves (blob SDK types): they run
# against an Azurite started for them (AzureWebJobsStorage = its connection string).
NEEDS_AZURITE = {
    "tests/extension_tests/deferred_bindings_tests/test_deferred_bindings_blob_functions.py",
}
NOT_APPLICABLE = {
    "tests/endtoend/test_cosmosdb_functions.py": "Cosmos DB: funcls does not connect to it",
    "tests/endtoend/test_eventhub_functions.py": "Event Hubs: funcls does not connect to it",
    "tests/endtoend/test_eventhub_batch_functions.py": "Event Hubs: not connected",
    "tests/endtoend/test_servicebus_functions.py": "Service Bus: not connected",
    "tests/endtoend/test_sql_functions.py": "Azure SQL: not connected",
    "tests/endtoend/test_eventgrid_functions.py": "Event Grid output: not connected",
    "tests/endtoend/test_dependency_isolation_functions.py": "the worker's own package isolation",
    "tests/unittests/test_loader.py": "the worker's loader, with its gRPC mock host",
}


def prepare(worker: Path, scratch: Path) -> None:
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    if (worker / "tests").is_dir():
        shutil.copytree(worker / "tests", scratch / "tests")
        shutil.copytree(worker / "azure_functions_worker", scratch / "azure_functions_worker")
    else:  # a bare git directory
        archive = subprocess.run(
            ["git", f"--git-dir={worker}", "archive", "HEAD", "tests", "azure_functions_worker"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(scratch)], input=archive, check=True)
    shutil.copy(HERE / "testutils_shim.py", scratch / "tests" / "utils" / "testutils.py")


def run_module(scratch: Path, module: str, env: dict[str, str] | None = None) -> Path:
    report = scratch / "reports" / (module.replace("/", "_") + ".xml")
    report.parent.mkdir(exist_ok=True)
    command = [sys.executable, "-m", "pytest", module, "-q", "-p", "no:cacheprovider"]
    command += ["-o", "addopts=", f"--junitxml={report}"]
    try:
        subprocess.run(
            command,
            cwd=scratch,
            timeout=MODULE_TIMEOUT,
            check=False,
            env={**os.environ, **(env or {})},
        )
    except subprocess.TimeoutExpired:
        print(f"{module}: stopped after {MODULE_TIMEOUT}s", file=sys.stderr)
    return report


def _start_azurite() -> Any:
    """An Azurite of the repository's node_modules on free ports, or why there is none."""
    sys.path.insert(0, str(REPO))
    from tests.support.azurite import start_azurite

    try:
        return start_azurite()
    except Exception as error:
        return f"Azurite is required: {error}"


def tally(report: Path) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if not report.is_file():
        return counts
    for case in ET.parse(report).iter("testcase"):
        cls = str(case.get("classname", "")).rsplit(".", 1)[-1]
        kinds = {child.tag for child in case}
        if "skipped" in kinds:
            counts[cls]["skipped"] += 1
        elif kinds & {"failure", "error"}:
            counts[cls]["failed"] += 1
        else:
            counts[cls]["passed"] += 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worker", type=Path, required=True)
    parser.add_argument("--scratch", type=Path, default=Path(tempfile.gettempdir()) / "wsuites")
    parser.add_argument("modules", nargs="*", default=MODULES)
    args = parser.parse_args()
    prepare(args.worker, args.scratch)
    rows = ["| module | class | passed | failed | skipped |", "|---|---|---|---|---|"]
    totals = defaultdict(int)
    azurite = None
    for module in args.modules:
        if module in NOT_APPLICABLE:
            rows.append(f"| {module} | all | not applicable: {NOT_APPLICABLE[module]} | | |")
            continue
        env = None
        if module in NEEDS_AZURITE:
            if azurite is None:
                azurite = _start_azurite()
            if isinstance(azurite, str):
                rows.append(f"| {module} | (did not run: {azurite}) | | | |")
                continue
            env = {"AzureWebJobsStorage": azurite.connection_string}
        counts = tally(run_module(args.scratch, module, env))
        if not counts:
            rows.append(f"| {module} | (did not run: see its output) | | | |")
        for cls, c in sorted(counts.items()):
            for kind in ("passed", "failed", "skipped"):
                totals[kind] += c[kind]
            rows.append(f"| {module} | {cls} | {c['passed']} | {c['failed']} | {c['skipped']} |")
    if azurite is not None and not isinstance(azurite, str):
        azurite.stop()
    rows.append(f"| total | | {totals['passed']} | {totals['failed']} | {totals['skipped']} |")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
