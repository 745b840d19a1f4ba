"""`<app>/.funcls/run.json`: how `funcls invoke` finds a running `funcls run` of the app."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

STATE_FILE = "run.json"


def state_path(app_dir: str) -> Path:
    return Path(app_dir) / ".funcls" / STATE_FILE


def write_state(app_dir: str, data: dict[str, Any]) -> None:
    path = state_path(app_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"run.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
    tmp.replace(path)


def remove_state(app_dir: str, pid: int) -> None:
    data = read_state(app_dir)
    if data is not None and data.get("pid") == pid:
        with contextlib.suppress(OSError):
            state_path(app_dir).unlink()


def read_state(app_dir: str) -> dict[str, Any] | None:
    try:
        data = json.loads(state_path(app_dir).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
