"""funcls on the real-world corpus: fidelity, apps found, error-level findings, broken fixtures.

    .venv/bin/python scripts/build_corpus.py          # once: rebuild /tmp/funcls-corpus
    .venv/bin/python bench/corpus_report.py [--corpus /tmp/funcls-corpus] [--details]

Prints, for the corpus built by scripts/build_corpus.py:
- functions identical to the library's own index / functions the library indexes (roots with
  an oracle; bindings compared as tests/support/fidelity.py does);
- app roots of the corpus funcls does not find (funcls' own discovery over each repository),
  and folders funcls takes for apps that the corpus does not count as Python apps;
- findings at error level by rule, each with the verdict recorded in bench/corpus_verdicts.json
  (true: the worker or host really fails; false: a false alarm to fix; '?': not triaged);
- the Python worker's deliberately broken fixtures (tests/unittests/broken_functions) for
  which funcls reports at least one error / all of them.
--details lists every difference, missed root, error finding, AZF306 information and missed
fixture.

--severity warning prints the warning-level findings instead, by rule, with the verdicts recorded
in bench/corpus_warning_verdicts.json (true: the platform misbehaves or the user most likely made
the mistake the warning names; false: noise). A rule with more than --sample warnings (30) is
triaged on a random sample drawn with --seed (5); --details then lists each rule's findings to
triage (all of them, or that sample) without a verdict.

--severity information does the same for the information-level findings, with their verdicts in
bench/corpus_information_verdicts.json (true: the note is right and worth reading; false: wrong,
or a fix suggestion that would not work).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from funcls.checks import CheckConfig, Finding, Severity, check_app  # noqa: E402
from funcls.model.jsondoc import parse_json  # noqa: E402
from funcls.model.loader import load_app  # noqa: E402
from funcls.model.source import Source  # noqa: E402
from funcls.model.workspace import find_app_roots  # noqa: E402
from tests.support.fidelity import differences, normalise  # noqa: E402

VERDICTS = Path(__file__).resolve().parent / "corpus_verdicts.json"
WARNING_VERDICTS = Path(__file__).resolve().parent / "corpus_warning_verdicts.json"
INFORMATION_VERDICTS = Path(__file__).resolve().parent / "corpus_information_verdicts.json"


def finding_key(corpus: Path, f: Finding) -> str:
    """A stable key for a verdict: file relative to the corpus, rule, message start."""
    rel = os.path.relpath(f.path, corpus)
    return f"{rel}|{f.code}|{f.message[:60]}"


_SETTING_READS = ("os.getenv(", "os.environ.get(", "getenv(", "environ.get(")


def _setting_constant(script: str | None, name: str) -> str | None:
    """The ``os.getenv(...)`` call the module ``script`` (the one defining the function: the
    app's script or a blueprint module) binds ``name`` to at its top level, with no default
    (``CRON_SCHEDULE = os.getenv("CRON_SCHEDULE")``), or None."""
    try:
        text = Path(script).read_text(encoding="utf-8-sig") if script else ""
    except (OSError, UnicodeDecodeError):
        return None
    pattern = (
        rf"^{re.escape(name)}\s*=\s*((?:os\.)?(?:getenv|environ\.get)\(\s*['\"][^'\",]*['\"]\s*\))"
    )
    m = re.search(pattern, text, re.M)
    return m.group(1).replace(" ", "") if m else None


def _from_settings_only(app: Any, oracle: dict[str, Any], name: str) -> bool:
    """Whether function ``name`` differs from the library's index only where funcls leaves a
    value unknown because it is read from the environment without a default (``database_name=
    os.getenv("database_id")``): the oracle imports the app here, where the setting is unset, so
    the library drops the None; on Azure the app setting gives it a value."""
    fn = next((f for f in app.functions if f.name == name), None)
    if fn is None or name not in oracle or len(fn.bindings) != len(oracle[name]):
        return False
    for binding, theirs in zip(fn.bindings, oracle[name], strict=True):
        mine = binding.to_json()
        theirs_keys = {k.lower() for k in theirs}
        for key, value in mine.items():
            unknown = isinstance(value, dict) and set(value) == {"$unknown"}
            if not unknown:
                continue
            text = str(value["$unknown"]).replace(" ", "")
            if text.isidentifier():
                # A module constant read from a setting: CRON = os.getenv("CRON") (eighth
                # round, pvoPA/csv_automation's twelve timers).
                script = fn.script_path or getattr(app, "script_path", None)
                text = _setting_constant(script, text) or text
            if not text.startswith(_SETTING_READS) or "," in text or key.lower() in theirs_keys:
                return False
        cleared = {
            k: v for k, v in mine.items() if not (isinstance(v, dict) and set(v) == {"$unknown"})
        }
        if normalise(cleared) != normalise(theirs):
            return False
    return True


def _computed_only(app: Any, oracle: dict[str, Any], name: str) -> bool:
    """Whether function ``name`` differs from the library's index only in values funcls leaves
    unknown because the app computes them with its own code when the module runs (``json.dumps(
    [p.to_dict() for p in tool_properties])`` over a class of the app): funcls does not run the
    app's code (docs/fidelity.md, What funcls does not guess) and keeps the source text; the
    library has the value. Every other key must be identical."""
    fn = next((f for f in app.functions if f.name == name), None)
    if fn is None or name not in oracle or len(fn.bindings) != len(oracle[name]):
        return False
    unknown_seen = False
    for binding, theirs in zip(fn.bindings, oracle[name], strict=True):
        mine = binding.to_json()
        theirs_by_key = {k.lower(): k for k in theirs}
        cleared = dict(mine)
        rest = dict(theirs)
        for key, value in mine.items():
            if isinstance(value, dict) and set(value) == {"$unknown"}:
                text = str(value["$unknown"]).replace(" ", "")
                if text.startswith(_SETTING_READS) or key.lower() not in theirs_by_key:
                    return False
                unknown_seen = True
                del cleared[key]
                rest.pop(theirs_by_key[key.lower()])
        if normalise(cleared) != normalise(rest):
            return False
    return unknown_seen


def _host_fallback(root: Path, oracle: dict[str, Any], apps: int | None = None) -> dict[str, Any]:
    """The host's own index when the script's index is empty: the worker then answers
    use_default_metadata_indexing (azure_functions_worker/dispatcher.py) and the host reads
    each direct sub-folder's function.json (FunctionMetadataProvider.cs, HostFunctionMetadata-
    Provider), so the bindings as written there are the oracle. Unchanged otherwise. A script
    with no function app at all (``apps`` 0, as the oracle counted them) is not an empty
    index: the worker's index_function_app raises ("Could not find top level function app
    instances", azure_functions_worker/loader.py), dispatcher.py answers Failure and the host
    reads no folder, so nothing loads."""
    if oracle or apps == 0:
        return oracle
    host: dict[str, Any] = {}
    for config in sorted(root.glob("*/function.json")):
        try:
            text = config.read_text(encoding="utf-8-sig")
        except (OSError, ValueError):
            continue
        try:
            data = json.loads(text)
        except ValueError:
            # The host reads function.json with Json.NET, which accepts comments and trailing
            # commas (JObject.Parse); a file with only those is read there
            # (JulienDataScientist64/azure_func_reco's `// azure_func/HttpTrigger/...` line).
            doc = parse_json(text)
            if doc.errors:
                continue
            data = doc.to_python()
        if isinstance(data, dict) and isinstance(data.get("bindings"), list):
            host[config.parent.name] = data["bindings"]
    return host


def _in_exclusive_arms(app: Any, oracle: dict[str, Any], name: str) -> bool:
    """Whether funcls holds ``name`` once per arm of an if/else (or try/except ImportError),
    one of them identical to the library's: which arm runs depends on the machine (here the
    oracle's import, with no app settings), and funcls keeps every arm (Function.branch)."""
    defs = [f for f in app.functions if f.name == name]
    if name not in oracle or len(defs) < 2:
        return False
    if not all(a.exclusive_with(b) for a in defs for b in defs if a is not b):
        return False
    theirs = [normalise(b) for b in oracle[name]]
    return any([normalise(b.to_json()) for b in f.bindings] == theirs for f in defs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default="/tmp/funcls-corpus")
    ap.add_argument("--details", action="store_true")
    ap.add_argument("--severity", choices=("error", "warning", "information"), default="error")
    ap.add_argument("--sample", type=int, default=30, help="warnings triaged per rule at most")
    ap.add_argument("--seed", type=int, default=5, help="seed of the per-rule sample")
    args = ap.parse_args(argv)
    corpus = Path(args.corpus).resolve()
    if args.severity != "error":
        return sampled_report(corpus, args.severity, args.details, args.sample, args.seed)
    manifest: dict[str, Any] = json.loads((corpus / "manifest.json").read_text())
    verdicts: dict[str, dict[str, str]] = (
        json.loads(VERDICTS.read_text()) if VERDICTS.is_file() else {}
    )

    found = _found_roots(corpus, manifest)
    missed_roots = [r["path"] for r in manifest["roots"] if r["path"] not in found]
    # Folders funcls takes for apps that the corpus' discovery does not count as Python apps
    # (another language's app, or a folder with host.json and no code): what funcls reports
    # there is noise for a Python developer whose repository also holds them.
    taken = sorted(found - {r["path"] for r in manifest["roots"]})
    taken_errors: dict[str, int] = {}
    for rel in taken:
        extra = check_app(load_app(str(corpus / rel), Source()), CheckConfig())
        taken_errors[rel] = sum(1 for f in extra if f.severity == Severity.ERROR)

    identical = total = dynamic = settings = arms = computed = 0
    diffs: list[str] = []
    errors: list[tuple[str, Finding]] = []
    by_root: dict[str, list[Finding]] = {}
    for record in manifest["roots"]:
        root = corpus / record["path"]
        app = load_app(str(root), Source())
        # A root funcls does not find is one it reports nothing on (funcls check over the
        # repository skips it): its findings are not counted.
        findings = check_app(app, CheckConfig()) if record["path"] in found else []
        by_root[record["path"]] = findings
        errors += [(record["path"], f) for f in findings if f.severity == Severity.ERROR]
        oracle = record.get("functions")
        if oracle is None:
            continue
        oracle = _host_fallback(root, oracle, record.get("apps"))
        total += len(oracle)
        bad = differences(app, oracle)
        wrong = {line.split("'")[1] for line in bad if line.startswith("function '")}
        identical += sum(1 for name in oracle if name not in wrong)
        if wrong and any(
            f.code in ("AZF306", "AZF312") and f.severity == Severity.INFO for f in findings
        ):
            dynamic += len(wrong)  # funcls said it cannot list or follow them (information)
        armed = {name for name in wrong if _in_exclusive_arms(app, oracle, name)}
        arms += len(armed)
        settings += sum(1 for name in wrong - armed if _from_settings_only(app, oracle, name))
        computed += sum(1 for name in wrong - armed if _computed_only(app, oracle, name))
        diffs += [f"{record['path']}: {line}" for line in bad]

    fixtures = manifest.get("broken_fixtures", [])
    caught = []
    for fixture in fixtures:
        folder = str(corpus / fixture)
        hit = any(
            f.severity == Severity.ERROR and (f.path + os.sep).startswith(folder + os.sep)
            for findings in by_root.values()
            for f in findings
        )
        caught.append((fixture, hit))

    rows: dict[str, Counter[str]] = defaultdict(Counter)
    untriaged: list[str] = []
    for _path, f in errors:
        key = finding_key(corpus, f)
        verdict = verdicts.get(key, {}).get("verdict", "?")
        rows[f.code][verdict] += 1
        if verdict == "?":
            untriaged.append(f"{key}\n    {f.message}")

    print(
        f"corpus: {len(manifest['repositories'])} repositories, {len(manifest['roots'])} app roots"
    )
    note = (
        f" (of the others: {dynamic} in apps where funcls says it cannot list them, AZF306"
        f" or AZF312 info; {settings} differing only in values read from the app's settings,"
        f" which funcls leaves unknown; {computed} differing only in values the app's own code"
        f" computes at import, which funcls does not run and leaves unknown; {arms} defined once"
        " per arm of an if/else on a setting, one arm identical)"
        if identical != total
        else ""
    )
    if manifest.get("oracle", True):
        print(f"functions identical to the library: {identical} / {total}{note}")
    else:
        print(
            "functions identical to the library: not measured (the corpus was built with"
            " --no-oracle: no script of it was imported)"
        )
    print(f"apps not found: {len(missed_roots)} / {len(manifest['roots'])}")
    print(
        f"other folders taken for apps: {len(taken)} "
        f"(error findings there: {sum(taken_errors.values())})"
    )
    print(f"worker's broken fixtures found: {sum(h for _, h in caught)} / {len(caught)}")
    print()
    print("| rule | error findings | true | false | not triaged |")
    print("|---|---|---|---|---|")
    for code in sorted(rows):
        c = rows[code]
        print(f"| {code} | {sum(c.values())} | {c['true']} | {c['false']} | {c['?']} |")
    c_all: Counter[str] = sum(rows.values(), Counter())
    print(f"| all | {sum(c_all.values())} | {c_all['true']} | {c_all['false']} | {c_all['?']} |")
    if args.details:
        print("\n# differences from the library")
        print("\n".join(diffs) or "none")
        print("\n# app roots not found")
        print("\n".join(missed_roots) or "none")
        print("\n# other folders taken for apps (error findings)")
        print("\n".join(f"{rel} ({n})" for rel, n in taken_errors.items()) or "none")
        print("\n# broken fixtures without an error")
        print("\n".join(f for f, h in caught if not h) or "none")
        print("\n# error findings without a verdict")
        print("\n".join(untriaged) or "none")
        # AZF306 and AZF312 information say funcls cannot list some functions of the app (an
        # app object or a registration it cannot follow): each is a shape to triage as an
        # error is (right, or an index funcls should have built).
        print("\n# AZF306/AZF312 information (functions funcls cannot list)")
        infos = [
            f"{finding_key(corpus, f)}\n    {f.message}"
            for findings in by_root.values()
            for f in findings
            if f.code in ("AZF306", "AZF312") and f.severity == Severity.INFO
        ]
        print("\n".join(infos) or "none")
        false = [k for k, v in verdicts.items() if v.get("verdict") == "false"]
        print("\n# verdict false (still reported)")
        present = {finding_key(corpus, f) for _, f in errors}
        print("\n".join(k for k in false if k in present) or "none")
    return 0


