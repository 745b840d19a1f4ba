"""Files outside the app are never read nor quoted (issue 17): PYTHON_SCRIPT_FILE_NAME may
name any path, and a finding that quotes a line of it would print, in a CI annotation, a
secret of the machine running the check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funcls.cli import main
from tests.checks.support import check, load, run_cli, text_at, v2

SECRET = "github_pat_SECRET123 = (  # a line that is not Python, so AZF603 would quote it\n"


def settings(name: str) -> str:
    return json.dumps(
        {"Values": {"FUNCTIONS_WORKER_RUNTIME": "python", "PYTHON_SCRIPT_FILE_NAME": name}}
    )


@pytest.mark.parametrize("how", ["absolute", "relative", "symlink"])
def test_a_script_named_outside_the_app_is_not_read(
    tmp_path: Path, how: str, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "credentials.py"
    outside.write_text(SECRET)
    app = tmp_path / "app"
    name = {"absolute": str(outside), "relative": "../credentials.py", "symlink": "linked.py"}[how]
    v2(app, "", **{"local.settings.json": settings(name)})
    if how == "symlink":
        (app / "linked.py").symlink_to(outside)
    model = load(app)
    assert model.script_path is None
    assert str(outside) not in model.files
    findings = check(app)
    assert not [f for f in findings if "SECRET123" in f.message]
    assert not [f for f in findings if f.path == str(outside)]
    _code, out, err = run_cli(capsys, "--format", "github", str(app))
    assert "SECRET123" not in out + err
    if how != "symlink":  # the worker refuses a name that is not a plain file name
        assert "PYTHON_SCRIPT_FILE_NAME is" in out


def test_a_script_named_inside_the_app_is_still_read(tmp_path: Path) -> None:
    app = tmp_path / "app"
    v2(app, "", **{"local.settings.json": settings("main_app.py")})
    (app / "main_app.py").write_text((app / "function_app.py").read_text())
    assert load(app).script_path == str(app / "main_app.py")


V1_JSON = (
    '{{\n  "scriptFile": {script},\n  "bindings": [\n'
    '    {{"name": "req", "type": "httpTrigger", "direction": "in"}},\n'
    '    {{"name": "$return", "type": "http", "direction": "out"}}\n  ]\n}}\n'
)


@pytest.mark.parametrize("how", ["absolute", "relative", "symlink"])
def test_a_v1_script_file_outside_the_app_is_not_read(
    tmp_path: Path, how: str, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "credentials.py"
    outside.write_text(SECRET)
    app = tmp_path / "app"
    name = {
        "absolute": str(outside),
        "relative": "../../credentials.py",
        "symlink": "linked.py",
    }[how]
    v2(app, "", **{"hello/function.json": V1_JSON.format(script=json.dumps(name))})
    if how == "symlink":
        (app / "hello" / "linked.py").symlink_to(outside)
    model = load(app)
    fn = next(f for f in model.functions if f.name == "hello")
    assert fn.script_outside and not fn.script_exists
    assert str(outside) not in model.files
    findings = check(app)
    assert not [f for f in findings if "SECRET123" in f.message]
    assert not [f for f in findings if f.path == str(outside)]
    found = [f for f in findings if f.code == "AZF110"]
    assert len(found) == 1, [(f.code, f.message) for f in findings]
    assert "outside the app" in found[0].message and "not read" in found[0].message
    assert text_at(found[0]) == json.dumps(name)
    _code, out, err = run_cli(capsys, "--format", "github", str(app))
    assert "SECRET123" not in out + err
    assert "outside the app" in out


def test_a_script_link_named_by_the_setting_that_leads_out_gets_a_finding(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "credentials.py"
    outside.write_text(SECRET)
    app = tmp_path / "app"
    v2(app, "", **{"local.settings.json": settings("linked.py")})
    (app / "linked.py").symlink_to(outside)
    findings = check(app)
    found = [f for f in findings if "PYTHON_SCRIPT_FILE_NAME" in f.message]
    assert len(found) == 1, [(f.code, f.message) for f in findings]
    assert found[0].code == "AZF407"
    assert "link" in found[0].message and "outside the app" in found[0].message
    assert text_at(found[0]) == '"linked.py"'
    assert "SECRET123" not in found[0].message


OUTSIDE_V1_JSON = (
    '{\n  "bindings": [\n'
    '    {"name": "req", "type": "httpTrigger", "direction": "in", '
    '"route": "github_pat_SECRET123"},\n'
    '    {"name": "$return", "type": "http", "direction": "out"}\n  ]\n}\n'
)


def test_a_v1_function_folder_linked_outside_the_app_is_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The folder itself is the link: its function.json (and script) are outside the app."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "function.json").write_text(OUTSIDE_V1_JSON)
    (outside / "__init__.py").write_text(SECRET)
    app = tmp_path / "app"
    v2(app, "")
    (app / "linked").symlink_to(outside, target_is_directory=True)
    model = load(app)
    fn = next(f for f in model.functions if f.name == "linked")
    assert fn.folder_outside and fn.script_outside and not fn.bindings
    assert not {str(outside / "function.json"), str(app / "linked" / "function.json")} & model.files
    assert not [p for p in model.files if "linked" in p]
    findings = check(app)
    assert not [f for f in findings if "SECRET123" in f.message]
    found = [f for f in findings if f.path == str(app / "linked" / "function.json")]
    assert len(found) == 1, [(f.code, f.message) for f in findings]
    assert found[0].code == "AZF100"
    assert "link" in found[0].message and "outside the app" in found[0].message
    _code, out, err = run_cli(capsys, "--format", "github", str(app))
    assert "SECRET123" not in out + err
    assert "outside the app" in out
    assert main(["index", "--format", "json", str(app)]) == 0
    out, err = capsys.readouterr()
    assert "SECRET123" not in out + err
    assert "linked" in out  # still listed, with nothing read from it
