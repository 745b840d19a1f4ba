"""The v1 indexer on realistic and on broken apps, and on v1 twins of the v2 apps.

- tests/apps/v1_logistics and samples/v1-app: every binding funcls yields equals the
  function.json entry as written; scripts, entry points and parameters are the right ones.
- tests/apps/v1_broken: broken function.json files still yield every complete binding, and
  each error is reported once, at the place a person would fix it.
- Twins: each v2 test app is rewritten as a v1 app from the library's own
  ``get_function_json()`` output; funcls must read the twin back to the same bindings.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from funcls.model.appmodel import App, Function
from funcls.model.locations import Range
from tests.support.fidelity import differences, funcls_index, library_index

REPO = Path(__file__).resolve().parent.parent.parent
APPS_DIR = REPO / "tests" / "apps"
LOGISTICS = APPS_DIR / "v1_logistics"
BROKEN = APPS_DIR / "v1_broken"
SAMPLE = REPO / "samples" / "v1-app"


@cache
def _index(root: Path) -> App:
    return funcls_index(str(root))


def _function(root: Path, name: str) -> Function:
    fn = _index(root).function(name)
    assert fn is not None, f"{name} not indexed"
    return fn


def _function_json(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "function.json").read_text())
    return data


# -- realistic apps ------------------------------------------------------------------------

# function -> (script path relative to the app, entry point, parameters of the entry function)
LOGISTICS_FUNCTIONS = {
    "track_shipment": ("track_shipment/__init__.py", "main", ["req", "shipment"]),
    "create_shipment": ("create_shipment/api.py", "create", ["req", "doc", "labels"]),
    "print_label": ("print_label/printer.py", "main", ["job", "template", "label"]),
    "archive_scan": ("archive_scan/__init__.py", "archive", ["scan", "archived"]),
    "refresh_eta": ("refresh_eta/__init__.py", "main", ["timer", "updates"]),
    "vehicle_positions": ("vehicle_positions/__init__.py", "main", ["positions", "latest"]),
    "dispatch_notice": ("dispatch_notice/__init__.py", "main", ["notice", "context"]),
    "legacy_sync": ("legacy_sync/__init__.py", "main", ["timer"]),
}
SAMPLE_FUNCTIONS = {
    "get_product": ("get_product/__init__.py", "main", ["req"]),
    "create_order": ("create_order/handlers.py", "handle", ["req", "order_queue"]),
    "process_order": ("process_order/__init__.py", "main", ["msg", "receipt"]),
    "get_receipt": ("get_receipt/__init__.py", "main", ["req", "receipt"]),
    "heartbeat": ("heartbeat/__init__.py", "main", ["timer", "status"]),
    "summarise_price_list": ("summarise_price_list/__init__.py", "main", ["upload", "summary"]),
    "payment_received": ("payment_received/__init__.py", "main", ["payment"]),
}
REALISTIC = [(LOGISTICS, name, facts) for name, facts in LOGISTICS_FUNCTIONS.items()] + [
    (SAMPLE, name, facts) for name, facts in SAMPLE_FUNCTIONS.items()
]


@pytest.mark.parametrize("root", [LOGISTICS, SAMPLE], ids=lambda p: p.name)
def test_realistic_app_indexes_cleanly(root: Path) -> None:
    app = _index(root)
    expected = LOGISTICS_FUNCTIONS if root == LOGISTICS else SAMPLE_FUNCTIONS
    assert app.model == "v1"
    assert app.problems == []
    assert sorted(f.name for f in app.functions) == sorted(expected)
    assert "shared" not in {Path(f).name for f in app.v1_folders}


@pytest.mark.parametrize(
    ("root", "name", "facts"), REALISTIC, ids=[f"{r.name}/{n}" for r, n, _ in REALISTIC]
)
def test_realistic_function(root: Path, name: str, facts: tuple[str, str, list[str]]) -> None:
    script, entry, params = facts
    fn = _function(root, name)
    assert [b.to_json() for b in fn.bindings] == _function_json(root / name)["bindings"]
    assert fn.script_path == str(root / script) and fn.script_exists
    assert fn.entry_point == entry and fn.entry_found
    assert [p.name for p in fn.parameters] == params
    names = {b.name for b in fn.bindings} - {"$return"}
    assert names <= set(params), "every binding reaches the function"


def test_overrides_and_disabled_are_read_with_their_positions() -> None:
    create = _function(LOGISTICS, "create_shipment")
    assert create.script_file is not None and create.script_file.value == "api.py"
    assert create.script_file.range == Range.of(1, 16, 1, 24)  # "api.py" with its quotes
    assert create.entry_point_value is not None and create.entry_point_value.value == "create"
    archive = _function(LOGISTICS, "archive_scan")
    assert archive.script_file is None and archive.script_file_name == "__init__.py"
    legacy = _function(LOGISTICS, "legacy_sync")
    assert legacy.disabled is not None and legacy.disabled.value is True
    assert _function(LOGISTICS, "refresh_eta").disabled is None


# -- broken apps ---------------------------------------------------------------------------

QUEUE_AND_BLOB = [
    {
        "type": "queueTrigger",
        "direction": "in",
        "name": "msg",
        "queueName": "resize-jobs",
        "connection": "AzureWebJobsStorage",
    },
    {
        "type": "blob",
        "direction": "in",
        "name": "original",
        "path": "originals/{name}",
        "connection": "AzureWebJobsStorage",
    },
]

# function -> (script exists, entry point, entry found, parameters)
BROKEN_FUNCTIONS: dict[str, tuple[bool, str, bool, list[str]]] = {
    "lenient_json": (True, "main", True, ["msg", "original"]),
    "missing_brace": (True, "main", True, ["msg", "original"]),
    "trailing_garbage": (True, "main", True, ["msg", "original"]),
    "half_typed": (True, "main", True, ["msg", "original", "resized"]),
    "missing_script": (False, "main", False, []),
    "missing_entry": (True, "main", False, []),
    "wrong_entry_point": (True, "run_job", False, []),
    "syntax_error": (True, "main", True, ["msg", "original"]),
}


@pytest.mark.parametrize("name", sorted(BROKEN_FUNCTIONS))
def test_broken_function_keeps_its_complete_bindings(name: str) -> None:
    exists, entry, found, params = BROKEN_FUNCTIONS[name]
    fn = _function(BROKEN, name)
    assert [b.to_json() for b in fn.bindings] == QUEUE_AND_BLOB
    assert fn.script_exists is exists
    assert (fn.entry_point, fn.entry_found) == (entry, found)
    assert [p.name for p in fn.parameters] == params


def test_missing_script_is_where_function_json_points() -> None:
    fn = _function(BROKEN, "missing_script")
    assert fn.script_path == str(BROKEN / "missing_script" / "worker.py")
    assert fn.script_file is not None and fn.script_file.range == Range.of(1, 16, 1, 27)


def _position(path: Path, needle: str) -> tuple[int, int]:
    """0-based line and column of the first ``needle`` in ``path``."""
    lines = path.read_text().split("\n")
    for i, line in enumerate(lines):
        if needle in line:
            return i, line.index(needle)
    raise AssertionError(f"{needle!r} not in {path}")


def test_broken_app_problems_are_exact() -> None:
    app = _index(BROKEN)
    half = BROKEN / "half_typed" / "function.json"
    garbage = BROKEN / "trailing_garbage" / "function.json"
    syntax = BROKEN / "syntax_error" / "__init__.py"
    half_lines = half.read_text().split("\n")
    na_line, na_col = len(half_lines) - 1, half_lines[-1].index('"na')  # the file ends in it
    brace_line = (BROKEN / "missing_brace" / "function.json").read_text().rstrip().count("\n")
    garbage_lines = garbage.read_text().split("\n")
    garbage_line = garbage_lines.index("}", garbage_lines.index("}") + 1)  # the second "}"
    if_line, _ = _position(syntax, "if msg.dequeue_count > 1")
    if_end = len(syntax.read_text().split("\n")[if_line])
    found = sorted(
        (str(Path(p.path).relative_to(BROKEN)), p.kind, p.range, p.message) for p in app.problems
    )
    assert found == sorted(
        [
            (
                "half_typed/function.json",
                "json-syntax",
                Range.of(na_line, na_col, na_line, na_col + 3),
                "string is not closed: add '\"'",
            ),
            # The brackets the open string leaves open are its consequences: no error of theirs.
            (
                "missing_brace/function.json",
                "json-syntax",
                Range.of(brace_line, 2, brace_line, 3),  # the last ']', where '}' goes
                "object is not closed: add '}' (it opens on line 1)",
            ),
            (
                "trailing_garbage/function.json",
                "json-syntax",
                Range.of(garbage_line, 0, garbage_line + 2, 0),  # to the end of the file
                "unexpected '}' after the end of the JSON value",
            ),
            (
                "syntax_error/__init__.py",
                "python-syntax",
                Range.of(if_line, if_end, if_line, if_end),  # where the ':' is missing
                "expected ':'",
            ),
        ]
    )


def test_healthy_function_beside_broken_ones_is_untouched() -> None:
    fn = _function(BROKEN, "healthy")
    assert [b.to_json() for b in fn.bindings] == _function_json(BROKEN / "healthy")["bindings"]
    assert fn.entry_found and [p.name for p in fn.parameters] == ["req"]
    assert not [p for p in _index(BROKEN).problems if "/healthy/" in p.path]


# -- v1 twins of the v2 apps -----------------------------------------------------------------


def _v2_apps() -> list[tuple[Path, str]]:
    out = []
    for root in sorted(APPS_DIR.glob("v2_*")):
        settings = root / "local.settings.json"
        values = json.loads(settings.read_text()).get("Values", {}) if settings.exists() else {}
        out.append((root, values.get("PYTHON_SCRIPT_FILE_NAME", "function_app.py")))
    return out


def _write_twin(library: dict[str, list[dict[str, Any]]], dest: Path) -> dict[str, list[str]]:
    """One folder per function with the library's bindings; returns the expected parameters."""
    (dest / "host.json").write_text('{"version": "2.0"}')
    params: dict[str, list[str]] = {}
    for name, bindings in library.items():
        folder = dest / name
        folder.mkdir()
        (folder / "function.json").write_text(json.dumps({"bindings": bindings}, indent=2))
        params[name] = [b["name"] for b in bindings if b["name"] != "$return"]
        (folder / "__init__.py").write_text(f"def main({', '.join(params[name])}):\n    pass\n")
    return params


@pytest.mark.parametrize(("root", "script"), _v2_apps(), ids=lambda v: getattr(v, "name", v))
def test_v1_twin_of_a_v2_app_reads_back_the_same(root: Path, script: str, tmp_path: Path) -> None:
    library = library_index(str(root), script=script)
    params = _write_twin(library, tmp_path)
    twin = funcls_index(str(tmp_path))
    assert twin.model == "v1" and twin.problems == []
    diff = differences(twin, library)
    assert not diff, "\n".join(diff)
    for fn in twin.functions:
        assert fn.entry_found and [p.name for p in fn.parameters] == params[fn.name]
        # v1 keeps what function.json says, e.g. the library's upper-case "IN"/"OUT".
        assert [b.direction for b in fn.bindings] == [b["direction"] for b in library[fn.name]]


def test_every_v2_app_has_a_twin() -> None:
    assert len(_v2_apps()) >= 5
