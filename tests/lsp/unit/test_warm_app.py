"""The warm app's console read for failures of runs nobody clicked."""

from __future__ import annotations

from funcls.lsp.warm_app import QUIET_S, BackgroundFailures

QUEUE = "Executing 'Functions.work' (Reason='New queue message detected on 'jobs'.', Id={id})"
BY_HAND = (
    "Executing 'Functions.work' (Reason='This function was programmatically called via the "
    "host APIs.', Id={id})"
)
FAILED = "Executed 'Functions.work' (Failed, Id={id}, Duration=3ms)"
SUCCEEDED = "Executed 'Functions.work' (Succeeded, Id={id}, Duration=3ms)"


def test_only_background_failures_are_told_once_per_quiet_time() -> None:
    clock = [100.0]
    seen = BackgroundFailures(now=lambda: clock[0])
    assert seen.feed("[2026-12-04T10:00:00Z] " + BY_HAND.format(id="a")) is None
    assert seen.feed(FAILED.format(id="a")) is None  # a by-hand run: its result tells
    assert seen.feed(QUEUE.format(id="b")) is None
    assert seen.feed(SUCCEEDED.format(id="b")) is None
    assert seen.feed(QUEUE.format(id="c")) is None
    assert seen.feed(FAILED.format(id="c")) == (
        "work failed in the running app (New queue message detected on 'jobs'); "
        "its traceback is in the log"
    )
    seen.feed(QUEUE.format(id="d"))
    assert seen.feed(FAILED.format(id="d")) is None  # said a moment ago
    clock[0] += QUIET_S
    seen.feed(QUEUE.format(id="e"))
    assert seen.feed(FAILED.format(id="e")) is not None
    assert seen.feed(FAILED.format(id="unknown")) is None
