"""Bad input in an app folder (a folder named function.json, a binary or a 50 MB
function_app.py, symbolic-link loops): ``funcls check`` ends, says what is wrong at the file's
place with the fix, and loses nothing else of the app. Through ``funcls check`` in a process,
with a time limit (a loop followed for ever hangs, and fails)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
LIMIT_S = 120


def copy_app(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(SAMPLES / name, root)
    return root


def check(root: Path) -> list[dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-m", "funcls", "check", "--format", "json", str(root)],
        capture_output=True,
        text=True,
        timeout=LIMIT_S,
    )
    assert done.returncode in (0, 1), done.stderr
    return list(json.loads(done.stdout))


def functions(root: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "funcls", "index", "--format", "json", str(root)],
        capture_output=True,
        text=True,
        timeout=LIMIT_S,
    )
    assert done.returncode == 0, done.stderr
    [app] = json.loads(done.stdout)["apps"]
    return sorted(f["name"] for f in app["functions"])


def test_a_folder_named_function_json_is_a_finding_on_it(tmp_path: Path) -> None:
    """Before: the function vanished without a word (its folder was not taken for one)."""
    root = copy_app(tmp_path, "v1-app")
    before = functions(root)
    config = root / "process_order" / "function.json"
    config.unlink()
    config.mkdir()
    (config / "inside.txt").write_text("a file in the folder\n")
    [finding] = [f for f in check(root) if f["path"] == str(config)]
    assert finding["code"] == "AZF100" and finding["severity"] == "error"
    assert (finding["line"], finding["column"]) == (1, 1)
    assert "it is a folder, not a file" in finding["message"]
    assert "move the folder away and write the file" in finding["message"]
    assert sorted(set(before) - {"process_order"}) == sorted(
        set(functions(root)) - {"process_order"}
    )


def test_a_binary_function_app_py_is_a_finding_on_it(tmp_path: Path) -> None:
    root = copy_app(tmp_path, "v2-app")
    script = root / "function_app.py"
    script.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 64)
    [finding] = [f for f in check(root) if f["path"] == str(script)]
    assert finding["code"] == "AZF603" and (finding["line"], finding["column"]) == (1, 1)
    assert "not UTF-8 text (bad byte at offset 0); save it as UTF-8" in finding["message"]


def test_a_50_mb_function_app_py_is_a_finding_on_it(tmp_path: Path) -> None:
    root = copy_app(tmp_path, "v2-app")
    script = root / "function_app.py"
    line = b"PADDING = 'x' * 80  # a generated module, far over the size funcls reads\n"
    with open(script, "ab") as f:
        f.write(line * (50 * 1024 * 1024 // len(line) + 1))
    assert script.stat().st_size > 50 * 1024 * 1024
    [finding] = [f for f in check(root) if f["path"] == str(script)]
    assert finding["code"] == "AZF603" and (finding["line"], finding["column"]) == (1, 1)
    assert "funcls reads files up to 4 MiB" in finding["message"]


def test_symbolic_link_loops_in_an_app_end_and_lose_nothing(tmp_path: Path) -> None:
    root = copy_app(tmp_path, "v1-app")
    expected = functions(root)
    findings_before = check(root)
    os.symlink("..", root / "shared" / "up")  # a folder that contains itself
    os.symlink(".", root / "here")
    os.symlink("loop_b", root / "loop_a")  # links to each other: stat fails with ELOOP
    os.symlink("loop_a", root / "loop_b")
    os.symlink("loop_a", root / "process_order" / "helper.py")
    assert functions(root) == expected
    assert check(root) == findings_before
