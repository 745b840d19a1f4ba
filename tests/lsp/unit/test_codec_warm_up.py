"""completion.codec_warm_up: the converter's code for completion messages made ahead, with
nothing sent to the client and nothing left pending in the protocol."""

from __future__ import annotations

from funcls.lsp.cli import build_server
from funcls.lsp.completion import codec_warm_up


class Recorder:
    def __init__(self) -> None:
        self.written: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.written.append(data)


def test_the_warm_up_sends_nothing_and_leaves_nothing_pending() -> None:
    server = build_server()
    protocol = server.protocol  # type: ignore[attr-defined]
    writer = Recorder()
    protocol.writer = writer
    for step in codec_warm_up(protocol):
        step()
    assert writer.written == []
    assert not protocol._result_types
    assert not protocol._request_futures
