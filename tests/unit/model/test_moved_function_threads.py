"""``moved_function`` is asked from the language server's rules thread (the incremental check
moving a function's findings with its def) while the event loop indexes again, adding and
dropping keys of the same memo (a new module or owner, the app's auth level typed). Asking
must not fail while another thread changes the memo."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator

import pytest

from funcls.model.appmodel import Function
from funcls.model.source import Source
from funcls.model.v2.indexer import _moved_functions, moved_function


@pytest.fixture
def fast_switches() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns often: a race shows within a second
    try:
        yield
    finally:
        sys.setswitchinterval(before)


@pytest.mark.usefixtures("fast_switches")
def test_moved_function_while_another_thread_indexes() -> None:
    source = Source()
    memo = _moved_functions(source)
    for i in range(20):
        memo[("module", i)] = {}
    fn = Function("f", "v2")
    copy = Function("f", "v2")
    memo[("module", 19)] = {id(copy): (copy, fn, None)}  # type: ignore[dict-item]
    stop = threading.Event()

    def index_again() -> None:
        i = 0
        while not stop.is_set():
            memo[("other", i)] = {}
            memo.pop(("other", i - 1), None)
            i += 1

    thread = threading.Thread(target=index_again)
    thread.start()
    failures: list[str] = []
    asked = 0
    try:
        end = time.monotonic() + 1.5
        while time.monotonic() < end:
            try:
                assert moved_function(source, fn) is None
                found = moved_function(source, copy)
                assert found is not None and found[0] is fn
            except RuntimeError as e:
                failures.append(str(e))
            asked += 1
    finally:
        stop.set()
        thread.join()
    assert asked > 1000
    # Before the fix: dozens of 'dictionary changed size during iteration' a second.
    assert failures == []
