"""Re-indexing one edited blueprint module in place (issue 16: ``model.v2.reindex``, used by the
server's ``IndexState``): after every edit of seeded random sequences the app the server holds
equals, field by field, a fresh ``load_app`` of the same texts, and its findings a full check;
the patch is taken for edits inside defs and refused for the rest."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from funcls.lsp.settings import Settings
from funcls.lsp.state import EngineChecker, IndexState
from funcls.model.appmodel import App
from funcls.model.loader import load_app
from funcls.model.locations import Range
from funcls.model.source import Source
from funcls.model.workspace import Workspace
from tests.checks.test_incremental import (
    EDITS,
    bad_value,
    duplicate_name,
    duplicate_route,
    full_check,
    imported_back_edit,
    key,
    rename_binding,
    suppress,
    write_app,
)

# Fields compared by value (host.json and local.settings.json are parsed documents, compared
# by identity; ``source`` is not part of the model).
SKIP = {"host_json", "local_settings", "source"}


def fresh(root: str, texts: dict[str, str]) -> App:
    source = Source()
    for version, (path, text) in enumerate(sorted(texts.items())):
        source.open(path, version, text)
    return load_app(root, source)


def assert_same_app(held: App, full: App, where: str) -> None:
    for f in dataclasses.fields(App):
        if f.name in SKIP:
            continue
        assert getattr(held, f.name) == getattr(full, f.name), f"{where}: App.{f.name} differs"
    doc = held.host_json.to_python() if held.host_json else None
    assert doc == (full.host_json.to_python() if full.host_json else None), where


def start(
    tmp_path: Path, imported_back: bool, prepare: Callable[[Path], None] | None = None
) -> tuple[str, dict[str, str], IndexState]:
    """The random edits' app (``prepare`` changes its files), indexed, every file open."""
    root = tmp_path / "app"
    write_app(root, imported_back=imported_back)
    if prepare is not None:
        prepare(root)
    texts = {
        str(p): p.read_text()
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".py", ".json", ".txt")
    }
    state = IndexState(Workspace([str(tmp_path)]), EngineChecker())
    state.index.index_all()
    for path, text in texts.items():  # every file open in the editor
        state.index.source.open(path, 0, text)
        state.mark_dirty(path)
    state.flush()
    return str(root), texts, state


