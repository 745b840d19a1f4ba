"""The instructions of the language server's pass after an Enter / Backspace in the middle of
a blueprint module (issue 16), load-independent: ``IndexState`` + ``EngineChecker`` as the
server runs them (its collector settings, a freeze after each pass) on one app of N
functions, the re-index of each measured pass called through ``functools.reduce`` and the
rules through ``operator.call``, so that callgrind collects inside them alone::

    PYTHONHASHSEED=0 PYTHONPATH=<a commit's funcls, from git archive> \\
    valgrind --tool=callgrind --collect-atstart=no \\
        --toggle-collect=functools_reduce --toggle-collect=_operator_call \\
        --callgrind-out-file=enter.out .venv/bin/python bench/enter_instructions.py 2000 10 4
    callgrind_annotate --inclusive=yes enter.out | grep -E 'functools_reduce|_operator_call'

(2,000 functions in 4 modules of 500: an Enter in the middle of one moves ~250 defs, as on
the 5,000-function app, at less than half its start-up under valgrind.) The two totals
divided by the passes are the re-index's and the rules' instructions per pass; young
collections fall in one or the other as the allocations go, so compare their sum. Without
valgrind it runs the same passes and prints nothing but the patched count.

A fourth argument ``edit`` measures the pass of bench_lsp.py's "edit a blueprint module"
instead (``arg_name='msg'`` of one decorator changed to ``'msgs'`` and back: one def
changes, none moves), and any fourth argument adds the publication as the server makes it
for VS Code, the findings as diagnostics (``diagnostics.by_path``) and the Functions view
(``functions_view.ViewCache``), called through ``format()`` (add
``--toggle-collect=builtin_format``)::

    ... .venv/bin/python bench/enter_instructions.py 2000 10 4 edit
    ... .venv/bin/python bench/enter_instructions.py 2000 10 4 enter
"""

from __future__ import annotations

import functools
import gc
import operator
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_workspace import write_big_app

from funcls.lsp import diagnostics
from funcls.lsp.collector import FULL_BY_SERVER, YOUNG_THRESHOLD
from funcls.lsp.context import ClientFeatures, make_context
from funcls.lsp.functions_view import ViewCache
from funcls.lsp.state import EngineChecker, IndexState
from funcls.model.workspace import Workspace

WARM_UP = 6


class _Publication:
    """Runs the publication inside ``format()`` (``builtin_format``, a C function the
    project never calls), so that callgrind can collect in it alone."""

    def __init__(self, publish: Callable[[], None]) -> None:
        self.publish = publish

    def __format__(self, spec: str) -> str:
        self.publish()
        return ""


def main() -> None:
    functions = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    passes = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    modules = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    mode = sys.argv[4] if len(sys.argv) > 4 else None
    if mode not in (None, "edit", "enter"):
        sys.exit(f"enter_instructions.py: the fourth argument is edit or enter, not {mode!r}")
    gc.set_threshold(YOUNG_THRESHOLD, 10, FULL_BY_SERVER)
    with tempfile.TemporaryDirectory() as tmp:
        app = write_big_app(Path(tmp) / "ws" / "app", functions, modules)
        module = str(app / "blueprints" / "bp03.py")
        text = Path(module).read_text()
        state = IndexState(Workspace([str(app.parent)]), EngineChecker())
        state.index.index_all()
        state.index.source.open(module, 1, text)
        state.mark_dirty(module)
        state.flush()
        state.findings(str(app))
        ctx = make_context(state.index, "utf-16", ClientFeatures())
        view = ViewCache()
        shown = [0]

        def publish() -> None:
            found = state.findings(str(app))
            shown[0] = sum(map(len, diagnostics.by_path(ctx, found).values()))
            view.app(ctx, state.index.apps[str(app)], found)

        if mode is not None:
            publish()
        gc.collect()
        gc.freeze()
        lines = text.split("\n")
        mid = len(lines) // 2
        while not lines[mid].startswith("    logging"):
            mid += 1
        current = text
        for i in range(passes + WARM_UP):
            if mode == "edit":  # bench_lsp.py's toggle of one decorator's argument
                was, now = ("'msg'", "'msgs'") if i % 2 == 0 else ("'msgs'", "'msg'")
                current = current.replace("arg_name=" + was, "arg_name=" + now, 1)
            else:
                if i % 2 == 0:
                    lines.insert(mid + 1, "    ")  # Enter at the end of a line of a def's body
                else:
                    del lines[mid + 1]  # Backspace
                current = "\n".join(lines)
            state.index.source.open(module, i + 2, current)
            ctx.positions.forget(module)  # as the server's didChange does
            state.mark_dirty(module)
            if i >= WARM_UP:
                functools.reduce(lambda _a, _b: state.app_fresh(module), [0, 0])
                operator.call(state.findings, str(app))
                if mode is not None:
                    format(_Publication(publish), "")
            else:
                state.app_fresh(module)
                state.findings(str(app))
                if mode is not None:
                    publish()
            gc.freeze()
        print(
            f"patched {state.patched} of {passes + WARM_UP} passes"
            + (f"; {shown[0]} diagnostics published" if mode is not None else "")
        )


if __name__ == "__main__":
    main()
