"""A storage connection in an interpreter without the Azure SDKs (the app's own venv running
the VS Code extension's bundled funcls): the embedded store, and an install command that works
there (QA in VS Code: it said `pip install 'funcls[azure]'`, an extra funcls does not have, for
a funcls that is not installed in that interpreter at all)."""

from __future__ import annotations

import re
import shlex
import sys
from importlib.metadata import requires
from pathlib import Path

import pytest

from funcls.runner.connections import Connections
from funcls.runner.storage import EmbeddedBackend, StorageUnavailableError

ACCOUNT = (
    "DefaultEndpointsProtocol=https;AccountName=shop;"
    "AccountKey=c2VjcmV0LWtleS1ub2JvZHktc2hvdWxkLXNlZQ==;EndpointSuffix=core.windows.net"
)


@pytest.fixture
def no_sdks(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes `import` raise ImportError, as in an interpreter without them.
    monkeypatch.setitem(sys.modules, "azure.storage.queue", None)
    monkeypatch.setitem(sys.modules, "azure.storage.blob", None)
    monkeypatch.delitem(sys.modules, "funcls.runner.storage.azure_backend", raising=False)
    # `from azure.storage import queue` finds an attribute set by an earlier import first.
    namespace = sys.modules.get("azure.storage")
    for name in ("queue", "blob"):
        if namespace is not None:
            monkeypatch.delattr(namespace, name, raising=False)


def installed_by(command: str) -> list[str]:
    words = shlex.split(command)
    assert words[:4] == ["python", "-m", "pip", "install"], command
    return words[4:]


def test_the_fallback_names_packages_funcls_itself_depends_on(
    no_sdks: None, tmp_path: Path
) -> None:
    connections = Connections(
        str(tmp_path), {"AzureWebJobsStorage": ACCOUNT}, force=None, message_encoding="base64"
    )
    backend = connections.backend("AzureWebJobsStorage")
    try:
        assert isinstance(backend, EmbeddedBackend)
    finally:
        connections.close()
    description = connections.descriptions["AzureWebJobsStorage"]
    assert "funcls[" not in description
    head, _, command = description.partition("(the Azure SDKs are not installed here: ")
    assert head.startswith("embedded store at ") and command.endswith(")"), description
    packages = installed_by(command.removesuffix(")"))
    # funcls's own dependencies (not an extra's), as its installed metadata lists them.
    declared = [r for r in requires("funcls") or [] if "extra ==" not in r]
    names = {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0] for r in declared}
    assert packages and set(packages) <= names, (packages, names)


def test_azure_storage_asked_for_without_the_sdks_says_what_to_install(
    no_sdks: None, tmp_path: Path
) -> None:
    connections = Connections(
        str(tmp_path), {"AzureWebJobsStorage": ACCOUNT}, force="azure", message_encoding="base64"
    )
    with pytest.raises(StorageUnavailableError) as refused:
        connections.backend("AzureWebJobsStorage")
    message = str(refused.value)
    assert message.startswith("Azure Storage needs the Azure SDKs: python -m pip install ")
    assert installed_by(message.partition(": ")[2]) == ["azure-storage-queue", "azure-storage-blob"]
