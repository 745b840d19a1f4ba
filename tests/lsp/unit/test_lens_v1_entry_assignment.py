"""The Run lens of a v1 function whose entry point is bound by an assignment, as Durable
Functions' v1 orchestrators and entities are (``main = df.Orchestrator.create(…)``): it stands
on that line of the script, as it stands on the ``def`` of the others (QA in code-server: the
durable_v1 orchestrator's __init__.py showed no lens at all)."""

from __future__ import annotations

import shutil
from pathlib import Path

from lsprotocol import types

from funcls.lsp.code_lens import code_lenses, entry_assignment
from funcls.lsp.context import ClientFeatures, Context
from funcls.lsp.positions import PositionMapper
from funcls.lsp.settings import Settings
from funcls.model.loader import load_app
from funcls.model.locations import Range
from funcls.model.python.module import analyse_module
from funcls.model.workspace import Workspace

DURABLE_V1 = Path(__file__).resolve().parents[2] / "runner" / "durable" / "apps" / "durable_v1"


def lenses(root: Path, path: Path) -> list[tuple[int, str]]:
    index = Workspace([str(root)])
    index.apps[str(root)] = load_app(str(root), index.source)
    ctx = Context(
        index,
        PositionMapper(str(types.PositionEncodingKind.Utf16), index.source.text),
        ClientFeatures.from_capabilities(types.ClientCapabilities()),
        Settings(),
    )
    found = code_lenses(ctx, str(path)) or []
    return [(lens.range.start.line, lens.command.title) for lens in found if lens.command]


def test_an_orchestrator_bound_by_assignment_has_its_lens_on_that_line(tmp_path: Path) -> None:
    root = tmp_path / "durable_v1"
    shutil.copytree(DURABLE_V1, root, ignore=shutil.ignore_patterns("__pycache__", ".funcls"))
    script = root / "Greetings" / "__init__.py"
    line = (
        script.read_text()
        .splitlines()
        .index("main = df.Orchestrator.create(orchestrator_function)")
    )
    assert lenses(root, script) == [(line, "▶ Run"), (line, "Run with input…")]
    # The entity is not runnable by hand: its lens says so, on its assignment too.
    entity = root / "Tally" / "__init__.py"
    [(at, title)] = lenses(root, entity)
    assert entity.read_text().splitlines()[at].startswith("main = df.Entity.create(")
    assert title.startswith("⊘ Not runnable here"), title


def test_the_assignment_is_found_at_the_top_level_only() -> None:
    def at(text: str, name: str | None) -> Range | None:
        return entry_assignment(analyse_module("/x/__init__.py", text), name)

    text = "def f():\n    main = 1\n\nmain: Any = make()\nmain == 2\nmain = other\n"
    assert at(text, "main") == ((3, 0), (3, 4))
    assert at("main == 1\n", "main") is None
    assert at("other = 1\n", "main") is None
    assert at("x = 1\n", None) is None
    # Bound inside an if or a try at the top level: bound when the module is imported.
    assert at("try:\n    main = df.Orchestrator.create(f)\nexcept E:\n    pass\n", "main") == (
        (1, 4),
        (1, 8),
    )
    # Not when only ``python __init__.py`` runs it.
    assert at('if __name__ == "__main__":\n    main = 1\n', "main") is None
