"""Python that would keep the parser busy for minutes is refused before parsing (issue 17):
a 3 MB f-string (1,000,000 replacement fields) took over 300 s in ``funcls check``; now it is
an AZF603 finding at the f-string, found by a linear scan, and every other place that parses
the file refuses it the same way."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from funcls.model.python.limits import (
    FSTRING_FIELD_LIMIT,
    TooCostly,
    check_parse_cost,
    crowded_fstring,
    parse,
)
from funcls.model.python.module import analyse_module

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
LIMIT_S = 60
HUGE = 'X = f"' + "{1}" * 1_000_000 + '"\n'  # 3 MB


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('x = f"' + "{a}" * 11 + '"', (4, 11)),
        ("x = rf'" + "{a}" * 11 + "'", (4, 11)),
        ('x = FR"""\n' + "{a}\n" * 11 + '"""', (4, 11)),
        ('x = f"' + "{{a}}" * 11 + '"', None),  # escaped braces are no fields
        ('x = f"' + "{{{a}}}" * 11 + '"', (4, 11)),
        ('x = "' + "{a}" * 11 + '"', None),  # a plain string
        ("x = {" + "{1: 2}, " * 11 + "}", None),  # dicts
        ('x = f"{a}" f"{b}" ' * 6, None),  # many small f-strings
        ('if"' + "{a}" * 11 + '": pass', None),  # the "f" of `if` starts no f-string
        ('x = f"\\"' + "{a}" * 11 + '"', (4, 11)),  # an escaped quote does not end it
        ('x = f"ab\n' + "{a}" * 11, None),  # a one-line f-string ends at the line
    ],
)
def test_crowded_fstring(text: str, found: tuple[int, int] | None) -> None:
    assert crowded_fstring(text, limit=10) == found


def test_the_limit_parses_fast_and_one_more_is_refused() -> None:
    at_limit = 'X = f"' + "{1}" * FSTRING_FIELD_LIMIT + '"\n'
    assert parse(at_limit) is not None  # 0.33 s on the development machine
    with pytest.raises(TooCostly) as refused:
        check_parse_cost("\n\n" + 'X = f"' + "{1}" * (FSTRING_FIELD_LIMIT + 1) + '"\n')
    assert (refused.value.line, refused.value.column) == (2, 4)
    assert isinstance(refused.value, ValueError)  # callers treating ValueError as unparsable


def test_a_3_mb_fstring_is_a_finding_at_once_in_the_analysis() -> None:
    started = time.monotonic()
    info = analyse_module("/app/function_app.py", "import os\n" + HUGE)
    assert time.monotonic() - started < 10
    [problem] = info.problems
    assert problem.kind == "python-syntax"
    assert (problem.range.start.line, problem.range.start.column) == (1, 4)
    assert "1,000,000 replacement fields on line 2" in problem.message
    assert info.partial


@pytest.mark.parametrize("name", ["v2-app", "v1-app"])
def test_funcls_check_on_a_3_mb_fstring_finishes(tmp_path: Path, name: str) -> None:
    root = tmp_path / name
    shutil.copytree(SAMPLES / name, root)
    script = root / ("function_app.py" if name == "v2-app" else "process_order/__init__.py")
    lines = script.read_text().count("\n")
    script.write_text(script.read_text() + HUGE)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "funcls", "check", "--format", "json", str(root)],
        capture_output=True,
        text=True,
        timeout=LIMIT_S,  # it took over 300 s before
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 1, done.stderr
    found = [f for f in json.loads(done.stdout) if f["path"] == str(script)]
    assert [(f["code"], f["line"]) for f in found] == [("AZF603", lines + 1)]
    assert "replacement fields" in found[0]["message"]
    assert elapsed < LIMIT_S
