"""The Functions view of one big app, in process: the whole view built as at the first
publication (``ViewCache().app``) and its refresh after bench_lsp.py's edit of a blueprint
module (``arg_name='msg'`` of one decorator changed to ``'msgs'`` and back: one def changes),
each timed (best and median of the rounds) and each called under a C function of its own
(the whole view under ``functools.reduce``, the refresh under ``operator.call``) so that
callgrind can count each alone, load-independent::

    PYTHONHASHSEED=0 PYTHONPATH=<a commit's funcls, from git archive> \\
    valgrind --tool=callgrind --collect-atstart=no \\
        --toggle-collect=functools_reduce --toggle-collect=_operator_call \\
        --callgrind-out-file=view.out .venv/bin/python bench/bench_view.py 1000 2 10 50
    callgrind_annotate --inclusive=yes view.out | grep -E 'functools_reduce|_operator_call'

Arguments: functions, rounds (the whole view ``rounds`` times, the refresh twice as many),
blueprint modules, and blob reader/writer pairs added in a module of their own: a queue
function writing ``receiptsK/{id}.json`` and an HTTP function reading it with its route's
``{id}`` (samples/v2-app's process_order and get_receipt, ``K`` times), whose sample URLs
follow their writers' (``model/blob_pairs.py``); a fifth argument ``same`` gives every pair
the same path (each reader then pairs with every writer). The generated bench app has no
HTTP function reading a blob.
"""

from __future__ import annotations

import functools
import gc
import operator
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_workspace import write_big_app

from funcls.lsp.context import ClientFeatures, make_context
from funcls.lsp.functions_view import ViewCache
from funcls.lsp.state import EngineChecker, IndexState
from funcls.model.workspace import Workspace

_PAIR = """

@bp.queue_trigger(arg_name="msg", queue_name="orders{k}", connection="AzureWebJobsStorage")
@bp.blob_output(arg_name="receipt", path="{folder}/{{id}}.json", connection="AzureWebJobsStorage")
def process_order{k}(msg: func.QueueMessage, receipt: func.Out[str]) -> None:
    order = msg.get_json()
    receipt.set(json.dumps({{"order": order["id"], "customer": order["customer"]}}))


@bp.route(route="orders{k}/{{id}}/receipt", methods=["GET"])
@bp.blob_input(arg_name="receipt", path="{folder}/{{id}}.json", connection="AzureWebJobsStorage")
def get_receipt{k}(req: func.HttpRequest, receipt: str) -> func.HttpResponse:
    if receipt is None:
        return func.HttpResponse("no receipt yet", status_code=404)
    return func.HttpResponse(receipt, mimetype="application/json")
"""


def add_pairs(app: Path, pairs: int, same: bool) -> None:
    """``pairs`` blob writers and readers in blueprints/pairs.py, registered by the app."""
    src = ["import json\n\nimport azure.functions as func\n\nbp = func.Blueprint()\n"]
    for k in range(pairs):
        src.append(_PAIR.format(k=k, folder="receipts" if same else f"receipts{k}"))
    (app / "blueprints" / "pairs.py").write_text("".join(src))
    script = app / "function_app.py"
    text = script.read_text().replace(
        "\napp = func", "from blueprints.pairs import bp as pairs\n\napp = func", 1
    )
    script.write_text(text + "app.register_functions(pairs)\n")


def _ms(times: list[float]) -> str:
    times = sorted(times)
    return f"best {times[0] * 1e3:.2f} ms, median {times[len(times) // 2] * 1e3:.2f} ms"


def main() -> None:
    functions = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    modules = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    pairs = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    same = len(sys.argv) > 5 and sys.argv[5] == "same"
    with tempfile.TemporaryDirectory() as tmp:
        app = write_big_app(Path(tmp) / "ws" / "app", functions, modules)
        if pairs:
            add_pairs(app, pairs, same)
        state = IndexState(Workspace([str(app.parent)]), EngineChecker())
        state.index.index_all()
        module = str(app / "blueprints" / "bp03.py")
        text = Path(module).read_text()
        state.index.source.open(module, 1, text)
        state.mark_dirty(module)
        state.flush()
        found = state.findings(str(app))
        ctx = make_context(state.index, "utf-16", ClientFeatures())
        indexed = state.index.apps[str(app)]
        gc.collect()
        gc.freeze()
        whole: list[float] = []
        for _ in range(rounds):
            t = time.perf_counter()
            functools.reduce(lambda _a, _b: ViewCache().app(ctx, indexed, found), [0, 0])
            whole.append(time.perf_counter() - t)
        view = ViewCache()
        view.app(ctx, indexed, found)
        refresh: list[float] = []
        current = text
        for i in range(2 * rounds):
            was, now = ("'msg'", "'msgs'") if i % 2 == 0 else ("'msgs'", "'msg'")
            current = current.replace("arg_name=" + was, "arg_name=" + now, 1)
            state.index.source.open(module, i + 2, current)
            ctx.positions.forget(module)  # as the server's didChange does
            state.mark_dirty(module)
            state.app_fresh(module)
            found = state.findings(str(app))
            indexed = state.index.apps[str(app)]
            t = time.perf_counter()
            operator.call(view.app, ctx, indexed, found)
            refresh.append(time.perf_counter() - t)
        kind = " (one path)" if same else ""
        print(
            f"{len(indexed.functions)} functions ({pairs} blob reader/writer pairs{kind}): "
            f"whole view {_ms(whole)}; refresh after an edit {_ms(refresh)}"
        )


if __name__ == "__main__":
    main()
