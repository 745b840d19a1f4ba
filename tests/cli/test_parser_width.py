"""The command line's parser: help at the terminal's width, no width asked to build it
(issue 16: importing shutil for the width was about 7 M instructions of `funcls check`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], columns: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, env=env, check=False
    )


def test_building_and_using_the_check_parser_asks_no_terminal_width() -> None:
    code = (
        "import sys, funcls.cli as cli\n"
        "p = cli.build_parser(['check', '.'])\n"
        "args = p.parse_args(['check', '.', '--select', 'AZF1'])\n"
        "print(args.command, args.select, 'shutil' in sys.modules)\n"
    )
    proc = _run(["-c", code])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["check", "['AZF1']", "False"]


def test_help_is_wrapped_at_the_terminal_width() -> None:
    narrow = _run(["-m", "funcls", "check", "--help"], columns=50)
    wide = _run(["-m", "funcls", "check", "--help"], columns=200)
    assert narrow.returncode == wide.returncode == 0
    assert narrow.stdout.startswith("usage: funcls check ")
    # argparse wraps between an option's parts, never inside one ("[--format {...}]").
    assert sum(len(line) > 50 for line in narrow.stdout.splitlines()) <= 1
    assert sum(len(line) > 50 for line in wide.stdout.splitlines()) > 5
    assert len(narrow.stdout.splitlines()) > len(wide.stdout.splitlines())


def test_a_mistake_is_reported_with_the_usage() -> None:
    proc = _run(["-m", "funcls", "check", "--format", "xml"], columns=80)
    assert proc.returncode == 2
    assert proc.stderr.startswith("usage: funcls check [-h] [--format {text,json,sarif,github}]")
    assert "funcls check: error: argument --format: invalid choice: 'xml'" in proc.stderr
