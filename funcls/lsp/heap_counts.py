"""``funcls/test/heapCounts``: how many objects of some classes the server's heap holds, for
tests only (registered when the environment sets ``FUNCLS_TEST_REQUESTS=1``).

The server runs the cyclic collector its own way (``collector.py``): everything is frozen after
each publication without a walk, so an object kept only by a reference cycle made during a pass
stays until a compaction, thousands of passes later. A reference held by ``Context.memo`` back
to its ``Context`` (18bfca2: the import walk's resolver) kept every pass's Context, and the App
it holds, alive: peak RSS 245 → 763 MB over 60 edits of 5,000 functions. Counted here, frozen
objects included and nothing collected first, so a test sees what the server keeps (a cycle
that a ``gc.collect()`` would free counts), whatever the machine's load.
"""

from __future__ import annotations

import gc
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from funcls.lsp.server import FunclsServer

ENV = "FUNCLS_TEST_REQUESTS"
REQUEST = "funcls/test/heapCounts"


def heap_counts(names: list[str]) -> dict[str, int]:
    """For each class named ``module.QualName`` in ``names``, how many of its instances the
    collector tracks now (frozen ones included; none collected first)."""
    counts = dict.fromkeys(names, 0)
    gc.unfreeze()  # the frozen objects are in no generation gc.get_objects lists
    try:
        for obj in gc.get_objects():
            kind = type(obj)
            name = f"{kind.__module__}.{kind.__qualname__}"
            if name in counts:
                counts[name] += 1
    finally:
        gc.freeze()  # as after a publication: what was young is frozen, nothing walked
    return counts


def register(server: FunclsServer) -> None:
    """The request, only when ``FUNCLS_TEST_REQUESTS=1`` (a custom method: not in the
    capabilities, so ``capabilities.json`` is the same either way)."""
    if os.environ.get(ENV) != "1":
        return

    @server.feature(REQUEST)
    def on_heap_counts(params: Any = None) -> list[int]:
        """``{"names": [...]}`` → the counts, in the order of the names."""
        names = [str(n) for n in getattr(params, "names", None) or []]
        counts = heap_counts(names)
        return [counts[n] for n in names]
