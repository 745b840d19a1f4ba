"""Inputs whose cost grew faster than their size, found by bench/bench_parse_shapes.py and
bounded (issue 17). No timings here: each test asserts the finding, or counts the work done
against a limit that does not depend on the input's size."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from funcls.checks import engine
from funcls.model.python import recover
from funcls.model.python.limits import FOLDED_CHARS_LIMIT
from funcls.model.python.module import analyse_module
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


def test_thousands_of_parameters_give_findings_of_bounded_size(tmp_path: Path) -> None:
    """A def with 2,000 parameters no binding names: one AZF201 each, and each message spelt
    the whole signature (2,000 names; 4,000 parameters took 12 s and wrote 16 million
    names). The signature in a message is cut short now, and says how many are left out."""
    params = ", ".join(f"p{i}: int" for i in range(2000))
    v2(
        tmp_path,
        f'@app.route(route="f")\ndef f(req: func.HttpRequest, {params}) -> str:\n    return ""\n',
    )
    found = [f for f in check(tmp_path) if f.code == "AZF201"]
    assert len(found) == 2000
    first = next(f for f in found if "'p0'" in f.message)
    assert "f(req, p0, p1, p2, p3, p4, p5, … 1,994 more)" in first.message, first.message
    assert max(len(f.message) for f in found) < 400
    assert max(len(f.related) for f in found) <= 8


def test_constants_built_from_constants_are_bounded() -> None:
    """5,000 lines of ``R1 = R0 + "b"``: each constant one character longer than the last,
    12.5 million characters kept in all (50,000 lines: 1.25 billion). The analysis builds at
    most FOLDED_CHARS_LIMIT characters; the constants past it are unknown, the first ones
    are still read."""
    lines = ["R0 = 'a'"] + [f"R{i} = R{i - 1} + 'b'" for i in range(1, 5000)]
    lines += [f"X{i} = f'{{R{i}}}!'" for i in range(0, 5000, 50)]  # f-strings join too
    info = analyse_module("function_app.py", "\n".join(lines) + "\n")
    kept = sum(len(v.const) for v in info.constants.values() if isinstance(v.const, str))
    assert kept <= FOLDED_CHARS_LIMIT + 5000
    assert info.constants["R10"].const == "a" + "b" * 10
    assert "R4999" not in info.constants or info.constants["R4999"].kind != "const"


def counted_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The length of every text recovery hands to ``ast.parse``."""
    sizes: list[int] = []
    real = ast.parse

    def counting(source: str, *args: Any, **kwargs: Any) -> Any:
        sizes.append(len(source))
        return real(source, *args, **kwargs)

    monkeypatch.setattr(recover.ast, "parse", counting)
    return sizes


def test_recovery_after_a_syntax_error_parses_each_statement_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """20,000 statements and a syntax error at the end: recovery parses statement by
    statement, and prefixed each with as many newlines as lines before it (200 million
    characters parsed; 16,000 statements took 4.7 s in compile). Each is parsed alone now."""
    text = "".join(f"X{i} = {i}\n" for i in range(20_000)) + "def broken(:\n"
    sizes = counted_parses(monkeypatch)
    info = analyse_module("function_app.py", text)
    assert info.partial and "X19999" in info.constants
    assert info.constants["X19999"].const == 19999
    assert sum(sizes) <= 3 * len(text), sum(sizes)


def test_a_half_typed_def_with_a_long_body_is_cut_in_few_tries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A def whose 3,000-line body of nested blocks ends in a syntax error: recovery keeps
    its signature by cutting the body short, and tried every line ending with ':' (3,000
    parses of growing length); at most 2 * CUTS_TRIED cuts now."""
    body = "".join(f"{'    ' * (1 + i % 2)}if x{i}:\n" for i in range(3000))
    text = "import azure.functions as func\n\n\ndef f(req):\n" + body + "        y = (\n"
    sizes = counted_parses(monkeypatch)
    info = analyse_module("function_app.py", text)
    assert info.function("f") is not None
    assert len(sizes) <= 2 * recover.CUTS_TRIED + 4, len(sizes)