def auth_level_edit(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    """An HTTP function's auth level becomes a value the library refuses (an indexer problem
    of that def), or a valid one again."""
    path = rng.choice(sorted(p for p in texts if Path(p).name in ("bp0.py", "bp1.py")))
    text = texts[path]
    for old, new in (
        ("methods=['GET'])", "methods=['GET'], auth_level='nope')"),
        ("auth_level='nope')", "auth_level='ANONYMOUS')"),
        ("auth_level='ANONYMOUS')", "auth_level='nope')"),
    ):
        if old in text and (old != "methods=['GET'])" or "auth_level" not in text):
            return path, text.replace(old, new, 1)
    return None


def _def_lines(text: str) -> list[int]:
    """Lines of ``text`` inside the defs below the blueprint object (bodies, decorators)."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("bp = "))
    return [i for i in range(start + 1, len(lines)) if lines[i].startswith(("    ", "@", "def "))]


def enter_in_def(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    """Enter pressed at the end of a line of a def (a decorator, the def line, its body):
    a new line, empty or with what one types next; every def below moves down."""
    path = rng.choice(sorted(p for p in texts if Path(p).name in ("bp0.py", "bp1.py")))
    lines = texts[path].split("\n")
    at = rng.choice(_def_lines(texts[path]))
    if lines[at].startswith(("@", "def ")) and not lines[at].endswith(":"):
        return None  # inside a decorator's call: see split_call
    lines.insert(at + 1, rng.choice(["    ", "    x = 1", "    # note", ""]))
    return path, "\n".join(lines)


def line_between_defs(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    """A blank or comment line typed between two defs, or one of those removed."""
    path = rng.choice(sorted(p for p in texts if Path(p).name in ("bp0.py", "bp1.py")))
    lines = texts[path].split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("bp = "))
    gaps = [i for i in range(start + 1, len(lines)) if lines[i] in ("", "# c")]
    if not gaps:
        return None
    at = rng.choice(gaps)
    if rng.random() < 0.5:
        lines.insert(at, rng.choice(["", "# c"]))
    else:
        del lines[at]
    return path, "\n".join(lines)


def remove_line(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    """A line typed inside a def removed again (Backspace at the start of a line)."""
    path = rng.choice(sorted(p for p in texts if Path(p).name in ("bp0.py", "bp1.py")))
    lines = texts[path].split("\n")
    typed = [i for i, line in enumerate(lines) if line in ("    ", "    x = 1", "    # note")]
    if not typed:
        return None
    del lines[rng.choice(typed)]
    return path, "\n".join(lines)


def split_call(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    """A decorator's arguments put on two lines (Enter inside the call), or joined again."""
    path = rng.choice(sorted(p for p in texts if Path(p).name in ("bp0.py", "bp1.py")))
    text = texts[path]
    for old, new in (
        (", arg_name='timer')", ",\n    arg_name='timer')"),
        (", methods=['GET'])", ",\n    methods=['GET'])"),
    ):
        if rng.random() < 0.5 and new in text:
            return path, text.replace(new, old, 1)
        if old in text:
            return path, text.replace(old, new, 1)
    return None


LINE_EDITS = [enter_in_def, line_between_defs, remove_line, split_call]


def test_random_edits_give_the_app_a_full_indexing_gives(tmp_path: Path) -> None:
    patched = []
    line_edits: list[bool] = []  # whether each edit adding or removing lines was patched
    for seed in range(6):
        root, texts, state = start(tmp_path / str(seed), imported_back=seed >= 3)
        rng = random.Random(100 + seed)
        settings = Settings(severity={"AZF2": "warning"}) if seed % 2 else Settings()
        state.settings = settings
        # Edits inside defs (the patch's case) half the time, any other edit the other half
        # (some, such as a second registration of a blueprint, rule the patch out for good).
        edits = [*EDITS, *[rename_binding, auth_level_edit] * (len(EDITS) // 2)]
        # Lines added and removed (every Enter key): as often as all the other edits.
        edits += LINE_EDITS * (len(edits) // len(LINE_EDITS))
        if seed >= 3:
            edits += [imported_back_edit] * 4
        version = 1
        for step in range(40):
            edit = rng.choice(edits)
            change = edit(rng, texts)
            if change is None:
                continue
            path, text = change
            texts[path] = text
            version += 1
            state.index.source.open(path, version, text)
            state.mark_dirty(path)
            was = state.patched
            state.flush()
            if edit in LINE_EDITS:
                line_edits.append(state.patched > was)
            where = f"seed {seed}, step {step}: {edit.__name__} of {Path(path).name}"
            assert_same_app(state.index.apps[root], fresh(root, texts), where)
            incremental = sorted(key(root, f) for f in state.findings(root))
            assert incremental == full_check(root, texts, settings), where
        patched.append(state.patched)
    # The fast path did run (and was compared each time) in every sequence of the plain app;
    # never in the app where modules decorate on imported-back objects (seeds 3-5).
    assert all(n > 0 for n in patched[:3]) and sum(patched[:3]) >= 15, patched
    assert sum(line_edits) >= 10, line_edits
    assert patched[3:] == [0, 0, 0], patched


@pytest.mark.parametrize("seed", range(4))
def test_lines_added_and_removed_are_patched_as_a_full_indexing_gives(
    tmp_path: Path, seed: int
) -> None:
    """Enter and Backspace inside and between defs, decorator calls split over lines, with
    edits that make and remove findings (moved with their functions): each is patched, and
    the app and its findings are those of a fresh indexing and a full check."""
    root, texts, state = start(tmp_path, imported_back=False)
    rng = random.Random(200 + seed)
    settings = Settings(severity={"AZF2": "warning"}) if seed % 2 else Settings()
    state.settings = settings
    state.findings(root)
    others = [rename_binding, duplicate_name, duplicate_route, bad_value, suppress]
    edits = [*LINE_EDITS * 3, *others]
    version = 1
    line_edits = 0
    for step in range(60):
        edit = rng.choice(edits)
        change = edit(rng, texts)
        if change is None:
            continue
        path, text = change
        texts[path] = text
        version += 1
        state.index.source.open(path, version, text)
        state.mark_dirty(path)
        was = state.patched
        state.flush()
        where = f"seed {seed}, step {step}: {edit.__name__} of {Path(path).name}"
        if edit in LINE_EDITS:
            line_edits += 1
            assert state.patched == was + 1, where
        assert_same_app(state.index.apps[root], fresh(root, texts), where)
        incremental = sorted(key(root, f) for f in state.findings(root))
        assert incremental == full_check(root, texts, settings), where
    assert line_edits >= 15


def test_an_edit_inside_a_def_is_patched_and_keeps_the_other_functions(tmp_path: Path) -> None:
    root, texts, state = start(tmp_path, imported_back=False)
    before = state.index.apps[root]
    bp1 = str(Path(root) / "blueprints" / "bp1.py")
    text = texts[bp1].replace("schedule='0 */5 * * * *'", "schedule='0 */5 *'", 1)
    state.index.source.open(bp1, 1, text)
    state.mark_dirty(bp1)
    state.flush()
    after = state.index.apps[root]
    assert state.patched == 1 and after is not before
    changed = [a.name for a, b in zip(after.functions, before.functions, strict=True) if a is not b]
    # The edited def is built again; the others keep their Function objects (the checks kept
    # for them stay), queue_4 too (its def and what it read of blueprints/names.py did not
    # change), and the other modules' functions all do.
    assert changed == ["timer_5"]
    texts[bp1] = text
    assert_same_app(after, fresh(root, texts), "schedule edited")
    assert "AZF500" in {f.code for f in state.findings(root)}


def test_enter_in_a_def_moves_the_functions_below_and_their_findings(tmp_path: Path) -> None:
    """A line added in the first def of a module: the defs below are neither analysed, built
    nor checked again; their functions and findings are copies one line lower."""
    root, texts, state = start(tmp_path, imported_back=False)
    checker = state.checker
    assert isinstance(checker, EngineChecker)
    bp1 = str(Path(root) / "blueprints" / "bp1.py")
    version = 0

    def edit(text: str) -> None:
        nonlocal version
        texts[bp1] = text
        version += 1
        state.index.source.open(bp1, version, text)
        state.mark_dirty(bp1)
        state.flush()

    # A finding on the last def (its binding renamed), and the file checked function by
    # function from now on (a file is checked whole the first time).
    state.findings(root)
    edit(texts[bp1].replace("arg_name='blob'", "arg_name='blobs'", 1))
    found = [f for f in state.findings(root) if f.path == bp1]
    assert [f.function for f in found] == ["blob_7", "blob_7"], found
    before = state.index.apps[root]
    lines = texts[bp1].split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("def queue_4"))
    patched = state.patched
    edit("\n".join([*lines[: at + 1], "    x = 1", *lines[at + 1 :]]))
    after = state.index.apps[root]
    assert state.patched == patched + 1
    assert_same_app(after, fresh(root, texts), "a line added")
    mine = [
        (a, b)
        for a, b in zip(before.functions, after.functions, strict=True)
        if a.script_path == bp1
    ]
    assert [a.name for a, _ in mine] == ["queue_4", "timer_5", "http_6", "blob_7"]
    for old, new in mine[1:]:
        assert new is not old and new.def_range is not None and old.def_range is not None
        assert new.def_range.start.line == old.def_range.start.line + 1
    moved = [f for f in state.findings(root) if f.path == bp1]
    assert [(f.code, f.range.start.line) for f in moved] == [
        (f.code, f.range.start.line + 1) for f in found
    ]
    # queue_4 changed (and reads QUEUE from another module: built again anyway); the others
    # were moved, findings included, not checked again.
    assert [f.name for f in checker.apps[root].rechecked] == ["queue_4"]


def _references(obj: object, seen: dict[int, int]) -> None:
    """How often each model object (a dataclass) is reached from ``obj``, by id."""
    if isinstance(obj, (list, tuple)):
        for x in obj:
            _references(x, seen)
    elif isinstance(obj, dict):
        for x in obj.values():
            _references(x, seen)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        seen[id(obj)] = seen.get(id(obj), 0) + 1
        if seen[id(obj)] == 1:
            for f in dataclasses.fields(obj):
                _references(getattr(obj, f.name), seen)


def _ranges(obj: object, out: set[int]) -> None:
    """The ids of every Range reached from ``obj``."""
    if isinstance(obj, Range):
        out.add(id(obj))
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            _ranges(x, out)
    elif isinstance(obj, dict):
        for x in obj.values():
            _ranges(x, out)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            _ranges(getattr(obj, f.name), out)


def test_a_moved_function_shares_what_a_function_built_again_shares(tmp_path: Path) -> None:
    """The copy of a function that an Enter moved holds its def's moved Parameter objects
    and ranges, and shares a Value between a decorator's keywords and a binding's
    properties, as a function built from the moved def does (each copied once, not once per
    reference)."""
    root, texts, state = start(tmp_path, imported_back=False)
    bp1 = str(Path(root) / "blueprints" / "bp1.py")
    state.findings(root)
    lines = texts[bp1].split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("def queue_4"))
    texts[bp1] = "\n".join([*lines[: at + 1], "    x = 1", *lines[at + 1 :]])
    patched = state.patched
    state.index.source.open(bp1, 1, texts[bp1])
    state.mark_dirty(bp1)
    state.flush()
    assert state.patched == patched + 1
    source = Source()
    for version, (path, text) in enumerate(sorted(texts.items())):
        source.open(path, version, text)
    full = {f.name: f for f in load_app(root, source).functions}
    fresh_module = source.module(bp1)
    assert fresh_module is not None
    module = state.index.source.module(bp1)
    assert module is not None
    defs = {d.name: d for d in module.functions}
    moved = [
        f for f in state.index.apps[root].functions if f.name in ("timer_5", "http_6", "blob_7")
    ]
    assert len(moved) == 3
    for fn in moved:
        assert [id(p) for p in fn.parameters] == [id(p) for p in defs[fn.name].params]
        assert fn.return_annotation is defs[fn.name].returns
        mine: dict[int, int] = {}
        theirs: dict[int, int] = {}
        _references(fn, mine)
        _references(full[fn.name], theirs)
        assert sorted(mine.values()) == sorted(theirs.values()), fn.name
        # Every range of a Function is one of its def's analysis (built or moved).
        fresh_defs = {d.name: d for d in fresh_module.functions}
        for f, d in ((fn, defs[fn.name]), (full[fn.name], fresh_defs[fn.name])):
            held: set[int] = set()
            analysed: set[int] = set()
            _ranges(f, held)
            _ranges(d, analysed)
            assert held and held <= analysed, fn.name
    # The generated functions do share Values (else the comparison above says nothing).
    assert any(n > 1 for n in theirs.values())


@pytest.mark.parametrize(
    ("what", "old", "new"),
    [
        ("a line added above the blueprint", "import logging\n", "import logging\n\n"),
        ("a def renamed", "def timer_5(", "def timer_55("),
        ("a syntax error", "def timer_5(", "def timer_5(:"),
        ("an import added", "import logging\n", "import logging\nimport os\n"),
        ("the blueprint renamed", "bp = func.Blueprint()", "bq = func.Blueprint()"),
    ],
)
def test_an_edit_of_the_module_s_shape_indexes_the_whole_app(
    tmp_path: Path, what: str, old: str, new: str
) -> None:
    root, texts, state = start(tmp_path, imported_back=False)
    bp1 = str(Path(root) / "blueprints" / "bp1.py")
    assert old in texts[bp1]
    texts[bp1] = texts[bp1].replace(old, new, 1)
    state.index.source.open(bp1, 1, texts[bp1])
    state.mark_dirty(bp1)
    state.flush()
    assert state.patched == 0, what
    assert_same_app(state.index.apps[root], fresh(root, texts), what)


def test_the_script_and_a_module_read_by_others_are_never_patched(tmp_path: Path) -> None:
    root, texts, state = start(tmp_path, imported_back=True)
    # bp2.py's blueprint gets functions from late.py (imported back): not patched.
    bp2 = str(Path(root) / "blueprints" / "bp2.py")
    main = str(Path(root) / "function_app.py")
    for path, old, new in (
        (bp2, "arg_name='msg'", "arg_name='msgs'"),
        (main, "schedule='0 */5 * * * *'", "schedule='0 */5 *'"),
    ):
        texts[path] = texts[path].replace(old, new, 1)
        state.index.source.open(path, 1, texts[path])
        state.mark_dirty(path)
        state.flush()
        assert state.patched == 0, path
        assert_same_app(state.index.apps[root], fresh(root, texts), path)


def test_an_indexer_problem_of_a_def_comes_and_goes_with_a_full_indexing(tmp_path: Path) -> None:
    root, texts, state = start(tmp_path, imported_back=False)
    bp1 = str(Path(root) / "blueprints" / "bp1.py")
    for version, (old, new) in enumerate(
        [
            ("methods=['GET'])", "methods=['GET'], auth_level='nope')"),
            ("auth_level='nope')", "auth_level='ANONYMOUS')"),
        ],
        start=1,
    ):
        texts[bp1] = texts[bp1].replace(old, new, 1)
        state.index.source.open(bp1, version, texts[bp1])
        state.mark_dirty(bp1)
        state.flush()
        held = state.index.apps[root]
        assert_same_app(held, fresh(root, texts), new)
        assert ("nope" in new) == any(p.path == bp1 for p in held.problems)
    assert state.patched == 0
    # With the problem gone, the next edit inside a def is patched again.
    texts[bp1] = texts[bp1].replace("arg_name='msg'", "arg_name='msgs'", 1)
    state.index.source.open(bp1, 9, texts[bp1])
    state.mark_dirty(bp1)
    state.flush()
    assert state.patched == 1
    assert_same_app(state.index.apps[root], fresh(root, texts), "after")


def test_a_module_another_module_reads_a_constant_from_is_not_patched(tmp_path: Path) -> None:
    root, texts, state = start(tmp_path, imported_back=False)
    bp0 = str(Path(root) / "blueprints" / "bp0.py")
    bp1 = str(Path(root) / "blueprints" / "bp1.py")
    texts[bp1] = texts[bp1].replace(
        "bp = func.Blueprint()\n", "bp = func.Blueprint()\nLOG = 'log'\n"
    )
    texts[bp0] = (
        texts[bp0]
        .replace(
            "from blueprints.names import QUEUE\n",
            "from blueprints.names import QUEUE\nfrom blueprints.bp1 import LOG\n",
        )
        .replace("queue_name=QUEUE", "queue_name=LOG", 1)
    )
    for version, path in enumerate((bp1, bp0), start=1):
        state.index.source.open(path, version, texts[path])
        state.mark_dirty(path)
        state.flush()
    assert any(
        b.properties.get("queueName") is not None and b.properties["queueName"].value == "log"
        for f in state.index.apps[root].functions
        for b in f.bindings
    )
    texts[bp1] = texts[bp1].replace("schedule='0 */5 * * * *'", "schedule='0 */5 *'", 1)
    state.index.source.open(bp1, 5, texts[bp1])
    state.mark_dirty(bp1)
    state.flush()
    assert state.patched == 0  # bp0's queue function read bp1.py: a full indexing builds it
    assert_same_app(state.index.apps[root], fresh(root, texts), "bp1 edited")


def test_a_script_that_imports_its_function_app_is_indexed_whole(tmp_path: Path) -> None:
    """The script takes its FunctionApp (and its auth level, which HTTP functions default to)
    from another module of the app: the indexer finds it through the import trace, which
    the patch does not run."""
    created = "app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)\n"

    def app_elsewhere(root: Path) -> None:
        main = root / "function_app.py"
        text = main.read_text()
        assert created in text
        (root / "application.py").write_text(
            "import azure.functions as func\n\n" + created.replace("FUNCTION", "ANONYMOUS")
        )
        main.write_text(text.replace(created, "from application import app\n"))

    root_s, texts, state = start(tmp_path, imported_back=False, prepare=app_elsewhere)
    root = Path(root_s)
    bp0 = str(root / "blueprints" / "bp0.py")
    texts[bp0] = texts[bp0].replace("route='things2/", "route='things22/", 1)
    state.index.source.open(bp0, 1, texts[bp0])
    state.mark_dirty(bp0)
    state.flush()
    held = state.index.apps[root_s]
    assert_same_app(held, fresh(root_s, texts), "route edited")
    http = next(f for f in held.functions if f.name == "http_2")
    assert http.trigger is not None and http.trigger.get("authLevel") == "anonymous"


@pytest.mark.parametrize("seed", range(3))
def test_edits_re_indexed_off_the_loop_give_what_a_full_indexing_gives(
    tmp_path: Path, seed: int
) -> None:
    """The server re-indexes plain edits on its rules thread (``IndexState.background_job``,
    ``run_job``, ``commit``) while requests go on. Random edits (Enter and Backspace half the
    time), each re-indexed that way on a real thread, one of four ways: the thread alone;
    another edit of the document before the thread began (the build read the newer text, the
    commit must refuse it); a request taking the job on this thread first (``app_fresh``);
    another edit while the thread builds. After each the app equals a fresh indexing of the
    texts and the findings a full check, and nothing is left dirty."""
    import threading

    root, texts, state = start(tmp_path, imported_back=False)
    rng = random.Random(300 + seed)
    state.findings(root)
    edits = [*LINE_EDITS * 2, rename_binding, duplicate_name, duplicate_route, bad_value]
    version = 1
    ways: dict[str, int] = {}

    def change() -> tuple[str, str] | None:
        nonlocal version
        edit = rng.choice(edits)
        made = edit(rng, texts)
        if made is None:
            return None
        path, text = made
        texts[path] = text
        version += 1
        state.index.source.open(path, version, text)
        state.mark_dirty(path)
        return made

    for step in range(40):
        made = change()
        if made is None:
            continue
        job = state.background_job()
        assert job is not None and made[0] in state.dirty
        way = rng.choice(["thread", "edited before", "request first", "edited during"])
        ways[way] = ways.get(way, 0) + 1
        thread = threading.Thread(target=state.run_job, args=(job,))
        if way == "edited before":
            change()
        if way == "request first":
            state.app_fresh(made[0])  # builds the job here; the thread finds it done
            assert not state.dirty
        thread.start()
        if way == "edited during":
            change()
        thread.join(60)
        assert not thread.is_alive()
        state.flush()  # commits the job (or finds it stale) and indexes what is left
        assert not state.dirty
        where = f"seed {seed}, step {step}: {way}"
        assert_same_app(state.index.apps[root], fresh(root, texts), where)
        incremental = sorted(key(root, f) for f in state.findings(root))
        assert incremental == full_check(root, texts, Settings()), where
    assert len(ways) == 4 and min(ways.values()) >= 3, ways


def test_a_job_built_from_an_older_text_is_not_committed(tmp_path: Path) -> None:
    """An edit arriving after the job's build read the document: ``commit`` puts nothing in
    place and leaves the document dirty, so the app is never one of an older text."""
    root, texts, state = start(tmp_path, imported_back=False)
    path = next(p for p in texts if p.endswith("bp1.py"))
    before = state.index.apps[root]
    state.index.source.open(path, 1, texts[path] + "\n# one\n")
    state.mark_dirty(path)
    job = state.background_job()
    assert job is not None
    state.run_job(job)
    state.index.source.open(path, 2, texts[path] + "\n# two\n")
    state.mark_dirty(path)
    state.commit()
    assert state.index.apps[root] is before and path in state.dirty
    assert state.background_job() is not None  # the next round reads version 2


def test_a_job_that_fails_raises_on_the_loop_and_the_next_edit_indexes(tmp_path: Path) -> None:
    """A re-index that raises on the rules thread raises where it is committed (the publisher
    reports it), drops its files as a failed ``flush`` does, and leaves the app in place; the
    next edit is indexed as usual."""
    root, texts, state = start(tmp_path, imported_back=False)
    path = next(p for p in texts if p.endswith("bp1.py"))
    before = state.index.apps[root]
    reindex = state.reindex

    def broken(app: App, changed: list[str]) -> App:
        raise RuntimeError("the indexer broke")

    state.reindex = broken  # type: ignore[method-assign]
    state.index.source.open(path, 1, texts[path] + "\n# one\n")
    state.mark_dirty(path)
    job = state.background_job()
    assert job is not None
    state.run_job(job)
    with pytest.raises(RuntimeError, match="the indexer broke"):
        state.commit()
    assert state.index.apps[root] is before and not state.dirty
    state.reindex = reindex  # type: ignore[method-assign]
    texts[path] += "\n# two\n"
    state.index.source.open(path, 2, texts[path])
    state.mark_dirty(path)
    assert state.app_fresh(path) is state.index.apps[root] is not before
    assert_same_app(state.index.apps[root], fresh(root, texts), "after the failure")
