"""``funcls check --fix`` / ``--diff``: apply the preferred quick fix of each finding.

Fixes are applied in memory, pass after pass (a fix can reveal or settle another finding),
through the same Source overlay the language server uses for unsaved documents; nothing is
written until every pass is done. Within a pass, a fix whose edits touch a range another fix
already edits waits for the next pass. Only preferred fixes are taken: the ones the editor
offers first, which make no choice on the user's behalf.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Sequence
from dataclasses import field

from funcls.checks import CheckConfig, Finding, Fix, TextEdit, check_app
from funcls.model.fastclass import dataclass
from funcls.model.locations import LineIndex, Range
from funcls.model.source import Source
from funcls.model.workspace import Workspace

MAX_PASSES = 10


@dataclass
class Applied:
    code: str
    title: str
    path: str  # where the finding was


@dataclass
class FixResult:
    applied: list[Applied] = field(default_factory=list)
    # path -> (text before, text after); before is None for a file the fixes create
    changes: dict[str, tuple[str | None, str]] = field(default_factory=dict)


def preferred_fix(finding: Finding) -> Fix | None:
    return next((f for f in finding.fixes if f.preferred), None)


def _touches(a: Range, b: Range) -> bool:
    return not (a.end < b.start or b.end < a.start)


def _apply(text: str, edits: Sequence[TextEdit]) -> str:
    for e in sorted(edits, key=lambda e: (e.range.start, e.range.end), reverse=True):
        lines = LineIndex(text)
        a, b = lines.offset(e.range.start), lines.offset(e.range.end)
        text = text[:a] + e.new_text + text[b:]
    return text


def fix_apps(roots: Sequence[str], config_for: Callable[[str], CheckConfig]) -> FixResult:
    source = Source()
    result = FixResult()
    before: dict[str, str | None] = {}
    for version in range(1, MAX_PASSES + 1):
        apps = Workspace([], extra_roots=list(roots), source=source).index_all()
        taken: dict[str, list[Range]] = {}
        edits: dict[str, list[TextEdit]] = {}
        for app in apps.values():
            for finding in check_app(app, config_for(app.root), raise_errors=True):
                fix = preferred_fix(finding)
                if fix is None or any(
                    _touches(e.range, r) for e in fix.edits for r in taken.get(e.path, [])
                ):
                    continue
                for e in fix.edits:
                    taken.setdefault(e.path, []).append(e.range)
                    edits.setdefault(e.path, []).append(e)
                result.applied.append(Applied(finding.code, fix.title, finding.location.path))
        if not edits:
            break
        for path, file_edits in edits.items():
            current = source.text(path)
            before.setdefault(path, current)
            source.open(path, version, _apply(current or "", file_edits))
    for path, old in before.items():
        new = source.overlays[os.path.normpath(path)][1]
        if new != old:
            result.changes[path] = (old, new)
    return result


def write_changes(result: FixResult) -> None:
    """Write each changed file, keeping its byte-order mark and CRLF line ends."""
    for path, (_, text) in result.changes.items():
        raw = b""
        if os.path.exists(path):
            with open(path, "rb") as f:
                raw = f.read()
        if raw.count(b"\r\n") * 2 > raw.count(b"\n"):
            text = text.replace("\n", "\r\n")
        data = text.encode("utf-8")
        if raw.startswith(b"\xef\xbb\xbf"):
            data = b"\xef\xbb\xbf" + data
        tmp = f"{path}.funcls-fix"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)


def render_diff(result: FixResult, cwd: str) -> str:
    out: list[str] = []
    for path in sorted(result.changes):
        old, new = result.changes[path]
        rel = os.path.relpath(path, cwd)
        out.extend(
            difflib.unified_diff(
                (old or "").splitlines(keepends=True),
                new.splitlines(keepends=True),
                fromfile="/dev/null" if old is None else f"a/{rel}",
                tofile=f"b/{rel}",
            )
        )
    text = "".join(line if line.endswith("\n") else line + "\n" for line in out)
    return text
