"""Hostile and clumsy clients on connections handed to the app process (handoff.py,
worker/handed.py), each answer compared with the reference path (`--no-http-front`).

The runs use one invocation thread (PYTHON_THREADPOOL_THREAD_COUNT=1), so that the app
process has a single serving thread and one stuck connection shows. Every socket has a
timeout: a hang fails the test instead of holding the suite.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.runner.runner_process import RunningApp, start_run
from tests.runner.test_run_handoff import (
    HANDOFF,
    Client,
    app_pids,
    held_by_app,
    make_app,
    masked,
    request,
    tcp_sockets,
)

pytestmark = pytest.mark.slow

ONE_THREAD = {"PYTHON_THREADPOOL_THREAD_COUNT": "1"}
BIG = 8_000_000  # more than loopback's socket buffers take

EXTRA = f'''

@app.route(route="big")
def big(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(b"b" * {BIG})


@app.route(route="naps-then-exits")
def naps_then_exits(req: func.HttpRequest) -> str:
    if req.params.get("go"):
        time.sleep(0.5)
        os._exit(3)
    return "not yet"


@app.route(route="few-files")
def few_files(req: func.HttpRequest) -> str:
    """Lowers this app process's descriptor limit to what it holds plus a few."""
    import resource

    held = len(os.listdir("/proc/self/fd"))
    limit = held + int(req.params.get("extra", "6"))
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))
    return str(limit)
