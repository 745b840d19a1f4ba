"""`funcls new` as a user runs it: a real process, files on disk, messages and exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from funcls.model.scaffold.app import APP_FILES
from funcls.model.scaffold.functions import template_list


def funcls(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "funcls", *args], capture_output=True, text=True, cwd=cwd, timeout=60
    )


def test_new_app_then_functions_check_clean(tmp_path: Path) -> None:
    made = funcls("new", "app", "shop", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines() == [
        *(f"created shop/{name}" for name in APP_FILES),
        "next: add a function with 'funcls new function --trigger http --name hello shop'",
    ]
    app = tmp_path / "shop"
    host = json.loads((app / "host.json").read_text())
    assert host["extensionBundle"] == {
        "id": "Microsoft.Azure.Functions.ExtensionBundle",
        "version": "[4.*, 5.0.0)",
    }
    assert json.loads((app / "local.settings.json").read_text())["Values"] == {
        "FUNCTIONS_WORKER_RUNTIME": "python",
        "AzureWebJobsStorage": "UseDevelopmentStorage=true",
    }
    assert "azure-functions" in (app / "requirements.txt").read_text().split("\n")
    assert "local.settings.json" in (app / ".funcignore").read_text().split("\n")
    assert "local.settings.json" in (app / ".gitignore").read_text().split("\n")

    added = funcls(
        "new",
        "function",
        "-t",
        "servicebus-topic",
        "-n",
        "orders",
        "-s",
        "topic_name=orders",
        cwd=app,
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.splitlines() == [
        "updated function_app.py",
        "updated local.settings.json",
        "note: local.settings.json Values: ServiceBusConnection set for the local emulator; "
        "point it at your service (and add it to the app settings in Azure)",
        "function 'orders' is at function_app.py:13",
    ]
    text = (app / "function_app.py").read_text()
    assert 'topic_name="orders",' in text and 'subscription_name="orders-subscription",' in text
    checked = funcls("check", str(app))
    assert (checked.returncode, checked.stdout, checked.stderr) == (
        0,
        "No problems found in 1 app.\n",
        "",
    )


def test_new_app_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("requests\n")
    done = funcls("new", "app", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr == (
        f"funcls: error: {tmp_path} already has requirements.txt; funcls new app does not "
        "overwrite files: choose an empty folder, or add functions with 'funcls new function'\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["requirements.txt"]


def test_list_prints_the_catalogue_templates(tmp_path: Path) -> None:
    as_json = funcls("new", "function", "--list", "--format", "json")
    assert as_json.returncode == 0
    assert json.loads(as_json.stdout) == template_list()
    text = funcls("new", "function", "--list").stdout.splitlines()
    assert "http               HTTP trigger" in text
    assert (
        "    schedule=0 */5 * * * * (required)  NCRONTAB expression (six fields, seconds "
        "first) or TimeSpan." in text
    )


def test_mistakes_get_one_line_with_the_fix(tmp_path: Path) -> None:
    funcls("new", "app", str(tmp_path))
    cases = [
        (("-t", "http"), "funcls new function needs --trigger and --name"),
        (("-t", "http", "-n", "a", "-s", "route"), "--setting 'route' is not KEY=VALUE"),
        (("-t", "ftp", "-n", "a"), "no template for trigger 'ftp'; use one of http, timer"),
        (
            ("-t", "timer", "-n", "a", "--file", "my-jobs.py"),
            "my-jobs.py cannot be imported as a Python module",
        ),
    ]
    for args, message in cases:
        done = funcls("new", "function", str(tmp_path), *args)
        assert done.returncode == 2, args
        assert done.stderr.startswith("funcls: error: ") and message in done.stderr, done.stderr
    missing = funcls("new", "function", str(tmp_path / "nowhere"), "-t", "http", "-n", "a")
    assert "is not a folder; give the app's folder" in missing.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    none = funcls("new", "function", str(empty), "-t", "http", "-n", "a")
    assert f"create one with 'funcls new app {empty}' first" in none.stderr
    assert (tmp_path / "function_app.py").read_text() == (
        "import azure.functions as func\n\napp = func.FunctionApp()\n"
    )


def test_the_new_app_s_ignore_files_leave_out_funcls_state(tmp_path: Path) -> None:
    """`funcls run`/`invoke` keep their state in <app>/.funcls (run.json with the app's address,
    keys.json, results): neither git nor a deployment (.funcignore, in gitignore syntax) takes
    it. Each file is read by git itself, alone, as a repository's exclude file."""
    funcls("new", "app", str(tmp_path / "shop"))
    git = shutil.which("git")
    assert git is not None, "git is needed to read the ignore files as git does"
    for ignore in (".gitignore", ".funcignore"):
        repo = tmp_path / f"check{ignore}"
        subprocess.run([git, "init", "-q", str(repo)], check=True)
        (repo / ".git" / "info" / "exclude").write_text((tmp_path / "shop" / ignore).read_text())
        (repo / ".funcls").mkdir()
        (repo / ".funcls" / "keys.json").write_text("{}")
        (repo / "function_app.py").write_text("")
        checked = subprocess.run(
            [git, "check-ignore", ".funcls/keys.json", "function_app.py"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=False,
        )
        assert checked.stdout.splitlines() == [".funcls/keys.json"], (ignore, checked)


def test_new_timer_refuses_a_schedule_the_check_would_report(tmp_path: Path) -> None:
    # QA as a new user: 'New function' wrote a classic five-field cron schedule (and any
    # text), which funcls check then reported as an error (AZF501/AZF500).
    assert funcls("new", "app", "shop", cwd=tmp_path).returncode == 0
    before = (tmp_path / "shop" / "function_app.py").read_text()
    five = funcls(
        "new", "function", "--trigger", "timer", "--name", "tick", "--setting",
        "schedule=0 */5 * * *", "shop", cwd=tmp_path,
    )  # fmt: skip
    assert five.returncode == 2
    assert five.stderr == (
        "funcls: error: schedule '0 */5 * * *' has 5 fields; Azure Functions schedules have 6, "
        "seconds first: write '0 0 */5 * * *'\n"
    )
    word = funcls(
        "new", "function", "--trigger", "timer", "--name", "tick", "--setting",
        "schedule=often", "shop", cwd=tmp_path,
    )  # fmt: skip
    assert word.returncode == 2
    assert word.stderr.startswith("funcls: error: schedule 'often': 'often' is neither an NCRONTAB")
    assert (tmp_path / "shop" / "function_app.py").read_text() == before
    for schedule in ("0 0 */5 * * *", "00:05:00", "%TICK_SCHEDULE%"):
        made = funcls(
            "new", "function", "--trigger", "timer", "--name", f"t{len(schedule)}", "--setting",
            f"schedule={schedule}", "shop", cwd=tmp_path,
        )  # fmt: skip
        assert made.returncode == 0, made.stderr
