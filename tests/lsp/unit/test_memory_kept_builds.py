"""What the language server keeps of the Functions it built (issue 16's incremental indexing,
reviewed): the v2 indexer keeps each def's Function between runs by module, owner, app and the
app's defaults, so a keystroke builds only what it changed. The app's auth level is one of
those defaults: typing it (``func.AuthLevel.A``, ``…AN``, … ``ANONYMOUS``) must not leave a
copy of the app's Functions per text typed. Counted on the real index and rule engine."""

from __future__ import annotations

import gc
import json
import shutil
from pathlib import Path

from funcls.lsp.state import EngineChecker, IndexState
from funcls.model.appmodel import Function
from funcls.model.python.bound_names import ModuleNames
from funcls.model.workspace import Workspace

HEAD = """import azure.functions as func

from blueprints import bp

app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)
app.register_functions(bp)
"""

BLUEPRINT_DEF = """

@bp.route(route="items{i}")
def items_{i}(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("ok")
"""

FUNCTIONS = 12


def live_functions() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, Function))


def test_typing_the_auth_level_keeps_one_build_of_the_apps_functions(tmp_path: Path) -> None:
    root = tmp_path / "ws" / "app"
    root.mkdir(parents=True)
    (root / "host.json").write_text('{"version": "2.0"}')
    (root / "blueprints.py").write_text(
        "import azure.functions as func\n\nbp = func.Blueprint()\n"
        + "".join(BLUEPRINT_DEF.format(i=i) for i in range(FUNCTIONS))
    )
    script = root / "function_app.py"
    script.write_text(HEAD)
    before = live_functions()
    state = IndexState(Workspace([str(tmp_path / "ws")]), EngineChecker())
    state.index.index_all()
    version = 1
    word = "func.AuthLevel.FUNCTION"
    text = HEAD
    for target in ("ANONYMOUS", "ADMIN", "FUNCTION"):
        typed = [word[:n] for n in range(len(word) - 1, len("func.AuthLevel.") - 1, -1)]
        typed += ["func.AuthLevel." + target[:n] for n in range(1, len(target) + 1)]
        for now in typed:
            version += 1
            text = HEAD.replace("func.AuthLevel.FUNCTION", now)
            state.index.source.open(str(script), version, text)
            state.mark_dirty(str(script))
            state.flush()
            state.findings(str(root))
        word = typed[-1]
    app = state.index.apps[str(root)]
    assert len(app.functions) == FUNCTIONS
    # The functions are those a fresh index of the same texts gives.
    fresh = IndexState(Workspace([str(tmp_path / "ws")]), EngineChecker())
    fresh.index.source.open(str(script), 1, text)
    fresh.index.index_all()
    assert [(f.name, f.trigger and f.trigger.get("authLevel")) for f in app.functions] == [
        (f.name, f.trigger and f.trigger.get("authLevel"))
        for f in fresh.index.apps[str(root)].functions
    ]
    del fresh
    # One build of the app's functions (and the last run's, while the rules hold them):
    # the 22 distinct texts typed kept 264 Functions (22 builds) before.
    kept = live_functions() - before
    assert kept <= 2 * FUNCTIONS, kept


def answers_of_marked_texts() -> int:
    """The answers alive that read a text of the test's module (each binds its ``mark_N``)."""
    gc.collect()
    return sum(
        1
        for o in gc.get_objects()
        if isinstance(o, ModuleNames) and any(n.startswith("mark_") for n in o.names)
    )


def test_what_a_module_binds_is_kept_for_its_current_text_only(tmp_path: Path) -> None:
    """AZF606/607 read what each imported module of the app binds (``bound_names.names_of``,
    remembered by text): the texts an open module had at earlier keystrokes are not kept with
    their answers (512 whole module texts were)."""
    root = tmp_path / "ws" / "app"
    root.mkdir(parents=True)
    (root / "host.json").write_text('{"version": "2.0"}')
    blueprints = root / "blueprints.py"
    head = "import azure.functions as func\n\nbp = func.Blueprint()\nmark_{version} = 1\n"
    defs = "".join(BLUEPRINT_DEF.format(i=i) for i in range(FUNCTIONS))
    blueprints.write_text(head.format(version=1) + defs)
    script = root / "function_app.py"
    script.write_text(HEAD)
    state = IndexState(Workspace([str(tmp_path / "ws")]), EngineChecker())
    state.index.index_all()
    state.findings(str(root))
    assert answers_of_marked_texts() >= 1  # the rule did read the module
    for version in range(2, 42):
        state.index.source.open(str(blueprints), version, head.format(version=version) + defs)
        state.mark_dirty(str(blueprints))
        state.flush()
        state.findings(str(root))
    # 41 texts of blueprints.py read: the answers for its current text (in their forms), not
    # one for each text (41 before).
    kept = answers_of_marked_texts()
    assert kept <= 4, kept


