"""funcls and azure-functions-doctor side by side on the same broken apps.

    python bench/compare_doctor.py            # print the comparison table
    python bench/compare_doctor.py --write    # also rewrite docs/doctor-comparison.md

Needs `pip install azure-functions-doctor`. Each case of bench/doctor_cases.py is written on
top of a correct app; funcls runs as `funcls check --format json`, doctor as
`azure-functions-doctor doctor --format json --profile full`. Doctor's checks that already
fail or warn on the correct app (environment checks: virtual environment, Core Tools,
Application Insights, pinned versions…) are listed once and left out of the per-case
columns, so each row shows what the mistake itself made each tool report. Exits 1 when
funcls misses a mistake or reports one where there is none.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from doctor_cases import CASES, HEAD, PING, Case

from funcls.checks.registry import DEFAULT_APP

DOC = Path(__file__).resolve().parents[1] / "docs" / "doctor-comparison.md"
# Doctor checks that fire on these apps without being about the mistake: the v2 check fails
# on every v1 app, and the durableTask check asks every durable app for host.json settings
# whose defaults work.
UNRELATED = frozenset({"check_programming_model_v2", "check_durabletask_config"})


def write_case(root: Path, files: dict[str, str | None]) -> None:
    merged: dict[str, str | None] = {**DEFAULT_APP, **files}
    for rel, text in merged.items():
        if text is None:
            continue
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


def git_track(root: Path, paths: tuple[str, ...]) -> None:
    if not paths:
        return
    for argv in (["init", "-q"], ["add", *paths]):
        subprocess.run(["git", "-C", str(root), *argv], check=True, capture_output=True)


def run_funcls(root: Path) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-m", "funcls", "check", "--format", "json", str(root)],
        capture_output=True,
        text=True,
    )
    if out.returncode == 2:
        raise SystemExit(f"funcls failed on {root}:\n{out.stderr}")
    return sorted({f["code"] for f in json.loads(out.stdout)})


def doctor_command() -> list[str]:
    exe = shutil.which("azure-functions-doctor") or str(
        Path(sys.executable).parent / "azure-functions-doctor"
    )
    if not os.path.exists(exe):
        raise SystemExit(
            "azure-functions-doctor is not installed: pip install azure-functions-doctor"
        )
    return [exe, "doctor", "--format", "json", "--profile", "full"]


def run_doctor(root: Path) -> dict[str, str]:
    """rule_id -> status ('fail' or 'warn') of every check that did not pass."""
    out = subprocess.run(
        [*doctor_command(), "--path", str(root)], capture_output=True, text=True, cwd=root
    )
    try:
        data = json.loads(out.stdout)
    except json.JSONDecodeError:
        return {"(doctor crashed)": "fail"}
    found: dict[str, str] = {}
    for section in data.get("results", []):
        for item in section.get("items", []):
            if item.get("status") in ("fail", "warn"):
                found[item["rule_id"]] = item["status"]
    return found


def doctor_version() -> str:
    out = subprocess.run([doctor_command()[0], "--version"], capture_output=True, text=True)
    return out.stdout.strip().split()[-1] if out.stdout.strip() else "?"


def compare() -> tuple[list[tuple[Case, list[str], dict[str, str], bool]], dict[str, str]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline"
        write_case(base, {"function_app.py": HEAD + PING})
        baseline = run_doctor(base)
        if run_funcls(base):
            raise SystemExit("funcls reports problems in the correct baseline app")
        for i, case in enumerate(CASES):
            root = Path(tmp) / f"case{i:02d}"
            write_case(root, case.files)
            git_track(root, case.git)
            codes = run_funcls(root)
            doctor = {k: v for k, v in run_doctor(root).items() if baseline.get(k) != v}
            ok = set(case.funcls) <= set(codes) and (case.real or not codes)
            rows.append((case, codes, doctor, ok))
    return rows, baseline


def _cell(items: list[str]) -> str:
    return ", ".join(f"`{i}`" for i in items) if items else "—"


def render(
    rows: list[tuple[Case, list[str], dict[str, str], bool]], baseline: dict[str, str]
) -> str:
    lines = [
        "| # | mistake | real? | funcls | azure-functions-doctor |",
        "|---|---|---|---|---|",
    ]
    for i, (case, codes, doctor, ok) in enumerate(rows, 1):
        real = "yes" if case.real else f"no — {case.note}"
        mark = "" if ok else " **(unexpected)**"
        doc = [f"{k} ({v})" for k, v in sorted(doctor.items())]
        lines.append(f"| {i} | {case.title} | {real} | {_cell(codes)}{mark} | {_cell(doc)} |")
    base = [f"{k} ({v})" for k, v in sorted(baseline.items())]
    lines += ["", f"Doctor checks that fail or warn on the correct app itself: {_cell(base)}."]
    return "\n".join(lines) + "\n"


def summary(rows: list[tuple[Case, list[str], dict[str, str], bool]]) -> str:
    real = [r for r in rows if r[0].real]
    funcls_found = sum(1 for case, codes, _d, _ok in real if set(case.funcls) <= set(codes))
    doctor_found = sum(1 for _c, _codes, doctor, _ok in real if set(doctor) - UNRELATED)
    noise_f = sum(1 for case, codes, _d, _ok in rows if not case.real and codes)
    noise_d = sum(1 for case, _codes, doctor, _ok in rows if not case.real and doctor)
    return (
        f"Real mistakes: {len(real)}; found by funcls: {funcls_found}, by doctor: "
        f"{doctor_found} (not counting {', '.join(sorted(UNRELATED))}, which fire on every "
        f"v1 or durable app). Not mistakes: {len(rows) - len(real)}; reported by funcls: "
        f"{noise_f}, by doctor: {noise_d}."
    )


HEADER = """# funcls and azure-functions-doctor on the same broken apps

