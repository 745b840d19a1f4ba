"""Run the samples of Azure/azure-functions-durable-python unchanged under `funcls run`.

    python scripts/durable_samples/run.py --repo <git dir or checkout of the repository>

Each sample folder (samples/* and samples-v2/*) is copied out of the repository (git archive of
HEAD when --repo is a git directory), started with `funcls run --port 0 --no-reload`, and its
orchestrations are started through the sample's own HTTP starter
(`POST /api/orchestrators/<name>`, with the input given below); the status URL of the
check-status response is then polled with a plain HTTP client until the instance finishes.
Prints one line per orchestration: the final runtimeStatus and output, or why it did not run.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

REPO = Path(__file__).resolve().parents[2]

# sample folder -> [(orchestrator, input)]; a path instead of a name is the starter's own route
STARTS: dict[str, list[tuple[str, Any]]] = {
    "samples/function_chaining": [("E1_HelloSequence", None)],
    "samples/function_chaining_custom_status": [("DurableOrchestration", None)],
    "samples/fan_in_fan_out": [("E2_BackupSiteContent", ".")],
    "samples/human_interaction": [("E4_SMSPhoneVerification", "+15555550100")],
    "samples/monitor": [
        ("E3_Monitor", {"repo": "Azure/azure-functions-durable-python", "phone": "+15555550100"})
    ],
    "samples/serialize_arguments": [("DurableOrchestration", None)],
    "samples/simple_sub_orchestration": [("DurableOrchestrator", None)],
    "samples/counter_entity": [("DurableOrchestration", None)],
    "samples/aml_monitoring": [("aml_durable_orchestrator", None)],
    "samples-v2/function_chaining": [("my_orchestrator", None)],
    "samples-v2/fan_in_fan_out": [("E2_BackupSiteContent", ".")],
    "samples-v2/blueprint": [("/api/startOrchestrator", None)],
}


def http(method: str, url: str, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urlopen(request, timeout=30) as answer:
            text = answer.read().decode()
            status = answer.status
    except HTTPError as error:
        text = error.read().decode()
        status = error.code
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text


def export(repo: Path, folder: str, target: Path) -> Path:
    if (repo / folder).is_dir():
        subprocess.run(["cp", "-r", str(repo / folder), str(target)], check=True)
    else:
        archive = subprocess.run(
            ["git", f"--git-dir={repo}", "archive", "HEAD", folder],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
        subprocess.run(["mv", str(target / folder), str(target / "app")], check=True)
        return target / "app"
    return target / Path(folder).name


def run_sample(repo: Path, folder: str, work: Path, timeout: float) -> list[str]:
    app = export(repo, folder, work)
    log_path = work / "run.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "funcls", "run", str(app), "--port", "0", "--no-reload"],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=str(REPO),
        )
    lines: list[str] = []
    try:
        state_file = app / ".funcls" / "run.json"
        deadline = time.monotonic() + 60
        url = ""
        while time.monotonic() < deadline and not url:
            try:
                state = json.loads(state_file.read_text())
                if state.get("pid") == process.pid:
                    url = f"http://127.0.0.1:{state['port']}"
            except (OSError, ValueError):
                time.sleep(0.1)
        if not url:
            return [f"{folder}: funcls run did not start:\n{log_path.read_text()}"]
        while "ready in" not in log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        for name, given in STARTS.get(folder, []):
            path = name if name.startswith("/") else f"/api/orchestrators/{name}"
            status, answer = http("POST", f"{url}{path}", given)
            if status != 202 or not isinstance(answer, dict):
                lines.append(f"{folder} {name}: the starter answered {status}: {answer!r}")
                continue
            finish = time.monotonic() + timeout
            body: Any = None
            code = 0
            while time.monotonic() < finish:
                code, body = http("GET", answer["statusQueryGetUri"])
                if code != 202:
                    break
                time.sleep(0.1)
            shown = json.dumps(body.get("output") if isinstance(body, dict) else body)
            status_text = body.get("runtimeStatus") if isinstance(body, dict) else code
            lines.append(f"{folder} {name}: {status_text} {shown[:300]}")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
    if os.environ.get("SHOW_LOGS"):
        lines.append(log_path.read_text())
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", required=True, type=Path)
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per orchestration")
    parser.add_argument("samples", nargs="*", help="sample folders (default: all)")
    options = parser.parse_args()
    for folder in options.samples or list(STARTS):
        with tempfile.TemporaryDirectory() as work:
            for line in run_sample(options.repo, folder, Path(work), options.timeout):
                print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