def _v2_app(root: Path, name: str) -> None:
    root.mkdir(parents=True)
    (root / "host.json").write_text('{"version": "2.0"}')
    (root / "blueprints.py").write_text(
        f"# {name}\nimport azure.functions as func\n\nbp = func.Blueprint()\n"
        + "".join(BLUEPRINT_DEF.format(i=i) for i in range(FUNCTIONS))
    )
    (root / "function_app.py").write_text(HEAD)


def _v1_app(root: Path) -> None:
    root.mkdir(parents=True)
    (root / "host.json").write_text('{"version": "2.0"}')
    for i in range(FUNCTIONS):
        folder = root / f"Fn{i}"
        folder.mkdir()
        (folder / "function.json").write_text(
            json.dumps(
                {
                    "scriptFile": "__init__.py",
                    "bindings": [
                        {
                            "authLevel": "function",
                            "type": "httpTrigger",
                            "direction": "in",
                            "name": "req",
                            "methods": ["get"],
                        },
                        {"type": "http", "direction": "out", "name": "$return"},
                    ],
                }
            )
        )
        (folder / "__init__.py").write_text(
            "import azure.functions as func\n\n\n"
            "def main(req: func.HttpRequest) -> func.HttpResponse:\n"
            "    return func.HttpResponse('ok')\n"
        )


def test_an_app_deleted_from_the_workspace_leaves_nothing_of_its_functions(
    tmp_path: Path,
) -> None:
    """The rule engine's per-app state and the indexers' kept Functions of an app whose folder
    was deleted go with it; the apps left keep theirs (an edit still checks as before)."""
    ws = tmp_path / "ws"
    _v2_app(ws / "kept", "kept")
    _v2_app(ws / "gone_v2", "gone_v2")
    _v1_app(ws / "gone_v1")
    before = live_functions()
    state = IndexState(Workspace([str(ws)]), EngineChecker())
    state.index.index_all()
    for name in ("kept", "gone_v2", "gone_v1"):
        assert len(state.findings(str(ws / name))) >= 0
        assert len(state.index.apps[str(ws / name)].functions) == FUNCTIONS
    assert live_functions() - before >= 3 * FUNCTIONS
    for name in ("gone_v2", "gone_v1"):
        shutil.rmtree(ws / name)
        state.mark_dirty(str(ws / name))
    state.flush()
    assert sorted(state.index.apps) == [str(ws / "kept")]
    # Only the kept app's functions are alive (all three apps' before).
    assert live_functions() - before == FUNCTIONS
    blueprints = ws / "kept" / "blueprints.py"
    text = blueprints.read_text().replace('route="items0"', 'route="items{"')
    state.index.source.open(str(blueprints), 2, text)
    state.mark_dirty(str(blueprints))
    state.flush()
    assert any(f.path == str(blueprints) for f in state.findings(str(ws / "kept")))


def test_a_blueprint_module_removed_from_the_app_leaves_nothing_of_its_functions(
    tmp_path: Path,
) -> None:
    """A blueprint module deleted (and its registration), or its blueprint renamed: the
    Functions built from it last time are not kept for a module the app no longer has."""
    ws = tmp_path / "ws"
    root = ws / "app"
    _v2_app(root, "app")
    other = root / "other.py"
    other.write_text(
        "# other\nimport azure.functions as func\n\nbp2 = func.Blueprint()\n"
        + "".join(
            BLUEPRINT_DEF.format(i=i + 100).replace("@bp.", "@bp2.") for i in range(FUNCTIONS)
        )
    )
    script = root / "function_app.py"
    two = HEAD + "\nfrom other import bp2\n\napp.register_functions(bp2)\n"
    script.write_text(two)
    before = live_functions()
    state = IndexState(Workspace([str(ws)]), EngineChecker())
    state.index.index_all()
    state.findings(str(root))
    assert len(state.index.apps[str(root)].functions) == 2 * FUNCTIONS
    # The blueprint of other.py renamed where the script registers it: none of its old
    # builds serve any more.
    renamed = other.read_text().replace("bp2", "bp3")
    other.write_text(renamed)
    script.write_text(two.replace("bp2", "bp3"))
    for path in (other, script):
        state.mark_dirty(str(path))
    state.flush()
    state.findings(str(root))
    assert len(state.index.apps[str(root)].functions) == 2 * FUNCTIONS
    assert live_functions() - before <= 2 * 2 * FUNCTIONS
    # other.py deleted and its registration gone.
    other.unlink()
    script.write_text(HEAD)
    for path in (other, script):
        state.mark_dirty(str(path))
    state.flush()
    state.findings(str(root))
    assert len(state.index.apps[str(root)].functions) == FUNCTIONS
    # The app's 12 (and those the last run's findings still hold), not other.py's too.
    assert live_functions() - before <= 2 * FUNCTIONS
