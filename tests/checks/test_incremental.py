"""Incremental checking (issue 16): after every edit of a random sequence, the findings the
language server's path gives (the index re-built one file at a time, ``IncrementalCheck``
re-running the per-function checkers of the changed files only) equal a full check of the
same texts (a fresh index, ``check_app``: what ``funcls check`` does)."""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from funcls.checks.config import resolve_config
from funcls.checks.engine import IncrementalCheck, check_app
from funcls.checks.findings import Finding
from funcls.lsp.settings import Settings
from funcls.lsp.state import EngineChecker, IndexState
from funcls.model.loader import load_app
from funcls.model.source import Source
from funcls.model.workspace import Workspace

KINDS = ("queue", "timer", "http", "blob")
# The functions write_app puts in blueprints/bp0.py and bp2.py.
KINDS_OF_BP0_BP2 = [(KINDS[i % 4], i) for i in (0, 1, 2, 3, 8, 9, 10, 11)]


def function(kind: str, i: int, target: str) -> str:
    if kind == "queue":
        return (
            f"@{target}.queue_trigger(arg_name='msg', queue_name=QUEUE, "
            "connection='AzureWebJobsStorage')\n"
            f"def queue_{i}(msg: func.QueueMessage) -> None:\n    logging.info(msg)\n"
        )
    if kind == "timer":
        return (
            f"@{target}.timer_trigger(schedule='0 */5 * * * *', arg_name='timer')\n"
            f"def timer_{i}(timer: func.TimerRequest) -> None:\n    logging.info(timer)\n"
        )
    if kind == "http":
        return (
            f"@{target}.route(route='things{i}/{{id:int}}', methods=['GET'])\n"
            f"def http_{i}(req: func.HttpRequest) -> func.HttpResponse:\n"
            "    return func.HttpResponse('ok')\n"
        )
    return (
        f"@{target}.blob_trigger(arg_name='blob', path='uploads/{{name}}', "
        "connection='AzureWebJobsStorage')\n"
        f"def blob_{i}(blob: func.InputStream) -> None:\n    logging.info(blob.name)\n"
    )


LATE_IMPORT = "\n\nfrom blueprints import late  # noqa: E402,F401\n"
BP_LINE = "bp = func.Blueprint()\n"


def write_app(root: Path, imported_back: bool = False) -> None:
    """The app of the random edits; ``imported_back``: blueprints/bp2.py ends by importing
    blueprints/late.py, which decorates on bp2's blueprint and on the script's app (the shape
    of AGVANKU/agent.agcloud.it)."""
    (root / "blueprints").mkdir(parents=True)
    (root / "host.json").write_text(json.dumps({"version": "2.0"}, indent=2) + "\n")
    settings = {
        "IsEncrypted": False,
        "Values": {
            "FUNCTIONS_WORKER_RUNTIME": "python",
            "AzureWebJobsStorage": "UseDevelopmentStorage=true",
        },
    }
    (root / "local.settings.json").write_text(json.dumps(settings, indent=2) + "\n")
    (root / "requirements.txt").write_text("azure-functions\n")
    (root / "blueprints" / "__init__.py").write_text("")
    (root / "blueprints" / "names.py").write_text('QUEUE = "orders"\n')
    main = [
        "import logging\n\nimport azure.functions as func\n\n",
        "from blueprints.names import QUEUE\n",
    ]
    main += [f"from blueprints.bp{m} import bp as bp{m}\n" for m in range(3)]
    main.append("\napp = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)\n\n")
    main.append(function("timer", 900, "app") + "\n\n")
    main += [f"app.register_functions(bp{m})\n" for m in range(3)]
    (root / "function_app.py").write_text("".join(main))
    i = 0
    for m in range(3):
        src = [
            "import logging\n\nimport azure.functions as func\n\n",
            "from blueprints.names import QUEUE\n\nbp = func.Blueprint()\n",
        ]
        for _ in range(4):
            src.append("\n\n" + function(KINDS[i % len(KINDS)], i, "bp"))
            i += 1
        if imported_back and m == 2:
            src.append(LATE_IMPORT)
        (root / "blueprints" / f"bp{m}.py").write_text("".join(src))
    if imported_back:
        (root / "blueprints" / "late.py").write_text(
            "import logging\n\nimport azure.functions as func\n\n"
            "from blueprints.bp2 import bp\n"
            "from blueprints.names import QUEUE\n\n\n"
            + function("timer", 700, "bp")
            + "\n\n"
            + function("queue", 701, "bp")
        )
        with open(root / "function_app.py", "a") as f:
            f.write("\nimport routes  # noqa: E402,F401\n")
        (root / "routes.py").write_text(
            "import logging\n\nimport azure.functions as func\n\n"
            "from function_app import app\n\n\n" + function("http", 702, "app")
        )
    v1 = root / "legacy"
    v1.mkdir()
    (v1 / "function.json").write_text(
        json.dumps(
            {
                "scriptFile": "__init__.py",
                "bindings": [
                    {
                        "type": "queueTrigger",
                        "direction": "in",
                        "name": "msg",
                        "queueName": "legacy",
                        "connection": "AzureWebJobsStorage",
                    }
                ],
            },
            indent=2,
        )
        + "\n"
    )
    (v1 / "__init__.py").write_text(
        "import azure.functions as func\n\n\ndef main(msg: func.QueueMessage) -> None:\n    pass\n"
    )


