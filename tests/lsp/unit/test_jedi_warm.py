"""jedi warmed before the first rename (``funcls/lsp/jedi_warm.py``): in a fresh interpreter
whose working directory is a folder baited as ``test_untrusted_folder`` baits the workspace (a
``.jedi/project.json`` naming the folder's Python, asking for unsafe extensions and adding the
folder to sys.path), the warm-up imports jedi and answers its query, and after it jedi answers a
rename's query; the folder's Python never runs and nothing in the folder is imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys, time
from funcls.lsp import jedi_warm
assert "jedi" not in sys.modules
jedi_warm.warm()
import jedi
refs = jedi.Script(
    code="def f(msg):\\n    return msg\\n", environment=jedi.InterpreterEnvironment()
).get_references(1, 6, scope="file")
print(len(refs), "bait" in sys.modules)
"""


def test_warm_imports_jedi_and_touches_nothing_of_the_folder(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f"#!/bin/sh\ntouch {marker}\n")
    python.chmod(0o755)
    (tmp_path / "bait.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    (tmp_path / "jedi.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    (tmp_path / ".jedi").mkdir()
    (tmp_path / ".jedi" / "project.json").write_text(
        json.dumps(
            [
                1,
                {
                    "path": str(tmp_path),
                    "environment_path": str(python),
                    "load_unsafe_extensions": True,
                    "added_sys_path": [str(tmp_path)],
                },
            ]
        )
    )
    # -I: no working directory on sys.path, as `python -m funcls` removes it (__main__.py).
    out = subprocess.run(
        [sys.executable, "-I", "-c", SCRIPT],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert out.stdout.split() == ["2", "False"]
    assert not marker.exists()
