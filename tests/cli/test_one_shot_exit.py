"""`funcls check` and `funcls index` end their process at once when done (cli._exit_at_once,
issue 16): everything they print still arrives whole, into a pipe or a file, with the same exit
code as the same command run in process; `main([...])` still returns to its caller."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest

from funcls.cli import main


def make_app(root: Path, count: int = 400) -> Path:
    """A v1 app with many findings, so the output is far larger than a pipe's buffer (no
    function_app.py: beside one with functions the host, and funcls, ignore the folders)."""
    root.mkdir()
    (root / "host.json").write_text('{"version": "2.0"}')
    for i in range(count):
        folder = root / f"F{i}"
        folder.mkdir()
        (folder / "function.json").write_text(
            json.dumps({"bindings": [{"type": "queueTrigger", "direction": "in", "name": "wrong"}]})
        )
        (folder / "__init__.py").write_text("def main(msg):\n    pass\n")
    return root


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--format", "json"],
        ["check"],
        ["index", "--format", "json"],
        ["index"],
    ],
)
def test_output_and_exit_code_as_in_process(
    tmp_path: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app(tmp_path / "app")
    code = main([*argv, str(app)])
    expected = capsys.readouterr().out
    assert gc.isenabled()  # main([...]) leaves the caller's process as it was
    proc = subprocess.run(
        [sys.executable, "-m", "funcls", *argv, str(app)], capture_output=True, text=True
    )
    assert (proc.returncode, proc.stdout) == (code, expected)
    if argv != ["index"]:  # the text index is short
        assert len(expected) > 65536  # more than a pipe holds: all of it flushed before exit
    with (tmp_path / "out.txt").open("w") as f:
        proc = subprocess.run([sys.executable, "-m", "funcls", *argv, str(app)], stdout=f)
    assert proc.returncode == code
    assert (tmp_path / "out.txt").read_text() == expected
    assert code == (1 if argv[0] == "check" else 0)


def test_a_closed_pipe_is_no_crash(tmp_path: Path) -> None:
    """A reader that stops early (`funcls index | head -1`): no traceback."""
    app = make_app(tmp_path / "app")
    proc = subprocess.Popen(
        [sys.executable, "-m", "funcls", "index", "--format", "json", str(app)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10) == b'{\n  "apps"'
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err
