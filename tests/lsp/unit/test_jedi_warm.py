"""jedi loaded ahead of the first rename (funcls/lsp/jedi_warm.py), in a fresh interpreter.

What the warm-up does must be what the rename's jedi needs, and nothing a query would do: after
it, the rename's own ``Script`` and references query generate no grammar (the versions jedi
asks for are the ones loaded), and the warm-up itself leaves the recursion limit and parso's
on-disk cache alone and runs no query."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = r"""
import json, os, sys
import parso.grammar
sys.setrecursionlimit(1234)
assert "jedi" not in sys.modules
from funcls.lsp import jedi_warm

jedi_warm.warm()
after_warm = {
    "recursion_limit": sys.getrecursionlimit(),
    "jedi_imported": "jedi" in sys.modules,
    "grammars": len(parso.grammar._loaded_grammars),
    "cache_files": sum(len(f) for _, _, f in os.walk(os.environ["XDG_CACHE_HOME"])),
}

generated = []
real = parso.grammar.generate_grammar
parso.grammar.generate_grammar = lambda *a, **k: generated.append(1) or real(*a, **k)
import jedi

path = sys.argv[1]
text = open(path).read()
script = jedi.Script(code=text, path=path, environment=jedi.InterpreterEnvironment())
refs = script.get_references(2, 9, scope="file")
print(json.dumps({**after_warm, "generated_after": len(generated), "refs": len(refs)}))
"""


def test_the_warm_up_loads_what_the_rename_uses_and_runs_no_query(tmp_path: Path) -> None:
    script = tmp_path / "function_app.py"
    script.write_text("import azure.functions as func\ndef main(req):\n    return len(req)\n")
    cache = tmp_path / "cache"
    cache.mkdir()
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "HOME": str(tmp_path)}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[3])
    run = subprocess.run(
        [sys.executable, "-c", PROBE, str(script)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert (
        got
        == {
            "recursion_limit": 1234,  # no jedi query ran (a query raises it while it runs)
            "jedi_imported": True,
            "grammars": 2 if sys.version_info[:2] != (3, 13) else 1,
            "cache_files": 0,  # parso's on-disk cache untouched
            "generated_after": 0,  # the rename's Script found every grammar it asks for loaded
            "refs": 2,  # the parameter and its use: the query works after the warm-up
        }
    )
