"""Start and stop a real Azurite (the Azure Storage emulator) for tests and benchmarks.

Azurite runs on free loopback ports with in-memory persistence and is stopped by its PID.
`require_azurite()` applies the project's policy for a missing binary: in CI (`CI=true`) the
test fails with a message naming the fix; elsewhere it is skipped.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

# The well-known development account of the emulator (public, documented by Microsoft).
DEV_ACCOUNT_NAME = "devstoreaccount1"
DEV_ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


class AzuriteNotFound(RuntimeError):
    """No azurite binary in node_modules/.bin or on PATH."""


class AzuriteStartError(RuntimeError):
    """Azurite was found but did not start listening."""


def find_azurite() -> str | None:
    """The azurite executable: the repository's node_modules first, then PATH."""
    local = REPO_ROOT / "node_modules" / ".bin" / "azurite"
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    return shutil.which("azurite")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_open(host: str, port: int, timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


@dataclass
class Azurite:
    """A running Azurite process and the endpoints to reach it."""

    process: subprocess.Popen[bytes]
    host: str
    blob_port: int
    queue_port: int
    table_port: int
    log_path: Path
    workdir: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def blob_endpoint(self) -> str:
        return f"http://{self.host}:{self.blob_port}/{DEV_ACCOUNT_NAME}"

    @property
    def queue_endpoint(self) -> str:
        return f"http://{self.host}:{self.queue_port}/{DEV_ACCOUNT_NAME}"

    @property
    def table_endpoint(self) -> str:
        return f"http://{self.host}:{self.table_port}/{DEV_ACCOUNT_NAME}"

    @property
    def connection_string(self) -> str:
        """The explicit development-account connection string for these ports."""
        return (
            "DefaultEndpointsProtocol=http;"
            f"AccountName={DEV_ACCOUNT_NAME};AccountKey={DEV_ACCOUNT_KEY};"
            f"BlobEndpoint={self.blob_endpoint};QueueEndpoint={self.queue_endpoint};"
            f"TableEndpoint={self.table_endpoint};"
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate this Azurite by its PID (SIGTERM, then SIGKILL if it lingers)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_azurite(
    *,
    binary: str | None = None,
    host: str = "127.0.0.1",
    startup_timeout: float = 30.0,
    log_dir: Path | None = None,
    attempts: int = 3,
) -> Azurite:
    """Start Azurite with in-memory persistence on free ports and wait until both the blob
    and queue ports accept connections. Retries on new ports if the chosen ones were taken
    between choosing and binding."""
    exe = binary or find_azurite()
    if exe is not None and not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
        exe = shutil.which(exe)
    if exe is None:
        raise AzuriteNotFound(
            "azurite not found in node_modules/.bin or on PATH; run `npm install` at the "
            "repository root (it installs azurite 3.35.0)"
        )
    last_error = "no attempt made"
    for _ in range(attempts):
        ports = (free_port(host), free_port(host), free_port(host))
        # Azurite may write workspace files into its cwd; give it a scratch folder.
        workdir = Path(tempfile.mkdtemp(prefix=f"azurite-{ports[1]}-"))
        log_path = (log_dir or workdir) / f"azurite-{ports[1]}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        command = [
            exe,
            "--silent",
            "--disableTelemetry",
            "--skipApiVersionCheck",
            "--inMemoryPersistence",
            "--blobHost",
            host,
            "--blobPort",
            str(ports[0]),
            "--queueHost",
            host,
            "--queuePort",
            str(ports[1]),
            "--tableHost",
            host,
            "--tablePort",
            str(ports[2]),
        ]
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                command,
                cwd=workdir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        instance = Azurite(process, host, ports[0], ports[1], ports[2], log_path, workdir)
        deadline = time.monotonic() + startup_timeout
        while time.monotonic() < deadline:
            if not instance.alive():
                last_error = f"azurite exited with code {process.returncode}"
                break
            if port_open(host, ports[0]) and port_open(host, ports[1]):
                return instance
            time.sleep(0.05)
        else:
            last_error = f"azurite did not listen on {host}:{ports[0]}/{ports[1]} in time"
        tail = log_path.read_text(errors="replace")[-2000:] if log_path.exists() else ""
        instance.stop()
        last_error += f"; log tail: {tail.strip()}" if tail.strip() else ""
    raise AzuriteStartError(f"{last_error} (command: {exe})")


def require_azurite(**kwargs: object) -> Azurite:
    """Start Azurite for a test. A missing binary fails the test in CI and skips it elsewhere."""
    from tests.support.ci import tool_missing

    try:
        return start_azurite(**kwargs)  # type: ignore[arg-type]
    except AzuriteNotFound as error:
        tool_missing(f"Azurite is required: {error}")
