"""The cyclic garbage collector in a long-lived server whose model is large (issue 16).

What it cost, measured with ``gc.callbacks`` timing every collection in the server on one app
of 5,000 functions (``bench_lsp.py --big 5000``): the server froze its model after the first
indexing (``gc.freeze``), but every edit makes new model objects (a module analysed again,
the defs below an added line copied, the findings), and CPython starts a full collection
whenever the objects that survived young collections since the last one exceed a quarter of
the objects the last one kept. Frozen objects count for nothing there, so the quarter was
of the few objects made since the freeze: a full collection about every second of typing,
each walking everything made since the freeze (100,000 to 700,000 objects, 0.3–1.4 s on this
machine, nothing collected), on whichever thread allocated at that moment — a hover right
after an Enter waited 1.3 s inside the module's analysis for one. The start-up ran the
collector too: its full passes over the growing heap were seconds of the first diagnostics.

So here:

* automatic collections are young only (:func:`configure`): generation 0 is collected after
  ``YOUNG_THRESHOLD`` net new objects instead of 700 (most of an edit's temporaries die by
  reference counting before any collection sees them), and the full collection is the
  server's own decision (a threshold no server reaches);
* after each publication of diagnostics everything is frozen (:meth:`Collector.published`,
  no walk: moving the generations' lists is constant time), so the young generations hold one
  edit's objects at most and no collection walks the model again;
* when the server is quiet — ``SETTLE_AFTER_S`` after the last change, no diagnostics pass
  running — what is not frozen is collected and the rest frozen (:meth:`Collector.settle`);
* cycles that die after being frozen are found by a compaction (every object walked once),
  at the first quiet moment after ``COMPACT_AFTER`` freezes without a walk. Measured: on one
  app of 1,000 functions, after the 250 passes of ``bench_lsp.py --big 1000 --edits 40``,
  unfreezing and collecting everything found 2,788 unreachable objects (about 11 a pass;
  the model's own edits leave none: 0 after 60 Enter/Backspace edits in process), so a
  compaction is a bound on a slow leak, not a routine.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

YOUNG_THRESHOLD = 50_000
# Young collections between full ones: the server collects the oldest generation itself.
FULL_BY_SERVER = 1 << 30
SETTLE_AFTER_S = 1.0
COMPACT_AFTER = 2_000


def configure() -> None:
    """Young collections only, each after ``YOUNG_THRESHOLD`` net new objects."""
    gc.set_threshold(YOUNG_THRESHOLD, 10, FULL_BY_SERVER)


class Collector:
    """When the server freezes and collects (see the module's docstring)."""

    def __init__(self, busy: Callable[[], bool] = lambda: False) -> None:
        self.busy = busy
        self.timer: asyncio.TimerHandle | None = None
        self.unwalked = 0  # freezes without a walk since the last compaction
        self.settles = 0  # how often: tests, the log
        self.compactions = 0

    def freeze_model(self) -> None:
        """After the first indexing: freeze everything without walking it (the indexing ran
        with the collector off and leaves a few hundred cyclic objects on 5,000 functions;
        walking the million others to find them took a second), collector on."""
        gc.freeze()
        gc.collect()  # nothing left to walk: resets the generations' counts
        gc.enable()

    def published(self) -> None:
        """A diagnostics pass was published: what it made is frozen, without a walk (the
        objects of an edit that survive it are the new model, most of them)."""
        gc.freeze()
        self.unwalked += 1

    def changed(self) -> None:
        """Something changed (a document, a file): settle ``SETTLE_AFTER_S`` after the last."""
        if self.timer is not None:
            self.timer.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no event loop (a test driving the server's parts): nothing to time
        self.timer = loop.call_later(SETTLE_AFTER_S, self._quiet)

    def _quiet(self) -> None:
        self.timer = None
        if self.busy() or not gc.isenabled():  # a pass running; the first indexing under way
            self.changed()
            return
        self.settle()

    def settle(self) -> float:
        """Collect what is not frozen and freeze the survivors; every ``COMPACT_AFTER``
        freezes without a walk, walk everything once (a compaction). Returns the
        milliseconds it took."""
        start = time.perf_counter()
        self.settles += 1
        if self.unwalked >= COMPACT_AFTER:
            gc.unfreeze()
            found = gc.collect()
            self.unwalked = 0
            self.compactions += 1
            log.info("compacted the heap: %d unreachable objects", found)
        else:
            gc.collect()
        gc.freeze()
        return (time.perf_counter() - start) * 1000
