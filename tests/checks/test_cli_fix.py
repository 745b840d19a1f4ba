"""`funcls check --fix` and `--diff`: the preferred quick fixes, applied pass after pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funcls.cli import main
from tests.checks.support import run_cli, v2

# AZF501 (five fields; fix: add the seconds) and AZF409 (a retired bundle; fix: [4.*, 5.0.0)).
FIVE_FIELDS = (
    '@app.timer_trigger(arg_name="timer", schedule="*/5 * * * *")\n'
    "def tick(timer: func.TimerRequest) -> None:\n"
    "    pass\n"
)
# AZF201 has no preferred fix (add a binding or remove the parameter is the user's choice).
NO_PREFERRED = (
    '@app.route(route="hello")\n'
    "def hello(req: func.HttpRequest, user: str) -> func.HttpResponse:\n"
    '    return func.HttpResponse("hi")\n'
)
OLD_BUNDLE = {
    "version": "2.0",
    "extensionBundle": {
        "id": "Microsoft.Azure.Functions.ExtensionBundle",
        "version": "[3.3.0, 4.0.0)",
    },
}


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = v2(tmp_path / "app", FIVE_FIELDS + "\n\n" + NO_PREFERRED)
    (root / "host.json").write_text(json.dumps(OLD_BUNDLE, indent=2) + "\n")
    (root / "requirements.txt").write_text("azure-functions-worker\n")
    monkeypatch.chdir(tmp_path)
    return root


run = run_cli


def test_diff_shows_every_preferred_fix_and_changes_nothing(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {p: p.read_bytes() for p in app.iterdir() if p.is_file()}
    code, out, _ = run(capsys, "--diff", ".")
    assert code == 1
    assert "--- a/app/function_app.py\n+++ b/app/function_app.py\n" in out
    assert '-@app.timer_trigger(arg_name="timer", schedule="*/5 * * * *")\n' in out
    assert '+@app.timer_trigger(arg_name="timer", schedule="0 */5 * * * *")\n' in out
    assert '+    "version": "[4.*, 5.0.0)"\n' in out
    # Two fixes on one line of requirements.txt settle over two passes.
    assert "-azure-functions-worker\n+azure-functions\n" in out
    assert "user" not in out  # no preferred fix for AZF201
    assert {p: p.read_bytes() for p in app.iterdir() if p.is_file()} == before


def test_fix_writes_the_files_and_reports_what_is_left(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--fix", ".")
    assert code == 1  # AZF201 is left, at error level
    *found, last = out.splitlines()
    assert [line.split(":")[3].split()[0] for line in found] == ["AZF201"]
    assert last == "Found 1 problem (1 error)."
    assert "fixed app/function_app.py: AZF501 Add the seconds field" in err
    assert "fixed app/host.json: AZF409 Use [4.*, 5.0.0)" in err
    assert 'schedule="0 */5 * * * *"' in (app / "function_app.py").read_text()
    assert json.loads((app / "host.json").read_text())["extensionBundle"]["version"] == (
        "[4.*, 5.0.0)"
    )
    assert (app / "requirements.txt").read_text() == "azure-functions\n"
    assert run(capsys, "--diff", ".")[:2] == (0, "")  # nothing more to fix


def test_fix_keeps_crlf_line_ends_and_the_byte_order_mark(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = app / "function_app.py"
    script.write_bytes(b"\xef\xbb\xbf" + script.read_text().replace("\n", "\r\n").encode())
    run(capsys, "--fix", ".")
    data = script.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b'schedule="0 */5 * * * *")\r\n' in data
    assert data.count(b"\n") == data.count(b"\r\n")


def test_fix_and_diff_exclude_each_other(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--fix", "--diff", "."])
    assert exit_.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
