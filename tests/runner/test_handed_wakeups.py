"""The app process's helper threads wake for work, not on a clock (issue 16: the tail).

Under load every wake-up of another thread of the app process takes the interpreter (the GIL)
and a CPU from the thread serving the handed connections. The console events leave in
batches sent by the serving thread itself (main.Channel.due) and the events thread only sends
what is left when requests stop; the thread that starts more serving threads (Served._tend)
sleeps while no request is under way. Each thread's wake-ups are counted by the kernel
(/proc/self/task/<tid>/schedstat: times put on a CPU).
"""

from __future__ import annotations

import mmap
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from funcls.runner import handoff_table as table
from funcls.runner import wire
from funcls.runner.messages import Log, Served, Setup
from funcls.runner.worker import handed
from funcls.runner.worker.loader import load_app
from funcls.runner.worker.main import EVENTS_DELAY, EVENTS_LATE, Channel

APP = """import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="hello")
def hello(req: func.HttpRequest) -> str:
    return "Hello, world"
"""
REQUEST = b"GET /api/hello HTTP/1.1\r\nHost: 127.0.0.1:7071\r\n\r\n"


def slices(thread: threading.Thread) -> int:
    """How many times the kernel put ``thread`` on a CPU so far."""
    with open(f"/proc/self/task/{thread.native_id}/schedstat") as f:
        return int(f.read().split()[2])


def named(name: str) -> threading.Thread:
    found = [t for t in threading.enumerate() if t.name == name]
    assert found, f"no thread {name!r}"
    return found[-1]