<!-- The table is produced by `python bench/compare_doctor.py --write`; edit the text around
it by hand, the table only through bench/doctor_cases.py. -->

[azure-functions-doctor](https://pypi.org/project/azure-functions-doctor/) (version {version})
is the v2-model checker its authors publish: it checks a project's environment and
configuration (Python version, virtual environment, Core Tools, requirements.txt, host.json,
local.settings.json, .funcignore, extension bundle, git, infrastructure templates) and a few
things in the code (blueprint registration, connection settings, orchestrator determinism).
funcls checks the app itself as the host and the Python worker will read it: every binding,
every signature, every value the host parses, and how the files fit together.

Each row below is one mistake written on top of a correct app (the default app of the rule
examples: host.json with an extension bundle, local.settings.json, requirements.txt,
.funcignore, and one HTTP function). The cells list what each tool reported because of the
mistake: funcls rule codes (see docs/rules.md), doctor check ids with their status. Rows
marked "no" are not mistakes; a tool that reports them raises a false alarm.

{summary}

"""

FOOTER = """
## Reading the table

- Everything doctor finds that is a real mistake, funcls finds too: unregistered blueprints
  (AZF307), missing connection settings (AZF400), requirements.txt problems (AZF601),
  host.json missing or with the wrong version (AZF408, AZF404), a missing extension bundle
  where one is needed (AZF405), a secret in a git-tracked local.settings.json (AZF602),
  nondeterministic orchestrators (AZF314) and the storage emulator in a deployment template
  (AZF604). The last two rules were added to funcls for this comparison.
- Where doctor and funcls disagree on what is a mistake: doctor wants an extension bundle in
  every app, although HTTP and timer triggers are built into the host; it flags any tracked
  local.settings.json, also one that holds only placeholders; it applies the orchestrator
  rules to entity functions, which are not replayed; and it warns about a missing .funcignore,
  although Core Tools leaves local.settings.json out of the package without one. funcls
  reports none of these.
- The mistakes inside functions and across files — bindings against parameters, annotations,
  decorator arguments, duplicate names and routes, schedules, route templates, binding
  expressions, storage names, settings referenced with `%…%`, v1 function.json files — are
  outside what doctor looks at; the host or the worker reports them only when the app starts
  (often as "0 functions found") or when a function runs.
- Doctor's environment checks (virtual environment, Core Tools on PATH, Application Insights,
  pinned versions, `FUNCTIONS_EXTENSION_VERSION` in local.settings.json) describe the machine
  or a preference rather than the app, and fire on the correct app as well.
  `check_programming_model_v2` fails on every v1 app (doctor checks only the v2 model), and
  `check_durabletask_config` asks every durable app for a `durableTask` section in host.json,
  whose defaults work; neither is about the mistake in its row.
- Regenerate with `python bench/compare_doctor.py --write` (about two minutes: doctor takes a
  few seconds per app). The script exits 1 if funcls misses a mistake of the table or
  reports one of the rows that are not mistakes.
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="rewrite docs/doctor-comparison.md")
    args = parser.parse_args()
    rows, baseline = compare()
    table = render(rows, baseline)
    print(table)
    print(summary(rows))
    if args.write:
        text = HEADER.format(version=doctor_version(), summary=summary(rows)) + table + FOOTER
        DOC.write_text(text, encoding="utf-8")
    if not all(ok for *_rest, ok in rows):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
