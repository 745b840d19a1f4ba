"""The Functions view after a keystroke: the entries kept for unchanged functions give the
view a fresh computation gives, and the signature changes exactly when the view does."""

from __future__ import annotations

from pathlib import Path

from funcls.lsp.context import ClientFeatures, make_context
from funcls.lsp.functions_view import ViewCache, _app
from funcls.lsp.state import EngineChecker, IndexState
from funcls.model.workspace import Workspace
from tests.lsp.support import make_workspace


def test_kept_entries_give_the_fresh_view(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    state = IndexState(Workspace([str(ws)]), EngineChecker())
    state.index.index_all()
    ctx = make_context(state.index, "utf-16", ClientFeatures())
    root = str(ws / "v2-app")
    bp = ws / "v2-app" / "orders_bp.py"
    cache = ViewCache()

    def view() -> tuple[dict[str, object], str]:
        app = state.index.apps[root]
        entry, signature = cache.app(ctx, app, state.findings(root))
        assert entry == _app(ctx, app, state.findings(root))
        return entry, signature

    first, signature = view()
    text = bp.read_text()
    for version, new in enumerate(
        [
            text.replace('arg_name="msg"', 'arg_name="msgs"'),  # a finding: counts change
            text.replace('arg_name="msg"', 'arg_name="msgs"'),  # the same text again
            text.replace('route="orders"', 'route="orders2"'),  # a route
            text,
        ],
        start=2,
    ):
        state.index.source.open(str(bp), version, new)
        state.mark_dirty(str(bp))
        state.flush()
        entry, now = view()
        assert (now == signature) == (entry == first), version
        if version == 3:
            assert now == signature  # the same text again: nothing the view shows changed
        else:
            assert now != signature
        first, signature = entry, now
