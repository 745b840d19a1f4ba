"""A timing trace of the language server, for finding where a slow request's time went
(issue 16). Off unless asked: put this folder on the server's ``PYTHONPATH`` and set
``FUNCLS_TRACE_OUT`` to a path prefix; each process writes ``<prefix>.<pid>`` (tab-separated
events) at exit. ``bench/lsp_trace_report.py`` runs ``bench_lsp.py --big`` this way and
prints the breakdown.

It wraps a few functions of the server (nothing in ``funcls`` knows about it): the stdin
reader (when the reader thread had each chunk: later than its arrival when another thread
held the interpreter lock), each message's dispatch, each reply, the loop's callbacks over
1 ms, every garbage collection, the re-index job and the rules (``IndexState``), the
publication (``Publisher.publish_roots``, CPU included, the Functions view's listener in it),
the earlier-analysis reuse, completion and hover; and, at each dispatch and reply, the main
thread's CPU and run-queue wait from ``/proc/thread-self/schedstat`` (time it was runnable
but had no CPU: the machine's load).
"""

from __future__ import annotations

import atexit
import gc
import os
import re
import threading
import time
from typing import Any

_PREFIX = os.environ.get("FUNCLS_TRACE_OUT")
_events: list[tuple[Any, ...]] = []
_now = time.perf_counter
_MESSAGE = re.compile(rb'"id":\s*"?([0-9a-zA-Z-]+)"?|"method":\s*"([^"]+)"')


def _rec(kind: str, *fields: Any) -> None:
    _events.append((_now(), threading.current_thread().name, kind, *fields))


def _dump(path: str) -> None:
    with open(path, "w") as f:
        for e in _events:
            f.write("\t".join(str(x) for x in e) + "\n")


def _sched() -> tuple[float, float]:
    """This thread's CPU and run-queue wait so far, in ms."""
    try:
        with open("/proc/thread-self/schedstat") as f:
            cpu, wait, _ = f.read().split()
        return int(cpu) / 1e6, int(wait) / 1e6
    except (OSError, ValueError):
        return 0.0, 0.0


def _timed(owner: Any, name: str, kind: str, cpu: bool = False) -> None:
    original = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0, c0 = _now(), time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            took = round((_now() - t0) * 1000, 3)
            if cpu:
                _rec(kind, took, round((time.thread_time() - c0) * 1000, 3), round(t0, 6))
            else:
                _rec(kind, took, round(t0, 6))

    setattr(owner, name, wrapper)


def _install() -> None:
    import asyncio.events

    started: dict[int, float] = {}

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started[threading.get_ident()] = _now()
            return
        t0 = started.pop(threading.get_ident(), None)
        if t0 is not None:
            _rec("gc", info["generation"], round((_now() - t0) * 1000, 3), info["collected"])

    gc.callbacks.append(on_gc)

    run = asyncio.events.Handle._run

    def timed_run(self: Any) -> None:
        t0 = _now()
        run(self)
        took = _now() - t0
        if took > 0.001:
            _rec("callback", round(took * 1000, 3), repr(self._callback)[:100], round(t0, 6))

    asyncio.events.Handle._run = timed_run  # type: ignore[method-assign]

    from funcls.lsp import completion, earlier_analysis, framing, hover, protocol, publisher, state

    reader = framing.StdinChunks._reader

    def traced_reader(self: Any) -> Any:
        read = reader(self)

        def traced(size: int) -> bytes:
            data = read(size)
            ids = b" ".join(m.group(0) for m in _MESSAGE.finditer(data[:20000]))
            _rec("read", len(data), ids.decode(errors="replace")[:200])
            return data

        return traced

    framing.StdinChunks._reader = traced_reader  # type: ignore[method-assign]
    dispatch = framing.dispatch

    def traced_dispatch(proto: Any, body: bytes) -> None:
        found = _MESSAGE.findall(body[:3000])
        method = next((m.decode() for _, m in found if m), "")
        msg_id = next((i.decode() for i, _ in found if i), "")
        cpu, wait = _sched()
        t0 = _now()
        dispatch(proto, body)
        _rec("dispatch", method, msg_id, round((_now() - t0) * 1000, 3), round(t0, 6), cpu, wait)

    framing.dispatch = traced_dispatch
    send = protocol.FunclsProtocol._send_response

    def traced_send(self: Any, msg_id: Any, result: Any = None, error: Any = None) -> None:
        t0, c0 = _now(), time.thread_time()
        send(self, msg_id, result, error)
        cpu, wait = _sched()
        took = round((_now() - t0) * 1000, 3)
        _rec("reply", msg_id, took, round((time.thread_time() - c0) * 1000, 3), cpu, wait)

    protocol.FunclsProtocol._send_response = traced_send  # type: ignore[method-assign]
    for name in ("run_job", "commit", "findings_of"):
        _timed(state.IndexState, name, name, cpu=True)
    _timed(publisher.Publisher, "publish_roots", "publish_roots", cpu=True)
    _timed(completion, "complete", "complete", cpu=True)
    _timed(hover, "text_hover", "text_hover", cpu=True)
    reuse = earlier_analysis.reuse_analysis

    def traced_reuse(*args: Any) -> Any:
        t0 = _now()
        found = reuse(*args)
        _rec("reuse", round((_now() - t0) * 1000, 3), found is not None)
        return found

    # Imported by name where it is used.
    completion.reuse_analysis = traced_reuse  # type: ignore[attr-defined]
    hover.reuse_analysis = traced_reuse  # type: ignore[attr-defined]


if _PREFIX:
    atexit.register(_dump, f"{_PREFIX}.{os.getpid()}")
    _install()
