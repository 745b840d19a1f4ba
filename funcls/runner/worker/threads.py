"""The app process's own threads (reading the runner's messages, sending console events,
taking handed connections, tending them, finishing slow writes), kept out of a debugger's
thread list: a user who attaches to `funcls run --debug` sees only the threads that run their
code (the main thread's event loop for `async def` functions, the invocation pool's
`funcls-invoke_N` and the handed connections' `funcls-invoke_hN`).

debugpy's pydevd answers the Debug Adapter Protocol's `threads` request with
`pydevd_utils.get_non_pydevd_threads()`: `threading.enumerate()` without the threads whose
`is_pydev_daemon_thread` attribute is true (`_pydevd_bundle/pydevd_utils.py`, used by
`make_list_threads_message` in `_pydevd_bundle/pydevd_net_command_factory_json.py`, debugpy
1.8). It sends no `thread` started event for such a thread either (`_pydev_bundle/
pydev_monkey.py` reads the attribute when the thread starts, so it is set before `start`),
and it neither traces them nor stops in them: `pydev_do_not_trace` (`pydevd.py`, where tracing
is set on every thread) — none of them runs the user's code. pydevd marks its own threads with
the same two attributes (`mark_as_pydevd_daemon_thread` in
`_pydevd_bundle/pydevd_daemon_thread.py`). Without a debugger both attributes are inert.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def start_helper(target: Callable[..., Any], name: str) -> threading.Thread:
    """Start a daemon thread of the app process itself, hidden from debuggers."""
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.is_pydev_daemon_thread = True  # type: ignore[attr-defined]
    thread.pydev_do_not_trace = True  # type: ignore[attr-defined]
    thread.start()
    return thread
