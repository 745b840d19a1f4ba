"""``funcls check [PATH…]``: every mistake funcls finds, for the terminal and CI.

Exit code 0 when nothing is at error level, 1 when errors were found, 2 for a usage error
(a missing path, a path without an app, a bad option or configuration) or a bug in funcls.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from funcls.checks import CheckConfig, CheckerCrash, ConfigError, Severity, check_app, rules
from funcls.checks.config import find_pyproject
from funcls.commands.check_formats import (
    FORMATS,
    render_github,
    render_json,
    render_sarif,
    render_text,
    summary,
)
from funcls.commands.common import UsageError, load_apps


def _codes(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out.extend(c for c in v.replace(" ", ",").split(",") if c)
    return out


def _config(root: str, args: argparse.Namespace, cache: dict[str, CheckConfig]) -> CheckConfig:
    pyproject = find_pyproject(root) or ""
    if pyproject not in cache:
        base = CheckConfig.from_pyproject(pyproject) if pyproject else CheckConfig()
        cache[pyproject] = base.merged(_codes(args.select), _codes(args.ignore))
    return cache[pyproject]


def list_rules() -> str:
    lines = [f"{r.code}  {r.severity.label:<7}  {r.name:<32}  {r.summary}" for r in rules()]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    if args.list_rules:
        sys.stdout.write(list_rules())
        return 0
    try:
        CheckConfig().merged(_codes(args.select), _codes(args.ignore))  # validate early
        apps = load_apps(args.paths)
        cache: dict[str, CheckConfig] = {}
        findings = []
        for app in apps:
            findings.extend(check_app(app, _config(app.root, args, cache), raise_errors=True))
    except ConfigError as e:
        raise UsageError(str(e)) from None
    except CheckerCrash as e:
        print(f"funcls: internal error: {e}; please report it", file=sys.stderr)
        return 2
    findings.sort(key=lambda f: f.sort_key())
    cwd = os.getcwd()
    if args.format == "json":
        sys.stdout.write(render_json(findings, cwd))
    elif args.format == "sarif":
        sys.stdout.write(render_sarif(findings, rules(), cwd))
    elif args.format == "github":
        sys.stdout.write(render_github(findings, cwd))
    else:
        sys.stdout.write(render_text(findings, cwd))
        if not args.quiet:
            print(summary(findings, len(apps)), file=sys.stderr)
    return 1 if any(f.severity >= Severity.ERROR for f in findings) else 0


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
    p.add_argument("--list-rules", action="store_true", help="print every rule and exit")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    p.set_defaults(handler=run)
