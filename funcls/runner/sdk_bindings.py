"""Blob SDK types (`azurefunctions-extensions-bindings-blob`: BlobClient, ContainerClient,
StorageStreamDownloader): what the runner sends for such a parameter, and where it cannot.

For a parameter the worker reports as an SDK type, the host does not read the blob: it sends
a `model_binding_data` (FunctionRpc.proto's ModelBindingData) whose JSON content names the
binding's connection setting, the container and the blob, with source `AzureStorageBlobs`
(the shape the worker's own tests decode: tests/extension_tests/deferred_bindings_tests).
The extension builds the SDK client from that setting in the app process's environment, so
the client talks to Azure Storage or Azurite itself. funcls's embedded store has no service
such a client could reach: a function with an SDK type on a connection that uses it cannot
run, and says so when the app loads, naming the parameter and the fix. (A connection setting
that does not exist at all fails each invocation instead, with the extension's message that
names the setting, as on the host.)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from funcls.model.bindingview import lookup
from funcls.runner.connections import DEFAULT_CONNECTION, Connections
from funcls.runner.functions import RunFunction
from funcls.runner.messages import Wire

SOURCE = "AzureStorageBlobs"


def connection_name(binding: Mapping[str, Any]) -> str:
    return str(lookup(binding, "connection") or "").strip() or DEFAULT_CONNECTION


def model_binding_data(binding: Mapping[str, Any], path: str, function: str) -> Wire:
    container, _, blob = path.partition("/")
    content = {
        "Connection": connection_name(binding),
        "ContainerName": container,
        "BlobName": blob,
    }
    return (
        "model_binding_data",
        {
            "version": "1.0",
            "source": SOURCE,
            "content_type": "application/json",
            "content": json.dumps(content, separators=(",", ":")),
            "function": function,
        },
    )


def unreachable_reason(fn: RunFunction, connections: Connections) -> str | None:
    """Why ``fn`` cannot run here (an SDK-type parameter on the embedded store), or None."""
    for binding in fn.view:
        name = binding.name
        type_name = fn.sdk_params.get(name)
        if type_name is None:
            continue
        connection = connection_name(binding)
        if connection not in connections.settings:
            # No such setting: the extension fails each invocation, naming the setting
            # ("Storage account connection name … does not exist"), as on the host.
            continue
        try:
            backend = connections.backend(binding.get("connection"))
        except Exception:
            continue  # the banner reports an unavailable connection already
        from funcls.runner.storage.embedded import EmbeddedBackend  # opened: imported

        if isinstance(backend, EmbeddedBackend):
            return (
                f"parameter '{name}' is a {type_name}, a blob SDK type that talks to the "
                f"storage service itself, and connection '{connection}' uses funcls's "
                "embedded store, which it cannot reach; run with `--storage azure` and "
                f'Azurite ("{connection}": "UseDevelopmentStorage=true" in '
                "local.settings.json), or set it to a storage account's connection string; "
                "or annotate the parameter func.InputStream, bytes or str"
            )
    return None


def refuse_unreachable(functions: Iterable[RunFunction], connections: Connections) -> bool:
    """Mark the functions whose SDK types cannot reach their storage as not runnable;
    True when any was."""
    refused = False
    for fn in functions:
        if not fn.sdk_params or fn.support == "none":
            continue
        reason = unreachable_reason(fn, connections)
        if reason is not None:
            fn.support = "none"
            fn.reason = reason
            refused = True
    return refused
