"""jedi's modules and parso's grammars loaded before the first rename needs them, no query run.

Rename of a binding, a parameter or a v1 entry point asks jedi for the uses of a name in the
script (``rename.body_uses``, ``rename._def_uses``). Cold, most of that request is not the
query: ``import jedi`` (parso and jedi's ~150 modules) and the two grammars jedi's first
``Script`` generates from their text — the environment's Python and 3.13, jedi's
``latest_grammar`` (jedi/inference/__init__.py ``InferenceState.__init__``); the query itself
takes a few milliseconds.

So once the first indexing's diagnostics are out, a daemon thread does those two things and
nothing else. No jedi query runs there: a query raises the process-wide recursion limit while
it runs (jedi/api/helpers.py ``higher_recursion_limit``), reads and writes parso's on-disk
cache, and jedi is not thread-safe beside the rename's own query on the event loop (32d3ff3
reverted a warm-up that queried on a thread). Importing is thread-safe (the import system
locks each module; a rename arriving meanwhile waits for the module, as it would have imported
it), importing jedi changes no interpreter state, and ``parso.load_grammar`` builds a grammar
from parso's own text file and publishes it with one ``dict.setdefault`` (parso/grammar.py).
Nothing of the workspace is read.
"""

from __future__ import annotations

import logging
import sys
import threading
import time

log = logging.getLogger(__name__)

DELAY_S = 1.0
# jedi's InferenceState loads this grammar besides the environment's (see above).
JEDI_LATEST_GRAMMAR = "3.13"


def grammar_versions() -> tuple[str, ...]:
    """The grammars a jedi ``Script`` with ``InterpreterEnvironment`` loads in this process."""
    own = f"{sys.version_info.major}.{sys.version_info.minor}"
    return (own,) if own == JEDI_LATEST_GRAMMAR else (own, JEDI_LATEST_GRAMMAR)


def warm() -> float:
    """Import jedi and load the grammars its first Script asks for; the seconds it took."""
    began = time.perf_counter()
    import jedi  # noqa: F401  (imported for the rename; nothing is called)
    from parso.grammar import load_grammar

    for version in grammar_versions():
        load_grammar(version=version)
    return time.perf_counter() - began


def _run(delay: float) -> None:
    time.sleep(delay)
    try:
        log.debug("jedi imported and grammars loaded in %.0f ms", 1000 * warm())
    except Exception:  # a rename then pays the cold start; nothing else depends on it
        log.exception("loading jedi ahead of the first rename failed")


def start(delay: float = DELAY_S) -> threading.Thread:
    """Load jedi's modules and grammars on a daemon thread after ``delay`` seconds."""
    thread = threading.Thread(target=_run, args=(delay,), name="funcls-jedi-load", daemon=True)
    thread.start()
    return thread
