"""The ordering funcls' reader keeps (funcls/lsp/framing.py): messages that arrive in one read
are handed over one per event-loop turn, so what a message schedules — a zero-delay timer, a
coroutine handler's first step — runs before the next message is handled, as with pygls'
reader. Tested with a protocol that records what ran when."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

from funcls.lsp.framing import run_framed


class Message:
    def __init__(self, data: dict[str, Any]) -> None:
        self.jsonrpc = data["jsonrpc"]
        self.method = data["method"]


class RecordingProtocol:
    def __init__(self) -> None:
        self.events: list[str] = []
        self.sent: list[dict[str, Any]] = []
        self.tasks: list[asyncio.Future[None]] = []

    def structure_message(self, data: dict[str, Any]) -> Any:
        return Message(data) if "jsonrpc" in data else data

    def handle_message(self, message: Message) -> None:
        name = message.method
        self.events.append(f"handle {name}")
        loop = asyncio.get_running_loop()
        loop.call_later(0, self.events.append, f"timer {name}")

        async def step() -> None:
            self.events.append(f"task {name}")

        self.tasks.append(asyncio.ensure_future(step()))

    def _send_data(self, data: dict[str, Any]) -> None:
        self.sent.append(data)


def frame(method: str) -> bytes:
    body = json.dumps({"jsonrpc": "2.0", "method": method}).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def run(chunks: list[bytes]) -> RecordingProtocol:
    protocol = RecordingProtocol()
    pending = list(chunks)

    async def read() -> bytes:
        return pending.pop(0) if pending else b""

    async def main() -> None:
        await run_framed(threading.Event(), read, protocol)
        await asyncio.sleep(0.01)

    asyncio.run(main())
    return protocol


def test_what_a_message_schedules_runs_before_the_next_message() -> None:
    burst = frame("a") + frame("b") + frame("c")
    events = run([burst]).events
    for first, second in (("a", "b"), ("b", "c")):
        handled_next = events.index(f"handle {second}")
        assert events.index(f"timer {first}") < handled_next, events
        assert events.index(f"task {first}") < handled_next, events
    assert [e for e in events if e.startswith("handle")] == ["handle a", "handle b", "handle c"]


def test_a_message_split_over_reads_keeps_the_order() -> None:
    stream = frame("a") + frame("b") + frame("c")
    chunks = [stream[i : i + 7] for i in range(0, len(stream), 7)]
    events = run(chunks).events
    assert [e for e in events if e.startswith("handle")] == ["handle a", "handle b", "handle c"]
    assert events.index("timer a") < events.index("handle b")


def test_malformed_bodies_are_answered_between_messages() -> None:
    bad = b"{nope"
    stream = frame("a") + b"Content-Length: %d\r\n\r\n" % len(bad) + bad + frame("b")
    protocol = run([stream])
    assert [d["error"]["code"] for d in protocol.sent] == [-32700]
    assert protocol.sent[0]["id"] is None
    assert [e for e in protocol.events if e.startswith("handle")] == ["handle a", "handle b"]
