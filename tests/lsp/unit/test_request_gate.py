"""The rules thread gives the interpreter up to a request being answered (issue 16,
``publisher.RequestGate``): the engine calls its pause hook between checkers, the hook waits
while an interactive request is unanswered (for ``HOLD_S`` at most), the protocol marks such a
request from its arrival to its answer, and the switch interval is short while a pass runs."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from pathlib import Path

from funcls.checks.config import resolve_config
from funcls.checks.engine import IncrementalCheck
from funcls.lsp.context import make_context
from funcls.lsp.publisher import FAST_SWITCH_S, HOLD_S, Publisher, RequestGate
from funcls.lsp.state import IndexState
from funcls.model.loader import load_app
from funcls.model.source import Source
from funcls.model.workspace import Workspace
from tests.checks.test_incremental import write_app
from tests.lsp.unit.test_rules_thread import GatedChecker, Host, edit, until


def paused_in_thread(gate: RequestGate) -> tuple[threading.Thread, list[float]]:
    done: list[float] = []

    def run() -> None:
        gate.pause()
        done.append(time.monotonic())

    thread = threading.Thread(target=run)
    thread.start()
    return thread, done


def test_the_rules_wait_until_the_request_is_answered() -> None:
    gate = RequestGate()
    gate.pause()
    assert gate.pauses == 0  # nothing pending: no wait
    gate.started(1)
    gate.started(2)
    thread, done = paused_in_thread(gate)
    time.sleep(HOLD_S / 5)
    gate.answered(1)
    time.sleep(HOLD_S / 5)
    answered = time.monotonic()
    gate.answered(2)  # the last one: the rules go on
    thread.join(5)
    assert done and done[0] >= answered
    assert gate.pauses == 1
    gate.pause()  # answered: no wait
    assert gate.pauses == 1


def test_a_request_never_answered_holds_the_rules_once_for_a_bounded_time() -> None:
    gate = RequestGate()
    gate.started("lost")
    start = time.monotonic()
    gate.pause()
    assert time.monotonic() - start >= HOLD_S * 0.9
    gate.pause()  # past its hold: the rules go on
    assert gate.pauses == 1


def test_the_engine_calls_its_pause_hook_between_checkers(tmp_path: Path) -> None:
    root = tmp_path / "app"
    write_app(root)
    app = load_app(str(root), Source())
    engine = IncrementalCheck()
    checked_before: list[int] = []  # how many functions were checked at each pause
    engine.pause = lambda: checked_before.append(len(engine.rechecked))
    engine.run(app, resolve_config(str(root)))
    total = len(engine.rechecked)
    files = {f.script_path for f in app.functions}
    assert len(files) >= 2
    # Before each file's per-function checkers (each file is checked whole the first time) ...
    assert sorted({n for n in checked_before if n < total}) == sorted(set(checked_before))[:-1]
    assert len({n for n in checked_before if n < total}) == len(files)
    # ... and before each app-wide checker, once every function was checked.
    assert checked_before.count(total) > 1


async def test_an_interactive_request_holds_the_rules_until_its_answer_is_sent() -> None:
    from funcls.lsp.handlers import register
    from funcls.lsp.server import FunclsServer

    server = FunclsServer()
    register(server)
    gate = server.publisher.gate
    protocol = server.protocol
    sent: list[object] = []
    protocol._send_data = sent.append  # type: ignore[method-assign]
    protocol.initialize_seen = True
    server.ready.set()
    hover = protocol.structure_message(
        {
            "jsonrpc": "2.0",
            "id": 7,
            "method": "textDocument/hover",
            "params": {
                "textDocument": {"uri": "file:///nowhere/x.py"},
                "position": {"line": 0, "character": 0},
            },
        }
    )
    protocol.handle_message(hover)
    assert 7 in gate.pending and not gate.clear.is_set()  # the handler's task runs later
    await until(lambda: sent)
    assert gate.pending == {} and gate.clear.is_set()
    # A request that is not interactive (code lenses may wait for the rules) holds nothing.
    lens = protocol.structure_message(
        {
            "jsonrpc": "2.0",
            "id": 8,
            "method": "textDocument/codeLens",
            "params": {"textDocument": {"uri": "file:///nowhere/x.py"}},
        }
    )
    protocol.handle_message(lens)
    assert 8 not in gate.pending
    await until(lambda: len(sent) == 2)
    # The server's rule engine pauses through this gate.
    assert server.checker.pause == gate.pause  # type: ignore[attr-defined]


async def test_the_switch_interval_is_short_while_a_pass_runs(tmp_path: Path) -> None:
    root = tmp_path / "app"
    write_app(root)
    bp1 = str(root / "blueprints" / "bp1.py")
    checker = GatedChecker()
    state = IndexState(Workspace([str(tmp_path)]), checker)
    state.index.index_all()
    host = Host(state, make_context(state.index))
    publisher = Publisher(host)
    normal = sys.getswitchinterval()
    checker.hold = True
    edit(host, bp1, 1, (root / "blueprints" / "bp1.py").read_text() + "\n")
    publisher.schedule(bp1, 0)
    assert await asyncio.to_thread(checker.inside.wait, 10)
    assert abs(sys.getswitchinterval() - FAST_SWITCH_S) < 1e-6
    checker.release.set()
    await until(lambda: host.sent)
    assert sys.getswitchinterval() == normal
