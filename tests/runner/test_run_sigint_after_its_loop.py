"""The SIGINT handler that funcls run's stop installs once uvicorn has served
(Run.later_signals_hurry) outlives the run's event loop: a Ctrl+C after the loop closed (the
process ending, or a process that runs the runner and goes on) is Python's KeyboardInterrupt
again. It raised RuntimeError('Event loop is closed') from call_soon_threadsafe, which
funcls.runner.runner.run does not catch (review of c9272b9)."""

from __future__ import annotations

import asyncio
import signal

import pytest

from funcls.runner.runner import Run, event_loop_runner


class _Stopping:
    def __init__(self) -> None:
        self.hurried = 0

    def hurry(self) -> None:
        self.hurried += 1


def test_a_sigint_after_the_run_s_loop_closed_is_a_keyboard_interrupt() -> None:
    run = _Stopping()
    before = signal.getsignal(signal.SIGINT)

    async def stop() -> None:
        Run.later_signals_hurry(run)  # type: ignore[arg-type]
        signal.raise_signal(signal.SIGINT)  # during the stop: it hurries, on the loop
        await asyncio.sleep(0)

    try:
        event_loop_runner()(stop())
        assert run.hurried == 1
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
        assert run.hurried == 1
    finally:
        signal.signal(signal.SIGINT, before)
