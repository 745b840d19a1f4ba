"""funcls.model.lazy_re: a pattern compiled on first use answers as re.compile's (issue 16)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from funcls.model.lazy_re import compiled_on_use

ROOT = Path(__file__).resolve().parents[2]


def test_answers_as_the_compiled_pattern() -> None:
    for pattern, flags, texts in (
        (r"\s*[+-]?(\d[\d,]*)?(\.\d*)?([eE][+-]?\d+)?\s*", 0, ["1,000.5e3", " -2 ", "x", ""]),
        (
            r"^\s*objectformat\s*=\s*sha256\s*$",
            re.IGNORECASE | re.MULTILINE,
            ["a\nObjectFormat = SHA256\n"],
        ),
        (r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)\.\s", 0, ["One, e.g. two. Three. Four"]),
    ):
        lazy = compiled_on_use(pattern, flags)
        real = re.compile(pattern, flags)
        for text in texts:
            assert repr(lazy.match(text)) == repr(real.match(text))
            assert repr(lazy.fullmatch(text)) == repr(real.fullmatch(text))
            assert repr(lazy.search(text)) == repr(real.search(text))
            assert lazy.split(text, maxsplit=1) == real.split(text, maxsplit=1)
            assert lazy.findall(text) == real.findall(text)
            assert [m.span() for m in lazy.finditer(text)] == [
                m.span() for m in real.finditer(text)
            ]
            assert lazy.sub("_", text) == real.sub("_", text)
            assert lazy.subn("_", text) == real.subn("_", text)
        assert (lazy.pattern, lazy.flags, lazy.groups) == (real.pattern, real.flags, real.groups)


def test_a_bad_pattern_fails_when_used() -> None:
    lazy = compiled_on_use(r"(unclosed")
    try:
        lazy.match("x")
    except re.error as e:
        assert "missing )" in str(e)
    else:
        raise AssertionError("re.error expected")


def test_importing_the_rules_compiles_no_lazy_pattern() -> None:
    # In a fresh process: every rule module imported, none of the patterns made lazy is
    # compiled until a rule uses it.
    code = (
        "import funcls.checks.engine as e, funcls.model.lazy_re as l, sys\n"
        "e._load_rule_modules()\n"
        "made = [(m, k) for m, mod in list(sys.modules.items()) if m.startswith('funcls')\n"
        "        for k, v in vars(mod).items() if isinstance(v, l._OnUse)]\n"
        "assert len(made) >= 15, made\n"
        "print(sum('match' in v.__dict__ for m, mod in list(sys.modules.items())\n"
        "          if m.startswith('funcls') for v in vars(mod).values() if isinstance(v, l._OnUse)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "0"
