"""Which durable functions the Run lens offers to run (the same answer the runner uses)."""

from __future__ import annotations

import shutil
from pathlib import Path

from funcls.lsp.run_function import why_not_runnable
from funcls.model.loader import load_app
from funcls.model.source import Source

APP = Path(__file__).resolve().parent / "apps" / "durable_v2"


def test_orchestrations_and_activities_run_and_entities_explain(tmp_path: Path) -> None:
    root = tmp_path / "app"
    shutil.copytree(APP, root)
    app = load_app(str(root), Source())
    reasons = {
        name: why_not_runnable(fn)
        for name in ("hello_chain", "say_hello", "counter", "http_start")
        if (fn := app.function(name)) is not None
    }
    assert reasons["hello_chain"] is None  # an orchestration runs as an instance
    assert reasons["say_hello"] is None
    assert reasons["http_start"] is None  # its durable client input is the engine's
    assert reasons["counter"] == (
        "a durable entity runs when an orchestration or a client calls or signals it "
        "(call_entity, signal_entity); run an orchestration or an HTTP starter that does"
    )
