"""Blob SDK types (`azurefunctions-extensions-bindings-blob`) through a real `funcls run`:
BlobClient, ContainerClient and StorageStreamDownloader against real Azurite, and the
message at load when the connection is funcls's embedded store."""

from __future__ import annotations

import importlib.util
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from funcls.runner.storage import StorageBackend, open_backend
from tests.runner.runner_process import RunningApp, funcls_invoke
from tests.support.azurite import Azurite
from tests.support.ci import tool_missing

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _extension_installed() -> None:
    if importlib.util.find_spec("azurefunctions.extensions.bindings.blob") is None:
        tool_missing(
            "azurefunctions-extensions-bindings-blob is not installed; "
            "pip install -e '.[test]' installs it"
        )


@pytest.fixture
def azurite_app(
    runner_azurite: Azurite,
    app_copy: Callable[[str], Path],
    run_app: Callable[..., RunningApp],
) -> Iterator[tuple[RunningApp, StorageBackend]]:
    app_dir = app_copy("blob_sdk")
    connection = runner_azurite.connection_string
    backend, _ = open_backend(connection, app_dir, force="azure")
    # Containers of earlier tests on the same Azurite: start from empty ones.
    for container in ("sdk-in", "sdk-out"):
        backend.blobs.delete_container(container)
        backend.blobs.create_container(container)
    running = run_app(app_dir, "--no-reload", env={"AzureWebJobsStorage": connection})
    try:
        yield running, backend
    finally:
        backend.close()


@pytest.mark.azurite
def test_blob_input_as_blob_client(azurite_app: tuple[RunningApp, StorageBackend]) -> None:
    running, backend = azurite_app
    backend.blobs.put("sdk-in", "note.txt", b"hello from azurite")
    response = running.get("/api/client/note.txt")
    assert response.status_code == 200, running.log()
    assert response.json() == {
        "container": "sdk-in",
        "blob": "note.txt",
        "text": "hello from azurite",
    }


@pytest.mark.azurite
def test_blob_input_as_container_client_and_stream_downloader(
    azurite_app: tuple[RunningApp, StorageBackend],
) -> None:
    running, backend = azurite_app
    backend.blobs.put("sdk-in", "a.txt", b"first")
    backend.blobs.put("sdk-in", "b.txt", b"second")
    listed = running.get("/api/container")
    assert listed.status_code == 200, running.log()
    assert listed.json() == ["a.txt", "b.txt"]
    downloaded = running.get("/api/download/b.txt")
    assert (downloaded.status_code, downloaded.text) == (200, "second")
    # An ordinary input beside them still gets the content.
    assert running.get("/api/plain/a.txt").text == "plain: first"


@pytest.mark.azurite
def test_blob_trigger_as_blob_client(azurite_app: tuple[RunningApp, StorageBackend]) -> None:
    running, backend = azurite_app
    backend.blobs.put("sdk-in", "upload.txt", b"triggered content")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if backend.blobs.exists("sdk-out", "upload.txt"):
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"sdk-out/upload.txt was never written:\n{running.log()}")
    result = json.loads(backend.blobs.get("sdk-out", "upload.txt").content)
    assert result == {"name": "upload.txt", "size": 17, "content": "triggered content"}


@pytest.mark.azurite
def test_by_hand_run_with_a_blob_client(azurite_app: tuple[RunningApp, StorageBackend]) -> None:
    running, backend = azurite_app
    backend.blobs.put("sdk-in", "manual.txt", b"by hand")
    result = funcls_invoke(
        "read_with_client",
        str(running.app_dir),
        "--path",
        "/api/client/manual.txt",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(json.loads(result.stdout)["body"])["text"] == "by hand"


def test_embedded_store_refuses_sdk_types_at_load_naming_the_parameter(
    app_copy: Callable[[str], Path], run_app: Callable[..., RunningApp]
) -> None:
    app_dir = app_copy("blob_sdk")
    running = run_app(app_dir, "--no-reload", "--storage", "embedded")
    log = running.wait_for_log("Not runnable here:")
    reasons = {
        line.strip().split(":", 1)[0]: line.strip().split(":", 1)[1]
        for line in log.split("Not runnable here:", 1)[1].split("\n\n", 1)[0].splitlines()
        if line.strip()
    }
    assert set(reasons) == {"on_upload", "read_with_client", "list_container", "download"}
    for function, parameter, type_name in [
        ("read_with_client", "client", "BlobClient"),
        ("list_container", "container", "ContainerClient"),
        ("download", "stream", "StorageStreamDownloader"),
        ("on_upload", "client", "BlobClient"),
    ]:
        assert f"parameter '{parameter}' is a {type_name}" in reasons[function]
        assert "--storage azure" in reasons[function]
        assert "UseDevelopmentStorage=true" in reasons[function]
    assert running.get("/api/client/x.txt").status_code == 404
    # A connection setting that does not exist: each invocation fails with the extension's
    # message naming it, as on the host (the function is not refused at load).
    missing = running.get("/api/missing")
    assert missing.status_code == 500
    assert "Storage account connection name NoSuchSetting does not exist" in missing.text
    # The function without an SDK type still runs on the embedded store.
    backend, _ = open_backend(None, app_dir, force="embedded")
    try:
        backend.blobs.create_container("sdk-in")
        backend.blobs.put("sdk-in", "a.txt", b"embedded")
    finally:
        backend.close()
    assert running.get("/api/plain/a.txt").text == "plain: embedded"


def test_an_sdk_type_on_a_binding_without_its_converter_fails_to_load(
    tmp_path: Path, run_app: Callable[..., RunningApp]
) -> None:
    """As the worker: the extension's converter checks the annotation for its binding types;
    any other binding uses the generic binding, which refuses it."""
    app_dir = tmp_path / "wrong"
    app_dir.mkdir()
    (app_dir / "host.json").write_text('{"version": "2.0"}')
    (app_dir / "function_app.py").write_text(
        "import azure.functions as func\n"
        "import azurefunctions.extensions.bindings.blob as blob\n\n"
        "app = func.FunctionApp()\n\n\n"
        '@app.queue_trigger(arg_name="msg", queue_name="work", connection="AzureWebJobsStorage")\n'
        "def on_message(msg: blob.BlobClient) -> None:\n"
        "    pass\n"
    )
    running = run_app(app_dir, "--no-reload", "--storage", "embedded")
    log = running.wait_for_log("does not match its Python annotation")
    assert 'type of msg binding "queueTrigger" does not match its Python annotation' in log
    assert '"BlobClient"' in log


@pytest.mark.azurite
def test_by_hand_run_of_a_blob_trigger_with_a_blob_client(
    azurite_app: tuple[RunningApp, StorageBackend],
) -> None:
    """funcls invoke --name --body writes the blob, then runs the trigger with it."""
    running, backend = azurite_app
    result = funcls_invoke(
        "on_upload",
        str(running.app_dir),
        "--name",
        "sdk-in/hand.txt",
        "--body",
        "by hand",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    written = json.loads(backend.blobs.get("sdk-out", "hand.txt").content)
    assert written == {"name": "hand.txt", "size": 7, "content": "by hand"}
