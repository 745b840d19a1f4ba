"""A FIFO or device named like a file the checker reads besides the app's own (issue 17):
requirements.txt (AZF601 and the import rules read it) and deployment templates
(`*.json`, `*.bicep`: AZF604 reads them). Each gets a finding saying it was not read and why,
none blocks (`funcls check` runs in a process with a time limit), and no rule draws
conclusions from the empty content (no "add azure-functions", no missing imports)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.checks.test_special_files import copy_app, fifo_in_place_of, findings

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")


def test_a_fifo_requirements_txt_is_a_finding_on_it(tmp_path: Path) -> None:
    root = copy_app(tmp_path, "v2-app")
    requirements = root / "requirements.txt"
    fifo_in_place_of(requirements)
    found = findings(root)
    on_it = [f for f in found if f["path"] == str(requirements)]
    assert len(on_it) == 1, found
    assert on_it[0]["code"] == "AZF601" and on_it[0]["severity"] == "error"
    assert "named pipe (FIFO)" in on_it[0]["message"]
    assert "regular file" in on_it[0]["message"]
    # Nothing concluded from a file that was not read.
    assert not [f for f in found if "has no requirements.txt" in f["message"]]
    assert not [f for f in found if f["code"] == "AZF605"], found


@pytest.mark.parametrize("name", ["infra/main.bicep", "infra/azuredeploy.json"])
def test_a_fifo_deployment_template_is_a_finding_on_it(tmp_path: Path, name: str) -> None:
    root = copy_app(tmp_path, "v2-app")
    template = root / name
    template.parent.mkdir()
    os.mkfifo(template)
    on_it = [f for f in findings(root) if f["path"] == str(template)]
    assert len(on_it) == 1, on_it
    assert on_it[0]["code"] == "AZF604"
    assert "named pipe (FIFO)" in on_it[0]["message"] and "not read" in on_it[0]["message"]


def test_a_template_linked_to_a_device_is_a_finding_not_a_read(tmp_path: Path) -> None:
    root = copy_app(tmp_path, "v2-app")
    (root / "zero.json").symlink_to("/dev/zero")
    on_it = [f for f in findings(root) if f["path"] == str(root / "zero.json")]
    assert len(on_it) == 1, on_it
    assert "character device" in on_it[0]["message"]
