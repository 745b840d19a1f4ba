"""A v1 function whose function.json is not valid JSON (QA in code-server: a comma left out):
the Functions view said "no trigger", its tooltip and the Run lens "it has no trigger binding",
and its row opened __init__.py — the user looked for a missing binding. Now the view's detail
says the file is not valid JSON, the row leads to the error, and the lens and the tooltip start
with the fix."""

from __future__ import annotations

import shutil
from pathlib import Path

from funcls.lsp.code_lens import function_commands
from funcls.lsp.context import ClientFeatures, make_context
from funcls.lsp.functions_view import functions_view
from funcls.lsp.run_function import why_not_runnable
from funcls.model.loader import load_app
from funcls.model.source import Source
from funcls.model.workspace import Workspace
from tests.lsp.unit.conftest import NOW

REPO = Path(__file__).resolve().parents[3]


def broken_app(tmp_path: Path) -> Path:
    app = tmp_path / "v1-app"
    shutil.copytree(REPO / "samples" / "v1-app", app)
    config = app / "get_product" / "function.json"
    text = config.read_text()
    config.write_text(text.replace('"direction": "in",', '"direction": "in"', 1))
    return app


def test_the_lens_and_the_reason_name_the_broken_file(tmp_path: Path) -> None:
    app = load_app(str(broken_app(tmp_path)), Source())
    fn = app.function("get_product")
    assert fn is not None
    why = why_not_runnable(fn, app)
    assert why is not None and why.startswith(
        "fix get_product/function.json: it is not valid JSON ("
    ), why
    assert why.endswith("so the host reads none of its bindings (AZF100)")
    [title] = [c.title for c in function_commands(app, fn)]
    assert title.startswith("⊘ Not runnable here: fix get_product/function.json"), title
    # Another function of the same app is not affected.
    other = app.function("get_receipt")
    assert other is not None and why_not_runnable(other, app) is None


def test_the_view_row_says_not_valid_json_and_leads_to_the_error(tmp_path: Path) -> None:
    root = broken_app(tmp_path)
    ws = Workspace([str(tmp_path)])
    ws.index_all()
    ctx = make_context(ws, "utf-16", ClientFeatures(), now=lambda: NOW)
    [view] = functions_view(ctx, lambda r: [])["apps"]
    entry = next(f for f in view["functions"] if f["name"] == "get_product")
    assert entry["detail"] == "function.json is not valid JSON", entry
    assert entry["runnable"] is False
    assert entry["whyNotRunnable"].startswith("fix get_product/function.json"), entry
    config = root / "get_product" / "function.json"
    assert entry["location"]["path"] == str(config), entry
    # At the line the JSON parser stopped (the line after the one missing its comma).
    lines = config.read_text().splitlines()
    missing = next(i for i, line in enumerate(lines) if line.strip() == '"direction": "in"')
    assert entry["location"]["line"] in (missing, missing + 1), entry
    fine = next(f for f in view["functions"] if f["name"] == "get_receipt")
    assert fine["detail"].startswith("GET ") and fine["location"]["path"].endswith(".py")
