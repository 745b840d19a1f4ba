"""`funcls check`: formats, exit codes, selection; SARIF against the official schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from funcls.checks import rules
from funcls.checks.docs import render
from tests.checks.support import run_cli, v2

REPO = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).parent / "data" / "sarif-2.1.0-rtm.5.json"

BROKEN = (
    '@app.route(route="hello")\n'
    "def hello(req: func.HttpRequest, user: str) -> func.HttpResponse:\n"
    '    return func.HttpResponse("hi")\n'
)  # AZF201 (error)
WARN_ONLY = (
    '@app.route(route="items/{id?}/details")\n'
    "def item(req: func.HttpRequest) -> func.HttpResponse:\n"
    "    return func.HttpResponse()\n"
)  # AZF508 (warning)


@pytest.fixture
def apps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    v2(tmp_path / "b_app", BROKEN)
    v2(tmp_path / "a_app", WARN_ONLY + "\n\n" + BROKEN.replace('"hello"', '"x"'))
    monkeypatch.chdir(tmp_path)
    return tmp_path


run = run_cli


def test_text_is_sorted_relative_and_exit_1(apps: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, ".")
    assert code == 1
    assert out.splitlines() == [
        "a_app/function_app.py:6:25: AZF508 route 'items/{id?}/details' of 'item': {id?} can "
        "only be left out at the end of the URL, and 'details' after it always needs a value, "
        "so id is in effect required",
        "a_app/function_app.py:12:34: AZF201 parameter 'user' of hello(req, user) has no "
        "binding, so the worker has no value for it; add a binding named 'user' or remove the "
        "parameter (only 'context' may go without one)",
        "b_app/function_app.py:7:34: AZF201 parameter 'user' of hello(req, user) has no "
        "binding, so the worker has no value for it; add a binding named 'user' or remove the "
        "parameter (only 'context' may go without one)",
        # The summary follows the findings on stdout, as ruff, mypy and eslint print theirs.
        "Found 3 problems (2 errors, 1 warning).",
    ]
    assert err == ""


def test_quiet_leaves_out_the_summary(apps: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "-q", ".")
    assert code == 1 and err == ""
    assert len(out.splitlines()) == 3 and "Found" not in out


@pytest.mark.parametrize("fmt", ["json", "sarif", "github"])
def test_machine_formats_write_only_their_document(
    apps: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    code, out, err = run(capsys, "--format", fmt, ".")
    assert code == 1 and err == ""
    assert "Found 3 problems" not in out
    if fmt == "github":
        assert all(line.startswith("::") for line in out.splitlines()), out
    else:
        json.loads(out)


def test_warnings_alone_exit_0(apps: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "a_app", "--ignore", "AZF201")
    assert code == 0
    *found, last = out.splitlines()
    assert [line.split(": ")[1].split()[0] for line in found] == ["AZF508"]
    assert last == "Found 1 problem (1 warning)."


def test_select_prefixes_and_comma_lists(apps: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--select", "AZF5,AZF6", "-q", ".")
    assert code == 0 and out.count("AZF508") == 1 and "AZF201" not in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["missing"], "funcls: error: path 'missing' does not exist\n"),
        (
            ["empty"],
            "funcls: error: no Azure Functions app under 'empty' (looked for host.json or function_app.py)\n",
        ),
        (
            ["--select", "E501", "."],
            "funcls: error: 'E501' in --select is not a rule code or prefix",
        ),
        # A file, as one gives ruff or mypy (QA: "is not a folder" named no folder to give).
        (
            ["b_app/function_app.py"],
            "funcls: error: 'b_app/function_app.py' is a file; funcls reads whole apps: "
            "give its app's folder, 'b_app'\n",
        ),
        (
            ["notes.txt"],
            "funcls: error: 'notes.txt' is a file; funcls reads whole apps: "
            "give the folder of an app (or one above it)\n",
        ),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    apps: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    (apps / "empty").mkdir()
    (apps / "notes.txt").write_text("not an app")
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith(message) and err.count("\n") == 1


def test_a_program_named_function_app_is_named_in_the_usage_error(
    apps: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Corpus (round 7, Splroak/add_member_telegram): a PyQt5 program saved as
    # src/function_app.py, no host.json. Discovery leaves it out; the error says why.
    (apps / "desktop").mkdir()
    (apps / "desktop" / "function_app.py").write_text(
        "import sys\nfrom PyQt5.QtWidgets import QApplication\n\nQApplication(sys.argv)\n"
    )
    code, out, err = run(capsys, "desktop")
    assert code == 2 and out == ""
    assert err == (
        "funcls: error: no Azure Functions app under 'desktop' (looked for host.json or "
        "function_app.py): desktop/function_app.py names nothing of azure.functions (no import, "
        "no FunctionApp or Blueprint) and there is no host.json, so it is taken for another "
        "program; if it is a Functions app, add host.json beside it\n"
    )


def test_pyproject_config_applies(apps: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (apps / "pyproject.toml").write_text('[tool.funcls]\nseverity = { AZF201 = "warning" }\n')
    code, out, _ = run(capsys, ".")
    assert code == 0 and out.endswith("\nFound 3 problems (3 warnings).\n")
    (apps / "pyproject.toml").write_text("[tool.funcls]\nselect = 3\n")
    code, _, err = run(capsys, ".")
    assert code == 2 and "select must be a list of codes" in err


def test_json_format(apps: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json", "b_app")
    data = json.loads(out)
    assert code == 1 and len(data) == 1
    f = data[0]
    assert f["code"] == "AZF201" and f["severity"] == "error"
    assert (f["path"], f["line"], f["column"], f["end_line"], f["end_column"]) == (
        "b_app/function_app.py",
        7,
        34,
        7,
        38,
    )
    assert f["function"] == "hello" and f["app"] == "b_app"


def test_sarif_is_valid_against_the_official_schema(
    apps: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--format", "sarif", ".")
    log = json.loads(out)
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft4Validator.check_schema(schema)
    jsonschema.Draft4Validator(schema).validate(log)
    assert code == 1
    run0 = log["runs"][0]
    driver = run0["tool"]["driver"]
    assert driver["name"] == "funcls"
    assert [r["id"] for r in driver["rules"]] == [r.code for r in rules()]
    results = run0["results"]
    assert [r["ruleId"] for r in results] == ["AZF508", "AZF201", "AZF201"]
    for r in results:  # what GitHub code scanning needs of each result
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        loc = r["locations"][0]["physicalLocation"]
        assert not loc["artifactLocation"]["uri"].startswith("/")
        assert loc["region"]["startLine"] >= 1
    assert results[0]["level"] == "warning" and results[1]["level"] == "error"


def test_sarif_with_fixes_and_related_is_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    v2(
        tmp_path,
        '@app.route(route="hello")\n'
        '@app.queue_output(arg_name="msg", queue_name="out", connection="AzureWebJobsStorage")\n'
        "def hello(req: func.HttpRequest, out: func.Out[str]) -> func.HttpResponse:\n"
        '    return func.HttpResponse("hi")\n',
    )
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(capsys, "--format", "sarif", ".")
    log = json.loads(out)
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text())).validate(log)
    result = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "AZF200")
    assert result["relatedLocations"][0]["message"]["text"] == "the function 'hello'"
    change = result["fixes"][0]["artifactChanges"][0]
    assert change["replacements"][0]["insertedContent"]["text"] == "out"


def test_github_annotations_escape(apps: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (apps / "c,d").mkdir()
    v2(apps / "c,d", BROKEN)
    code, out, _ = run(capsys, "--format", "github", "c,d")
    assert code == 1
    assert out == (
        "::error file=c%2Cd/function_app.py,line=7,col=34,endLine=7,endColumn=38,"
        "title=funcls AZF201::AZF201 parameter 'user' of hello(req, user) has no binding, so "
        "the worker has no value for it; add a binding named 'user' or remove the parameter "
        "(only 'context' may go without one)\n"
    )


def test_list_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--list-rules")
    assert code == 0
    assert len(out.splitlines()) == len(rules())
    assert out.splitlines()[0].startswith("AZF100  error    invalid-json")


def test_real_process_exit_codes(apps: Path) -> None:
    def status(*argv: str) -> int:
        return subprocess.run(
            [sys.executable, "-m", "funcls", "check", *argv], cwd=apps, capture_output=True
        ).returncode

    assert (status("."), status("a_app", "--ignore", "AZF2"), status("nowhere")) == (1, 0, 2)


def test_docs_rules_md_is_up_to_date() -> None:
    committed = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/rules.md is stale: python -m funcls.checks.docs --write"
