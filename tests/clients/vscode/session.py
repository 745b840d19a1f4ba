"""Running VS Code for tests: code-server with the packaged funcls extension and the probe,
driven by ``driver.js`` in headless Chromium. ``tests/clients/test_vscode.py`` says what to
look at and what must be there; this module only starts, observes and stops things.

Every process is started in a session of its own and stopped by its PID's process group, so
code-server's extension host and the language server it spawns, and the driver's Chromium, go
with their parent even when a test fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.ci import tool_missing

REPO = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
TOOLS = Path(os.environ.get("FUNCLS_TOOLS") or Path.home() / ".cache" / "funcls-tools")
CODE_SERVER = TOOLS / "node_modules" / ".bin" / "code-server"
PLAYWRIGHT_CORE = TOOLS / "node_modules" / "playwright-core"
CHROMIUM = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
WAIT_MS = 60_000  # for any one thing to appear in the page or the extension host
DRIVER_TIMEOUT_S = 600

USER_SETTINGS: dict[str, object] = {
    "funcls.trace.server": "messages",
    "workbench.startupEditor": "none",
    "security.workspace.trust.enabled": False,
    "extensions.autoUpdate": False,
    "extensions.autoCheckUpdates": False,
    "extensions.ignoreRecommendations": True,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "workbench.tips.enabled": False,
    "editor.wordBasedSuggestions": "off",  # every suggestion then comes from a provider
    "git.enabled": False,
}


def missing(what: str) -> None:
    """Outside CI: skip, saying what is missing. In CI: fail — the test must run there."""
    tool_missing(f"{what}; install it with tests/clients/vscode/setup.sh")


@dataclass
class Tools:
    node: str
    code_server: str
    chromium: str
    vsce: str


def find_tools() -> Tools:
    node = shutil.which("node")
    if node is None:
        missing("node is not on PATH")
    if not os.access(CODE_SERVER, os.X_OK):
        missing(f"code-server is not installed in {TOOLS}")
    if not (PLAYWRIGHT_CORE / "package.json").exists():
        missing(f"playwright-core is not installed in {TOOLS}")
    chromium = next((c for c in CHROMIUM if os.access(c, os.X_OK)), None)
    if chromium is None:
        missing(f"Chromium is not installed (looked for {', '.join(CHROMIUM)})")
    vsce = REPO / "node_modules" / ".bin" / "vsce"
    if not vsce.exists():
        missing("@vscode/vsce is not installed (run npm ci)")
    assert node is not None and chromium is not None
    return Tools(node, str(CODE_SERVER), chromium, str(vsce))


@dataclass
class Session:
    """What the page showed (``driver``) and what VS Code's providers answered (``probe``)."""

    tmp: Path
    driver: dict[str, Any]
    probe: dict[str, Any]
    servers: list[list[str]]  # the argv of each funcls process code-server started

    def step(self, name: str) -> dict[str, Any]:
        step = self.driver.get("steps", {}).get(name)
        assert step is not None and step.get("ok"), self.explain(f"page step '{name}' failed", step)
        return step["seen"]  # type: ignore[no-any-return]

    def probed(self, name: str) -> Any:
        answer = self.probe.get("results", {}).get(name)
        assert answer is not None and answer.get("ok"), self.explain(
            f"probe query '{name}' failed", answer
        )
        return answer["result"]

    def extension_dir(self, name: str) -> Path:
        """Where code-server installed the extension ``publisher.name`` (``funcls``: funcls.funcls-*)."""
        [found] = (self.tmp / "extensions").glob(f"{name}.{name}-*")
        return found

    def funcls_logs(self) -> list[Path]:
        """The extension's output channel ("funcls"), one file per extension host."""
        return sorted((self.tmp / "user-data" / "logs").glob("**/*-funcls.log"))

    def explain(self, what: str, detail: object = None) -> str:
        """An assertion message: what went wrong, what was seen, where to look next."""
        shots = sorted((self.tmp / "shots").glob("*.png"))
        return "\n".join(
            [
                what,
                json.dumps(detail, indent=2, ensure_ascii=False)[:4000],
                f"screenshots: {', '.join(map(str, shots)) or 'none'}",
                f"extension output: {', '.join(map(str, self.funcls_logs())) or 'none'}",
                f"logs: {self.tmp / 'code-server.log'}, {self.tmp / 'driver.log'}",
            ]
        )


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 300) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, (
        f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    )
    return proc.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(
    cmd: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its children join its process group
        )


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process started by ``start`` and everything it started, by its process group."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # children that outlived their parent
    proc.wait(timeout=10)


def wait_for(
    what: str, check: Callable[[], Any], timeout: float, proc: subprocess.Popen[bytes], log: Path
) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        if proc.poll() is not None:
            pytest.fail(
                f"{what}: the process exited with {proc.returncode}; see {log}", pytrace=False
            )
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}; see {log}", pytrace=False)


