"""Output formats of ``funcls check``: text (like ruff), JSON, SARIF 2.1.0, GitHub annotations."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from funcls import __version__
from funcls.checks import Finding, Rule, Severity
from funcls.model.locations import Range

FORMATS = ("text", "json", "sarif", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def display_path(path: str, cwd: str) -> str:
    """``path`` relative to ``cwd`` when it lies below it, else as given."""
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def _pos(r: Range) -> dict[str, int]:
    return {
        "line": r.start.line + 1,
        "column": r.start.column + 1,
        "end_line": r.end.line + 1,
        "end_column": r.end.column + 1,
    }


def render_text(findings: Sequence[Finding], cwd: str) -> str:
    out = []
    for f in findings:
        p = display_path(f.path, cwd)
        out.append(f"{p}:{f.range.start.line + 1}:{f.range.start.column + 1}: {f.code} {f.message}")
    return "".join(line + "\n" for line in out)


def summary(findings: Sequence[Finding], apps: int) -> str:
    if not findings:
        return f"No problems found in {apps} app{'s' if apps != 1 else ''}."
    counts = {s: sum(1 for f in findings if f.severity == s) for s in Severity}
    parts = [
        f"{n} {s.label}{'s' if n != 1 else ''}"
        for s, n in sorted(counts.items(), reverse=True)
        if n
    ]
    total = len(findings)
    return f"Found {total} problem{'s' if total != 1 else ''} ({', '.join(parts)})."


def finding_json(f: Finding, cwd: str) -> dict[str, Any]:
    return {
        "code": f.code,
        "severity": f.severity.label,
        "message": f.message,
        "path": display_path(f.path, cwd),
        **_pos(f.range),
        "function": f.function,
        "app": display_path(f.app_root, cwd) if f.app_root else None,
        "related": [
            {
                "path": display_path(r.location.path, cwd),
                **_pos(r.location.range),
                "message": r.message,
            }
            for r in f.related
        ],
        "fixes": [
            {
                "title": x.title,
                "preferred": x.preferred,
                "edits": [
                    {"path": display_path(e.path, cwd), **_pos(e.range), "new_text": e.new_text}
                    for e in x.edits
                ],
            }
            for x in f.fixes
        ],
    }


def render_json(findings: Sequence[Finding], cwd: str) -> str:
    return json.dumps([finding_json(f, cwd) for f in findings], indent=2) + "\n"


# -- SARIF -----------------------------------------------------------------------------------

_SARIF_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
    Severity.HINT: "note",
}


def _uri(path: str, cwd: str) -> str:
    return display_path(path, cwd).replace(os.sep, "/")


def _region(r: Range) -> dict[str, int]:
    region = {"startLine": r.start.line + 1, "startColumn": r.start.column + 1}
    if r.end > r.start:
        region["endLine"] = r.end.line + 1
        region["endColumn"] = r.end.column + 1
    return region


def _location(path: str, r: Range, cwd: str) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(path, cwd), "uriBaseId": "SRCROOT"},
            "region": _region(r),
        }
    }


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": "".join(w.title() for w in rule.name.split("-")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.rationale},
        "help": {
            "text": f"{rule.summary} {rule.rationale}",
            "markdown": f"**{rule.code} {rule.name}**: {rule.summary}\n\n{rule.rationale}\n\n"
            "See docs/rules.md for an example and its fix.",
        },
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        "properties": {"tags": [rule.family.lower()]},
    }


def render_sarif(findings: Sequence[Finding], all_rules: Sequence[Rule], cwd: str) -> str:
    index = {r.code: i for i, r in enumerate(all_rules)}
    results = []
    for f in findings:
        result: dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [_location(f.path, f.range, cwd)],
        }
        if f.related:
            result["relatedLocations"] = [
                {
                    "id": i,
                    **_location(r.location.path, r.location.range, cwd),
                    "message": {"text": r.message},
                }
                for i, r in enumerate(f.related)
            ]
        if f.fixes:
            result["fixes"] = [_sarif_fix(x, cwd) for x in f.fixes]
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "funcls",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_sarif_rule(r) for r in all_rules],
                    }
                },
                "originalUriBaseIds": {
                    "SRCROOT": {"uri": "file://" + cwd.replace(os.sep, "/").rstrip("/") + "/"}
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


def _sarif_fix(fix: Any, cwd: str) -> dict[str, Any]:
    by_path: dict[str, list[Any]] = {}
    for e in fix.edits:
        by_path.setdefault(e.path, []).append(e)
    return {
        "description": {"text": fix.title},
        "artifactChanges": [
            {
                "artifactLocation": {"uri": _uri(path, cwd), "uriBaseId": "SRCROOT"},
                "replacements": [
                    {
                        "deletedRegion": {
                            "startLine": e.range.start.line + 1,
                            "startColumn": e.range.start.column + 1,
                            "endLine": e.range.end.line + 1,
                            "endColumn": e.range.end.column + 1,
                        },
                        "insertedContent": {"text": e.new_text},
                    }
                    for e in edits
                ],
            }
            for path, edits in by_path.items()
        ],
    }


# -- GitHub workflow commands ----------------------------------------------------------------

_GITHUB_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
    Severity.HINT: "notice",
}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(findings: Sequence[Finding], cwd: str) -> str:
    lines = []
    for f in findings:
        r = f.range
        props = [
            f"file={_escape_property(_uri(f.path, cwd))}",
            f"line={r.start.line + 1}",
            f"col={r.start.column + 1}",
            f"endLine={r.end.line + 1}",
            f"endColumn={r.end.column + 1}",
            f"title={_escape_property('funcls ' + f.code)}",
        ]
        text = _escape_data(f"{f.code} {f.message}")
        lines.append(f"::{_GITHUB_LEVEL[f.severity]} {','.join(props)}::{text}")
    return "".join(line + "\n" for line in lines)
