"""Connections.update: a changed local.settings.json drops exactly the connections whose value
changed, and their old backends are closed once retired (no Azure, no Azurite needed)."""

from __future__ import annotations

import socket
from pathlib import Path

from funcls.runner.connections import Connections
from funcls.runner.storage import EmbeddedBackend

DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_update_reopens_only_connections_whose_value_changed(tmp_path: Path) -> None:
    settings = {"AzureWebJobsStorage": "", "Other": "", "FEATURE": "a"}
    connections = Connections(str(tmp_path), settings, force=None, message_encoding="base64")
    first = connections.backend(None)
    other = connections.backend("Other")
    assert isinstance(first, EmbeddedBackend)

    # Another setting changed: nothing to reopen.
    assert connections.update({**settings, "FEATURE": "b"}) == []
    assert connections.backend(None) is first

    # The storage connection changed (to Azurite that is not running here: the embedded store
    # again, saying why): reopened, the old backend retired, then closed.
    port = closed_port()
    azurite = (
        f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DEV_KEY};"
        f"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;"
        f"QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1"
    )
    changed = {**settings, "FEATURE": "b", "AzureWebJobsStorage": azurite}
    assert connections.update(changed) == ["AzureWebJobsStorage"]
    assert connections.retired == [first]
    again = connections.backend(None)
    assert again is not first
    assert (
        f"Azurite not reachable at http://127.0.0.1:{port}"
        in (connections.descriptions["AzureWebJobsStorage"])
    )
    assert connections.backend("Other") is other
    connections.close_retired()
    assert connections.retired == []
    connections.close()
