"""`funcls run` / `funcls invoke` in a folder holding several apps name at most ten of them
(QA: `funcls invoke create_order` run in a folder holding 16,149 apps printed a 1 MB line)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from funcls.commands.errors import UsageError
from funcls.commands.run import app_root


def apps(root: Path, count: int) -> None:
    for i in range(count):
        app = root / f"app{i:02}"
        app.mkdir(parents=True)
        (app / "host.json").write_text('{"version": "2.0"}')


def test_a_folder_of_many_apps_names_ten_and_counts_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    apps(tmp_path, 12)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError) as raised:
        app_root(".")
    named = ", ".join(f"app{i:02}" for i in range(10))
    assert str(raised.value) == f"'.' holds 12 apps ({named} and 2 more); name one of them"
    # As the command says it.
    done = subprocess.run(
        [sys.executable, "-m", "funcls", "invoke", "create_order"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert f"'.' holds 12 apps ({named} and 2 more); name one of them" in done.stderr


def test_ten_apps_are_all_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    apps(tmp_path, 10)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError) as raised:
        app_root(".")
    assert str(raised.value).endswith("app08, app09); name one of them")
