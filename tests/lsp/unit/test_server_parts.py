"""The parts of the server that are not LSP: findings as diagnostics, the incremental index
state, the error guard, JSON Schema walking."""

from __future__ import annotations

import json
from pathlib import Path

from lsprotocol import types

from funcls.checks.findings import Finding, Fix, Related, Severity, TextEdit
from funcls.lsp import diagnostics, schema_nav
from funcls.lsp.context import ClientFeatures, make_context
from funcls.lsp.settings import Settings
from funcls.lsp.state import IndexState, resolved_config
from funcls.model.locations import Location, Range
from funcls.model.workspace import Workspace
from tests.lsp.support import make_workspace


def finding(code: str = "AZF200", related: bool = True) -> Finding:
    return Finding(
        code,
        "binding 'x' has no parameter",
        Severity.ERROR,
        Location("/app/f/function.json", Range.of(1, 2, 1, 5)),
        related=[Related(Location("/app/f/__init__.py", Range.of(3, 4, 3, 8)), "def main")]
        if related
        else [],
        fixes=[Fix("Rename", (TextEdit("/app/f/function.json", Range.of(1, 3, 1, 4), "y"),))],
    )


def test_finding_to_diagnostic(tmp_path: Path) -> None:
    ctx = make_context(Workspace([str(tmp_path)]), "utf-16", ClientFeatures())
    d = diagnostics.to_diagnostic(ctx, finding())
    assert d == types.Diagnostic(
        range=types.Range(types.Position(1, 2), types.Position(1, 5)),
        message="binding 'x' has no parameter",
        severity=types.DiagnosticSeverity.Error,
        code="AZF200",
        source="funcls",
        related_information=[
            types.DiagnosticRelatedInformation(
                location=types.Location(
                    "file:///app/f/__init__.py",
                    types.Range(types.Position(3, 4), types.Position(3, 8)),
                ),
                message="def main",
            )
        ],
        data={"fixes": 1},
    )
    plain = make_context(
        Workspace([str(tmp_path)]), "utf-16", ClientFeatures(related_information=False)
    )
    assert diagnostics.to_diagnostic(plain, finding()).message == (
        "binding 'x' has no parameter\ndef main (__init__.py:4)"
    )


def test_pull_reports() -> None:
    d = [
        types.Diagnostic(range=types.Range(types.Position(0, 0), types.Position(0, 1)), message="m")
    ]
    full = diagnostics.document_report(d, None)
    assert isinstance(full, types.RelatedFullDocumentDiagnosticReport)
    assert diagnostics.document_report(
        d, full.result_id
    ) == types.RelatedUnchangedDocumentDiagnosticReport(result_id=full.result_id)
    assert diagnostics.result_id([]) != full.result_id


def test_filter_by_settings(tmp_path: Path) -> None:
    settings = Settings(select=("AZF2",), ignore=("AZF201",), severity={"AZF200": "hint"})
    config = resolved_config(str(tmp_path), settings)
    kept = config.apply([finding("AZF200"), finding("AZF201"), finding("AZF400")])
    assert [(f.code, f.severity) for f in kept] == [("AZF200", Severity.HINT)]
    # As funcls check resolves them: the more specific entry wins (the server's own filter
    # let any ignore win and read severities by exact code only), prefixes and lower case
    # name severities too.
    settings = Settings(select=("AZF201",), ignore=("AZF2",), severity={"azf2": "info"})
    config = resolved_config(str(tmp_path), settings)
    kept = config.apply([finding("AZF200"), finding("AZF201")])
    assert [(f.code, f.severity) for f in kept] == [("AZF201", Severity.INFO)]


def test_state_reindexes_each_changed_app_once_and_caches_findings(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    calls: list[str] = []

    def checker(app, settings):  # type: ignore[no-untyped-def]
        calls.append(app.root)
        return []

    state = IndexState(Workspace([str(ws)]), checker)
    state.index.index_all()
    v2 = str(ws / "v2-app")
    before = state.index.apps[v2]
    assert state.findings(v2) == [] and state.findings(v2) == []
    assert calls == [v2]  # cached while the app is unchanged
    state.mark_dirty(str(ws / "v2-app" / "orders_bp.py"))
    state.mark_dirty(str(ws / "v2-app" / "local.settings.json"))
    assert state.flush() == {v2}
    assert state.index.apps[v2] is not before
    assert str(ws / "v1-app") in state.index.apps
    state.findings(v2)
    assert calls == [v2, v2]


def test_a_failing_checker_falls_back_to_the_indexer_problems(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    (ws / "v2-app" / "orders_bp.py").write_text("def broken(:\n")

    def checker(app, settings):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    state = IndexState(Workspace([str(ws)]), checker)
    state.index.index_all()
    found = state.findings(str(ws / "v2-app"))
    assert [f.code for f in found] == ["AZF000"]
    assert found[0].path.endswith("orders_bp.py")


def test_the_fallback_resolves_rules_as_the_checker_does(tmp_path: Path) -> None:
    """When the rule engine fails, the indexer's problems are shown through the same
    resolution (it used to ignore [tool.funcls] and let any ignore beat a longer select)."""
    ws = make_workspace(tmp_path)
    (ws / "v2-app" / "orders_bp.py").write_text("def broken(:\n")

    def checker(app, settings):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    state = IndexState(Workspace([str(ws)]), checker)
    state.index.index_all()
    root = str(ws / "v2-app")
    state.settings = Settings(select=("AZF000",), ignore=("AZF",))
    assert [f.code for f in state.findings(root)] == ["AZF000"]
    (ws / "pyproject.toml").write_text('[tool.funcls]\nignore = ["AZF0"]\n')
    state.invalidate_findings()
    state.settings = Settings()
    assert state.findings(root) == []


def test_guard_logs_and_answers_the_default() -> None:
    from funcls.lsp.handlers import guarded

    class Fake:
        def __init__(self) -> None:
            self.failures: list[str] = []

        def failed(self, what: str, error: BaseException) -> None:
            self.failures.append(f"{what}: {error}")

    fake = Fake()

    @guarded(fake, "hover", default="nothing")  # type: ignore[arg-type]
    def hover(params: object) -> str:
        raise KeyError("x")

    assert hover(1) == "nothing"
    assert fake.failures == ["hover: 'x'"]


def test_schema_walk() -> None:
    schema = {
        "definitions": {"level": {"type": "string", "enum": ["a", "b"], "description": "A level."}},
        "type": "object",
        "properties": {
            "logging": {
                "type": "object",
                "required": ["logLevel"],
                "properties": {
                    "logLevel": {"$ref": "#/definitions/level"},
                    "on": {"type": "boolean"},
                },
            },
            "list": {"type": "array", "items": {"anyOf": [{"const": 1}, {"const": 2}]}},
        },
    }
    logging = schema_nav.schemas_at(schema, ("logging",))
    assert [(n, r) for n, _, r in schema_nav.properties(schema, logging)] == [
        ("logLevel", True),
        ("on", False),
    ]
    level = schema_nav.schemas_at(schema, ("logging", "logLevel"))
    assert schema_nav.values(level) == [("a", None), ("b", None)]
    assert schema_nav.description(level) == "A level."
    assert schema_nav.values(schema_nav.schemas_at(schema, ("logging", "on"))) == [
        (True, None),
        (False, None),
    ]
    assert [v for v, _ in schema_nav.values(schema_nav.schemas_at(schema, ("list", 0)))] == [1, 2]
    assert schema_nav.schemas_at(schema, ("nope", "deeper")) == []
    json.dumps(schema)
