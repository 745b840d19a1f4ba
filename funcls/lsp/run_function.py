"""``funcls.runFunction``: run one function through the local runner (``funcls invoke NAME
APP_DIR`` in a child process; the server itself never runs user code) and report the result."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import sys
from dataclasses import dataclass

INVOKE_MODULE = "funcls.commands.invoke"
MAX_SHOWN = 400


@dataclass
class RunResult:
    ok: bool
    message: str  # one or two lines for window/showMessage
    output: str  # everything, for window/logMessage
    exit_code: int | None

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "message": self.message,
            "output": self.output,
            "exitCode": self.exit_code,
        }


def invoke_available() -> bool:
    """True when this installation has the local runner's ``funcls invoke``."""
    try:
        return importlib.util.find_spec(INVOKE_MODULE) is not None
    except ModuleNotFoundError:
        return False


def invoke_command(root: str, name: str) -> list[str]:
    return [sys.executable, "-m", "funcls", "invoke", name, root]


def _summary(text: str, first: bool = False) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    shown = (lines[0] if first else " ".join(lines[-3:])) if lines else ""
    return shown if len(shown) <= MAX_SHOWN else shown[: MAX_SHOWN - 1] + "…"


async def run_function(root: str, name: str, timeout: float) -> RunResult:
    if not isinstance(root, str) or not isinstance(name, str) or not root or not name:
        return RunResult(
            False,
            "funcls.runFunction needs two arguments: the app folder and the function name",
            "",
            None,
        )
    if not os.path.isdir(root):
        return RunResult(
            False, f"cannot run '{name}': the app folder {root} does not exist", "", None
        )
    if not invoke_available():
        return RunResult(
            False,
            f"cannot run '{name}': this funcls has no local runner yet ('funcls invoke' is not "
            "installed); update funcls, or start the app with Azure Functions Core Tools",
            "",
            None,
        )
    cmd = invoke_command(root, name)
    proc = await asyncio.create_subprocess_exec(
        *cmd,
        cwd=root,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.DEVNULL,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
        return RunResult(
            False, f"'{name}' did not finish within {timeout:.0f} s and was stopped", "", None
        )
    stdout = out.decode("utf-8", "replace")
    stderr = err.decode("utf-8", "replace")
    output = f"$ {' '.join(cmd)}\n{stdout}{stderr}".rstrip()
    if proc.returncode == 0:
        detail = _summary(stdout, first=True)
        return RunResult(True, detail or f"Ran '{name}'", output, 0)
    detail = _summary(stderr or stdout)
    return RunResult(
        False,
        f"'{name}' failed (exit code {proc.returncode})" + (f": {detail}" if detail else ""),
        output,
        proc.returncode,
    )
