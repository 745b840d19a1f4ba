"""The embedded durable engine of `funcls run`, measured on this machine.

    .venv/bin/python bench/bench_durable.py [--runs 20] [--fan-out 100] [--instances 200]

Runs a copy of tests/runner/durable/apps/durable_v2 with `funcls run` (embedded engine) and:

1. a 3-activity chain (`hello_chain`) started through the app's HTTP starter (the real SDK's
   DurableOrchestrationClient calling the runner back), its statusQueryGetUri polled every
   2 ms until 200: time from sending the POST, and from receiving the 202, to Completed;
   median and p90 of --runs instances (goal < 0.5 s);
2. the same for a fan-out of --fan-out activities (`fan_out`, task_all);
3. instances per second: --instances chains started at once through the public API
   (POST /runtime/webhooks/durabletask/orchestrators/hello_chain), then every status URL
   polled until all are Completed; instances / elapsed.

The polling adds up to 2 ms to each time in 1 and 2.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "tests" / "runner" / "durable" / "apps" / "durable_v2"
BASE_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def request(method: str, url: str, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    call = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(call, timeout=60) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def start_run(app: Path) -> tuple[subprocess.Popen[bytes], str]:
    log = open(app.parent / "run.log", "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [sys.executable, "-m", "funcls", "run", str(app), "--port", "0", "--no-reload"],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=str(REPO),
        env=BASE_ENV,
    )
    state = app / ".funcls" / "run.json"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            info = json.loads(state.read_text())
            if info.get("pid") == process.pid:
                url = f"http://127.0.0.1:{info['port']}"
                while b"ready in" not in (app.parent / "run.log").read_bytes():
                    time.sleep(0.05)
                return process, url
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    process.kill()
    raise SystemExit("funcls run did not start:\n" + (app.parent / "run.log").read_text())


def until_done(status_url: str, interval: float = 0.002) -> dict[str, Any]:
    while True:
        code, body = request("GET", status_url)
        if code == 200:
            return dict(body)
        if code != 202:
            raise SystemExit(f"{status_url} answered {code}: {body}")
        time.sleep(interval)


def time_to_completed(url: str, name: str, payload: Any) -> tuple[float, float]:
    """(POST sent -> Completed, 202 received -> Completed): the instance runs while the
    starter's 202 travels back, so the second is the shorter."""
    sent = time.perf_counter()
    code, urls = request("POST", f"{url}/api/orchestrators/{name}", payload)
    accepted = time.perf_counter()
    if code != 202:
        raise SystemExit(f"the starter answered {code}: {urls}")
    done = until_done(urls["statusQueryGetUri"])
    end = time.perf_counter()
    if done["runtimeStatus"] != "Completed":
        raise SystemExit(f"{name} ended {done['runtimeStatus']}: {done['output']}")
    return end - sent, end - accepted


def describe_pairs(label: str, pairs: list[tuple[float, float]]) -> None:
    describe(f"{label}, POST -> Completed", [p[0] for p in pairs])
    describe(f"{label}, 202 -> Completed", [p[1] for p in pairs])


def describe(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p90 = ordered[max(0, int(len(ordered) * 0.9) - 1)]
    print(
        f"{label}: median {statistics.median(times) * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms, "
        f"min {ordered[0] * 1000:.0f} ms ({len(times)} instances)",
        flush=True,
    )


def throughput(url: str, count: int) -> float:
    base = f"{url}/runtime/webhooks/durabletask"
    started = time.perf_counter()
    with ThreadPoolExecutor(16) as pool:
        answers = list(
            pool.map(lambda _: request("POST", f"{base}/orchestrators/hello_chain"), range(count))
        )
        status_urls = [body["statusQueryGetUri"] for code, body in answers if code == 202]
        if len(status_urls) != count:
            raise SystemExit("some starts were refused")
        results = list(pool.map(lambda u: until_done(u, 0.02), status_urls))
    elapsed = time.perf_counter() - started
    failed = [r for r in results if r["runtimeStatus"] != "Completed"]
    if failed:
        raise SystemExit(f"{len(failed)} instances did not complete")
    return count / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--fan-out", type=int, default=100)
    parser.add_argument("--instances", type=int, default=200)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        app = Path(work) / "app"
        shutil.copytree(APP, app, ignore=shutil.ignore_patterns(".funcls", "__pycache__"))
        process, url = start_run(app)
        try:
            time_to_completed(url, "hello_chain", None)  # warm the app process
            describe_pairs(
                "3-activity chain",
                [time_to_completed(url, "hello_chain", None) for _ in range(options.runs)],
            )
            describe_pairs(
                f"{options.fan_out}-activity fan-out",
                [
                    time_to_completed(url, "fan_out", {"count": options.fan_out})
                    for _ in range(max(3, options.runs // 4))
                ],
            )
            rate = throughput(url, options.instances)
            print(f"{options.instances} chains at once: {rate:.1f} instances/s", flush=True)
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