def group_commands(pgid: int, word: str) -> list[list[str]]:
    """The argv of every process in process group ``pgid`` whose command line has ``word``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            # The group is the fifth field of stat, counted after the command's closing ')'.
            if (
                not proc.name.isdigit()
                or int((proc / "stat").read_text().rsplit(")", 1)[1].split()[2]) != pgid
            ):
                continue
            argv = (proc / "cmdline").read_bytes().decode().split("\0")[:-1]
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if any(word in arg for arg in argv):
            found.append(argv)
    return sorted(found)


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def package_extensions(tools: Tools, tmp: Path) -> list[Path]:
    """The funcls extension as users get it (``npm … run package``), and the probe, copied
    into ``tmp``. They are built once per pytest run, into a folder beside ``tmp`` (a folder
    of pytest's base temporary folder, which each pytest process has to itself): the
    checkout does not change during a run, and each build downloads the bundled libraries
    with pip and runs vsce twice."""
    built = tmp.parent / "packaged-extensions"
    funcls, probe = built / "funcls.vsix", built / "probe.vsix"
    if not (funcls.is_file() and probe.is_file()):
        built.mkdir(exist_ok=True)
        run(["npm", "--workspace", "client-vscode", "run", "package"], REPO)
        shutil.copy(REPO / "client-vscode" / "funcls.vsix", funcls)
        run(
            [tools.vsce, "package", "--no-dependencies", "--skip-license", "--out", str(probe)],
            HERE / "probe-extension",
        )
    return [Path(shutil.copy(funcls, tmp)), Path(shutil.copy(probe, tmp))]


@contextmanager
def vscode_session(
    tools: Tools,
    tmp: Path,
    folder: Path,
    steps: list[dict[str, Any]],
    queries: list[dict[str, Any]],
    settings: dict[str, object] | None = None,
) -> Iterator[Session]:
    """Open ``folder`` in code-server, let the driver take ``steps`` in the page while the probe
    answers ``queries`` in the extension host; yield what both saw, then stop everything."""
    user_data, extensions = tmp / "user-data", tmp / "extensions"
    env = {
        **os.environ,
        **{f"XDG_{d}_HOME": str(tmp / "xdg" / d.lower()) for d in ("CONFIG", "DATA", "CACHE")},
    }
    cli = [
        tools.code_server,
        "--user-data-dir",
        str(user_data),
        "--extensions-dir",
        str(extensions),
    ]
    cli += ["--config", str(tmp / "code-server.yaml")]
    install = [
        arg for vsix in package_extensions(tools, tmp) for arg in ("--install-extension", str(vsix))
    ]
    installed = run([*cli, *install], tmp, env=env)
    assert installed.count("was successfully installed") == 2, installed

    probe_request, probe_result = tmp / "probe-request.json", tmp / "probe-result.json"
    probe_request.write_text(
        json.dumps({"result": str(probe_result), "timeoutMs": 2 * WAIT_MS, "queries": queries})
    )
    (user_data / "User").mkdir(parents=True, exist_ok=True)
    user_settings = {
        **USER_SETTINGS,
        **(settings or {}),
        "funclsProbe.request": str(probe_request),
    }
    (user_data / "User" / "settings.json").write_text(json.dumps(user_settings, indent=2))

    port = free_port()
    log = tmp / "code-server.log"
    flags = [
        "--auth",
        "none",
        "--disable-telemetry",
        "--disable-update-check",
        "--disable-workspace-trust",
    ]
    server = start([*cli, "--bind-addr", f"127.0.0.1:{port}", *flags, str(folder)], tmp, log, env)
    driver: subprocess.Popen[bytes] | None = None
    try:
        wait_for(
            "code-server to answer /healthz",
            lambda: healthy(f"http://127.0.0.1:{port}/healthz"),
            60,
            server,
            log,
        )
        config, driver_result = tmp / "driver.json", tmp / "driver-result.json"
        config.write_text(
            json.dumps(
                {
                    "url": f"http://127.0.0.1:{port}/?folder={folder}",
                    "playwrightCore": str(PLAYWRIGHT_CORE),
                    "chromium": tools.chromium,
                    "shots": str(tmp / "shots"),
                    "result": str(driver_result),
                    "timeoutMs": WAIT_MS,
                    "steps": steps,
                },
                indent=2,
            )
        )
        driver_log = tmp / "driver.log"
        driver = start([tools.node, str(HERE / "driver.js"), str(config)], tmp, driver_log, env)
        try:
            driver.wait(timeout=DRIVER_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            pytest.fail(
                f"the page driver did not finish in {DRIVER_TIMEOUT_S} s; see {driver_log}",
                pytrace=False,
            )
        wait_for(
            "the probe's answers",
            lambda: (read_json(probe_result) or {}).get("done"),
            3 * WAIT_MS / 1000,
            server,
            log,
        )
        servers = group_commands(server.pid, "funcls")
        yield Session(tmp, read_json(driver_result) or {}, read_json(probe_result) or {}, servers)
    finally:
        if driver is not None:
            stop(driver)
        stop(server)