'''


def hostile_app(root: Path) -> Path:
    make_app(root)
    with open(root / "function_app.py", "a", encoding="utf-8") as source:
        source.write(EXTRA)
    return root


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningApp, RunningApp]]:
    base = tmp_path_factory.mktemp("hostile")
    handed = start_run(hostile_app(base / "handed"), "--no-reload", env={**HANDOFF, **ONE_THREAD})
    reference = start_run(
        hostile_app(base / "reference"), "--no-reload", "--no-http-front", env=ONE_THREAD
    )
    try:
        for running in (handed, reference):
            running.wait_for("/api/hello")
        yield handed, reference
    finally:
        handed.stop()
        reference.stop()


def until_closed(client: Client) -> bytes:
    """Everything the server sends until it closes the connection (a hang raises)."""
    client.sock.settimeout(10)
    data = client.buffer
    while chunk := client.sock.recv(65536):
        data += chunk
    return data


def handed_then(running: RunningApp, handed: RunningApp, raw: bytes) -> bytes:
    """A plain request first (the connection is handed over after it), then ``raw``; what
    comes back until the server closes the connection."""
    client = Client(running)
    try:
        client.ask(request("GET", "/api/hello"))
        if running is handed:
            assert held_by_app(handed)
        client.send(raw)
        return masked(until_closed(client))
    finally:
        client.close()


REFUSED = {
    # Content-Length and Transfer-Encoding together: the request smuggling classic
    "content-length with transfer-encoding": b"GET /api/hello HTTP/1.1\r\nHost: x\r\n"
    b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "two content-lengths": b"GET /api/hello HTTP/1.1\r\nHost: x\r\n"
    b"Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
    "content-length with a space inside": b"GET /api/hello HTTP/1.1\r\nHost: x\r\n"
    b"Content-Length: 0 0\r\n\r\n",
    # latin-1 superscript two: str.isdigit() says yes, int() refuses it
    "content-length of a superscript digit": b"GET /api/hello HTTP/1.1\r\nHost: x\r\n"
    b"Content-Length: \xb2\r\n\r\nab",
    "a header folded over two lines": b"GET /api/hello HTTP/1.1\r\nHost: x\r\n"
    b"X-A: 1\r\n Content-Length: 2\r\n\r\nab",
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_refused_requests_on_a_handed_connection_get_the_reference_answer(
    runs: tuple[RunningApp, RunningApp], name: str
) -> None:
    """What the handed parser does not take goes back to the runner with every byte read,
    so the answer is the front's: 400 and the connection closed, as the reference."""
    handed, reference = runs
    answers = [handed_then(running, handed, REFUSED[name]) for running in runs]
    assert answers[0] == answers[1]
    assert answers[0].startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert reference.process.poll() is None


@pytest.mark.parametrize(
    "raw",
    [
        b"GET /api/hello HTTP/1.0\r\nHost: x\r\n\r\n",
        b"GET /api/hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ],
    ids=["HTTP/1.0", "Connection: close"],
)
def test_closing_requests_on_a_handed_connection(
    runs: tuple[RunningApp, RunningApp], raw: bytes
) -> None:
    handed, _ = runs
    answers = [handed_then(running, handed, raw) for running in runs]
    assert answers[0] == answers[1]
    assert answers[0].endswith(b"connection: close\r\n\r\nHello, world")


def test_headers_sent_byte_by_byte_on_a_handed_connection(
    runs: tuple[RunningApp, RunningApp],
) -> None:
    """The app process gives a partial request back at its first byte: the runner's front
    then holds the connection (its header timeout applies) and answers as the reference."""
    handed, _ = runs
    raw = request("GET", "/api/echo/slow?q=1")
    answers = []
    for running in runs:
        client = Client(running)
        try:
            client.ask(request("GET", "/api/hello"))
            if running is handed:
                assert held_by_app(handed)
                before = sum(tcp_sockets(pid) for pid in app_pids(handed))
            for byte in raw[:-1]:
                client.send(bytes([byte]))
                time.sleep(0.002)
            if running is handed:  # given back: the app process holds one socket less
                assert sum(tcp_sockets(pid) for pid in app_pids(handed)) == before - 1
            client.send(raw[-1:])
            answers.append(masked(client.read_answer()))
        finally:
            client.close()
    assert answers[0] == answers[1]
    assert answers[0].startswith(b"HTTP/1.1 201 Created\r\n")


def test_a_client_that_never_reads_does_not_stop_other_handed_connections(
    runs: tuple[RunningApp, RunningApp],
) -> None:
    """Pipelined requests for a response larger than the socket buffers, never read: the
    reference keeps serving other connections (uvicorn stops reading the stuck one); the
    app process must too, with memory bounded by what it stopped reading."""
    handed, _ = runs
    for running in runs:
        warm = Client(running)  # the route of /api/big known to the front
        warm.ask(request("GET", "/api/big"))
        warm.close()
        stuck, other = Client(running), Client(running)
        try:
            stuck.ask(request("GET", "/api/hello"))
            other.ask(request("GET", "/api/hello"))
            if running is handed:
                assert held_by_app(handed, 2)
            stuck.send(request("GET", "/api/big") * 3)
            time.sleep(1.0)  # its response fills the buffers
            other.sock.settimeout(10)
            assert other.ask(request("GET", "/api/hello")).endswith(b"Hello, world")
            # once it reads, the stuck client gets its three answers whole, then more
            stuck.sock.settimeout(20)
            for _ in range(3):
                answer = stuck.read_answer()
                assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
                assert answer.endswith(b"\r\n\r\n" + b"b" * BIG)
            assert stuck.ask(request("GET", "/api/hello")).endswith(b"Hello, world")
        finally:
            stuck.close()
            other.close()


def test_the_app_process_at_its_descriptor_limit(tmp_path: Path) -> None:
    """An app process that cannot take a handed descriptor (EMFILE: the kernel drops it
    from the message) gives the connection back; every connection is still answered."""
    running = start_run(hostile_app(tmp_path / "app"), "--no-reload", env=HANDOFF)
    clients: list[Client] = []
    try:
        running.wait_for("/api/hello")
        first = Client(running)
        clients.append(first)
        first.ask(request("GET", "/api/hello"))
        assert held_by_app(running)
        first.ask(request("GET", "/api/few-files"))
        for _ in range(20):
            client = Client(running)
            client.sock.settimeout(10)
            clients.append(client)
            assert client.ask(request("GET", "/api/hello")).endswith(b"Hello, world")
            assert client.ask(request("GET", "/api/hello")).endswith(b"Hello, world")
    finally:
        for client in clients:
            client.close()
        running.stop()


def test_a_thousand_pipelined_requests_never_read(runs: tuple[RunningApp, RunningApp]) -> None:
    """1,000 requests sent at once on a handed connection whose answers are read only at the
    end: another connection is served meanwhile, then every answer arrives, in order."""
    handed, _ = runs
    raws = [request("GET", f"/api/echo/n{i}") for i in range(1000)]
    for running in runs:
        greedy, other = Client(running), Client(running)
        try:
            greedy.ask(request("GET", "/api/echo/first"))
            other.ask(request("GET", "/api/hello"))
            if running is handed:
                assert held_by_app(handed, 2)
            greedy.send(b"".join(raws))
            other.sock.settimeout(10)
            assert other.ask(request("GET", "/api/hello")).endswith(b"Hello, world")
            greedy.sock.settimeout(20)
            for i in range(1000):
                assert greedy.read_answer().endswith(f"/api/echo/n{i}|n{i}||None".encode())
        finally:
            greedy.close()
            other.close()


def test_a_crash_while_other_handed_connections_are_mid_request(tmp_path: Path) -> None:
    """Two handed connections inside a request, one idle, when another request ends the app
    process: the two get the host's 500 (WorkerCrashed) and keep their connection (the
    runner takes them back, as the reference path keeps one), the idle one goes back to the
    runner; none waits (a hang fails at the socket's timeout). Each is served by the new app
    process next."""
    running = start_run(hostile_app(tmp_path / "app"), "--no-reload", env=HANDOFF)
    clients: list[Client] = []
    try:
        running.wait_for("/api/sleeps")  # the route known before the connections are handed
        running.wait_for("/api/hello")
        clients = [Client(running) for _ in range(4)]
        for client in clients:
            client.ask(request("GET", "/api/hello"))
        assert held_by_app(running, 4)
        clients[0].send(request("GET", "/api/sleeps"))
        clients[1].send(request("GET", "/api/sleeps"))
        time.sleep(0.2)  # both are sleeping
        clients[2].send(request("GET", "/api/exits"))
        # /api/exits was not among the routes handed over: the runner answers it (its 500
        # keeps the connection, as the reference's); the handed ones too (they were closed
        # after it, and a client that sent its next request there got a reset)
        answers = [client.read_answer() for client in clients[:3]]
        for answer in answers:
            assert answer.startswith(b"HTTP/1.1 500 Internal Server Error\r\n"), answers
            assert b"WorkerCrashed: the app process (pid " in answer
            assert b") exited with code 3 while running '" in answer
            assert b"connection: close" not in answer.lower()
        # the idle one went back to the runner, the others were taken back: their next
        # request gets the new app process
        for client in clients:
            client.sock.settimeout(10)
            assert client.ask(request("GET", "/api/hello")).endswith(b"Hello, world")
        assert running.wait_for("/api/hello").text == "Hello, world"
        log = running.wait_for_log("Executed 'Functions.sleeps' (Failed", count=2)
        assert log.count("Executed 'Functions.exits' (Failed") == 1
    finally:
        for client in clients:
            client.close()
        running.stop()


def test_an_app_process_that_cannot_take_the_table(tmp_path: Path) -> None:
    """At its descriptor limit when it links, the app process gets the hand-off socket but
    not the table's descriptor (dropped by the kernel): the connections offered to it then
    go back to the runner, which answers them."""
    running = start_run(hostile_app(tmp_path / "app"), "--no-reload", env=HANDOFF)
    clients: list[Client] = []
    try:
        # the first plain answer: the app process is asked to link after it (extra=1: the
        # directory listing's descriptor and one more are left, for the epoll set and the
        # hand-off socket)
        running.wait_for("/api/few-files?extra=1")
        first = Client(running)
        clients.append(first)
        first.ask(request("GET", "/api/hello"))
        for _ in range(5):
            client = Client(running)
            client.sock.settimeout(10)
            clients.append(client)
            for _ in range(3):
                assert client.ask(request("GET", "/api/hello")).endswith(b"Hello, world")
        first.sock.settimeout(10)
        assert first.ask(request("GET", "/api/hello")).endswith(b"Hello, world")
    finally:
        for client in clients:
            client.close()
        running.stop()


def test_a_connection_given_back_stays_non_blocking_in_the_runner(
    runs: tuple[RunningApp, RunningApp],
) -> None:
    """The descriptor handed over shares its file status flags with the runner's: were the
    app process to make it blocking, the runner's event loop would block in a write to a
    client that does not read — and every connection of the run would wait. Here a request
    the app process gives back (X-Forwarded-Proto) asks for responses larger than the
    socket buffers and its client never reads; a new connection is still answered."""
    handed, _ = runs
    for running in runs:
        stuck = Client(running)
        try:
            stuck.ask(request("GET", "/api/hello"))
            if running is handed:
                assert held_by_app(handed)
            stuck.send(request("GET", "/api/big", "X-Forwarded-Proto: http") * 3)
            time.sleep(1.0)  # the runner writes what the socket takes
            fresh = Client(running)
            fresh.sock.settimeout(10)
            try:
                assert fresh.ask(request("GET", "/api/hello")).endswith(b"Hello, world")
            finally:
                fresh.close()
        finally:
            stuck.close()


def test_no_hand_over_while_the_runner_still_writes_a_response(
    runs: tuple[RunningApp, RunningApp],
) -> None:
    """The runner's answer is complete for its parser as soon as it is in the transport's
    buffer; a slow reader may not have it yet. Handed over then, the app process would
    write its next answer into the socket before the rest of that one. Here an 8 MB answer
    is read only after the next request was sent: both arrive whole and in order."""
    answers = []
    for running in runs:
        warm = Client(running)  # the front knows the routes (its hot path answers)
        warm.sock.settimeout(10)
        warm.ask(request("GET", "/api/big"))
        warm.ask(request("GET", "/api/hello"))
        warm.close()
        client = Client(running)
        client.sock.settimeout(10)
        try:
            client.send(request("GET", "/api/big"))  # a first request: the runner answers
            time.sleep(1.0)  # answered; most of it waits in the runner's buffer
            client.send(request("GET", "/api/hello"))
            time.sleep(0.5)
            answers.append([masked(client.read_answer()) for _ in range(2)])
        finally:
            client.close()
    assert answers[0] == answers[1]
    assert answers[0][0].endswith(b"\r\n\r\n" + b"b" * BIG)
    assert answers[0][1].endswith(b"\r\n\r\nHello, world")


def test_a_request_waiting_on_an_idle_handed_connection_when_the_process_dies(
    tmp_path: Path,
) -> None:
    """One serving thread, busy with a function that ends the process; meanwhile a request
    arrives on another connection the process holds and stays unread (its slot idle). The
    runner takes that connection back and answers it (the new app process), instead of
    closing it with the request unread (a reset for the client)."""
    running = start_run(hostile_app(tmp_path / "app"), "--no-reload", env={**HANDOFF, **ONE_THREAD})
    clients: list[Client] = []
    try:
        running.wait_for("/api/hello")
        warm = Client(running)  # the route known to the front before the hand-over
        warm.ask(request("GET", "/api/naps-then-exits"))
        warm.close()
        clients = [Client(running) for _ in range(2)]
        for client in clients:
            client.ask(request("GET", "/api/hello"))
        assert held_by_app(running, 2)
        crashing, waiting = clients
        crashing.send(request("GET", "/api/naps-then-exits?go=1"))
        time.sleep(0.2)  # the only serving thread naps
        waiting.send(request("GET", "/api/hello"))
        crashed = masked(crashing.read_answer())
        assert crashed.startswith(b"HTTP/1.1 500 Internal Server Error\r\n")
        assert b"WorkerCrashed: the app process (pid <pid>) exited with code 3" in crashed
        assert waiting.read_answer().endswith(b"\r\n\r\nHello, world")
    finally:
        for client in clients:
            client.close()
        running.stop()