class Frames:
    """What the runner reads from a Channel's socket, decoded, with when it came."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.got: list[tuple[float, Any]] = []
        self.buffer = b""
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            data = self.sock.recv(1 << 20)
            if not data:
                return
            self.buffer += data
            while len(self.buffer) >= wire.HEADER.size:
                (size,) = wire.HEADER.unpack(self.buffer[: wire.HEADER.size])
                end = wire.HEADER.size + size
                if len(self.buffer) < end:
                    break
                message = wire.decode(self.buffer[wire.HEADER.size : end])
                self.buffer = self.buffer[end:]
                self.got.append((time.monotonic(), message))

    def events(self) -> list[tuple[Any, ...]]:
        return [e for _, m in self.got if isinstance(m, Served) for e in m.events]

    def wait(self, count: int, timeout: float) -> float:
        """Seconds until ``count`` events had come (raises after ``timeout``)."""
        began = time.monotonic()
        while len(self.events()) < count:
            assert time.monotonic() - began < timeout, f"{len(self.events())} of {count} events"
            time.sleep(0.002)
        return time.monotonic() - began


@pytest.fixture
def channel() -> Any:
    ours, theirs = socket.socketpair()
    sending = Channel(ours)
    sending.tick()
    frames = Frames(theirs)
    yield sending, frames
    ours.close()
    theirs.close()


def test_an_executing_line_leaves_while_its_function_runs(channel: Any) -> None:
    sending, frames = channel
    sending.add(("s", "id-1", "hello", time.time()))
    spent = frames.wait(1, timeout=2.0)
    assert EVENTS_DELAY * 0.8 <= spent <= EVENTS_DELAY + EVENTS_LATE
    sending.add(("f", "id-1", "hello", True, 0.5, "", time.time(), ""))
    frames.wait(2, timeout=2.0)
    assert [e[0] for e in frames.events()] == ["s", "f"]


def test_the_serving_thread_sends_an_old_batch_itself(channel: Any) -> None:
    sending, frames = channel
    sending.add(("s", "id-1", "hello", time.time()))
    frames.wait(1, timeout=2.0)  # the events thread's batch: the next is timed from it
    time.sleep(EVENTS_DELAY * 1.5)
    sending.add(("s", "id-2", "hello", time.time()))
    sending.add(("f", "id-2", "hello", True, 0.0, "", time.time(), ""))
    asked = time.monotonic()
    sending.due(time.time())
    frames.wait(3, timeout=2.0)
    # in the frames at once: sent by this thread, not EVENTS_DELAY later by the events thread
    assert frames.got[-1][0] - asked < EVENTS_DELAY / 2


def test_under_load_the_events_thread_sleeps_and_nothing_is_lost(channel: Any) -> None:
    sending, frames = channel
    events_thread = named("funcls-events")
    before = slices(events_thread)
    sent = 0
    began = time.monotonic()
    while time.monotonic() - began < 1.0:  # a request every 0.5 ms, as a serving thread
        sending.add(("s", f"id-{sent}", "hello", time.time()))
        sending.add(("f", f"id-{sent}", "hello", True, 0.0, "", time.time(), ""))
        sending.due(time.time())
        sent += 1
        time.sleep(0.0005)
    woken = slices(events_thread) - before
    # Its timer every EVENTS_DELAY would be 20 in this second: now a look every
    # EVENTS_DELAY + EVENTS_LATE at most (and a slice or two of preemption).
    assert woken <= 1.0 / (EVENTS_DELAY + EVENTS_LATE) + 6, woken
    # The last batch leaves when requests stop, and every event came, in order.
    frames.wait(2 * sent, timeout=EVENTS_DELAY + EVENTS_LATE + 1.0)
    ids = [e[1] for e in frames.events()]
    assert ids == [f"id-{n}" for n in range(sent) for _ in "sf"]
    batches = [m for _, m in frames.got if isinstance(m, Served)]
    assert len(batches) <= 1.0 / EVENTS_DELAY + 4  # batches, not a frame per request


def test_a_log_line_comes_after_the_events_before_it(channel: Any) -> None:
    sending, frames = channel
    sending.add(("s", "id-1", "hello", time.time()))
    sending.send(Log("id-1", "INFO", "app", "inside", time.time()))
    deadline = time.monotonic() + 2
    while len(frames.got) < 2 and time.monotonic() < deadline:
        time.sleep(0.002)
    kinds = [type(m).__name__ for _, m in frames.got]
    assert kinds == ["Served", "Log"]


class _Channel:
    """The frames to the runner, kept."""

    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []
        self.sent: list[Any] = []

    def send(self, message: Any) -> None:
        self.sent.append(message)

    def add(self, event: tuple[Any, ...]) -> None:
        self.events.append(event)

    def due(self, now: float) -> None:
        pass


def test_the_thread_starter_sleeps_while_no_request_is_under_way(tmp_path: Path) -> None:
    (tmp_path / "function_app.py").write_text(APP)
    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    worker: Any = type("Worker", (), {})()
    worker.channel = _Channel()
    worker.functions = load_app(str(tmp_path)).functions
    worker.pool = type("Pool", (), {"size": 4})()
    worker.loop = None
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    address = f"\0funcls-test-wakeups-{time.monotonic_ns()}"
    listener.bind(address)
    listener.listen(1)
    served = handed.Served(worker, address, b"token")
    runner_side, _ = listener.accept()
    served.table = mmap.mmap(-1, table.SIZE * 2)
    served.setup = Setup(2, {}, [], False, 5.0, 100 << 20, "http", "localhost", "test")
    raw = (b"GET", b"/api/hello", "hello", 0, "req", {}, "anonymous", ["$return"], True)
    served.routes = {(b"GET", b"/api/hello"): handed.Route(raw)}
    client, ours = socket.socketpair()
    try:
        tend = named("funcls-handoff-tend")
        time.sleep(0.2)  # its first looks
        before = slices(tend)
        time.sleep(1.0)
        idle = slices(tend) - before
        assert idle <= 3, f"woken {idle} times in a second without requests (a 10 ms tick: 100)"

        served._add(handed.Connection(served, 1, 0, ours.detach()))
        for _ in range(50):
            client.sendall(REQUEST)
            answer = client.recv(65536)
            assert answer.endswith(b"\r\n\r\nHello, world"), answer
        time.sleep(0.2)  # the last look after the requests
        before = slices(tend)
        time.sleep(1.0)
        idle = slices(tend) - before
        assert idle <= 3, f"woken {idle} times in a second after the requests"
        assert served.threads == 1  # quick requests: one serving thread
        assert [e[0] for e in worker.channel.events[:2]] == ["s", "f"]
    finally:
        served.stopping = True
        client.close()
        runner_side.close()
        listener.close()
