"""Selecting rules, severity overrides, [tool.funcls] and inline suppressions."""

from __future__ import annotations

from pathlib import Path

import pytest

from funcls.checks import CheckConfig, ConfigError, Severity, check_app, rules
from tests.checks.support import check, codes, load, v2

TWO = (
    '@app.route(route="hello")\n'
    "def hello(req: func.HttpRequest, user: str) -> None:\n"
    '    print("hi")\n'
)  # AZF201 (user) and AZF204 (-> None with $return)


def test_select_and_ignore_by_prefix(tmp_path: Path) -> None:
    v2(tmp_path, TWO)
    assert codes(check(tmp_path)) == ["AZF201", "AZF204"]
    assert codes(check(tmp_path, CheckConfig(select=("AZF201",)))) == ["AZF201"]
    assert codes(check(tmp_path, CheckConfig(ignore=("AZF20",)))) == []
    assert codes(check(tmp_path, CheckConfig(select=("AZF2",), ignore=("AZF204",)))) == ["AZF201"]
    assert codes(check(tmp_path, CheckConfig(select=("AZF201",), ignore=("AZF2",)))) == ["AZF201"]


def test_severity_override_by_code_and_prefix() -> None:
    cfg = CheckConfig(severity={"AZF2": Severity.WARNING, "AZF204": Severity.HINT})
    assert cfg.severity_of("AZF201", Severity.ERROR) is Severity.WARNING
    assert cfg.severity_of("AZF204", Severity.ERROR) is Severity.HINT
    assert cfg.severity_of("AZF300", Severity.ERROR) is Severity.ERROR


def test_pyproject_found_above_the_app(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.funcls]\nignore = ["AZF201"]\nseverity = { AZF204 = "warning" }\n'
    )
    v2(tmp_path / "apps" / "one", TWO)
    found = check_app(load(tmp_path / "apps" / "one"))  # config None: read pyproject
    assert [(f.code, f.severity) for f in found] == [("AZF204", Severity.WARNING)]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[tool.funcls]\nselct = ["AZF2"]\n', "unknown key 'selct'"),
        ('[tool.funcls]\nselect = ["E501"]\n', "'E501'"),
        ('[tool.funcls]\nseverity = { AZF201 = "loud" }\n', "'loud' is not a severity"),
        ('[tool.funcls]\nplan = "free"\n', "plan must be one of"),
        ("[tool.funcls\n", "is not valid TOML"),
    ],
)
def test_pyproject_mistakes_are_clear(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(toml)
    with pytest.raises(ConfigError, match=message):
        CheckConfig.from_pyproject(str(tmp_path))


def test_a_broken_pyproject_without_a_funcls_table_is_the_default(tmp_path: Path) -> None:
    # Corpus: ASISaga/linkedin-mcp-server's pyproject.toml writes [project] dependencies twice
    # (invalid TOML) and deploys from requirements.txt; `funcls check` refused the whole app.
    broken = '[project]\nname = "x"\ndependencies = []\ndependencies = ["requests"]\n'
    (tmp_path / "pyproject.toml").write_text(broken)
    assert CheckConfig.from_pyproject(str(tmp_path)) == CheckConfig()
    v2(tmp_path, TWO)
    assert codes(check_app(load(tmp_path))) == ["AZF201", "AZF204"]
    # One that mentions funcls may hold its table: that must not be skipped silently.
    (tmp_path / "pyproject.toml").write_text(broken + '[tool.funcls]\nignore = ["AZF201"]\n')
    with pytest.raises(ConfigError, match="is not valid TOML"):
        CheckConfig.from_pyproject(str(tmp_path))


def test_no_pyproject_table_is_the_default(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert CheckConfig.from_pyproject(str(tmp_path)) == CheckConfig()


def test_inline_suppression_forms(tmp_path: Path) -> None:
    v2(tmp_path, TWO.replace("-> None:", "-> None:  # funcls: ignore[AZF201]"))
    assert codes(check(tmp_path)) == ["AZF204"]
    v2(tmp_path, TWO.replace("-> None:", "-> None:  # funcls: ignore"))
    assert codes(check(tmp_path)) == []
    v2(tmp_path, TWO.replace("-> None:", "-> None:  # funcls: ignore[AZF3]"))
    assert codes(check(tmp_path)) == ["AZF201", "AZF204"]


def test_every_rule_is_documented_and_codes_are_unique() -> None:
    all_rules = rules()
    assert len({r.code for r in all_rules}) == len(all_rules)
    assert len({r.name for r in all_rules}) == len(all_rules)
    for r in all_rules:
        assert r.summary and r.rationale and r.bad.files and r.good.files, r.code
