"""model.v2.trace without ticks (what AZF608 asks for, issue 16): the same order, script lines,
unbound names and failing circular imports as the full trace, on every app of the circular
import tests, reported or not."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from funcls.model.source import Source
from funcls.model.v2.trace import trace_imports
from funcls.model.v2.values import ModuleResolver
from tests.checks.support import write_app
from tests.checks.test_circular_imports import NOT_REPORTED, REPORTED

CASES = [(name, files, False) for name, files, _ in NOT_REPORTED] + [
    (name, files, True) for name, files, _, _ in REPORTED
]


@pytest.mark.parametrize(("files", "fails"), [pytest.param(f, r, id=n) for n, f, r in CASES])
def test_the_same_trace_but_the_ticks(tmp_path: Path, files: dict[str, str], fails: bool) -> None:
    write_app(tmp_path, files)
    root = os.path.normpath(str(tmp_path))
    source = Source()
    script = source.module(os.path.join(root, "function_app.py"))
    assert script is not None

    def trace(ticks: bool) -> object:
        got = trace_imports(script, ModuleResolver(root, source), source, ticks=ticks)
        failures = [(f.importer, f.record, f.target, f.target_line, f.stack) for f in got.failures]
        return got.order, got.script_line, got.unbound, failures, bool(got.ticks)

    full, light = trace(True), trace(False)
    assert full[:4] == light[:4]
    assert light[4] is False
    if fails:  # (AZF608 reported: the trace found the failing import)
        assert light[3]
