"""What `funcls check` imports: dataclasses without inspect (funcls/cli.py,
_dataclasses_without_inspect; issue 16), and inspect still whole when something reads it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, *args: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()[-3:]


def test_check_imports_no_inspect_and_inspect_works_after(tmp_path: Path) -> None:
    app = tmp_path / "app"
    shutil.copytree(ROOT / "samples" / "v2-app", app)
    code = (
        "import sys, io, contextlib\n"
        "from funcls.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['check', sys.argv[1]])\n"
        "print(sorted(m for m in ('inspect', 'dis', 'tokenize', 'linecache') if m in sys.modules))\n"
        # A dataclass made the standard way after it: its __doc__ asks inspect.signature.
        "import dataclasses, inspect\n"
        "@dataclasses.dataclass\n"
        "class Point:\n"
        "    x: int\n"
        "    y: str = 'a'\n"
        "print(Point.__doc__)\n"
        "print(dataclasses.inspect is inspect, inspect.signature(Point))\n"
    )
    assert _run(code, str(app)) == [
        "[]",
        "Point(x: int, y: str = 'a')",
        "True (x: int, y: str = 'a') -> None",
    ]


def test_inspect_imported_first_is_the_real_module_for_dataclasses() -> None:
    # The language server's way: inspect (and dataclasses) imported before any command runs.
    code = (
        "import inspect, sys\n"
        "from funcls import cli\n"
        "cli._dataclasses_without_inspect()\n"
        "import dataclasses\n"
        "print(dataclasses.inspect is inspect, type(sys.modules['inspect']).__name__)\n"
        "print(hasattr(inspect, 'signature'))\n"
        "print(len(inspect.getmembers(dataclasses)) > 10)\n"
    )
    assert _run(code) == ["True module", "True", "True"]


def test_the_placeholder_gives_the_real_attribute_and_steps_aside() -> None:
    code = (
        "import sys\n"
        "from funcls import cli\n"
        "cli._dataclasses_without_inspect()\n"
        "import dataclasses\n"
        "placeholder = vars(dataclasses)['inspect']\n"
        "print(type(placeholder).__name__, 'inspect' in sys.modules)\n"
        "sig = placeholder.signature\n"
        "import inspect\n"
        "print(sig is inspect.signature, dataclasses.inspect is inspect)\n"
        "print(type(sys.modules['inspect']).__name__)\n"
    )
    assert _run(code) == ["_DeferredInspect False", "True True", "module"]
