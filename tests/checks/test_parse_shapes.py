"""Inputs whose cost grew faster than their size, found by bench/bench_parse_shapes.py and
bounded (issue 17). No timings here: each test asserts the finding, or counts the work done
against a limit that does not depend on the input's size."""

from __future__ import annotations

from pathlib import Path

import pytest

from funcls.checks import engine
from tests.checks.support import check, v2


def test_thousands_of_findings_on_one_line_read_the_line_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A decorator with 2,000 unknown keywords on one line: 2,000 findings, and the check for
    a ``# funcls: ignore`` comment scanned the whole long line for each of them (16,000
    keywords: over 60 s). The line is read once now."""
    keywords = ", ".join(f"k{i}={i}" for i in range(2000))
    v2(
        tmp_path,
        f'@app.route(route="f", {keywords})\ndef f(req: func.HttpRequest) -> str:\n    return ""\n',
    )
    calls: list[str] = []
    real = engine._suppression

    def counting(line: str) -> tuple[str, ...] | None:
        calls.append(line)
        return real(line)

    monkeypatch.setattr(engine, "_suppression", counting)
    findings = check(tmp_path)
    on_line = [f for f in findings if "k1999" in f.message]
    assert len(on_line) == 1
    assert sum(1 for f in findings if f.path.endswith("function_app.py")) >= 2000
    assert len(calls) <= len({(f.path, f.range.start.line) for f in findings})
    assert len(calls) < 10
