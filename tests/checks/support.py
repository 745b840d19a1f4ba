"""Helpers for the rule tests: build an app from files, check it, apply quick fixes."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pytest

from funcls.checks import CheckConfig, Finding, Fix, check_app
from funcls.checks.registry import DEFAULT_APP, Example
from funcls.cli import main
from funcls.model.appmodel import App
from funcls.model.loader import load_app
from funcls.model.locations import LineIndex
from funcls.model.source import Source


def write_app(root: Path, files: Mapping[str, str | None], base: bool = True) -> Path:
    """Write the default app (unless ``base`` is False) with ``files`` on top."""
    merged: dict[str, str | None] = dict(DEFAULT_APP) if base else {}
    merged.update(files)
    for rel, text in merged.items():
        if text is None:
            continue
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def example_app(root: Path, example: Example) -> Path:
    return write_app(root, example.files)


def load(root: Path) -> App:
    return load_app(str(root), Source())


def check(root: Path, config: CheckConfig | None = None) -> list[Finding]:
    return check_app(load(root), config or CheckConfig(), raise_errors=True)


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def only(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def one(findings: list[Finding], code: str) -> Finding:
    found = only(findings, code)
    assert len(found) == 1, f"expected one {code}, got {[(f.code, f.message) for f in findings]}"
    return found[0]


def text_at(f: Finding) -> str:
    """The text the finding's range covers."""
    text = Path(f.path).read_text(encoding="utf-8")
    lines = LineIndex(text)
    return text[lines.offset(f.range.start) : lines.offset(f.range.end)]


def apply_fix(fix: Fix) -> None:
    """Apply a fix's edits to the files on disk (edits of one file from last to first)."""
    by_path: dict[str, list] = {}
    for e in fix.edits:
        by_path.setdefault(e.path, []).append(e)
    for path, edits in by_path.items():
        text = Path(path).read_text(encoding="utf-8") if os.path.exists(path) else ""
        lines = LineIndex(text)
        for e in sorted(edits, key=lambda e: e.range.start, reverse=True):
            a, b = lines.offset(e.range.start), lines.offset(e.range.end)
            text = text[:a] + e.new_text + text[b:]
            lines = LineIndex(text)
        Path(path).write_text(text, encoding="utf-8")


def fixed_clean(root: Path, finding: Finding, index: int = 0) -> list[Finding]:
    """Apply ``finding``'s fix number ``index`` and check again: the finding must be gone.
    Returns the findings after the fix."""
    assert finding.fixes, f"{finding.code} has no fix: {finding.message}"
    apply_fix(finding.fixes[index])
    after = check(root)
    assert not [f for f in after if f.code == finding.code and f.message == finding.message], (
        f"the fix did not remove {finding.code}: {[(f.code, f.message) for f in after]}"
    )
    return after


V2_HEAD = "import azure.functions as func\n\napp = func.FunctionApp()\n\n\n"


def v2(root: Path, code: str, **files: str | None) -> Path:
    """An app whose function_app.py is V2_HEAD + ``code``."""
    return write_app(root, {"function_app.py": V2_HEAD + code, **files})


def v1(root: Path, name: str, function_json: str, script: str, **files: str | None) -> Path:
    return write_app(
        root, {f"{name}/function.json": function_json, f"{name}/__init__.py": script, **files}
    )


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """`funcls check ARGV` in this process: exit code, stdout, stderr."""
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err
