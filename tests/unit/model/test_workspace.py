"""Workspace discovery and incremental re-indexing."""

from __future__ import annotations

import json
from pathlib import Path

from funcls.model.source import Source
from funcls.model.workspace import Workspace, find_app_roots

V2 = """import azure.functions as func
app = func.FunctionApp()

@app.route(route="a")
def a(req):
    pass
"""


def make(root: Path) -> None:
    (root / "apps" / "one").mkdir(parents=True)
    (root / "apps" / "one" / "host.json").write_text('{"version": "2.0"}')
    (root / "apps" / "one" / "function_app.py").write_text(V2)
    (root / "apps" / "two" / "F").mkdir(parents=True)
    (root / "apps" / "two" / "host.json").write_text('{"version": "2.0"}')
    (root / "apps" / "two" / "F" / "function.json").write_text(
        json.dumps(
            {
                "bindings": [
                    {"type": "queueTrigger", "direction": "in", "name": "m", "queueName": "q"}
                ]
            }
        )
    )
    (root / "apps" / "two" / "F" / "__init__.py").write_text("def main(m):\n    pass\n")
    (root / ".venv" / "lib").mkdir(parents=True)
    (root / ".venv" / "lib" / "host.json").write_text("{}")
    (root / "node_modules" / "x").mkdir(parents=True)
    (root / "node_modules" / "x" / "function_app.py").write_text("")


def test_find_app_roots_skips_environments(tmp_path: Path) -> None:
    make(tmp_path)
    assert find_app_roots(str(tmp_path)) == [
        str(tmp_path / "apps" / "one"),
        str(tmp_path / "apps" / "two"),
    ]


class CountingSource(Source):
    """A real Source that counts how many files it parses."""

    parsed: list[str]

    def __init__(self) -> None:
        super().__init__()
        self.parsed = []

    def _read_disk(self, p: str) -> str | None:
        self.parsed.append(p)
        return super()._read_disk(p)


def test_apps_of_other_languages_in_a_monorepo_are_not_taken_for_python_apps(
    tmp_path: Path,
) -> None:
    # The corpus' repositories hold C#, JavaScript, TypeScript, Java and PowerShell apps next
    # to Python ones (the extensions' samples, the host's test scripts, yeongseon's guide):
    # funcls took 216 of them for Python apps and reported 1,100 errors there (index.js not
    # found as a Python script, no requirements.txt, FUNCTIONS_WORKER_RUNTIME not python).
    http = {"bindings": [{"type": "httpTrigger", "direction": "in", "name": "req"}]}

    def app(name: str, files: dict[str, str]) -> None:
        for rel, text in {"host.json": '{"version": "2.0"}', **files}.items():
            path = tmp_path / name / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

    # Evidence of another worker, and no Python file at the root or in a function folder.
    app("node", {"Hello/function.json": json.dumps(http), "Hello/index.js": "module.exports=1"})
    app("ts", {"Hi/function.json": json.dumps({**http, "scriptFile": "../dist/Hi/index.js"})})
    app("csharp", {"Api.csproj": "<Project />"})
    app("custom_handler", {"server.js": "", "Hello/function.json": json.dumps(http)})
    app(
        "ps",
        {"local.settings.json": json.dumps({"Values": {"FUNCTIONS_WORKER_RUNTIME": "powershell"}})},
    )
    # Python apps stay, whatever else they hold; a folder with nothing either way stays too.
    app("py_v1", {"F/function.json": json.dumps(http), "F/__init__.py": "def main(req): ..."})
    app(
        "py_v2_node_runtime",
        {
            "function_app.py": V2,
            "local.settings.json": json.dumps({"Values": {"FUNCTIONS_WORKER_RUNTIME": "node"}}),
        },
    )
    app("py_with_package_json", {"package.json": "{}", "helpers.py": ""})
    app("empty", {})
    found = [Path(r).name for r in find_app_roots(str(tmp_path))]
    assert found == ["empty", "py_v1", "py_v2_node_runtime", "py_with_package_json"]


