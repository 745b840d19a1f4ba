"""Choosing the storage backend for a run: Azure Storage, Azurite, or the embedded store."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from .connection import origin, parse_connection_string
from .encoding import check_encoding
from .errors import ConnectionStringError, InvalidArgumentError, StorageUnavailableError
from .interface import MessageEncoding, StorageBackend

BackendKind = Literal["embedded", "azure"]
DEFAULT_PROBE_TIMEOUT = 0.25


def endpoint_reachable(url: str, timeout: float = DEFAULT_PROBE_TIMEOUT) -> bool:
    """Whether something accepts TCP connections at the endpoint's host and port."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=timeout):
            return True
    except OSError:
        return False


def open_backend(
    connection_value: str | None,
    app_dir: Path,
    *,
    force: BackendKind | None = None,
    probe_timeout: float = DEFAULT_PROBE_TIMEOUT,
    message_encoding: MessageEncoding = "base64",
) -> tuple[StorageBackend, str]:
    """Open the backend for a storage connection setting's value and describe it in one line.

    - no value: the embedded store;
    - `UseDevelopmentStorage=true` or endpoints on loopback: Azurite when its queue and blob
      ports accept a connection within probe_timeout, otherwise the embedded store, saying so;
    - any other connection string: that Azure Storage account (not probed: the first request
      reports a network problem).

    force="embedded" ignores the setting; force="azure" raises instead of falling back.
    Malformed connection strings raise ConnectionStringError. No secret is ever described.
    """
    if force not in (None, "embedded", "azure"):
        raise InvalidArgumentError(f"force must be 'embedded', 'azure' or None, not {force!r}")
    encoding = check_encoding(message_encoding)

    def embedded(reason: str) -> tuple[StorageBackend, str]:
        # Imported when a connection first needs it, not with the package: `funcls run`
        # answers its first requests before any storage is opened (issue 16).
        from .embedded import EmbeddedBackend, storage_dir

        backend = EmbeddedBackend(storage_dir(app_dir), message_encoding=encoding)
        return backend, f"{backend.description}{reason}"

    if force == "embedded":
        return embedded("")
    value = (connection_value or "").strip()
    if not value:
        if force == "azure":
            raise ConnectionStringError(
                "Azure Storage was requested but the storage connection setting is empty; "
                "set it in local.settings.json (Values) or the environment"
            )
        return embedded(" (no storage connection setting)")
    connection = parse_connection_string(value)
    if connection.emulator:
        endpoints = [e for e in (connection.queue_endpoint, connection.blob_endpoint) if e]
        down = [origin(e) for e in endpoints if not endpoint_reachable(e, probe_timeout)]
        if down:
            where = ", ".join(down)
            if force == "azure":
                raise StorageUnavailableError(
                    f"Azurite is not reachable at {where}; start it (`azurite`) or drop the "
                    "request for Azure Storage to use the embedded store"
                )
            return embedded(f" (Azurite not reachable at {where})")
    from .azure_backend import AzureBackend  # imported on first use: the SDKs are slow to load
    from .embedded import storage_dir

    backend = AzureBackend(connection, storage_dir(app_dir), message_encoding=encoding)
    return backend, backend.description
