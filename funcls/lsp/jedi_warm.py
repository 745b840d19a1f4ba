"""jedi made ready before the first rename needs it.

Rename of a binding, a parameter or a v1 entry point asks jedi for the uses of a name in the
script (``rename.body_uses``, ``rename._def_uses``). The first time, ``import jedi`` and jedi's
first query (parso's grammar, typeshed's ``builtins.pyi`` parsed and cached for the process)
cost about 0.6 s of CPU on these machines; every later query a few milliseconds. So once the
first indexing is over and the first diagnostics are out, a daemon thread does both on a
snippet of its own: nothing of the workspace is read or run (jedi parses; the snippet names
only ``len``). It starts after ``DELAY_S``, so it does not share the interpreter with the
start-up's first requests, and a rename that comes earlier simply pays the cold cost itself.
"""

from __future__ import annotations

import logging
import os
import threading
import time

log = logging.getLogger(__name__)

DELAY_S = 1.0
_SNIPPET = "def main(req):\n    size = len(req)\n    return size\n"


def warm() -> float:
    """Import jedi and answer one references query on ``_SNIPPET``; the seconds it took."""
    began = time.perf_counter()
    import jedi

    # A project of its own (jedi's folder), not the server's working directory.
    project = jedi.Project(os.path.dirname(jedi.__file__))
    script = jedi.Script(code=_SNIPPET, project=project, environment=jedi.InterpreterEnvironment())
    script.get_references(2, 4, scope="file")
    return time.perf_counter() - began


def _run(delay: float) -> None:
    time.sleep(delay)
    try:
        log.debug("jedi warmed in %.0f ms", 1000 * warm())
    except Exception:  # a rename then pays the cold start; nothing else depends on it
        log.exception("warming jedi failed")


def start(delay: float = DELAY_S) -> threading.Thread:
    """Warm jedi on a daemon thread after ``delay`` seconds."""
    thread = threading.Thread(target=_run, args=(delay,), name="funcls-jedi-warm", daemon=True)
    thread.start()
    return thread