def test_a_change_rereads_only_that_file(tmp_path: Path) -> None:
    make(tmp_path)
    src = CountingSource()
    ws = Workspace([str(tmp_path)], src)
    ws.index_all()
    assert len(ws.apps) == 2
    src.parsed.clear()
    script = tmp_path / "apps" / "one" / "function_app.py"
    touched = ws.open_document(str(script), 1, V2.replace('route="a"', 'route="b"'))
    assert touched == [str(tmp_path / "apps" / "one")]
    app = ws.apps[str(tmp_path / "apps" / "one")]
    assert app.functions[0].trigger is not None
    assert app.functions[0].trigger.get("route") == "b"
    assert src.parsed == []  # the overlay came from the editor; nothing re-read from disk
    src.parsed.clear()
    fjson = tmp_path / "apps" / "two" / "F" / "function.json"
    fjson.write_text(fjson.read_text().replace('"q"', '"q2"'))
    assert ws.changed(str(fjson)) == [str(tmp_path / "apps" / "two")]
    assert src.parsed == [str(fjson)]
    assert ws.apps[str(tmp_path / "apps" / "two")].functions[0].bindings[0].get("queueName") == "q2"


def test_new_and_deleted_apps(tmp_path: Path) -> None:
    make(tmp_path)
    ws = Workspace([str(tmp_path)])
    ws.index_all()
    new = tmp_path / "apps" / "three"
    new.mkdir()
    (new / "host.json").write_text('{"version": "2.0"}')
    assert str(new) in ws.changed(str(new / "host.json"))
    assert str(new) in ws.apps
    (new / "host.json").unlink()
    ws.changed(str(new / "host.json"))
    assert str(new) not in ws.apps


def test_app_for_path(tmp_path: Path) -> None:
    make(tmp_path)
    ws = Workspace([str(tmp_path)])
    ws.index_all()
    app = ws.app_for_path(str(tmp_path / "apps" / "two" / "F" / "__init__.py"))
    assert app is not None and app.root == str(tmp_path / "apps" / "two")
    assert ws.app_for_path(str(tmp_path / "elsewhere.py")) is None


def test_find_app_roots_asks_only_for_listed_marker_files(tmp_path: Path) -> None:
    """A folder's marker files that its listing lacks are not asked of the system (issue 16);
    the roots stay those the system's answers give: a marker in another case (a file system
    that tells case apart finds no host.json), a FIFO or a broken link named host.json, a
    folder named host.json, a script named in local.settings.json (also in a subfolder), and a
    script open in the editor but not saved."""
    import os

    def write(rel: str, text: str = "") -> None:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    write("case/Host.JSON", "{}")
    write("case/F/function.json", "{}")
    (tmp_path / "fifo").mkdir()
    os.mkfifo(tmp_path / "fifo" / "host.json")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "host.json").symlink_to(tmp_path / "nowhere")
    write("folder/host.json/inside.txt")
    write("named/local.settings.json", '{"Values": {"PYTHON_SCRIPT_FILE_NAME": "main.py"}}')
    write("named/main.py")
    write("deeper/local.settings.json", '{"Values": {"PYTHON_SCRIPT_FILE_NAME": "sub/app.py"}}')
    write("deeper/sub/app.py")
    (tmp_path / "unsaved").mkdir()
    root = str(tmp_path)
    expected = [os.path.join(root, name) for name in ("case", "deeper", "fifo", "named", "unsaved")]
    editor = Source()
    editor.overlays[os.path.join(root, "unsaved", "function_app.py")] = (1, "")
    assert find_app_roots(root, editor) == expected
    without_unsaved = [p for p in expected if not p.endswith("unsaved")]
    assert find_app_roots(root) == without_unsaved
    assert find_app_roots(root, Source(snapshot=True)) == without_unsaved