def warning_sample(keys: list[str], triaged: set[str], size: int, seed: int) -> list[str]:
    """The warnings of one rule still to triage: every one without a verdict when the rule has
    at most ``size``, else enough of them, drawn with ``seed`` from the keys sorted, that
    ``size`` of the rule's warnings have a verdict (verdicts recorded earlier keep counting, so
    a finding fixed or added since does not redraw the whole sample)."""
    left = sorted(k for k in keys if k not in triaged)
    need = min(size, len(keys)) - (len(keys) - len(left))
    if need <= 0:
        return []
    if len(left) <= need:
        return left
    return sorted(random.Random(seed).sample(left, need))


def _found_roots(corpus: Path, manifest: dict[str, Any]) -> set[str]:
    """The app roots funcls' own discovery finds in each repository, relative to the corpus.
    Since the eighth round it leaves out a function_app.py that only shares the name
    (Splroak/add_member_telegram's PyQt5 program), which the corpus' discovery counts."""
    found: set[str] = set()
    for repo in manifest["repositories"]:
        for r in find_app_roots(str(corpus / repo["name"].replace("/", "+"))):
            found.add(os.path.relpath(r, corpus))
    return found


def sampled_report(corpus: Path, severity: str, details: bool, size: int, seed: int) -> int:
    """Warning- or information-level findings of every app root of the corpus, by rule, with
    their verdicts (each severity has its own verdict file)."""
    manifest: dict[str, Any] = json.loads((corpus / "manifest.json").read_text())
    level = Severity.WARNING if severity == "warning" else Severity.INFO
    path = WARNING_VERDICTS if severity == "warning" else INFORMATION_VERDICTS
    verdicts: dict[str, dict[str, str]] = json.loads(path.read_text()) if path.is_file() else {}
    by_rule: dict[str, dict[str, Finding]] = defaultdict(dict)
    count: Counter[str] = Counter()
    found = _found_roots(corpus, manifest)
    for record in manifest["roots"]:
        if record["path"] not in found:
            continue  # funcls reports nothing on a root it does not find
        app = load_app(str(corpus / record["path"]), Source())
        for f in check_app(app, CheckConfig()):
            if f.severity == level:
                by_rule[f.code][finding_key(corpus, f)] = f
                count[f.code] += 1
    present = {k for v in by_rule.values() for k in v}
    print(
        f"corpus: {len(manifest['repositories'])} repositories, {len(manifest['roots'])} app roots"
    )
    print(
        f"{severity} findings: {sum(count.values())} (triaged: all of a rule's when it has at most"
        f" {size}, else a sample of {size} drawn with seed {seed})"
    )
    print()
    print(f"| rule | {severity} | triaged | true | false | left to triage |")
    print("|---|---|---|---|---|---|")
    total: Counter[str] = Counter()
    todo: list[str] = []
    for code in sorted(by_rule):
        keys = list(by_rule[code])
        c: Counter[str] = Counter(verdicts[k]["verdict"] for k in keys if k in verdicts)
        left = warning_sample(keys, set(verdicts), size, seed)
        total.update(c)
        total["warnings"] += count[code]
        total["left"] += len(left)
        print(
            f"| {code} | {count[code]} | {c['true'] + c['false']} | {c['true']} | {c['false']} |"
            f" {len(left)} |"
        )
        todo += [f"{k}\n    {by_rule[code][k].message}" for k in left]
    print(
        f"| all | {total['warnings']} | {total['true'] + total['false']} | {total['true']} |"
        f" {total['false']} | {total['left']} |"
    )
    gone = Counter(
        k.split("|")[1] for k, v in verdicts.items() if v["verdict"] == "false" and k not in present
    )
    if gone:
        print(
            "verdict false and no longer reported (fixed): "
            + ", ".join(f"{code} {n}" for code, n in sorted(gone.items()))
        )
    if details:
        print(f"\n# {severity} findings to triage without a verdict")
        print("\n".join(todo) or "none")
        print("\n# verdict false (still reported)")
        print(
            "\n".join(k for k, v in verdicts.items() if v["verdict"] == "false" and k in present)
            or "none"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
