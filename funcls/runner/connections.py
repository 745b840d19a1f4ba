"""Storage connections of a run: one backend per connection setting, opened on first use."""

from __future__ import annotations

import threading
from pathlib import Path

from funcls.model.parsers.expressions import lookup_setting
from funcls.runner.storage import (
    BackendKind,
    MessageEncoding,
    StorageBackend,
    StorageError,
    StorageUnavailableError,
    mask_secrets,
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
        # Backends replaced by a change of the settings, closed once the triggers that may
        # still hold them have restarted on the new ones (close_retired).
        self.retired: list[StorageBackend] = []
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

    def store(self, name: str | None) -> dict[str, str]:
        """Which store the connection setting ``name`` leads to, as a run's result says it:
        ``{"setting", "store": "embedded" | "azurite" | "azure", "description"}``. The backend
        is opened (as the function's first use of it would), so Azurite that does not answer
        reads as the embedded store with the reason, not as a guess from the setting's value
        (QA: the result panel said 'Azurite, or the embedded store while Azurite does not
        answer'). A setting that cannot be opened gives ``"store": "none"`` and the error."""
        key = (name or DEFAULT_CONNECTION).strip() or DEFAULT_CONNECTION
        try:
            backend = self.backend(key)
        except StorageError as error:
            return {"setting": key, "store": "none", "description": mask_secrets(str(error))}
        with self._lock:
            description = next(
                (d for n, d in self.descriptions.items() if n.lower() == key.lower()),
                backend.description,
            )
        connection = getattr(backend, "connection", None)  # AzureBackend's parsed setting
        kind = "embedded" if connection is None else "azurite" if connection.emulator else "azure"
        return {"setting": key, "store": kind, "description": description}

    def update(self, settings: dict[str, str]) -> list[str]:
        """Take the settings of a changed local.settings.json: each connection opened whose
        value changed is dropped (opened again from the new value on its next use) and its
        name returned. A run reloads on a save of local.settings.json as the host restarts on
        one of host.json (azure-functions-host src/WebJobs.Script.WebHost/
        FileMonitoringService.cs, which restarts the host and so reads its configuration,
        the storage connection included, again): the reloaded app must not stay on the store
        of the old value."""
        with self._lock:
            before = self.settings
            self.settings = settings
            changed = []
            for key in list(self.backends):
                name = next((n for n in self.descriptions if n.lower() == key), key)
                old = self._value_in(name, before)
                if old != self._value_in(name, settings):
                    changed.append(name)
                    self.retired.append(self.backends.pop(key))
                    self.descriptions.pop(name, None)
            return changed

    @staticmethod
    def _value_in(name: str, settings: dict[str, str]) -> tuple[str | None, ...]:
        """What decides a connection's backend in ``settings``: its value, or the identity-
        based setting that notes its absence."""
        return (
            lookup_setting(name, settings),
            lookup_setting(f"AzureWebJobs{name}", settings),
            lookup_setting(f"{name}__serviceUri", settings),
        )

    def close_retired(self) -> None:
        with self._lock:
            retired, self.retired = self.retired, []
        for backend in retired:
            backend.close()

    def close(self) -> None:
        self.close_retired()
        with self._lock:
            for backend in self.backends.values():
                backend.close()
            self.backends.clear()
