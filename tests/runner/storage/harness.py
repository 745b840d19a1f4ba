"""The `Store` helper behind the `store` fixtures: opens backends of one kind on one app."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from funcls.runner.storage import AzureBackend, EmbeddedBackend, MessageEncoding, open_backend


@dataclass
class Store:
    """Opens backends of one kind on one app folder; everything opened is closed at teardown.
    Queue and container names are unique per test, so tests can share one Azurite."""

    kind: str
    app_dir: Path
    connection: str | None
    opened: list[EmbeddedBackend | AzureBackend] = field(default_factory=list)

    def open(self, encoding: MessageEncoding = "base64") -> EmbeddedBackend | AzureBackend:
        backend, _ = open_backend(
            self.connection,
            self.app_dir,
            force="embedded" if self.kind == "embedded" else "azure",
            message_encoding=encoding,
        )
        assert isinstance(backend, (EmbeddedBackend, AzureBackend))
        self.opened.append(backend)
        return backend

    def open_embedded(self) -> EmbeddedBackend:
        backend = self.open()
        assert isinstance(backend, EmbeddedBackend)
        return backend

    def name(self, prefix: str = "t") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:12]}"

    def close_all(self) -> None:
        for backend in self.opened:
            backend.close()
        self.opened.clear()
