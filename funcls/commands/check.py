"""``funcls check [PATH…]``: every mistake funcls finds, for the terminal and CI.

Exit code 0 when nothing is at error level, 1 when errors were found, 2 for a usage error
(a missing path, a path without an app, a bad option or configuration) or a bug in funcls.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from funcls.checks import (
    CheckConfig,
    CheckerCrash,
    ConfigError,
    Finding,
    Severity,
    check_app,
    rules,
)
from funcls.checks.config import find_pyproject, resolve_config
from funcls.commands.check_formats import (
    FORMATS,
    render_github,
    render_json,
    render_sarif,
    render_text,
    summary,
)
from funcls.commands.common import UsageError, app_roots, load_apps


def _codes(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out.extend(c for c in v.replace(" ", ",").split(",") if c)
    return out


def _config(root: str, args: argparse.Namespace, cache: dict[str, CheckConfig]) -> CheckConfig:
    pyproject = find_pyproject(root) or ""
    if pyproject not in cache:
        # The one resolution every face uses (the language server too).
        cache[pyproject] = resolve_config(root, _codes(args.select), _codes(args.ignore))
    return cache[pyproject]


def list_rules() -> str:
    lines = [f"{r.code}  {r.severity.label:<7}  {r.name:<32}  {r.summary}" for r in rules()]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    if args.list_rules:
        sys.stdout.write(list_rules())
        return 0
    cache: dict[str, CheckConfig] = {}
    cwd = os.getcwd()
    try:
        CheckConfig().merged(_codes(args.select), _codes(args.ignore))  # validate early
        if args.fix or args.diff:
            # Imported only for --fix / --diff (issue 16: no work at import time).
            from funcls.commands.check_fix import fix_apps, render_diff, write_changes

            fixed = fix_apps(app_roots(args.paths), lambda root: _config(root, args, cache))
            if args.diff:
                sys.stdout.write(render_diff(fixed, cwd))
                return 1 if fixed.changes else 0
            write_changes(fixed)
            for done in fixed.applied:
                print(
                    f"fixed {os.path.relpath(done.path, cwd)}: {done.code} {done.title}",
                    file=sys.stderr,
                )
        apps = load_apps(args.paths, keep_trees=True)
        findings = []
        for app in apps:
            findings.extend(check_app(app, _config(app.root, args, cache), raise_errors=True))
    except ConfigError as e:
        raise UsageError(str(e)) from None
    except CheckerCrash as e:
        print(f"funcls: internal error: {e}; please report it", file=sys.stderr)
        return 2
    findings.sort(key=lambda f: f.sort_key())
    if args.fix:
        _left_to_choose(findings, cwd)
    if args.format == "json":
        _write(render_json(findings, cwd))
    elif args.format == "sarif":
        _write(render_sarif(findings, rules(), cwd))
    elif args.format == "github":
        _write(render_github(findings, cwd))
    else:
        # The summary follows the findings on stdout, as ruff, mypy and eslint print theirs:
        # `funcls check > report.txt` keeps the whole report; -q leaves it out. The machine
        # formats above write nothing but their document to stdout.
        text = render_text(findings, cwd)
        if not args.quiet:
            text += summary(findings, len(apps)) + "\n"
        _write(text)
    return 1 if any(f.severity >= Severity.ERROR for f in findings) else 0


def _left_to_choose(findings: list[Finding], cwd: str) -> None:
    """After --fix: a finding whose quick fixes it did not take says why, beside the ``fixed``
    lines (QA: AZF400's fix was skipped without a word). --fix takes a preferred fix only,
    one that makes no choice for the user; the others are the editor's to offer."""
    for f in findings:
        if not f.fixes or any(x.preferred for x in f.fixes):
            continue
        offers = "quick fix" if len(f.fixes) == 1 else "quick fixes"
        titles = "; ".join(x.title for x in f.fixes)
        line, column = f.location.range.start.line + 1, f.location.range.start.column + 1
        print(
            f"not fixed {os.path.relpath(f.location.path, cwd)}:{line}:{column}: {f.code} needs "
            f"a choice or a value only you have, so --fix leaves it (the editor's {offers}: "
            f"{titles})",
            file=sys.stderr,
        )


def _write(text: str) -> None:
    """Write a report; a lone surrogate quoted from a file ("\\ud800" in a route) is written
    as its escape instead of failing the whole report with UnicodeEncodeError (issue 17)."""
    sys.stdout.write(text.encode("utf-8", "backslashreplace").decode("utf-8"))


def register(sub: Any) -> None:
    p = sub.add_parser(
        "check",
        help="report mistakes in Azure Functions apps (exit 1 when errors are found)",
        description="Check the Azure Functions apps under each PATH (default: the current "
        "folder). Configure with [tool.funcls] in pyproject.toml: select, ignore, severity, plan.",
    )
    p.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    p.add_argument("--format", choices=FORMATS, default="text", help="output format")
    p.add_argument(
        "--select",
        action="append",
        metavar="CODES",
        help="only these rules: codes or prefixes, comma-separated (e.g. AZF2,AZF400)",
    )
    p.add_argument(
        "--ignore", action="append", metavar="CODES", help="skip these rules (codes or prefixes)"
    )
    fixing = p.add_mutually_exclusive_group()
    fixing.add_argument(
        "--fix",
        action="store_true",
        help="apply each finding's preferred quick fix to the files, then report what is left",
    )
    fixing.add_argument(
        "--diff",
        action="store_true",
        help="print the preferred fixes as a unified diff, change nothing (exit 1 if any)",
    )
    p.add_argument("--list-rules", action="store_true", help="print every rule and exit")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    p.set_defaults(handler=run, exit_at_once=True)  # cli._exit_at_once
