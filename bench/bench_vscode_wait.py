"""What a user of the VS Code extension waits for, measured in code-server.

    python bench/bench_vscode_wait.py [--runs 5]

Builds the extension as users get it (`npm --workspace client-vscode run package`), installs
it in a fresh code-server profile, makes a fresh app (`funcls new app` + an HTTP function
`hello`, funcls.interpreter: this repository's .venv, which has the runner's packages and
debugpy) and lets bench/bench_vscode_wait.js click through it in headless Chromium:

* lens-first: ▶ Run with no app running -> "200 OK" in the result panel (starts the warm app);
* lens-warm: ▶ Run again -> the next result in the panel;
* save-result: Ctrl+S after an edit of the body, then ▶ Run -> the new body in the panel;
* f5-ready: F5 -> "funcls: ready" in the Debug Console;
* f5-paused: ▶ Run with a breakpoint in the function -> the debugger paused there.

Prints min / median / max in ms for each. Needs the tools of tests/clients/vscode/setup.sh.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.clients.vscode.session import (  # noqa: E402
    PLAYWRIGHT_CORE,
    USER_SETTINGS,
    find_tools,
    free_port,
    healthy,
    package_extensions,
    run,
    start,
    stop,
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the profile, app and logs")
    args = parser.parse_args()
    tools = find_tools()
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as base:
        if args.keep:
            base = tempfile.mkdtemp(prefix="bench-vscode-")
            print("keeping", base)
        tmp = Path(base) / "vscode"
        tmp.mkdir()
        app = Path(base) / "app"
        funcls = [sys.executable, "-m", "funcls"]
        run([*funcls, "new", "app", str(app)], REPO)
        run([*funcls, "new", "function", "--trigger", "http", "--name", "hello", str(app)], REPO)
        lines = (app / "function_app.py").read_text().splitlines()
        # The .js edits the line that reads the name and breaks on the next.
        who = next(i for i, t in enumerate(lines) if t.strip().startswith("who = req.params")) + 1
        env = {
            **os.environ,
            **{f"XDG_{d}_HOME": str(tmp / "xdg" / d.lower()) for d in ("CONFIG", "DATA", "CACHE")},
        }
        cli = [tools.code_server, "--user-data-dir", str(tmp / "ud"), "--extensions-dir"]
        cli += [str(tmp / "ext"), "--config", str(tmp / "code-server.yaml")]
        [vsix, _probe] = package_extensions(tools, tmp)
        run([*cli, "--install-extension", str(vsix)], tmp, env=env)
        (tmp / "ud" / "User").mkdir(parents=True, exist_ok=True)
        settings = {**USER_SETTINGS, "funcls.interpreter": [str(REPO / ".venv" / "bin" / "python")]}
        (tmp / "ud" / "User" / "settings.json").write_text(json.dumps(settings))
        port = free_port()
        flags = ["--auth", "none", "--disable-telemetry", "--disable-update-check"]
        flags += ["--disable-workspace-trust", "--bind-addr", f"127.0.0.1:{port}"]
        server = start([*cli, *flags, str(app)], tmp, tmp / "code-server.log", env)
        try:
            deadline = time.monotonic() + 60
            while not healthy(f"http://127.0.0.1:{port}/healthz"):
                assert time.monotonic() < deadline, "code-server did not start"
                time.sleep(0.2)
            out = tmp / "result.json"
            config = {
                "url": f"http://127.0.0.1:{port}/?folder={app}",
                "playwrightCore": str(PLAYWRIGHT_CORE),
                "chromium": tools.chromium,
                "runs": args.runs,
                "whoLine": who,
                "breakLine": who + 1,
                "out": str(out),
            }
            (tmp / "config.json").write_text(json.dumps(config))
            subprocess.run(
                [
                    tools.node,
                    str(REPO / "bench" / "bench_vscode_wait.js"),
                    str(tmp / "config.json"),
                ],
                check=True,
                timeout=1200,
            )
            result = json.loads(out.read_text())
        finally:
            stop(server)
    for name, times in result.items():
        if name == "error":
            continue
        print(
            f"{name:12} n={len(times):2}  min {min(times):6.0f} ms  median "
            f"{statistics.median(times):6.0f} ms  max {max(times):6.0f} ms"
        )
    if "error" in result:
        print("error:", result["error"], file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
