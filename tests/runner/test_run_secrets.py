"""No secret from local.settings.json is printed by `funcls run` or `funcls invoke` (issue 17):
an account key, a SAS token, a password in an endpoint URL, a Service Bus key, a Redis
password, a Postgres URL and a setting named GITHUB_AUTH. The storage endpoints point at a
closed loopback port, so the storage errors (banner, trigger polling, an output binding that
fails) are printed too; everything the run prints, every admin answer and what `funcls invoke`
prints are searched for each secret."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.runner.durable.conftest import DURABLE_APPS, Durable
from tests.runner.runner_process import RunningApp, copy_app, funcls_invoke

pytestmark = pytest.mark.slow

ACCOUNT_KEY = "QWNjb3VudEtleVNlY3JldEZvclRoZVRlc3QxMjM0NTY3ODkwYWJjZGVmZ2g="
SAS_SIG = "SasSignatureSecret0123456789abcdef%3D"
URL_PASSWORD = "UrlPa55wordSecret"
SB_KEY = "ServiceBusKeySecret0123456789ABCDEFabcdef="
REDIS_PASSWORD = "RedisPa55wordSecret"
PG_PASSWORD = "PgPa55wordSecret"
GITHUB_AUTH = "plain-words-that-are-secret"
SECRETS = [ACCOUNT_KEY, SAS_SIG, URL_PASSWORD, SB_KEY, REDIS_PASSWORD, PG_PASSWORD, GITHUB_AUTH]

APP = """import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello")
def hello(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("hello")


@app.route(route="enqueue")
@app.queue_output(arg_name="out", queue_name="jobs", connection="QueueConn")
def enqueue(req: func.HttpRequest, out: func.Out[str]) -> str:
    out.set("job")
    return "queued"


@app.queue_trigger(arg_name="msg", queue_name="work", connection="AzureWebJobsStorage")
def worker(msg: func.QueueMessage) -> None:
    pass


@app.blob_trigger(arg_name="blob", path="uploads/{name}", connection="BlobConn")
def on_upload(blob: func.InputStream) -> None:
    pass


@app.service_bus_queue_trigger(arg_name="m", queue_name="orders", connection="ServiceBus")
def on_order(m: func.ServiceBusMessage) -> None:
    pass
"""


# A queue endpoint whose URL holds a password, with a SAS token.
QUEUE_WITH_PASSWORD = (
    f"QueueEndpoint=https://alice:{URL_PASSWORD}@acct.queue.core.invalid/;"
    f"SharedAccessSignature=sv=2022-11-02&ss=q&srt=co&sp=rwdlacup&sig={SAS_SIG}"
)
# Settings holding secrets that no storage binding reads: shown only if something prints them.
OTHER_SECRETS = {
    "ServiceBus": (
        "Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=Root;"
        f"SharedAccessKey={SB_KEY}"
    ),
    "REDIS": f"cache.redis.cache.windows.net:6380,password={REDIS_PASSWORD},ssl=True",
    "DATABASE_URL": f"postgresql://app:{PG_PASSWORD}@db.example.com:5432/app",
    "GITHUB_AUTH": GITHUB_AUTH,
}


def write_settings(root: Path, values: dict[str, str]) -> Path:
    (root / "local.settings.json").write_text(json.dumps({"IsEncrypted": False, "Values": values}))
    return root


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_app(root: Path) -> Path:
    port = closed_port()
    host = "acct.{}.core.invalid"  # not loopback (so not Azurite); the name resolves to nothing
    root.mkdir()
    (root / "host.json").write_text('{"version": "2.0"}')
    (root / "function_app.py").write_text(APP)
    values = {
        "FUNCTIONS_WORKER_RUNTIME": "python",
        "AzureWebJobsStorage": (
            "DefaultEndpointsProtocol=http;AccountName=acct;"
            f"AccountKey={ACCOUNT_KEY};"
            f"BlobEndpoint=https://{host.format('blob')}/;"
            f"QueueEndpoint=https://{host.format('queue')}/;"
            f"TableEndpoint=https://{host.format('table')}/"
        ),
        "QueueConn": QUEUE_WITH_PASSWORD,
        "BlobConn": (
            f"BlobEndpoint=http://alice:{URL_PASSWORD}@127.0.0.1:{port}/acct?sv=1&sig={SAS_SIG};"
            f"QueueEndpoint=http://127.0.0.1:{port}/acct?sv=2022-11-02&sig={SAS_SIG}"
        ),
        **OTHER_SECRETS,
    }
    return write_settings(root, values)


def leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text or s.replace("%3D", "=") in text]


def test_no_secret_printed_by_run_admin_or_invoke(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    app = write_app(tmp_path / "app")
    # Forced to Azure Storage: the loopback endpoints are a closed port, not the embedded store.
    running = run_app(app, "--no-reload", "--storage", "azure")
    seen: list[str] = []
    seen.append(running.wait_for("/api/hello").text)
    # The output binding's error comes after the SDK's retries (about 18 s for a name that
    # does not resolve): asked first, in parallel with the rest.
    with ThreadPoolExecutor(1) as pool:
        enqueued = pool.submit(running.get, "/api/enqueue", timeout=60)
        ask(running, app, seen)
        answer = enqueued.result()
        seen.append(f"GET /api/enqueue {answer.status_code} {answer.headers} {answer.text}")
    running.wait_for_log("storage service unreachable", timeout=30)
    running.stop()
    printed = running.log()
    everything = printed + "\n".join(seen)
    # The storage errors were printed, for Azure endpoints and for "Azurite" on loopback.
    assert "core.invalid" in printed and "127.0.0.1" in printed
    assert not leaks(everything), (leaks(everything), everything[-4000:])
    # A by-hand blob run whose storage is down is answered, not an exception in the server.
    assert "Exception in ASGI application" not in printed
    assert "could not write the blob 'uploads/a.txt' for 'on_upload'" in everything


def ask(running: RunningApp, app: Path, seen: list[str]) -> None:
    """Every admin answer and `funcls invoke` of each kind of function."""
    for method, path in [
        ("GET", "/admin/functions"),
        ("GET", "/admin/host/status"),
        ("GET", "/admin/functions/enqueue"),
        ("GET", "/admin/functions/worker"),
        ("POST", "/admin/functions/nothing"),
    ]:
        answer = running.request(method, path)
        seen.append(f"{method} {path} {answer.status_code} {answer.headers} {answer.text}")
    for args in [
        ("hello",),
        ("worker", "--body", "hello"),
        ("on_upload", "--name", "uploads/a.txt", "--body", "x"),
        ("on_order", "--body", "{}"),
    ]:
        done = funcls_invoke(args[0], str(app), *args[1:])
        seen.append(f"invoke {args}: {done.returncode}\n{done.stdout}\n{done.stderr}")
        assert "usage:" not in done.stderr, done.stderr


def durable_app(root: Path) -> Path:
    """apps/durable_v2 with the secrets configured as storage and durable connections."""
    app = copy_app(DURABLE_APPS / "durable_v2", root)
    (app / "host.json").write_text(
        json.dumps(
            {
                "version": "2.0",
                "extensions": {
                    "durableTask": {
                        "hubName": "SecretsHub",
                        "storageProvider": {"connectionStringName": "DurableConn"},
                    }
                },
            }
        )
    )
    values = {
        "FUNCTIONS_WORKER_RUNTIME": "python",
        "AzureWebJobsStorage": (
            "DefaultEndpointsProtocol=https;AccountName=acct;"
            f"AccountKey={ACCOUNT_KEY};EndpointSuffix=core.invalid"
        ),
        "DurableConn": QUEUE_WITH_PASSWORD,
        **OTHER_SECRETS,
    }
    return write_settings(app, values)


def test_no_secret_in_what_the_durable_engine_prints_or_answers(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    """The durable engine's banner, log lines, management API answers and `funcls invoke`
    runs, with storage and durable connections holding secrets and keys enforced. What an
    anonymous caller of the starter receives holds no key that opens the admin API: the
    status URLs carry the durable extension's own key, as the host's do."""
    app = durable_app(tmp_path / "app")
    running = run_app(app, "--no-reload", "--enforce-auth")
    running.wait_for_log("ready in")
    keys = json.loads((app / ".funcls" / "keys.json").read_text())
    answers: list[str] = []
    durable = Durable(running)
    try:
        for name, payload in [
            ("hello_chain", None),
            ("failing_activity", None),
            ("failing_orchestrator", None),
            ("parent", None),
        ]:
            started = running.post(f"/api/orchestrators/{name}", json=payload)
            answers.append(f"{started.status_code} {started.headers} {started.text}")
            urls = started.json()
            done = durable.wait(urls)
            answers.append(json.dumps(done))
            answers.append(durable.status(urls, showHistory="true").text)
        base = f"{running.url}/runtime/webhooks/durabletask"
        code = {"code": keys["master"]}
        for path in ["/instances", "/instances?showInput=true", "/entities/counter/a"]:
            answer = durable.client.get(f"{base}{path}", params=code)
            answers.append(f"GET {path} {answer.status_code} {answer.text}")
            assert answer.status_code in (200, 404), answer.text  # the master key opens it too
        refused = durable.client.get(f"{base}/instances/x", params={"code": "wrong"})
        answers.append(f"{refused.status_code} {refused.text}")
        assert refused.status_code == 401
        # The key the status URLs carry opens the durable API only, not the admin API.
        extension = httpx.URL(urls["statusQueryGetUri"]).params["code"]
        assert running.get("/admin/host/status", params={"code": extension}).status_code == 401
        for method, path in [("GET", "/admin/functions"), ("GET", "/admin/host/status")]:
            answer = running.request(method, path, headers={"x-functions-key": keys["master"]})
            answers.append(f"{method} {path} {answer.status_code} {answer.text}")
    finally:
        durable.close()
    invoked = funcls_invoke("hello_chain", str(app), "--input", '"x"')
    answers.append(f"{invoked.returncode}\n{invoked.stdout}\n{invoked.stderr}")
    running.stop()
    printed = running.log()
    assert "AzureWebJobsStorage is set, but orchestration state stays" in printed
    assert "durable: orchestration 'failing_activity' instance" in printed
    everything = printed + "\n".join(answers)
    assert not leaks(everything), (leaks(everything), everything[-4000:])
    # The banner shows the keys (--enforce-auth); nothing an app's caller receives does.
    given = "\n".join(answers[:12])
    assert keys["master"] not in given and keys["function"] not in given
    assert "code=" in given
