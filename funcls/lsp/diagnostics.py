"""Findings of the rule engine as LSP diagnostics, grouped by file."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from lsprotocol import types

from funcls.checks.findings import Finding, Severity
from funcls.lsp.context import Context
from funcls.lsp.early_diagnostics import fold_related
from funcls.lsp.homes import shown
from funcls.lsp.positions import path_to_uri

SOURCE = "funcls"
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}


def to_diagnostic(ctx: Context, f: Finding) -> types.Diagnostic:
    related = None
    message = f.message
    if f.related:
        if ctx.client.related_information:
            related = [
                types.DiagnosticRelatedInformation(
                    location=ctx.positions.location(r.location.path, r.location.range),
                    message=r.message,
                )
                for r in f.related
            ]
        else:
            message = fold_related(message, f.related)
    return types.Diagnostic(
        range=ctx.positions.range(f.path, f.range),
        message=message,
        severity=_SEVERITY.get(f.severity, types.DiagnosticSeverity.Warning),
        code=f.code,
        source=SOURCE,
        related_information=related,
        data={"fixes": len(f.fixes)} if f.fixes else None,
    )


def by_path(ctx: Context, findings: Iterable[Finding]) -> dict[str, list[types.Diagnostic]]:
    out: dict[str, list[types.Diagnostic]] = {}
    # A finding on a folder goes to a file beside it (homes.shown); on a folder with none, it
    # stays on the folder's URI, which VS Code's Problems view lists.
    for f in sorted(shown(findings), key=Finding.sort_key):
        if not f.path:
            continue
        out.setdefault(f.path, []).append(to_diagnostic(ctx, f))
    return out


def result_id(diagnostics: list[types.Diagnostic]) -> str:
    """A stable id of a diagnostics list, for pull diagnostics' ``previousResultId``."""
    raw = json.dumps(
        [
            (
                d.range.start.line,
                d.range.start.character,
                d.range.end.line,
                d.range.end.character,
                d.code,
                d.message,
                int(d.severity or 0),
            )
            for d in diagnostics
        ]
    )
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


def document_report(
    diagnostics: list[types.Diagnostic], previous: str | None
) -> types.RelatedFullDocumentDiagnosticReport | types.RelatedUnchangedDocumentDiagnosticReport:
    rid = result_id(diagnostics)
    if previous == rid:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=rid)
    return types.RelatedFullDocumentDiagnosticReport(items=diagnostics, result_id=rid)


def workspace_report(
    reports: dict[str, list[types.Diagnostic]],
    versions: dict[str, int],
    previous: dict[str, str],
) -> types.WorkspaceDiagnosticReport:
    items: list[types.WorkspaceDocumentDiagnosticReport] = []
    for path, diags in sorted(reports.items()):
        uri = path_to_uri(path)
        rid = result_id(diags)
        version = versions.get(path)
        if previous.get(uri) == rid:
            items.append(
                types.WorkspaceUnchangedDocumentDiagnosticReport(
                    uri=uri, version=version, result_id=rid
                )
            )
        else:
            items.append(
                types.WorkspaceFullDocumentDiagnosticReport(
                    uri=uri, version=version, items=diags, result_id=rid
                )
            )
    return types.WorkspaceDiagnosticReport(items=items)
