"""CPython's SyntaxWarnings about the app's code are not funcls' own output: `funcls check`
compiles each module for AZF603 (funcls/checks/compile_errors.py) and parses every file, and the
warnings the compiler gives about the user's text ('"is" with a literal') were printed on
stderr under the pseudo-file name '<funcls-compile>' (found on the real-world corpus)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_funcls_check_prints_no_syntax_warning_of_the_apps_code(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "requirements.txt").write_text("azure-functions\n")
    (app / "function_app.py").write_text(
        "import azure.functions as func\n"
        "\n"
        "app = func.FunctionApp()\n"
        "\n"
        "\n"
        '@app.route(route="hello")\n'
        "def hello(req: func.HttpRequest) -> func.HttpResponse:\n"
        "    count = len(req.params)\n"
        "    if count is 1:\n"
        '        return func.HttpResponse("one")\n'
        '    return func.HttpResponse("\\d")\n'
    )
    proc = subprocess.run(
        [sys.executable, "-W", "default", "-m", "funcls", "check", str(app)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.stderr == ""
    assert proc.returncode == 0, proc.stdout
    # The same text does warn when Python compiles it: the test would pass for nothing if not.
    warned = subprocess.run(
        [
            sys.executable,
            "-W",
            "default",
            "-c",
            "compile(open(__import__('sys').argv[1]).read(), 'f', 'exec')",
            str(app / "function_app.py"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "SyntaxWarning" in warned.stderr
