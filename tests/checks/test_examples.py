"""Every rule's documented examples: the bad one triggers the rule, the fixed one checks
clean — not only of that rule but of every rule (the examples are small correct apps)."""

from __future__ import annotations

from pathlib import Path

import pytest

from funcls.checks import rules
from tests.checks.support import check, codes, example_app

RULES = rules()


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_bad_example_triggers_the_rule(rule, tmp_path: Path) -> None:
    found = check(example_app(tmp_path, rule.bad))
    assert rule.code in codes(found), [(f.code, f.message) for f in found]


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_fixed_example_checks_clean(rule, tmp_path: Path) -> None:
    found = check(example_app(tmp_path, rule.good))
    assert [(f.code, f.message) for f in found] == []
