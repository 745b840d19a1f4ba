"""host.json's "functions" allow list: the host loads only the functions it names, ignoring
case (azure-functions-host FunctionMetadataManager.cs, ApplyAllowList). The others are still
indexed (their code is the user's), but every face says they do not load: AZF316 on each,
`funcls index` (text and JSON), and the editor's Run lens and Functions view, which show them
as not runnable with the reason (funcls/lsp/run_function.why_not_runnable)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funcls.checks.findings import Severity
from funcls.cli import main
from funcls.lsp.code_lens import function_commands
from funcls.lsp.context import ClientFeatures, make_context
from funcls.lsp.functions_view import functions_view
from funcls.lsp.run_function import why_not_runnable
from funcls.model.runnable import host_json_exclusion
from funcls.model.workspace import Workspace
from tests.checks.support import V2_HEAD, check, load, only, text_at, write_app

APP = (
    V2_HEAD + '@app.route(route="hello")\n'
    "def hello(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("hello")\n\n\n'
    '@app.route(route="other")\n'
    "def other(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("other")\n'
)
HTTP_V1 = {
    "bindings": [
        {"name": "req", "type": "httpTrigger", "direction": "in", "authLevel": "anonymous"},
        {"name": "$return", "type": "http", "direction": "out"},
    ]
}
REASON = (
    'host.json\'s "functions" list leaves it out, so the host does not load it (it loads '
    "only Hello); add 'other' to that list, or remove the list, to run it"
)


def host(listed: object) -> str:
    return '{\n  "version": "2.0",\n  "functions": ' + json.dumps(listed) + "\n}\n"


def test_the_reason_names_the_list_and_the_fix() -> None:
    assert host_json_exclusion(None, "other") is None
    assert host_json_exclusion([], "other") is None  # an empty list is no list to the host
    assert host_json_exclusion(["Hello"], "HELLO") is None  # names ignore case
    assert host_json_exclusion(["Hello"], "other") == REASON
    many = host_json_exclusion([f"f{i}" for i in range(7)], "other") or ""
    assert "(it loads only f0, f1, f2, f3, f4, …)" in many


def test_azf316_on_each_function_the_list_leaves_out(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "function_app.py": APP,
            "host.json": host(["Hello"]),
        },
    )
    found = only(check(tmp_path), "AZF316")
    assert len(found) == 1
    (f,) = found
    assert f.severity == Severity.INFO
    assert f.message == f"'other' does not load: {REASON}"
    assert text_at(f) == "other"  # the def's name
    (related,) = f.related
    assert Path(related.location.path).name == "host.json"
    assert related.message == 'host.json "functions"'
    assert text_at_related(related) == '["Hello"]'


def text_at_related(related: object) -> str:
    location = related.location  # type: ignore[attr-defined]
    lines = Path(location.path).read_text("utf-8").splitlines()
    r = location.range
    assert r.start.line == r.end.line
    return lines[r.start.line][r.start.column : r.end.column]


@pytest.mark.parametrize("listed", [None, [], ["hello", "OTHER"]])
def test_no_azf316_when_every_function_loads(tmp_path: Path, listed: object) -> None:
    files = {"function_app.py": APP}
    if listed is not None:
        files["host.json"] = host(listed)
    write_app(tmp_path, files)
    assert only(check(tmp_path), "AZF316") == []


def test_azf316_on_a_v1_function_json(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "host.json": host(["kept"]),
            "kept/function.json": json.dumps(HTTP_V1),
            "kept/__init__.py": "def main(req):\n    return 'x'\n",
            "left/function.json": json.dumps(HTTP_V1),
            "left/__init__.py": "def main(req):\n    return 'y'\n",
        },
    )
    (f,) = only(check(tmp_path), "AZF316")
    assert Path(f.path).relative_to(tmp_path).as_posix() == "left/function.json"
    assert f.message.startswith("'left' does not load: host.json's \"functions\" list")


def test_funcls_index_marks_excluded_functions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_app(tmp_path, {"function_app.py": APP, "host.json": host(["Hello"])})
    assert main(["index", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    hello = next(line for line in text.splitlines() if line.startswith("  hello"))
    other = next(line for line in text.splitlines() if line.startswith("  other"))
    assert "not loaded" not in hello
    assert other.endswith('  [not loaded: host.json "functions" leaves it out]')
    assert main(["index", str(tmp_path), "--format", "json"]) == 0
    (app,) = json.loads(capsys.readouterr().out)["apps"]
    by_name = {f["name"]: f for f in app["functions"]}
    assert "excluded" not in by_name["hello"]
    assert by_name["other"]["excluded"] == REASON


def test_run_lens_and_view_say_it_is_not_runnable(tmp_path: Path) -> None:
    write_app(tmp_path, {"function_app.py": APP, "host.json": host(["Hello"])})
    app = load(tmp_path)
    hello, other = app.function("hello"), app.function("other")
    assert hello is not None and other is not None
    assert why_not_runnable(hello, app) is None
    assert why_not_runnable(other, app) == REASON
    (lens,) = function_commands(app, other)
    assert lens.title.startswith('⊘ Not runnable here: host.json\'s "functions" list leaves')
    assert lens.arguments == [f"'other' cannot run locally: {REASON}"]
    assert function_commands(app, hello)[0].title.startswith("▶ Run")


def test_functions_view_shows_left_out_functions_as_not_runnable(tmp_path: Path) -> None:
    write_app(tmp_path / "app", {"function_app.py": APP, "host.json": host(["Hello"])})
    workspace = Workspace([str(tmp_path)])
    workspace.index_all()
    ctx = make_context(workspace, "utf-16", ClientFeatures())
    (app,) = functions_view(ctx, lambda root: [])["apps"]
    shown = {f["name"]: (f["runnable"], f["whyNotRunnable"]) for f in app["functions"]}
    assert shown == {"hello": (True, None), "other": (False, REASON)}