Edit = Callable[[random.Random, dict[str, str]], tuple[str, str] | None]

STREAMING = "from azurefunctions.extensions.http.fastapi import Request  # noqa: F401\n"


def streaming_edit(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    """The HTTP streaming extension imported, or no longer, in one blueprint module: every
    HTTP function of the app, in any file, is then checked against the extension's types."""
    path = next(p for p in texts if p.endswith("bp2.py"))
    text = texts[path]
    if STREAMING in text:
        return path, text.replace(STREAMING, "", 1)
    return path, STREAMING + text


def _sub(rng: random.Random, text: str, pattern: str, new: str) -> str | None:
    hits = list(re.finditer(pattern, text))
    if not hits:
        return None
    m = rng.choice(hits)
    return text[: m.start()] + m.expand(new) + text[m.end() :]


def _module(rng: random.Random, texts: dict[str, str]) -> str:
    return rng.choice(sorted(p for p in texts if re.search(r"bp\d\.py$", p)))


def rename_binding(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    path = _module(rng, texts)
    new = _sub(
        rng, texts[path], r"arg_name='(\w+)'", rng.choice(["arg_name='\\1x'", "arg_name='msg'"])
    )
    return (path, new) if new else None


def duplicate_name(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    path = _module(rng, texts)
    new = _sub(rng, texts[path], r"def (\w+)_(\d+)\(", rng.choice(["def \\1_1(", "def timer_900("]))
    return (path, new) if new else None


def duplicate_route(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    path = _module(rng, texts)
    new = _sub(rng, texts[path], r"route='things\d+/", "route='things2/")
    return (path, new) if new else None


def rename_function(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    """A def renamed to a name of its own, back to a clash, to a name the host refuses
    (AZF313), or to one differing from another only in case: duplicate names come and go."""
    path = _module(rng, texts)
    new_name = rng.choice([f"fresh_{rng.randrange(1000)}", "9bad", "host", "Timer_900", "timer_1"])
    new = _sub(rng, texts[path], r"def (\w+)\(", f"def {new_name}(")
    return (path, new) if new else None


def route_edit(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    """A route made unique again, clashing with another only by shape (other parameter name),
    or by other methods: the route groups change both ways."""
    path = _module(rng, texts)
    choices = [
        (r"route='things\d+/", f"route='things{rng.randrange(1000)}/"),
        (r"route='things(\d+)/\{id:int\}'", "route='things2/{other:int}'"),
        (r"methods=\['GET'\]", rng.choice(["methods=['POST']", "methods=['GET', 'POST']"])),
        (r"methods=\['[A-Z', ]+'\]", "methods=['GET']"),
    ]
    pattern, repl = rng.choice(choices)
    new = _sub(rng, texts[path], pattern, repl)
    return (path, new) if new else None


def import_edit(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    """An import added or removed at the top of a blueprint module (every def below moves):
    one the app does not have, a second import of the constant, a module of the app."""
    path = _module(rng, texts)
    text = texts[path]
    lines = ["import os  # noqa: F401\n", "from blueprints.names import QUEUE as Q2  # noqa\n"]
    lines.append("from blueprints import names  # noqa: F401\n")
    present = [line for line in lines if text.startswith(line)]
    if present:
        return path, text[len(present[0]) :]
    return path, rng.choice(lines) + text


ACTIVITY = (
    "\n\n@bp.activity_trigger(input_name='name')\n"
    "def hello_activity(name: str) -> str:\n    return name\n"
)


def durable_edit(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    """A Durable Functions activity added to or removed from a blueprint module (AZF309 while
    requirements.txt does not list the package), or the package listed or not."""
    if rng.random() < 0.3:
        path = next(p for p in texts if p.endswith("requirements.txt"))
        text = texts[path]
        durable = "azure-functions-durable\n"
        return path, text.replace(durable, "") if durable in text else text + durable
    path = _module(rng, texts)
    text = texts[path]
    return path, text.replace(ACTIVITY, "") if ACTIVITY in text else text + ACTIVITY


def bad_value(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    path = _module(rng, texts)
    choices = [
        (r"schedule='[^']*'", "schedule='0 */5 * *'"),
        (r"path='uploads/\{name\}'", "path='Uploads_/{name}'"),
        (r"connection='AzureWebJobsStorage'", "connection='MissingConnection'"),
        (r"methods=\['GET'\]", "methods=['FETCH']"),
        (r"queue_name=QUEUE", "queue_name='Bad_Queue'"),
        (r"\(req: func.HttpRequest\)", "(req: str)"),
    ]
    pattern, new = rng.choice(choices)
    text = _sub(rng, texts[path], pattern, new)
    return (path, text) if text else None


def break_syntax(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    path = _module(rng, texts)
    text = texts[path]
    if "def broken(:" in text:
        return path, text.replace("def broken(:\n    pass\n", "")
    return path, text + "\ndef broken(:\n    pass\n"


def suppress(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    path = _module(rng, texts)
    new = _sub(rng, texts[path], r"(arg_name='\w+'\))\n", "\\1  # funcls: ignore\n")
    return (path, new) if new else None


def move_function(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    """Lines move: every function below the edit changes position."""
    path = _module(rng, texts)
    text = texts[path]
    return path, text.replace("bp = func.Blueprint()\n", "bp = func.Blueprint()\n\n# moved\n", 1)


def settings_edit(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    path = next(p for p in texts if p.endswith("local.settings.json"))
    data = json.loads(texts[path])
    values = data["Values"]
    if rng.random() < 0.5 and "MissingConnection" not in values:
        values["MissingConnection"] = "UseDevelopmentStorage=true"
    elif "AzureWebJobsStorage" in values and rng.random() < 0.5:
        del values["AzureWebJobsStorage"]
    else:
        values["AzureWebJobsStorage"] = "UseDevelopmentStorage=true"
        values.pop("MissingConnection", None)
    return path, json.dumps(data, indent=2) + "\n"


def host_edit(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    path = next(p for p in texts if p.endswith("host.json"))
    prefix = rng.choice(["", "api", "v1", None])
    data: dict[str, object] = {"version": "2.0"}
    if prefix is not None:
        data["extensions"] = {"http": {"routePrefix": prefix}}
    return path, json.dumps(data, indent=2) + "\n"


def constant_edit(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    """A module the decorators read a constant from: their functions must be built again."""
    path = next(p for p in texts if p.endswith("names.py"))
    return path, f'QUEUE = "{rng.choice(["orders", "Bad_Queue", "x"])}"\n'


def main_edit(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    path = next(p for p in texts if p.endswith("function_app.py"))
    text = texts[path]
    choices = [
        ("AuthLevel.FUNCTION", "AuthLevel.ANONYMOUS"),
        ("AuthLevel.ANONYMOUS", "AuthLevel.FUNCTION"),
        ("app.register_functions(bp1)\n", ""),
        (
            "app.register_functions(bp0)\n",
            "app.register_functions(bp0)\napp.register_functions(bp1)\n",
        ),
    ]
    old, new = rng.choice(choices)
    if old not in text:
        return None
    return path, text.replace(old, new, 1)


def imported_back_edit(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    """The module that decorates on an imported-back blueprint and app, or the import that
    runs it: its functions change, clash with the blueprint's own, or leave the index."""
    late = next((p for p in texts if p.endswith("late.py")), None)
    if late is None:
        return None
    bp2 = next(p for p in texts if p.endswith("bp2.py"))
    choice = rng.randrange(5)
    if choice == 0:  # a value in the imported-back function
        old, new = rng.choice([("*/5 * * * *", "*/5 * *"), ("*/5 * *'", "*/5 * * * *'")])
        return late, texts[late].replace(old, new, 1)
    if choice == 1:  # its name clashes with one of bp2's, or no longer
        old, new = rng.choice(
            [("def timer_700(", "def queue_8("), ("def queue_8(", "def timer_700(")]
        )
        return late, texts[late].replace(old, new, 1)
    if choice == 2:  # the import that runs it, removed or put back
        text = texts[bp2]
        return bp2, text.replace(LATE_IMPORT, "") if LATE_IMPORT in text else text + LATE_IMPORT
    if choice == 3:  # the import above the blueprint: a circular import that fails
        text = texts[bp2]
        if LATE_IMPORT not in text:
            return None
        if text.index(LATE_IMPORT) > text.index(BP_LINE):
            text = text.replace(LATE_IMPORT, "").replace(BP_LINE, LATE_IMPORT + BP_LINE)
        else:
            text = text.replace(LATE_IMPORT, "") + LATE_IMPORT
        return bp2, text
    # A line added at the top of either module: every def in it moves.
    path = rng.choice([late, next(p for p in texts if p.endswith("routes.py"))])
    text = texts[path]
    return path, text[1:] if text.startswith("\n") else "\n" + text


def v1_edit(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    path = next(p for p in texts if p.endswith("function.json"))
    text = texts[path]
    if '"name": "msg"' in text:
        return path, text.replace('"name": "msg"', '"name": "message"')
    return path, text.replace('"name": "message"', '"name": "msg"')


def decorator_base_edit(rng: random.Random, texts: dict[str, str]) -> tuple[str, str] | None:
    """``@app.`` left on a function of bp0.py, where only ``bp`` is bound (AZF609), or back."""
    path = next(p for p in texts if p.endswith("bp0.py"))
    text = texts[path]
    if "\n@app." in text:
        return path, text.replace("\n@app.", "\n@bp.", 1)
    return path, text.replace("\n@bp.", "\n@app.", 1)


EDITS: list[Edit] = [
    rename_binding,
    duplicate_name,
    duplicate_route,
    rename_function,
    route_edit,
    import_edit,
    durable_edit,
    bad_value,
    break_syntax,
    suppress,
    move_function,
    settings_edit,
    host_edit,
    constant_edit,
    main_edit,
    v1_edit,
    streaming_edit,
    imported_back_edit,
    decorator_base_edit,
]


def key(root: str, f: Finding) -> tuple[object, ...]:
    r = f.range
    return (
        f.code,
        os.path.relpath(f.path, root),
        (r.start.line, r.start.column, r.end.line, r.end.column),
        f.message,
        f.severity,
        len(f.related),
        tuple(x.title for x in f.fixes),
    )


def full_check(root: str, texts: dict[str, str], settings: Settings) -> list[tuple[object, ...]]:
    source = Source()
    for version, (path, text) in enumerate(sorted(texts.items())):
        source.open(path, version, text)
    app = load_app(root, source)
    config = resolve_config(root, settings.select, settings.ignore, settings.severity)
    return sorted(key(root, f) for f in check_app(app, config))


@pytest.mark.parametrize("seed", range(6))
def test_random_edits_find_what_a_full_check_finds(tmp_path: Path, seed: int) -> None:
    root = tmp_path / "app"
    write_app(root, imported_back=seed >= 3)
    rng = random.Random(seed)
    settings = Settings(severity={"AZF2": "warning"}) if seed % 2 else Settings()
    texts = {
        str(p): p.read_text()
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".py", ".json", ".txt")
    }
    checker = EngineChecker()
    state = IndexState(Workspace([str(tmp_path)]), checker)
    state.settings = settings
    state.index.index_all()
    for path, text in texts.items():
        state.index.source.open(path, 0, text)
    version = 1
    rechecked_some_only = False
    read_some_only = False
    codes_seen: set[object] = set()
    edits = EDITS
    if seed >= 3:
        # The imported-back functions are in the index from the start, and edited often.
        names = {f.name for f in state.index.apps[str(root)].functions}
        assert {"timer_700", "queue_701", "http_702"} <= names
        edits = [*EDITS, *[imported_back_edit] * 6]
    for step in range(30):
        edit = rng.choice(edits)
        change = edit(rng, texts)
        if change is None:
            continue
        path, text = change
        texts[path] = text
        version += 1
        state.index.source.open(path, version, text)
        state.mark_dirty(path)
        state.flush()
        incremental = sorted(key(str(root), f) for f in state.findings(str(root)))
        full = full_check(str(root), texts, settings)
        assert incremental == full, f"seed {seed}, step {step}: {edit.__name__} of {path}"
        codes_seen.update(k[0] for k in full)
        engine = checker.apps[str(root)]
        app = state.index.apps[str(root)]
        total = len(app.functions) + len(app.unregistered) + len(app.misplaced)
        if engine.rechecked and len(engine.rechecked) < total:
            rechecked_some_only = True
        # The app-wide checkers kept per function (checks.wide: names, routes, Durable use)
        # read each function at most once each per pass, and fewer after most edits.
        assert engine.wide.read <= 3 * len(app.functions)
        if 0 < engine.wide.read < len(app.functions):
            read_some_only = True
        engine.wide.read = 0
    # The incremental path did skip work: some edit re-checked fewer files than the app has.
    assert rechecked_some_only
    assert read_some_only
    # The kept app-wide checkers had something to find: clashing routes or names, a Durable
    # activity without its package in requirements.txt (which of them depends on the seed).
    assert codes_seen & {"AZF302", "AZF303", "AZF309"}


def test_an_edit_rechecks_the_functions_it_changed(tmp_path: Path) -> None:
    root = tmp_path / "app"
    write_app(root)
    source = Source()
    engine = IncrementalCheck()
    config = resolve_config(str(root))
    app = load_app(str(root), source)
    base = {f.code for f in engine.run(app, config)}
    # 12 in blueprints and 1 in the script; the v1 folder beside a script with functions is
    # not loaded by the host, nor listed (AZF304 names it)
    assert len(engine.rechecked) == len(app.functions) == 13
    bp1 = root / "blueprints" / "bp1.py"
    source.open(str(bp1), 1, bp1.read_text().replace("arg_name='msg'", "arg_name='msgs'"))
    found = engine.run(load_app(str(root), source), config)
    # The first change in a file checks its functions again one by one, the next ones only
    # the function they change.
    assert [f.name for f in engine.rechecked] == ["queue_4", "timer_5", "http_6", "blob_7"]
    assert {f.code for f in found} - base == {"AZF200", "AZF201"}
    text = source.text(str(bp1)) or ""
    source.open(str(bp1), 3, text.replace("schedule='0 */5 * * * *'", "schedule='0 */5 *'"))
    found = engine.run(load_app(str(root), source), config)
    assert [f.name for f in engine.rechecked] == ["timer_5"]
    assert {f.code for f in found} - base == {"AZF200", "AZF201", "AZF500"}
    # A line added above: every def below it moves. Their functions and findings are copies
    # moved one line down (issue 16, model.shift), not checked again, but for queue_4, which
    # reads QUEUE from another module and is built again.
    source.open(str(bp1), 4, "# a comment\n" + (source.text(str(bp1)) or ""))
    moved = engine.run(load_app(str(root), source), config)
    assert [f.name for f in engine.rechecked] == ["queue_4"]
    assert [(f.code, f.range.start.line - 1) for f in moved if f.path == str(bp1)] == [
        (f.code, f.range.start.line) for f in found if f.path == str(bp1)
    ]
    # The module the decorators read QUEUE from: the functions that read it are built again.
    names = str(root / "blueprints" / "names.py")
    source.open(names, 1, 'QUEUE = "Bad_Queue"\n')
    found = engine.run(load_app(str(root), source), config)
    # (bp1's queue_4 alone; bp0 and bp2 change for the first time: all of their functions)
    rechecked = sorted(f.name for f in engine.rechecked)
    assert rechecked == sorted(["queue_4", *(f"{k}_{i}" for k, i in KINDS_OF_BP0_BP2)])
    assert "AZF504" in {f.code for f in found} - base


def test_app_wide_rules_read_only_the_functions_an_edit_changed(tmp_path: Path) -> None:
    """Duplicate names and routes (checks.wide) read a function again only when its Function
    object is new; the findings still come and go with the clash."""
    root = tmp_path / "app"
    write_app(root)
    source = Source()
    engine = IncrementalCheck()
    config = resolve_config(str(root))
    app = load_app(str(root), source)
    engine.run(app, config)
    assert engine.wide.read == 3 * len(app.functions)  # names, routes, durable use
    bp1 = root / "blueprints" / "bp1.py"
    text = bp1.read_text()
    assert "route='things6/" in text
    engine.wide.read = 0
    source.open(str(bp1), 1, text.replace("route='things6/", "route='things2/"))
    clash = engine.run(load_app(str(root), source), config)
    assert engine.wide.read == 3  # http_6, once for each checker
    assert [(f.code, f.function) for f in clash if f.code == "AZF303"] == [("AZF303", "http_6")]
    engine.wide.read = 0
    source.open(str(bp1), 2, text.replace("def timer_5(", "def http_2("))
    renamed = engine.run(load_app(str(root), source), config)
    assert engine.wide.read == 6  # http_6 back and timer_5 renamed
    assert "AZF303" not in {f.code for f in renamed}
    assert [f.code for f in renamed if f.code in ("AZF302", "AZF303")] == ["AZF302"]
    # The host's route prefix: every route is read again.
    engine.wide.read = 0
    host = str(root / "host.json")
    source.open(
        host, 1, json.dumps({"version": "2.0", "extensions": {"http": {"routePrefix": ""}}})
    )
    engine.run(load_app(str(root), source), config)
    assert engine.wide.read == len(app.functions)


MODULE = '''import logging
import azure.functions as func
from blueprints.names import QUEUE

bp = func.Blueprint()
LIMIT = 5
TEXT = """
@bp.route(route="not/a/def")
def not_a_function(req): ...
"""


@bp.queue_trigger(arg_name="msg", queue_name=QUEUE, connection="AzureWebJobsStorage")
def first(msg: func.QueueMessage) -> None:
    logging.info(msg)


@bp.route(route="items/{id}", methods=["GET"])
def second(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(str(LIMIT))


class Helper:
    @bp.timer_trigger(schedule="0 */5 * * * *", arg_name="timer")
    def method(self, timer):
        pass


def plain(x):
    return x


bp.route(route="by-hand")(plain)

if True:
    @bp.route(route="guarded")
    def third(req):
        return None
'''

LINE_EDITS = [
    ('arg_name="msg"', 'arg_name="msgs"'),
    ('route="items/{id}"', 'route="items/{id:int}"'),
    ("LIMIT = 5", "LIMIT = 6"),
    ("from blueprints.names import QUEUE", "from blueprints.other import QUEUE"),
    ("def second(req", "def second(request"),
    ('methods=["GET"])', 'methods=["GET"]'),  # a syntax error, then back
    ("    return x", '    return """x'),
    ("-> None:", "-> int:"),
    ('route="by-hand"', 'route="by-foot"'),
    ('route="guarded"', 'route="kept"'),
    ("def not_a_function", "def still_not"),
]


@pytest.mark.parametrize("seed", range(4))
def test_analysis_kept_between_edits_equals_a_fresh_one(seed: int) -> None:
    """analyse_module with the memo of the previous analysis (the defs it keeps, the tree it
    splices one statement into) gives exactly what a fresh analysis of the same text gives."""
    from funcls.model.python.module import analyse_module, keep_tree

    rng = random.Random(seed)
    memo: dict[tuple[object, ...], object] = {}
    keep_tree(memo)  # type: ignore[arg-type]
    text = MODULE
    analyse_module("/app/bp.py", text, memo)  # type: ignore[arg-type]
    for _ in range(40):
        old, new = rng.choice(LINE_EDITS)
        if rng.random() < 0.5:
            old, new = new, old
        if old not in text:
            continue
        text = text.replace(old, new, 1)
        kept = analyse_module("/app/bp.py", text, memo)  # type: ignore[arg-type]
        assert kept == analyse_module("/app/bp.py", text), (old, new)


def test_a_file_changed_on_disk_before_the_app_is_indexed_again(tmp_path: Path) -> None:
    """The server may check an app after a file changed on disk but before the change is
    indexed (the watcher's notification comes later): what is kept must follow the app's
    contents, not the disk's, or the re-indexed app would get the stale findings."""
    root = tmp_path / "app"
    write_app(root)
    checker = EngineChecker()
    state = IndexState(Workspace([str(tmp_path)]), checker)
    state.index.index_all()
    before = {f.code for f in state.findings(str(root))}
    settings = root / "local.settings.json"
    data = json.loads(settings.read_text())
    del data["Values"]["AzureWebJobsStorage"]
    settings.write_text(json.dumps(data, indent=2) + "\n")
    state.invalidate_findings()
    assert {f.code for f in state.findings(str(root))} == before  # not indexed yet
    state.mark_dirty(str(settings))
    state.flush()
    assert "AZF403" in {f.code for f in state.findings(str(root))} - before
    assert sorted(key(str(root), f) for f in state.findings(str(root))) == full_check(
        str(root),
        {str(p): p.read_text() for p in root.rglob("*") if p.suffix in (".py", ".json", ".txt")},
        Settings(),
    )


def test_only_open_documents_keep_their_syntax_tree(tmp_path: Path) -> None:
    from funcls.model.python.module import _TREE

    path = tmp_path / "bp.py"
    path.write_text(MODULE)
    source = Source()
    source.module(str(path))
    assert _TREE not in source.memo["defs:" + str(path)]  # type: ignore[operator]
    source.open(str(path), 1, MODULE.replace("LIMIT = 5", "LIMIT = 7"))
    source.module(str(path))
    assert _TREE in source.memo["defs:" + str(path)]  # type: ignore[operator]
    source.close(str(path))
    source.module(str(path))
    assert _TREE not in source.memo["defs:" + str(path)]  # type: ignore[operator]
