"""No false alarms: the sample apps, every fidelity-test app and the generated benchmark
workspace check clean; the deliberately broken fidelity app reports exactly its mistakes."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from funcls.checks import CheckConfig, check_app
from funcls.model.loader import load_app
from funcls.model.source import Source
from funcls.model.workspace import find_app_roots

REPO = Path(__file__).resolve().parents[2]
CLEAN_ROOTS = [
    r
    for base in ("samples", "tests/apps")
    if (REPO / base).is_dir()
    for r in find_app_roots(str(REPO / base))
    if "broken" not in os.path.basename(r)
]


def _check(root: str) -> list[tuple[str, str, int, str]]:
    app = load_app(root, Source())
    assert app.functions, f"no functions found in {root}"
    return [
        (f.code, os.path.relpath(f.path, root), f.range.start.line + 1, f.message)
        for f in check_app(app, CheckConfig(), raise_errors=True)
    ]


def test_there_are_apps_to_check() -> None:
    names = {os.path.relpath(r, REPO) for r in CLEAN_ROOTS}
    assert {"samples/v1-app", "samples/v2-app"} <= names


@pytest.mark.parametrize("root", CLEAN_ROOTS, ids=[os.path.relpath(r, REPO) for r in CLEAN_ROOTS])
def test_app_checks_clean(root: str) -> None:
    assert _check(root) == []


def test_broken_fidelity_app_reports_its_mistakes() -> None:
    root = REPO / "tests/apps/v1_broken"
    assert root.is_dir(), "tests/apps/v1_broken is part of the repository"
    found = {(code, path.split(os.sep)[0]) for code, path, _line, _m in _check(str(root))}
    assert found == {
        ("AZF100", "half_typed"),
        ("AZF100", "missing_brace"),
        ("AZF100", "trailing_garbage"),
        ("AZF110", "missing_script"),
        ("AZF111", "missing_entry"),
        ("AZF111", "wrong_entry_point"),
        ("AZF603", "syntax_error"),
    }


@pytest.mark.parametrize("unique_texts", [False, True])
def test_generated_benchmark_workspace_checks_clean(tmp_path: Path, unique_texts: bool) -> None:
    spec = importlib.util.spec_from_file_location("gen_workspace", REPO / "bench/gen_workspace.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    gen.generate(tmp_path, functions=70, apps=4, unique_texts=unique_texts)
    roots = find_app_roots(str(tmp_path))
    assert len(roots) == 4
    for root in roots:
        assert _check(root) == [], root
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    texts = {p.read_bytes() for p in files}
    if unique_texts:  # the bench's other workspace: nothing shared between files
        assert len(texts) == len(files)
    else:  # v1 folders from templates, as the bench's default workspace
        assert len(texts) < len(files)
