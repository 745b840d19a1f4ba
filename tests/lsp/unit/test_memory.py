"""What the language server keeps of the syntax trees (issue 16): after the first check of an
app of many modules, only a bounded number of modules' trees stay alive (the open document's,
which its next edit splices, and the last module texts a rule asked about), not every module
the rules ever read. Counted on the real index and rule engine, with the collector's help."""

from __future__ import annotations

import ast
import gc
import importlib.util
from pathlib import Path

from funcls.lsp.state import EngineChecker, IndexState
from funcls.model.workspace import Workspace

REPO = Path(__file__).resolve().parents[3]
MODULES = 8
PER_MODULE = 14  # two of each of the generator's seven kinds, HTTP functions among them


def live_defs() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, ast.FunctionDef))


def test_syntax_trees_of_checked_modules_are_not_all_kept(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("gen_workspace", REPO / "bench/gen_workspace.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    app = gen.write_big_app(tmp_path / "ws" / "app", MODULES * PER_MODULE, MODULES)
    opened = app / "blueprints" / "bp03.py"
    before = live_defs()
    state = IndexState(Workspace([str(app.parent)]), EngineChecker())
    state.index.index_all()
    state.index.source.open(str(opened), 1, opened.read_text())
    state.mark_dirty(str(opened))
    state.flush()
    state.findings(str(app))
    assert len(state.index.apps[str(app)].functions) == MODULES * PER_MODULE
    kept = live_defs() - before
    # The open document's tree, the route reads' last two module texts (AZF509 reads every
    # HTTP function's def) and, since 4ca363e, the open document's statements once more as
    # AZF606/607 keep them to re-read only an edited statement (the last 8 open documents):
    # four modules at most, not eight.
    assert PER_MODULE <= kept <= 4 * PER_MODULE, kept
