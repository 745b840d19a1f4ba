"""Running an older funcls beside this tree: a commit's package extracted for PYTHONPATH."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def export_commit(commit: str, target: Path) -> Path:
    """The funcls package of a commit, extracted to target (run with PYTHONPATH=target)."""
    target.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", commit, "funcls"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target
