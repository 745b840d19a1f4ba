"""The durable engine as `funcls run` holds it: created once the app is loaded, given the
run's base URL, serving the HTTP API (public under `/runtime/webhooks/durabletask`, the SDK's
RPC under a per-run secret path) and the durable client binding's JSON."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from funcls.runner.config import lookup_ignoring_case
from funcls.runner.durable.binding import (
    DEFAULT_TASK_HUB,
    PUBLIC_PREFIX,
    RPC_PREFIX,
    client_binding,
)
from funcls.runner.functions import RunFunction
from funcls.runner.invocation import Invoker, Outcome

if TYPE_CHECKING:
    # Imported when first used: `funcls run` holds a runtime from its start, and an app
    # without durable functions never needs the engine (issue 16: a fifth of the runner's
    # imports before its port answered).
    from funcls.runner.durable.engine import DurableEngine
    from funcls.runner.durable.http_api import DurableApi, Response

PATHS = (PUBLIC_PREFIX + "/", RPC_PREFIX)


def task_hub_name(root: str) -> str:
    """host.json `extensions.durableTask.hubName`, else Core Tools' local default. Its keys
    are matched ignoring case, as the host reads host.json (``config.lookup_ignoring_case``):
    `"Extensions": {"DurableTask": {"HubName": …}}` names the hub in Azure too."""
    try:
        with open(os.path.join(root, "host.json"), encoding="utf-8-sig") as f:
            host = json.load(f)
    except (OSError, ValueError):
        return DEFAULT_TASK_HUB
    name = lookup_ignoring_case(host, "extensions", "durableTask", "hubName")
    return str(name) if name else DEFAULT_TASK_HUB


EXTENSION_KEY_NAME = "durabletask_extension"


def extension_key(master_key: str) -> str:
    """The key the durable management URLs carry with --enforce-auth. The host puts its
    `durabletask_extension` system key there, which opens the Durable Task extension's HTTP
    API and nothing else (MicrosoftDocs azure-docs, durable-functions-http-api.md: the
    `systemKey` parameter). funcls derives it from the master key with HMAC-SHA256, so it
    stays the same across runs while .funcls/keys.json does, and knowing it tells nothing
    about the master key: a caller of an anonymous starter that returns
    `create_check_status_response` gets this key, not the one that opens the admin API."""
    digest = hmac.new(master_key.encode(), EXTENSION_KEY_NAME.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class DurableRuntime:
    def __init__(
        self,
        root: str,
        invoker: Invoker,
        lookup: Callable[[str], RunFunction | None],
        say: Callable[[str], None],
        load_failed: Callable[[str], bool] = lambda name: False,
    ) -> None:
        self.root = root
        self.load_failed = load_failed
        self.invoker = invoker
        self.lookup = lookup
        self.say = say
        self._engine: DurableEngine | None = None
        self._api: DurableApi | None = None
        self.task_hub = task_hub_name(root)
        self.secret = secrets.token_urlsafe(16)
        self.base_url = ""
        self.rpc_base_url = ""
        self.code: str | None = None  # the extension's key, with --enforce-auth
        self.has_durable = False  # the app has durable functions (set when it loads)

    @property
    def engine(self) -> DurableEngine:
        """Created on first use: an app without durable functions gets no database."""
        if self._engine is None:
            from funcls.runner.durable.engine import DurableEngine

            self._engine = DurableEngine(
                self.root, self.invoker, self.lookup, self.say, self.load_failed
            )
        return self._engine

    @property
    def api(self) -> DurableApi:
        if self._api is None:
            from funcls.runner.durable.http_api import DurableApi

            self._api = DurableApi(self.engine, self.task_hub, self.lookup)
        return self._api

    def configure(self, base_url: str, port: int, host: str, master_key: str | None) -> None:
        """`master_key`: set with --enforce-auth. The URLs handed to the app and its callers
        carry the extension's own key derived from it (:func:`extension_key`), never the
        master key itself."""
        self.base_url = base_url
        loopback = "[::1]" if ":" in host else "127.0.0.1"
        self.rpc_base_url = f"http://{loopback}:{port}{RPC_PREFIX}{self.secret}/"
        self.code = extension_key(master_key) if master_key else None

    def client_binding(self, binding: dict[str, Any]) -> str:
        hub = str(binding.get("taskHub") or self.task_hub)
        connection = str(binding.get("connectionName") or binding.get("connection") or "Storage")
        return client_binding(self.base_url, self.rpc_base_url, hub, connection, self.code)

    async def handle(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        body: bytes,
        request_base: str,
        authorized: Callable[[], bool],
    ) -> Response:
        if path.startswith(RPC_PREFIX):
            secret, _, rest = path[len(RPC_PREFIX) :].partition("/")
            if not secrets.compare_digest(secret, self.secret):
                return 404, [], b""
            return await self.api.handle(method, rest, query, body, self.base_url, self.code)
        if not (authorized() or self._extension_key_given(query)):
            message = (
                "401 Unauthorized: the durable HTTP API needs the master key, or the "
                f"{EXTENSION_KEY_NAME} key its status URLs carry (code=)\n"
            )
            return 401, [(b"content-type", b"text/plain; charset=utf-8")], message.encode()
        if not (self.has_durable or self._engine is not None):
            message = (
                "404 Not Found: this app has no Durable Functions (orchestration, activity "
                "or entity triggers), so funcls run's durable engine is off\n"
            )
            return 404, [(b"content-type", b"text/plain; charset=utf-8")], message.encode()
        rest = path[len(PUBLIC_PREFIX) :]
        return await self.api.handle(method, rest, query, body, request_base, self.code)

    def _extension_key_given(self, query: dict[str, str]) -> bool:
        given = query.get("code")
        return bool(self.code and given) and hmac.compare_digest(str(given), str(self.code))

    async def run_by_hand(self, fn: RunFunction, text: str, timeout: float | None) -> Outcome:
        """Start an orchestration with `text` (JSON) as its input and wait for it to finish
        (`funcls invoke`, the admin API, the Run lens): the outcome is its output, or its
        failure; one still running after `timeout` (functionTimeout, at most 10 minutes)
        is reported with its status URL."""
        from funcls.runner.durable.http_api import read_input

        instance_id = uuid.uuid4().hex
        started = time.perf_counter()
        self.engine.start_new(fn.name, instance_id, read_input(text.encode("utf-8")))
        limit = min(timeout, 600.0) if timeout and timeout > 0 else 600.0
        await self.engine.wait(instance_id, limit)
        instance = self.engine.store.get(instance_id)
        outcome = Outcome(instance_id, fn.name, False, time.perf_counter() - started)
        status_url = f"{self.base_url}{PUBLIC_PREFIX}/instances/{instance_id}"
        outcome.request = {"body": text, "instanceId": instance_id, "statusQueryGetUri": status_url}
        if instance is None:
            outcome.error = {
                "type": "Purged",
                "message": "the instance was purged",
                "traceback": "",
            }
        elif instance.status == "Completed":
            outcome.ok = True
            outcome.returned = ("json", instance.output or "null")
        elif instance.active:
            outcome.error = {
                "type": "StillRunning",
                "message": f"orchestration '{fn.name}' is still {instance.status} after "
                f"{limit:g}s; follow it at {status_url}",
                "traceback": "",
            }
        else:
            message = json.loads(instance.output) if instance.output else ""
            outcome.error = {
                "type": f"Orchestration{instance.status}",
                "message": str(message),
                "traceback": "",
            }
        return outcome

    def start(self, has_durable_functions: bool) -> None:
        """Resume the instances a previous run left active."""
        from funcls.runner.durable.engine import DurableEngine

        self.has_durable = has_durable_functions
        if has_durable_functions or os.path.exists(DurableEngine.database_path(self.root)):
            self.engine.resume()

    async def close(self) -> None:
        if self._engine is not None:
            await self._engine.close()
