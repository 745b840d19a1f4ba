"""`FUNCLS_START_TIMELINE=1 funcls run …`: when each step of the start happened, printed once
the first load is done (issue 16: where command to first HTTP 200 goes). Times are in
milliseconds since `funcls run` began parsing its command line, so the interpreter's own
start (20-30 ms here) comes before 0. Without the variable nothing is recorded or printed.
"""

from __future__ import annotations

import os
import time

ENV = "FUNCLS_START_TIMELINE"
_origin = time.monotonic()
_marks: list[tuple[str, float]] = []
_on = os.environ.get(ENV, "").strip().lower() in ("1", "true", "yes")


def mark(step: str) -> None:
    """Record that ``step`` is done now (the first time only)."""
    if _on and all(name != step for name, _ in _marks):
        _marks.append((step, time.monotonic()))


def report() -> str | None:
    """The line to print, or None when the variable is not set."""
    if not _on:
        return None
    steps = ", ".join(f"{name} {(at - _origin) * 1000:.0f}" for name, at in _marks)
    return f"start-up timeline (ms since funcls run began): {steps}"
