"""The server's collector policy (funcls/lsp/collector.py, issue 16): young collections only,
the model frozen after each publication without a walk, what is not frozen collected when
the server is quiet, frozen cycles found by a compaction. Real collections of this process,
watched with ``gc.callbacks``; the process's collector settings are restored after each test.
"""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator

import pytest

from funcls.lsp import collector
from funcls.lsp.collector import Collector


@pytest.fixture(autouse=True)
def own_collector() -> Iterator[list[int]]:
    """The generations of the collections made during the test (in order)."""
    threshold, enabled = gc.get_threshold(), gc.isenabled()
    seen: list[int] = []

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.collect()
    gc.callbacks.append(record)
    try:
        yield seen
    finally:
        gc.callbacks.remove(record)
        gc.unfreeze()
        gc.set_threshold(*threshold)
        (gc.enable if enabled else gc.disable)()


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def cycle() -> weakref.ref[Node]:
    """Two objects that refer to each other and nothing else refers to: only a collection
    that walks them frees them."""
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def unfrozen(obj: object) -> bool:
    return any(o is obj for o in gc.get_objects())


def grow(count: int) -> list[list[int]]:
    """``count`` new tracked objects that stay alive (a model being built)."""
    return [[i] for i in range(count)]


def test_no_automatic_full_collection(
    own_collector: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A smaller young threshold than the server's, so that the many young collections that
    # would end in full ones (by CPython's rule) come within a test's allocations.
    monkeypatch.setattr(collector, "YOUNG_THRESHOLD", 1_000)
    gc.enable()
    gc.set_threshold(700, 10, 10)  # CPython's defaults: the control
    kept = grow(300_000)
    assert 2 in own_collector, "the defaults ran no full collection: the test shows nothing"
    own_collector.clear()
    collector.configure()
    kept += grow(1_000_000)
    assert own_collector.count(1) > 20, "too few young collections to show anything"
    assert 2 not in own_collector


def test_publication_freezes_without_a_walk(own_collector: list[int]) -> None:
    c = Collector()
    model = grow(10)
    assert unfrozen(model)
    c.published()
    assert own_collector == []
    assert not unfrozen(model)
    assert c.unwalked == 1


def test_settle_collects_what_is_not_frozen_and_freezes_the_rest(
    own_collector: list[int],
) -> None:
    c = Collector()
    c.published()
    dead = cycle()
    alive = grow(10)
    assert dead() is not None
    c.settle()
    assert own_collector == [2]
    assert dead() is None
    assert not unfrozen(alive)
    assert c.compactions == 0


def test_frozen_cycles_wait_for_a_compaction(own_collector: list[int]) -> None:
    c = Collector()
    dead = cycle()
    c.published()  # frozen while alive (a cycle): no walk of the young frees it now
    c.settle()
    assert dead() is not None
    c.unwalked = collector.COMPACT_AFTER - 1
    c.published()
    c.settle()
    assert dead() is None
    assert c.compactions == 1 and c.unwalked == 0


def test_settles_once_quiet_and_not_while_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collector, "SETTLE_AFTER_S", 0.02)
    busy = [True]
    c = Collector(busy=lambda: busy[0])

    async def scenario() -> None:
        gc.enable()
        c.changed()
        await asyncio.sleep(0.01)
        c.changed()  # another change: the quiet time starts again
        await asyncio.sleep(0.06)
        assert c.settles == 0  # a diagnostics pass still running
        busy[0] = False
        await asyncio.sleep(0.06)
        assert c.settles == 1

    asyncio.run(scenario())


def test_the_server_freezes_after_each_publication() -> None:
    from funcls.lsp.server import FunclsServer

    server = FunclsServer()
    model = grow(10)
    server.publisher.publish_roots([])
    assert server.collector.unwalked == 1
    assert not unfrozen(model)
