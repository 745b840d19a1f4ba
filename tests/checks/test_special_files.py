"""A FIFO or device where an app file belongs (issue 17): a finding on it, with its place and
the fix, instead of the file being skipped without a word (the function, the settings or the
whole app vanished) — and never a blocked read. Through ``funcls check`` in a process, with a
time limit: opening a FIFO blocks until a writer comes, so a regression hangs, and fails."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from funcls.model.loader import load_app
from funcls.model.source import Source
from funcls.model.workspace import find_app_roots

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
LIMIT_S = 60

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")


def copy_app(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(SAMPLES / name, root)
    return root


def fifo_in_place_of(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def findings(root: Path) -> list[dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-m", "funcls", "check", "--format", "json", str(root)],
        capture_output=True,
        text=True,
        timeout=LIMIT_S,
    )
    assert done.returncode in (0, 1), done.stderr
    return list(json.loads(done.stdout))


def test_a_fifo_function_json_is_a_finding_on_it(tmp_path: Path) -> None:
    root = copy_app(tmp_path, "v1-app")
    config = root / "process_order" / "function.json"
    fifo_in_place_of(config)
    [finding] = [f for f in findings(root) if f["path"] == str(config)]
    assert finding["code"] == "AZF100" and finding["severity"] == "error"
    assert (finding["line"], finding["column"]) == (1, 1)
    assert "named pipe (FIFO)" in finding["message"]
    assert "replace it with a regular file" in finding["message"]


def test_fifo_app_files_are_findings_and_the_app_is_still_found(tmp_path: Path) -> None:
    root = copy_app(tmp_path, "v2-app")
    names = ("host.json", "local.settings.json", "function_app.py")
    for name in names:
        fifo_in_place_of(root / name)
    got = {Path(f["path"]).name: f for f in findings(root)}
    for name in names:
        assert name in got, (name, sorted(got))
        assert "named pipe (FIFO)" in got[name]["message"]
    assert got["host.json"]["code"] == "AZF100"
    assert got["local.settings.json"]["code"] == "AZF100"
    assert got["function_app.py"]["code"] == "AZF603"
    # host.json is there, only unreadable: not "the app has no host.json".
    assert not any("has no host.json" in f["message"] for f in got.values())


def test_a_device_named_host_json(tmp_path: Path) -> None:
    root = copy_app(tmp_path, "v2-app")
    (root / "host.json").unlink()
    (root / "host.json").symlink_to("/dev/null")
    [finding] = [f for f in findings(root) if f["path"] == str(root / "host.json")]
    assert "a character device" in finding["message"]


def test_discovery_and_loading_never_open_a_fifo(tmp_path: Path) -> None:
    """In this process: a blocked open() would hang the test (the suite's timeout)."""
    root = copy_app(tmp_path, "v1-app")
    fifo_in_place_of(root / "local.settings.json")
    fifo_in_place_of(root / "process_order" / "function.json")
    assert find_app_roots(str(tmp_path)) == [str(root)]
    source = Source()
    assert source.special(str(root / "local.settings.json")) == "a named pipe (FIFO)"
    assert source.special(str(root / "host.json")) is None
    app = load_app(str(root), source)
    unreadable = {Path(p.path).name for p in app.problems if p.kind == "file-unreadable"}
    assert unreadable == {"local.settings.json", "function.json"}
    assert "process_order" in {f.name for f in app.functions}
