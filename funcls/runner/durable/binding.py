"""The durable client binding's JSON, as the extension hands it to `durable_client_input` /
`orchestrationClient` parameters and the SDK's `DurableOrchestrationBindings` reads it
(taskHubName, creationUrls, managementUrls, baseUrl, requiredQueryStringParameters, rpcBaseUrl;
the shape of `tests/conftest.py::get_binding_string` in azure-functions-durable-python).

The management URLs are the public HTTP API of this runner; `rpcBaseUrl`, which the SDK's
client calls for start/status/raise/terminate/purge, is a loopback URL whose path carries a
secret of this run, so those calls need no key even with --enforce-auth (the extension's local
RPC endpoint is loopback-only too).
"""

from __future__ import annotations

import json
from urllib.parse import quote

PUBLIC_PREFIX = "/runtime/webhooks/durabletask"
RPC_PREFIX = "/durabletask-rpc/"
INSTANCE_PLACEHOLDER = "INSTANCEID"
DEFAULT_TASK_HUB = "TestHubName"  # Core Tools' local default


def management_urls(base: str, instance_id: str, query: str) -> dict[str, str]:
    """The check-status payload (`create_check_status_response`), as the extension builds it."""
    root = f"{base}{PUBLIC_PREFIX}/instances/{quote(instance_id, safe='')}"
    tail = f"taskHub={query}"
    return {
        "id": instance_id,
        "statusQueryGetUri": f"{root}?{tail}",
        "sendEventPostUri": f"{root}/raiseEvent/{{eventName}}?{tail}",
        "terminatePostUri": f"{root}/terminate?reason={{text}}&{tail}",
        "rewindPostUri": f"{root}/rewind?reason={{text}}&{tail}",
        "purgeHistoryDeleteUri": f"{root}?{tail}",
        "restartPostUri": f"{root}/restart?{tail}",
        "suspendPostUri": f"{root}/suspend?reason={{text}}&{tail}",
        "resumePostUri": f"{root}/resume?reason={{text}}&{tail}",
    }


def query_tail(task_hub: str, connection: str, code: str | None) -> str:
    """What follows `taskHub=` in every management URL."""
    tail = f"{quote(task_hub)}&connection={quote(connection)}"
    return tail + (f"&code={quote(code, safe='')}" if code else "")


def client_binding(
    base_url: str,
    rpc_base_url: str,
    task_hub: str,
    connection: str = "Storage",
    code: str | None = None,
) -> str:
    tail = query_tail(task_hub, connection, code)
    creation = f"{base_url}{PUBLIC_PREFIX}/orchestrators/{{functionName}}[/{{instanceId}}]"
    code_part = f"code={quote(code, safe='')}" if code else ""
    binding = {
        "taskHubName": task_hub,
        "creationUrls": {
            "createNewInstancePostUri": creation + (f"?{code_part}" if code_part else ""),
            "createAndWaitOnNewInstancePostUri": creation
            + "?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}"
            + (f"&{code_part}" if code_part else ""),
        },
        "managementUrls": management_urls(base_url, INSTANCE_PLACEHOLDER, tail),
        "baseUrl": f"{base_url}{PUBLIC_PREFIX}",
        "requiredQueryStringParameters": code_part,
        "rpcBaseUrl": rpc_base_url,
    }
    return json.dumps(binding)
