"""The v1 indexer and app loading: defaults, overrides, problems with positions."""

from __future__ import annotations

import json
from pathlib import Path

from funcls.model.loader import load_app
from funcls.model.locations import Range
from funcls.model.source import Source


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


HTTP = {
    "bindings": [
        {
            "authLevel": "anonymous",
            "type": "httpTrigger",
            "direction": "in",
            "name": "req",
            "methods": ["get"],
            "route": "hello/{name}",
        },
        {"type": "http", "direction": "out", "name": "$return"},
    ]
}


def test_defaults_script_and_entry_point(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "host.json": '{"version": "2.0"}',
            "Hello/function.json": json.dumps(HTTP),
            "Hello/__init__.py": "import azure.functions as func\n\ndef main(req: func.HttpRequest) -> str:\n    return 'hi'\n",
        },
    )
    app = load_app(str(root), Source())
    assert app.model == "v1" and app.problems == []
    fn = app.functions[0]
    assert (fn.name, fn.entry_point, fn.script_file_name) == ("Hello", "main", "__init__.py")
    assert fn.entry_found and fn.script_exists
    assert [p.name for p in fn.parameters] == ["req"]
    assert fn.parameters[0].annotation is not None
    assert fn.parameters[0].annotation.qualname == "azure.functions.HttpRequest"
    assert [b.to_json() for b in fn.bindings] == HTTP["bindings"]
    req = fn.bindings[0]
    col = json.dumps(HTTP).index('"req"')
    assert req.name_range == Range.of(0, col, 0, col + 5)
    assert req.value("route") is not None


def test_script_file_and_entry_point_overrides(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "host.json": '{"version": "2.0"}',
            "Alt/function.json": json.dumps(
                {"scriptFile": "handlers.py", "entryPoint": "handle", **HTTP}
            ),
            "Alt/handlers.py": "def handle(req):\n    return 'x'\n",
            "Gone/function.json": json.dumps({"scriptFile": "../shared/missing.py", **HTTP}),
            "NoEntry/function.json": json.dumps(HTTP),
            "NoEntry/__init__.py": "def not_main(req):\n    pass\n",
        },
    )
    app = load_app(str(root), Source())
    by = {f.name: f for f in app.functions}
    assert by["Alt"].entry_point == "handle" and by["Alt"].entry_found
    assert by["Alt"].script_path == str(root / "Alt" / "handlers.py")
    assert by["Gone"].script_exists is False
    assert by["Gone"].script_file is not None and by["Gone"].script_file.range is not None
    assert by["NoEntry"].script_exists and not by["NoEntry"].entry_found


def test_broken_json_keeps_complete_bindings_and_reports_position(tmp_path: Path) -> None:
    text = '{\n  "bindings": [\n    {"type": "queueTrigger", "direction": "in", "name": "msg", "queueName": "q"},\n    {"type": "blob", "name": "b"\n'
    root = write(
        tmp_path,
        {
            "host.json": '{"version": "2.0"}',
            "Q/function.json": text,
            "Q/__init__.py": "def main(msg, b):\n    pass\n",
        },
    )
    app = load_app(str(root), Source())
    fn = app.functions[0]
    assert [b.name for b in fn.bindings] == ["msg"]
    kinds = [(p.kind, p.range.start.line) for p in app.problems]
    assert kinds[0] == ("json-syntax", 4) or kinds[0][0] == "json-syntax"
    assert all(p.path.endswith("function.json") for p in app.problems)


def test_missing_host_json_and_mixed_models(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "Hello/function.json": json.dumps(HTTP),
            "Hello/__init__.py": "def main(req):\n    pass\n",
            "function_app.py": "import azure.functions as func\napp = func.FunctionApp()\n",
        },
    )
    app = load_app(str(root), Source())
    assert app.model == "mixed"
    assert "host-json-missing" in [p.kind for p in app.problems]


def test_settings_requirements_and_funcignore(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "host.json": '{"version": "2.0", "extensions": {"http": {"routePrefix": ""}}}',
            "local.settings.json": '{"IsEncrypted": false, "Values": {"AzureWebJobsStorage": "UseDevelopmentStorage=true"}, "ConnectionStrings": {"Db": "x"}}',
            "requirements.txt": "# deps\nazure-functions>=1.20\nRequests==2.0  # http\n-r other.txt\n",
            ".funcignore": ".venv\nlocal.settings.json\n",
            "function_app.py": "import azure.functions as func\napp = func.FunctionApp()\n",
        },
    )
    app = load_app(str(root), Source())
    assert app.route_prefix == ""
    assert app.setting("azurewebjobsstorage") is not None
    assert list(app.connection_strings) == ["Db"]
    assert [r.name for r in app.requirements] == ["azure-functions", "requests"]
    assert app.requirements[1].range == Range.of(2, 0, 2, 8)
    assert app.funcignore == [".venv", "local.settings.json"]


def test_unreadable_and_huge_files_are_reported(tmp_path: Path) -> None:
    root = write(tmp_path, {"host.json": '{"version": "2.0"}'})
    (root / "function_app.py").write_bytes(b"x = '\xff\xfe'\n")
    big = root / "Big"
    big.mkdir()
    (big / "function.json").write_text(" " * (5 * 1024 * 1024) + "{}")
    app = load_app(str(root), Source())
    messages = {p.kind: p.message for p in app.problems}
    assert "not UTF-8" in messages["file-unreadable"] or "KiB" in messages["file-unreadable"]
    assert sum(1 for p in app.problems if p.kind == "file-unreadable") == 2
