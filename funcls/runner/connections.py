"""Storage connections of a run: one backend per connection setting, opened on first use."""

from __future__ import annotations

import threading
from pathlib import Path

from funcls.model.parsers.expressions import lookup_setting
from funcls.runner.storage import (
    BackendKind,
    MessageEncoding,
    StorageBackend,
    StorageUnavailableError,
    open_backend,
)

DEFAULT_CONNECTION = "AzureWebJobsStorage"
# funcls has no 'azure' extra: the SDKs are its own dependencies, missing from an app's
# interpreter that runs a bundled funcls (the VS Code extension's), where they must go.
SDK_INSTALL = "python -m pip install azure-storage-queue azure-storage-blob"


class Connections:
    def __init__(
        self,
        root: str,
        settings: dict[str, str],
        *,
        force: BackendKind | None,
        message_encoding: MessageEncoding,
    ) -> None:
        self.root = Path(root)
        self.settings = settings
        self.force = force
        self.message_encoding = message_encoding
        self.backends: dict[str, StorageBackend] = {}
        self.descriptions: dict[str, str] = {}
        self._lock = threading.Lock()

    def value(self, name: str) -> str | None:
        """The connection string a `connection` property names (host rules: the setting
        itself, then `AzureWebJobs<name>`)."""
        for candidate in (name, f"AzureWebJobs{name}"):
            value = lookup_setting(candidate, self.settings)
            if value:
                return value
        return None

    def backend(self, name: str | None) -> StorageBackend:
        key = (name or DEFAULT_CONNECTION).strip() or DEFAULT_CONNECTION
        with self._lock:
            backend = self.backends.get(key.lower())
            if backend is None:
                value = self.value(key)
                note = ""
                if value is None and lookup_setting(f"{key}__serviceUri", self.settings):
                    note = " (identity-based connections are not supported locally)"
                try:
                    backend, description = open_backend(
                        value,
                        self.root,
                        force=self.force,
                        message_encoding=self.message_encoding,
                    )
                except ImportError:
                    if self.force == "azure":
                        raise StorageUnavailableError(
                            f"Azure Storage needs the Azure SDKs: {SDK_INSTALL}"
                        ) from None
                    backend, description = open_backend(
                        None, self.root, force="embedded", message_encoding=self.message_encoding
                    )
                    note = f" (the Azure SDKs are not installed here: {SDK_INSTALL})"
                self.backends[key.lower()] = backend
                self.descriptions[key] = description + note
            return backend

    def close(self) -> None:
        with self._lock:
            for backend in self.backends.values():
                backend.close()
            self.backends.clear()
