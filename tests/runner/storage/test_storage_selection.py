"""open_backend: which backend a connection setting leads to, and what the banner says."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from funcls.runner.storage import (
    AzureBackend,
    ConnectionStringError,
    EmbeddedBackend,
    InvalidArgumentError,
    StorageBackend,
    StorageUnavailableError,
    open_backend,
)
from tests.support.azurite import Azurite, free_port, require_azurite

KEY = "c2VjcmV0LWtleS1ub2JvZHktc2hvdWxkLXNlZQ=="
EMBEDDED = f"embedded store at .{os.sep}app{os.sep}.funcls{os.sep}storage"


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # descriptions show paths relative to the working directory
    (tmp_path / "app").mkdir()
    return tmp_path / "app"


def _open(value: str | None, app: Path, **options: object) -> tuple[StorageBackend, str]:
    backend, description = open_backend(value, app, **options)  # type: ignore[arg-type]
    backend.close()
    return backend, description


def _closed_loopback_endpoints() -> str:
    blob, queue = free_port(), free_port()  # free now, so nothing listens there
    return (
        f"AccountName=devstoreaccount1;AccountKey={KEY};"
        f"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;"
        f"QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1"
    )


@pytest.mark.parametrize("value", [None, "", "   "])
def test_no_setting_means_embedded(app: Path, value: str | None) -> None:
    backend, description = _open(value, app)
    assert isinstance(backend, EmbeddedBackend)
    assert description == f"{EMBEDDED} (no storage connection setting)"


def test_development_storage_without_azurite_falls_back_quickly(app: Path) -> None:
    # 127.0.0.2 is loopback too, and nothing listens on the emulator ports there.
    value = "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://127.0.0.2"
    started = time.monotonic()
    backend, description = _open(value, app, probe_timeout=0.3)
    assert time.monotonic() - started < 1.0
    assert isinstance(backend, EmbeddedBackend)
    assert description == (
        f"{EMBEDDED} (Azurite not reachable at http://127.0.0.2:10001, http://127.0.0.2:10000)"
    )


def test_explicit_loopback_endpoints_without_azurite_fall_back(app: Path) -> None:
    backend, description = _open(_closed_loopback_endpoints(), app)
    assert isinstance(backend, EmbeddedBackend)
    assert "(Azurite not reachable at http://127.0.0.1:" in description
    assert KEY not in description


def test_forcing_azure_with_azurite_down_is_an_error(app: Path) -> None:
    with pytest.raises(StorageUnavailableError, match="Azurite is not reachable"):
        open_backend(_closed_loopback_endpoints(), app, force="azure")
    with pytest.raises(ConnectionStringError, match="setting is empty"):
        open_backend(None, app, force="azure")


def test_forcing_embedded_ignores_the_setting(app: Path) -> None:
    backend, description = _open(f"AccountName=foo;AccountKey={KEY}", app, force="embedded")
    assert isinstance(backend, EmbeddedBackend)
    assert description == EMBEDDED


def test_unknown_force_value(app: Path) -> None:
    with pytest.raises(InvalidArgumentError, match="'cloud'"):
        open_backend(None, app, force="cloud")  # type: ignore[arg-type]


def test_real_account_is_used_without_probing_or_printing_its_key(app: Path) -> None:
    value = f"DefaultEndpointsProtocol=https;AccountName=foo;AccountKey={KEY}"
    started = time.monotonic()
    backend, description = _open(value, app)
    assert time.monotonic() - started < 1.0  # no network round trip
    assert isinstance(backend, AzureBackend)
    assert description == "Azure Storage account 'foo'"


def test_malformed_setting_is_reported_not_ignored(app: Path) -> None:
    with pytest.raises(ConnectionStringError, match="not valid base64"):
        open_backend("AccountName=foo;AccountKey=%%%", app)


@pytest.mark.azurite
def test_running_azurite_is_used(azurite: Azurite, app: Path) -> None:
    backend, description = open_backend(azurite.connection_string, app)
    try:
        assert isinstance(backend, AzureBackend)
        assert description == (
            f"Azurite at http://127.0.0.1:{azurite.queue_port} (queues), "
            f"http://127.0.0.1:{azurite.blob_port} (blobs), "
            f"http://127.0.0.1:{azurite.table_port} (tables)"
        )
        backend.queues.create_queue("selected")
        backend.queues.put("selected", b"hi")
        assert [m.body for m in backend.queues.receive("selected")] == [b"hi"]
    finally:
        backend.close()


def test_message_encoding_option_reaches_the_backend(app: Path) -> None:
    backend, _ = open_backend(None, app, message_encoding="none")
    try:
        assert backend.queues.message_encoding == "none"
    finally:
        backend.close()


@pytest.mark.azurite
def test_azurite_going_away_fails_fast_and_clearly(app: Path) -> None:
    private = require_azurite()  # this test stops its own Azurite
    try:
        backend, _ = open_backend(private.connection_string, app, force="azure")
        backend.queues.create_queue("work")
        private.stop()
        started = time.monotonic()
        with pytest.raises(StorageUnavailableError, match="unreachable") as caught:
            backend.queues.put("work", b"x")
        assert time.monotonic() - started < 3.0
        assert KEY not in str(caught.value)
        backend.close()
    finally:
        private.stop()
